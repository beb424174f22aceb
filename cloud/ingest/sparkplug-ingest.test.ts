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

async function startIngest(): Promise<SparkplugIngest> {
  return startSparkplugIngest({
    url: `mqtt://127.0.0.1:${broker.port}`, username: 'ingest', password: 'ingest-pass', store, logger: capturingLogger(),
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
    const topics = [ddataTopic, sparkplugTopic({ group, type: 'DBIRTH', edge, device: 'fuzz' }), sparkplugTopic({ group, type: 'NDATA', edge })];
    const before = ingest!.stats().framesReceived;
    for (let i = 0; i < 60; i++) {
      const bytes = Buffer.from(Array.from({ length: next() % 64 }, () => next() % 256));
      await publisher.publishAsync(topics[i % topics.length], bytes, { qos: 1 });
    }
    await until('all fuzz frames', () => ingest!.stats().framesReceived === before + 60);
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
