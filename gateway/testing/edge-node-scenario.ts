/**
 * One realistic life of an edge node against a real broker, every message captured raw: a
 * store-and-forward backlog replayed as historical, live data, a burst larger than the outbox's
 * byte budget (rows dropped: NDATA reports the changed Outbox figures), a quiet spell of several
 * status intervals (no NDATA: nothing changed), a device link lost (DDEATH), an NCMD rebirth while
 * it is down (its DBIRTH with null LINK_DOWN values, then its DDEATH again), the link back (DBIRTH),
 * enough frames to wrap seq past 255, a connection lost (the Will NDEATH) and a new session, then
 * a clean stop. The devices carry every scalar
 * datatype the metric catalogue accepts, with values at the edges of each range, nulls with Quality
 * and errorCode, values that do not fit their datatype, and engUnit/protocol properties.
 *
 * The Tahu cross-check and the spec-rule tests both read one run; `marks` tell where each step began.
 */
import type { TagScalar, TagValue } from '../../connectors/connector.ts';
import { decodePayload, encodePayload, sparkplugStateTopic, sparkplugTopic, type ScalarDataTypeName } from '../../connectors/sparkplug/index.ts';
import {
  nodeMetricAliases, OUTBOX_BACKLOG_METRIC, OUTBOX_BYTES_METRIC, OUTBOX_DROPPED_METRIC, OUTBOX_MAX_BYTES_METRIC, OUTBOX_ROWS_METRIC,
  type CatalogDevice,
} from '../north/metric-catalog.ts';
import { connectWithMqttJs, type MqttSession } from '../north/mqtt-port.ts';
import { SparkplugEdgeNode, type EdgeNodeStats } from '../north/sparkplug-edge-node.ts';
import type { OutboxInput } from '../outbox/outbox.ts';
import { SqliteOutbox } from '../outbox/sqlite-outbox.ts';
import { until } from './edge-node-fixture.ts';
import { captureSparkplug, retainedMessages, type RawCapture, type RawFrame } from './raw-sparkplug-capture.ts';

export const SCENARIO_GROUP = 'cold-chain';
export const SCENARIO_EDGE = 'gw-7';
export const SCENARIO_CLIENT_ID = 'edge-scenario';
/** The device whose link goes down and comes back. */
export const FLAKY_DEVICE = 'dock-door';
/** The device whose tags carry every scalar datatype. */
export const TYPED_DEVICE = 'line-1';
/** The node looks at its Outbox figures this often, and publishes NDATA only when they changed. */
export const SCENARIO_STATUS_INTERVAL_MS = 250;
/** The 'quiet' step: this long without any new row, so without any NDATA. */
export const SCENARIO_QUIET_MS = 4 * SCENARIO_STATUS_INTERVAL_MS;
/** The outbox's byte budget: every step fits in it but the 'status' step's burst. */
export const SCENARIO_OUTBOX_MAX_BYTES = 256 * 1024;
/** The 'status' step's burst: about 75 bytes a row, more than SCENARIO_OUTBOX_MAX_BYTES in all. */
const BURST_ROWS = 4000;

export const scalarTypes: readonly ScalarDataTypeName[] = [
  'Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64',
  'Float', 'Double', 'Boolean', 'String', 'DateTime', 'Text', 'UUID',
];

/** Values at and inside the limits of each datatype, as connectors hand them over. */
export const edgeValues: Readonly<Record<ScalarDataTypeName, readonly TagScalar[]>> = {
  Int8: [-128, 127, 0],
  Int16: [-32768, 32767],
  Int32: [-(2 ** 31), 2 ** 31 - 1, 1.5], // 1.5 is rounded to fit
  Int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, -1],
  UInt8: [0, 255],
  UInt16: [0, 65535],
  UInt32: [0, 2 ** 32 - 1],
  UInt64: [0, Number.MAX_SAFE_INTEGER],
  Float: [3.4028234663852886e38, -3.4028234663852886e38, 1.401298464324817e-45, 0.1, -0, Infinity],
  Double: [Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, Math.PI, -0, NaN, -Infinity],
  Boolean: [true, false],
  String: ['', 'héllo ✓ 温度 🧊', 'x'.repeat(2000)],
  DateTime: [0, 1_700_000_000_123],
  Text: ['multi\nline\ttext'],
  UUID: ['0b5c7a7e-3c41-4a34-9a43-0d8a2b6f1e11'],
};

/** Values that do not fit their datatype: sent as null with Quality 0 and errorCode OUT_OF_RANGE. */
export const unfitValues: Readonly<Partial<Record<ScalarDataTypeName, readonly TagScalar[]>>> = {
  Int8: [200], UInt8: [-1], UInt16: [70_000], Int32: [NaN], UInt32: [2 ** 32], Int64: [2 ** 60], UInt64: [-5],
  Boolean: ['yes'], DateTime: [-1],
};

const typeTag = (type: ScalarDataTypeName) => `types/${type}`;
const units: Partial<Record<ScalarDataTypeName, string>> = { Float: '°C', Double: 'kPa', Int32: 'pcs', UInt16: '%RH' };

export const scenarioDevices: readonly CatalogDevice[] = [
  {
    name: TYPED_DEVICE,
    protocol: 'modbus',
    tags: scalarTypes.map((type) => ({ name: typeTag(type), datatype: type, ...(units[type] ? { unit: units[type] } : {}) })),
  },
  { name: FLAKY_DEVICE, protocol: 's7', tags: [{ name: 'open', datatype: 'Boolean' }, { name: 'label', datatype: 'String' }] },
  { name: 'Kühlraum-3', protocol: 'opcua', tags: [{ name: 'température', datatype: 'Double', unit: '°C' }] },
];

/** What the tag cache holds when a DBIRTH is built: edge values, a bad reading, one tag never read. */
function currentValues(now: number): Map<string, TagValue> {
  const values = new Map<string, TagValue>();
  const put = (device: string, tag: string, value: TagScalar, extra: Partial<TagValue> = {}) =>
    values.set(`${device}\u0000${tag}`, { device, tag, value, quality: 'good', ts: now - 5_000, ...extra });
  for (const type of scalarTypes) put(TYPED_DEVICE, typeTag(type), edgeValues[type].at(-1)!);
  put(TYPED_DEVICE, typeTag('Double'), null, { quality: 'bad', error: 'DEVICE_EXCEPTION' });
  put(TYPED_DEVICE, typeTag('UInt16'), 65_535, { quality: 'uncertain', error: 'TIMEOUT' });
  values.delete(`${TYPED_DEVICE}\u0000${typeTag('Text')}`); // never read yet: null, Quality 0, no errorCode
  put(FLAKY_DEVICE, 'open', true);
  put(FLAKY_DEVICE, 'label', 'Tor 3');
  put('Kühlraum-3', 'température', 4.5);
  return values;
}

/** Outbox rows for every tag: each edge value, an uncertain and a bad reading, and the unfit values. */
export function scenarioRows(firstTs: number): OutboxInput[] {
  const rows: OutboxInput[] = [];
  let ts = firstTs;
  const add = (device: string, tag: string, value: TagScalar, extra: Partial<OutboxInput> = {}) =>
    rows.push({ device, tag, value, quality: 'good', ts: ts++, ...extra });
  for (const type of scalarTypes) {
    const tag = typeTag(type);
    for (const value of edgeValues[type]) add(TYPED_DEVICE, tag, value);
    add(TYPED_DEVICE, tag, edgeValues[type][0], { quality: 'uncertain', error: 'TIMEOUT' });
    add(TYPED_DEVICE, tag, null, { quality: 'bad', error: 'LINK_DOWN' });
    add(TYPED_DEVICE, tag, null, { quality: 'bad' });
    for (const value of unfitValues[type] ?? []) add(TYPED_DEVICE, tag, value);
  }
  add(FLAKY_DEVICE, 'open', false);
  add(FLAKY_DEVICE, 'label', 'Tor 3 – offen');
  add('Kühlraum-3', 'température', -18.25);
  return rows;
}

export type ScenarioStep =
  | 'start' | 'live' | 'status' | 'quiet' | 'deviceDown' | 'rebirth' | 'deviceBack' | 'wrap' | 'connectionLost' | 'secondSession' | 'stop';

export interface ScenarioOptions {
  url: string;
  username?: string;
  password?: string;
  /** Default 4 (MQTT 3.1.1). */
  protocolVersion?: 4 | 5;
  /** When set, a retained online STATE of this host is published before the node starts. */
  primaryHostId?: string;
  /** Credentials of the capturing subscriber (default: the node's). */
  observer?: { username?: string; password?: string };
}

export interface ScenarioRun {
  /** Everything published on spBv1.0/# from before the start to after the stop, STATE included. */
  frames: readonly RawFrame[];
  /** Index into `frames` where each step began. */
  marks: Readonly<Record<ScenarioStep, number>>;
  stats: EdgeNodeStats;
  /** Most MQTT sessions the node held open at the same time. */
  maxOpenSessions: number;
  /** The tag cache the births were built from. */
  currentValue: (device: string, tag: string) => TagValue | undefined;
  /** Retained messages a new subscriber found on spBv1.0/# after the run (STATE aside). */
  retainedAfter: RawFrame[];
}

const decoded = (frame: RawFrame) => decodePayload(frame.bytes);
const bdSeqOf = (frame: RawFrame) => decoded(frame).metrics.find((m) => m.name === 'bdSeq')?.value;

const figureMetrics = [OUTBOX_ROWS_METRIC, OUTBOX_BYTES_METRIC, OUTBOX_MAX_BYTES_METRIC, OUTBOX_DROPPED_METRIC, OUTBOX_BACKLOG_METRIC] as const;

/** The Outbox figures an NBIRTH or NDATA reports, by metric name (NDATA names them by alias only). */
export function outboxFigures(frame: RawFrame): Partial<Record<(typeof figureMetrics)[number], unknown>> {
  const byAlias = new Map(decoded(frame).metrics.map((m) => [m.alias, m.value]));
  return Object.fromEntries(figureMetrics.filter((name) => byAlias.has(nodeMetricAliases[name])).map((name) => [name, byAlias.get(nodeMetricAliases[name])]));
}

export async function runEdgeNodeScenario(options: ScenarioOptions): Promise<ScenarioRun> {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  try {
    return await run(options, cleanups);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

async function run(options: ScenarioOptions, cleanups: Array<() => Promise<unknown> | unknown>): Promise<ScenarioRun> {
  const observer = options.observer ?? { username: options.username, password: options.password };
  const capture: RawCapture = await captureSparkplug(options.url, observer);
  cleanups.push(() => capture.close());
  const outbox = new SqliteOutbox({ path: ':memory:', maxBytes: SCENARIO_OUTBOX_MAX_BYTES });
  cleanups.push(() => outbox.close());
  const cache = currentValues(Date.now());
  const currentValue = (device: string, tag: string) => cache.get(`${device}\u0000${tag}`);
  const marks = {} as Record<ScenarioStep, number>;
  const mark = (step: ScenarioStep) => { marks[step] = capture.frames.length; };
  const metricTimestampSeen = (ts: number, from: number) => capture.waitFor(`a DDATA metric with timestamp ${ts}`,
    (f) => f.type === 'DDATA' && decoded(f).metrics.some((m) => m.timestamp === ts), { from });

  if (options.primaryHostId !== undefined) {
    const state = new TextEncoder().encode(JSON.stringify({ online: true, timestamp: Date.now() }));
    await capture.publish(sparkplugStateTopic(options.primaryHostId), state, { qos: 1, retain: true });
  }

  // Read while the broker was unreachable: the backlog, replayed with isHistorical.
  const backlog = scenarioRows(Date.now() - 60_000);
  outbox.append(backlog);

  const sessions: MqttSession[] = [];
  let open = 0;
  let maxOpenSessions = 0;
  const node = new SparkplugEdgeNode({
    group: SCENARIO_GROUP, edge: SCENARIO_EDGE, url: options.url, username: options.username, password: options.password,
    clientId: SCENARIO_CLIENT_ID, protocolVersion: options.protocolVersion, primaryHostId: options.primaryHostId,
    keepaliveS: 10, batchSize: 100, maxMetricsPerFrame: 8, statusIntervalMs: SCENARIO_STATUS_INTERVAL_MS, replayPointsPerS: 100_000,
    reconnect: { initialDelayMs: 50, maxDelayMs: 200, jitter: 0 },
    devices: scenarioDevices, outbox, currentValue,
    connect: async (connectOptions) => {
      const session = await connectWithMqttJs(connectOptions);
      sessions.push(session);
      maxOpenSessions = Math.max(maxOpenSessions, ++open);
      void session.closed.then(() => { open--; });
      return session;
    },
  });
  cleanups.push(() => node.stop({ drainTimeoutMs: 100 }));

  mark('start');
  node.start();
  await until('the first births', () => capture.ofType('DBIRTH', marks.start).length === scenarioDevices.length);
  await until('the backlog to be replayed', () => outbox.stats().rows === 0 && node.stats().backlogRows === 0);
  await metricTimestampSeen(backlog.at(-1)!.ts, marks.start);

  mark('live');
  const live = scenarioRows(Date.now());
  outbox.append(live);
  node.notify();
  await metricTimestampSeen(live.at(-1)!.ts, marks.live);

  mark('status');
  // More than the byte budget in one append: the oldest rows of the burst are dropped. The Outbox
  // figures change (Dropped for good), so NDATA reports them; wait for the one that reports the
  // burst drained, after which nothing changes.
  const burstStart = Date.now() - BURST_ROWS;
  outbox.append(Array.from({ length: BURST_ROWS }, (_, i): OutboxInput =>
    ({ device: TYPED_DEVICE, tag: typeTag('Int32'), value: i, quality: 'good', ts: burstStart + i })));
  const { dropped } = outbox.stats();
  if (dropped === 0) throw new Error(`the burst of ${BURST_ROWS} rows fitted in the outbox's ${SCENARIO_OUTBOX_MAX_BYTES} bytes: nothing to report`);
  node.notify();
  const settled = { [OUTBOX_ROWS_METRIC]: 0, [OUTBOX_BYTES_METRIC]: 0, [OUTBOX_MAX_BYTES_METRIC]: SCENARIO_OUTBOX_MAX_BYTES, [OUTBOX_DROPPED_METRIC]: dropped, [OUTBOX_BACKLOG_METRIC]: 0 };
  await capture.waitFor(`an NDATA reporting ${dropped} rows dropped and the outbox empty`,
    (f) => f.type === 'NDATA' && JSON.stringify(outboxFigures(f)) === JSON.stringify(settled), { from: marks.status });

  mark('quiet');
  await new Promise((resolve) => setTimeout(resolve, SCENARIO_QUIET_MS));

  mark('deviceDown');
  outbox.append([{ device: FLAKY_DEVICE, tag: 'open', value: null, quality: 'bad', error: 'LINK_DOWN', ts: Date.now() }]);
  node.setDeviceLink(FLAKY_DEVICE, false);
  await capture.waitFor('the DDEATH', (f) => f.type === 'DDEATH' && f.device === FLAKY_DEVICE, { from: marks.deviceDown });

  mark('rebirth');
  // While the device's link is still down: its DBIRTH reports LINK_DOWN, and its DDEATH follows.
  const ncmd = sparkplugTopic({ group: SCENARIO_GROUP, type: 'NCMD', edge: SCENARIO_EDGE });
  await capture.publish(ncmd, encodePayload({ timestamp: Date.now(), metrics: [{ name: 'Node Control/Rebirth', datatype: 'Boolean', value: true }] }));
  await until('the births after NCMD', () => capture.ofType('DBIRTH', marks.rebirth).length === scenarioDevices.length);
  await capture.waitFor('the DDEATH after the rebirth', (f) => f.type === 'DDEATH' && f.device === FLAKY_DEVICE, { from: marks.rebirth });

  mark('deviceBack');
  const back = Date.now();
  outbox.append([{ device: FLAKY_DEVICE, tag: 'open', value: true, quality: 'good', ts: back }]);
  node.setDeviceLink(FLAKY_DEVICE, true);
  await metricTimestampSeen(back, marks.deviceBack);

  mark('wrap');
  const many: OutboxInput[] = Array.from({ length: 2400 }, (_, i) =>
    ({ device: TYPED_DEVICE, tag: typeTag('UInt16'), value: i % 65_536, quality: 'good', ts: Date.now() + i }));
  outbox.append(many);
  node.notify();
  await metricTimestampSeen(many.at(-1)!.ts, marks.wrap);

  mark('connectionLost');
  const firstBdSeq = bdSeqOf(capture.ofType('NBIRTH')[0]);
  sessions.at(-1)!.destroy(); // the broker publishes the Will
  await capture.waitFor('the Will NDEATH', (f) => f.type === 'NDEATH', { from: marks.connectionLost });
  const reborn = await capture.waitFor('the next session\'s NBIRTH', (f) => f.type === 'NBIRTH' && bdSeqOf(f) !== firstBdSeq, { from: marks.connectionLost });
  await until('the next session\'s DBIRTHs', () => capture.ofType('DBIRTH', reborn.index).length === scenarioDevices.length);

  mark('secondSession');
  const after = scenarioRows(Date.now()).slice(0, 12);
  outbox.append(after);
  node.notify();
  await metricTimestampSeen(after.at(-1)!.ts, marks.secondSession);

  mark('stop');
  await node.stop({ drainTimeoutMs: 2000 });
  await capture.waitFor('the NDEATH at stop', (f) => f.type === 'NDEATH', { from: marks.stop });
  const stats = node.stats();
  const retainedAfter = (await retainedMessages(options.url, { ...observer, waitMs: 300, protocolVersion: 4 }))
    .filter((f) => f.type !== 'STATE');
  return { frames: capture.frames, marks, stats, maxOpenSessions, currentValue, retainedAfter };
}
