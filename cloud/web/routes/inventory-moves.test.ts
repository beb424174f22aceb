/**
 * The ledger routes on the real cloud app (accounts, sessions, access control, error handler)
 * over a real ledger file: permissions, a receipt -> putaway -> shipment flow, reversal, paging,
 * the drift check, and bad input answered naming the field with the ledger unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInventoryFixture, SKU, type InventoryFixture } from '../../inventory/testing/inventory-fixture.ts';
import { openTestCloud, type LoggedIn, type TestCloud } from '../test-fixture.ts';
import { inventoryCatalogRoutes } from './inventory-catalog.ts';
import { inventoryMoveRoutes } from './inventory-moves.ts';

describe('inventory ledger routes', () => {
  let f: InventoryFixture;
  let cloud: TestCloud;
  let operator: LoggedIn;

  beforeAll(async () => {
    f = openInventoryFixture({ start: Date.now() });
    const options = { catalog: f.catalog, ledger: f.ledger };
    cloud = await openTestCloud({
      demoUsers: true,
      beforeReady: (app) => { app.register(inventoryCatalogRoutes, options); app.register(inventoryMoveRoutes, options); },
    });
    operator = await cloud.login('operator');
  }, 30_000);

  afterAll(async () => {
    await cloud?.close();
    f?.close();
  });

  const unchanged = () => ({ counts: f.ledger.counts(), balances: f.ledger.balances({ includeZero: true }), lots: f.catalog.lots() });
  const post = (who: LoggedIn, payload: object) => who.inject({ method: 'POST', url: '/api/inventory/moves', payload });

  it('needs inventory.read to read and inventory.manage to post: 401 without a session, 403 without the permission', async () => {
    expect((await cloud.app.inject({ method: 'GET', url: '/api/inventory/moves' })).statusCode).toBe(401);
    expect((await cloud.app.inject({ method: 'POST', url: '/api/inventory/moves', payload: { moves: [] } })).statusCode).toBe(401);
    const finance = await cloud.login('finance');
    for (const url of ['/api/inventory/moves', '/api/inventory/moves/1', '/api/inventory/balances']) {
      const response = await finance.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(403);
      expect(response.json().error).toBe('FORBIDDEN');
    }
    const auditor = await cloud.login('auditor');
    expect((await auditor.inject({ method: 'GET', url: '/api/inventory/balances' })).statusCode).toBe(200);
    const refused = await post(auditor, { moves: [{ sku: SKU.bolt, qty: 1, from: 'SUP-1', to: 'A01', reason: 'receipt' }] });
    expect(refused.statusCode).toBe(403);
    expect((await auditor.inject({ method: 'POST', url: '/api/inventory/drift-check', payload: {} })).statusCode).toBe(403);
    const ours = cloud.app.routeTable.filter((r) => r.method !== 'HEAD' && /^\/api\/inventory\/(moves|balances|drift-check)/.test(r.url));
    expect(Object.fromEntries(ours.map((r) => [`${r.method} ${r.url}`, r.permission]))).toEqual({
      'POST /api/inventory/moves': 'inventory.manage', 'POST /api/inventory/moves/:id/reverse': 'inventory.manage', 'GET /api/inventory/moves': 'inventory.read',
      'GET /api/inventory/moves/:id': 'inventory.read', 'GET /api/inventory/balances': 'inventory.read', 'POST /api/inventory/drift-check': 'inventory.manage',
    });
  });

  it('books a receipt, a putaway and a shipment, with balances and moves to show for it', async () => {
    const receipt = await post(operator, {
      moves: [{ sku: SKU.milk, lot: 'R1', expiry: '2099-01-31', qty: 24, from: 'SUP-1', to: 'RECV', reason: 'receipt', docType: 'PO', docId: 'PO-9' }],
      requestKey: 'po-9-receipt',
    });
    expect(receipt.statusCode).toBe(201);
    expect(receipt.json().moves[0]).toMatchObject({ sku: SKU.milk, lot: 'R1', qty: 24, actor: 'operator', reason: 'receipt' });
    const retry = await post(operator, { moves: [{ sku: SKU.milk, lot: 'R1', expiry: '2099-01-31', qty: 24, from: 'SUP-1', to: 'RECV', reason: 'receipt' }], requestKey: 'po-9-receipt' });
    expect(retry.json()).toEqual(receipt.json());
    expect((await post(operator, { moves: [{ sku: SKU.milk, lot: 'R1', qty: 24, from: 'RECV', to: 'B11', reason: 'putaway' }] })).statusCode).toBe(201);
    const shipped = await post(operator, { moves: [{ sku: SKU.milk, lot: 'R1', qty: 10, from: 'B11', to: 'CUST-1', reason: 'shipment', docType: 'SO', docId: 'SO-1' }] });
    expect(shipped.statusCode).toBe(201);

    const balances = (await operator.inject({ method: 'GET', url: `/api/inventory/balances?sku=${SKU.milk}` })).json().balances;
    expect(balances.map((b: { location: string; qty: number }) => [b.location, b.qty])).toEqual([['B11', 14], ['CUST-1', 10], ['SUP-1', -24]]);
    const page = (await operator.inject({ method: 'GET', url: '/api/inventory/moves?location=B11&limit=1' })).json();
    expect(page.moves.map((m: { reason: string }) => m.reason)).toEqual(['shipment']);
    const next = (await operator.inject({ method: 'GET', url: `/api/inventory/moves?location=B11&limit=1&before=${page.nextBefore}` })).json();
    expect(next.moves.map((m: { reason: string }) => m.reason)).toEqual(['putaway']);
    const one = await operator.inject({ method: 'GET', url: `/api/inventory/moves/${shipped.json().moves[0].id}` });
    expect(one.json()).toEqual(shipped.json().moves[0]);
    expect((await operator.inject({ method: 'GET', url: '/api/inventory/moves/99999' })).json()).toMatchObject({ error: 'UNKNOWN_MOVE', field: 'id' });

    const reversed = await operator.inject({ method: 'POST', url: `/api/inventory/moves/${shipped.json().moves[0].id}/reverse`, payload: { note: 'wrong customer' } });
    expect(reversed.statusCode).toBe(201);
    expect(reversed.json().move).toMatchObject({ reason: 'reversal', from: 'CUST-1', to: 'B11', qty: 10, note: 'wrong customer' });
    const again = await operator.inject({ method: 'POST', url: `/api/inventory/moves/${shipped.json().moves[0].id}/reverse`, payload: {} });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'ALREADY_REVERSED', field: 'id' });

    const drift = await operator.inject({ method: 'POST', url: '/api/inventory/drift-check', payload: {} });
    expect(drift.json()).toMatchObject({ moves: 4, findings: [], serialFindings: [], overReserved: [] });
  });

  it('answers bad input with 400/409 naming the field, and the ledger is unchanged', async () => {
    const good = { sku: SKU.bolt, qty: 2, from: 'SUP-1', to: 'A01', reason: 'receipt' };
    const cases: Array<[object, number, string, string, RegExp?]> = [
      [{ moves: [{ ...good, sku: 'BOLT-M9' }] }, 400, 'UNKNOWN_SKU', 'moves.0.sku', /did you mean "BOLT-M8"/],
      [{ moves: [good, { ...good, qty: -3 }] }, 400, 'INVALID_QUANTITY', 'moves.1.qty'],
      [{ moves: [{ ...good, from: 'A02', to: 'A01', reason: 'transfer' }] }, 409, 'INSUFFICIENT_STOCK', 'moves.0.qty', /A02 holds 0 of BOLT-M8/],
      [{ moves: [{ ...good, colour: 'red' }] }, 400, 'UNKNOWN_FIELD', 'moves.0.colour'],
      [{ moves: [good], requestKy: 'x' }, 400, 'UNKNOWN_FIELD', 'requestKy', /did you mean "requestKey"/],
      [{ moves: [{ ...good, qty: '2' }] }, 400, 'INVALID_VALUE', 'moves.0.qty'],
      [{ moves: [] }, 400, 'INVALID_VALUE', 'moves'],
      [{ moves: [{ ...good, reason: 'gift' }] }, 400, 'INVALID_VALUE', 'moves.0.reason'],
      [{ moves: [{ ...good, sku: SKU.milk, lot: 'NOPE', from: 'B10', to: 'B11', reason: 'transfer' }] }, 400, 'UNKNOWN_LOT', 'moves.0.lot'],
    ];
    for (const [payload, status, error, field, message] of cases) {
      const before = unchanged();
      const response = await post(operator, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.json(), JSON.stringify(payload)).toMatchObject({ error, field });
      if (message) expect(response.json().message).toMatch(message);
      expect(unchanged()).toEqual(before);
    }
    const query = await operator.inject({ method: 'GET', url: '/api/inventory/moves?limit=501' });
    expect(query.json()).toMatchObject({ error: 'INVALID_VALUE', field: 'limit' });
  });
});
