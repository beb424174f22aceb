/**
 * "Every sample in the cloud store exactly once and in order per tag" (issue 4), checked against
 * every row the gateway's outbox ever committed (outbox-audit.ts), once the gateway has stopped.
 *
 *   - The outbox is empty and dropped nothing: every row left through a PUBACK.
 *   - Every committed sample is stored, at its tag and timestamp, with the value, quality and error
 *     code that were read; every committed edge event is stored (by id).
 *   - Nothing else is stored: each stored point is a committed row, except what a DBIRTH adds on
 *     its own (below). The store keeps one point per tag and timestamp, so a row delivered twice
 *     (a replay after a crash) is stored once; a second point for one row would need another
 *     timestamp, and is caught here as a point no row has.
 *   - Per tag the history is strictly increasing in ts; the read-clock uptime (read-clock-tags.ts)
 *     strictly increases with it, so the store's order is the read order; and every read-clock
 *     slice equals the slice of the uptime read with it.
 *
 * What a DBIRTH adds: it carries each tag's cached value. Before the first read of a gateway
 * process that is a placeholder (quality bad, no value, no error code). A device's first reads
 * after a start fail with LINK_DOWN while its link comes up; the change filter reports only the
 * first, but a DBIRTH between two such reads carries the second with its own timestamp: a bad
 * point repeating the error of the row before it. Both are allowed and counted, nothing else.
 * Configuration reports (one per session) and command acknowledgements (e.g. of the
 * permissions.sync the cloud sends a gateway that comes online) are committed rows too; they are
 * counted, not looked up.
 */
import type { OutboxRecord } from '../../gateway/outbox/outbox.ts';
import { openSqliteOutbox } from '../../gateway/outbox/sqlite-outbox.ts';
import type { CloudClient } from './cloud-client.ts';
import { committedRows, type CommittedRow } from './outbox-audit.ts';
import { readClockTags, UPTIME_TAG } from './read-clock-tags.ts';
import { waitFor } from './wait-for.ts';

export interface StoredPoint { ts: number; value: unknown; quality: string; error: string | null }
interface StoredEvent { id: string; type: string; at: number }

export interface DeliveryReport {
  /** Rows the outbox committed over the gateway's life, by kind. */
  committed: { samples: number; events: number; configReports: number; acks: number };
  /** Of the committed samples, those flagged bad (LINK_DOWN while a device link came up). */
  badSamples: number;
  /** Points a DBIRTH added: placeholders and copies of a repeated bad read. */
  birthPlaceholders: number;
  birthCopies: number;
  /** Reads stored per device. */
  readsByDevice: Record<string, number>;
}

export interface ExactlyOnceOptions {
  cloud: CloudClient;
  group: string;
  edge: string;
  /** Connector names: each reads every read-clock tag. */
  devices: readonly string[];
  /** The stopped gateway's outbox file, prepared with prepareAuditedOutbox. */
  outboxPath: string;
  timeoutMs?: number;
}

/** The rows queued in an outbox file right now (the gateway stopped, or dead). */
export function queuedRows(path: string): { records: OutboxRecord[]; lastSeq: number; dropped: number } {
  const outbox = openSqliteOutbox({ path, maxBytes: 1024 * 1024 * 1024 });
  try {
    return { records: outbox.peek(10_000_000), lastSeq: outbox.lastSeq(), dropped: outbox.stats().dropped };
  } finally {
    outbox.close();
  }
}

type RowKey = Pick<OutboxRecord, 'kind' | 'device' | 'tag' | 'ts'>;

/**
 * How many of `records` (sample rows still queued in an outbox) the cloud already stores:
 * published but not yet acknowledged in the outbox, or carried by a DBIRTH. They go out again.
 */
export async function alreadyStored(cloud: CloudClient, edge: string, records: readonly RowKey[]): Promise<number> {
  const byTag = new Map<string, RowKey[]>();
  for (const r of records) {
    if (r.kind !== 'sample') continue;
    const k = key(r.device, r.tag);
    byTag.set(k, [...(byTag.get(k) ?? []), r]);
  }
  let stored = 0;
  for (const rows of byTag.values()) {
    const { device, tag } = rows[0]!;
    const from = Math.min(...rows.map((r) => r.ts));
    const to = Math.max(...rows.map((r) => r.ts));
    const history = await cloud.getJson<{ points: StoredPoint[] }>(
      `/api/telemetry/history?edge=${encodeURIComponent(edge)}&device=${encodeURIComponent(device)}&tag=${encodeURIComponent(tag)}&from=${from}&to=${to}&limit=100000`,
    ).catch(() => ({ points: [] as StoredPoint[] })); // 404: nothing of that tag stored yet
    const at = new Set(history.points.map((p) => p.ts));
    stored += rows.filter((r) => at.has(r.ts)).length;
  }
  return stored;
}

const isPlaceholder = (p: StoredPoint) => p.quality === 'bad' && p.value === null && p.error === null;
const key = (device: string, tag: string) => `${device}\u0000${tag}`;

async function storedEvents(options: ExactlyOnceOptions): Promise<StoredEvent[]> {
  const path = `/api/gateways/${encodeURIComponent(options.group)}/${encodeURIComponent(options.edge)}/events?limit=1000`;
  const { events } = await options.cloud.getJson<{ events: StoredEvent[] }>(path);
  if (events.length >= 1000) throw new Error(`${path} answered its limit of 1000 events: expected fewer in a test`);
  return events;
}

async function storedHistories(options: ExactlyOnceOptions, tags: ReadonlyArray<{ device: string; tag: string }>): Promise<Map<string, StoredPoint[]>> {
  const histories = new Map<string, StoredPoint[]>();
  for (const { device, tag } of tags) {
    const { points } = await options.cloud.getJson<{ points: StoredPoint[] }>(
      `/api/telemetry/history?edge=${encodeURIComponent(options.edge)}&device=${encodeURIComponent(device)}&tag=${encodeURIComponent(tag)}&limit=100000`);
    histories.set(key(device, tag), points);
  }
  return histories;
}

const describeRow = (row: CommittedRow) => `${row.device}/${row.tag} ts ${row.ts} = ${String(row.value)} ${row.quality}${row.error ? ` ${row.error}` : ''} (seq ${row.seq})`;

/** The committed samples not stored as read, and the stored points no committed sample explains. */
function compare(samples: readonly CommittedRow[], histories: Map<string, StoredPoint[]>) {
  const rowsByTag = new Map<string, CommittedRow[]>();
  for (const row of samples) {
    const k = key(row.device, row.tag);
    let rows = rowsByTag.get(k);
    if (!rows) rowsByTag.set(k, (rows = []));
    rows.push(row);
  }
  const missing: string[] = [];
  const unexplained: string[] = [];
  let birthPlaceholders = 0;
  let birthCopies = 0;
  for (const [k, rows] of rowsByTag) {
    const points = histories.get(k) ?? [];
    const pointAt = new Map(points.map((p) => [p.ts, p]));
    for (const row of rows) {
      const point = pointAt.get(row.ts);
      if (!point) missing.push(`${describeRow(row)}: not stored`);
      else if (point.value !== row.value || point.quality !== row.quality || point.error !== row.error) {
        missing.push(`${describeRow(row)}: stored as ${String(point.value)} ${point.quality}${point.error ? ` ${point.error}` : ''}`);
      }
    }
    const rowAt = new Map(rows.map((r) => [r.ts, r]));
    const byTs = [...rows].sort((a, b) => a.ts - b.ts);
    for (const point of points) {
      if (rowAt.has(point.ts)) continue;
      if (isPlaceholder(point)) {
        birthPlaceholders++;
        continue;
      }
      const before = byTs.filter((r) => r.ts < point.ts).at(-1);
      if (point.quality !== 'good' && before && before.quality === point.quality && before.error === point.error && before.value === null && point.value === null) {
        birthCopies++;
        continue;
      }
      unexplained.push(`${k.replace('\u0000', '/')} ts ${point.ts} = ${String(point.value)} ${point.quality}`);
    }
  }
  return { missing, unexplained, birthPlaceholders, birthCopies };
}

function expectReadOrder(device: string, histories: Map<string, StoredPoint[]>): number {
  const uptime = histories.get(key(device, UPTIME_TAG))!.filter((p) => p.quality === 'good');
  for (const tag of readClockTags) {
    const points = histories.get(key(device, tag.name))!;
    for (let i = 1; i < points.length; i++) {
      if (!(points[i]!.ts > points[i - 1]!.ts)) {
        throw new Error(`${device}/${tag.name}: the stored history is not strictly increasing in ts at index ${i} (${points[i - 1]!.ts} then ${points[i]!.ts})`);
      }
    }
  }
  for (let i = 1; i < uptime.length; i++) {
    if (!((uptime[i]!.value as number) > (uptime[i - 1]!.value as number))) {
      throw new Error(`${device}/${UPTIME_TAG}: out of read order at ts ${uptime[i]!.ts}: ${String(uptime[i]!.value)} after ${String(uptime[i - 1]!.value)}`);
    }
  }
  const uptimeAt = new Map(uptime.map((p) => [p.ts, p.value as number]));
  for (const tag of readClockTags) {
    for (const p of histories.get(key(device, tag.name))!) {
      if (p.quality !== 'good') continue;
      const read = uptimeAt.get(p.ts);
      if (read === undefined) throw new Error(`${device}/${tag.name} has a good point at ts ${p.ts}, ${UPTIME_TAG} has none: one read, one timestamp expected`);
      if (p.value !== tag.expected(read)) {
        throw new Error(`${device}/${tag.name} at ts ${p.ts}: stored ${String(p.value)}, expected ${tag.expected(read)} (the slice of ${UPTIME_TAG} ${read} read with it)`);
      }
    }
  }
  return uptime.length;
}

const sample = (lines: string[]) => `${lines.slice(0, 8).join('; ')}${lines.length > 8 ? `; ... (${lines.length} in all)` : ''}`;

/** Fails saying what is wrong (missing, extra, out of order, a wrong value); returns the figures. */
export async function expectExactlyOnce(options: ExactlyOnceOptions): Promise<DeliveryReport> {
  const queued = queuedRows(options.outboxPath);
  if (queued.records.length > 0) throw new Error(`the stopped gateway's outbox still holds ${queued.records.length} rows: expected it drained before the stop`);
  if (queued.dropped > 0) throw new Error(`the outbox dropped ${queued.dropped} rows (byte budget): expected none`);
  const committed = committedRows(options.outboxPath);
  if (committed.length !== queued.lastSeq || committed.some((row, i) => row.seq !== i + 1)) {
    throw new Error(`the outbox audit holds ${committed.length} rows for seqs 1..${queued.lastSeq}: was the file prepared with prepareAuditedOutbox before the gateway first opened it?`);
  }
  const samples = committed.filter((r) => r.kind === 'sample');
  const channel = (name: string) => committed.filter((r) => r.kind === 'event' && r.device === name);
  const events = channel('event');
  const tags = [...new Map([
    ...options.devices.flatMap((device) => readClockTags.map((t) => ({ device, tag: t.name }))),
    ...samples.map((r) => ({ device: r.device, tag: r.tag })),
  ].map((t) => [key(t.device, t.tag), t])).values()];

  // The last PUBACKs can come before the ingest stored those frames: wait until everything is in.
  let histories = new Map<string, StoredPoint[]>();
  let result = compare(samples, histories);
  let stored: StoredEvent[] = [];
  let eventsMissing: CommittedRow[] = [];
  try {
    await waitFor(`${samples.length} samples and ${events.length} events in the cloud store`, async () => {
      histories = await storedHistories(options, tags);
      stored = await storedEvents(options);
      result = compare(samples, histories);
      const ids = new Set(stored.map((e) => e.id));
      eventsMissing = events.filter((e) => !ids.has(e.tag));
      return result.missing.length === 0 && eventsMissing.length === 0 ? true : undefined;
    }, { timeoutMs: options.timeoutMs ?? 30_000, intervalMs: 1000 });
  } catch {
    throw new Error(`of ${committed.length} rows committed, ${result.missing.length} samples and ${eventsMissing.length} events are not stored as committed: `
      + sample([...result.missing, ...eventsMissing.map((e) => `event ${e.tag} (seq ${e.seq}): not stored`)]));
  }
  if (result.unexplained.length > 0) {
    throw new Error(`the cloud stores ${result.unexplained.length} points that no committed row explains: ${sample(result.unexplained)}`);
  }
  const foreign = stored.filter((e) => !events.some((row) => row.tag === e.id));
  if (foreign.length > 0) throw new Error(`the cloud stores ${foreign.length} events the outbox never committed: ${foreign.map((e) => e.id).join(', ')}`);

  const readsByDevice: Record<string, number> = {};
  for (const device of options.devices) readsByDevice[device] = expectReadOrder(device, histories);
  return {
    committed: { samples: samples.length, events: events.length, configReports: channel('config').length, acks: channel('ack').length },
    badSamples: samples.filter((r) => r.quality !== 'good').length,
    birthPlaceholders: result.birthPlaceholders,
    birthCopies: result.birthCopies,
    readsByDevice,
  };
}
