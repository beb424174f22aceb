/**
 * The purchase-order routes on the real cloud app (accounts, sessions, access control, error
 * handler) over the real replenishment and purchase-order parts and the inventory core on one
 * SQLite file, with a ForecastSource of fixed daily numbers: accepting over HTTP opens a line,
 * a ledger receipt naming it shows as received, closing needs a reason and happens once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReplenishment, type OpenReplenishment } from '../../forecasting/replenishment.ts';
import { FixedForecasts } from '../../forecasting/testing/fixed-forecasts.ts';
import { openInventoryFixture, SKU, type InventoryFixture } from '../../inventory/testing/inventory-fixture.ts';
import { openPurchaseOrders, type OpenPurchaseOrders } from '../../purchasing/open-purchase-orders.ts';
import { openTestCloud, type LoggedIn, type TestCloud } from '../test-fixture.ts';
import { purchaseOrderRoutes } from './purchase-orders.ts';
import { replenishmentRoutes } from './replenishment.ts';

let f: InventoryFixture;
let orders: OpenPurchaseOrders;
let part: OpenReplenishment;
let cloud: TestCloud;
let purchasing: LoggedIn;
let operator: LoggedIn;

beforeAll(async () => {
  f = openInventoryFixture();
  orders = openPurchaseOrders(f.file, { clock: f.clock });
  part = openReplenishment(f.file, { clock: f.clock, forecasts: new FixedForecasts().set(SKU.milk, 'WH1', { daily: 10, errorSdPerDay: 2, model: 'ets' }), onOrder: orders.onOrder });
  part.api.putSupplier({ id: 'DAIRY', name: 'Dairy co-op', leadTimeMeanDays: 3, leadTimeSdDays: 1, onTimeInFullRate: 0.9, minOrderQty: 50, packSize: 12 }, 'buyer');
  part.api.putSourcing({ sku: SKU.milk, location: 'WH1', supplier: 'DAIRY', reviewPeriodDays: 4 }, 'buyer');
  cloud = await openTestCloud({
    demoUsers: true,
    beforeReady: (app) => {
      app.register(replenishmentRoutes, { replenishment: part.api });
      app.register(purchaseOrderRoutes, { purchaseOrders: orders.api });
    },
  });
  purchasing = await cloud.login('purchasing');
  operator = await cloud.login('operator');
}, 30_000);

afterAll(async () => {
  await cloud?.close();
  part?.close();
  orders?.close();
  f?.close();
});

const openLines = async () => (await purchasing.inject({ method: 'GET', url: '/api/replenishment/purchase-orders' })).json().lines;
const allLines = async () => (await purchasing.inject({ method: 'GET', url: '/api/replenishment/purchase-orders?state=all' })).json().lines;

describe('access', () => {
  it('listing and closing need purchasing.manage, as accepting does', async () => {
    const ours = cloud.app.routeTable.filter((r) => r.method !== 'HEAD' && r.url.startsWith('/api/replenishment/purchase-orders'));
    expect(Object.fromEntries(ours.map((r) => [`${r.method} ${r.url}`, r.permission]))).toEqual({
      'GET /api/replenishment/purchase-orders': 'purchasing.manage',
      'POST /api/replenishment/purchase-orders/:ref/close': 'purchasing.manage',
    });
    expect((await cloud.app.inject({ method: 'GET', url: '/api/replenishment/purchase-orders' })).statusCode).toBe(401);
    expect((await operator.inject({ method: 'GET', url: '/api/replenishment/purchase-orders' })).statusCode).toBe(403);
    const refused = await operator.inject({ method: 'POST', url: '/api/replenishment/purchase-orders/PO-1/close', payload: { reason: 'x' } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toBe('FORBIDDEN');
  });
});

describe('accept, receive, close', () => {
  it('an accepted suggestion is an open line; a receipt naming it shows as received; the next run orders less; closing stops it counting', async () => {
    const run = await purchasing.inject({ method: 'POST', url: '/api/replenishment/runs', payload: {} });
    const [suggestion] = run.json().suggestions;
    expect(suggestion.suggestedQty).toBe(96); // 70 + 20.47 with nothing on hand -> 8 packs of 12
    const accepted = await purchasing.inject({ method: 'POST', url: `/api/replenishment/suggestions/${suggestion.id}/accept`, payload: { purchaseOrder: 'PO-7781' } });
    expect(accepted.json()).toMatchObject({ state: 'accepted', purchaseOrder: 'PO-7781' });
    expect(await openLines()).toEqual([{
      id: expect.any(Number), ref: 'PO-7781', supplier: 'DAIRY', sku: SKU.milk, location: 'WH1', orderedQty: 96, receivedQty: 0, openQty: 96,
      expectedDay: '2026-03-04', overdue: false, state: 'open', orderedBy: 'purchasing', orderedAt: f.clock.now(), suggestionId: suggestion.id,
      closedReason: null, closedBy: null, closedAt: null,
    }]);

    f.receive({ sku: SKU.milk, lot: 'L-PO', expiry: '2026-03-31', qty: 36, to: 'RECV', docType: 'purchase_order', docId: 'PO-7781' });
    expect(await openLines()).toEqual([expect.objectContaining({ ref: 'PO-7781', receivedQty: 36, openQty: 60 })]);
    const next = (await purchasing.inject({ method: 'POST', url: '/api/replenishment/runs', payload: {} })).json().suggestions[0];
    // 90.47 - 36 on hand - 60 on order < 0
    expect(next).toMatchObject({ sellableOnHand: 36, inTransit: 60, suggestedQty: 0 });
    expect(next.explanation).toContain('on order 60 (PO-7781 60 of 96 due 2026-03-04)');

    const closed = await purchasing.inject({ method: 'POST', url: '/api/replenishment/purchase-orders/PO-7781/close', payload: { reason: 'rest not coming before the holiday' } });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().lines).toEqual([expect.objectContaining({ ref: 'PO-7781', state: 'short_closed', receivedQty: 36, openQty: 0, closedBy: 'purchasing', closedReason: 'rest not coming before the holiday' })]);
    expect(await openLines()).toEqual([]);
    expect((await purchasing.inject({ method: 'GET', url: `/api/replenishment/purchase-orders?state=closed&sku=${SKU.milk}` })).json().lines.map((l: { ref: string }) => l.ref)).toEqual(['PO-7781']);
    // 90.47 - 36 = 54.47 -> 5 packs = 60
    expect((await purchasing.inject({ method: 'POST', url: '/api/replenishment/runs', payload: {} })).json().suggestions[0]).toMatchObject({ inTransit: 0, suggestedQty: 60 });
  });
});

describe('bad input', () => {
  it('an unknown reference, an empty reason, an unknown field and closing twice name the field; nothing changes', async () => {
    const before = await allLines();
    expect(before).toHaveLength(1);
    const post = (ref: string, payload: unknown) => purchasing.inject({ method: 'POST', url: `/api/replenishment/purchase-orders/${encodeURIComponent(ref)}/close`, payload: payload as object });

    const unknown = await post('PO-7718', { reason: 'typo' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'NOT_FOUND', field: 'ref', message: expect.stringContaining('no purchase order "PO-7718"') });
    // '' fails the schema, blanks the part's own check: both name the field and what to send
    for (const [reason, error] of [['', 'INVALID_VALUE'], ['   ', 'INVALID_INPUT']]) {
      const empty = await post('PO-7781', { reason });
      expect(empty.statusCode, JSON.stringify(reason)).toBe(400);
      expect(empty.json()).toMatchObject({ error, field: 'reason', message: expect.stringContaining('supplier cannot deliver') });
    }
    const missing = await post('PO-7781', {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ field: 'reason' });
    const extra = await post('PO-7781', { reason: 'x', state: 'cancelled' });
    expect(extra.json()).toMatchObject({ error: 'UNKNOWN_FIELD', field: 'state' });
    const badState = await purchasing.inject({ method: 'GET', url: '/api/replenishment/purchase-orders?state=shut' });
    expect(badState.statusCode).toBe(400);
    expect(badState.json()).toMatchObject({ field: 'state' });

    const twice = await post('PO-7781', { reason: 'again' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ error: 'CONFLICT', field: 'ref', message: expect.stringContaining('was short-closed by purchasing') });
    expect(await allLines()).toEqual(before);
  });
});
