/**
 * The inventory states on SQLite: everything here is derived on read from the balances and the
 * open reservations (nothing is stored twice, so nothing can fall out of step with the ledger).
 * Each call reads in one transaction, so its figures come from one snapshot even while other
 * connections post. The arithmetic is stock-figures.ts, FEFO fefo.ts, warnings expiry-warnings.ts.
 */
import type { Clock } from '../../connectors/clock.ts';
import type { SqliteDatabase } from '../store/database.ts';
import { didYouMean } from './closest-match.ts';
import { expiryWarningsOf } from './expiry-warnings.ts';
import { allocateFefo, freeStockFefo } from './fefo.ts';
import { InventoryError } from './inventory-errors.ts';
import type { ExpiryWarning, FefoPick, StockState, StockStates, StockSummary } from './inventory-types.ts';
import { LocationTree } from './location-tree.ts';
import { isValidQty } from './quantities.ts';
import { summaryOf, stockStatesOf, type Channel } from './stock-figures.ts';
import { StockRowsReader, type StockRow } from './stock-rows.ts';

export const MAX_WITHIN_DAYS = 100_000;

interface ChannelRow { id: string; name: string; quota_pct: number }

export class SqliteStockStates implements StockStates {
  readonly #db: SqliteDatabase;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #rows: StockRowsReader;
  readonly #itemExists;
  readonly #skus;
  readonly #presale;
  readonly #channels;

  /** `db` must have the cloud migrations applied (012). */
  constructor(db: SqliteDatabase, clock: Pick<Clock, 'now'>) {
    this.#db = db;
    this.#clock = clock;
    this.#rows = new StockRowsReader(db);
    this.#itemExists = db.prepare('SELECT 1 FROM inv_item WHERE sku = ?').pluck();
    this.#skus = db.prepare('SELECT sku FROM inv_item ORDER BY sku').pluck();
    this.#presale = db.prepare(`SELECT channel, ROUND(SUM(qty), 3) AS qty FROM inv_reservation
      WHERE sku = ? AND kind = 'presale' AND status = 'active' GROUP BY channel ORDER BY channel`);
    this.#channels = db.prepare('SELECT id, name, quota_pct FROM inv_channel ORDER BY id');
  }

  /** Storage locations (transit and inspection too with `includeVirtual`), by SKU then location; `location` includes those under it. */
  byLocation(filter: { sku?: string; location?: string; includeVirtual?: boolean }): StockState[] {
    return this.#read(() => {
      if (filter.sku !== undefined) this.checkSku(filter.sku, 'sku');
      const tree = LocationTree.read(this.#db);
      const within = filter.location === undefined ? null : subtreeOf(tree, filter.location, 'location');
      const rows = this.#rows.read(tree, this.#clock.now(), filter.sku).filter((row) => within === null || within.has(row.location));
      return stockStatesOf(rows, tree, filter.includeVirtual ?? false);
    });
  }

  summary(sku: string): StockSummary {
    return this.#read(() => {
      this.checkSku(sku, 'sku');
      const tree = LocationTree.read(this.#db);
      return this.#summaryOf(sku, this.#rows.read(tree, this.#clock.now(), sku), tree, this.#channelList());
    });
  }

  /** Every item of the catalogue, by SKU (zeros for one without stock). */
  summaries(): StockSummary[] {
    return this.#read(() => {
      const tree = LocationTree.read(this.#db);
      const bySku = new Map<string, StockRow[]>();
      for (const row of this.#rows.read(tree, this.#clock.now())) bySku.set(row.sku, [...(bySku.get(row.sku) ?? []), row]);
      const channels = this.#channelList();
      return (this.#skus.all() as string[]).map((sku) => this.#summaryOf(sku, bySku.get(sku) ?? [], tree, channels));
    });
  }

  fefo(sku: string, qty: number, options: { location?: string } = {}): { picks: FefoPick[]; shortBy: number } {
    if (!isValidQty(qty)) throw new InventoryError('INVALID_QUANTITY', 'qty', `qty: ${JSON.stringify(qty)} is not a quantity; expected a number above 0 with at most 3 decimals`);
    return this.#read(() => {
      this.checkSku(sku, 'sku');
      const tree = LocationTree.read(this.#db);
      const within = options.location === undefined ? null : subtreeOf(tree, options.location, 'location');
      const rows = this.#rows.read(tree, this.#clock.now(), sku).filter((row) => within === null || within.has(row.location));
      return allocateFefo(freeStockFefo(rows, tree), qty);
    });
  }

  expiryWarnings(options: { withinDays?: number } = {}): ExpiryWarning[] {
    const { withinDays } = options;
    if (withinDays !== undefined && (!Number.isInteger(withinDays) || withinDays < 0 || withinDays > MAX_WITHIN_DAYS)) {
      throw new InventoryError('INVALID_INPUT', 'withinDays', `withinDays: ${JSON.stringify(withinDays)} is not a number of days; expected a whole number from 0 to ${MAX_WITHIN_DAYS}`);
    }
    return this.#read(() => {
      const tree = LocationTree.read(this.#db);
      return expiryWarningsOf(this.#rows.read(tree, this.#clock.now()), tree, { withinDays });
    });
  }

  /** Throws UNKNOWN_SKU naming `field` unless the item exists. */
  checkSku(sku: unknown, field: string): asserts sku is string {
    if (typeof sku === 'string' && this.#itemExists.get(sku) !== undefined) return;
    throw new InventoryError('UNKNOWN_SKU', field, `${field}: no item "${String(sku)}"${didYouMean(String(sku), this.#skus.all() as string[])}; GET /api/inventory/items lists them`);
  }

  #summaryOf(sku: string, rows: StockRow[], tree: LocationTree, channels: Channel[]): StockSummary {
    const presale: Record<string, number> = {};
    for (const row of this.#presale.all(sku) as Array<{ channel: string | null; qty: number }>) presale[row.channel ?? ''] = row.qty;
    return summaryOf(sku, stockStatesOf(rows, tree, true), presale, channels, rows);
  }

  #channelList(): Channel[] {
    return (this.#channels.all() as ChannelRow[]).map((r) => ({ id: r.id, name: r.name, quotaPct: r.quota_pct }));
  }

  /** One snapshot (a deferred read transaction; a savepoint inside a caller's transaction). */
  #read<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }
}

/** The location and those under it; UNKNOWN_LOCATION naming `field` when there is no such code. */
export function subtreeOf(tree: LocationTree, code: string, field: string): Set<string> {
  if (tree.get(code) === undefined) {
    throw new InventoryError('UNKNOWN_LOCATION', field, `${field}: no location "${code}"${didYouMean(code, tree.codes())}; GET /api/inventory/locations lists them`);
  }
  return tree.subtree(code);
}
