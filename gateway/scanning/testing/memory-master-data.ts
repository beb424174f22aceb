/**
 * A MasterDataView over record lists, for tests of what reads master data (the decider). The
 * records go through the master-data schemas first, so a test's data is as valid as a synced
 * cache's and defaults (unit 'ea', status 'released', nearExpiryDays 60) are filled the same way.
 */
import type { z } from 'zod';
import {
  categoryRecord, deviceRecord, itemRecord, locationRecord, lotRecord, masterKeyOf, operatorRecord, stockRecord,
  type CategoryRecord, type DeviceRecord, type ItemRecord, type LocationRecord, type LotRecord, type OperatorRecord, type StockRecord,
} from '../../../config/master-data-schema.ts';
import type { MasterDataView } from '../scan-ports.ts';

export interface MasterDataRecords {
  version?: number;
  categories?: Array<z.input<typeof categoryRecord>>;
  items?: Array<z.input<typeof itemRecord>>;
  lots?: Array<z.input<typeof lotRecord>>;
  locations?: Array<z.input<typeof locationRecord>>;
  operators?: Array<z.input<typeof operatorRecord>>;
  stock?: Array<z.input<typeof stockRecord>>;
  devices?: Array<z.input<typeof deviceRecord>>;
}

export class MemoryMasterData implements MasterDataView {
  readonly #version: number;
  readonly #categories = new Map<string, CategoryRecord>();
  readonly #items = new Map<string, ItemRecord>();
  readonly #lots = new Map<string, LotRecord>();
  readonly #lotsOf = new Map<string, LotRecord[]>();
  readonly #locations = new Map<string, LocationRecord>();
  readonly #operators = new Map<string, OperatorRecord>();
  readonly #stockOf = new Map<string, StockRecord[]>();
  readonly #devices = new Map<string, DeviceRecord>();

  constructor(records: MasterDataRecords) {
    this.#version = records.version ?? 1;
    for (const r of records.categories ?? []) { const c = categoryRecord.parse(r); this.#categories.set(c.id, c); }
    for (const r of records.items ?? []) { const i = itemRecord.parse(r); this.#items.set(i.gtin, i); }
    for (const r of records.lots ?? []) {
      const lot = lotRecord.parse(r);
      this.#lots.set(masterKeyOf('lot', lot), lot);
      const list = this.#lotsOf.get(lot.gtin) ?? [];
      list.push(lot);
      list.sort((a, b) => (a.expiry < b.expiry ? -1 : a.expiry > b.expiry ? 1 : 0));
      this.#lotsOf.set(lot.gtin, list);
    }
    for (const r of records.locations ?? []) { const l = locationRecord.parse(r); this.#locations.set(l.code, l); }
    for (const r of records.operators ?? []) { const o = operatorRecord.parse(r); this.#operators.set(o.id, o); }
    for (const r of records.stock ?? []) {
      const row = stockRecord.parse(r);
      this.#stockOf.set(row.gtin, [...(this.#stockOf.get(row.gtin) ?? []), row]);
    }
    for (const r of records.devices ?? []) { const d = deviceRecord.parse(r); this.#devices.set(d.id, d); }
  }

  version(): number { return this.#version; }
  item(gtin: string): ItemRecord | undefined { return this.#items.get(gtin); }
  category(id: string): CategoryRecord | undefined { return this.#categories.get(id); }
  lot(gtin: string, batch: string): LotRecord | undefined { return this.#lots.get(`${gtin}/${batch}`); }
  lotsOf(gtin: string): readonly LotRecord[] { return this.#lotsOf.get(gtin) ?? []; }
  location(code: string): LocationRecord | undefined { return this.#locations.get(code); }
  operator(id: string): OperatorRecord | undefined { return this.#operators.get(id); }
  stockOf(gtin: string): readonly StockRecord[] { return this.#stockOf.get(gtin) ?? []; }
  device(id: string): DeviceRecord | undefined { return this.#devices.get(id); }
  /** Every location (the decider's `locations` option, for suggesting another shelf). */
  locations(): readonly LocationRecord[] { return [...this.#locations.values()]; }
}
