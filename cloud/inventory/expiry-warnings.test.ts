/**
 * Expiry and compliance warnings on a real SQLite file: near expiry per category, the drug GSP
 * lock, expired lots, the cold-chain pointer to the temperature record, and only stock on storage
 * locations counting.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStockStates } from './stock-states.ts';
import { DAY1, openInventoryFixture, SKU, type InventoryFixture } from './testing/inventory-fixture.ts';

let f: InventoryFixture;
let states: SqliteStockStates;

beforeEach(() => {
  f = openInventoryFixture({ start: Date.parse('2026-02-01T00:00:00Z') });
  states = new SqliteStockStates(f.db, f.clock);
  f.receive({ sku: SKU.milk, lot: 'M-OLD', expiry: '2026-02-27', qty: 2, to: 'B12' });
  f.receive({ sku: SKU.milk, lot: 'M-SOON', expiry: '2026-03-05', qty: 3, to: 'B10' });
  f.receive({ sku: SKU.milk, lot: 'M-SOON', qty: 2, to: 'B11' });
  f.receive({ sku: SKU.milk, lot: 'M-SOON', qty: 9, to: 'TRANSIT' });
  f.receive({ sku: SKU.milk, lot: 'M-LATE', expiry: '2026-03-30', qty: 4, to: 'B10' });
  f.receive({ sku: SKU.milk, lot: 'M-GONE', expiry: '2026-03-02', qty: 1, to: 'B10' });
  f.ledger.post([{ sku: SKU.milk, lot: 'M-GONE', qty: 1, from: 'B10', to: 'CUST-1', reason: 'shipment' }], { actor: 'wes' });
  f.receive({ sku: SKU.drug, lot: 'A-LOCK', expiry: '2026-03-21', qty: 50, to: 'A01' });
  f.receive({ sku: SKU.drug, lot: 'A-NEAR', expiry: '2026-05-15', qty: 20, to: 'A02' });
  f.receive({ sku: SKU.drug, lot: 'A-FINE', expiry: '2027-01-31', qty: 20, to: 'A02' });
  f.receive({ sku: SKU.bolt, qty: 3, to: 'A01' });
  f.clock.set(DAY1); // 2026-03-01
});
afterEach(() => f.close());

describe('expiry warnings', () => {
  it('lists expired, then GSP-locked, then near-expiry lots by days left, with what to do', () => {
    const warnings = states.expiryWarnings();
    expect(warnings.map((w) => [w.level, w.sku, w.lot, w.daysLeft, w.qty, w.locations])).toEqual([
      ['expired', SKU.milk, 'M-OLD', -2, 2, ['B12']],
      ['locked', SKU.drug, 'A-LOCK', 20, 50, ['A01']],
      ['near_expiry', SKU.milk, 'M-SOON', 4, 5, ['B10', 'B11']],
      ['near_expiry', SKU.drug, 'A-NEAR', 75, 20, ['A02']],
    ]);
    const [expired, locked, soon, near] = warnings;
    expect(expired).toMatchObject({ expiry: '2026-02-27', category: 'chilled', compliance: 'cold_chain_food', lotId: f.catalog.lot(SKU.milk, 'M-OLD')!.id });
    expect(expired!.message).toBe('Lot M-OLD of MILK-1L expired on 2026-02-27 (2 days ago); 2 at B12: it is frozen and cannot be reserved or shipped; '
      + 'move it to scrap or return it to the supplier. Cold chain: its temperature record is in the lot trace (GET /api/inventory/trace/MILK-1L/M-OLD).');
    expect(locked!.message).toBe('Lot A-LOCK of AMOX-500 expires on 2026-03-21 (20 days left); 50 at A01: it is locked (GSP: fewer than 30 days left) '
      + 'and cannot be reserved or shipped; return it to the supplier or scrap it.');
    expect(locked).toMatchObject({ compliance: 'drug_gsp', category: 'drug' });
    expect(soon!.message).toBe('Lot M-SOON of MILK-1L expires on 2026-03-05 (4 days left); 3 at B10, 2 at B11: ship first (category chilled warns at 7 days). '
      + 'Cold chain: its temperature record is in the lot trace (GET /api/inventory/trace/MILK-1L/M-SOON).');
    expect(near!.message).toBe('Lot A-NEAR of AMOX-500 expires on 2026-05-15 (75 days left); 20 at A02: ship first (category drug warns at 90 days).');
  });

  it('looks further ahead with withinDays, and says when a lot is quarantined too', () => {
    f.catalog.setLotStatus(SKU.milk, 'M-LATE', 'quarantined', 'probe', 'qa');
    const ahead = states.expiryWarnings({ withinDays: 30 });
    expect(ahead.filter((w) => w.level === 'near_expiry').map((w) => w.lot)).toEqual(['M-SOON', 'M-LATE']);
    expect(ahead.find((w) => w.lot === 'M-LATE')!.message).toContain('It is also quarantined.');
    expect(states.expiryWarnings({ withinDays: 0 }).map((w) => w.lot)).toEqual(['M-OLD', 'A-LOCK']);
  });

  it('refuses a bad withinDays', () => {
    for (const bad of [-1, 1.5, 100_001]) {
      expect(() => states.expiryWarnings({ withinDays: bad })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', field: 'withinDays' }));
    }
  });
});
