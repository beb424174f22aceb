/**
 * Purchase-order lines: what purchasing ordered (opened when a replenishment suggestion is
 * accepted), counted as "on order" by replenishment until it arrives, so the next run does not
 * suggest the same goods again.
 *
 * What arrived is read from the ledger, never typed in twice: receipts (reason 'receipt') with
 * docType 'purchase_order' and docId = the reference, of the line's SKU, into the line's location
 * or any location under it (a receiving dock or shelf inside the warehouse); the reversal of such
 * a receipt takes its quantity off again. A line is open while received < ordered and nobody
 * closed it; open qty = ordered - received. Closing needs a reason: a line with nothing received
 * is cancelled, one partly received is short-closed. Times are passed in (the caller's clock).
 *
 * Tables: store/migrations/019-purchase-orders.ts. Every write runs in the caller's transaction
 * when it has one (accepting a suggestion opens its line in the same transaction).
 */
import { LocationTree } from '../inventory/location-tree.ts';
import { formatQty, QTY_EPSILON, roundQty } from '../inventory/quantities.ts';
import { addDays, dayOf } from '../scans/utc-days.ts';
import type { SqliteDatabase } from '../store/database.ts';
import { PurchasingError } from './purchasing-errors.ts';

/** The ledger's document type a receipt against a purchase order carries (docId: the reference). */
export const PURCHASE_ORDER_DOC_TYPE = 'purchase_order';
export const REF_MAX = 128;
export const REASON_MAX = 500;
export const MAX_LINES_PAGE = 1000;

export type PurchaseOrderState = 'open' | 'received' | 'cancelled' | 'short_closed';
export type StateFilter = 'open' | 'closed' | 'all';

export interface PurchaseOrderLine {
  id: number;
  ref: string;
  supplier: string;
  sku: string;
  location: string;
  orderedQty: number;
  /** From the ledger's receipts naming the reference. */
  receivedQty: number;
  /** ordered - received while open; 0 once received or closed. */
  openQty: number;
  /** YYYY-MM-DD (UTC). */
  expectedDay: string;
  /** Open and expected before today. */
  overdue: boolean;
  state: PurchaseOrderState;
  orderedBy: string;
  orderedAt: number;
  suggestionId: number | null;
  closedReason: string | null;
  closedBy: string | null;
  closedAt: number | null;
}

export interface NewPurchaseOrderLine {
  ref: string;
  supplier: string;
  sku: string;
  location: string;
  orderedQty: number;
  /** The supplier's mean lead time; the line is expected that many days (rounded up) after `at`. */
  leadTimeDays: number;
  actor: string;
  at: number;
  suggestionId: number | null;
}

export interface LineFilter { state?: StateFilter; sku?: string; limit?: number }

interface Row {
  id: number; ref: string; supplier: string; sku: string; location: string; ordered_qty: number; expected_day: string; ordered_by: string;
  ordered_at: number; suggestion_id: number | null; closed_state: 'cancelled' | 'short_closed' | null; closed_reason: string | null;
  closed_by: string | null; closed_at: number | null;
}
interface ReceiptRow { qty: number; reason: string; from_location: string; to_location: string; reversed_reason: string | null }

const q = formatQty;

/** "PO-7781 due 2026-12-03", "PO-7781 36 of 72 overdue since 2026-11-20": one line of an on-order text. */
export function onOrderText(line: PurchaseOrderLine, several: boolean): string {
  const partly = line.receivedQty > 0;
  const qty = several || partly ? ` ${q(line.openQty)}${partly ? ` of ${q(line.orderedQty)}` : ''}` : '';
  return `${line.ref}${qty} ${line.overdue ? 'overdue since' : 'due'} ${line.expectedDay}`;
}

export class PurchaseOrders {
  readonly #db: SqliteDatabase;
  readonly #statements;

  /** `db` must have the cloud migrations applied (012, 018, 019). */
  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#statements = {
      byKey: db.prepare('SELECT * FROM po_line WHERE ref = ? AND sku = ? AND location = ?'),
      byRef: db.prepare('SELECT * FROM po_line WHERE ref = ? ORDER BY sku, location'),
      byId: db.prepare('SELECT * FROM po_line WHERE id = ?'),
      notClosed: db.prepare(`SELECT * FROM po_line WHERE closed_state IS NULL AND (@sku IS NULL OR sku = @sku) AND (@location IS NULL OR location = @location)
        ORDER BY expected_day, ref, sku, location`),
      all: db.prepare('SELECT * FROM po_line WHERE (@sku IS NULL OR sku = @sku) ORDER BY expected_day, ref, sku, location'),
      insert: db.prepare(`INSERT INTO po_line (ref, supplier, sku, location, ordered_qty, expected_day, ordered_by, ordered_at, suggestion_id)
        VALUES (@ref, @supplier, @sku, @location, @orderedQty, @expectedDay, @actor, @at, @suggestionId)`),
      close: db.prepare(`UPDATE po_line SET closed_state = @state, closed_reason = @reason, closed_by = @actor, closed_at = @at
        WHERE id = @id AND closed_state IS NULL`),
      receipts: db.prepare(`SELECT m.qty, m.reason, m.from_location, m.to_location, o.reason AS reversed_reason
        FROM inv_move m LEFT JOIN inv_move o ON o.id = m.reverses
        WHERE m.doc_type = '${PURCHASE_ORDER_DOC_TYPE}' AND m.doc_id = ? AND m.sku = ?`),
    };
  }

  /** Opens a line; CONFLICT naming `purchaseOrder` when the reference already has one for this SKU x location. */
  open(input: NewPurchaseOrderLine, today: string): PurchaseOrderLine {
    return this.#db.transaction(() => {
      const taken = this.#statements.byKey.get(input.ref, input.sku, input.location) as Row | undefined;
      if (taken) {
        throw new PurchasingError('CONFLICT', 'purchaseOrder',
          `purchaseOrder: ${input.ref} already has a line for ${input.sku} at ${input.location} (ordered ${dayOf(taken.ordered_at)} by ${taken.ordered_by}); receipts are matched by reference, so give this order a reference of its own`);
      }
      const expectedDay = addDays(dayOf(input.at), Math.ceil(input.leadTimeDays - 1e-9));
      const { lastInsertRowid } = this.#statements.insert.run({ ...input, orderedQty: roundQty(input.orderedQty), expectedDay });
      return this.#lineOf(this.#statements.byId.get(Number(lastInsertRowid)) as Row, LocationTree.read(this.#db), today);
    })();
  }

  /** Lines by expected day; `state` 'open' (default), 'closed' (received, cancelled, short-closed) or 'all'. */
  lines(filter: LineFilter, today: string): PurchaseOrderLine[] {
    const state = filter.state ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) throw invalid('state', state, 'open, closed or all');
    const limit = filter.limit ?? 200;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LINES_PAGE) throw invalid('limit', limit, `a whole number from 1 to ${MAX_LINES_PAGE}`);
    return this.#db.transaction(() => {
      const rows = (state === 'open' ? this.#statements.notClosed.all({ sku: filter.sku ?? null, location: null }) : this.#statements.all.all({ sku: filter.sku ?? null })) as Row[];
      const tree = LocationTree.read(this.#db);
      const lines = rows.map((row) => this.#lineOf(row, tree, today));
      return lines.filter((line) => state === 'all' || (state === 'open') === (line.state === 'open')).slice(0, limit);
    })();
  }

  /** The open lines of `sku` at `location` as replenishment's on-order figure, or undefined when there are none. */
  onOrder(sku: string, location: string, today: string): { qty: number; text: string } | undefined {
    const lines = this.#db.transaction(() => {
      const tree = LocationTree.read(this.#db);
      return (this.#statements.notClosed.all({ sku, location }) as Row[]).map((row) => this.#lineOf(row, tree, today)).filter((line) => line.state === 'open');
    })();
    if (lines.length === 0) return undefined;
    const qty = roundQty(lines.reduce((sum, line) => sum + line.openQty, 0));
    return { qty, text: lines.map((line) => onOrderText(line, lines.length > 1)).join(' + ') };
  }

  /**
   * Closes the open lines of `ref` (only `sku`'s when given) with a reason: cancelled when nothing
   * was received, short-closed otherwise. Refuses an unknown reference, an empty reason, and a
   * reference with nothing open (closed before, or fully received), naming the field.
   */
  close(ref: unknown, input: { reason?: unknown; sku?: unknown }, actor: string, at: number, today: string): PurchaseOrderLine[] {
    if (typeof ref !== 'string' || ref.trim() === '' || ref.length > REF_MAX) throw invalid('ref', ref, `a purchase order reference, 1 to ${REF_MAX} characters`);
    const { reason, sku } = input;
    if (typeof reason !== 'string' || reason.trim() === '' || reason.length > REASON_MAX) {
      throw invalid('reason', reason, `why the order is closed, 1 to ${REASON_MAX} characters, e.g. "supplier cannot deliver"`);
    }
    if (sku !== undefined && typeof sku !== 'string') throw invalid('sku', sku, 'the SKU of one line of the order, or nothing to close every open line');
    return this.#db.transaction(() => {
      const rows = this.#statements.byRef.all(ref) as Row[];
      if (rows.length === 0) {
        throw new PurchasingError('UNKNOWN_PURCHASE_ORDER', 'ref', `ref: no purchase order "${ref}"; GET /api/replenishment/purchase-orders?state=all lists them`);
      }
      const chosen = sku === undefined ? rows : rows.filter((row) => row.sku === sku);
      if (chosen.length === 0) {
        throw new PurchasingError('UNKNOWN_PURCHASE_ORDER', 'sku', `sku: ${ref} has no line for "${sku}"; its lines are ${rows.map((row) => `${row.sku} at ${row.location}`).join(', ')}`);
      }
      const tree = LocationTree.read(this.#db);
      const lines = chosen.map((row) => this.#lineOf(row, tree, today));
      const open = lines.filter((line) => line.state === 'open');
      if (open.length === 0) {
        throw new PurchasingError('CONFLICT', 'ref', `ref: ${ref} has nothing open to close: ${lines.map(describeClosed).join('; ')}`);
      }
      for (const line of open) {
        this.#statements.close.run({ id: line.id, state: line.receivedQty > 0 ? 'short_closed' : 'cancelled', reason: reason.trim(), actor, at });
      }
      return open.map((line) => this.#lineOf(this.#statements.byId.get(line.id) as Row, tree, today));
    }).immediate();
  }

  /** What arrived for a line: its receipts into the location or under it, less their reversals. */
  #received(row: Row, tree: LocationTree): number {
    const within = tree.subtree(row.location);
    let received = 0;
    for (const move of this.#statements.receipts.all(row.ref, row.sku) as ReceiptRow[]) {
      if (move.reason === 'receipt' && within.has(move.to_location)) received += move.qty;
      else if (move.reason === 'reversal' && move.reversed_reason === 'receipt' && within.has(move.from_location)) received -= move.qty;
    }
    return roundQty(Math.max(0, received));
  }

  #lineOf(row: Row, tree: LocationTree, today: string): PurchaseOrderLine {
    const receivedQty = this.#received(row, tree);
    const fullyReceived = receivedQty >= row.ordered_qty - QTY_EPSILON;
    const state: PurchaseOrderState = row.closed_state ?? (fullyReceived ? 'received' : 'open');
    const open = state === 'open';
    return {
      id: row.id, ref: row.ref, supplier: row.supplier, sku: row.sku, location: row.location, orderedQty: row.ordered_qty, receivedQty,
      openQty: open ? roundQty(row.ordered_qty - receivedQty) : 0, expectedDay: row.expected_day, overdue: open && row.expected_day < today, state,
      orderedBy: row.ordered_by, orderedAt: row.ordered_at, suggestionId: row.suggestion_id,
      closedReason: row.closed_reason, closedBy: row.closed_by, closedAt: row.closed_at,
    };
  }
}

function describeClosed(line: PurchaseOrderLine): string {
  const what = `${line.sku} at ${line.location}`;
  if (line.state === 'received') return `${what} was received in full (${q(line.receivedQty)} of ${q(line.orderedQty)})`;
  return `${what} was ${line.state === 'cancelled' ? 'cancelled' : 'short-closed'} by ${line.closedBy} at ${new Date(line.closedAt!).toISOString()} ("${line.closedReason}")`;
}

const invalid = (field: string, value: unknown, expected: string): PurchasingError =>
  new PurchasingError('INVALID_INPUT', field, `${field}: ${JSON.stringify(value) ?? String(value)} is not usable; expected ${expected}`);
