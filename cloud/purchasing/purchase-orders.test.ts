/**
 * Purchase orders over the real inventory core (a SQLite file with the cloud migrations, the real
 * ledger and its receipts) and real replenishment with a ForecastSource of fixed daily numbers:
 * accepting opens a line, replenishment counts it as on order, receipts naming it reduce it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openReplenishment, type OpenReplenishment } from '../forecasting/replenishment.ts';
import { FixedForecasts } from '../forecasting/testing/fixed-forecasts.ts';
import { DAY, openInventoryFixture, SKU, type InventoryFixture } from '../inventory/testing/inventory-fixture.ts';
import { openPurchaseOrders, type OpenPurchaseOrders } from './open-purchase-orders.ts';
import { PURCHASE_ORDER_DOC_TYPE } from './purchase-orders.ts';
import { PurchasingError } from './purchasing-errors.ts';

let f: InventoryFixture;
let orders: OpenPurchaseOrders;
let part: OpenReplenishment;
const forecasts = new FixedForecasts().set(SKU.milk, 'WH1', { daily: 10, errorSdPerDay: 2, model: 'ets' });

/** Dairy: lead time 3 ± 1 days, 90% on time in full, minimum 50, packs of 12; milk at WH1 reviewed every 4 days at 95%. */
function open(): void {
  f = openInventoryFixture();
  orders = openPurchaseOrders(f.file, { clock: f.clock });
  part = openReplenishment(f.file, { clock: f.clock, forecasts, onOrder: orders.onOrder });
  part.api.putSupplier({ id: 'DAIRY', name: 'Dairy co-op', leadTimeMeanDays: 3, leadTimeSdDays: 1, onTimeInFullRate: 0.9, minOrderQty: 50, packSize: 12 }, 'buyer');
  part.api.putSourcing({ sku: SKU.milk, location: 'WH1', supplier: 'DAIRY', reviewPeriodDays: 4 }, 'buyer');
}

afterEach(() => {
  part?.close();
  orders?.close();
  f?.close();
});

/** A receipt SUP-1 -> `to` naming purchase order `ref`. */
const receiveFor = (ref: string, qty: number, to = 'RECV', sku: string = SKU.milk) =>
  f.receive({ sku, ...(sku === SKU.milk ? { lot: 'L-PO', expiry: '2026-03-31' } : {}), qty, to, docType: PURCHASE_ORDER_DOC_TYPE, docId: ref });

const refusal = (fn: () => unknown): PurchasingError => {
  try { fn(); } catch (error) { return error as PurchasingError; }
  throw new Error('expected a refusal');
};

// Hand computation (as in replenishment.test.ts): coverage 3 + 4 = 7 days, demand 70, safety 20.47,
// so need = 90.47 - sellable - in transit, in packs of 12 and at least 50.

describe('an accepted suggestion is on order until it arrives', () => {
  it('opens a line on accept, and the next run counts it: 60 instead of 96', () => {
    open();
    f.receive({ sku: SKU.milk, lot: 'L-LONG', expiry: '2026-03-31', qty: 40, to: 'B10' });
    const first = part.api.run().suggestions[0]!;
    expect(first.suggestedQty).toBe(60); // 90.47 - 40 = 50.47 -> 5 packs
    const accepted = part.api.accept(first.id, 'buyer');
    expect(accepted).toMatchObject({ state: 'accepted', purchaseOrder: `PO-${first.id}` });
    expect(orders.api.lines()).toEqual([{
      id: expect.any(Number), ref: `PO-${first.id}`, supplier: 'DAIRY', sku: SKU.milk, location: 'WH1', orderedQty: 60, receivedQty: 0, openQty: 60,
      expectedDay: '2026-03-04', overdue: false, state: 'open', orderedBy: 'buyer', orderedAt: f.clock.now(), suggestionId: first.id,
      closedReason: null, closedBy: null, closedAt: null,
    }]);

    // the 40 on the shelf sell; without the order 96 would be suggested again
    f.ledger.post([{ sku: SKU.milk, lot: 'L-LONG', qty: 40, from: 'B10', to: 'CUST-1', reason: 'shipment' }], { actor: 'wes' });
    const blind = openReplenishment(f.file, { clock: f.clock, forecasts });
    expect(blind.api.run().suggestions[0]!.suggestedQty).toBe(96); // 90.47 -> 8 packs
    blind.close();
    const second = part.api.run().suggestions[0]!;
    // 90.47 - 0 - 60 on order = 30.47 -> the minimum 50 -> 5 packs = 60
    expect(second).toMatchObject({ inTransit: 60, suggestedQty: 60 });
    expect(second.explanation).toContain(`in transit 60 = nothing at transit locations + on order 60 (PO-${first.id} due 2026-03-04)`);

    part.api.accept(second.id, 'buyer', 'PO-7781');
    expect(orders.onOrder(SKU.milk, 'WH1')).toEqual({ qty: 120, text: `PO-${first.id} 60 due 2026-03-04 + PO-7781 60 due 2026-03-04` });
    expect(part.api.run().suggestions[0]).toMatchObject({ inTransit: 120, suggestedQty: 0 });
    expect(orders.onOrder(SKU.drug, 'WH1')).toBeUndefined();
  });

  it('a reference already used for that SKU and location is refused and the suggestion stays open, with no line', () => {
    open();
    const s = part.api.run().suggestions[0]!;
    part.api.accept(s.id, 'buyer', 'PO-7781');
    const next = part.api.run().suggestions[0]!;
    expect(next.suggestedQty).toBe(0); // still 96 on order
    orders.api.close('PO-7781', { reason: 'supplier out of stock' }, 'buyer');
    const again = part.api.run().suggestions[0]!;
    expect(again.suggestedQty).toBe(96);
    const before = orders.api.lines({ state: 'all' });
    const error = refusal(() => part.api.accept(again.id, 'buyer', 'PO-7781'));
    expect(error).toBeInstanceOf(PurchasingError);
    expect(error).toMatchObject({ code: 'CONFLICT', field: 'purchaseOrder', message: expect.stringContaining('PO-7781 already has a line for MILK-1L at WH1') });
    expect(part.api.suggestion(again.id)).toMatchObject({ state: 'open', purchaseOrder: null, decidedBy: null });
    expect(orders.api.lines({ state: 'all' })).toEqual(before);
  });
});

describe('what arrived comes from the ledger', () => {
  it('receipts naming the PO into the location or under it reduce what is open; elsewhere or another SKU do not; a full receipt closes it', () => {
    open();
    f.catalog.putLocation({ code: 'WH2', name: 'Second warehouse', kind: 'warehouse' });
    const s = part.api.run().suggestions[0]!;
    expect(s.suggestedQty).toBe(96);
    part.api.accept(s.id, 'buyer', 'PO-7781');

    receiveFor('PO-7781', 36, 'B10'); // WH1 > COLD > B10
    receiveFor('PO-7781', 12, 'WH2'); // another warehouse: not this line's
    receiveFor('PO-7781', 5, 'RECV', SKU.bolt); // another SKU
    f.receive({ sku: SKU.milk, lot: 'L-PO', qty: 7, to: 'RECV', docType: 'delivery_note', docId: 'PO-7781' }); // not a PO document
    expect(orders.api.lines()).toEqual([expect.objectContaining({ ref: 'PO-7781', orderedQty: 96, receivedQty: 36, openQty: 60, state: 'open' })]);
    const next = part.api.run().suggestions[0]!;
    // sellable 36 + 7 + 0 (WH2 is not WH1) = 43; 90.47 - 43 - 60 on order < 0
    expect(next).toMatchObject({ sellableOnHand: 43, inTransit: 60, suggestedQty: 0 });
    expect(next.explanation).toContain('on order 60 (PO-7781 60 of 96 due 2026-03-04)');

    const rest = receiveFor('PO-7781', 60, 'RECV');
    expect(orders.api.lines()).toEqual([]);
    expect(orders.api.lines({ state: 'closed' })).toEqual([expect.objectContaining({ ref: 'PO-7781', receivedQty: 96, openQty: 0, state: 'received', closedBy: null })]);
    expect(orders.onOrder(SKU.milk, 'WH1')).toBeUndefined();

    // a receipt booked in error and reversed is still to come
    f.ledger.reverse(rest.id, { actor: 'wes', note: 'booked twice' });
    expect(orders.api.lines()).toEqual([expect.objectContaining({ ref: 'PO-7781', receivedQty: 36, openQty: 60, state: 'open' })]);
    receiveFor('PO-7781', 70, 'B11'); // more than ordered: received, nothing open
    expect(orders.api.lines({ state: 'all' })).toEqual([expect.objectContaining({ receivedQty: 106, openQty: 0, state: 'received' })]);
  });
});

describe('overdue and closing', () => {
  it('an overdue line still counts and says since when; closed with a reason it stops counting', () => {
    open();
    f.receive({ sku: SKU.milk, lot: 'L-LONG', expiry: '2026-03-31', qty: 40, to: 'B10' });
    const s = part.api.run().suggestions[0]!;
    part.api.accept(s.id, 'buyer', 'PO-1');
    f.clock.advance(3 * DAY); // the due day itself is not overdue
    expect(orders.api.lines()[0]).toMatchObject({ expectedDay: '2026-03-04', overdue: false });
    f.clock.advance(DAY);
    expect(orders.api.lines()[0]).toMatchObject({ overdue: true, openQty: 60 });
    const late = part.api.run().suggestions[0]!;
    // 90.47 - 40 - 60 < 0
    expect(late).toMatchObject({ inTransit: 60, suggestedQty: 0 });
    expect(late.explanation).toContain('on order 60 (PO-1 overdue since 2026-03-04)');

    const [closed] = orders.api.close('PO-1', { reason: '  supplier cannot deliver ' }, 'buyer');
    expect(closed).toMatchObject({ ref: 'PO-1', state: 'cancelled', openQty: 0, overdue: false, closedReason: 'supplier cannot deliver', closedBy: 'buyer', closedAt: f.clock.now() });
    expect(orders.onOrder(SKU.milk, 'WH1')).toBeUndefined();
    // 90.47 - 40 = 50.47 -> 5 packs = 60, as if never ordered
    expect(part.api.run().suggestions[0]).toMatchObject({ inTransit: 0, suggestedQty: 60 });
  });

  it('a line partly received is short-closed, one line of a reference at a time when a SKU is named', () => {
    open();
    forecasts.set(SKU.bolt, 'WH1', { daily: 4, errorSdPerDay: 0 });
    part.api.putSupplier({ id: 'HARDWARE', name: 'Fasteners Ltd', leadTimeMeanDays: 4.5, leadTimeSdDays: 0, onTimeInFullRate: 1 }, 'buyer');
    part.api.putSourcing({ sku: SKU.bolt, location: 'WH1', supplier: 'HARDWARE', reviewPeriodDays: 7 }, 'buyer');
    const run = part.api.run().suggestions;
    const bolt = run.find((x) => x.sku === SKU.bolt)!;
    expect(bolt.suggestedQty).toBe(46); // 4/day over 11.5 days, no safety
    part.api.accept(run.find((x) => x.sku === SKU.milk)!.id, 'buyer', 'PO-9');
    part.api.accept(bolt.id, 'buyer', 'PO-9');
    expect(orders.api.lines({ sku: SKU.bolt })).toEqual([expect.objectContaining({ ref: 'PO-9', expectedDay: '2026-03-06', orderedQty: 46 })]); // 4.5 days -> 5
    receiveFor('PO-9', 20, 'A01', SKU.bolt);
    expect(orders.api.close('PO-9', { reason: 'rest back-ordered for months', sku: SKU.bolt }, 'buyer'))
      .toEqual([expect.objectContaining({ sku: SKU.bolt, state: 'short_closed', receivedQty: 20, orderedQty: 46, openQty: 0 })]);
    expect(orders.api.lines().map((l) => [l.ref, l.sku, l.state])).toEqual([['PO-9', SKU.milk, 'open']]);
  });
});

describe('bad input', () => {
  it('an unknown reference, an empty reason, a SKU the order lacks and closing twice are refused by field; nothing changes', () => {
    open();
    const s = part.api.run().suggestions[0]!;
    part.api.accept(s.id, 'buyer', 'PO-7781');
    const before = orders.api.lines({ state: 'all' });
    expect(refusal(() => orders.api.close('PO-7718', { reason: 'typo' }, 'buyer')))
      .toMatchObject({ code: 'UNKNOWN_PURCHASE_ORDER', field: 'ref', message: expect.stringContaining('no purchase order "PO-7718"') });
    for (const reason of ['', '   ', undefined, 42, 'x'.repeat(501)]) {
      expect(refusal(() => orders.api.close('PO-7781', { reason }, 'buyer')), String(reason)).toMatchObject({ code: 'INVALID_INPUT', field: 'reason' });
    }
    expect(refusal(() => orders.api.close('PO-7781', { reason: 'no', sku: SKU.bolt }, 'buyer')))
      .toMatchObject({ code: 'UNKNOWN_PURCHASE_ORDER', field: 'sku', message: expect.stringContaining('its lines are MILK-1L at WH1') });
    expect(refusal(() => orders.api.close('', { reason: 'no' }, 'buyer'))).toMatchObject({ code: 'INVALID_INPUT', field: 'ref' });
    expect(refusal(() => orders.api.lines({ state: 'shut' as never }))).toMatchObject({ code: 'INVALID_INPUT', field: 'state' });
    expect(orders.api.lines({ state: 'all' })).toEqual(before);

    orders.api.close('PO-7781', { reason: 'ordered elsewhere' }, 'buyer');
    const closedOnce = orders.api.lines({ state: 'all' });
    expect(refusal(() => orders.api.close('PO-7781', { reason: 'again' }, 'admin')))
      .toMatchObject({ code: 'CONFLICT', field: 'ref', message: expect.stringContaining('MILK-1L at WH1 was cancelled by buyer') });
    expect(orders.api.lines({ state: 'all' })).toEqual(closedOnce);
  });
});
