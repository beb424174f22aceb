/**
 * Daily sales per SKU x warehouse, read from the inventory ledger (issue 8, item 1): what the
 * forecasts learn from. The ledger records stock moves, not sales, so a sale is derived: a
 * 'shipment' or 'pick' from storage into a customer location is sold on its effective UTC day, a
 * 'return' from a customer back into storage takes it back, and a reversal of either undoes it on
 * the original's day (the mistaken move never happened as far as demand is concerned). A series'
 * location is the warehouse, the root of the storage tree the goods left from, so moving stock
 * between shelves is not a sale and a customer served from two shelves is one series.
 *
 * A day is censored when the warehouse held none of the SKU (all lots, every storage location
 * under it) at the end of it: the shelves were empty, so demand may have been higher than what
 * shipped. Closing stock is rebuilt from the moves in effective-time order, one query and one
 * pass per SKU, so back-dated moves count on the day they happened.
 *
 * A day's net is floored at 0: a return of goods sold earlier is not negative demand.
 */
import type { Clock } from '../../connectors/clock.ts';
import { closestMatch } from '../inventory/closest-match.ts';
import { storageKinds, type LocationKind, type MoveReason } from '../inventory/inventory-types.ts';
import { QTY_EPSILON, roundQty } from '../inventory/quantities.ts';
import type { SqliteDatabase } from '../store/database.ts';
import { DAY_MS, dayOfMs, dayStartMs } from './calendar-features.ts';
import { ForecastingError } from './forecasting-errors.ts';
import type { SalesDay, SalesHistory, SalesSeries } from './forecasting-types.ts';

export interface SalesHistoryFilter { sku?: string; location?: string; from?: string; to?: string }

interface LocationRow { code: string; kind: LocationKind; parent: string | null }
interface SkuMoveRow {
  at: number; qty: number; fromLocation: string; toLocation: string; reason: MoveReason;
  reversedReason: MoveReason | null; reversedAt: number | null;
}

const saleReasons: ReadonlySet<MoveReason> = new Set(['shipment', 'pick']);
const storage: ReadonlySet<LocationKind> = new Set(storageKinds);

/** Where each location sits: its kind, and for storage locations the warehouse (tree root) above it. */
class LocationTree {
  readonly #kinds = new Map<string, LocationKind>();
  readonly #roots = new Map<string, string>();

  constructor(rows: readonly LocationRow[]) {
    const parents = new Map(rows.map((r) => [r.code, r.parent]));
    for (const row of rows) {
      this.#kinds.set(row.code, row.kind);
      if (!storage.has(row.kind)) continue;
      let root = row.code;
      // A cycle cannot be stored through the catalogue; the bound only keeps a corrupt file from hanging us.
      for (let hops = 0; hops < rows.length; hops++) {
        const parent = parents.get(root);
        if (parent === null || parent === undefined) break;
        root = parent;
      }
      this.#roots.set(row.code, root);
    }
  }

  kind(code: string): LocationKind | undefined { return this.#kinds.get(code); }
  /** The warehouse of a storage location; undefined for virtual ones (customer, supplier, ...). */
  warehouseOf(code: string): string | undefined { return this.#roots.get(code); }
  codes(): Iterable<string> { return this.#kinds.keys(); }
  isWarehouse(code: string): boolean { return this.#roots.get(code) === code; }
}

/** One series being rebuilt: sales and stock deltas per day index (epoch day). */
class SeriesAccumulator {
  readonly sales = new Map<number, number>();
  /** Stock changes of the warehouse in effective-time order (the SKU's moves come sorted). */
  readonly stockAt: number[] = [];
  readonly stockDelta: number[] = [];
  firstSaleDay = Number.POSITIVE_INFINITY;

  addSale(dayIndex: number, qty: number, gross: boolean): void {
    this.sales.set(dayIndex, (this.sales.get(dayIndex) ?? 0) + qty);
    if (gross && dayIndex < this.firstSaleDay) this.firstSaleDay = dayIndex;
  }

  addStock(at: number, delta: number): void {
    this.stockAt.push(at);
    this.stockDelta.push(delta);
  }

  /** Consecutive days `fromDay..toDay` (epoch day indexes, both included); closing stock in one sweep. */
  days(fromDay: number, toDay: number): SalesDay[] {
    const out: SalesDay[] = [];
    let stock = 0;
    let next = 0;
    for (let d = fromDay; d <= toDay; d++) {
      const dayEnd = (d + 1) * DAY_MS;
      while (next < this.stockAt.length && this.stockAt[next]! < dayEnd) stock += this.stockDelta[next++]!;
      out.push({ day: dayOfMs(d * DAY_MS), qty: Math.max(0, roundQty(this.sales.get(d) ?? 0)), censored: roundQty(stock) <= QTY_EPSILON });
    }
    return out;
  }
}

const KEYS_SQL = `
  SELECT DISTINCT m.sku, m.from_location AS location FROM inv_move m
  WHERE m.to_location IN (SELECT code FROM inv_location WHERE kind = 'customer') AND m.reason IN ('shipment', 'pick')`;

const SKU_MOVES_SQL = `
  SELECT m.effective_at AS at, m.qty, m.from_location AS fromLocation, m.to_location AS toLocation, m.reason,
    o.reason AS reversedReason, o.effective_at AS reversedAt
  FROM inv_move m LEFT JOIN inv_move o ON o.id = m.reverses
  WHERE m.sku = ? ORDER BY m.effective_at, m.id`;

export class LedgerSalesHistory implements SalesHistory {
  readonly #db: SqliteDatabase;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #keys;
  readonly #skuMoves;
  readonly #locations;
  readonly #skuExists;

  /** `db`: the cloud's SQLite file with the inventory migration (012) applied. */
  constructor(db: SqliteDatabase, clock: Pick<Clock, 'now'>) {
    this.#db = db;
    this.#clock = clock;
    this.#keys = db.prepare(KEYS_SQL);
    this.#skuMoves = db.prepare(SKU_MOVES_SQL);
    this.#locations = db.prepare('SELECT code, kind, parent FROM inv_location');
    this.#skuExists = db.prepare('SELECT 1 FROM inv_item WHERE sku = ?').pluck();
  }

  keys(): Array<{ sku: string; location: string }> {
    return this.#keysWith(this.#tree());
  }

  /** Every series matching the filter, ordered by SKU then warehouse; `to` defaults to yesterday (UTC). */
  series(filter: SalesHistoryFilter = {}): SalesSeries[] {
    const tree = this.#tree();
    const { fromDay, toDay } = this.#checkFilter(filter, tree);
    const keys = this.#keysWith(tree).filter((k) => (filter.sku === undefined || k.sku === filter.sku) && (filter.location === undefined || k.location === filter.location));
    const warehousesBySku = new Map<string, string[]>();
    for (const key of keys) {
      const list = warehousesBySku.get(key.sku) ?? [];
      list.push(key.location);
      warehousesBySku.set(key.sku, list);
    }
    // One read of the SKU's moves serves all its warehouses; the transaction keeps the reads of several SKUs consistent.
    return this.#db.transaction(() => {
      const out: SalesSeries[] = [];
      for (const [sku, warehouses] of warehousesBySku) {
        const accumulators = this.#accumulate(sku, warehouses, tree);
        for (const location of warehouses) {
          const acc = accumulators.get(location)!;
          const start = fromDay ?? acc.firstSaleDay;
          out.push({ sku, location, days: Number.isFinite(start) && start <= toDay ? acc.days(start, toDay) : [] });
        }
      }
      return out;
    })();
  }

  #tree(): LocationTree {
    return new LocationTree(this.#locations.all() as LocationRow[]);
  }

  #keysWith(tree: LocationTree): Array<{ sku: string; location: string }> {
    const seen = new Set<string>();
    const keys: Array<{ sku: string; location: string }> = [];
    for (const row of this.#keys.all() as Array<{ sku: string; location: string }>) {
      const warehouse = tree.warehouseOf(row.location);
      if (warehouse === undefined) continue;
      const id = `${row.sku}\u0000${warehouse}`;
      if (seen.has(id)) continue;
      seen.add(id);
      keys.push({ sku: row.sku, location: warehouse });
    }
    return keys.sort((a, b) => (a.sku === b.sku ? compare(a.location, b.location) : compare(a.sku, b.sku)));
  }

  #accumulate(sku: string, warehouses: readonly string[], tree: LocationTree): Map<string, SeriesAccumulator> {
    const accumulators = new Map(warehouses.map((w) => [w, new SeriesAccumulator()]));
    for (const m of this.#skuMoves.iterate(sku) as Iterable<SkuMoveRow>) {
      const fromWarehouse = tree.warehouseOf(m.fromLocation);
      const toWarehouse = tree.warehouseOf(m.toLocation);
      if (fromWarehouse !== toWarehouse) {
        if (fromWarehouse !== undefined) accumulators.get(fromWarehouse)?.addStock(m.at, -m.qty);
        if (toWarehouse !== undefined) accumulators.get(toWarehouse)?.addStock(m.at, m.qty);
      }
      // A reversal is its original mirrored: judge it as the original, with the sign flipped, on the original's day.
      const reversal = m.reason === 'reversal';
      const reason = reversal ? m.reversedReason : m.reason;
      if (reason === null) continue;
      const [origin, destination] = reversal ? [m.toLocation, m.fromLocation] : [m.fromLocation, m.toLocation];
      const sign = reversal ? -1 : 1;
      const dayIndex = Math.floor((reversal ? m.reversedAt! : m.at) / DAY_MS);
      if (saleReasons.has(reason) && tree.kind(destination) === 'customer') {
        const warehouse = tree.warehouseOf(origin);
        if (warehouse !== undefined) accumulators.get(warehouse)?.addSale(dayIndex, sign * m.qty, !reversal);
      } else if (reason === 'return' && tree.kind(origin) === 'customer') {
        const warehouse = tree.warehouseOf(destination);
        if (warehouse !== undefined) accumulators.get(warehouse)?.addSale(dayIndex, -sign * m.qty, false);
      }
    }
    return accumulators;
  }

  #checkFilter(filter: SalesHistoryFilter, tree: LocationTree): { fromDay: number | undefined; toDay: number } {
    if (typeof filter !== 'object' || filter === null) throw new ForecastingError('INVALID_INPUT', 'filter: expected { sku?, location?, from?, to? }', 'filter');
    if (filter.sku !== undefined) {
      if (typeof filter.sku !== 'string' || this.#skuExists.get(filter.sku) === undefined) {
        const skus = this.#db.prepare('SELECT sku FROM inv_item').pluck().all() as string[];
        const hint = typeof filter.sku === 'string' ? closestMatch(filter.sku, skus) : undefined;
        throw new ForecastingError('NOT_FOUND', `sku: no item ${JSON.stringify(filter.sku)}${hint ? `; did you mean ${hint}?` : ''}; GET /api/inventory/items lists them`, 'sku');
      }
    }
    if (filter.location !== undefined) {
      const code = filter.location;
      const kind = typeof code === 'string' ? tree.kind(code) : undefined;
      if (kind === undefined) {
        const hint = typeof code === 'string' ? closestMatch(code, tree.codes()) : undefined;
        throw new ForecastingError('NOT_FOUND', `location: no location ${JSON.stringify(code)}${hint ? `; did you mean ${hint}?` : ''}; GET /api/inventory/locations lists them`, 'location');
      }
      if (!tree.isWarehouse(code)) {
        const warehouse = tree.warehouseOf(code);
        throw new ForecastingError('INVALID_INPUT', warehouse === undefined
          ? `location: ${code} is a ${kind} location; sales are kept per warehouse (the root of the storage tree goods ship from): name a warehouse`
          : `location: ${code} is a ${kind} inside ${warehouse}; sales are kept per warehouse: use ${warehouse}`, 'location');
      }
    }
    const dayIndex = (field: 'from' | 'to', value: unknown): number | undefined => {
      if (value === undefined) return undefined;
      try {
        return Math.floor(dayStartMs(value as string, field) / DAY_MS);
      } catch {
        throw new ForecastingError('INVALID_INPUT', `${field}: expected a UTC day as YYYY-MM-DD, found ${JSON.stringify(value)}`, field);
      }
    };
    const fromDay = dayIndex('from', filter.from);
    const toDay = dayIndex('to', filter.to) ?? Math.floor(this.#clock.now() / DAY_MS) - 1;
    if (fromDay !== undefined && fromDay > toDay) {
      throw new ForecastingError('INVALID_INPUT', `from: ${filter.from} is after to (${dayOfMs(toDay * DAY_MS)}); give a from on or before to`, 'from');
    }
    return { fromDay, toDay };
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
