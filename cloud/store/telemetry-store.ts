/**
 * The cloud's telemetry store: metric definitions from Sparkplug births (with their aliases, so a
 * cloud restart keeps resolving DDATA), an idempotent sample history and each tag's latest value.
 * SQLite through better-sqlite3; statements are prepared once, each batch is one transaction.
 */
import type { Statement, Transaction } from 'better-sqlite3';
import { openDatabase, type SqliteDatabase } from './database.ts';
import { migrate } from './migrations.ts';

export type TelemetryQuality = 'good' | 'uncertain' | 'bad';
export type TelemetryScalar = number | boolean | string | null;

export interface TelemetryPoint {
  group: string;
  edge: string;
  device: string;
  tag: string;
  value: TelemetryScalar;
  quality: TelemetryQuality;
  /** Source timestamp, ms since the Unix epoch. */
  ts: number;
  /**
   * Why the value is not good: a stable code such as LINK_DOWN or TIMEOUT (the gateway's
   * connectors/errors.ts). Not stored for a good point: a good reading has no error.
   */
  error?: string | null;
}

export interface MetricDefinition {
  group: string;
  edge: string;
  device: string;
  tag: string;
  /** Sparkplug alias, unique within the edge node; a new owner takes it from the old one. */
  alias?: number;
  /** Sparkplug datatype name ('Int32', 'Double', ...). */
  datatype: string;
  /** Engineering unit. `undefined` keeps what is stored, `null` clears it. */
  unit?: string | null;
  /** How the gateway reads the device ('modbus', 's7', ...). `undefined` keeps, `null` clears. */
  protocol?: string | null;
}

export interface LatestValue extends TelemetryPoint {
  /** null when good or when the sender gave no reason. */
  error: string | null;
  protocol: string | null;
  unit: string | null;
  datatype: string;
}

export interface LatestFilter {
  group?: string;
  edge?: string;
  device?: string;
  tag?: string;
}

export interface HistoryQuery {
  /** Omitted: every group with this edge/device/tag. */
  group?: string;
  edge: string;
  device: string;
  tag: string;
  /** Inclusive, ms since the Unix epoch. */
  from?: number;
  /** Inclusive, ms since the Unix epoch. */
  to?: number;
  /** Default 10000; when more match, the newest are kept. */
  limit?: number;
}

export interface HistoryPoint {
  ts: number;
  value: TelemetryScalar;
  quality: TelemetryQuality;
  /** null when good or when the sender gave no reason. */
  error: string | null;
}

export interface TelemetryStore {
  /** Upsert definitions (from births), in one transaction. */
  defineMetrics(defs: MetricDefinition[]): void;
  /** The metric an alias names on an edge node, from births (persisted across restarts). */
  resolveAlias(group: string, edge: string, alias: number): MetricDefinition | undefined;
  /**
   * Store samples in one transaction. Idempotent: a sample already stored for the same tag and ts
   * is counted as a duplicate and changes nothing. The latest value moves only to a newer ts.
   * A point for a tag never defined defines it, with a datatype guessed from the value.
   */
  insertSamples(points: TelemetryPoint[]): { inserted: number; duplicates: number };
  /**
   * Latest value of every defined tag, ordered by group, edge, device, tag. A tag defined but
   * never sampled appears with value null, quality 'uncertain', error null and ts = when it was defined.
   */
  latest(filter?: LatestFilter): LatestValue[];
  /** Samples in ascending ts. */
  history(q: HistoryQuery): HistoryPoint[];
  counts(): { samples: number; tags: number };
  close(): void;
}

export const DEFAULT_HISTORY_LIMIT = 10_000;

// ---- value and quality encoding (see migrations/001-telemetry.ts, 002-sample-error.ts) --------

const VTYPE_NULL = 0;
const VTYPE_NUMBER = 1;
const VTYPE_BOOLEAN = 2;
const VTYPE_STRING = 3;

const qualityCodes: Readonly<Record<TelemetryQuality, number>> = { good: 0, uncertain: 1, bad: 2 };
const qualityNames: readonly TelemetryQuality[] = ['good', 'uncertain', 'bad'];

const vtypeOf: Readonly<Record<string, number>> = {
  number: VTYPE_NUMBER, boolean: VTYPE_BOOLEAN, string: VTYPE_STRING,
};

function storedValue(value: TelemetryScalar): number | string | null {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

function readValue(vtype: number | null, value: number | string | null): TelemetryScalar {
  switch (vtype) {
    case VTYPE_NUMBER: return value === null ? Number.NaN : (value as number); // SQLite stores NaN as NULL
    case VTYPE_BOOLEAN: return value === 1;
    case VTYPE_STRING: return value as string;
    default: return null;
  }
}

/** Datatype for a tag first seen in a sample rather than a birth. */
function guessDatatype(value: TelemetryScalar): string {
  if (typeof value === 'boolean') return 'Boolean';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'number') return 'Double';
  return 'Unknown';
}

function checkPoint(point: TelemetryPoint, index: number): void {
  const { value, quality, ts, error } = point;
  if (value !== null && vtypeOf[typeof value] === undefined) {
    throw new TypeError(`Telemetry point #${index} (${point.device}/${point.tag}): value must be a number, boolean, string or null, got ${typeof value}`);
  }
  if (qualityCodes[quality] === undefined) {
    throw new TypeError(`Telemetry point #${index} (${point.device}/${point.tag}): quality must be good, uncertain or bad, got ${String(quality)}`);
  }
  if (!Number.isSafeInteger(ts)) {
    throw new TypeError(`Telemetry point #${index} (${point.device}/${point.tag}): ts must be integer milliseconds since the epoch, got ${ts}`);
  }
  if (error !== undefined && error !== null && typeof error !== 'string') {
    throw new TypeError(`Telemetry point #${index} (${point.device}/${point.tag}): error must be a string code or null, got ${typeof error}`);
  }
}

/** What is stored as a point's error: nothing for a good point or an empty code. */
function storedError(point: TelemetryPoint): string | null {
  return point.quality === 'good' || !point.error ? null : point.error;
}

function key(...parts: string[]): string {
  return parts.join('\u0000');
}

// ---- rows --------------------------------------------------------------------------------------

interface MetricRow {
  grp: string; edge: string; device: string; tag: string; alias: number | null;
  datatype: string; unit: string | null; protocol: string | null;
}
interface LatestRow extends MetricRow {
  defined_at: number; latest_ts: number | null; latest_vtype: number | null;
  latest_value: number | string | null; latest_quality: number | null; latest_error: string | null;
}
interface SampleRow { ts: number; vtype: number; value: number | string | null; quality: number; error: string | null }

function definitionOf(row: MetricRow): MetricDefinition {
  const def: MetricDefinition = {
    group: row.grp, edge: row.edge, device: row.device, tag: row.tag,
    datatype: row.datatype, unit: row.unit, protocol: row.protocol,
  };
  if (row.alias !== null) def.alias = row.alias;
  return def;
}

export class SqliteTelemetryStore implements TelemetryStore {
  readonly #db: SqliteDatabase;
  readonly #sql: {
    upsertMetric: Statement;
    releaseAlias: Statement;
    metricId: Statement;
    insertImplicitMetric: Statement;
    insertSample: Statement;
    aliasLookup: Statement;
    latest: Statement;
    history: Statement;
    countMetrics: Statement;
  };
  /** group/edge/device/tag -> metric id. Only this process writes the file. */
  readonly #metricIds = new Map<string, number>();
  /** group/edge/alias -> definition, filled from births and on lookup. */
  readonly #aliases = new Map<string, MetricDefinition>();
  #sampleCount: number;
  #closed = false;
  readonly #defineTx: Transaction<(defs: MetricDefinition[]) => Array<[string, number]>>;
  readonly #insertTx: Transaction<(points: TelemetryPoint[], created: string[]) => { inserted: number; duplicates: number }>;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    migrate(db);
    this.#sql = {
      upsertMetric: db.prepare(`
        INSERT INTO metric (grp, edge, device, tag, alias, datatype, unit, protocol, defined_at)
        VALUES (@group, @edge, @device, @tag, @alias, @datatype, @unit, @protocol, @now)
        ON CONFLICT (grp, edge, device, tag) DO UPDATE SET
          alias = CASE WHEN @aliasGiven THEN excluded.alias ELSE metric.alias END,
          datatype = excluded.datatype,
          unit = CASE WHEN @unitGiven THEN excluded.unit ELSE metric.unit END,
          protocol = CASE WHEN @protocolGiven THEN excluded.protocol ELSE metric.protocol END,
          defined_at = excluded.defined_at
        RETURNING id`),
      releaseAlias: db.prepare(`
        UPDATE metric SET alias = NULL
        WHERE grp = @group AND edge = @edge AND alias = @alias AND NOT (device = @device AND tag = @tag)`),
      metricId: db.prepare('SELECT id FROM metric WHERE grp = ? AND edge = ? AND device = ? AND tag = ?').pluck(),
      insertImplicitMetric: db.prepare(`
        INSERT INTO metric (grp, edge, device, tag, datatype, defined_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`).pluck(),
      insertSample: db.prepare('INSERT OR IGNORE INTO sample (metric_id, ts, vtype, value, quality, error) VALUES (?, ?, ?, ?, ?, ?)'),
      aliasLookup: db.prepare(`
        SELECT grp, edge, device, tag, alias, datatype, unit, protocol FROM metric
        WHERE grp = ? AND edge = ? AND alias = ?`),
      latest: db.prepare(`
        SELECT m.grp, m.edge, m.device, m.tag, m.alias, m.datatype, m.unit, m.protocol, m.defined_at,
               s.ts AS latest_ts, s.vtype AS latest_vtype, s.value AS latest_value, s.quality AS latest_quality,
               s.error AS latest_error
        FROM metric m
        LEFT JOIN sample s ON s.metric_id = m.id AND s.ts = (SELECT max(ts) FROM sample WHERE metric_id = m.id)
        WHERE (@group IS NULL OR m.grp = @group) AND (@edge IS NULL OR m.edge = @edge)
          AND (@device IS NULL OR m.device = @device) AND (@tag IS NULL OR m.tag = @tag)
        ORDER BY m.grp, m.edge, m.device, m.tag`),
      history: db.prepare(`
        SELECT ts, vtype, value, quality, error FROM (
          SELECT ts, vtype, value, quality, error FROM sample
          WHERE metric_id IN (
                  SELECT id FROM metric
                  WHERE edge = @edge AND device = @device AND tag = @tag AND (@group IS NULL OR grp = @group))
            AND ts >= @from AND ts <= @to
          ORDER BY ts DESC
          LIMIT @limit)
        ORDER BY ts ASC`),
      countMetrics: db.prepare('SELECT count(*) FROM metric').pluck(),
    };
    // Counted once here, then kept by insertSamples: count(*) over millions of samples is too slow
    // for a health endpoint.
    this.#sampleCount = db.prepare('SELECT count(*) FROM sample').pluck().get() as number;
    this.#defineTx = db.transaction((defs: MetricDefinition[]) => this.#define(defs));
    this.#insertTx = db.transaction((points: TelemetryPoint[], created: string[]) => this.#insert(points, created));
  }

  defineMetrics(defs: MetricDefinition[]): void {
    const ids = this.#defineTx.immediate(defs);
    // Caches change only once the transaction committed. A birth may move aliases between
    // metrics; births are rare, so the alias cache simply starts over and refills on lookup.
    for (const [metricKey, id] of ids) this.#metricIds.set(metricKey, id);
    this.#aliases.clear();
  }

  #define(defs: MetricDefinition[]): Array<[string, number]> {
    const now = Date.now();
    const ids: Array<[string, number]> = [];
    for (const def of defs) {
      if (def.alias !== undefined) {
        this.#sql.releaseAlias.run({ group: def.group, edge: def.edge, device: def.device, tag: def.tag, alias: def.alias });
      }
      const row = this.#sql.upsertMetric.get({
        group: def.group, edge: def.edge, device: def.device, tag: def.tag,
        alias: def.alias ?? null, aliasGiven: def.alias !== undefined ? 1 : 0,
        datatype: def.datatype,
        unit: def.unit ?? null, unitGiven: def.unit !== undefined ? 1 : 0,
        protocol: def.protocol ?? null, protocolGiven: def.protocol !== undefined ? 1 : 0,
        now,
      }) as { id: number };
      ids.push([key(def.group, def.edge, def.device, def.tag), row.id]);
    }
    return ids;
  }

  resolveAlias(group: string, edge: string, alias: number): MetricDefinition | undefined {
    const cacheKey = key(group, edge, String(alias));
    const cached = this.#aliases.get(cacheKey);
    if (cached !== undefined) return cached;
    const row = this.#sql.aliasLookup.get(group, edge, alias) as MetricRow | undefined;
    if (row === undefined) return undefined; // not cached: a later birth may define it
    const def = definitionOf(row);
    this.#aliases.set(cacheKey, def);
    return def;
  }

  insertSamples(points: TelemetryPoint[]): { inserted: number; duplicates: number } {
    const created: string[] = [];
    try {
      const result = this.#insertTx.immediate(points, created);
      this.#sampleCount += result.inserted;
      return result;
    } catch (error) {
      for (const metricKey of created) this.#metricIds.delete(metricKey); // rolled back with the batch
      throw error;
    }
  }

  #metricIdFor(point: TelemetryPoint, created: string[]): number {
    const metricKey = `${point.group}\u0000${point.edge}\u0000${point.device}\u0000${point.tag}`;
    let id = this.#metricIds.get(metricKey);
    if (id === undefined) {
      id = this.#sql.metricId.get(point.group, point.edge, point.device, point.tag) as number | undefined;
      if (id === undefined) {
        id = this.#sql.insertImplicitMetric.get(
          point.group, point.edge, point.device, point.tag, guessDatatype(point.value), Date.now(),
        ) as number;
        created.push(metricKey);
      }
      this.#metricIds.set(metricKey, id);
    }
    return id;
  }

  #insert(points: TelemetryPoint[], created: string[]): { inserted: number; duplicates: number } {
    let inserted = 0;
    const insertSample = this.#sql.insertSample;
    for (let i = 0; i < points.length; i++) {
      const point = points[i];
      checkPoint(point, i);
      const id = this.#metricIdFor(point, created);
      const value = point.value;
      const vtype = value === null ? VTYPE_NULL : vtypeOf[typeof value];
      inserted += insertSample.run(id, point.ts, vtype, storedValue(value), qualityCodes[point.quality], storedError(point)).changes;
    }
    return { inserted, duplicates: points.length - inserted };
  }

  latest(filter: LatestFilter = {}): LatestValue[] {
    const rows = this.#sql.latest.all({
      group: filter.group ?? null, edge: filter.edge ?? null, device: filter.device ?? null, tag: filter.tag ?? null,
    }) as LatestRow[];
    return rows.map((row) => ({
      group: row.grp,
      edge: row.edge,
      device: row.device,
      tag: row.tag,
      value: row.latest_ts === null ? null : readValue(row.latest_vtype, row.latest_value),
      quality: row.latest_ts === null ? 'uncertain' : qualityNames[row.latest_quality ?? 1],
      ts: row.latest_ts ?? row.defined_at,
      error: row.latest_error,
      protocol: row.protocol,
      unit: row.unit,
      datatype: row.datatype,
    }));
  }

  history(q: HistoryQuery): HistoryPoint[] {
    const limit = Math.max(0, Math.floor(q.limit ?? DEFAULT_HISTORY_LIMIT));
    if (limit === 0) return [];
    const rows = this.#sql.history.all({
      group: q.group ?? null, edge: q.edge, device: q.device, tag: q.tag,
      from: q.from ?? Number.MIN_SAFE_INTEGER, to: q.to ?? Number.MAX_SAFE_INTEGER, limit,
    }) as SampleRow[];
    return rows.map((row) => ({
      ts: row.ts, value: readValue(row.vtype, row.value), quality: qualityNames[row.quality], error: row.error,
    }));
  }

  counts(): { samples: number; tags: number } {
    return { samples: this.#sampleCount, tags: this.#sql.countMetrics.get() as number };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}

/** Open (creating and migrating as needed) the telemetry store in a SQLite file. */
export function openTelemetryStore(file: string): TelemetryStore {
  const db = openDatabase(file);
  try {
    return new SqliteTelemetryStore(db);
  } catch (error) {
    db.close();
    throw error;
  }
}
