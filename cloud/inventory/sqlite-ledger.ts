/**
 * The move ledger on SQLite (migration 012). A post is one IMMEDIATE transaction, so posts from
 * other connections and processes queue behind it (busy_timeout) instead of interleaving: first
 * every move is checked on its own (move-validation.ts), then applied in order and the
 * invariants checked on every key it touched (posting-batch.ts); any refusal rolls all of it
 * back. Balances are sums, so a back-dated move recomputes nothing; the drift check rebuilds them
 * from the moves. A reversal is the mirror move, posted the same way; one of a pick or shipment
 * that fulfilled a reservation gives the quantity back to that reservation's line.
 */
import type { Clock } from '../../connectors/clock.ts';
import type { SqliteDatabase } from '../store/database.ts';
import { driftCheck } from './drift-check.ts';
import { checkText } from './inventory-codes.ts';
import { InventoryError } from './inventory-errors.ts';
import type { Balance, DriftReport, InventoryLedger, LocationKind, Move, MoveInput, MoveQuery, PostOptions } from './inventory-types.ts';
import { BALANCE_SELECT, balanceOf, MOVE_SELECT, moveOf, type BalanceRow, type MoveRow } from './ledger-rows.ts';
import { checkMove, type ItemFacts, type LocationFacts, type MoveLookups } from './move-validation.ts';
import { PostingBatch, PostingStatements, type ResolvedMove } from './posting-batch.ts';

/** A post larger than this is refused (the HTTP route allows 500). */
export const MAX_MOVES_PER_POST = 10_000;
export const MAX_MOVES_PAGE = 500;
const DEFAULT_MOVES_PAGE = 100;
const REQUEST_KEY_MAX = 200;

interface ItemFactsRow { sku: string; lot_tracked: number; serialized: number; lock_days: number | null }
interface LocationFactsRow { code: string; kind: LocationKind; allow_negative: number }

export class SqliteLedger implements InventoryLedger {
  readonly #db: SqliteDatabase;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #statements: PostingStatements;
  readonly #lookups: MoveLookups;
  readonly #byRequestKey;
  readonly #moveById;

  /** `db` must have the cloud migrations applied (012). */
  constructor(db: SqliteDatabase, clock: Pick<Clock, 'now'>) {
    this.#db = db;
    this.#clock = clock;
    this.#statements = new PostingStatements(db);
    const item = db.prepare(`SELECT i.sku, i.lot_tracked, i.serialized, c.lock_days FROM inv_item i JOIN inv_category c ON c.id = i.category WHERE i.sku = ?`);
    const location = db.prepare('SELECT code, kind, allow_negative FROM inv_location WHERE code = ?');
    this.#lookups = {
      item: (sku) => {
        const row = item.get(sku) as ItemFactsRow | undefined;
        return row && { sku: row.sku, lotTracked: row.lot_tracked === 1, serialized: row.serialized === 1, lockDays: row.lock_days } satisfies ItemFacts;
      },
      location: (code) => {
        const row = location.get(code) as LocationFactsRow | undefined;
        return row && { code: row.code, kind: row.kind, allowNegative: row.allow_negative === 1 } satisfies LocationFacts;
      },
      skus: () => db.prepare('SELECT sku FROM inv_item').pluck().all() as string[],
      locationCodes: () => db.prepare('SELECT code FROM inv_location').pluck().all() as string[],
    };
    // '#' sorts just before '$', so the range holds the keys `<key>#...` (on the unique index);
    // only `<key>#<digits>` are this key's, not those of a key that itself ends in `#1`.
    this.#byRequestKey = db.prepare(`${MOVE_SELECT} WHERE m.request_key >= ? AND m.request_key < ? AND substr(m.request_key, ?) NOT GLOB '*[^0-9]*' ORDER BY m.id`);
    this.#moveById = db.prepare(`${MOVE_SELECT} WHERE m.id = ?`);
  }

  post(moves: MoveInput[], options: PostOptions): Move[] {
    checkPostOptions(options);
    if (!Array.isArray(moves) || moves.length === 0 || moves.length > MAX_MOVES_PER_POST) {
      throw new InventoryError('INVALID_INPUT', 'moves', `moves: expected a list of 1 to ${MAX_MOVES_PER_POST} moves`);
    }
    return this.#db.transaction((): Move[] => {
      const prior = this.#posted(options.requestKey);
      if (prior.length > 0) return prior;
      const now = this.#clock.now();
      const checked = moves.map((move, index) => checkMove(move, index, this.#lookups, now));
      const batch = new PostingBatch(this.#statements, now, options.actor);
      const posted = checked.map((move) => batch.apply(batch.resolve(move, options.requestKey === undefined ? null : `${options.requestKey}#${move.index}`)));
      batch.checkInvariants();
      return posted;
    }).immediate();
  }

  reverse(moveId: number, options: PostOptions & { note?: string }): Move {
    checkPostOptions(options);
    checkText(options.note, 'note', 500);
    if (!Number.isInteger(moveId) || moveId <= 0) throw new InventoryError('INVALID_INPUT', 'id', `id: ${JSON.stringify(moveId)} is not a move id; expected a whole number above 0`);
    return this.#db.transaction((): Move => {
      const prior = this.#posted(options.requestKey);
      if (prior.length > 0) return prior[0]!;
      const original = this.move(moveId);
      if (!original) throw new InventoryError('UNKNOWN_MOVE', 'id', `id: no move ${moveId}; GET /api/inventory/moves lists them`);
      if (original.reason === 'reversal') {
        throw new InventoryError('INVALID_INPUT', 'id', `id: move ${moveId} is the reversal of move ${original.reverses}; a reversal is not reversed: post a new move instead`);
      }
      // inv_move has no index on `reverses`; the reversal is a later move of the same SKU.
      const done = this.#db.prepare('SELECT id FROM inv_move WHERE sku = ? AND id > ? AND reverses = ?').pluck().get(original.sku, moveId, moveId) as number | undefined;
      if (done !== undefined) throw new InventoryError('ALREADY_REVERSED', 'id', `id: move ${moveId} was reversed by move ${done} already; post a new move to change stock again`);
      const item = this.#lookups.item(original.sku)!;
      const now = this.#clock.now();
      const mirror: ResolvedMove = {
        item, from: this.#lookups.location(original.to)!, to: this.#lookups.location(original.from)!, qty: original.qty, reason: 'reversal',
        lotId: original.lotId, batch: original.lot, serial: original.serial, docType: original.docType, docId: original.docId,
        // The reservation it fulfilled gets the quantity back (posting-batch.ts), unless it was released.
        reservationId: original.reservationId, reverses: original.id, effectiveAt: now, note: options.note ?? null,
        requestKey: options.requestKey === undefined ? null : `${options.requestKey}#0`, field: () => 'id',
      };
      const batch = new PostingBatch(this.#statements, now, options.actor);
      const posted = batch.apply(mirror);
      batch.checkInvariants();
      return posted;
    }).immediate();
  }

  move(id: number): Move | undefined {
    const row = this.#moveById.get(id) as MoveRow | undefined;
    return row && moveOf(row);
  }

  /** Newest first; `location` matches either side; page on with `beforeId`. */
  moves(query: MoveQuery): Move[] {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, ...values: unknown[]) => { where.push(clause); params.push(...values); };
    if (query.sku !== undefined) add('m.sku = ?', query.sku);
    if (query.location !== undefined) add('(m.from_location = ? OR m.to_location = ?)', query.location, query.location);
    if (query.lotId !== undefined) add('m.lot_id = ?', query.lotId);
    if (query.docType !== undefined) add('m.doc_type = ?', query.docType);
    if (query.docId !== undefined) add('m.doc_id = ?', query.docId);
    if (query.beforeId !== undefined) add('m.id < ?', query.beforeId);
    const limit = Math.min(Math.max(Math.trunc(query.limit ?? DEFAULT_MOVES_PAGE), 1), MAX_MOVES_PAGE);
    const sql = `${MOVE_SELECT} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY m.id DESC LIMIT ?`;
    return (this.#db.prepare(sql).all(...params, limit) as MoveRow[]).map(moveOf);
  }

  /** Ordered by SKU, location, lot; zero balances only with `includeZero`. */
  balances(filter: { sku?: string; location?: string; lotId?: number; includeZero?: boolean }): Balance[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.sku !== undefined) { where.push('b.sku = ?'); params.push(filter.sku); }
    if (filter.location !== undefined) { where.push('b.location = ?'); params.push(filter.location); }
    if (filter.lotId !== undefined) { where.push('b.lot_key = ?'); params.push(filter.lotId); }
    if (!filter.includeZero) where.push('b.qty <> 0');
    const sql = `${BALANCE_SELECT} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY b.sku, b.location, b.lot_key`;
    return (this.#db.prepare(sql).all(...params) as BalanceRow[]).map(balanceOf);
  }

  driftCheck(options: { repair?: boolean } = {}): DriftReport {
    return driftCheck(this.#db, () => this.#clock.now(), options);
  }

  counts(): { moves: number; balances: number } {
    const moves = this.#db.prepare('SELECT COUNT(*) FROM inv_move').pluck().get() as number;
    const balances = this.#db.prepare('SELECT COUNT(*) FROM inv_balance').pluck().get() as number;
    return { moves, balances };
  }

  /** The moves a previous post stored under this request key, oldest first. */
  #posted(requestKey: string | undefined): Move[] {
    if (requestKey === undefined) return [];
    return (this.#byRequestKey.all(`${requestKey}#`, `${requestKey}$`, requestKey.length + 2) as MoveRow[]).map(moveOf);
  }
}

function checkPostOptions(options: PostOptions): void {
  if (typeof options?.actor !== 'string' || options.actor.trim() === '' || options.actor.length > 200) {
    throw new InventoryError('INVALID_INPUT', 'actor', 'actor: expected the name of who posts (1 to 200 characters)');
  }
  if (options.requestKey !== undefined && (typeof options.requestKey !== 'string' || options.requestKey === '' || options.requestKey.length > REQUEST_KEY_MAX)) {
    throw new InventoryError('INVALID_INPUT', 'requestKey', `requestKey: expected 1 to ${REQUEST_KEY_MAX} characters, the same on every retry of one request`);
  }
}
