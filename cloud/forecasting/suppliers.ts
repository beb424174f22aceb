/**
 * Who replenishes what (issue 8 item 8): suppliers with their lead time (mean and standard
 * deviation in days), on-time-in-full rate, minimum order and pack size, and the sourcing of each
 * SKU at a stock location: its supplier, how often it is reviewed (the review period) and the
 * service level its safety stock aims at. Records are upserted by key with who changed them and
 * when; every field is checked before anything is written, and a refusal names the field.
 */
import { didYouMean } from '../inventory/closest-match.ts';
import { checkCode } from '../inventory/inventory-codes.ts';
import { InventoryError } from '../inventory/inventory-errors.ts';
import type { InventoryCatalog } from '../inventory/inventory-types.ts';
import { storageKinds } from '../inventory/inventory-types.ts';
import { MAX_QTY } from '../inventory/quantities.ts';
import type { SqliteDatabase } from '../store/database.ts';
import { invalidField, ReplenishmentError } from './replenishment-errors.ts';

export const MAX_DAYS = 365;
export const DEFAULT_SERVICE_LEVEL = 0.95;
export const MIN_SERVICE_LEVEL = 0.5;
export const MAX_SERVICE_LEVEL = 0.9999;

export interface SupplierInput {
  id: string;
  name: string;
  leadTimeMeanDays: number;
  leadTimeSdDays: number;
  /** Share of orders delivered on time and in full, 0..1. */
  onTimeInFullRate: number;
  /** Default 0: no minimum. */
  minOrderQty?: number;
  /** Default 1. */
  packSize?: number;
}
export interface Supplier extends Required<SupplierInput> { updatedAt: number; updatedBy: string }

export interface SourcingInput {
  sku: string;
  location: string;
  supplier: string;
  reviewPeriodDays: number;
  /** Default 0.95. */
  serviceLevel?: number;
}
export interface Sourcing extends Required<SourcingInput> { updatedAt: number; updatedBy: string }

interface SupplierRow {
  id: string; name: string; lead_time_mean_days: number; lead_time_sd_days: number; on_time_in_full_rate: number;
  min_order_qty: number; pack_size: number; updated_at: number; updated_by: string;
}
interface SourcingRow { sku: string; location: string; supplier: string; review_period_days: number; service_level: number; updated_at: number; updated_by: string }

const supplierOf = (r: SupplierRow): Supplier => ({
  id: r.id, name: r.name, leadTimeMeanDays: r.lead_time_mean_days, leadTimeSdDays: r.lead_time_sd_days, onTimeInFullRate: r.on_time_in_full_rate,
  minOrderQty: r.min_order_qty, packSize: r.pack_size, updatedAt: r.updated_at, updatedBy: r.updated_by,
});
const sourcingOf = (r: SourcingRow): Sourcing => ({
  sku: r.sku, location: r.location, supplier: r.supplier, reviewPeriodDays: r.review_period_days, serviceLevel: r.service_level,
  updatedAt: r.updated_at, updatedBy: r.updated_by,
});

/** A finite number in [min, max] with at most 3 decimals (`above`: strictly above min). */
function checkNumber(value: unknown, field: string, min: number, max: number, expected: string, above = false): asserts value is number {
  const ok = typeof value === 'number' && Number.isFinite(value) && (above ? value > min : value >= min) && value <= max
    && Math.abs(value * 1000 - Math.round(value * 1000)) < 1e-6;
  if (!ok) throw invalidField(field, value, expected);
}

export class Suppliers {
  readonly #now: () => number;
  readonly #catalog: Pick<InventoryCatalog, 'item' | 'items' | 'location' | 'locations'>;
  readonly #statements;

  /** `db` must have the cloud migrations applied (012, 018). */
  constructor(db: SqliteDatabase, catalog: Pick<InventoryCatalog, 'item' | 'items' | 'location' | 'locations'>, now: () => number) {
    this.#catalog = catalog;
    this.#now = now;
    this.#statements = {
      supplier: db.prepare('SELECT * FROM repl_supplier WHERE id = ?'),
      suppliers: db.prepare('SELECT * FROM repl_supplier ORDER BY id'),
      putSupplier: db.prepare(`INSERT INTO repl_supplier (id, name, lead_time_mean_days, lead_time_sd_days, on_time_in_full_rate, min_order_qty, pack_size, updated_at, updated_by)
        VALUES (@id, @name, @leadTimeMeanDays, @leadTimeSdDays, @onTimeInFullRate, @minOrderQty, @packSize, @updatedAt, @updatedBy)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, lead_time_mean_days = excluded.lead_time_mean_days, lead_time_sd_days = excluded.lead_time_sd_days,
          on_time_in_full_rate = excluded.on_time_in_full_rate, min_order_qty = excluded.min_order_qty, pack_size = excluded.pack_size,
          updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
      sourcingOne: db.prepare('SELECT * FROM repl_sourcing WHERE sku = ? AND location = ?'),
      sourcingAll: db.prepare(`SELECT * FROM repl_sourcing WHERE (@sku IS NULL OR sku = @sku) AND (@location IS NULL OR location = @location)
        AND (@supplier IS NULL OR supplier = @supplier) ORDER BY sku, location`),
      putSourcing: db.prepare(`INSERT INTO repl_sourcing (sku, location, supplier, review_period_days, service_level, updated_at, updated_by)
        VALUES (@sku, @location, @supplier, @reviewPeriodDays, @serviceLevel, @updatedAt, @updatedBy)
        ON CONFLICT (sku, location) DO UPDATE SET supplier = excluded.supplier, review_period_days = excluded.review_period_days,
          service_level = excluded.service_level, updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
      removeSourcing: db.prepare('DELETE FROM repl_sourcing WHERE sku = ? AND location = ?'),
    };
  }

  supplier(id: string): Supplier | undefined {
    const row = this.#statements.supplier.get(id) as SupplierRow | undefined;
    return row && supplierOf(row);
  }

  suppliers(): Supplier[] {
    return (this.#statements.suppliers.all() as SupplierRow[]).map(supplierOf);
  }

  /** The supplier or UNKNOWN_SUPPLIER naming `field`. */
  requireSupplier(id: string, field: string): Supplier {
    const found = this.supplier(id);
    if (found) return found;
    throw new ReplenishmentError('UNKNOWN_SUPPLIER', field,
      `${field}: no supplier "${id}"${didYouMean(id, this.suppliers().map((s) => s.id))}; GET /api/replenishment/suppliers lists them, PUT /api/replenishment/suppliers/${id} adds it`);
  }

  putSupplier(input: SupplierInput, actor: string): Supplier {
    checkCode(input.id, 'id', 'a supplier id');
    if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > 200) throw invalidField('name', input.name, 'the supplier\'s name, 1 to 200 characters');
    checkNumber(input.leadTimeMeanDays, 'leadTimeMeanDays', 0, MAX_DAYS, `the mean lead time in days, from 0 to ${MAX_DAYS}, e.g. 7 or 4.5`);
    checkNumber(input.leadTimeSdDays, 'leadTimeSdDays', 0, MAX_DAYS, `the lead time's standard deviation in days, from 0 to ${MAX_DAYS}, e.g. 1.5`);
    checkNumber(input.onTimeInFullRate, 'onTimeInFullRate', 0, 1, 'the share of orders delivered on time and in full, from 0 to 1, e.g. 0.92');
    const minOrderQty = input.minOrderQty ?? 0;
    const packSize = input.packSize ?? 1;
    checkNumber(minOrderQty, 'minOrderQty', 0, MAX_QTY, 'the smallest order the supplier takes, 0 or more with at most 3 decimals');
    checkNumber(packSize, 'packSize', 0, MAX_QTY, 'the pack the supplier ships in, above 0 with at most 3 decimals, e.g. 12', true);
    const supplier: Supplier = { ...input, name: input.name.trim(), minOrderQty, packSize, updatedAt: this.#now(), updatedBy: actor };
    this.#statements.putSupplier.run(supplier);
    return this.supplier(supplier.id)!;
  }

  sourcing(sku: string, location: string): Sourcing | undefined {
    const row = this.#statements.sourcingOne.get(sku, location) as SourcingRow | undefined;
    return row && sourcingOf(row);
  }

  sourcings(filter: { sku?: string; location?: string; supplier?: string } = {}): Sourcing[] {
    return (this.#statements.sourcingAll.all({ sku: filter.sku ?? null, location: filter.location ?? null, supplier: filter.supplier ?? null }) as SourcingRow[]).map(sourcingOf);
  }

  putSourcing(input: SourcingInput, actor: string): Sourcing {
    this.checkSku(input.sku, 'sku');
    this.checkLocation(input.location, 'location');
    if (typeof input.supplier !== 'string') throw invalidField('supplier', input.supplier, 'a supplier id (GET /api/replenishment/suppliers)');
    this.requireSupplier(input.supplier, 'supplier');
    const { reviewPeriodDays } = input;
    if (!Number.isInteger(reviewPeriodDays) || reviewPeriodDays < 1 || reviewPeriodDays > MAX_DAYS) {
      throw invalidField('reviewPeriodDays', reviewPeriodDays, `the days between two orders, a whole number from 1 to ${MAX_DAYS}, e.g. 7 for weekly`);
    }
    const serviceLevel = input.serviceLevel ?? DEFAULT_SERVICE_LEVEL;
    if (typeof serviceLevel !== 'number' || !(serviceLevel >= MIN_SERVICE_LEVEL && serviceLevel <= MAX_SERVICE_LEVEL)) {
      throw invalidField('serviceLevel', serviceLevel, `the chance of no stock-out in a cycle, from ${MIN_SERVICE_LEVEL} to ${MAX_SERVICE_LEVEL}, e.g. 0.95`);
    }
    this.#statements.putSourcing.run({ ...input, serviceLevel, updatedAt: this.#now(), updatedBy: actor });
    return this.sourcing(input.sku, input.location)!;
  }

  removeSourcing(sku: string, location: string): Sourcing {
    const found = this.sourcing(sku, location);
    if (!found) {
      throw new ReplenishmentError('UNKNOWN_SOURCING', 'sku', `no supplier is set for ${sku} at ${location}; GET /api/replenishment/sourcing lists what is`);
    }
    this.#statements.removeSourcing.run(sku, location);
    return found;
  }

  /** UNKNOWN_SKU (the inventory core's code) naming `field` unless the item exists. */
  checkSku(sku: unknown, field: string): asserts sku is string {
    if (typeof sku === 'string' && this.#catalog.item(sku)) return;
    throw new InventoryError('UNKNOWN_SKU', field,
      `${field}: no item "${String(sku)}"${didYouMean(String(sku), this.#catalog.items().map((i) => i.sku))}; GET /api/inventory/items lists them`);
  }

  /** UNKNOWN_LOCATION naming `field` unless a storage location (warehouse, zone, shelf) has that code. */
  checkLocation(code: unknown, field: string): asserts code is string {
    const location = typeof code === 'string' ? this.#catalog.location(code) : undefined;
    if (location && storageKinds.includes(location.kind)) return;
    if (location) {
      throw new InventoryError('INVALID_INPUT', field, `${field}: ${location.code} is a ${location.kind} location; replenish a storage location (warehouse, zone or shelf), e.g. the warehouse the SKU ships from`);
    }
    const storage = this.#catalog.locations().filter((l) => storageKinds.includes(l.kind)).map((l) => l.code);
    throw new InventoryError('UNKNOWN_LOCATION', field, `${field}: no location "${String(code)}"${didYouMean(String(code), storage)}; GET /api/inventory/locations lists them`);
  }
}
