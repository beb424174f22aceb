/**
 * Reservations on SQLite (migration 012) that never oversell: a reserve is one IMMEDIATE
 * transaction, so reservers on other connections and processes queue behind it (busy_timeout)
 * and each one sees what the ones before it took. 'order' and 'outbound' allocate FEFO lines on
 * location x lot over the free stock (fefo.ts); 'presale' locks a quantity of the SKU for a
 * channel, up to available + in transit. A reservation ends released (here) or fulfilled (when
 * the ledger posts picks or shipments naming it).
 */
import type { Clock } from '../../connectors/clock.ts';
import type { SqliteDatabase } from '../store/database.ts';
import { didYouMean } from './closest-match.ts';
import { allocateFefo, freeStockFefo, unreservedOf } from './fefo.ts';
import { InventoryError } from './inventory-errors.ts';
import type { PostOptions, Reservation, ReservationInput, ReservationKind, ReservationLine, ReservationStatus, Reservations } from './inventory-types.ts';
import { LocationTree } from './location-tree.ts';
import { daysLeftOf, isLotLocked, lotStatusOf } from './lot-dates.ts';
import { formatQty, QTY_EPSILON, roundQty } from './quantities.ts';
import {
  checkReservationId, checkReservationInput, checkReservationOptions, reservationKinds, reservationStatuses, type CheckedReservation,
} from './reservation-input.ts';
import { StockRowsReader, type StockRow } from './stock-rows.ts';
import { SqliteStockStates, subtreeOf } from './stock-states.ts';

export const MAX_RESERVATIONS_PAGE = 500;
const DEFAULT_RESERVATIONS_PAGE = 100;

interface ReservationRow {
  id: number; sku: string; kind: ReservationKind; channel: string | null; order_ref: string | null; qty: number; status: ReservationStatus;
  created_at: number; updated_at: number; actor: string; note: string | null;
}
interface LineRow { location: string; lot_key: number; batch: string | null; expiry: string | null; qty: number; fulfilled: number }
interface LotFactsRow { id: number; batch: string; expiry: string | null; status: 'released' | 'quarantined' | 'recalled'; status_reason: string | null; lock_days: number | null }

const q = formatQty;

export class SqliteReservations implements Reservations {
  readonly #db: SqliteDatabase;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #states: SqliteStockStates;
  readonly #rows: StockRowsReader;
  readonly #s;

  /** `db` must have the cloud migrations applied (012). */
  constructor(db: SqliteDatabase, clock: Pick<Clock, 'now'>) {
    this.#db = db;
    this.#clock = clock;
    this.#states = new SqliteStockStates(db, clock);
    this.#rows = new StockRowsReader(db);
    this.#s = {
      byRequestKey: db.prepare('SELECT id FROM inv_reservation WHERE request_key = ?').pluck(),
      byId: db.prepare('SELECT * FROM inv_reservation WHERE id = ?'),
      lines: db.prepare(`SELECT rl.location, rl.lot_key, l.batch, l.expiry, rl.qty, rl.fulfilled FROM inv_reservation_line rl
        LEFT JOIN inv_lot l ON l.id = rl.lot_key WHERE rl.reservation_id = ? ORDER BY rl.rowid`),
      lotTracked: db.prepare('SELECT lot_tracked FROM inv_item WHERE sku = ?').pluck(),
      lot: db.prepare(`SELECT l.id, l.batch, l.expiry, l.status, l.status_reason, c.lock_days FROM inv_lot l
        JOIN inv_item i ON i.sku = l.sku JOIN inv_category c ON c.id = i.category WHERE l.sku = ? AND l.batch = ?`),
      batches: db.prepare('SELECT batch FROM inv_lot WHERE sku = ?').pluck(),
      channel: db.prepare('SELECT 1 FROM inv_channel WHERE id = ?').pluck(),
      channelIds: db.prepare('SELECT id FROM inv_channel ORDER BY id').pluck(),
      insert: db.prepare(`INSERT INTO inv_reservation (sku, kind, channel, order_ref, qty, status, created_at, updated_at, actor, note, request_key)
        VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)`),
      insertLine: db.prepare('INSERT INTO inv_reservation_line (reservation_id, sku, location, lot_key, qty) VALUES (?, ?, ?, ?, ?)'),
      keyCheck: db.prepare(`SELECT IFNULL((SELECT qty FROM inv_balance WHERE sku = @sku AND location = @location AND lot_key = @lotKey), 0) AS balance,
        (SELECT IFNULL(ROUND(SUM(rl.qty - rl.fulfilled), 3), 0) FROM inv_reservation_line rl JOIN inv_reservation r ON r.id = rl.reservation_id
          WHERE r.status = 'active' AND rl.sku = @sku AND rl.location = @location AND rl.lot_key = @lotKey) AS open`),
      release: db.prepare(`UPDATE inv_reservation SET status = 'released', updated_at = ? WHERE id = ? AND status = 'active'`),
    };
  }

  reserve(input: ReservationInput, options: PostOptions): Reservation {
    checkReservationOptions(options);
    const wanted = checkReservationInput(input);
    const id = this.#db.transaction((): number => {
      if (options.requestKey !== undefined) {
        const prior = this.#s.byRequestKey.get(options.requestKey) as number | undefined;
        if (prior !== undefined) return prior;
      }
      this.#states.checkSku(wanted.sku, 'sku');
      if (wanted.channel !== null && this.#s.channel.get(wanted.channel) === undefined) {
        const known = this.#s.channelIds.all() as string[];
        throw new InventoryError('UNKNOWN_CHANNEL', 'channel', `channel: no sales channel "${wanted.channel}"${didYouMean(wanted.channel, known)}; `
          + `known: ${known.join(', ') || 'none (add one with PUT /api/inventory/channels/:id)'}`);
      }
      const now = this.#clock.now();
      const lines = wanted.kind === 'presale' ? (this.#checkPresale(wanted), []) : this.#allocate(wanted, now);
      const reservationId = Number(this.#s.insert.run(wanted.sku, wanted.kind, wanted.channel, wanted.orderRef, wanted.qty, now, now, options.actor,
        wanted.note, options.requestKey ?? null).lastInsertRowid);
      for (const line of lines) {
        this.#s.insertLine.run(reservationId, wanted.sku, line.location, line.lotKey, line.qty);
        // The invariant itself, checked where it could break (reserved <= balance), not only trusted to the allocation.
        const { balance, open } = this.#s.keyCheck.get({ sku: wanted.sku, location: line.location, lotKey: line.lotKey }) as { balance: number; open: number };
        if (open > balance + QTY_EPSILON) throw new Error(`reservation allocation bug: ${wanted.sku} at ${line.location} lot ${line.lotKey} would hold ${open} of ${balance}`);
      }
      return reservationId;
    }).immediate();
    return this.get(id)!;
  }

  release(id: number, options: PostOptions): Reservation {
    checkReservationOptions(options);
    checkReservationId(id);
    this.#db.transaction(() => {
      const row = this.#s.byId.get(id) as ReservationRow | undefined;
      if (!row) throw new InventoryError('UNKNOWN_RESERVATION', 'id', `id: no reservation ${id}; GET /api/inventory/reservations lists them`);
      if (row.status !== 'active') {
        throw new InventoryError('RESERVATION_CLOSED', 'id', `id: reservation ${id} is ${row.status} already; only an active reservation can be released`);
      }
      this.#s.release.run(this.#clock.now(), id);
    }).immediate();
    return this.get(id)!;
  }

  get(id: number): Reservation | undefined {
    const row = this.#s.byId.get(id) as ReservationRow | undefined;
    return row && this.#reservationOf(row);
  }

  /** Newest first. */
  list(filter: { sku?: string; status?: ReservationStatus; kind?: ReservationKind; channel?: string; limit?: number }): Reservation[] {
    if (filter.status !== undefined && !reservationStatuses.includes(filter.status)) {
      throw new InventoryError('INVALID_INPUT', 'status', `status: ${JSON.stringify(filter.status)} is not a reservation status; expected one of ${reservationStatuses.join(', ')}`);
    }
    if (filter.kind !== undefined && !reservationKinds.includes(filter.kind)) {
      throw new InventoryError('INVALID_INPUT', 'kind', `kind: ${JSON.stringify(filter.kind)} is not a reservation kind; expected one of ${reservationKinds.join(', ')}`);
    }
    const where: string[] = [];
    const params: unknown[] = [];
    for (const [column, value] of [['sku', filter.sku], ['status', filter.status], ['kind', filter.kind], ['channel', filter.channel]] as const) {
      if (value !== undefined) { where.push(`${column} = ?`); params.push(value); }
    }
    const limit = Math.min(Math.max(Math.trunc(filter.limit ?? DEFAULT_RESERVATIONS_PAGE), 1), MAX_RESERVATIONS_PAGE);
    const sql = `SELECT * FROM inv_reservation ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return this.#db.transaction(() => (this.#db.prepare(sql).all(...params, limit) as ReservationRow[]).map((row) => this.#reservationOf(row)))();
  }

  /** Presale locks of the SKU, this one included, stay within available + in transit. */
  #checkPresale(wanted: CheckedReservation): void {
    const summary = this.#states.summary(wanted.sku);
    const ceiling = roundQty(summary.available + summary.inTransit);
    const room = Math.max(0, roundQty(ceiling - summary.presaleLock));
    if (wanted.qty > room + QTY_EPSILON) {
      const held = Object.entries(summary.presaleLockByChannel).map(([channel, qty]) => `${channel} ${q(qty)}`).join(', ');
      throw new InventoryError('INSUFFICIENT_STOCK', 'qty', `qty: presale locks of ${wanted.sku} may reach available ${q(summary.available)} + in transit ${q(summary.inTransit)} = ${q(ceiling)}; `
        + `${q(summary.presaleLock)} locked already${held ? ` (${held})` : ''}, so at most ${q(room)} more, not ${q(wanted.qty)}. Lock less, or release a presale lock first`);
    }
  }

  /** FEFO lines for an order or outbound reservation, or the reason it cannot have them. */
  #allocate(wanted: CheckedReservation, now: number): Array<{ location: string; lotKey: number; qty: number }> {
    const tree = LocationTree.read(this.#db);
    let lotId: number | null = null;
    if (wanted.lot !== null) lotId = this.#reservableLot(wanted, now);
    let within: Set<string> | null = null;
    if (wanted.location !== null) {
      within = subtreeOf(tree, wanted.location, 'location');
      if (![...within].some((code) => tree.isStorage(code))) {
        throw new InventoryError('INVALID_INPUT', 'location', `location: ${wanted.location} is a ${tree.get(wanted.location)!.kind} location, which holds no stock to reserve; `
          + 'name a warehouse, zone or shelf, or leave location out');
      }
    }
    const rows = this.#rows.read(tree, now, wanted.sku)
      .filter((row) => (lotId === null || row.lotKey === lotId) && (within === null || within.has(row.location)) && tree.isStorage(row.location));
    const { picks, shortBy } = allocateFefo(freeStockFefo(rows, tree), wanted.qty);
    if (shortBy > QTY_EPSILON) throw insufficient(wanted, rows);
    return picks.map((pick) => ({ location: pick.location, lotKey: pick.lotId ?? 0, qty: pick.qty }));
  }

  /** The named lot's id, if it may be reserved; otherwise why not and what to do. */
  #reservableLot(wanted: CheckedReservation, now: number): number {
    if ((this.#s.lotTracked.get(wanted.sku) as number) === 0) {
      throw new InventoryError('INVALID_INPUT', 'lot', `lot: ${wanted.sku} is not lot-tracked; leave lot out`);
    }
    const lot = this.#s.lot.get(wanted.sku, wanted.lot) as LotFactsRow | undefined;
    if (!lot) {
      const known = this.#s.batches.all(wanted.sku) as string[];
      throw new InventoryError('UNKNOWN_LOT', 'lot', `lot: ${wanted.sku} has no lot "${wanted.lot}"${didYouMean(wanted.lot!, known)}; GET /api/inventory/lots?sku=${wanted.sku} lists them, or leave lot empty for FEFO`);
    }
    const label = `lot ${lot.batch} of ${wanted.sku}`;
    const instead = 'reserve another lot or leave lot empty for FEFO';
    const status = lotStatusOf(lot.status, lot.expiry, now);
    if (status === 'expired') throw new InventoryError('LOT_NOT_RESERVABLE', 'lot', `lot: ${label} expired on ${lot.expiry}: ${instead}`);
    if (status !== 'released') {
      const why = lot.status_reason ? ` (${lot.status_reason})` : '';
      throw new InventoryError('LOT_NOT_RESERVABLE', 'lot', `lot: ${label} is ${status}${why}: ${instead}; `
        + 'if it is fit again, release it first with POST /api/inventory/lots/:sku/:batch/status');
    }
    if (isLotLocked(lot.expiry, lot.lock_days, now)) {
      throw new InventoryError('LOT_NOT_RESERVABLE', 'lot', `lot: ${label} expires on ${lot.expiry}, ${daysLeftOf(lot.expiry, now)} days left, `
        + `inside its category's lock of ${lot.lock_days} days (GSP): it is locked; ${instead}`);
    }
    return lot.id;
  }

  #reservationOf(row: ReservationRow): Reservation {
    const lines = (this.#s.lines.all(row.id) as LineRow[]).map((l): ReservationLine => ({
      location: l.location, lotId: l.lot_key === 0 ? null : l.lot_key, lot: l.batch, expiry: l.expiry, qty: l.qty, fulfilled: l.fulfilled,
    }));
    return {
      id: row.id, sku: row.sku, kind: row.kind, channel: row.channel, orderRef: row.order_ref, qty: row.qty, status: row.status, lines,
      createdAt: row.created_at, updatedAt: row.updated_at, actor: row.actor, note: row.note,
    };
  }
}

/** INSUFFICIENT_STOCK saying what is free and where the rest of the stock on hand is. */
function insufficient(wanted: CheckedReservation, rows: StockRow[]): InventoryError {
  const sum = (pick: (row: StockRow) => number) => roundQty(rows.reduce((total, row) => total + pick(row), 0));
  const onHand = sum((row) => row.qty);
  const frozen = sum((row) => (row.frozenReason === null ? 0 : row.qty));
  const free = sum((row) => (row.frozenReason === null ? unreservedOf(row) : 0));
  const held = roundQty(onHand - frozen - free);
  const scope = `${wanted.sku}${wanted.lot === null ? '' : ` lot ${wanted.lot}`}${wanted.location === null ? '' : ` at ${wanted.location} and under it`}`;
  return new InventoryError('INSUFFICIENT_STOCK', 'qty', `qty: ${scope} has ${q(free)} free to reserve, ${q(wanted.qty)} asked `
    + `(on hand ${q(onHand)}: ${q(held)} already reserved or pending outbound, ${q(frozen)} expired, quarantined, recalled, locked or on a frozen location). `
    + `Reserve at most ${q(free)}, or receive more first`);
}
