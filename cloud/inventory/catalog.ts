/**
 * The inventory catalogue on SQLite (migration 012): categories, items, locations (a tree plus
 * virtual locations), lots and sales channels. Upserts by key; a change that would make the
 * ledger's figures wrong (a location with stock changing kind, an item with moves changing its
 * lot or serial tracking) is refused, so every move already posted stays valid.
 */
import type { Clock } from '../../connectors/clock.ts';
import type { SqliteDatabase } from '../store/database.ts';
import { didYouMean } from './closest-match.ts';
import { checkBatch, checkCode, checkText } from './inventory-codes.ts';
import { InventoryError } from './inventory-errors.ts';
import {
  storageKinds, virtualKinds,
  type Category, type CategoryInput, type Compliance, type InventoryCatalog, type Item, type ItemInput, type Location, type LocationInput,
  type LocationKind, type Lot, type LotInput, type StoredLotStatus,
} from './inventory-types.ts';
import { daysLeftOf, isDay, lotStatusOf } from './lot-dates.ts';

interface CategoryRow { id: string; name: string; near_expiry_days: number; compliance: Compliance; lock_days: number | null }
interface ItemRow {
  sku: string; gtin: string | null; name: string; category: string; unit: string; shelf_life_days: number | null;
  temperature_min_c: number | null; temperature_max_c: number | null; humidity_min_pct: number | null; humidity_max_pct: number | null;
  lot_tracked: number; serialized: number;
}
interface LocationRow {
  code: string; name: string | null; kind: LocationKind; parent: string | null; allow_negative: number; frozen: number;
  temperature_min_c: number | null; temperature_max_c: number | null;
}
export interface LotRow {
  id: number; sku: string; batch: string; expiry: string | null; produced: string | null; status: StoredLotStatus;
  status_reason: string | null; supplier: string | null;
}
interface ChannelRow { id: string; name: string; quota_pct: number }

const compliances: readonly Compliance[] = ['none', 'drug_gsp', 'cold_chain_food'];
const lotStatuses: readonly StoredLotStatus[] = ['released', 'quarantined', 'recalled'];
const allKinds: readonly LocationKind[] = [...storageKinds, ...virtualKinds];
const GTIN_RE = /^\d{8}$|^\d{12,14}$/;

const rangeOf = (min: number | null, max: number | null) => (min === null || max === null ? null : { min, max });
const categoryOf = (r: CategoryRow): Category => ({ id: r.id, name: r.name, nearExpiryDays: r.near_expiry_days, compliance: r.compliance, lockDays: r.lock_days });
const itemOf = (r: ItemRow): Item => ({
  sku: r.sku, gtin: r.gtin, name: r.name, category: r.category, unit: r.unit, shelfLifeDays: r.shelf_life_days,
  temperatureC: rangeOf(r.temperature_min_c, r.temperature_max_c), humidityPct: rangeOf(r.humidity_min_pct, r.humidity_max_pct),
  lotTracked: r.lot_tracked === 1, serialized: r.serialized === 1,
});
const channelOf = (r: ChannelRow) => ({ id: r.id, name: r.name, quotaPct: r.quota_pct });

/** A Lot as the API shows it on the day of `now`. */
export const lotOf = (r: LotRow, now: number): Lot => ({
  id: r.id, sku: r.sku, batch: r.batch, expiry: r.expiry, produced: r.produced, supplier: r.supplier,
  status: lotStatusOf(r.status, r.expiry, now), storedStatus: r.status, statusReason: r.status_reason, daysLeft: daysLeftOf(r.expiry, now),
});

function checkName(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
    throw new InventoryError('INVALID_INPUT', field, `${field}: expected a name of 1 to 200 characters`);
  }
}

function checkWholeNumber(value: unknown, field: string, nullable: boolean): void {
  if (value === undefined || (nullable && value === null)) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100_000) {
    throw new InventoryError('INVALID_INPUT', field, `${field}: ${JSON.stringify(value)} is not a whole number of days from 0 to 100000${nullable ? ', or null' : ''}`);
  }
}

function checkRange(value: { min: number; max: number } | null | undefined, field: string): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'object' || !Number.isFinite(value.min) || !Number.isFinite(value.max) || value.min > value.max) {
    throw new InventoryError('INVALID_INPUT', field, `${field}: expected { min, max } with min <= max, or null`);
  }
}

function checkDay(value: unknown, field: string): void {
  if (value === undefined || value === null) return;
  if (!isDay(value)) throw new InventoryError('INVALID_INPUT', field, `${field}: ${JSON.stringify(value)} is not a date; expected YYYY-MM-DD, e.g. 2026-09-30`);
}

export class SqliteInventoryCatalog implements InventoryCatalog {
  readonly #db: SqliteDatabase;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #lotStatusListeners = new Set<(lot: Lot, actor: string) => void>();

  /** `db` must have the cloud migrations applied (012). */
  constructor(db: SqliteDatabase, clock: Pick<Clock, 'now'>) {
    this.#db = db;
    this.#clock = clock;
  }

  putCategory(input: CategoryInput): Category {
    checkCode(input.id, 'id', 'a category id');
    checkName(input.name, 'name');
    checkWholeNumber(input.nearExpiryDays, 'nearExpiryDays', false);
    checkWholeNumber(input.lockDays, 'lockDays', true);
    if (input.compliance !== undefined && !compliances.includes(input.compliance)) {
      throw new InventoryError('INVALID_INPUT', 'compliance', `compliance: ${JSON.stringify(input.compliance)} is not known; expected one of ${compliances.join(', ')}`);
    }
    const existing = this.category(input.id);
    this.#db.prepare(`INSERT INTO inv_category (id, name, near_expiry_days, compliance, lock_days, created_at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, near_expiry_days = excluded.near_expiry_days, compliance = excluded.compliance, lock_days = excluded.lock_days`)
      .run(input.id, input.name, input.nearExpiryDays ?? existing?.nearExpiryDays ?? 60, input.compliance ?? existing?.compliance ?? 'none',
        input.lockDays === undefined ? (existing?.lockDays ?? null) : input.lockDays, this.#clock.now());
    return this.category(input.id)!;
  }

  putItem(input: ItemInput): Item {
    checkCode(input.sku, 'sku', 'a SKU');
    checkName(input.name, 'name');
    if (input.gtin !== undefined && input.gtin !== null && (typeof input.gtin !== 'string' || !GTIN_RE.test(input.gtin))) {
      throw new InventoryError('INVALID_INPUT', 'gtin', `gtin: ${JSON.stringify(input.gtin)} is not a GTIN; expected 8, 12, 13 or 14 digits, or null`);
    }
    if (!this.category(input.category)) {
      throw new InventoryError('UNKNOWN_CATEGORY', 'category', `category: no category "${input.category}"${didYouMean(String(input.category), this.categories().map((c) => c.id))}; PUT /api/inventory/categories/:id creates one`);
    }
    checkCode(input.unit ?? 'ea', 'unit', 'a unit');
    checkWholeNumber(input.shelfLifeDays, 'shelfLifeDays', true);
    checkRange(input.temperatureC, 'temperatureC');
    checkRange(input.humidityPct, 'humidityPct');
    const existing = this.item(input.sku);
    const lotTracked = input.lotTracked ?? existing?.lotTracked ?? true;
    const serialized = input.serialized ?? existing?.serialized ?? false;
    if (existing && (existing.lotTracked !== lotTracked || existing.serialized !== serialized)) {
      const moved = this.#db.prepare('SELECT 1 FROM inv_move WHERE sku = ? LIMIT 1').get(input.sku);
      if (moved) {
        const field = existing.lotTracked !== lotTracked ? 'lotTracked' : 'serialized';
        throw new InventoryError('CONFLICT', field, `${field}: ${input.sku} has moves in the ledger, so its lot and serial tracking cannot change; create a new SKU instead`);
      }
    }
    if (input.gtin) {
      const holder = this.itemByGtin(input.gtin);
      if (holder && holder.sku !== input.sku) throw new InventoryError('CONFLICT', 'gtin', `gtin: ${input.gtin} belongs to ${holder.sku} already; each GTIN names one item`);
    }
    const gtin = input.gtin === undefined ? (existing?.gtin ?? null) : input.gtin;
    const pick = <T>(given: T | undefined, kept: T | null | undefined): T | null => (given === undefined ? (kept ?? null) : given);
    const temperature = pick(input.temperatureC, existing?.temperatureC);
    const humidity = pick(input.humidityPct, existing?.humidityPct);
    this.#db.prepare(`INSERT INTO inv_item (sku, gtin, name, category, unit, shelf_life_days, temperature_min_c, temperature_max_c, humidity_min_pct, humidity_max_pct, lot_tracked, serialized, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (sku) DO UPDATE SET gtin = excluded.gtin, name = excluded.name, category = excluded.category, unit = excluded.unit,
          shelf_life_days = excluded.shelf_life_days, temperature_min_c = excluded.temperature_min_c, temperature_max_c = excluded.temperature_max_c,
          humidity_min_pct = excluded.humidity_min_pct, humidity_max_pct = excluded.humidity_max_pct, lot_tracked = excluded.lot_tracked, serialized = excluded.serialized`)
      .run(input.sku, gtin, input.name, input.category, input.unit ?? existing?.unit ?? 'ea', pick(input.shelfLifeDays, existing?.shelfLifeDays),
        temperature?.min ?? null, temperature?.max ?? null, humidity?.min ?? null, humidity?.max ?? null, lotTracked ? 1 : 0, serialized ? 1 : 0, this.#clock.now());
    return this.item(input.sku)!;
  }

  putLocation(input: LocationInput): Location {
    checkCode(input.code, 'code', 'a location code');
    if (!allKinds.includes(input.kind)) {
      throw new InventoryError('INVALID_INPUT', 'kind', `kind: ${JSON.stringify(input.kind)} is not known; expected one of ${allKinds.join(', ')}`);
    }
    checkText(input.name, 'name', 200);
    checkRange(input.temperatureC, 'temperatureC');
    const allowNegative = input.allowNegative ?? false;
    if (allowNegative && !virtualKinds.includes(input.kind)) {
      throw new InventoryError('INVALID_INPUT', 'allowNegative', `allowNegative: a ${input.kind} holds real stock and cannot go below zero; only ${virtualKinds.join(', ')} locations may allow negative stock`);
    }
    const parent = input.parent ?? null;
    if (parent !== null) {
      if (!this.#locationRow(parent)) {
        throw new InventoryError('UNKNOWN_LOCATION', 'parent', `parent: no location "${parent}"${didYouMean(String(parent), this.#codes())}; create the parent first`);
      }
      for (let at: string | null = parent; at !== null; at = this.#locationRow(at)?.parent ?? null) {
        if (at === input.code) {
          throw new InventoryError('INVALID_INPUT', 'parent', `parent: "${parent}" is ${parent === input.code ? `${input.code} itself` : `under ${input.code}`}, which would make a cycle; choose a location outside ${input.code}'s subtree`);
        }
      }
    }
    const existing = this.#locationRow(input.code);
    if (existing && existing.kind !== input.kind && this.#db.prepare('SELECT 1 FROM inv_balance WHERE location = ? AND qty <> 0 LIMIT 1').get(input.code)) {
      throw new InventoryError('CONFLICT', 'kind', `kind: ${input.code} holds stock, so it cannot change from ${existing.kind} to ${input.kind}; move the stock out first`);
    }
    if (existing?.allow_negative && !allowNegative && this.#db.prepare('SELECT 1 FROM inv_balance WHERE location = ? AND qty < 0 LIMIT 1').get(input.code)) {
      throw new InventoryError('CONFLICT', 'allowNegative', `allowNegative: ${input.code} holds negative balances, so it must keep allowing them`);
    }
    this.#db.prepare(`INSERT INTO inv_location (code, name, kind, parent, allow_negative, frozen, temperature_min_c, temperature_max_c, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, parent = excluded.parent, allow_negative = excluded.allow_negative,
          frozen = excluded.frozen, temperature_min_c = excluded.temperature_min_c, temperature_max_c = excluded.temperature_max_c`)
      .run(input.code, input.name ?? null, input.kind, parent, allowNegative ? 1 : 0, input.frozen ? 1 : 0,
        input.temperatureC?.min ?? null, input.temperatureC?.max ?? null, this.#clock.now());
    return this.location(input.code)!;
  }

  putLot(input: LotInput): Lot {
    const item = this.item(input.sku);
    if (!item) throw new InventoryError('UNKNOWN_SKU', 'sku', `sku: no item "${input.sku}"${didYouMean(String(input.sku), this.#skus())}`);
    if (!item.lotTracked) throw new InventoryError('INVALID_INPUT', 'sku', `sku: ${input.sku} is not lot-tracked, so it has no lots`);
    checkBatch(input.batch, 'batch');
    checkDay(input.expiry, 'expiry');
    checkDay(input.produced, 'produced');
    checkText(input.supplier, 'supplier', 200);
    checkText(input.statusReason, 'statusReason');
    if (input.status !== undefined && !lotStatuses.includes(input.status)) {
      throw new InventoryError('INVALID_INPUT', 'status', `status: ${JSON.stringify(input.status)} is not known; expected one of ${lotStatuses.join(', ')}`);
    }
    const existing = this.#lotRow(input.sku, input.batch);
    const now = this.#clock.now();
    if (!existing) {
      this.#db.prepare(`INSERT INTO inv_lot (sku, batch, expiry, produced, status, status_reason, status_changed_at, supplier, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(input.sku, input.batch, input.expiry ?? null, input.produced ?? null, input.status ?? 'released', input.statusReason ?? null,
          input.status && input.status !== 'released' ? now : null, input.supplier ?? null, now);
      return this.lot(input.sku, input.batch)!;
    }
    this.#db.prepare('UPDATE inv_lot SET expiry = ?, produced = ?, supplier = ? WHERE id = ?')
      .run(input.expiry === undefined ? existing.expiry : input.expiry, input.produced === undefined ? existing.produced : input.produced,
        input.supplier === undefined ? existing.supplier : input.supplier, existing.id);
    if (input.status !== undefined && input.status !== existing.status) return this.setLotStatus(input.sku, input.batch, input.status, input.statusReason ?? null, 'catalog');
    return this.lot(input.sku, input.batch)!;
  }

  /** `actor` is for the caller's audit entry; the lot keeps the reason and when it changed. */
  setLotStatus(sku: string, batch: string, status: StoredLotStatus, reason: string | null, actor: string): Lot {
    if (!lotStatuses.includes(status)) {
      throw new InventoryError('INVALID_INPUT', 'status', `status: ${JSON.stringify(status)} is not known; expected one of ${lotStatuses.join(', ')}`);
    }
    checkText(reason, 'reason');
    const existing = this.#lotRow(sku, batch);
    if (!existing) {
      if (!this.item(sku)) throw new InventoryError('UNKNOWN_SKU', 'sku', `sku: no item "${sku}"${didYouMean(sku, this.#skus())}`);
      throw new InventoryError('UNKNOWN_LOT', 'batch', `batch: ${sku} has no lot "${batch}"${didYouMean(batch, this.lots({ sku }).map((l) => l.batch))}`);
    }
    this.#db.prepare('UPDATE inv_lot SET status = ?, status_reason = ?, status_changed_at = ? WHERE id = ?').run(status, reason, this.#clock.now(), existing.id);
    const lot = this.lotById(existing.id)!;
    if (existing.status !== status) for (const listener of this.#lotStatusListeners) listener(lot, actor);
    return lot;
  }

  /** Told after a lot's stored status changed (master data follows it: gateways block the lot). */
  onLotStatusChanged(listener: (lot: Lot, actor: string) => void): () => void {
    this.#lotStatusListeners.add(listener);
    return () => this.#lotStatusListeners.delete(listener);
  }

  putChannel(input: { id: string; name: string; quotaPct?: number }): { id: string; name: string; quotaPct: number } {
    checkCode(input.id, 'id', 'a channel id');
    checkName(input.name, 'name');
    if (input.quotaPct !== undefined && (typeof input.quotaPct !== 'number' || !(input.quotaPct >= 0 && input.quotaPct <= 100))) {
      throw new InventoryError('INVALID_INPUT', 'quotaPct', `quotaPct: ${JSON.stringify(input.quotaPct)} is not a share; expected a number from 0 to 100`);
    }
    const kept = this.#db.prepare('SELECT quota_pct FROM inv_channel WHERE id = ?').get(input.id) as { quota_pct: number } | undefined;
    this.#db.prepare(`INSERT INTO inv_channel (id, name, quota_pct, created_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, quota_pct = excluded.quota_pct`)
      .run(input.id, input.name, input.quotaPct ?? kept?.quota_pct ?? 100, this.#clock.now());
    return channelOf(this.#db.prepare('SELECT id, name, quota_pct FROM inv_channel WHERE id = ?').get(input.id) as ChannelRow);
  }

  category(id: string): Category | undefined {
    const row = this.#db.prepare('SELECT * FROM inv_category WHERE id = ?').get(id) as CategoryRow | undefined;
    return row && categoryOf(row);
  }

  item(sku: string): Item | undefined {
    const row = this.#db.prepare('SELECT * FROM inv_item WHERE sku = ?').get(sku) as ItemRow | undefined;
    return row && itemOf(row);
  }

  itemByGtin(gtin: string): Item | undefined {
    const row = this.#db.prepare('SELECT * FROM inv_item WHERE gtin = ?').get(gtin) as ItemRow | undefined;
    return row && itemOf(row);
  }

  location(code: string): Location | undefined {
    const row = this.#locationRow(code);
    if (!row) return undefined;
    const path = [row.code];
    for (let at = row.parent; at !== null && path.length < 64; at = this.#locationRow(at)?.parent ?? null) path.unshift(at);
    return this.#locationOf(row, path);
  }

  lot(sku: string, batch: string): Lot | undefined {
    const row = this.#lotRow(sku, batch);
    return row && lotOf(row, this.#clock.now());
  }

  lotById(id: number): Lot | undefined {
    const row = this.#db.prepare('SELECT * FROM inv_lot WHERE id = ?').get(id) as LotRow | undefined;
    return row && lotOf(row, this.#clock.now());
  }

  categories(): Category[] {
    return (this.#db.prepare('SELECT * FROM inv_category ORDER BY id').all() as CategoryRow[]).map(categoryOf);
  }

  items(): Item[] {
    return (this.#db.prepare('SELECT * FROM inv_item ORDER BY sku').all() as ItemRow[]).map(itemOf);
  }

  /** Tree order: each root (by code) followed by its subtree, children by code. */
  locations(): Location[] {
    const rows = this.#db.prepare('SELECT * FROM inv_location ORDER BY code').all() as LocationRow[];
    const children = new Map<string | null, LocationRow[]>();
    const codes = new Set(rows.map((r) => r.code));
    for (const row of rows) {
      const parent = row.parent !== null && codes.has(row.parent) ? row.parent : null;
      children.set(parent, [...(children.get(parent) ?? []), row]);
    }
    const out: Location[] = [];
    const visit = (parent: string | null, path: string[]) => {
      for (const row of children.get(parent) ?? []) {
        const own = [...path, row.code];
        out.push(this.#locationOf(row, own));
        visit(row.code, own);
      }
    };
    visit(null, []);
    return out;
  }

  lots(filter: { sku?: string } = {}): Lot[] {
    const now = this.#clock.now();
    const rows = filter.sku === undefined
      ? this.#db.prepare('SELECT * FROM inv_lot ORDER BY sku, expiry IS NULL, expiry, batch').all() as LotRow[]
      : this.#db.prepare('SELECT * FROM inv_lot WHERE sku = ? ORDER BY expiry IS NULL, expiry, batch').all(filter.sku) as LotRow[];
    return rows.map((r) => lotOf(r, now));
  }

  channels(): Array<{ id: string; name: string; quotaPct: number }> {
    return (this.#db.prepare('SELECT id, name, quota_pct FROM inv_channel ORDER BY id').all() as ChannelRow[]).map(channelOf);
  }

  #locationRow(code: string): LocationRow | undefined {
    return this.#db.prepare('SELECT * FROM inv_location WHERE code = ?').get(code) as LocationRow | undefined;
  }

  #lotRow(sku: string, batch: string): LotRow | undefined {
    return this.#db.prepare('SELECT * FROM inv_lot WHERE sku = ? AND batch = ?').get(sku, batch) as LotRow | undefined;
  }

  #locationOf(row: LocationRow, path: string[]): Location {
    return {
      code: row.code, name: row.name, kind: row.kind, parent: row.parent, allowNegative: row.allow_negative === 1, frozen: row.frozen === 1,
      temperatureC: rangeOf(row.temperature_min_c, row.temperature_max_c), path,
    };
  }

  #codes(): string[] {
    return (this.#db.prepare('SELECT code FROM inv_location').pluck().all() as string[]);
  }

  #skus(): string[] {
    return (this.#db.prepare('SELECT sku FROM inv_item').pluck().all() as string[]);
  }
}
