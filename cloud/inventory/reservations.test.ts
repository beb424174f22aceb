/**
 * Reservations on a real SQLite file with the real ledger: FEFO allocation, lots that may not be
 * reserved (expired, quarantined, recalled, GSP-locked) refused with a clear error and nothing
 * changed, presale locks per channel, release, idempotent retries, fulfilment by a shipment
 * naming the reservation, and bad input.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InventoryError, type InventoryErrorCode } from './inventory-errors.ts';
import type { ReservationInput } from './inventory-types.ts';
import { SqliteReservations } from './reservations.ts';
import { DAY, openInventoryFixture, SKU, type InventoryFixture } from './testing/inventory-fixture.ts';
import { stockSnapshot } from './testing/stock-snapshot.ts';

let f: InventoryFixture;
let reservations: SqliteReservations;
beforeEach(() => {
  f = openInventoryFixture();
  reservations = new SqliteReservations(f.db, f.clock);
});
afterEach(() => f.close());

const sales = { actor: 'sally' };

function expectRefused(input: ReservationInput, code: InventoryErrorCode, field: string | null, message?: RegExp | string): InventoryError {
  const before = stockSnapshot(f.db);
  let caught: unknown;
  try {
    reservations.reserve(input, sales);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InventoryError);
  const error = caught as InventoryError;
  expect({ code: error.code, field: error.field }).toEqual({ code, field });
  if (message !== undefined) expect(error.message).toMatch(message);
  expect(stockSnapshot(f.db)).toEqual(before);
  return error;
}

const linesOf = (id: number) => reservations.get(id)!.lines.map((l) => [l.location, l.lot, l.qty]);

/** Three milk lots on three cold shelves, received in an order unlike their expiry order, plus one that never expires. */
function threeMilkLots() {
  f.receive({ sku: SKU.milk, lot: 'L-MAR20', expiry: '2026-03-20', qty: 5, to: 'B10' });
  f.receive({ sku: SKU.milk, lot: 'L-MAR10', expiry: '2026-03-10', qty: 4, to: 'B11' });
  f.receive({ sku: SKU.milk, lot: 'L-MAR15', expiry: '2026-03-15', qty: 6, to: 'B12' });
  f.receive({ sku: SKU.milk, lot: 'L-NOEXP', expiry: null, qty: 3, to: 'B10' });
}

describe('FEFO allocation', () => {
  it('reserves the earliest expiry first, across lots and shelves, never-expiring stock last', () => {
    threeMilkLots();
    const first = reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 6, orderRef: 'SO-1' }, sales);
    expect(first).toMatchObject({ sku: SKU.milk, kind: 'order', qty: 6, status: 'active', orderRef: 'SO-1', actor: 'sally', createdAt: f.clock.now() });
    expect(linesOf(first.id)).toEqual([['B11', 'L-MAR10', 4], ['B12', 'L-MAR15', 2]]);
    expect(first.lines[0]).toMatchObject({ expiry: '2026-03-10', fulfilled: 0 });
    const second = reservations.reserve({ sku: SKU.milk, kind: 'outbound', qty: 8 }, sales);
    expect(linesOf(second.id)).toEqual([['B12', 'L-MAR15', 4], ['B10', 'L-MAR20', 4]]);
    const third = reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 2 }, sales);
    expect(linesOf(third.id)).toEqual([['B10', 'L-MAR20', 1], ['B10', 'L-NOEXP', 1]]);
  });

  it('narrows to a named lot, and to a location with everything under it', () => {
    threeMilkLots();
    f.receive({ sku: SKU.milk, lot: 'L-MAR10', qty: 2, to: 'A01' });
    const lot = reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 5, lot: 'L-MAR20' }, sales);
    expect(linesOf(lot.id)).toEqual([['B10', 'L-MAR20', 5]]);
    const cold = reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 5, location: 'COLD' }, sales);
    expect(linesOf(cold.id)).toEqual([['B11', 'L-MAR10', 4], ['B12', 'L-MAR15', 1]]);
    const ambient = reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 2, location: 'AMB' }, sales);
    expect(linesOf(ambient.id)).toEqual([['A01', 'L-MAR10', 2]]);
  });

  it('refuses more than is free, saying how much is free and where the rest is', () => {
    threeMilkLots();
    reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 10 }, sales);
    f.catalog.setLotStatus(SKU.milk, 'L-NOEXP', 'quarantined', 'leaking cartons', 'qa');
    // 18 on hand: 10 reserved, 3 quarantined, 5 free.
    expectRefused({ sku: SKU.milk, kind: 'order', qty: 6 }, 'INSUFFICIENT_STOCK', 'qty',
      'qty: MILK-1L has 5 free to reserve, 6 asked (on hand 18: 10 already reserved or pending outbound, 3 expired, quarantined, recalled, locked or on a frozen location). Reserve at most 5, or receive more first');
    expect(reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 5 }, sales).lines.reduce((sum, l) => sum + l.qty, 0)).toBe(5);
    expectRefused({ sku: SKU.milk, kind: 'order', qty: 0.001 }, 'INSUFFICIENT_STOCK', 'qty', /has 0 free to reserve/);
  });

  it('does not count stock at receiving-only virtual locations or on a frozen location', () => {
    f.catalog.putLocation({ code: 'QA', name: 'Quarantine cage', kind: 'zone', parent: 'WH1', frozen: true });
    f.catalog.putLocation({ code: 'QA-1', kind: 'shelf', parent: 'QA' });
    f.receive({ sku: SKU.milk, lot: 'L1', expiry: '2026-03-20', qty: 5, to: 'QA-1' });
    f.receive({ sku: SKU.milk, lot: 'L1', qty: 5, to: 'TRANSIT' });
    f.receive({ sku: SKU.milk, lot: 'L1', qty: 2, to: 'B10' });
    expectRefused({ sku: SKU.milk, kind: 'order', qty: 3 }, 'INSUFFICIENT_STOCK', 'qty', /has 2 free to reserve, 3 asked \(on hand 7: 0 already reserved or pending outbound, 5 expired/);
    expectRefused({ sku: SKU.milk, kind: 'order', qty: 1, location: 'TRANSIT' }, 'INVALID_INPUT', 'location', /TRANSIT is a transit location/);
  });
});

describe('lots that may not be reserved', () => {
  it('refuses an expired lot by name with what to do, and FEFO passes it over', () => {
    f.clock.set(Date.parse('2026-01-01T00:00:00Z'));
    f.receive({ sku: SKU.milk, lot: 'L2401', expiry: '2026-01-03', qty: 10, to: 'B10' });
    f.receive({ sku: SKU.milk, lot: 'L2402', expiry: '2026-01-20', qty: 10, to: 'B11' });
    f.clock.advance(3 * DAY); // 2026-01-04: L2401's last day was yesterday
    expectRefused({ sku: SKU.milk, kind: 'order', qty: 1, lot: 'L2401' }, 'LOT_NOT_RESERVABLE', 'lot',
      'lot: lot L2401 of MILK-1L expired on 2026-01-03: reserve another lot or leave lot empty for FEFO');
    expect(linesOf(reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 10 }, sales).id)).toEqual([['B11', 'L2402', 10]]);
  });

  it('reserves a lot on its last day', () => {
    f.receive({ sku: SKU.milk, lot: 'L1', expiry: '2026-03-01', qty: 1, to: 'B10' });
    expect(reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 1, lot: 'L1' }, sales).lines).toHaveLength(1);
  });

  it('refuses quarantined and recalled lots, naming the reason, and FEFO passes them over', () => {
    threeMilkLots();
    f.catalog.setLotStatus(SKU.milk, 'L-MAR10', 'quarantined', 'temperature excursion on B11', 'qa');
    f.catalog.setLotStatus(SKU.milk, 'L-MAR15', 'recalled', 'supplier recall R-7', 'qa');
    expectRefused({ sku: SKU.milk, kind: 'order', qty: 1, lot: 'L-MAR10' }, 'LOT_NOT_RESERVABLE', 'lot',
      'lot: lot L-MAR10 of MILK-1L is quarantined (temperature excursion on B11): reserve another lot or leave lot empty for FEFO; if it is fit again, release it first with POST /api/inventory/lots/:sku/:batch/status');
    expectRefused({ sku: SKU.milk, kind: 'outbound', qty: 1, lot: 'L-MAR15' }, 'LOT_NOT_RESERVABLE', 'lot', /lot L-MAR15 of MILK-1L is recalled \(supplier recall R-7\)/);
    expect(linesOf(reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 8 }, sales).id)).toEqual([['B10', 'L-MAR20', 5], ['B10', 'L-NOEXP', 3]]);
    f.catalog.setLotStatus(SKU.milk, 'L-MAR10', 'released', null, 'qa');
    expect(linesOf(reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 1, lot: 'L-MAR10' }, sales).id)).toEqual([['B11', 'L-MAR10', 1]]);
  });

  it('locks a drug lot inside its GSP lock days: not by name, not by FEFO', () => {
    f.receive({ sku: SKU.drug, lot: 'A-APR', expiry: '2026-03-21', qty: 50, to: 'A01' }); // 20 days left, lock 30
    f.receive({ sku: SKU.drug, lot: 'A-SEP', expiry: '2026-09-30', qty: 20, to: 'A02' });
    expectRefused({ sku: SKU.drug, kind: 'order', qty: 1, lot: 'A-APR' }, 'LOT_NOT_RESERVABLE', 'lot',
      "lot: lot A-APR of AMOX-500 expires on 2026-03-21, 20 days left, inside its category's lock of 30 days (GSP): it is locked; reserve another lot or leave lot empty for FEFO");
    expectRefused({ sku: SKU.drug, kind: 'order', qty: 21 }, 'INSUFFICIENT_STOCK', 'qty', /has 20 free to reserve, 21 asked \(on hand 70: 0 already reserved or pending outbound, 50 expired/);
    expect(linesOf(reservations.reserve({ sku: SKU.drug, kind: 'order', qty: 20 }, sales).id)).toEqual([['A02', 'A-SEP', 20]]);
    f.clock.set(Date.parse('2026-02-19T00:00:00Z')); // 30 days before: not locked yet
    expect(linesOf(reservations.reserve({ sku: SKU.drug, kind: 'order', qty: 1, lot: 'A-APR' }, sales).id)).toEqual([['A01', 'A-APR', 1]]);
  });
});

describe('presale locks', () => {
  beforeEach(() => {
    f.catalog.putChannel({ id: 'douyin', name: 'Douyin' });
    f.catalog.putChannel({ id: 'meituan', name: 'Meituan', quotaPct: 50 });
    f.receive({ sku: SKU.milk, lot: 'L1', expiry: '2026-03-20', qty: 20, to: 'B10' });
    f.receive({ sku: SKU.milk, lot: 'L1', qty: 10, to: 'TRANSIT' });
  });

  it('locks up to available + in transit for a channel, without lines, and refuses beyond', () => {
    reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 2 }, sales); // available 18
    const douyin = reservations.reserve({ sku: SKU.milk, kind: 'presale', qty: 20, channel: 'douyin' }, sales);
    expect(douyin).toMatchObject({ kind: 'presale', channel: 'douyin', qty: 20, status: 'active', lines: [] });
    expectRefused({ sku: SKU.milk, kind: 'presale', qty: 9, channel: 'meituan' }, 'INSUFFICIENT_STOCK', 'qty',
      'qty: presale locks of MILK-1L may reach available 18 + in transit 10 = 28; 20 locked already (douyin 20), so at most 8 more, not 9. Lock less, or release a presale lock first');
    reservations.reserve({ sku: SKU.milk, kind: 'presale', qty: 8, channel: 'meituan' }, sales);
    reservations.release(douyin.id, sales);
    expect(reservations.reserve({ sku: SKU.milk, kind: 'presale', qty: 20, channel: 'meituan' }, sales).status).toBe('active');
  });

  it('needs a known channel and takes no lot or location', () => {
    expectRefused({ sku: SKU.milk, kind: 'presale', qty: 1 }, 'INVALID_INPUT', 'channel', /presale lock is held for a sales channel/);
    expectRefused({ sku: SKU.milk, kind: 'presale', qty: 1, channel: 'douyim' }, 'UNKNOWN_CHANNEL', 'channel',
      'channel: no sales channel "douyim" (did you mean "douyin"?); known: douyin, meituan');
    expectRefused({ sku: SKU.milk, kind: 'presale', qty: 1, channel: 'douyin', lot: 'L1' }, 'INVALID_INPUT', 'lot', /leave lot out, or reserve with kind order/);
    expectRefused({ sku: SKU.milk, kind: 'order', qty: 1, channel: 'tmall' }, 'UNKNOWN_CHANNEL', 'channel');
  });
});

describe('release, retries and fulfilment', () => {
  it('releases: lines stay as history, their stock is free again, a second release is refused', () => {
    f.receive({ sku: SKU.milk, lot: 'L1', expiry: '2026-03-20', qty: 4, to: 'B10' });
    const held = reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 4 }, sales);
    expectRefused({ sku: SKU.milk, kind: 'order', qty: 1 }, 'INSUFFICIENT_STOCK', 'qty');
    f.clock.advance(60_000);
    const released = reservations.release(held.id, { actor: 'sally' });
    expect(released).toMatchObject({ status: 'released', updatedAt: f.clock.now(), createdAt: f.clock.now() - 60_000 });
    expect(released.lines).toEqual(held.lines);
    expect(reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 4 }, sales).lines).toHaveLength(1);
    expect(() => reservations.release(held.id, sales)).toThrow(expect.objectContaining({ code: 'RESERVATION_CLOSED', message: 'id: reservation 1 is released already; only an active reservation can be released' }));
    expect(() => reservations.release(999, sales)).toThrow(expect.objectContaining({ code: 'UNKNOWN_RESERVATION', field: 'id' }));
    expect(() => reservations.release(-1, sales)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', field: 'id' }));
  });

  it('returns the first reservation for a retried request key and reserves nothing twice', () => {
    f.receive({ sku: SKU.milk, lot: 'L1', expiry: '2026-03-20', qty: 4, to: 'B10' });
    const first = reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 3 }, { actor: 'sally', requestKey: 'web-42' });
    const retry = reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 3 }, { actor: 'sally', requestKey: 'web-42' });
    expect(retry).toEqual(first);
    expect(reservations.list({}).map((r) => r.id)).toEqual([first.id]);
  });

  it('is fulfilled when shipments naming it take all its lines, and closed to release then', () => {
    f.receive({ sku: SKU.milk, lot: 'L1', expiry: '2026-03-20', qty: 3, to: 'B10' });
    f.receive({ sku: SKU.milk, lot: 'L2', expiry: '2026-03-25', qty: 3, to: 'B11' });
    const order = reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 5 }, sales);
    f.ledger.post([
      { sku: SKU.milk, lot: 'L1', qty: 3, from: 'B10', to: 'CUST-1', reason: 'shipment', reservationId: order.id },
      { sku: SKU.milk, lot: 'L2', qty: 2, from: 'B11', to: 'CUST-1', reason: 'shipment', reservationId: order.id },
    ], { actor: 'wes' });
    const done = reservations.get(order.id)!;
    expect(done.status).toBe('fulfilled');
    expect(done.lines.map((l) => [l.lot, l.qty, l.fulfilled])).toEqual([['L1', 3, 3], ['L2', 2, 2]]);
    expect(() => reservations.release(order.id, sales)).toThrow(expect.objectContaining({ code: 'RESERVATION_CLOSED' }));
    expect(linesOf(reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 1 }, sales).id)).toEqual([['B11', 'L2', 1]]);
  });

  it('lists newest first, filtered', () => {
    f.catalog.putChannel({ id: 'douyin', name: 'Douyin' });
    f.receive({ sku: SKU.milk, lot: 'L1', expiry: '2026-03-20', qty: 9, to: 'B10' });
    f.receive({ sku: SKU.bolt, qty: 9, to: 'A01' });
    const a = reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 1 }, sales);
    const b = reservations.reserve({ sku: SKU.bolt, kind: 'outbound', qty: 2.5 }, sales);
    const c = reservations.reserve({ sku: SKU.milk, kind: 'presale', qty: 1, channel: 'douyin' }, sales);
    reservations.release(a.id, sales);
    expect(reservations.list({}).map((r) => r.id)).toEqual([c.id, b.id, a.id]);
    expect(reservations.list({ sku: SKU.milk, status: 'active' }).map((r) => r.id)).toEqual([c.id]);
    expect(reservations.list({ kind: 'outbound' })[0]!.lines).toEqual([{ location: 'A01', lotId: null, lot: null, expiry: null, qty: 2.5, fulfilled: 0 }]);
    expect(reservations.list({ channel: 'douyin' }).map((r) => r.id)).toEqual([c.id]);
    expect(reservations.list({ limit: 1 }).map((r) => r.id)).toEqual([c.id]);
    expect(() => reservations.list({ status: 'open' as never })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', field: 'status' }));
  });
});

describe('bad input: a clear error naming the field, nothing changed', () => {
  beforeEach(() => threeMilkLots());

  it.each<[string, Partial<ReservationInput>, InventoryErrorCode, string, RegExp]>([
    ['unknown SKU', { sku: 'MILK-1K' }, 'UNKNOWN_SKU', 'sku', /no item "MILK-1K" \(did you mean "MILK-1L"\?\)/],
    ['zero quantity', { qty: 0 }, 'INVALID_QUANTITY', 'qty', /0 is not a quantity; expected a number above 0 with at most 3 decimals/],
    ['negative quantity', { qty: -2 }, 'INVALID_QUANTITY', 'qty', /-2 is not a quantity/],
    ['four decimals', { qty: 1.0001 }, 'INVALID_QUANTITY', 'qty', /1.0001 is not a quantity/],
    ['quantity as text', { qty: '2' as never }, 'INVALID_QUANTITY', 'qty', /"2" is not a quantity/],
    ['unknown kind', { kind: 'hold' as never }, 'INVALID_INPUT', 'kind', /expected one of order, outbound, presale/],
    ['unknown lot', { lot: 'L-MAR21' }, 'UNKNOWN_LOT', 'lot', /no lot "L-MAR21" \(did you mean "L-MAR20"\?\)/],
    ['malformed lot', { lot: 'L 1' }, 'INVALID_INPUT', 'lot', /is not a batch/],
    ['unknown location', { location: 'B13' }, 'UNKNOWN_LOCATION', 'location', /no location "B13"/],
    ['long order ref', { orderRef: 'x'.repeat(129) }, 'INVALID_INPUT', 'orderRef', /at most 128 characters/],
  ])('%s', (_name, change, code, field, message) => {
    expectRefused({ sku: SKU.milk, kind: 'order', qty: 1, ...change } as ReservationInput, code, field, message);
  });

  it('a lot for an item without lots, and a missing actor', () => {
    f.receive({ sku: SKU.bolt, qty: 5, to: 'A01' });
    expectRefused({ sku: SKU.bolt, kind: 'order', qty: 1, lot: 'L1' }, 'INVALID_INPUT', 'lot', 'lot: BOLT-M8 is not lot-tracked; leave lot out');
    expect(() => reservations.reserve({ sku: SKU.bolt, kind: 'order', qty: 1 }, { actor: ' ' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', field: 'actor' }));
    expect(reservations.list({})).toEqual([]);
  });
});
