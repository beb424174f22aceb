/**
 * The cloud's master data (issue 6): categories, items, lots, locations, operators, stock and
 * scanner devices, one table of records (migration 010). Every put or delete takes the next
 * version of one counter for all kinds and keeps deleted records as tombstones, so
 * `changesSince(v)` is exactly what a gateway holding version v lacks (masterdata.sync,
 * connectors/edge-link/master-data-sync.ts).
 *
 * Records are validated with the same schemas as the seed file and the sync command
 * (config/master-data-schema.ts), and references are kept whole: a lot needs its item, an item
 * its category, a stock row its lot and location; deleting a record others still point at is
 * refused, naming them.
 */
import {
  masterDataKinds, masterKeyOf, masterRecordSchemas, type LotRecord, type MasterDataKind, type MasterRecordOf,
} from '../../config/master-data-schema.ts';
import type { Clock } from '../../connectors/clock.ts';
import type { MasterDataChange } from '../../connectors/edge-link/index.ts';
import type { SqliteDatabase } from '../store/database.ts';
import { MasterDataInUseError, MasterDataInvalidError, MasterDataReferenceError, UnknownMasterRecordError } from './master-data-errors.ts';

export interface StoredRecord<K extends MasterDataKind = MasterDataKind> {
  kind: K;
  key: string;
  /** The version of the record's last change. */
  version: number;
  value: MasterRecordOf[K];
  /** When the key was first stored (ms since the epoch); a record put again after a delete keeps it. */
  createdAt: number;
  updatedAt: number;
  updatedBy: string;
}

export interface PutOutcome<K extends MasterDataKind = MasterDataKind> {
  key: string;
  version: number;
  /** False when the record was stored already exactly so: no new version, nothing to sync. */
  changed: boolean;
  record: StoredRecord<K>;
}

/** A record to seed or put without knowing its key yet (masterRecordsOf gives these). */
export interface MasterRecordInput {
  kind: MasterDataKind;
  key?: string;
  value: unknown;
}

export type MasterDataListener = (changes: MasterDataChange[]) => void;

export interface MasterDataStore {
  /** The highest version given so far; 0 for an empty store. */
  version(): number;
  get<K extends MasterDataKind>(kind: K, key: string): StoredRecord<K> | undefined;
  /** Every live record of `kind`, by key. */
  list<K extends MasterDataKind>(kind: K): StoredRecord<K>[];
  /** Live records per kind. */
  counts(): Record<MasterDataKind, number>;
  /** Changes after `version`, tombstones included, in version order; at most `limit`. */
  changesSince(version: number, limit: number): MasterDataChange[];
  /** Validates, checks references and stores; `key`, when given, must be the record's key. */
  put<K extends MasterDataKind>(kind: K, value: unknown, options: { by: string; key?: string }): PutOutcome<K>;
  /** Leaves a tombstone; refused while other records point at it. */
  delete(kind: MasterDataKind, key: string, options: { by: string }): { key: string; version: number };
  quarantineLot(gtin: string, batch: string, reason: string, options: { by: string }): PutOutcome<'lot'>;
  releaseLot(gtin: string, batch: string, options: { by: string }): PutOutcome<'lot'>;
  /** Stores `records` in one transaction when the store is empty (a first start); undefined otherwise. */
  seed(records: readonly MasterRecordInput[], options: { by: string }): { version: number; records: number } | undefined;
  /** Told after each committed change, with what changed. Returns a function that stops it. */
  onChange(listener: MasterDataListener): () => void;
}

interface Row {
  kind: MasterDataKind;
  key: string;
  version: number;
  value_json: string | null;
  deleted: number;
  created_at: number;
  updated_at: number;
  updated_by: string;
}

/** Seeding order: what others refer to first. */
const SEED_ORDER: readonly MasterDataKind[] = ['category', 'location', 'item', 'lot', 'operator', 'stock', 'device'];

/** Per kind: which live records point at a record of this kind (for refusing its delete). */
const REFERRERS: Partial<Record<MasterDataKind, { kind: MasterDataKind; where: string; args: (key: string) => unknown[] }>> = {
  category: { kind: 'item', where: "json_extract(value_json, '$.category') = ?", args: (key) => [key] },
  item: { kind: 'lot', where: "json_extract(value_json, '$.gtin') = ?", args: (key) => [key] },
  lot: { kind: 'stock', where: "json_extract(value_json, '$.gtin') = ? AND json_extract(value_json, '$.batch') = ?", args: (key) => [key.slice(0, 14), key.slice(15)] }, // gtin14/batch: a batch may hold '/'
  location: { kind: 'stock', where: "json_extract(value_json, '$.location') = ?", args: (key) => [key] },
};

const toRecord = <K extends MasterDataKind>(row: Row): StoredRecord<K> => ({
  kind: row.kind as K, key: row.key, version: row.version, value: JSON.parse(row.value_json!) as MasterRecordOf[K],
  createdAt: row.created_at, updatedAt: row.updated_at, updatedBy: row.updated_by,
});

export class SqliteMasterDataStore implements MasterDataStore {
  readonly #db: SqliteDatabase;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #listeners = new Set<MasterDataListener>();
  readonly #onListenerError: (error: unknown) => void;
  readonly #sql;

  constructor(db: SqliteDatabase, clock: Pick<Clock, 'now'>, options: { onListenerError?: (error: unknown) => void } = {}) {
    this.#db = db;
    this.#clock = clock;
    this.#onListenerError = options.onListenerError ?? (() => {});
    this.#sql = {
      version: db.prepare('SELECT COALESCE(MAX(version), 0) FROM master_record').pluck(),
      any: db.prepare('SELECT 1 FROM master_record LIMIT 1').pluck(),
      get: db.prepare('SELECT * FROM master_record WHERE kind = ? AND key = ?'),
      list: db.prepare('SELECT * FROM master_record WHERE kind = ? AND deleted = 0 ORDER BY key'),
      counts: db.prepare('SELECT kind, COUNT(*) AS n FROM master_record WHERE deleted = 0 GROUP BY kind'),
      since: db.prepare('SELECT kind, key, version, value_json FROM master_record WHERE version > ? ORDER BY version LIMIT ?'),
      upsert: db.prepare(`INSERT INTO master_record (kind, key, version, value_json, deleted, created_at, updated_at, updated_by)
        VALUES (@kind, @key, @version, @value_json, @deleted, @at, @at, @by)
        ON CONFLICT (kind, key) DO UPDATE SET version = @version, value_json = @value_json, deleted = @deleted, updated_at = @at, updated_by = @by`),
    };
  }

  version(): number {
    return this.#sql.version.get() as number;
  }

  get<K extends MasterDataKind>(kind: K, key: string): StoredRecord<K> | undefined {
    const row = this.#sql.get.get(kind, key) as Row | undefined;
    return row && !row.deleted ? toRecord<K>(row) : undefined;
  }

  list<K extends MasterDataKind>(kind: K): StoredRecord<K>[] {
    return (this.#sql.list.all(kind) as Row[]).map((row) => toRecord<K>(row));
  }

  counts(): Record<MasterDataKind, number> {
    const counts = Object.fromEntries(masterDataKinds.map((kind) => [kind, 0])) as Record<MasterDataKind, number>;
    for (const { kind, n } of this.#sql.counts.all() as Array<{ kind: MasterDataKind; n: number }>) counts[kind] = n;
    return counts;
  }

  changesSince(version: number, limit: number): MasterDataChange[] {
    return (this.#sql.since.all(version, limit) as Row[]).map((row) => ({
      kind: row.kind, key: row.key, version: row.version,
      ...(row.value_json === null ? {} : { value: JSON.parse(row.value_json) as Record<string, unknown> }),
    }));
  }

  put<K extends MasterDataKind>(kind: K, value: unknown, options: { by: string; key?: string }): PutOutcome<K> {
    const outcome = this.#db.transaction(() => this.#put(kind, value, options)).immediate();
    if (outcome.changed) this.#notify([this.#changeOf(outcome.record)]);
    return outcome;
  }

  delete(kind: MasterDataKind, key: string, { by }: { by: string }): { key: string; version: number } {
    const version = this.#db.transaction(() => {
      const current = this.get(kind, key);
      if (!current) throw new UnknownMasterRecordError(kind, key);
      const referrer = REFERRERS[kind];
      if (referrer) {
        const usedBy = this.#db.prepare(`SELECT key FROM master_record WHERE kind = ? AND deleted = 0 AND ${referrer.where} ORDER BY key`)
          .pluck().all(referrer.kind, ...referrer.args(key)) as string[];
        if (usedBy.length > 0) {
          const shown = usedBy.length > 10 ? `${usedBy.slice(0, 10).join(', ')} and ${usedBy.length - 10} more` : usedBy.join(', ');
          throw new MasterDataInUseError(kind, key, usedBy,
            `${kind} "${key}" is still used by ${usedBy.length} ${referrer.kind} record(s): ${shown}; delete or change those first`);
        }
      }
      const next = this.version() + 1;
      this.#sql.upsert.run({ kind, key, version: next, value_json: null, deleted: 1, at: this.#clock.now(), by });
      return next;
    }).immediate();
    this.#notify([{ kind, key, version }]);
    return { key, version };
  }

  quarantineLot(gtin: string, batch: string, reason: string, { by }: { by: string }): PutOutcome<'lot'> {
    const lot = this.#lot(gtin, batch);
    return this.put('lot', { ...lot, status: 'quarantined', reason, quarantinedAt: this.#clock.now() } satisfies LotRecord, { by });
  }

  releaseLot(gtin: string, batch: string, { by }: { by: string }): PutOutcome<'lot'> {
    const { reason: _reason, quarantinedAt: _at, ...lot } = this.#lot(gtin, batch);
    return this.put('lot', { ...lot, status: 'released' } satisfies LotRecord, { by });
  }

  seed(records: readonly MasterRecordInput[], { by }: { by: string }): { version: number; records: number } | undefined {
    const ordered = [...records].sort((a, b) => SEED_ORDER.indexOf(a.kind) - SEED_ORDER.indexOf(b.kind));
    const outcomes = this.#db.transaction(() => {
      if (this.#sql.any.get() !== undefined) return undefined;
      return ordered.map((record, i) => {
        try {
          return this.#put(record.kind, record.value, { by, key: record.key });
        } catch (error) {
          // Say which record: the seed file has many of each kind.
          const at = record.key ?? `#${i}`;
          if (error instanceof MasterDataInvalidError) throw new MasterDataInvalidError(record.kind, error.problems.map((p) => ({ path: `${at}.${p.path}`, message: p.message })));
          if (error instanceof MasterDataReferenceError) throw new MasterDataReferenceError(record.kind, `${at}.${error.field}`, error.message);
          throw error;
        }
      });
    }).immediate();
    if (!outcomes) return undefined;
    const changed = outcomes.filter((o) => o.changed);
    if (changed.length > 0) this.#notify(changed.map((o) => this.#changeOf(o.record)));
    return { version: this.version(), records: changed.length };
  }

  onChange(listener: MasterDataListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #lot(gtin: string, batch: string): LotRecord {
    const lot = this.get('lot', `${gtin}/${batch}`);
    if (!lot) throw new UnknownMasterRecordError('lot', `${gtin}/${batch}`);
    return lot.value;
  }

  /** Inside a transaction. */
  #put<K extends MasterDataKind>(kind: K, value: unknown, { by, key }: { by: string; key?: string }): PutOutcome<K> {
    const schema = masterRecordSchemas[kind];
    if (!schema) throw new MasterDataInvalidError(kind, [{ path: 'kind', message: `"${String(kind)}" is not a kind; expected one of ${masterDataKinds.join(', ')}` }]);
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new MasterDataInvalidError(kind, parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(record)', message: issue.message })));
    }
    const record = parsed.data as MasterRecordOf[K];
    const recordKey = masterKeyOf(kind, record);
    if (key !== undefined && key !== recordKey) {
      throw new MasterDataInvalidError(kind, [{ path: 'key', message: `"${key}" is not this record's key "${recordKey}"; put it at /api/master-data/${kind}/${encodeURIComponent(recordKey)}` }]);
    }
    this.#checkReferences(kind, record);
    const valueJson = JSON.stringify(record);
    const current = this.#sql.get.get(kind, recordKey) as Row | undefined;
    if (current && !current.deleted && current.value_json === valueJson) {
      return { key: recordKey, version: current.version, changed: false, record: toRecord<K>(current) };
    }
    const version = this.version() + 1;
    const at = this.#clock.now();
    this.#sql.upsert.run({ kind, key: recordKey, version, value_json: valueJson, deleted: 0, at, by });
    return { key: recordKey, version, changed: true, record: toRecord<K>(this.#sql.get.get(kind, recordKey) as Row) };
  }

  #checkReferences(kind: MasterDataKind, record: MasterRecordOf[MasterDataKind]): void {
    const need = (field: string, target: MasterDataKind, key: string, fix: string) => {
      if (!this.get(target, key)) throw new MasterDataReferenceError(kind, field, `${field}: there is no ${target} "${key}"; ${fix}`);
    };
    if (kind === 'item') {
      const { category } = record as MasterRecordOf['item'];
      need('category', 'category', category, `put the category first (PUT /api/master-data/category/${category})`);
    } else if (kind === 'lot') {
      const { gtin } = record as MasterRecordOf['lot'];
      need('gtin', 'item', gtin, `put the item first (PUT /api/master-data/item/${gtin})`);
    } else if (kind === 'stock') {
      const { gtin, batch, location } = record as MasterRecordOf['stock'];
      need('batch', 'lot', `${gtin}/${batch}`, 'put the lot first');
      need('location', 'location', location, `put the location first (PUT /api/master-data/location/${location})`);
    }
  }

  #changeOf(record: StoredRecord): MasterDataChange {
    return { kind: record.kind, key: record.key, version: record.version, value: record.value as Record<string, unknown> };
  }

  #notify(changes: MasterDataChange[]): void {
    for (const listener of this.#listeners) {
      try {
        listener(changes);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}
