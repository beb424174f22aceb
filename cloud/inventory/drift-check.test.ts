/**
 * The drift check on a real ledger: clean after ordinary posting, finds a balance, a serial and
 * an over-reservation planted behind the ledger's back, and repairs the first two from the moves.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openInventoryFixture, SKU, type InventoryFixture } from './testing/inventory-fixture.ts';

let f: InventoryFixture;
beforeEach(() => {
  f = openInventoryFixture();
  f.ledger.post([
    { sku: SKU.milk, lot: 'L1', expiry: '2026-03-20', qty: 10, from: 'SUP-1', to: 'RECV', reason: 'receipt' },
    { sku: SKU.milk, lot: 'L1', qty: 10, from: 'RECV', to: 'B10', reason: 'putaway' },
    { sku: SKU.pda, serial: 'S1', qty: 1, from: 'SUP-1', to: 'A01', reason: 'receipt' },
  ], { actor: 'anna' });
});
afterEach(() => f.close());

describe('drift check', () => {
  it('finds nothing after ordinary posting and counts what it checked', () => {
    const report = f.ledger.driftCheck();
    expect(report).toMatchObject({ checkedAt: f.clock.now(), moves: 3, balances: 5, findings: [], serialFindings: [], overReserved: [] });
    expect(report.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('finds a planted balance difference and a planted balance row, and repairs both from the moves', () => {
    const lotId = f.catalog.lot(SKU.milk, 'L1')!.id;
    f.db.prepare('UPDATE inv_balance SET qty = 7 WHERE sku = ? AND location = ?').run(SKU.milk, 'B10');
    f.db.prepare('INSERT INTO inv_balance (sku, location, lot_key, qty, last_move) VALUES (?, ?, ?, ?, 1)').run(SKU.milk, 'B12', lotId, 4);
    const report = f.ledger.driftCheck();
    expect(report.findings).toEqual([
      { sku: SKU.milk, location: 'B10', lotKey: lotId, stored: 7, fromMoves: 10 },
      { sku: SKU.milk, location: 'B12', lotKey: lotId, stored: 4, fromMoves: 0 },
    ]);
    // Reporting alone changes nothing.
    expect(f.ledger.balances({ location: 'B10' })[0]!.qty).toBe(7);
    const repaired = f.ledger.driftCheck({ repair: true });
    expect(repaired.findings).toHaveLength(2);
    expect(f.ledger.driftCheck().findings).toEqual([]);
    expect(f.ledger.balances({ location: 'B10' })[0]).toMatchObject({ qty: 10, lastMove: 2 });
    expect(f.ledger.balances({ location: 'B12', includeZero: true })).toEqual([]);
  });

  it('finds a serial whose stored location is not its latest move\'s destination, and repairs it', () => {
    f.db.prepare('UPDATE inv_serial SET location = ? WHERE serial = ?').run('A02', 'S1');
    f.db.prepare(`INSERT INTO inv_serial (sku, serial, location, last_move) VALUES (?, 'GHOST', 'A02', 1)`).run(SKU.pda);
    expect(f.ledger.driftCheck().serialFindings).toEqual([
      { sku: SKU.pda, serial: 'GHOST', stored: 'A02', fromMoves: '(none)' },
      { sku: SKU.pda, serial: 'S1', stored: 'A02', fromMoves: 'A01' },
    ]);
    f.ledger.driftCheck({ repair: true });
    expect(f.ledger.driftCheck().serialFindings).toEqual([]);
    expect(f.db.prepare('SELECT serial, location FROM inv_serial').all()).toEqual([{ serial: 'S1', location: 'A01' }]);
  });

  it('lists stock keys whose open reservations exceed the balance', () => {
    const lotId = f.catalog.lot(SKU.milk, 'L1')!.id;
    const id = Number(f.db.prepare(`INSERT INTO inv_reservation (sku, kind, qty, status, created_at, updated_at, actor) VALUES (?, 'order', 12, 'active', 0, 0, 'sales')`).run(SKU.milk).lastInsertRowid);
    f.db.prepare('INSERT INTO inv_reservation_line (reservation_id, sku, location, lot_key, qty, fulfilled) VALUES (?, ?, ?, ?, 12, 1)').run(id, SKU.milk, 'B10', lotId);
    expect(f.ledger.driftCheck().overReserved).toEqual([{ sku: SKU.milk, location: 'B10', lotKey: lotId, reserved: 11, balance: 10 }]);
    f.db.prepare(`UPDATE inv_reservation SET status = 'released' WHERE id = ?`).run(id);
    expect(f.ledger.driftCheck().overReserved).toEqual([]);
  });

  it('lists reservation lines whose fulfilled quantity is not what their shipments add up to, and repairs none of them', () => {
    const lotId = f.catalog.lot(SKU.milk, 'L1')!.id;
    const id = Number(f.db.prepare(`INSERT INTO inv_reservation (sku, kind, qty, status, created_at, updated_at, actor) VALUES (?, 'order', 4, 'active', 0, 0, 'sales')`).run(SKU.milk).lastInsertRowid);
    f.db.prepare('INSERT INTO inv_reservation_line (reservation_id, sku, location, lot_key, qty, fulfilled) VALUES (?, ?, ?, ?, 4, 0)').run(id, SKU.milk, 'B10', lotId);
    const [shipped] = f.ledger.post([{ sku: SKU.milk, lot: 'L1', qty: 3, from: 'B10', to: 'CUST-1', reason: 'shipment', reservationId: id }], { actor: 'test' });
    expect(f.ledger.driftCheck().fulfilmentFindings).toEqual([]);
    f.db.prepare('UPDATE inv_reservation_line SET fulfilled = 1 WHERE reservation_id = ?').run(id);
    const expected = [{ reservationId: id, sku: SKU.milk, location: 'B10', lotKey: lotId, qty: 4, stored: 1, fromMoves: 3 }];
    expect(f.ledger.driftCheck({ repair: true }).fulfilmentFindings).toEqual(expected);
    expect(f.ledger.driftCheck().fulfilmentFindings).toEqual(expected);
    f.ledger.reverse(shipped!.id, { actor: 'test' });
    expect(f.ledger.driftCheck().fulfilmentFindings).toEqual([]);
  });
});
