/**
 * The lot trace routes on the real cloud app (sessions, access control, error handler) over a
 * real ledger file: the JSON trace whole through its response schema, the direction switch, the
 * CSV attachment with its filename and sorting, and clear refusals (unknown lot, bad direction,
 * unknown sort column).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LotTrace } from '../../inventory/lot-trace.ts';
import type { TemperatureOf } from '../../inventory/lot-trace-types.ts';
import { DAY, DAY1, openInventoryFixture, SKU, type InventoryFixture } from '../../inventory/testing/inventory-fixture.ts';
import { traceCsvColumns } from '../../inventory/trace-csv.ts';
import { openTestCloud, type LoggedIn, type TestCloud } from '../test-fixture.ts';
import { inventoryTraceRoutes } from './inventory-trace.ts';

const HOUR = 3_600_000;

describe('inventory trace routes', () => {
  let f: InventoryFixture;
  let cloud: TestCloud;
  let operator: LoggedIn;
  let trace: LotTrace;

  beforeAll(async () => {
    f = openInventoryFixture({ start: DAY1 + DAY });
    const temperatureOf: TemperatureOf = (location) => (location === 'B10'
      ? { unit: '°C', range: { min: 2, max: 8 }, points: [[DAY1 + 2 * HOUR, 9], [DAY1 + 3 * HOUR, 5]] }
      : undefined);
    trace = new LotTrace(f.db, f.clock, { temperatureOf });
    f.receive({ sku: SKU.milk, lot: 'R1', expiry: '2026-03-25', qty: 30, to: 'B10', docType: 'PO', docId: 'PO-1', effectiveAt: DAY1 + HOUR });
    f.ledger.post([{ sku: SKU.milk, lot: 'R1', qty: 12, from: 'B10', to: 'CUST-1', reason: 'shipment', docType: 'SO', docId: 'SO-1', effectiveAt: DAY1 + 4 * HOUR }], { actor: 'test' });
    f.ledger.post([{ sku: SKU.milk, lot: 'R1', qty: 3, from: 'B10', to: 'CUST-1', reason: 'shipment', docType: 'SO', docId: 'SO-2', effectiveAt: DAY1 + 5 * HOUR }], { actor: 'test' });
    f.receive({ sku: SKU.milk, lot: 'A/1', expiry: '2026-03-25', qty: 1, to: 'B11' });
    cloud = await openTestCloud({ demoUsers: true, beforeReady: (app) => { app.register(inventoryTraceRoutes, { trace }); } });
    operator = await cloud.login('operator');
  }, 30_000);

  afterAll(async () => {
    await cloud?.close();
    f?.close();
  });

  it('needs inventory.read: 401 without a session, 403 without the permission', async () => {
    expect((await cloud.app.inject({ method: 'GET', url: '/api/inventory/trace/MILK-1L/R1' })).statusCode).toBe(401);
    const finance = await cloud.login('finance');
    for (const url of ['/api/inventory/trace/MILK-1L/R1', '/api/inventory/trace/MILK-1L/R1/csv']) {
      const response = await finance.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(403);
      expect(response.json().error).toBe('FORBIDDEN');
    }
    const ours = cloud.app.routeTable.filter((r) => r.method !== 'HEAD' && r.url.startsWith('/api/inventory/trace'));
    expect(Object.fromEntries(ours.map((r) => [`${r.method} ${r.url}`, r.permission]))).toEqual({
      'GET /api/inventory/trace/:sku/:batch': 'inventory.read', 'GET /api/inventory/trace/:sku/:batch/csv': 'inventory.read',
    });
  });

  it('answers the whole trace as JSON, nothing dropped by the response schema', async () => {
    const response = await operator.inject({ method: 'GET', url: '/api/inventory/trace/MILK-1L/R1' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toEqual(JSON.parse(JSON.stringify(trace.trace(SKU.milk, 'R1'))));
    expect(body.direction).toBe('both');
    expect(body.forward.customers).toMatchObject([{ location: 'CUST-1', qty: 15, documents: [{ docId: 'SO-1', qty: 12 }, { docId: 'SO-2', qty: 3 }] }]);
    expect(body.backward.suppliers).toMatchObject([{ location: 'SUP-1', qty: 30, documents: [{ docType: 'PO', docId: 'PO-1' }] }]);
    expect(body.excursions).toMatchObject([{ location: 'B10', excursions: [{ start: DAY1 + 2 * HOUR, end: DAY1 + 3 * HOUR, worst: 9, minutes: 60 }] }]);
  });

  it('traces one way only when asked, and refuses a direction it does not know', async () => {
    const forward = (await operator.inject({ method: 'GET', url: '/api/inventory/trace/MILK-1L/R1?direction=forward' })).json();
    expect([forward.direction, forward.backward, forward.forward.onHand]).toEqual(['forward', null, [{ location: 'B10', locationKind: 'shelf', qty: 15 }]]);
    const refused = await operator.inject({ method: 'GET', url: '/api/inventory/trace/MILK-1L/R1?direction=sideways' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ field: 'direction' });
    expect(refused.json().message).toContain('forward, backward or both');
  });

  it('answers 404 naming the lot and where the lots are listed', async () => {
    const response = await operator.inject({ method: 'GET', url: '/api/inventory/trace/MILK-1L/NOPE' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'NOT_FOUND', field: 'batch', message: 'no lot "NOPE" of item "MILK-1L"; GET /api/inventory/lots?sku=MILK-1L lists its lots' });
    expect((await operator.inject({ method: 'GET', url: '/api/inventory/trace/MILK-1L/NOPE/csv' })).statusCode).toBe(404);
  });

  it('exports the CSV as an attachment named for the lot, sorted as asked', async () => {
    const response = await operator.inject({ method: 'GET', url: '/api/inventory/trace/MILK-1L/R1/csv?sort=qty&order=desc' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="trace-MILK-1L-R1.csv"');
    const lines = response.body.split('\r\n');
    expect(lines[0]).toBe(traceCsvColumns.join(','));
    const qty = traceCsvColumns.indexOf('qty');
    expect(lines.slice(1, -1).map((l) => l.split(',')[qty])).toEqual(['30', '12', '3', '']);
    expect(lines.at(-1)).toBe('');
  });

  it('traces a batch holding a slash (percent-encoded) and keeps the filename safe', async () => {
    const json = await operator.inject({ method: 'GET', url: '/api/inventory/trace/MILK-1L/A%2F1' });
    expect(json.statusCode).toBe(200);
    expect(json.json().lot.batch).toBe('A/1');
    const csv = await operator.inject({ method: 'GET', url: '/api/inventory/trace/MILK-1L/A%2F1/csv' });
    expect(csv.headers['content-disposition']).toBe('attachment; filename="trace-MILK-1L-A_1.csv"');
  });

  it('refuses an unknown sort column naming the columns', async () => {
    const response = await operator.inject({ method: 'GET', url: '/api/inventory/trace/MILK-1L/R1/csv?sort=colour' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'INVALID_INPUT', field: 'sort', message: `sort: "colour" is not a column of the trace CSV; expected one of ${traceCsvColumns.join(', ')}` });
  });
});
