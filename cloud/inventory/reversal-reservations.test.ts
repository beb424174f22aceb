/**
 * Reversing a pick or shipment that fulfilled a reservation, on a real SQLite file with the real
 * ledger, reservations and stock states: the line it came from re-opens where the stock comes
 * back (and the reservation with it, if that fulfilment had closed it), so the order is not left
 * looking served with its goods free for another order; a released reservation stays released
 * and the reversal's note says why; a move that took more than its line held gives back only
 * what the line still lacks.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteReservations } from './reservations.ts';
import { SqliteStockStates } from './stock-states.ts';
import { openInventoryFixture, SKU, type InventoryFixture } from './testing/inventory-fixture.ts';
import { stockSnapshot } from './testing/stock-snapshot.ts';

let f: InventoryFixture;
let reservations: SqliteReservations;
let states: SqliteStockStates;
beforeEach(() => {
  f = openInventoryFixture();
  reservations = new SqliteReservations(f.db, f.clock);
  states = new SqliteStockStates(f.db, f.clock);
});
afterEach(() => f.close());

const clerk = { actor: 'wes' };

/** L1 (earliest expiry) 6 on B10, L2 8 on B11: an order of 10 gets FEFO lines B10/L1 6 and B11/L2 4. */
function twoLots() {
  f.receive({ sku: SKU.milk, lot: 'L1', expiry: '2026-03-20', qty: 6, to: 'B10' });
  f.receive({ sku: SKU.milk, lot: 'L2', expiry: '2026-03-25', qty: 8, to: 'B11' });
}

const linesOf = (id: number) => reservations.get(id)!.lines.map((l) => [l.location, l.lot, l.qty, l.fulfilled]);
const stateAt = (location: string) => {
  const state = states.byLocation({ sku: SKU.milk, location })[0]!;
  return { physical: state.physical, reserved: state.reserved, available: state.available };
};
const summary = () => {
  const s = states.summary(SKU.milk);
  return { physical: s.physical, reserved: s.reserved, available: s.available };
};
const driftOf = () => {
  const drift = f.ledger.driftCheck();
  return { findings: drift.findings, serialFindings: drift.serialFindings, overReserved: drift.overReserved, fulfilmentFindings: drift.fulfilmentFindings };
};
const noDrift = { findings: [], serialFindings: [], overReserved: [], fulfilmentFindings: [] };

describe('reversing a shipment that fulfilled a reservation', () => {
  it('re-opens the line at the location and lot the stock returns to, with exact states and no drift', () => {
    twoLots();
    const order = reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 10, orderRef: 'SO-7' }, { actor: 'sally' });
    expect(linesOf(order.id)).toEqual([['B10', 'L1', 6, 0], ['B11', 'L2', 4, 0]]);
    const [shipped] = f.ledger.post([{ sku: SKU.milk, lot: 'L1', qty: 4, from: 'B10', to: 'CUST-1', reason: 'shipment', reservationId: order.id, docType: 'SO', docId: 'SO-7' }], clerk);
    expect(linesOf(order.id)).toEqual([['B10', 'L1', 6, 4], ['B11', 'L2', 4, 0]]);
    expect(summary()).toEqual({ physical: 10, reserved: 6, available: 4 });

    const reversal = f.ledger.reverse(shipped!.id, { actor: 'lead', note: 'wrong customer' });
    expect(reversal).toMatchObject({ reason: 'reversal', reverses: shipped!.id, from: 'CUST-1', to: 'B10', lot: 'L1', qty: 4, reservationId: order.id, note: 'wrong customer' });
    expect(f.ledger.move(reversal.id)).toEqual(reversal);
    expect(reservations.get(order.id)).toMatchObject({ status: 'active', qty: 10 });
    expect(linesOf(order.id)).toEqual([['B10', 'L1', 6, 0], ['B11', 'L2', 4, 0]]);
    expect(stateAt('B10')).toEqual({ physical: 6, reserved: 6, available: 0 });
    expect(stateAt('B11')).toEqual({ physical: 8, reserved: 4, available: 4 });
    expect(summary()).toEqual({ physical: 14, reserved: 10, available: 4 });
    expect(driftOf()).toEqual(noDrift);
    // The goods are the order's again: another order cannot take them.
    expect(() => reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 5 }, { actor: 'sally' })).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_STOCK' }));
  });

  it('re-opens a reservation its shipments had closed, only on the line whose shipment is reversed', () => {
    twoLots();
    const order = reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 10 }, { actor: 'sally' });
    const [first, second] = f.ledger.post([
      { sku: SKU.milk, lot: 'L1', qty: 6, from: 'B10', to: 'CUST-1', reason: 'shipment', reservationId: order.id },
      { sku: SKU.milk, lot: 'L2', qty: 4, from: 'B11', to: 'CUST-1', reason: 'shipment', reservationId: order.id },
    ], clerk);
    expect(reservations.get(order.id)!.status).toBe('fulfilled');
    expect(summary()).toEqual({ physical: 4, reserved: 0, available: 4 });
    f.clock.advance(60_000);

    const reversal = f.ledger.reverse(second!.id, clerk);
    expect(reversal).toMatchObject({ to: 'B11', lot: 'L2', reservationId: order.id, note: null });
    expect(reservations.get(order.id)).toMatchObject({ status: 'active', updatedAt: f.clock.now() });
    expect(linesOf(order.id)).toEqual([['B10', 'L1', 6, 6], ['B11', 'L2', 4, 0]]);
    expect(stateAt('B11')).toEqual({ physical: 8, reserved: 4, available: 4 });
    expect(driftOf()).toEqual(noDrift);
    // Shipping it again closes the order again; the other shipment stays as it was.
    f.ledger.post([{ sku: SKU.milk, lot: 'L2', qty: 4, from: 'B11', to: 'CUST-1', reason: 'shipment', reservationId: order.id }], clerk);
    expect(reservations.get(order.id)!.status).toBe('fulfilled');
    expect(f.ledger.move(first!.id)).toEqual(first);
  });

  it('leaves a released reservation released: the stock comes back free and the note says why', () => {
    twoLots();
    const order = reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 10 }, { actor: 'sally' });
    const [shipped] = f.ledger.post([{ sku: SKU.milk, lot: 'L1', qty: 4, from: 'B10', to: 'CUST-1', reason: 'shipment', reservationId: order.id }], clerk);
    reservations.release(order.id, { actor: 'sally' });
    expect(summary()).toEqual({ physical: 10, reserved: 0, available: 10 });

    const reversal = f.ledger.reverse(shipped!.id, { actor: 'lead', note: 'wrong customer' });
    expect(reversal).toMatchObject({ to: 'B10', lot: 'L1', qty: 4, reservationId: null });
    expect(reversal.note).toBe(`wrong customer (reservation ${order.id} was released, so it was not re-opened; the 4 back at B10 lot L1 are free stock)`);
    expect(reservations.get(order.id)!.status).toBe('released');
    expect(linesOf(order.id)).toEqual([['B10', 'L1', 6, 4], ['B11', 'L2', 4, 0]]);
    expect(stateAt('B10')).toEqual({ physical: 6, reserved: 0, available: 6 });
    expect(summary()).toEqual({ physical: 14, reserved: 0, available: 14 });
    expect(driftOf()).toEqual(noDrift);
  });
});

describe('reversing a pick that fulfilled a reservation', () => {
  it('brings the stock back from the staging zone and re-opens the line where it was picked', () => {
    twoLots();
    const order = reservations.reserve({ sku: SKU.milk, kind: 'outbound', qty: 5, lot: 'L2' }, { actor: 'sally' });
    const [picked] = f.ledger.post([{ sku: SKU.milk, lot: 'L2', qty: 3, from: 'B11', to: 'RECV', reason: 'pick', reservationId: order.id }], clerk);
    expect(linesOf(order.id)).toEqual([['B11', 'L2', 5, 3]]);
    expect(states.byLocation({ sku: SKU.milk, location: 'B11' })[0]!.pendingOutbound).toBe(2);

    const reversal = f.ledger.reverse(picked!.id, clerk);
    expect(reversal).toMatchObject({ from: 'RECV', to: 'B11', lot: 'L2', qty: 3, reservationId: order.id });
    expect(linesOf(order.id)).toEqual([['B11', 'L2', 5, 0]]);
    expect(states.byLocation({ sku: SKU.milk, location: 'B11' })[0]).toMatchObject({ physical: 8, pendingOutbound: 5, available: 3 });
    expect(driftOf()).toEqual(noDrift);
  });

  it('refuses the reversal when the picked stock has left the staging zone, changing nothing', () => {
    twoLots();
    const order = reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 5, lot: 'L2' }, { actor: 'sally' });
    const [picked] = f.ledger.post([{ sku: SKU.milk, lot: 'L2', qty: 3, from: 'B11', to: 'RECV', reason: 'pick', reservationId: order.id }], clerk);
    f.ledger.post([{ sku: SKU.milk, lot: 'L2', qty: 2, from: 'RECV', to: 'CUST-1', reason: 'shipment' }], clerk);
    const before = stockSnapshot(f.db);
    expect(() => f.ledger.reverse(picked!.id, clerk)).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_STOCK', field: 'id', message: expect.stringContaining('RECV holds 1') }));
    expect(stockSnapshot(f.db)).toEqual(before);
    expect(linesOf(order.id)).toEqual([['B11', 'L2', 5, 3]]);
  });
});

describe('a move that took more than its line held', () => {
  it('gives back only what the line lacks once the move is gone, and says so in the note', () => {
    f.receive({ sku: SKU.milk, lot: 'L1', expiry: '2026-03-20', qty: 10, to: 'B10' });
    const order = reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 4 }, { actor: 'sally' });
    // Another order on the same shelf and lot: the reversals must not touch its line.
    const other = reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 3 }, { actor: 'sally' });
    // The line holds 4 of L1 at B10; two shipments naming it take 3 + 3: the line is full, 2 came from free stock.
    const [a] = f.ledger.post([{ sku: SKU.milk, lot: 'L1', qty: 3, from: 'B10', to: 'CUST-1', reason: 'shipment', reservationId: order.id }], clerk);
    const [b] = f.ledger.post([{ sku: SKU.milk, lot: 'L1', qty: 3, from: 'B10', to: 'CUST-1', reason: 'shipment', reservationId: order.id }], clerk);
    expect(linesOf(order.id)).toEqual([['B10', 'L1', 4, 4]]);
    expect(reservations.get(order.id)!.status).toBe('fulfilled');

    // Without the first, 3 still went out against the line: it lacks 1.
    const undoA = f.ledger.reverse(a!.id, clerk);
    expect(undoA).toMatchObject({ reservationId: order.id, note: `re-opened 1 of the 3 on reservation ${order.id} at B10 lot L1; its other moves there still fulfil the line's 4` });
    expect(linesOf(order.id)).toEqual([['B10', 'L1', 4, 3]]);
    expect(reservations.get(order.id)!.status).toBe('active');
    expect(stateAt('B10')).toEqual({ physical: 7, reserved: 4, available: 3 });

    const undoB = f.ledger.reverse(b!.id, { actor: 'lead', note: 'all wrong' });
    expect(undoB).toMatchObject({ reservationId: order.id, note: 'all wrong' });
    expect(linesOf(order.id)).toEqual([['B10', 'L1', 4, 0]]);
    expect(stateAt('B10')).toEqual({ physical: 10, reserved: 7, available: 3 });
    expect(linesOf(other.id)).toEqual([['B10', 'L1', 3, 0]]);
    expect(driftOf()).toEqual(noDrift);
  });
});
