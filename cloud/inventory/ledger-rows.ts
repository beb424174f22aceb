/**
 * How moves and balances come out of SQLite: the row shapes, the one SELECT every reader uses
 * (joined with the lot for its batch code) and the mapping to the contract's Move and Balance.
 */
import type { Balance, Move, MoveReason } from './inventory-types.ts';

export interface MoveRow {
  id: number; posted_at: number; effective_at: number; sku: string; lot_id: number | null; batch: string | null; serial: string | null;
  qty: number; from_location: string; to_location: string; reason: MoveReason; doc_type: string | null; doc_id: string | null;
  reservation_id: number | null; reverses: number | null; actor: string; note: string | null;
}

export const MOVE_SELECT = `SELECT m.id, m.posted_at, m.effective_at, m.sku, m.lot_id, l.batch, m.serial, m.qty, m.from_location, m.to_location, m.reason,
    m.doc_type, m.doc_id, m.reservation_id, m.reverses, m.actor, m.note
  FROM inv_move m LEFT JOIN inv_lot l ON l.id = m.lot_id`;

export const moveOf = (r: MoveRow): Move => ({
  id: r.id, postedAt: r.posted_at, effectiveAt: r.effective_at, sku: r.sku, lotId: r.lot_id, lot: r.batch, serial: r.serial, qty: r.qty,
  from: r.from_location, to: r.to_location, reason: r.reason, docType: r.doc_type, docId: r.doc_id, reservationId: r.reservation_id,
  reverses: r.reverses, actor: r.actor, note: r.note,
});

export interface BalanceRow { sku: string; location: string; lot_key: number; batch: string | null; qty: number; last_move: number }

export const BALANCE_SELECT = `SELECT b.sku, b.location, b.lot_key, l.batch, b.qty, b.last_move
  FROM inv_balance b LEFT JOIN inv_lot l ON l.id = b.lot_key`;

export const balanceOf = (r: BalanceRow): Balance => ({
  sku: r.sku, location: r.location, lotId: r.lot_key === 0 ? null : r.lot_key, lot: r.batch, qty: r.qty, lastMove: r.last_move,
});
