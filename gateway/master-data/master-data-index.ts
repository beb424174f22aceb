/**
 * The in-memory side of the gateway's master-data cache: one Map per kind plus the two lookups the
 * scan decider needs by item (every lot of a GTIN earliest expiry first, for FEFO; every stock row
 * of a GTIN). Those lists are built on first use and dropped when a record of that GTIN changes,
 * so a 500-change sync chunk costs one sort per GTIN touched, not one per change.
 *
 * Records are frozen: the decider reads them, nothing may change them behind the cache's back.
 */
import { deepFreeze } from '../../config/load-config.ts';
import {
  masterDataKinds,
  type CategoryRecord, type DeviceRecord, type ItemRecord, type LocationRecord, type LotRecord, type MasterDataKind,
  type MasterRecordOf, type OperatorRecord, type StockRecord,
} from '../../config/master-data-schema.ts';
import type { MasterDataView } from '../scanning/scan-ports.ts';

type Records = { [K in MasterDataKind]: Map<string, MasterRecordOf[K]> };

const byExpiry = (a: LotRecord, b: LotRecord): number =>
  (a.expiry < b.expiry ? -1 : a.expiry > b.expiry ? 1 : a.batch < b.batch ? -1 : a.batch > b.batch ? 1 : 0);

export class MasterDataIndex implements MasterDataView {
  #version = 0;
  readonly #records = Object.fromEntries(masterDataKinds.map((kind) => [kind, new Map()])) as Records;
  /** GTIN -> lot keys and stock keys of that GTIN. */
  readonly #lotKeysOf = new Map<string, Set<string>>();
  readonly #stockKeysOf = new Map<string, Set<string>>();
  /** Built on first use, dropped when a record of that GTIN changes. */
  readonly #sortedLots = new Map<string, readonly LotRecord[]>();
  readonly #stockLists = new Map<string, readonly StockRecord[]>();

  setVersion(version: number): void {
    this.#version = version;
  }

  get<K extends MasterDataKind>(kind: K, key: string): MasterRecordOf[K] | undefined {
    return this.#records[kind].get(key) as MasterRecordOf[K] | undefined;
  }

  put<K extends MasterDataKind>(kind: K, key: string, value: MasterRecordOf[K]): void {
    this.remove(kind, key);
    (this.#records[kind] as Map<string, MasterRecordOf[K]>).set(key, deepFreeze(value));
    if (kind === 'lot') this.#link(this.#lotKeysOf, this.#sortedLots, (value as LotRecord).gtin, key);
    if (kind === 'stock') this.#link(this.#stockKeysOf, this.#stockLists, (value as StockRecord).gtin, key);
  }

  remove(kind: MasterDataKind, key: string): void {
    const old = this.#records[kind].get(key);
    if (old === undefined) return;
    this.#records[kind].delete(key);
    if (kind === 'lot') this.#unlink(this.#lotKeysOf, this.#sortedLots, (old as LotRecord).gtin, key);
    if (kind === 'stock') this.#unlink(this.#stockKeysOf, this.#stockLists, (old as StockRecord).gtin, key);
  }

  clear(): void {
    for (const kind of masterDataKinds) this.#records[kind].clear();
    this.#lotKeysOf.clear();
    this.#stockKeysOf.clear();
    this.#sortedLots.clear();
    this.#stockLists.clear();
  }

  /** Every key held, per kind (a reset tells listeners which ones went away). */
  keys(kind: MasterDataKind): string[] {
    return [...this.#records[kind].keys()];
  }

  counts(): Record<MasterDataKind, number> {
    return Object.fromEntries(masterDataKinds.map((kind) => [kind, this.#records[kind].size])) as Record<MasterDataKind, number>;
  }

  size(): number {
    return masterDataKinds.reduce((n, kind) => n + this.#records[kind].size, 0);
  }

  version(): number { return this.#version; }
  item(gtin: string): ItemRecord | undefined { return this.#records.item.get(gtin); }
  category(id: string): CategoryRecord | undefined { return this.#records.category.get(id); }
  lot(gtin: string, batch: string): LotRecord | undefined { return this.#records.lot.get(`${gtin}/${batch}`); }
  location(code: string): LocationRecord | undefined { return this.#records.location.get(code); }
  operator(id: string): OperatorRecord | undefined { return this.#records.operator.get(id); }
  device(id: string): DeviceRecord | undefined { return this.#records.device.get(id); }
  /** Every location (the decider may suggest another shelf). */
  locations(): readonly LocationRecord[] { return [...this.#records.location.values()]; }

  lotsOf(gtin: string): readonly LotRecord[] {
    let lots = this.#sortedLots.get(gtin);
    if (!lots) {
      const keys = this.#lotKeysOf.get(gtin);
      if (!keys) return [];
      lots = Object.freeze([...keys].map((key) => this.#records.lot.get(key)!).sort(byExpiry));
      this.#sortedLots.set(gtin, lots);
    }
    return lots;
  }

  stockOf(gtin: string): readonly StockRecord[] {
    let rows = this.#stockLists.get(gtin);
    if (!rows) {
      const keys = this.#stockKeysOf.get(gtin);
      if (!keys) return [];
      rows = Object.freeze([...keys].map((key) => this.#records.stock.get(key)!));
      this.#stockLists.set(gtin, rows);
    }
    return rows;
  }

  #link(keysOf: Map<string, Set<string>>, lists: Map<string, unknown>, gtin: string, key: string): void {
    let keys = keysOf.get(gtin);
    if (!keys) keysOf.set(gtin, (keys = new Set()));
    keys.add(key);
    lists.delete(gtin);
  }

  #unlink(keysOf: Map<string, Set<string>>, lists: Map<string, unknown>, gtin: string, key: string): void {
    const keys = keysOf.get(gtin);
    keys?.delete(key);
    if (keys?.size === 0) keysOf.delete(gtin);
    lists.delete(gtin);
  }
}
