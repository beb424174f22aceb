/**
 * The gateway's offline master-data cache (issue 6): items, lots, locations, operators, stock and
 * devices the scan decider and the device broker read, kept in a SQLite file so they outlive the
 * cloud being away and the gateway restarting. Lookups are answered from in-memory indexes
 * (master-data-index.ts) built at open and updated after each committed change.
 *
 * The cloud sends changes with `masterdata.sync` (connectors/edge-link/master-data-sync.ts,
 * docs/gateway-commands.md): a chunk applies in one transaction only on top of the version held,
 * else it is refused with VERSION_GAP naming that version; a chunk with a bad record changes
 * nothing and names every problem (`changes[3].value.expiry`). A seed file fills an empty cache
 * at version 0 so a site can scan before the cloud has ever been reached.
 *
 * Durability as the outbox (sqlite-outbox.ts): WAL with synchronous=FULL, so an acknowledged
 * chunk is still there after a power cut and the cloud never has to guess what a gateway holds.
 */
import Database from 'better-sqlite3';
import { formatPath } from '../../config/config-error.ts';
import {
  masterDataKinds, masterKeyOf, masterRecordSchemas,
  type LocationRecord, type MasterDataKind, type MasterRecordOf,
} from '../../config/master-data-schema.ts';
import { systemClock, type Clock } from '../../connectors/clock.ts';
import {
  masterDataSyncArgsSchema,
  type CommandProblem, type MasterDataReport, type MasterDataSyncResult,
} from '../../connectors/edge-link/index.ts';
import type { MasterDataView } from '../scanning/scan-ports.ts';
import { MasterDataIndex } from './master-data-index.ts';

/** One record changed (value) or deleted (no value), as listeners hear it after a commit. */
export interface MasterDataChangeNotice {
  kind: MasterDataKind;
  key: string;
  value?: MasterRecordOf[MasterDataKind];
}

export type MasterDataSyncOutcome =
  | { ok: true; result: MasterDataSyncResult }
  | { ok: false; code: 'VERSION_GAP' | 'BAD_ARGS'; message: string; problems?: CommandProblem[] };

export interface MasterDataStats {
  version: number;
  counts: Record<MasterDataKind, number>;
  /** When the last chunk was applied (ms since the epoch); null before the first sync. */
  lastSyncAt: number | null;
  /** Chunks applied and refused since open. */
  applied: number;
  refused: number;
}

export interface MasterDataCache extends MasterDataView {
  /** Applies one `masterdata.sync` chunk (args unchecked): all of it, or nothing and why. */
  applySync(args: unknown): MasterDataSyncOutcome;
  /**
   * Fills an empty cache that never synced (version 0) with a seed file's records, at version 0;
   * returns how many were stored (0 when the cache already holds anything). Throws on a bad record.
   */
  seed(records: ReadonlyArray<{ kind: MasterDataKind; key: string; value: unknown }>): number;
  /** Called after each committed change (a device disabled: the broker drops its session). Returns an unsubscribe. */
  onChange(listener: (changes: MasterDataChangeNotice[]) => void): () => void;
  /** For the gateway's config report (`masterData`). */
  report(): MasterDataReport;
  stats(): MasterDataStats;
  locations(): readonly LocationRecord[];
  close(): void;
}

export interface MasterDataCacheOptions {
  /** The SQLite file, e.g. `<dataDir>/master-data.sqlite`. */
  path: string;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  /** For lastSyncAt; default the system clock. */
  clock?: Clock;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS master_records (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  version INTEGER NOT NULL,
  value_json TEXT NOT NULL,
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS master_meta (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
`;

/** Problems listed in a refusal's message (all of them are in `problems`). */
const MESSAGE_PROBLEMS = 10;
const MAX_PROBLEMS = 100;

/** A change checked and its value normalised by its record schema (defaults filled). */
interface CheckedChange {
  kind: MasterDataKind;
  key: string;
  version: number;
  value?: MasterRecordOf[MasterDataKind];
}

export function openMasterDataCache(options: MasterDataCacheOptions): MasterDataCache {
  return new SqliteMasterDataCache(options);
}

/** `N problem(s), nothing changed: path: message; ...` for a refusal's message. */
export function describeProblems(problems: readonly CommandProblem[]): string {
  const shown = problems.slice(0, MESSAGE_PROBLEMS).map((p) => `${p.path || '(args)'}: ${p.message}`).join('; ');
  const more = problems.length > MESSAGE_PROBLEMS ? `; and ${problems.length - MESSAGE_PROBLEMS} more` : '';
  return `${problems.length} problem${problems.length === 1 ? '' : 's'}, nothing changed: ${shown}${more}`;
}

export class SqliteMasterDataCache implements MasterDataCache {
  readonly #db: Database.Database;
  readonly #o: MasterDataCacheOptions;
  readonly #clock: Clock;
  readonly #index = new MasterDataIndex();
  readonly #listeners = new Set<(changes: MasterDataChangeNotice[]) => void>();
  readonly #write: (changes: readonly CheckedChange[], reset: boolean, version: number, at: number | null) => void;
  #lastSyncAt: number | null;
  #applied = 0;
  #refused = 0;

  constructor(options: MasterDataCacheOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    const db = this.#db = new Database(options.path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA);
    const upsert = db.prepare('INSERT INTO master_records (kind, key, version, value_json) VALUES (?, ?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET version = excluded.version, value_json = excluded.value_json');
    const remove = db.prepare('DELETE FROM master_records WHERE kind = ? AND key = ?');
    const removeAll = db.prepare('DELETE FROM master_records');
    const setMeta = db.prepare('INSERT INTO master_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
    this.#write = db.transaction((changes: readonly CheckedChange[], reset: boolean, version: number, at: number | null) => {
      if (reset) removeAll.run();
      for (const c of changes) {
        if (c.value === undefined) remove.run(c.kind, c.key);
        else upsert.run(c.kind, c.key, c.version, JSON.stringify(c.value));
      }
      setMeta.run('version', String(version));
      if (at !== null) setMeta.run('lastSyncAt', String(at));
    });

    const meta = new Map((db.prepare('SELECT name, value FROM master_meta').all() as Array<{ name: string; value: string }>).map((r) => [r.name, r.value]));
    this.#index.setVersion(Number(meta.get('version') ?? 0));
    this.#lastSyncAt = meta.has('lastSyncAt') ? Number(meta.get('lastSyncAt')) : null;
    let unreadable = 0;
    for (const row of db.prepare('SELECT kind, key, value_json FROM master_records').iterate() as IterableIterator<{ kind: MasterDataKind; key: string; value_json: string }>) {
      // Every row was validated before it was written; a row that does not read back is a damaged
      // file: skip it (a scan of it answers "unknown") rather than refuse to start.
      try {
        if (!masterDataKinds.includes(row.kind)) throw new Error(`unknown kind ${row.kind}`);
        this.#index.put(row.kind, row.key, JSON.parse(row.value_json));
      } catch (error) {
        unreadable++;
        if (unreadable <= 10) options.logger.error({ kind: row.kind, key: row.key, err: error }, 'skipped an unreadable master-data record');
      }
    }
    options.logger.info({ path: options.path, version: this.#index.version(), records: this.#index.size(), unreadable }, 'master-data cache open');
  }

  applySync(args: unknown): MasterDataSyncOutcome {
    const checked = checkSyncArgs(args);
    if (!checked.ok) return this.#refuse({ ok: false, code: 'BAD_ARGS', message: describeProblems(checked.problems), problems: checked.problems });
    const { fromVersion, toVersion, reset, changes } = checked;
    const held = this.#index.version();
    if (!reset && fromVersion !== held) {
      return this.#refuse({
        ok: false, code: 'VERSION_GAP',
        message: `this gateway holds master data version ${held}; send the changes after ${held} (this chunk starts after ${fromVersion})`,
      });
    }
    const at = this.#clock.now();
    this.#write(changes, reset, toVersion, at);

    // Committed: now the indexes, then whoever listens.
    const gone: MasterDataChangeNotice[] = [];
    if (reset) {
      const kept = new Set(changes.map((c) => `${c.kind}\u0000${c.key}`));
      for (const kind of masterDataKinds) {
        for (const key of this.#index.keys(kind)) if (!kept.has(`${kind}\u0000${key}`)) gone.push({ kind, key });
      }
      this.#index.clear();
    }
    for (const c of changes) {
      if (c.value === undefined) this.#index.remove(c.kind, c.key);
      else this.#index.put(c.kind, c.key, c.value);
    }
    this.#index.setVersion(toVersion);
    this.#lastSyncAt = at;
    this.#applied++;
    this.#o.logger.info({ fromVersion, toVersion, reset, changes: changes.length }, 'master data synced');
    this.#notify([...gone, ...changes.map(({ kind, key, value }) => (value === undefined ? { kind, key } : { kind, key, value }))]);
    return { ok: true, result: { version: toVersion, applied: changes.length } };
  }

  seed(records: ReadonlyArray<{ kind: MasterDataKind; key: string; value: unknown }>): number {
    if (this.#index.version() !== 0 || this.#index.size() > 0) return 0;
    const problems: CommandProblem[] = [];
    const changes: CheckedChange[] = [];
    records.forEach((record, i) => {
      const checked = checkRecord(record.kind, record.key, record.value, `records[${i}]`, problems);
      if (checked) changes.push({ kind: record.kind, key: record.key, version: 0, value: checked });
    });
    if (problems.length > 0) throw new Error(`cannot seed the master-data cache: ${describeProblems(problems)}`);
    this.#write(changes, false, 0, null);
    for (const c of changes) this.#index.put(c.kind, c.key, c.value!);
    this.#o.logger.info({ records: changes.length }, 'master-data cache seeded');
    this.#notify(changes.map(({ kind, key, value }) => ({ kind, key, value })));
    return changes.length;
  }

  onChange(listener: (changes: MasterDataChangeNotice[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  report(): MasterDataReport {
    return { version: this.#index.version() };
  }

  stats(): MasterDataStats {
    return { version: this.#index.version(), counts: this.#index.counts(), lastSyncAt: this.#lastSyncAt, applied: this.#applied, refused: this.#refused };
  }

  close(): void {
    this.#listeners.clear();
    if (this.#db.open) this.#db.close();
  }

  version(): number { return this.#index.version(); }
  item(gtin: string) { return this.#index.item(gtin); }
  category(id: string) { return this.#index.category(id); }
  lot(gtin: string, batch: string) { return this.#index.lot(gtin, batch); }
  lotsOf(gtin: string) { return this.#index.lotsOf(gtin); }
  location(code: string) { return this.#index.location(code); }
  operator(id: string) { return this.#index.operator(id); }
  stockOf(gtin: string) { return this.#index.stockOf(gtin); }
  device(id: string) { return this.#index.device(id); }
  locations() { return this.#index.locations(); }

  #refuse(outcome: Extract<MasterDataSyncOutcome, { ok: false }>): MasterDataSyncOutcome {
    this.#refused++;
    this.#o.logger.warn({ code: outcome.code, reason: outcome.message }, 'master-data sync refused');
    return outcome;
  }

  #notify(changes: MasterDataChangeNotice[]): void {
    if (changes.length === 0) return;
    for (const listener of this.#listeners) {
      try {
        listener(changes);
      } catch (error) {
        // A listener's bug must not undo or hide a committed sync.
        this.#o.logger.error({ err: error }, 'a master-data change listener failed');
      }
    }
  }
}

type CheckedArgs =
  | { ok: true; fromVersion: number; toVersion: number; reset: boolean; changes: CheckedChange[] }
  | { ok: false; problems: CommandProblem[] };

/** The schema, then what it cannot see: versions in order inside the chunk, keys that match their values. */
function checkSyncArgs(args: unknown): CheckedArgs {
  const parsed = masterDataSyncArgsSchema.safeParse(args);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, MAX_PROBLEMS).map((issue) => ({ path: formatPath(issue.path), message: describeIssue(issue.message, valueAt(args, issue.path)) }));
    return { ok: false, problems };
  }
  const { fromVersion, toVersion, reset, changes } = parsed.data;
  const problems: CommandProblem[] = [];
  if (reset && fromVersion !== 0) problems.push({ path: 'fromVersion', message: `found ${fromVersion}; a reset starts from 0` });
  const checked: CheckedChange[] = [];
  let previous = fromVersion;
  changes.forEach((change, i) => {
    if (change.version <= previous || change.version > toVersion) {
      problems.push({ path: `changes[${i}].version`, message: `found ${change.version}; expected above ${previous} and at most toVersion ${toVersion} (changes in version order)` });
    }
    previous = Math.max(previous, change.version);
    if (change.value === undefined) {
      checked.push({ kind: change.kind, key: change.key, version: change.version });
      return;
    }
    const value = checkRecord(change.kind, change.key, change.value, `changes[${i}]`, problems);
    if (value) checked.push({ kind: change.kind, key: change.key, version: change.version, value });
  });
  if (problems.length > 0) return { ok: false, problems: problems.slice(0, MAX_PROBLEMS) };
  return { ok: true, fromVersion, toVersion, reset, changes: checked };
}

/** A record through its kind's schema (defaults filled), with its key checked; problems under `path`. */
function checkRecord(kind: MasterDataKind, key: string, value: unknown, path: string, problems: CommandProblem[]): MasterRecordOf[MasterDataKind] | undefined {
  const schema = masterRecordSchemas[kind];
  if (!schema) {
    problems.push({ path: `${path}.kind`, message: `found ${JSON.stringify(kind)}; expected one of ${masterDataKinds.join(', ')}` });
    return undefined;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push({ path: `${path}.value${issue.path.length > 0 ? `.${formatPath(issue.path)}`.replace('.[', '[') : ''}`, message: describeIssue(issue.message, valueAt(value, issue.path)) });
    }
    return undefined;
  }
  const record = parsed.data as MasterRecordOf[MasterDataKind];
  const expected = masterKeyOf(kind, record);
  if (expected !== key) {
    problems.push({ path: `${path}.key`, message: `found "${key}"; the key of this ${kind} is "${expected}"` });
    return undefined;
  }
  return record;
}

function describeIssue(message: string, found: unknown): string {
  if (found === undefined) return message;
  const shown = JSON.stringify(found);
  return `found ${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown}; ${message}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}
