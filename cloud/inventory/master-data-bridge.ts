/**
 * The bridge between the gateway-facing master data (config/master-data-schema.ts, kept by
 * cloud/masterdata/master-data-store.ts and synced to gateways) and the inventory core, so the
 * two agree on what exists and what is where:
 *
 * - importCatalog: master categories, items, lots and locations become the inventory's; every
 *   master location becomes a shelf under the zone its record names (else MAIN) under the
 *   warehouse WH, and the virtual locations the flows need exist (supplierLocations below).
 *   Only what differs is written, so a second import changes nothing and says so (all zeros).
 *   A lot's status is taken when the lot is created; later quarantines and releases are each
 *   side's own operation and are not followed here.
 * - openingBalances: each master stock row becomes one 'opening' move OPENING -> its location,
 *   posted under the request key `opening:<gtin>/<batch>@<location>`, so a restart (or a second
 *   call) posts nothing again.
 * - projectStock: the ledger's storage balances written back as master 'stock' records (changed
 *   ones put, vanished ones deleted), so gateways get the ledger's stock through masterdata.sync.
 *   A lot the ledger created (a receipt) is added to master data first when it has an expiry.
 *
 * Writes to the inventory run in one transaction on its database: a refusal (InventoryError,
 * `field` naming the master record, e.g. `item/06901234000016.unit`) leaves it unchanged.
 */
import { masterKeyOf, type MasterDataKind, type MasterRecordOf, type StockRecord } from '../../config/master-data-schema.ts';
import type { MasterDataStore } from '../masterdata/master-data-store.ts';
import type { SqliteDatabase } from '../store/database.ts';
import { InventoryError } from './inventory-errors.ts';
import { storageKinds, type InventoryCatalog, type InventoryLedger, type LocationInput, type LocationKind } from './inventory-types.ts';

export type BridgeRecord = { [K in MasterDataKind]: { kind: K; value: MasterRecordOf[K] } }[MasterDataKind];

export const WAREHOUSE = 'WH';
export const DEFAULT_ZONE = 'MAIN';
export const OPENING = 'OPENING';
/** The virtual locations the flows need; where the supply and demand sides may go negative. */
export const virtualLocations: readonly LocationInput[] = [
  { code: 'SUPPLIER', name: 'Suppliers', kind: 'supplier', allowNegative: true },
  { code: 'CUSTOMER', name: 'Customers', kind: 'customer', allowNegative: true },
  { code: 'TRANSIT', name: 'In transit', kind: 'transit' },
  { code: 'INSPECTION', name: 'Inspection', kind: 'inspection' },
  { code: 'SCRAP', name: 'Scrap', kind: 'scrap' },
  { code: 'PRODUCTION', name: 'Production', kind: 'production', allowNegative: true },
  { code: OPENING, name: 'Opening balances', kind: 'adjustment', allowNegative: true },
];

export interface ImportReport { locations: number; categories: number; items: number; lots: number }
export interface OpeningReport { posted: number; already: number; skipped: number }
export interface ProjectionReport { changed: number; put: number; deleted: number; lotsAdded: number; skipped: Array<{ key: string; why: string }> }

export interface MasterDataBridgeDeps {
  masterData: Pick<MasterDataStore, 'get' | 'list' | 'put' | 'delete'>;
  catalog: InventoryCatalog;
  ledger: InventoryLedger;
  /** The inventory's database: imports and openings run in one transaction on it. */
  db: SqliteDatabase;
  /** Who the master-data changes and moves are by; default 'inventory'. */
  actor?: string;
}

const storage: ReadonlySet<LocationKind> = new Set(storageKinds);
const sameRange = (a: { min: number; max: number } | null | undefined, b: { min: number; max: number } | null | undefined) =>
  (a ?? null) === null ? (b ?? null) === null : b !== null && b !== undefined && a!.min === b.min && a!.max === b.max;

/** A master zone ("cold-room", "Cold room 2") as a location code. */
export const zoneCodeOf = (zone: string | undefined): string =>
  (zone ?? '').trim().replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64) || DEFAULT_ZONE;

export class MasterDataBridge {
  readonly #d: MasterDataBridgeDeps;
  readonly #actor: string;

  constructor(deps: MasterDataBridgeDeps) {
    this.#d = deps;
    this.#actor = deps.actor ?? 'inventory';
  }

  /** Imports categories, items, lots and locations (other kinds are ignored); default: all of the master-data store's. */
  importCatalog(records: readonly BridgeRecord[] = this.#storedCatalog()): ImportReport {
    const { catalog } = this.#d;
    const of = <K extends MasterDataKind>(kind: K) => records.filter((r): r is Extract<BridgeRecord, { kind: K }> => r.kind === kind).map((r) => r.value as MasterRecordOf[K]);
    const report: ImportReport = { locations: 0, categories: 0, items: 0, lots: 0 };
    return this.#d.db.transaction(() => {
      const locations = of('location');
      const shelfCodes = new Set(locations.map((l) => l.code));
      const ensure = (input: LocationInput, recordKey: string) => {
        const existing = catalog.location(input.code);
        if (existing && existing.kind === input.kind && existing.parent === (input.parent ?? null) && existing.name === (input.name ?? null)
          && existing.allowNegative === (input.allowNegative ?? false) && sameRange(existing.temperatureC, input.temperatureC)) return;
        named(recordKey, () => catalog.putLocation({ ...input, frozen: existing?.frozen ?? false }));
        report.locations++;
      };
      for (const virtual of virtualLocations) ensure(virtual, `location/${virtual.code}`);
      ensure({ code: WAREHOUSE, name: 'Warehouse', kind: 'warehouse' }, `location/${WAREHOUSE}`);
      for (const location of locations) {
        const zone = zoneCodeOf(location.zone);
        if (shelfCodes.has(zone) || zone === WAREHOUSE || virtualLocations.some((v) => v.code === zone)) {
          throw new InventoryError('INVALID_INPUT', `location/${location.code}.zone`,
            `location/${location.code}.zone: zone "${location.zone ?? DEFAULT_ZONE}" would be location ${zone}, which is a shelf or reserved code; rename the zone`);
        }
        ensure({ code: zone, name: location.zone ?? 'Main zone', kind: 'zone', parent: WAREHOUSE }, `location/${location.code}.zone`);
        ensure({ code: location.code, name: location.name ?? null, kind: 'shelf', parent: zone, temperatureC: location.temperatureC ?? null }, `location/${location.code}`);
      }
      for (const category of of('category')) {
        const existing = catalog.category(category.id);
        if (existing && existing.name === category.name && existing.nearExpiryDays === category.nearExpiryDays) continue;
        named(`category/${category.id}`, () => catalog.putCategory({ id: category.id, name: category.name, nearExpiryDays: category.nearExpiryDays }));
        report.categories++;
      }
      const skuOfGtin = new Map<string, string>();
      for (const item of of('item')) {
        skuOfGtin.set(item.gtin, item.sku);
        const existing = catalog.item(item.sku);
        if (existing && existing.gtin === item.gtin && existing.name === item.name && existing.category === item.category && existing.unit === item.unit
          && sameRange(existing.temperatureC, item.temperatureC) && sameRange(existing.humidityPct, item.humidityPct)) continue;
        named(`item/${item.gtin}`, () => catalog.putItem({
          sku: item.sku, gtin: item.gtin, name: item.name, category: item.category, unit: item.unit,
          temperatureC: item.temperatureC ?? null, humidityPct: item.humidityPct ?? null,
        }));
        report.items++;
      }
      for (const lot of of('lot')) {
        const key = `lot/${lot.gtin}/${lot.batch}`;
        const sku = skuOfGtin.get(lot.gtin) ?? catalog.itemByGtin(lot.gtin)?.sku;
        if (!sku) throw new InventoryError('UNKNOWN_SKU', `${key}.gtin`, `${key}.gtin: no item with GTIN ${lot.gtin}; import its item record too`);
        const existing = catalog.lot(sku, lot.batch);
        if (existing && existing.expiry === lot.expiry) continue;
        named(key, () => catalog.putLot(existing
          ? { sku, batch: lot.batch, expiry: lot.expiry }
          : { sku, batch: lot.batch, expiry: lot.expiry, status: lot.status, statusReason: lot.reason ?? null }));
        report.lots++;
      }
      return report;
    }).immediate();
  }

  /** Opening moves for the master stock rows (default: the master-data store's); rows already opened post nothing. */
  openingBalances(stock: readonly StockRecord[] = this.#d.masterData.list('stock').map((r) => r.value)): OpeningReport {
    const { catalog, ledger } = this.#d;
    const moves = stock.map((row, index) => {
      const key = masterKeyOf('stock', row);
      const field = (name: string) => `stock.${index}.${name}`;
      const item = catalog.itemByGtin(row.gtin);
      if (!item) throw new InventoryError('UNKNOWN_SKU', field('gtin'), `${field('gtin')}: no item with GTIN ${row.gtin} (stock ${key}); run importCatalog first`);
      if (!catalog.lot(item.sku, row.batch)) throw new InventoryError('UNKNOWN_LOT', field('batch'), `${field('batch')}: ${item.sku} has no lot "${row.batch}" (stock ${key}); run importCatalog first`);
      const location = catalog.location(row.location);
      if (!location || !storage.has(location.kind)) {
        throw new InventoryError('UNKNOWN_LOCATION', field('location'), `${field('location')}: ${location ? `${row.location} is a ${location.kind}, not a storage location` : `no location "${row.location}"; run importCatalog first`} (stock ${key})`);
      }
      return { key, row, sku: item.sku };
    });
    const report: OpeningReport = { posted: 0, already: 0, skipped: 0 };
    return this.#d.db.transaction(() => {
      const lastId = ledger.moves({ limit: 1 })[0]?.id ?? 0;
      for (const { key, row, sku } of moves) {
        if (!(row.qty > 0)) {
          report.skipped++;
          continue;
        }
        const [move] = ledger.post([{ sku, lot: row.batch, qty: row.qty, from: OPENING, to: row.location, reason: 'opening', docType: 'opening', docId: key }],
          { actor: this.#actor, requestKey: `opening:${key}` });
        if (move!.id > lastId) report.posted++;
        else report.already++;
      }
      return report;
    }).immediate();
  }

  /** Writes the ledger's storage balances to master data as 'stock' records; returns how many records changed. */
  projectStock(): number {
    return this.projectStockReport().changed;
  }

  projectStockReport(): ProjectionReport {
    const { masterData, catalog, ledger } = this.#d;
    const by = { by: this.#actor };
    const report: ProjectionReport = { changed: 0, put: 0, deleted: 0, lotsAdded: 0, skipped: [] };
    const kinds = new Map(catalog.locations().map((l) => [l.code, l.kind]));
    const gtins = new Map(catalog.items().map((i) => [i.sku, i.gtin]));
    const wanted = new Map<string, StockRecord>();
    for (const balance of ledger.balances({})) {
      if (!storage.has(kinds.get(balance.location)!) || balance.qty <= 0) continue;
      const gtin = gtins.get(balance.sku);
      const key = `${balance.sku}/${balance.lot ?? '-'}@${balance.location}`;
      if (!gtin || balance.lot === null) {
        report.skipped.push({ key, why: gtin ? 'stock without a lot has no master-data record' : 'the item has no GTIN' });
        continue;
      }
      const record: StockRecord = { gtin, batch: balance.lot, location: balance.location, qty: balance.qty };
      const why = this.#missingReference(record, balance.sku, report);
      if (why) report.skipped.push({ key: masterKeyOf('stock', record), why });
      else wanted.set(masterKeyOf('stock', record), record);
    }
    for (const [key, record] of wanted) {
      if (masterData.put('stock', record, { ...by, key }).changed) report.put++;
    }
    for (const stored of masterData.list('stock')) {
      if (wanted.has(stored.key)) continue;
      masterData.delete('stock', stored.key, by);
      report.deleted++;
    }
    report.changed = report.put + report.deleted + report.lotsAdded;
    return report;
  }

  /** Why the record cannot be stored (its item or location is not in master data); adds a missing lot when it can. */
  #missingReference(record: StockRecord, sku: string, report: ProjectionReport): string | undefined {
    const { masterData, catalog } = this.#d;
    if (!masterData.get('location', record.location)) return `location ${record.location} is not in master data`;
    if (!masterData.get('item', record.gtin)) return `item ${record.gtin} is not in master data`;
    if (masterData.get('lot', `${record.gtin}/${record.batch}`)) return undefined;
    const lot = catalog.lot(sku, record.batch)!;
    if (lot.expiry === null) return `lot ${record.batch} has no expiry, which master data needs`;
    const held = lot.storedStatus !== 'released';
    masterData.put('lot', {
      gtin: record.gtin, batch: record.batch, expiry: lot.expiry, status: held ? 'quarantined' : 'released',
      ...(held ? { reason: `${lot.storedStatus} in the inventory${lot.statusReason ? `: ${lot.statusReason}` : ''}`.slice(0, 200) } : {}),
    }, { by: this.#actor });
    report.lotsAdded++;
    return undefined;
  }

  #storedCatalog(): BridgeRecord[] {
    const { masterData } = this.#d;
    return [...masterData.list('category'), ...masterData.list('item'), ...masterData.list('lot'), ...masterData.list('location')] as BridgeRecord[];
  }
}

/** Runs a catalogue write, naming the master record in a refusal's field and message. */
function named<T>(recordKey: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof InventoryError)) throw error;
    const field = error.field ? `${recordKey}.${error.field}` : recordKey;
    throw new InventoryError(error.code, field, `${recordKey}: ${error.message}`);
  }
}
