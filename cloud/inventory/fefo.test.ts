/**
 * FEFO picking suggestions on a real SQLite file: earliest expiry first, never-expiring stock
 * last, the oldest lot on equal expiry, only the unreserved part of usable stock, and how much
 * is missing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteReservations } from './reservations.ts';
import { SqliteStockStates } from './stock-states.ts';
import { openInventoryFixture, SKU, type InventoryFixture } from './testing/inventory-fixture.ts';

let f: InventoryFixture;
let states: SqliteStockStates;
let reservations: SqliteReservations;

beforeEach(() => {
  f = openInventoryFixture();
  states = new SqliteStockStates(f.db, f.clock);
  reservations = new SqliteReservations(f.db, f.clock);
  f.receive({ sku: SKU.milk, lot: 'L-MAR20', expiry: '2026-03-20', qty: 5, to: 'B10' });
  f.receive({ sku: SKU.milk, lot: 'L-MAR10', expiry: '2026-03-10', qty: 4, to: 'B11' });
  f.receive({ sku: SKU.milk, lot: 'L-NOEXP', expiry: null, qty: 9, to: 'B10' });
  f.receive({ sku: SKU.milk, lot: 'L-MAR15', expiry: '2026-03-15', qty: 6, to: 'B12' });
  f.receive({ sku: SKU.milk, lot: 'L-MAR15B', expiry: '2026-03-15', qty: 2, to: 'A01' });
});
afterEach(() => f.close());

const picks = (sku: string, qty: number, options?: { location?: string }) => {
  const answer = states.fefo(sku, qty, options);
  return { picks: answer.picks.map((p) => [p.location, p.lot, p.qty]), shortBy: answer.shortBy };
};

describe('FEFO suggestions', () => {
  it('picks the earliest expiry first, the older lot on a tie, never-expiring stock last', () => {
    expect(picks(SKU.milk, 20)).toEqual({
      picks: [['B11', 'L-MAR10', 4], ['B12', 'L-MAR15', 6], ['A01', 'L-MAR15B', 2], ['B10', 'L-MAR20', 5], ['B10', 'L-NOEXP', 3]],
      shortBy: 0,
    });
    expect(states.fefo(SKU.milk, 1).picks).toEqual([{ location: 'B11', lotId: f.catalog.lot(SKU.milk, 'L-MAR10')!.id, lot: 'L-MAR10', expiry: '2026-03-10', daysLeft: 9, qty: 1 }]);
  });

  it('suggests only the unreserved part, and says how much is missing', () => {
    reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 5 }, { actor: 'sally' }); // B11 4 + B12 1
    expect(picks(SKU.milk, 30)).toEqual({
      picks: [['B12', 'L-MAR15', 5], ['A01', 'L-MAR15B', 2], ['B10', 'L-MAR20', 5], ['B10', 'L-NOEXP', 9]],
      shortBy: 9,
    });
  });

  it('skips quarantined lots, stays within a location, and shows what a reservation would take', () => {
    f.catalog.setLotStatus(SKU.milk, 'L-MAR10', 'quarantined', 'probe', 'qa');
    expect(picks(SKU.milk, 7, { location: 'COLD' })).toEqual({ picks: [['B12', 'L-MAR15', 6], ['B10', 'L-MAR20', 1]], shortBy: 0 });
    const reservation = reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 7, location: 'COLD' }, { actor: 'sally' });
    expect(reservation.lines.map((l) => [l.location, l.lot, l.qty])).toEqual([['B12', 'L-MAR15', 6], ['B10', 'L-MAR20', 1]]);
  });

  it('refuses a bad quantity, an unknown SKU or location', () => {
    expect(() => states.fefo(SKU.milk, 0)).toThrow(expect.objectContaining({ code: 'INVALID_QUANTITY', field: 'qty' }));
    expect(() => states.fefo(SKU.milk, 1.2345)).toThrow(expect.objectContaining({ code: 'INVALID_QUANTITY', field: 'qty' }));
    expect(() => states.fefo('MILK', 1)).toThrow(expect.objectContaining({ code: 'UNKNOWN_SKU', field: 'sku' }));
    expect(() => states.fefo(SKU.milk, 1, { location: 'COLDER' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_LOCATION', field: 'location' }));
  });
});
