/**
 * The second pass of a post, inside its IMMEDIATE transaction: each checked move against the
 * stock as the earlier moves of the same post left it (lot known or created by a receipt, serial
 * where the move takes it from, reservation line to fulfil, lot fit to ship), then applied
 * (move row, both balances, serial location). After the last move the invariants are checked on
 * every key the post touched: no negative stock where the location does not allow it, and open
 * reservations never above the balance they sit on. Any refusal throws and the caller's
 * transaction rolls everything back.
 *
 * A reservation line's `fulfilled` is min(line qty, net quantity moved against it): the picks and
 * shipments naming the reservation out of the line's location and lot, less the reversals that
 * gave quantity back to it (they carry the reservationId). A reversal of a fulfilling move brings
 * the stock back to that location, so it re-opens the line there (and the reservation, if its
 * fulfilment had closed it) unless the reservation was released; then its note says so.
 */
import type { SqliteDatabase } from '../store/database.ts';
import { didYouMean } from './closest-match.ts';
import { InventoryError } from './inventory-errors.ts';
import type { Move, MoveReason, StoredLotStatus } from './inventory-types.ts';
import { isLotLocked, lotStatusOf } from './lot-dates.ts';
import { lotCreatingReasons, serialCreatingReasons, type CheckedMove, type ItemFacts, type LocationFacts } from './move-validation.ts';
import { formatQty, QTY_EPSILON, roundQty } from './quantities.ts';

/** A move ready to apply: lot resolved to its id. */
export interface ResolvedMove {
  item: ItemFacts; from: LocationFacts; to: LocationFacts; qty: number; reason: MoveReason;
  lotId: number | null; batch: string | null; serial: string | null;
  docType: string | null; docId: string | null; reservationId: number | null; reverses: number | null;
  effectiveAt: number; note: string | null; requestKey: string | null;
  /** How errors name this move's fields: `moves.3.qty` for a post, `id` for a reversal. */
  field(name: string): string;
}

interface TouchedKey {
  sku: string; location: LocationFacts; lotKey: number; batch: string | null;
  /** The first move taking from this key (errors name it), and how much the post takes and adds. */
  firstTaker: ResolvedMove | null; firstTakerOrder: number; taken: number; added: number;
}

interface LotRow { id: number; batch: string; expiry: string | null; status: StoredLotStatus }
interface SerialRow { location: string; lot_id: number | null }
interface ReservationRow { id: number; sku: string; status: string }
interface LineRow { qty: number; fulfilled: number }

/** The prepared statements a post uses, prepared once per ledger. */
export class PostingStatements {
  readonly lot; readonly lotBatches; readonly insertLot; readonly serial; readonly upsertSerial; readonly reservation; readonly reservationLine;
  readonly fulfil; readonly unfulfilledLines; readonly closeReservation; readonly insertMove; readonly addBalance; readonly balance; readonly openReserved;
  readonly netFulfilled; readonly setFulfilled; readonly reopenReservation;

  constructor(db: SqliteDatabase) {
    this.lot = db.prepare('SELECT id, batch, expiry, status FROM inv_lot WHERE sku = ? AND batch = ?');
    this.lotBatches = db.prepare('SELECT batch FROM inv_lot WHERE sku = ?').pluck();
    this.insertLot = db.prepare(`INSERT INTO inv_lot (sku, batch, expiry, status, supplier, created_at) VALUES (?, ?, ?, 'released', ?, ?)`);
    this.serial = db.prepare('SELECT location, lot_id FROM inv_serial WHERE sku = ? AND serial = ?');
    this.upsertSerial = db.prepare(`INSERT INTO inv_serial (sku, serial, lot_id, location, last_move) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (sku, serial) DO UPDATE SET location = excluded.location, last_move = excluded.last_move, lot_id = excluded.lot_id`);
    this.reservation = db.prepare('SELECT id, sku, status FROM inv_reservation WHERE id = ?');
    this.reservationLine = db.prepare('SELECT qty, fulfilled FROM inv_reservation_line WHERE reservation_id = ? AND location = ? AND lot_key = ?');
    this.fulfil = db.prepare('UPDATE inv_reservation_line SET fulfilled = MIN(qty, ROUND(fulfilled + ?, 3)) WHERE reservation_id = ? AND location = ? AND lot_key = ?');
    this.unfulfilledLines = db.prepare('SELECT COUNT(*) FROM inv_reservation_line WHERE reservation_id = ? AND fulfilled < qty').pluck();
    this.closeReservation = db.prepare(`UPDATE inv_reservation SET status = 'fulfilled', updated_at = ? WHERE id = ?`);
    // Only read when the line is full, where `fulfilled` no longer tells the net (a move may take more than the line held).
    this.netFulfilled = db.prepare(`SELECT IFNULL(ROUND(SUM(CASE WHEN reverses IS NULL THEN qty ELSE -qty END), 3), 0) FROM inv_move
      WHERE sku = @sku AND reservation_id = @reservationId AND IFNULL(lot_id, 0) = @lotKey
        AND ((reverses IS NULL AND from_location = @location) OR (reverses IS NOT NULL AND to_location = @location))`).pluck();
    this.setFulfilled = db.prepare('UPDATE inv_reservation_line SET fulfilled = ? WHERE reservation_id = ? AND location = ? AND lot_key = ?');
    this.reopenReservation = db.prepare(`UPDATE inv_reservation SET status = 'active', updated_at = ? WHERE id = ? AND status = 'fulfilled'`);
    this.insertMove = db.prepare(`INSERT INTO inv_move (posted_at, effective_at, sku, lot_id, serial, qty, from_location, to_location, reason, doc_type, doc_id,
        reservation_id, reverses, actor, note, request_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.addBalance = db.prepare(`INSERT INTO inv_balance (sku, location, lot_key, qty, last_move) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (sku, location, lot_key) DO UPDATE SET qty = ROUND(qty + excluded.qty, 3), last_move = excluded.last_move`);
    this.balance = db.prepare('SELECT qty FROM inv_balance WHERE sku = ? AND location = ? AND lot_key = ?').pluck();
    this.openReserved = db.prepare(`SELECT IFNULL(ROUND(SUM(l.qty - l.fulfilled), 3), 0) FROM inv_reservation_line l
      JOIN inv_reservation r ON r.id = l.reservation_id
      WHERE l.sku = ? AND l.location = ? AND l.lot_key = ? AND r.status = 'active'`).pluck();
  }
}

const lotLabel = (batch: string | null) => (batch === null ? '' : ` lot ${batch}`);
/** The caller's note with the ledger's reason after it. */
const withWhy = (note: string | null, why: string) => (note === null ? why : `${note} (${why})`);

export class PostingBatch {
  readonly #s: PostingStatements;
  readonly #now: number;
  readonly #actor: string;
  readonly #touched = new Map<string, TouchedKey>();
  #order = 0;

  constructor(statements: PostingStatements, now: number, actor: string) {
    this.#s = statements;
    this.#now = now;
    this.#actor = actor;
  }

  /** Resolves a checked move's lot (creating it on a receipt with an expiry) and checks it may ship. */
  resolve(move: CheckedMove, requestKey: string | null): ResolvedMove {
    const field = (name: string) => `moves.${move.index}.${name}`;
    let lotId: number | null = null;
    if (move.lot !== null) {
      let lot = this.#s.lot.get(move.item.sku, move.lot) as LotRow | undefined;
      if (!lot) {
        if (!lotCreatingReasons.includes(move.reason) || move.expiry === undefined) {
          const known = this.#s.lotBatches.all(move.item.sku) as string[];
          throw new InventoryError('UNKNOWN_LOT', field('lot'), `${field('lot')}: ${move.item.sku} has no lot "${move.lot}"${didYouMean(move.lot, known)}; `
            + `a new lot enters with a ${lotCreatingReasons.join(', ')} move that gives its expiry (null if it does not expire)`);
        }
        const supplier = move.from.kind === 'supplier' ? move.from.code : null;
        const id = Number(this.#s.insertLot.run(move.item.sku, move.lot, move.expiry, supplier, this.#now).lastInsertRowid);
        lot = { id, batch: move.lot, expiry: move.expiry, status: 'released' };
      } else if (move.expiry !== undefined && move.expiry !== lot.expiry) {
        throw new InventoryError('INVALID_INPUT', field('expiry'), `${field('expiry')}: lot ${move.lot} of ${move.item.sku} expires ${lot.expiry ?? 'never'}, not ${move.expiry ?? 'never'}; `
          + 'leave expiry out, or correct the lot with PUT /api/inventory/lots/:sku/:batch');
      }
      lotId = lot.id;
      if ((move.reason === 'shipment' || move.reason === 'pick') && move.to.kind === 'customer') this.#checkShippable(move, lot, field);
    }
    return {
      item: move.item, from: move.from, to: move.to, qty: move.qty, reason: move.reason, lotId, batch: move.lot, serial: move.serial,
      docType: move.docType, docId: move.docId, reservationId: move.reservationId, reverses: null, effectiveAt: move.effectiveAt, note: move.note,
      requestKey, field,
    };
  }

  /** Applies one move against the stock as the earlier moves of this batch left it. */
  apply(move: ResolvedMove): Move {
    const { item, from, to, qty } = move;
    const lotKey = move.lotId ?? 0;
    if (move.serial !== null) this.#checkSerial(move);
    let { reservationId, note } = move;
    if (reservationId !== null) {
      if (move.reverses === null) this.#fulfil(move, lotKey);
      else ({ reservationId, note } = this.#reopen(move, reservationId, lotKey));
    }
    const id = Number(this.#s.insertMove.run(this.#now, move.effectiveAt, item.sku, move.lotId, move.serial, qty, from.code, to.code, move.reason,
      move.docType, move.docId, reservationId, move.reverses, this.#actor, note, move.requestKey).lastInsertRowid);
    this.#s.addBalance.run(item.sku, from.code, lotKey, -qty, id);
    this.#s.addBalance.run(item.sku, to.code, lotKey, qty, id);
    if (move.serial !== null) this.#s.upsertSerial.run(item.sku, move.serial, move.lotId, to.code, id);
    this.#touch(item.sku, from, lotKey, move.batch, move, -qty);
    this.#touch(item.sku, to, lotKey, move.batch, null, qty);
    return {
      id, postedAt: this.#now, effectiveAt: move.effectiveAt, sku: item.sku, lotId: move.lotId, lot: move.batch, serial: move.serial, qty,
      from: from.code, to: to.code, reason: move.reason, docType: move.docType, docId: move.docId, reservationId,
      reverses: move.reverses, actor: this.#actor, note,
    };
  }

  /** After the last move: every touched key non-negative (unless allowed) and covering its open reservations. */
  checkInvariants(): void {
    const keys = [...this.#touched.values()].sort((a, b) => a.firstTakerOrder - b.firstTakerOrder);
    for (const key of keys) {
      const balance = (this.#s.balance.get(key.sku, key.location.code, key.lotKey) as number | undefined) ?? 0;
      const where = `${key.location.code} holds ${formatQty(roundQty(balance + key.taken - key.added))} of ${key.sku}${lotLabel(key.batch)}`;
      if (!key.location.allowNegative && balance < -QTY_EPSILON) {
        const field = key.firstTaker?.field('qty') ?? null;
        const added = key.added > 0 ? ` (with ${formatQty(key.added)} brought in by this post)` : '';
        throw new InventoryError('INSUFFICIENT_STOCK', field, `${field ?? 'moves'}: ${where}${added}, and the post takes ${formatQty(key.taken)}; `
          + `${formatQty(-balance)} short. Move less, or bring stock to ${key.location.code} first`);
      }
      const reserved = this.#s.openReserved.get(key.sku, key.location.code, key.lotKey) as number;
      if (reserved > QTY_EPSILON && reserved > balance + QTY_EPSILON) {
        const field = key.firstTaker?.field('qty') ?? null;
        throw new InventoryError('RESERVED_STOCK', field, `${field ?? 'moves'}: ${where}, ${formatQty(reserved)} of it reserved; after taking ${formatQty(key.taken)} `
          + `only ${formatQty(Math.max(balance, 0))} would be left for ${formatQty(reserved)} reserved. Name the reservationId when picking for it, or release the reservation first`);
      }
    }
  }

  #checkShippable(move: CheckedMove, lot: LotRow, field: (name: string) => string): void {
    const status = lotStatusOf(lot.status, lot.expiry, this.#now);
    if (status !== 'released') {
      throw new InventoryError('LOT_NOT_RESERVABLE', field('lot'), `${field('lot')}: lot ${lot.batch} of ${move.item.sku} is ${status}${status === 'expired' ? ` (last day ${lot.expiry})` : ''}; `
        + 'it cannot be shipped. Ship a released lot (GET /api/inventory/fefo suggests one)');
    }
    if (isLotLocked(lot.expiry, move.item.lockDays, this.#now)) {
      throw new InventoryError('LOT_NOT_RESERVABLE', field('lot'), `${field('lot')}: lot ${lot.batch} of ${move.item.sku} expires ${lot.expiry}, within its category's lock of ${move.item.lockDays} days (GSP); `
        + 'it cannot be shipped. Ship a lot with a later expiry');
    }
  }

  #checkSerial(move: ResolvedMove): void {
    const { item, from, serial } = move;
    const row = this.#s.serial.get(item.sku, serial) as SerialRow | undefined;
    const field = move.field('serial');
    if (!row) {
      if (serialCreatingReasons.includes(move.reason) && from.kind !== 'warehouse' && from.kind !== 'zone' && from.kind !== 'shelf') return;
      throw new InventoryError('SERIAL_CONFLICT', field, `${field}: ${item.sku} serial ${serial} is not in the ledger; a new serial enters with a ${serialCreatingReasons.join(', ')} move from a virtual location`);
    }
    if (row.location !== from.code) {
      throw new InventoryError('SERIAL_CONFLICT', field, `${field}: ${item.sku} serial ${serial} is at ${row.location}, not at ${from.code}; move it from ${row.location}`);
    }
    if (item.lotTracked && row.lot_id !== move.lotId) {
      throw new InventoryError('SERIAL_CONFLICT', move.field('lot'), `${move.field('lot')}: ${item.sku} serial ${serial} belongs to another lot; name the serial's own lot`);
    }
  }

  #fulfil(move: ResolvedMove, lotKey: number): void {
    const field = move.field('reservationId');
    const reservation = this.#s.reservation.get(move.reservationId) as ReservationRow | undefined;
    if (!reservation) throw new InventoryError('UNKNOWN_RESERVATION', field, `${field}: no reservation ${move.reservationId}; GET /api/inventory/reservations lists them`);
    if (reservation.status !== 'active') {
      throw new InventoryError('RESERVATION_CLOSED', field, `${field}: reservation ${reservation.id} is ${reservation.status}; leave reservationId out or name an active reservation`);
    }
    if (reservation.sku !== move.item.sku) {
      throw new InventoryError('INVALID_INPUT', field, `${field}: reservation ${reservation.id} is for ${reservation.sku}, not ${move.item.sku}`);
    }
    const line = this.#s.reservationLine.get(reservation.id, move.from.code, lotKey);
    if (!line) {
      throw new InventoryError('INVALID_INPUT', field, `${field}: reservation ${reservation.id} holds nothing of ${move.item.sku}${lotLabel(move.batch)} at ${move.from.code}; `
        + 'pick from a location and lot it was allocated on (GET /api/inventory/reservations/:id)');
    }
    this.#s.fulfil.run(move.qty, reservation.id, move.from.code, lotKey);
    if ((this.#s.unfulfilledLines.get(reservation.id) as number) === 0) this.#s.closeReservation.run(this.#now, reservation.id);
  }

  /**
   * A reversal of a move that fulfilled `reservationId`: the stock comes back to the line's
   * location (`move.to`), so the line gets back what the reversed move took from it. Returns the
   * reservation to record on the reversal (null when it was released) and its note.
   */
  #reopen(move: ResolvedMove, reservationId: number, lotKey: number): { reservationId: number | null; note: string | null } {
    const reservation = this.#s.reservation.get(reservationId) as ReservationRow;
    const where = `${move.to.code}${lotLabel(move.batch)}`;
    if (reservation.status === 'released') {
      return { reservationId: null, note: withWhy(move.note, `reservation ${reservationId} was released, so it was not re-opened; the ${formatQty(move.qty)} back at ${where} are free stock`) };
    }
    const line = this.#s.reservationLine.get(reservationId, move.to.code, lotKey) as LineRow | undefined;
    if (!line) throw new Error(`ledger bug: move ${move.reverses} fulfilled reservation ${reservationId}, which has no line at ${where}`);
    // Below the line's qty, `fulfilled` is the net itself; a full line may have been taken beyond its qty.
    const net = line.fulfilled < line.qty - QTY_EPSILON ? line.fulfilled
      : this.#s.netFulfilled.get({ sku: move.item.sku, reservationId, lotKey, location: move.to.code }) as number;
    const fulfilled = roundQty(Math.min(line.qty, Math.max(0, net - move.qty)));
    const reopened = roundQty(line.fulfilled - fulfilled);
    this.#s.setFulfilled.run(fulfilled, reservationId, move.to.code, lotKey);
    if (reopened > QTY_EPSILON) this.#s.reopenReservation.run(this.#now, reservationId);
    if (reopened >= move.qty - QTY_EPSILON) return { reservationId, note: move.note };
    return {
      reservationId,
      note: withWhy(move.note, `re-opened ${formatQty(reopened)} of the ${formatQty(move.qty)} on reservation ${reservationId} at ${where}; `
        + `its other moves there still fulfil the line's ${formatQty(line.qty)}`),
    };
  }

  #touch(sku: string, location: LocationFacts, lotKey: number, batch: string | null, taker: ResolvedMove | null, delta: number): void {
    const id = `${sku}\u0000${location.code}\u0000${lotKey}`;
    let key = this.#touched.get(id);
    if (!key) {
      key = { sku, location, lotKey, batch, firstTaker: null, firstTakerOrder: Number.MAX_SAFE_INTEGER, taken: 0, added: 0 };
      this.#touched.set(id, key);
    }
    const order = this.#order++;
    if (delta < 0) {
      key.taken = roundQty(key.taken - delta);
      if (!key.firstTaker) {
        key.firstTaker = taker;
        key.firstTakerOrder = order;
      }
    } else {
      key.added = roundQty(key.added + delta);
    }
  }
}
