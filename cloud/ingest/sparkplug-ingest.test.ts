import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { get as tahuNamespace } from 'sparkplug-payload';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodePayload, encodePayload, sparkplugTopic, type SparkplugMetric } from '../../connectors/sparkplug/index.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../broker/embedded-broker.ts';
import { staticCredentials } from '../broker/static-credentials.ts';
import { openTelemetryStore, type TelemetryStore } from '../store/telemetry-store.ts';
import { EdgeSessions } from './edge-sessions.ts';
import { encodeHostState } from './host-state.ts';
import { startSparkplugIngest, type SparkplugIngest } from './sparkplug-ingest.ts';

// The publisher also sends malformed topics, which the gateway ACL would refuse: both are services.
const credentials = staticCredentials([{ role: 'service', username: 'gw-01', password: 'gw-pass' }, { role: 'service', username: 'ingest', password: 'ingest-pass' }]);
const group = 'plant-1';
const edge = 'gw-01';
const device = 'press-4';
const t0 = 1_700_000_000_000;

let dir: string;
let broker: EmbeddedBroker;
let store: TelemetryStore;
let sessions: EdgeSessions;
let ingest: SparkplugIngest | undefined;
let publisher: MqttClient;
let logLines: Array<Record<string, unknown>>;

function capturingLogger() {
  logLines = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) logLines.push(JSON.parse(line));
      done();
    },
  });
  return pino({ level: 'info' }, sink);
}

async function until(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function startIngest(options: { rebirthIntervalMs?: number; clientId?: string } = {}): Promise<SparkplugIngest> {
  return startSparkplugIngest({
    url: `mqtt://127.0.0.1:${broker.port}`, username: 'ingest', password: 'ingest-pass', store, sessions, logger: capturingLogger(), ...options,
  });
}

/** Publish and wait until the ingest has handled that many frames in total. */
async function publish(topic: string, payload: Uint8Array, handledBefore = ingest!.stats().framesReceived): Promise<void> {
  await publisher.publishAsync(topic, Buffer.from(payload), { qos: 1 });
  await until(`the ingest to handle ${topic}`, () => ingest!.stats().framesReceived > handledBefore);
}

const nbirth = () => encodePayload({
  timestamp: t0, seq: 0,
  metrics: [
    { name: 'bdSeq', datatype: 'Int64', value: 0, timestamp: t0 },
    { name: 'Node Control/Rebirth', datatype: 'Boolean', value: false, timestamp: t0 },
  ],
});

const deviceMetrics: SparkplugMetric[] = [
  { name: 'speed', alias: 1, datatype: 'Float', value: 1500, timestamp: t0,
    properties: { engUnit: { type: 'String', value: 'rpm' }, protocol: { type: 'String', value: 'modbus' } } },
  { name: 'running', alias: 2, datatype: 'Boolean', value: true, timestamp: t0, properties: { protocol: { type: 'String', value: 'modbus' } } },
  { name: 'recipe', alias: 3, datatype: 'String', value: 'PX-7', timestamp: t0, properties: { protocol: { type: 'String', value: 'modbus' } } },
  { name: 'pressure', alias: 4, datatype: 'Int32', value: -12, timestamp: t0,
    properties: { engUnit: { type: 'String', value: 'bar' }, protocol: { type: 'String', value: 'modbus' } } },
];

const dbirth = () => encodePayload({ timestamp: t0, seq: 1, metrics: deviceMetrics });

function ddata(seq: number, metrics: SparkplugMetric[]): Uint8Array {
  return encodePayload({ timestamp: t0 + 1000, seq, metrics });
}

async function birth(): Promise<void> {
  await publish(sparkplugTopic({ group, type: 'NBIRTH', edge }), nbirth());
  await publish(sparkplugTopic({ group, type: 'DBIRTH', edge, device }), dbirth());
}

const ddataTopic = sparkplugTopic({ group, type: 'DDATA', edge, device });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgestock-ingest-'));
  store = openTelemetryStore(join(dir, 'cloud.sqlite'));
  sessions = new EdgeSessions();
  broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, credentials, logger: pino({ level: 'silent' }) });
  ingest = await startIngest();
  publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { protocolVersion: 4, username: 'gw-01', password: 'gw-pass', reconnectPeriod: 0 });
  (publisher.stream as Socket).setNoDelay(true);
});

afterEach(async () => {
  await publisher.endAsync();
  await ingest?.close();
  ingest = undefined;
  await broker.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Sparkplug ingest', () => {
  it('learns metrics from births and stores DDATA resolved by alias', async () => {
    await birth();
    expect(store.resolveAlias(group, edge, 1)).toMatchObject({ device, tag: 'speed', datatype: 'Float', unit: 'rpm', protocol: 'modbus' });
    expect(store.latest({ device }).map((v) => [v.tag, v.value])).toEqual([['pressure', -12], ['recipe', 'PX-7'], ['running', true], ['speed', 1500]]);

    await publish(ddataTopic, ddata(2, [
      { alias: 1, timestamp: t0 + 1000, datatype: 'Float', value: 1490.5 },
      { alias: 2, timestamp: t0 + 1000, datatype: 'Boolean', value: false },
      { alias: 4, timestamp: t0 + 1000, datatype: 'Int32', isNull: true, value: null, properties: { Quality: { type: 'Int32', value: 0 } } },
      { alias: 3, timestamp: t0 + 1000, datatype: 'String', value: 'PX-8', properties: { Quality: { type: 'Int32', value: 500 } } },
    ]));
    const latest = Object.fromEntries(store.latest({ device }).map((v) => [v.tag, v]));
    expect(latest.speed).toMatchObject({ value: 1490.5, quality: 'good', ts: t0 + 1000, unit: 'rpm', protocol: 'modbus', datatype: 'Float' });
    expect(latest.running).toMatchObject({ value: false, quality: 'good' });
    expect(latest.pressure).toMatchObject({ value: null, quality: 'bad', unit: 'bar' });
    expect(latest.recipe).toMatchObject({ value: 'PX-8', quality: 'uncertain' });
    expect(store.history({ group, edge, device, tag: 'speed' }).map((p) => p.value)).toEqual([1500, 1490.5]);
    expect(store.latest({ device: '' }).map((v) => v.tag)).toEqual(['Node Control/Rebirth', 'bdSeq']); // node metrics
    expect(ingest!.stats()).toMatchObject({ framesReceived: 3, framesRejected: 0, births: 2, samplesInserted: 2 + 4 + 4, duplicates: 0, seqGaps: 0 });
  });

  it("stores why a value is bad from the metric's errorCode property, in births and DDATA", async () => {
    await publish(sparkplugTopic({ group, type: 'NBIRTH', edge }), nbirth());
    await publish(sparkplugTopic({ group, type: 'DBIRTH', edge, device }), encodePayload({
      timestamp: t0, seq: 1,
      metrics: deviceMetrics.map((m) => (m.name === 'pressure'
        ? { ...m, value: null, isNull: true, properties: { ...m.properties, Quality: { type: 'Int32', value: 0 }, errorCode: { type: 'String', value: 'DEVICE_EXCEPTION' } } }
        : m)),
    }));
    expect(store.latest({ device, tag: 'pressure' })[0]).toMatchObject({ value: null, quality: 'bad', error: 'DEVICE_EXCEPTION', unit: 'bar' });

    const bad = { Quality: { type: 'Int32', value: 0 }, errorCode: { type: 'String', value: 'LINK_DOWN' } } as const;
    await publish(ddataTopic, ddata(2, [
      { alias: 1, timestamp: t0 + 1000, datatype: 'Float', isNull: true, value: null, properties: bad },
      { alias: 3, timestamp: t0 + 1000, datatype: 'String', value: 'PX-8', properties: { Quality: { type: 'Int32', value: 500 }, errorCode: { type: 'String', value: 'TIMEOUT' } } },
      { alias: 4, timestamp: t0 + 1000, datatype: 'Int32', isNull: true, value: null, properties: { Quality: { type: 'Int32', value: 0 } } },
      // a good value has no error, whatever a sender attaches
      { alias: 2, timestamp: t0 + 1000, datatype: 'Boolean', value: true, properties: { errorCode: { type: 'String', value: 'TIMEOUT' } } },
    ]));
    const latest = Object.fromEntries(store.latest({ device }).map((v) => [v.tag, v]));
    expect(latest.speed).toMatchObject({ value: null, quality: 'bad', error: 'LINK_DOWN' });
    expect(latest.recipe).toMatchObject({ value: 'PX-8', quality: 'uncertain', error: 'TIMEOUT' });
    expect(latest.pressure).toMatchObject({ value: null, quality: 'bad', error: null }); // no reason given
    expect(latest.running).toMatchObject({ value: true, quality: 'good', error: null });
    expect(store.history({ group, edge, device, tag: 'speed' })).toEqual([
      { ts: t0, value: 1500, quality: 'good', error: null },
      { ts: t0 + 1000, value: null, quality: 'bad', error: 'LINK_DOWN' },
    ]);
    expect(ingest!.stats()).toMatchObject({ framesRejected: 0 });
  });

  it('stores a DDATA published twice only once', async () => {
    await birth();
    const frame = ddata(2, [{ alias: 1, timestamp: t0 + 5000, datatype: 'Float', value: 7 }]);
    await publish(ddataTopic, frame);
    await publish(ddataTopic, frame);
    expect(store.history({ edge, device, tag: 'speed' })).toHaveLength(2); // birth value + one DDATA
    expect(ingest!.stats()).toMatchObject({ duplicates: 1, framesRejected: 0 });
  });

  it('resolves DDATA metrics that carry no datatype through the birth', async () => {
    await birth();
    // A conforming edge node may leave the datatype out of DATA messages; Int32 -3 then travels
    // as uint32 0xFFFFFFFD and only the birth says it is signed.
    await publish(ddataTopic, rawDdataWithoutDatatype(4, t0 + 2000, -3 >>> 0));
    expect(store.latest({ device, tag: 'pressure' })[0]).toMatchObject({ value: -3, ts: t0 + 2000 });
  });

  it('counts malformed frames by reason, logs them, and keeps storing valid frames', async () => {
    await birth();
    const random = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    await publish(ddataTopic, random);
    await publish(ddataTopic, ddata(2, [{ alias: 99, timestamp: t0 + 1000, datatype: 'Float', value: 1 }]));
    await publish('spBv1.0/g/DDATA', ddata(3, [{ alias: 1, timestamp: t0 + 1000, datatype: 'Float', value: 1 }]));
    await publish(ddataTopic, ddata(4, [{ alias: 1, timestamp: t0 + 1000, datatype: 'String', value: 'fast' }]));
    await publish(ddataTopic, ddata(5, [{ alias: 2, timestamp: t0 + 1000, datatype: 'Int32', value: 1 }]));
    await publish(ddataTopic, ddata(6, [{ alias: 1, timestamp: t0 + 9000, datatype: 'Float', value: 1234 }]));

    expect(store.latest({ device, tag: 'speed' })[0]).toMatchObject({ value: 1234, ts: t0 + 9000 });
    expect(ingest!.stats()).toMatchObject({
      framesReceived: 8,
      framesRejected: 5,
      rejectedByReason: { malformed_payload: 1, unknown_alias: 1, bad_topic: 1, wrong_datatype: 2 },
    });
    const warnings = logLines.filter((line) => line.msg === 'Sparkplug frame rejected');
    expect(warnings.map((line) => [line.topic, line.reason])).toEqual([
      [ddataTopic, 'malformed_payload'],
      [ddataTopic, 'unknown_alias'],
      ['spBv1.0/g/DDATA', 'bad_topic'],
      [ddataTopic, 'wrong_datatype'],
      [ddataTopic, 'wrong_datatype'],
    ]);
    expect(warnings.every((line) => line.level === 40 && typeof line.detail === 'string')).toBe(true);
  });

  it('asks an edge node whose births it missed to rebirth, at most once per interval', async () => {
    const commands: Array<{ topic: string; metrics: SparkplugMetric[] }> = [];
    const ncmd = sparkplugTopic({ group, type: 'NCMD', edge });
    await publisher.subscribeAsync(ncmd, { qos: 0 });
    publisher.on('message', (topic, payload) => commands.push({ topic, metrics: decodePayload(payload).metrics }));
    await publish(ddataTopic, ddata(5, [{ alias: 1, timestamp: t0 + 1000, datatype: 'Float', value: 1 }]));
    await publish(ddataTopic, ddata(6, [{ alias: 1, timestamp: t0 + 2000, datatype: 'Float', value: 2 }]));
    await until('the rebirth request', () => commands.length > 0);
    expect(commands[0]).toEqual({ topic: ncmd, metrics: [expect.objectContaining({ name: 'Node Control/Rebirth', datatype: 'Boolean', value: true })] });
    expect(ingest!.stats()).toMatchObject({ rebirthRequests: 1, framesReceived: 2, rejectedByReason: { unknown_alias: 2 } });
    // The node answers with births; its DATA is stored from then on.
    await birth();
    await publish(ddataTopic, ddata(2, [{ alias: 1, timestamp: t0 + 3000, datatype: 'Float', value: 3 }]));
    expect(store.latest({ device, tag: 'speed' })[0]).toMatchObject({ value: 3, ts: t0 + 3000 });
    expect(commands).toHaveLength(1);
  });

  it('survives any bytes on any Sparkplug topic', async () => {
    await birth();
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    const topics = [
      ddataTopic, sparkplugTopic({ group, type: 'DBIRTH', edge, device: 'fuzz' }), sparkplugTopic({ group, type: 'NDATA', edge }),
      sparkplugTopic({ group, type: 'NDEATH', edge }), sparkplugTopic({ group, type: 'DDEATH', edge, device }),
    ];
    const before = ingest!.stats().framesReceived;
    for (let i = 0; i < 60; i++) {
      const bytes = Buffer.from(Array.from({ length: next() % 64 }, () => next() % 256));
      await publisher.publishAsync(topics[i % topics.length], bytes, { qos: 1 });
    }
    await until('all fuzz frames', () => ingest!.stats().framesReceived === before + 60);
    // and on our own STATE topic: never JSON of the documented shape, never a crash
    for (let i = 0; i < 10; i++) {
      const bytes = Buffer.from(Array.from({ length: next() % 64 }, () => next() % 256));
      await publisher.publishAsync('spBv1.0/STATE/edgestock-cloud', bytes, { qos: 1 });
    }
    await until('all fuzz STATE messages', () => ingest!.stats().stateMalformed === 10);
    expect(ingest!.stats()).toMatchObject({ connected: true, hostOnline: true, stateRepublished: 0 });
    await publish(ddataTopic, ddata(9, [{ alias: 1, timestamp: t0 + 60_000, datatype: 'Float', value: 42 }]));
    expect(store.latest({ device, tag: 'speed' })[0]).toMatchObject({ value: 42 });
  });

  it('stores a frame encoded by Eclipse Tahu sparkplug-payload', async () => {
    await birth();
    const tahu = tahuNamespace('spBv1.0')!;
    const frame = tahu.encodePayload({
      timestamp: t0 + 3000, seq: 2,
      metrics: [
        { alias: 1, timestamp: t0 + 3000, type: 'Float', value: 1234.5 },
        { alias: 2, timestamp: t0 + 3000, type: 'Boolean', value: false },
        { alias: 4, timestamp: t0 + 3000, type: 'Int32', value: -7, properties: { Quality: { type: 'Int32', value: 500 } } },
      ],
    });
    await publish(ddataTopic, frame);
    const latest = Object.fromEntries(store.latest({ device }).map((v) => [v.tag, v]));
    expect(latest.speed).toMatchObject({ value: 1234.5, ts: t0 + 3000, quality: 'good' });
    expect(latest.running).toMatchObject({ value: false });
    expect(latest.pressure).toMatchObject({ value: -7, quality: 'uncertain' });
    expect(ingest!.stats().framesRejected).toBe(0);
  });

  it('keeps resolving aliases after a cloud restart', async () => {
    await birth();
    await ingest!.close();
    ingest = await startIngest();
    await publish(ddataTopic, ddata(2, [{ alias: 1, timestamp: t0 + 4000, datatype: 'Float', value: 99 }]), 0);
    expect(store.latest({ device, tag: 'speed' })[0]).toMatchObject({ value: 99 });
  });

  it('fails to start when the broker refuses its password', async () => {
    await expect(startSparkplugIngest({
      url: `mqtt://127.0.0.1:${broker.port}`, username: 'ingest', password: 'wrong', store, logger: pino({ level: 'silent' }), clientId: 'bad-ingest',
    })).rejects.toThrow(/refused the ingest's login/);
  });
});

/** A DDATA payload whose one metric has alias, timestamp and int_value but no datatype. */
function rawDdataWithoutDatatype(alias: number, ts: number, intValue: number): Uint8Array {
  const varint = (n: number | bigint) => {
    const out: number[] = [];
    let v = BigInt(n);
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) byte |= 0x80;
      out.push(byte);
    } while (v > 0n);
    return out;
  };
  const metric = [0x10, ...varint(alias), 0x18, ...varint(ts), 0x50, ...varint(intValue)];
  return Uint8Array.from([0x08, ...varint(ts), 0x12, ...varint(metric.length), ...metric, 0x18, 2]);
}

const nbirthTopic = sparkplugTopic({ group, type: 'NBIRTH', edge });
const ndeathTopic = sparkplugTopic({ group, type: 'NDEATH', edge });
const ndataTopic = sparkplugTopic({ group, type: 'NDATA', edge });

/** An NDEATH as the broker publishes a gateway's Will: bdSeq only, no seq [tck-id-payloads-ndeath-seq]. */
const ndeath = (bdSeq: number) => encodePayload({ timestamp: t0 + 9000, metrics: [{ name: 'bdSeq', datatype: 'Int64', value: BigInt(bdSeq) }] });

/** The NCMDs the ingest sends to our edge node, decoded. */
async function rebirthRequests(): Promise<SparkplugMetric[][]> {
  const commands: SparkplugMetric[][] = [];
  const ncmd = sparkplugTopic({ group, type: 'NCMD', edge });
  await publisher.subscribeAsync(ncmd, { qos: 0 });
  publisher.on('message', (topic, payload) => {
    if (topic === ncmd) commands.push(decodePayload(payload).metrics);
  });
  return commands;
}

const REBIRTH = [expect.objectContaining({ name: 'Node Control/Rebirth', datatype: 'Boolean', value: true })];

describe('Sparkplug host sessions', () => {
  it('follows an edge node from NBIRTH through DDEATH and DBIRTH to the NDEATH of that session', async () => {
    await birth();
    expect(sessions.get(group, edge)).toMatchObject({ online: true, bdSeq: 0, births: 1, devices: [{ name: device, online: true }] });
    expect(sessions.isStale(group, edge, device)).toBe(false);

    await publish(sparkplugTopic({ group, type: 'DDEATH', edge, device }), encodePayload({ timestamp: t0 + 2000, seq: 2, metrics: [] }));
    expect(sessions.get(group, edge)!.devices).toEqual([expect.objectContaining({ name: device, online: false })]);
    expect(sessions.isStale(group, edge, device)).toBe(true);
    expect(sessions.isStale(group, edge, '')).toBe(false); // the node itself is still online
    await publish(sparkplugTopic({ group, type: 'DBIRTH', edge, device }), encodePayload({ timestamp: t0 + 3000, seq: 3, metrics: deviceMetrics }));
    expect(sessions.get(group, edge)!.devices).toEqual([expect.objectContaining({ name: device, online: true })]);

    await publish(ndeathTopic, ndeath(0));
    expect(sessions.get(group, edge)).toMatchObject({ online: false, bdSeq: 0, lastDeathAt: expect.any(Number), devices: [{ name: device, online: false }] });
    expect(sessions.isStale(group, edge, device)).toBe(true);
    expect(ingest!.stats()).toMatchObject({ births: 3, deaths: 2, staleDeaths: 0, seqGaps: 0, framesRejected: 0, edgeNodesKnown: 1, edgeNodesOnline: 0, devicesOnline: 0 });
  });

  it('ignores an NDEATH whose bdSeq is not the current session\'s: a late Will leaves the node online', async () => {
    await birth();
    await publish(ndeathTopic, ndeath(255)); // the Will of the connection before this one
    expect(sessions.get(group, edge)).toMatchObject({ online: true, bdSeq: 0, staleDeaths: 1, devices: [{ online: true }] });
    expect(ingest!.stats()).toMatchObject({ deaths: 0, staleDeaths: 1, framesRejected: 0, edgeNodesOnline: 1, devicesOnline: 1 });
    await publish(ddataTopic, ddata(2, [{ alias: 1, timestamp: t0 + 4000, datatype: 'Float', value: 5 }]));
    expect(store.latest({ device, tag: 'speed' })[0]).toMatchObject({ value: 5 });
  });

  it('counts a seq gap and asks the node to rebirth; the same frame again is no gap', async () => {
    const commands = await rebirthRequests();
    await birth();
    await publish(ddataTopic, ddata(2, [{ alias: 1, timestamp: t0 + 1000, datatype: 'Float', value: 1 }]));
    const skipped = ddata(7, [{ alias: 1, timestamp: t0 + 2000, datatype: 'Float', value: 2 }]); // 3 to 6 were lost
    await publish(ddataTopic, skipped);
    await until('the rebirth request', () => commands.length === 1);
    expect(commands[0]).toEqual(REBIRTH);
    expect(store.latest({ device, tag: 'speed' })[0]).toMatchObject({ value: 2 }); // the frame itself is good
    await publish(ddataTopic, skipped); // a QoS 1 redelivery
    expect(ingest!.stats()).toMatchObject({ seqGaps: 1, rebirthRequests: 1, duplicates: 1, framesRejected: 0 });
    expect(sessions.get(group, edge)).toMatchObject({ seqGaps: 1, rebirthRequests: 1 });
    expect(logLines.find((line) => line.msg === 'Sparkplug seq gap')).toMatchObject({ expected: 3, seq: 7 });
  });

  it('rejects an alias no birth defined, counts it for its node and asks for a rebirth', async () => {
    const commands = await rebirthRequests();
    await birth();
    await publish(ddataTopic, ddata(2, [{ alias: 42, timestamp: t0 + 1000, datatype: 'Float', value: 1 }]));
    await until('the rebirth request', () => commands.length === 1);
    expect(commands[0]).toEqual(REBIRTH);
    expect(ingest!.stats()).toMatchObject({ framesRejected: 1, rejectedByReason: { unknown_alias: 1 }, rebirthRequests: 1 });
    expect(sessions.get(group, edge)).toMatchObject({ online: true, rejectedFrames: 1, rebirthRequests: 1 });
  });

  it('ignores STATE of other hosts and STATE that is not JSON, and keeps storing', async () => {
    await birth();
    const stateOf = (hostId: string) => `spBv1.0/STATE/${hostId}`;
    await publisher.publishAsync(stateOf('other-host'), encodeHostState({ online: false, timestamp: Date.now() }), { qos: 1 });
    await publisher.publishAsync(stateOf('other-host'), Buffer.from([0xde, 0xad]), { qos: 1 });
    await publisher.publishAsync(stateOf('edgestock-cloud'), Buffer.from('OFFLINE'), { qos: 1 }); // Sparkplug 2.2 style: not JSON
    await publisher.publishAsync(stateOf('edgestock-cloud'), Buffer.from('{"online":"no","timestamp":1}'), { qos: 1 });
    await until('the STATE messages', () => ingest!.stats().stateFromOtherHosts + ingest!.stats().stateMalformed === 4);
    await publish('spBv1.0/STATE', Buffer.from('{}')); // no host id: a bad topic, counted as a frame
    expect(ingest!.stats()).toMatchObject({
      stateFromOtherHosts: 2, stateMalformed: 2, stateRepublished: 0, hostOnline: true, rejectedByReason: { bad_topic: 1 },
    });
    expect(logLines.filter((line) => line.msg === 'ignored a malformed STATE message about this host')).toHaveLength(2);
    await publish(ddataTopic, ddata(2, [{ alias: 1, timestamp: t0 + 7000, datatype: 'Float', value: 77 }]));
    expect(store.latest({ device, tag: 'speed' })[0]).toMatchObject({ value: 77 });
    expect(sessions.get(group, edge)).toMatchObject({ online: true, rejectedFrames: 0 });
  });

  it('stores a historical replay in the history without moving the latest value back; the replay again adds nothing', async () => {
    await birth();
    await publish(ddataTopic, ddata(2, [{ alias: 1, timestamp: t0 + 5000, datatype: 'Float', value: 10 }]));
    // store and forward: rows queued while the link was down, sent after the live value
    const replay = ddata(3, [
      { alias: 1, timestamp: t0 + 2000, datatype: 'Float', value: 7, isHistorical: true },
      { alias: 1, timestamp: t0 + 3000, datatype: 'Float', value: 8, isHistorical: true },
    ]);
    await publish(ddataTopic, replay);
    expect(store.latest({ device, tag: 'speed' })[0]).toMatchObject({ value: 10, ts: t0 + 5000 });
    expect(store.history({ group, edge, device, tag: 'speed' }).map((p) => [p.ts - t0, p.value])).toEqual([[0, 1500], [2000, 7], [3000, 8], [5000, 10]]);
    const before = ingest!.stats();
    await publish(ddataTopic, replay);
    expect(ingest!.stats()).toMatchObject({ samplesInserted: before.samplesInserted, duplicates: before.duplicates + 2, historicalSamples: 4, seqGaps: 0 });
    expect(store.history({ group, edge, device, tag: 'speed' })).toHaveLength(4);
  });

  it("stores the gateway's outbox figures as node metrics, from NBIRTH and then NDATA by alias", async () => {
    const outbox = ['Outbox/Rows', 'Outbox/Bytes', 'Outbox/Max Bytes', 'Outbox/Dropped', 'Outbox/Backlog'];
    await publish(nbirthTopic, encodePayload({
      timestamp: t0, seq: 0,
      metrics: [
        { name: 'bdSeq', alias: 101, datatype: 'Int64', value: 4n, timestamp: t0 },
        { name: 'Node Control/Rebirth', alias: 102, datatype: 'Boolean', value: false, timestamp: t0 },
        ...outbox.map((name, i) => ({ name, alias: 103 + i, datatype: 'Int64' as const, value: BigInt([120, 48_000, 1_000_000, 0, 120][i]), timestamp: t0 })),
      ],
    }));
    expect(sessions.get(group, edge)).toMatchObject({ online: true, bdSeq: 4 });
    await publish(ndataTopic, encodePayload({
      timestamp: t0 + 5000, seq: 1,
      metrics: [
        { alias: 104, datatype: 'Int64', value: 52_000n, timestamp: t0 + 5000 },
        { alias: 106, datatype: 'Int64', value: 3n, timestamp: t0 + 5000 },
        { alias: 107, datatype: 'Int64', value: 20n, timestamp: t0 + 5000 },
      ],
    }));
    const latest = Object.fromEntries(store.latest({ group, edge, device: '' }).map((v) => [v.tag, v.value]));
    expect(latest).toMatchObject({ 'Outbox/Rows': 120, 'Outbox/Bytes': 52_000, 'Outbox/Max Bytes': 1_000_000, 'Outbox/Dropped': 3, 'Outbox/Backlog': 20 });
    expect(store.latest({ group, edge, device: '', tag: 'Outbox/Backlog' })[0]).toMatchObject({ datatype: 'Int64' });
    expect(ingest!.stats()).toMatchObject({ framesRejected: 0 });
  });

  it('takes nodes offline and asks them to rebirth when the broker kept no session of the host', async () => {
    const commands = await rebirthRequests();
    await birth();
    await ingest!.close();
    // a cloud restart whose broker lost our session (the embedded broker restarts with the cloud)
    ingest = await startIngest({ clientId: 'edgestock-cloud-ingest-after-broker-restart' });
    expect(sessions.get(group, edge)).toMatchObject({ online: false, devices: [{ online: false }] });
    expect(sessions.isStale(group, edge, device)).toBe(true);
    await until('the rebirth request', () => commands.length === 1);
    expect(ingest!.stats()).toMatchObject({ rebirthRequests: 1, edgeNodesOnline: 0 });
    // the node answers with its births and is online again
    await birth();
    expect(sessions.get(group, edge)).toMatchObject({ online: true, births: 2, devices: [{ online: true }] });
  });

  it('stores DATA of a session this process has not seen born, and asks for its births once', async () => {
    await birth();
    await ingest!.close();
    ingest = await startIngest({ rebirthIntervalMs: 0 });
    const commands = await rebirthRequests();
    await publish(ddataTopic, ddata(2, [{ alias: 1, timestamp: t0 + 4000, datatype: 'Float', value: 99 }]), 0);
    await publish(ddataTopic, ddata(3, [{ alias: 1, timestamp: t0 + 5000, datatype: 'Float', value: 100 }]));
    await until('the rebirth request', () => commands.length === 1);
    expect(store.latest({ device, tag: 'speed' })[0]).toMatchObject({ value: 100 });
    // our own offline STATE from the close before is older than this connection: no republish
    expect(ingest!.stats()).toMatchObject({ rebirthRequests: 1, framesRejected: 0, stateBirths: 1, stateRepublished: 0 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(commands).toHaveLength(1);
  });
});
