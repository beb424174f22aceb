/**
 * For the reservation and stock-state tests: everything a refused command must leave exactly as
 * it was (moves, balances, lots, reservations and their lines), read straight from the tables so
 * the check does not trust the code under test. Not a test itself.
 */
import type { SqliteDatabase } from '../../store/database.ts';

export function stockSnapshot(db: SqliteDatabase) {
  return {
    moves: db.prepare('SELECT COUNT(*) FROM inv_move').pluck().get(),
    balances: db.prepare('SELECT sku, location, lot_key, qty FROM inv_balance ORDER BY sku, location, lot_key').all(),
    lots: db.prepare('SELECT * FROM inv_lot ORDER BY id').all(),
    reservations: db.prepare('SELECT * FROM inv_reservation ORDER BY id').all(),
    lines: db.prepare('SELECT * FROM inv_reservation_line ORDER BY reservation_id, location, lot_key').all(),
  };
}
