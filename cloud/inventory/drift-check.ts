/**
 * The drift check: every balance and serial location rebuilt from the immutable moves and
 * compared with what the posting transactions maintained, plus every stock key whose open
 * reservations exceed its balance. `repair` rewrites inv_balance and inv_serial from the moves
 * in the same IMMEDIATE transaction, so a repair never races a post. Reservation lines whose
 * fulfilled quantity is not what their moves add up to are reported, never repaired: which order
 * is really served is a person's call.
 */
import type { SqliteDatabase } from '../store/database.ts';
import type { DriftReport } from './inventory-types.ts';
import { QTY_EPSILON } from './quantities.ts';

/** Balances as the moves add them up: +qty into `to`, -qty out of `from`, per sku x location x lot. */
const FROM_MOVES = `
  SELECT sku, location, lot_key, ROUND(SUM(qty), 3) AS qty, MAX(id) AS last_move FROM (
    SELECT id, sku, to_location AS location, IFNULL(lot_id, 0) AS lot_key, qty FROM inv_move
    UNION ALL
    SELECT id, sku, from_location AS location, IFNULL(lot_id, 0) AS lot_key, -qty FROM inv_move
  ) GROUP BY sku, location, lot_key`;

const BALANCE_FINDINGS = `
  WITH computed AS (${FROM_MOVES})
  SELECT COALESCE(c.sku, b.sku) AS sku, COALESCE(c.location, b.location) AS location, COALESCE(c.lot_key, b.lot_key) AS lotKey,
    IFNULL(b.qty, 0) AS stored, IFNULL(c.qty, 0) AS fromMoves
  FROM computed c FULL OUTER JOIN inv_balance b ON b.sku = c.sku AND b.location = c.location AND b.lot_key = c.lot_key
  WHERE ABS(IFNULL(b.qty, 0) - IFNULL(c.qty, 0)) > ${QTY_EPSILON}
  ORDER BY 1, 2, 3`;

/** Each serial's latest move decides where it is. */
const SERIALS_FROM_MOVES = `
  SELECT m.sku, m.serial, m.lot_id, m.to_location AS location, m.id AS last_move FROM inv_move m
  JOIN (SELECT sku, serial, MAX(id) AS id FROM inv_move WHERE serial IS NOT NULL GROUP BY sku, serial) latest ON latest.id = m.id`;

const SERIAL_FINDINGS = `
  WITH computed AS (${SERIALS_FROM_MOVES})
  SELECT COALESCE(c.sku, s.sku) AS sku, COALESCE(c.serial, s.serial) AS serial, IFNULL(s.location, '(none)') AS stored, IFNULL(c.location, '(none)') AS fromMoves
  FROM computed c FULL OUTER JOIN inv_serial s ON s.sku = c.sku AND s.serial = c.serial
  WHERE s.location IS NOT c.location
  ORDER BY 1, 2`;

const OVER_RESERVED = `
  SELECT l.sku, l.location, l.lot_key AS lotKey, ROUND(SUM(l.qty - l.fulfilled), 3) AS reserved, IFNULL(b.qty, 0) AS balance
  FROM inv_reservation_line l
  JOIN inv_reservation r ON r.id = l.reservation_id AND r.status = 'active'
  LEFT JOIN inv_balance b ON b.sku = l.sku AND b.location = l.location AND b.lot_key = l.lot_key
  GROUP BY l.sku, l.location, l.lot_key
  HAVING reserved > IFNULL(b.qty, 0) + ${QTY_EPSILON}
  ORDER BY 1, 2, 3`;

/**
 * Reservation lines (of reservations not released) whose `fulfilled` is not what the ledger says:
 * the picks and shipments naming the reservation out of the line's location and lot that were not
 * reversed, capped at the line's quantity (posting-batch.ts keeps it so, reversals included).
 */
const FULFILMENT_FINDINGS = `
  SELECT rl.reservation_id AS reservationId, rl.sku, rl.location, rl.lot_key AS lotKey, rl.qty, rl.fulfilled AS stored,
    ROUND(MIN(rl.qty, IFNULL(n.net, 0)), 3) AS fromMoves
  FROM inv_reservation_line rl JOIN inv_reservation r ON r.id = rl.reservation_id AND r.status <> 'released'
  LEFT JOIN (
    SELECT m.reservation_id, m.from_location AS location, IFNULL(m.lot_id, 0) AS lot_key, SUM(m.qty) AS net FROM inv_move m
    WHERE m.reservation_id IS NOT NULL AND m.reverses IS NULL AND NOT EXISTS (SELECT 1 FROM inv_move rev WHERE rev.reverses = m.id)
    GROUP BY 1, 2, 3
  ) n ON n.reservation_id = rl.reservation_id AND n.location = rl.location AND n.lot_key = rl.lot_key
  WHERE ABS(rl.fulfilled - MIN(rl.qty, IFNULL(n.net, 0))) > ${QTY_EPSILON}
  ORDER BY 1, 3, 4`;

/** Lines whose fulfilled quantity differs from their moves' (see FULFILMENT_FINDINGS); read-only. */
export function fulfilmentFindings(db: SqliteDatabase): DriftReport['fulfilmentFindings'] {
  return db.prepare(FULFILMENT_FINDINGS).all() as DriftReport['fulfilmentFindings'];
}

export function driftCheck(db: SqliteDatabase, now: () => number, options: { repair?: boolean } = {}): DriftReport {
  const started = performance.now();
  const run = db.transaction((): DriftReport => {
    const checkedAt = now();
    const findings = db.prepare(BALANCE_FINDINGS).all() as DriftReport['findings'];
    const serialFindings = db.prepare(SERIAL_FINDINGS).all() as DriftReport['serialFindings'];
    if (options.repair && (findings.length > 0 || serialFindings.length > 0)) {
      db.prepare('DELETE FROM inv_balance').run();
      db.prepare(`INSERT INTO inv_balance (sku, location, lot_key, qty, last_move) ${FROM_MOVES}`).run();
      // A serial without any move is no stock at all; the rest take their latest move's destination.
      db.prepare('DELETE FROM inv_serial WHERE NOT EXISTS (SELECT 1 FROM inv_move m WHERE m.sku = inv_serial.sku AND m.serial = inv_serial.serial)').run();
      db.prepare(`INSERT INTO inv_serial (sku, serial, lot_id, location, last_move) ${SERIALS_FROM_MOVES} WHERE true
        ON CONFLICT (sku, serial) DO UPDATE SET location = excluded.location, last_move = excluded.last_move, lot_id = excluded.lot_id`).run();
    }
    const overReserved = db.prepare(OVER_RESERVED).all() as DriftReport['overReserved'];
    const fulfilment = fulfilmentFindings(db);
    const moves = db.prepare('SELECT COUNT(*) FROM inv_move').pluck().get() as number;
    const balances = db.prepare('SELECT COUNT(*) FROM inv_balance').pluck().get() as number;
    return { checkedAt, moves, balances, findings, serialFindings, overReserved, fulfilmentFindings: fulfilment, durationMs: 0 };
  });
  const report = options.repair ? run.immediate() : run.deferred();
  return { ...report, durationMs: Math.round((performance.now() - started) * 10) / 10 };
}
