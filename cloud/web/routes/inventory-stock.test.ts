/**
 * The stock-state and reservation routes on the real cloud app (accounts, sessions, access
 * control, error handler) over the real inventory core on its own SQLite file.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqliteReservations } from '../../inventory/reservations.ts';
import { SqliteStockStates } from '../../inventory/stock-states.ts';
import { openInventoryFixture, SKU, type InventoryFixture } from '../../inventory/testing/inventory-fixture.ts';
import { stockSnapshot } from '../../inventory/testing/stock-snapshot.ts';
import { openTestCloud, type LoggedIn, type TestCloud } from '../test-fixture.ts';
import { inventoryStockRoutes } from './inventory-stock.ts';

let f: InventoryFixture;
let cloud: TestCloud;
let sales: LoggedIn;
let operator: LoggedIn;

beforeAll(async () => {
  f = openInventoryFixture();
  const states = new SqliteStockStates(f.db, f.clock);
  const reservations = new SqliteReservations(f.db, f.clock);
  cloud = await openTestCloud({ demoUsers: true, beforeReady: (app) => app.register(inventoryStockRoutes, { states, reservations }) });
  sales = await cloud.login('sales');
  operator = await cloud.login('operator');
  f.catalog.putChannel({ id: 'douyin', name: 'Douyin', quotaPct: 50 });
  f.receive({ sku: SKU.milk, lot: 'L-MAR20', expiry: '2026-03-20', qty: 10, to: 'B10' });
  f.receive({ sku: SKU.milk, lot: 'L-MAR05', expiry: '2026-03-05', qty: 4, to: 'B11' });
  f.receive({ sku: SKU.milk, lot: 'L-FEB', expiry: '2026-02-27', qty: 2, to: 'B12' });
  f.receive({ sku: SKU.milk, lot: 'L-MAR20', qty: 3, to: 'TRANSIT' });
}, 30_000);

afterAll(async () => {
  await cloud?.close();
  f?.close();
});

describe('access', () => {
  it('reads need inventory.read, reservations sales.manage', async () => {
    expect((await cloud.app.inject({ method: 'GET', url: '/api/inventory/stock' })).statusCode).toBe(401);
    const expert = await cloud.login('expert');
    for (const url of ['/api/inventory/stock', '/api/inventory/stock/summary', `/api/inventory/stock/summary/${SKU.milk}`, `/api/inventory/fefo?sku=${SKU.milk}&qty=1`,
      '/api/inventory/expiry-warnings', '/api/inventory/reservations', '/api/inventory/reservations/1']) {
      expect((await expert.inject({ method: 'GET', url })).statusCode, url).toBe(403);
      expect((await operator.inject({ method: 'GET', url })).statusCode, url).not.toBe(403);
    }
    const refused = await operator.inject({ method: 'POST', url: '/api/inventory/reservations', payload: { sku: SKU.milk, kind: 'order', qty: 1 } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toBe('FORBIDDEN');
    const ours = cloud.app.routeTable.filter((r) => r.method !== 'HEAD' && /^\/api\/inventory\/(stock|fefo|expiry|reservations)/.test(r.url));
    expect(Object.fromEntries(ours.map((r) => [`${r.method} ${r.url}`, r.permission]))).toEqual({
      'GET /api/inventory/stock': 'inventory.read',
      'GET /api/inventory/stock/summary': 'inventory.read',
      'GET /api/inventory/stock/summary/:sku': 'inventory.read',
      'GET /api/inventory/fefo': 'inventory.read',
      'GET /api/inventory/expiry-warnings': 'inventory.read',
      'POST /api/inventory/reservations': 'sales.manage',
      'GET /api/inventory/reservations': 'inventory.read',
      'GET /api/inventory/reservations/:id': 'inventory.read',
      'POST /api/inventory/reservations/:id/release': 'sales.manage',
    });
  });
});

describe('reservations over HTTP', () => {
  beforeEach(() => {
    for (const r of new SqliteReservations(f.db, f.clock).list({ status: 'active' })) new SqliteReservations(f.db, f.clock).release(r.id, { actor: 'reset' });
  });

  it('reserves FEFO as the logged-in user, answers 201, and a retry with the same key gets the same reservation', async () => {
    const payload = { sku: SKU.milk, kind: 'order', qty: 6, orderRef: 'SO-7', requestKey: 'so-7-try' };
    const created = await sales.inject({ method: 'POST', url: '/api/inventory/reservations', payload });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({ sku: SKU.milk, kind: 'order', qty: 6, status: 'active', actor: 'sales', orderRef: 'SO-7', channel: null, note: null });
    expect(body.lines.map((l: { location: string; lot: string; qty: number }) => [l.location, l.lot, l.qty])).toEqual([['B11', 'L-MAR05', 4], ['B10', 'L-MAR20', 2]]);
    const retry = await sales.inject({ method: 'POST', url: '/api/inventory/reservations', payload });
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(body);
    expect((await operator.inject({ method: 'GET', url: `/api/inventory/reservations/${body.id}` })).json()).toEqual(body);
    const listed = (await operator.inject({ method: 'GET', url: `/api/inventory/reservations?sku=${SKU.milk}&status=active&kind=order&limit=5` })).json();
    expect(listed.reservations.map((r: { id: number }) => r.id)).toEqual([body.id]);

    const released = await sales.inject({ method: 'POST', url: `/api/inventory/reservations/${body.id}/release`, payload: {} });
    expect(released.statusCode).toBe(200);
    expect(released.json()).toMatchObject({ id: body.id, status: 'released', lines: body.lines });
    const again = await sales.inject({ method: 'POST', url: `/api/inventory/reservations/${body.id}/release`, payload: {} });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({ error: 'RESERVATION_CLOSED', field: 'id', message: `id: reservation ${body.id} is released already; only an active reservation can be released` });
  });

  it('answers the core\'s refusals with their code and status, and changes nothing', async () => {
    const cases: Array<[object, number, string, string | null, RegExp]> = [
      [{ sku: SKU.milk, kind: 'order', qty: 1, lot: 'L-FEB' }, 409, 'LOT_NOT_RESERVABLE', 'lot', /^lot: lot L-FEB of MILK-1L expired on 2026-02-27: reserve another lot or leave lot empty for FEFO$/],
      [{ sku: SKU.milk, kind: 'order', qty: 15 }, 409, 'INSUFFICIENT_STOCK', 'qty', /has 14 free to reserve, 15 asked/],
      [{ sku: 'MILK-2L', kind: 'order', qty: 1 }, 400, 'UNKNOWN_SKU', 'sku', /no item "MILK-2L" \(did you mean "MILK-1L"\?\)/],
      [{ sku: SKU.milk, kind: 'presale', qty: 1 }, 400, 'INVALID_INPUT', 'channel', /presale lock is held for a sales channel/],
      [{ sku: SKU.milk, kind: 'order', qty: 1.0005 }, 400, 'INVALID_QUANTITY', 'qty', /at most 3 decimals/],
      [{ sku: SKU.milk, kind: 'order', qty: 1, location: 'B13' }, 400, 'UNKNOWN_LOCATION', 'location', /no location "B13"/],
    ];
    for (const [payload, status, error, field, message] of cases) {
      const before = stockSnapshot(f.db);
      const response = await sales.inject({ method: 'POST', url: '/api/inventory/reservations', payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.json()).toMatchObject({ error, field });
      expect(response.json().message).toMatch(message);
      expect(stockSnapshot(f.db)).toEqual(before);
    }
    expect((await sales.inject({ method: 'POST', url: '/api/inventory/reservations/9999/release', payload: {} })).json()).toMatchObject({ error: 'UNKNOWN_RESERVATION', field: 'id' });
    expect((await operator.inject({ method: 'GET', url: '/api/inventory/reservations/9999' })).statusCode).toBe(404);
  });

  it('answers 400 naming the field for a body or query the schema refuses', async () => {
    const bodies: Array<[object, string]> = [
      [{ sku: SKU.milk, kind: 'order', qty: 0 }, 'qty'],
      [{ sku: SKU.milk, kind: 'order', qty: -3 }, 'qty'],
      [{ sku: SKU.milk, kind: 'hold', qty: 1 }, 'kind'],
      [{ sku: SKU.milk, kind: 'order' }, 'qty'],
      [{ sku: SKU.milk, kind: 'order', qty: 1, lots: 'L1' }, 'lots'],
      [{ sku: 'MILK 1L', kind: 'order', qty: 1 }, 'sku'],
    ];
    for (const [payload, field] of bodies) {
      const before = stockSnapshot(f.db);
      const response = await sales.inject({ method: 'POST', url: '/api/inventory/reservations', payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().field, JSON.stringify(payload)).toBe(field);
      expect(stockSnapshot(f.db)).toEqual(before);
    }
    for (const [url, field] of [['/api/inventory/fefo?sku=MILK-1L', 'qty'], ['/api/inventory/reservations?limit=0', 'limit'], ['/api/inventory/stock?includeVirtual=maybe', 'includeVirtual'],
      ['/api/inventory/expiry-warnings?withinDays=-1', 'withinDays'], ['/api/inventory/reservations/abc', 'id']] as const) {
      const response = await operator.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(400);
      expect(response.json().field, url).toBe(field);
    }
    expect((await sales.inject({ method: 'POST', url: '/api/inventory/reservations/1/release', payload: { why: 'x' } })).json()).toMatchObject({ error: 'UNKNOWN_FIELD', field: 'why' });
  });
});

describe('stock figures over HTTP', () => {
  it('shows the states per location, the summary with its explanation, FEFO picks and expiry warnings', async () => {
    const presale = await sales.inject({ method: 'POST', url: '/api/inventory/reservations', payload: { sku: SKU.milk, kind: 'presale', qty: 2, channel: 'douyin' } });
    expect(presale.statusCode).toBe(201);
    const rows = (await operator.inject({ method: 'GET', url: `/api/inventory/stock?sku=${SKU.milk}&location=WH1` })).json().rows;
    expect(rows.map((r: { location: string; physical: number; frozen: number; available: number }) => [r.location, r.physical, r.frozen, r.available]))
      .toEqual([['B10', 10, 0, 10], ['B11', 4, 0, 4], ['B12', 2, 2, 0]]);
    expect(rows[2].lots[0]).toMatchObject({ lot: 'L-FEB', status: 'expired', daysLeft: -2, frozen: true });
    const virtual = (await operator.inject({ method: 'GET', url: '/api/inventory/stock?includeVirtual=true&location=TRANSIT' })).json().rows;
    expect(virtual).toMatchObject([{ location: 'TRANSIT', locationKind: 'transit', inTransit: 3, physical: 0 }]);

    const summary = (await operator.inject({ method: 'GET', url: `/api/inventory/stock/summary/${SKU.milk}` })).json();
    expect(summary).toMatchObject({ physical: 16, frozen: 2, available: 14, inTransit: 3, presaleLock: 2, presaleLockByChannel: { douyin: 2 }, sellable: { douyin: 8 } });
    expect(summary.explain.available).toBe('available 14 = physical 16 - frozen 2 - reserved 0 - pending 0');
    const all = (await operator.inject({ method: 'GET', url: '/api/inventory/stock/summary' })).json().summaries;
    expect(all.find((s: { sku: string }) => s.sku === SKU.milk)).toEqual(summary);
    expect((await operator.inject({ method: 'GET', url: '/api/inventory/stock/summary/NOPE' })).json()).toMatchObject({ error: 'UNKNOWN_SKU', field: 'sku' });

    const fefo = (await operator.inject({ method: 'GET', url: `/api/inventory/fefo?sku=${SKU.milk}&qty=20&location=COLD` })).json();
    expect(fefo.picks.map((p: { location: string; lot: string; qty: number }) => [p.location, p.lot, p.qty])).toEqual([['B11', 'L-MAR05', 4], ['B10', 'L-MAR20', 10]]);
    expect(fefo.shortBy).toBe(6);

    const warnings = (await operator.inject({ method: 'GET', url: '/api/inventory/expiry-warnings' })).json().warnings;
    expect(warnings.map((w: { level: string; lot: string }) => [w.level, w.lot])).toEqual([['expired', 'L-FEB'], ['near_expiry', 'L-MAR05']]);
    const wider = (await operator.inject({ method: 'GET', url: '/api/inventory/expiry-warnings?withinDays=30' })).json().warnings;
    expect(wider.map((w: { lot: string }) => w.lot)).toEqual(['L-FEB', 'L-MAR05', 'L-MAR20']);
  });
});
