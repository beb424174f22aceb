/**
 * The replenishment routes on the real cloud app (accounts, sessions, access control, error
 * handler) over the real replenishment part and inventory core on one SQLite file, with a
 * ForecastSource of fixed daily numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReplenishment, type OpenReplenishment } from '../../forecasting/replenishment.ts';
import { FixedForecasts } from '../../forecasting/testing/fixed-forecasts.ts';
import { openInventoryFixture, SKU, type InventoryFixture } from '../../inventory/testing/inventory-fixture.ts';
import { openTestCloud, type LoggedIn, type TestCloud } from '../test-fixture.ts';
import { replenishmentRoutes } from './replenishment.ts';

let f: InventoryFixture;
let part: OpenReplenishment;
let cloud: TestCloud;
let purchasing: LoggedIn;
let operator: LoggedIn;

const dairy = { name: 'Dairy co-op', leadTimeMeanDays: 3, leadTimeSdDays: 1, onTimeInFullRate: 0.9, minOrderQty: 50, packSize: 12 };

beforeAll(async () => {
  f = openInventoryFixture();
  part = openReplenishment(f.file, { clock: f.clock, forecasts: new FixedForecasts().set(SKU.milk, 'WH1', { daily: 10, errorSdPerDay: 2, model: 'ets' }) });
  cloud = await openTestCloud({ demoUsers: true, beforeReady: (app) => app.register(replenishmentRoutes, { replenishment: part.api }) });
  purchasing = await cloud.login('purchasing');
  operator = await cloud.login('operator');
  f.receive({ sku: SKU.milk, lot: 'L-SOON', expiry: '2026-03-03', qty: 30, to: 'B10' });
  f.receive({ sku: SKU.milk, lot: 'L-LONG', expiry: '2026-03-31', qty: 10, to: 'B11' });
}, 30_000);

afterAll(async () => {
  await cloud?.close();
  part?.close();
  f?.close();
});

describe('access', () => {
  it('reading needs inventory.read, every change purchasing.manage', async () => {
    expect((await cloud.app.inject({ method: 'GET', url: '/api/replenishment/suggestions' })).statusCode).toBe(401);
    const ours = cloud.app.routeTable.filter((r) => r.method !== 'HEAD' && r.url.startsWith('/api/replenishment'));
    expect(Object.fromEntries(ours.map((r) => [`${r.method} ${r.url}`, r.permission]))).toEqual({
      'GET /api/replenishment/suppliers': 'inventory.read',
      'PUT /api/replenishment/suppliers/:id': 'purchasing.manage',
      'GET /api/replenishment/sourcing': 'inventory.read',
      'PUT /api/replenishment/sourcing/:sku/:location': 'purchasing.manage',
      'DELETE /api/replenishment/sourcing/:sku/:location': 'purchasing.manage',
      'POST /api/replenishment/runs': 'purchasing.manage',
      'GET /api/replenishment/suggestions': 'inventory.read',
      'GET /api/replenishment/suggestions/:id': 'inventory.read',
      'POST /api/replenishment/suggestions/:id/accept': 'purchasing.manage',
      'POST /api/replenishment/suggestions/:id/dismiss': 'purchasing.manage',
    });
    const expert = await cloud.login('expert');
    expect((await expert.inject({ method: 'GET', url: '/api/replenishment/suggestions' })).statusCode).toBe(403);
    expect((await operator.inject({ method: 'GET', url: '/api/replenishment/suggestions' })).statusCode).toBe(200);
    for (const [method, url, payload] of [['PUT', '/api/replenishment/suppliers/DAIRY', dairy], ['POST', '/api/replenishment/runs', {}],
      ['POST', '/api/replenishment/suggestions/1/accept', {}], ['POST', '/api/replenishment/suggestions/1/dismiss', {}]] as const) {
      const refused = await operator.inject({ method, url, payload });
      expect(refused.statusCode, url).toBe(403);
      expect(refused.json().error).toBe('FORBIDDEN');
    }
  });
});

describe('suppliers, sourcing, runs and decisions', () => {
  it('purchasing sets up a supplier, runs, and accepts with a purchase order; stock does not move', async () => {
    const movesBefore = f.ledger.counts();
    const supplier = await purchasing.inject({ method: 'PUT', url: '/api/replenishment/suppliers/DAIRY', payload: dairy });
    expect(supplier.statusCode, supplier.body).toBe(200);
    expect(supplier.json()).toMatchObject({ id: 'DAIRY', ...dairy, updatedBy: 'purchasing' });
    const sourcing = await purchasing.inject({ method: 'PUT', url: `/api/replenishment/sourcing/${SKU.milk}/WH1`, payload: { supplier: 'DAIRY', reviewPeriodDays: 4 } });
    expect(sourcing.json()).toMatchObject({ sku: SKU.milk, location: 'WH1', supplier: 'DAIRY', reviewPeriodDays: 4, serviceLevel: 0.95 });
    expect((await operator.inject({ method: 'GET', url: '/api/replenishment/sourcing?supplier=DAIRY' })).json().sourcing).toHaveLength(1);

    const run = await purchasing.inject({ method: 'POST', url: '/api/replenishment/runs', payload: {} });
    expect(run.statusCode, run.body).toBe(200);
    const [suggestion] = run.json().suggestions;
    // 70 + 20.47 - (40 - 10 expiring) = 60.47 -> 6 packs of 12
    expect(suggestion).toMatchObject({ suggestedQty: 72, sellableOnHand: 30, expiringUnsellable: 10, state: 'open' });
    expect(suggestion.explanation).toContain('lot L-SOON 10 expires 2026-03-03');

    const accepted = await purchasing.inject({ method: 'POST', url: `/api/replenishment/suggestions/${suggestion.id}/accept`, payload: { purchaseOrder: 'PO-2026-031' } });
    expect(accepted.json()).toMatchObject({ state: 'accepted', decidedBy: 'purchasing', purchaseOrder: 'PO-2026-031' });
    const again = await purchasing.inject({ method: 'POST', url: `/api/replenishment/suggestions/${suggestion.id}/dismiss`, payload: {} });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'CONFLICT', field: 'id', message: expect.stringContaining('was accepted by purchasing') });
    expect((await operator.inject({ method: 'GET', url: '/api/replenishment/suggestions?state=accepted' })).json().suggestions.map((s: { id: number }) => s.id)).toEqual([suggestion.id]);
    expect((await operator.inject({ method: 'GET', url: `/api/replenishment/suggestions/${suggestion.id}` })).json().purchaseOrder).toBe('PO-2026-031');
    expect(f.ledger.counts()).toEqual(movesBefore);
  });
});

describe('bad input', () => {
  it('names the field and the fix, and changes nothing', async () => {
    const before = (await operator.inject({ method: 'GET', url: '/api/replenishment/suppliers' })).json();
    const bad = await purchasing.inject({ method: 'PUT', url: '/api/replenishment/suppliers/DAIRY', payload: { ...dairy, onTimeInFullRate: 92 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'onTimeInFullRate', message: expect.stringContaining('from 0 to 1') });
    const decimals = await purchasing.inject({ method: 'PUT', url: '/api/replenishment/suppliers/DAIRY', payload: { ...dairy, packSize: 0.0001 } });
    expect(decimals.json()).toMatchObject({ error: 'INVALID_INPUT', field: 'packSize', message: expect.stringContaining('at most 3 decimals') });
    expect((await operator.inject({ method: 'GET', url: '/api/replenishment/suppliers' })).json()).toEqual(before);

    const sku = await purchasing.inject({ method: 'PUT', url: '/api/replenishment/sourcing/MILK-1/WH1', payload: { supplier: 'DAIRY', reviewPeriodDays: 4 } });
    expect(sku.json()).toMatchObject({ error: 'UNKNOWN_SKU', field: 'sku', message: expect.stringContaining('did you mean') });
    const supplier = await purchasing.inject({ method: 'PUT', url: `/api/replenishment/sourcing/${SKU.milk}/WH1`, payload: { supplier: 'DIARY', reviewPeriodDays: 4 } });
    expect(supplier.statusCode).toBe(404);
    expect(supplier.json()).toMatchObject({ error: 'NOT_FOUND', field: 'supplier', message: expect.stringContaining('"DAIRY"') });
    const period = await purchasing.inject({ method: 'PUT', url: `/api/replenishment/sourcing/${SKU.milk}/WH1`, payload: { supplier: 'DAIRY', reviewPeriodDays: 0 } });
    expect(period.json()).toMatchObject({ field: 'reviewPeriodDays', message: expect.stringContaining('from 1 to 365') });
    const extra = await purchasing.inject({ method: 'POST', url: '/api/replenishment/runs', payload: { sku: SKU.milk, horizon: 3 } });
    expect(extra.json()).toMatchObject({ error: 'UNKNOWN_FIELD', field: 'horizon' });
    const missing = await purchasing.inject({ method: 'POST', url: '/api/replenishment/suggestions/9999/accept', payload: {} });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'NOT_FOUND', field: 'id' });
    expect((await operator.inject({ method: 'GET', url: '/api/replenishment/sourcing' })).json().sourcing).toEqual([expect.objectContaining({ reviewPeriodDays: 4 })]);
  });
});
