/**
 * Every frame the edge node publishes, read by Eclipse Tahu's JavaScript library
 * (sparkplug-payload) and by our codec, must give the same metrics: count, name, alias, timestamp,
 * datatype, value, null, historical and properties (gateway/testing/tahu-frame-check.ts). The
 * frames are captured raw off the embedded broker in two realistic runs: the scripted edge-node
 * scenario (every scalar datatype, edge values, nulls, every message type) and a real gateway
 * polling the Modbus shelf simulator and the S7 simulator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import tahuProto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { parseConfig } from '../../config/load-config.ts';
import { siteConfigSchema } from '../../config/site-schema.ts';
import { decodePayload } from '../../connectors/sparkplug/index.ts';
import { startShelfSimulator, type ShelfSimulator } from '../../simulators/modbus/index.ts';
import { startS7Simulator, type S7Simulator } from '../../simulators/s7/index.ts';
import { startGateway, type RunningGateway } from '../gateway-daemon.ts';
import { until } from '../testing/edge-node-fixture.ts';
import { runEdgeNodeScenario, scalarTypes, type ScenarioRun } from '../testing/edge-node-scenario.ts';
import { captureSparkplug, type RawCapture, type RawFrame } from '../testing/raw-sparkplug-capture.ts';
import { compareWithTahu, tahuQuirks, type FrameView } from '../testing/tahu-frame-check.ts';
import { startTestBroker, type TestBroker } from '../testing/test-broker.ts';

/** What the edge node published: the capture also sees the test's own NCMD and STATE messages. */
const sparkplugFrames = (frames: readonly RawFrame[]) => frames.filter((f) => !['STATE', 'NCMD', 'DCMD'].includes(f.type));

/** Fails on the first frame whose Tahu reading differs from ours, saying which frame and where. */
function expectTahuAgrees(frames: readonly RawFrame[]): FrameView[] {
  const views: FrameView[] = [];
  for (const frame of frames) {
    const { ours, mismatch } = compareWithTahu(frame.bytes);
    if (mismatch !== undefined) {
      const hex = Buffer.from(frame.bytes).toString('hex');
      expect.fail(`frame #${frame.index} ${frame.topic}: ${mismatch}\n  bytes (${frame.bytes.length}): ${hex.slice(0, 400)}${hex.length > 400 ? '…' : ''}`);
    }
    views.push(ours!);
  }
  return views;
}

/** What a set of frames covers: message types, datatypes with a value and null, properties, historical. */
function coverage(frames: readonly RawFrame[]) {
  const types = new Set<string>();
  const valued = new Set<string>();
  const nulls = new Set<string>();
  const properties = new Set<string>();
  let historical = 0;
  let live = 0;
  for (const frame of frames) {
    types.add(frame.type);
    for (const m of decodePayload(frame.bytes).metrics) {
      if (m.datatype) (m.isNull ? nulls : valued).add(m.datatype);
      for (const key of Object.keys(m.properties ?? {})) properties.add(key);
      if (frame.type === 'DDATA') m.isHistorical ? historical++ : live++;
    }
  }
  return { types, valued, nulls, properties, historical, live };
}

describe('compareWithTahu', () => {
  const TahuWirePayload = tahuProto.org.eclipse.tahu.protobuf.Payload;
  const frame = (metrics: object[]) => TahuWirePayload.encode(TahuWirePayload.fromObject({ timestamp: 1, seq: 4, metrics })).finish();

  it('names the frame field where Tahu and our codec read the same bytes differently', () => {
    // An Int8 -1 in the narrow two's complement some encoders send: we read -1, Tahu 255.
    expect(compareWithTahu(frame([{ alias: 9, timestamp: 2, datatype: 1, intValue: 0xff }])).mismatch)
      .toBe('metric[0] (alias 9) value: Tahu 255, ours -1');
    expect(compareWithTahu(new Uint8Array([0xff, 0xff])).mismatch).toMatch(/^Tahu cannot decode the frame/);
  });

  it('finds nothing to report on a frame both read alike', () => {
    expect(compareWithTahu(frame([{ name: 'a', alias: 9, timestamp: 2, datatype: 3, intValue: 0xffffff80 }])).mismatch).toBeUndefined();
  });
});

describe('Tahu reads what the edge node publishes in the scripted scenario', { timeout: 60_000 }, () => {
  let broker: TestBroker;
  let run: ScenarioRun;

  beforeAll(async () => {
    broker = await startTestBroker(await freePort());
    run = await runEdgeNodeScenario({ url: broker.url });
  }, 60_000);

  afterAll(async () => {
    await broker?.close();
  });

  it('decodes every frame of the scenario to the same metrics as our codec', () => {
    const frames = sparkplugFrames(run.frames);
    const views = expectTahuAgrees(frames);
    expect(views).toHaveLength(frames.length);
    // Tahu's known differences from the spec, compared through its protobuf layer instead:
    console.log(`tahu-crosscheck: scenario, ${frames.length} frames, ${views.reduce((n, v) => n + v.metrics.length, 0)} metrics agree; `
      + `compared through Tahu's protobuf layer: ${Object.keys(tahuQuirks).join(', ')}`);
  });

  it('covers every message type, every scalar datatype with a value and as null, and the metric properties', () => {
    const frames = sparkplugFrames(run.frames);
    const seen = coverage(frames);
    // NDATA only when the Outbox figures change: the backlog replayed, and the burst beyond the byte budget.
    expect([...seen.types].sort()).toEqual(['DBIRTH', 'DDATA', 'DDEATH', 'NBIRTH', 'NDATA', 'NDEATH']);
    expect(frames.filter((f) => f.type === 'NDATA' && f.index >= run.marks.status && f.index < run.marks.quiet).length).toBeGreaterThan(0);
    expect([...seen.valued].sort()).toEqual([...scalarTypes].sort());
    expect([...seen.nulls].sort()).toEqual([...scalarTypes].sort());
    expect([...seen.properties].sort()).toEqual(['Quality', 'engUnit', 'errorCode', 'protocol']);
    expect(seen.historical).toBeGreaterThan(0);
    expect(seen.live).toBeGreaterThan(0);
    // Both NDEATHs (the Will and the one sent at stop) and the births of the NCMD rebirth and of the second session.
    expect(frames.filter((f) => f.type === 'NDEATH')).toHaveLength(2);
    expect(frames.filter((f) => f.type === 'NBIRTH')).toHaveLength(3);
  });
});

describe('Tahu reads what a real gateway publishes from the Modbus and S7 simulators', { timeout: 90_000 }, () => {
  let dir: string;
  let shelves: ShelfSimulator;
  let press: S7Simulator;
  let broker: TestBroker;
  let capture: RawCapture;
  let gateway: RunningGateway | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-tahu-'));
    const ports = { mqtt: await freePort(), observer: await freePort(), modbus: await freePort(), s7: await freePort() };
    shelves = await startShelfSimulator({ port: ports.modbus, stepMs: 100 });
    press = await startS7Simulator({ port: ports.s7, stepMs: 100 });
    broker = await startTestBroker(ports.mqtt, { observerPort: ports.observer });
    capture = await captureSparkplug(broker.observerUrl!);
    gateway = await startGateway({
      logger: pino({ level: 'silent' }),
      config: parseConfig(siteConfigSchema, {
        site: { id: 'tahu-site' },
        gateway: { group: 'tahu-plant', edge: 'gw-tahu', dataDir: join(dir, 'data'), http: { port: 0 } },
        north: { url: broker.url, statusIntervalS: 1, reconnect: { initialDelayMs: 50, maxDelayMs: 300, jitter: 0.2 } },
        connectors: [
          {
            name: 'shelf-sensors', protocol: 'modbus', connection: { transport: 'tcp', host: '127.0.0.1', port: ports.modbus },
            timeoutMs: 500, pollIntervalMs: 100, reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
            tags: [
              { name: 'B10/temperature', address: 'ir:0', scale: 0.1, unit: '°C' }, // Double
              { name: 'B10/temperature-raw', address: 'ir:0' }, // Int32
              { name: 'B10/humidity', address: 'ir:1:uint16', scale: 0.1, unit: '%RH' }, // Double
              { name: 'B10/temperature-f32', address: 'ir:100:float32', unit: '°C' }, // Float
              { name: 'samples', address: 'hr:10:uint32' }, // Int64
              { name: 'uptime', address: 'hr:20:float64', unit: 's' }, // Double
              { name: 'B10/door-open', address: 'co:0' }, // Boolean
              { name: 'B10/alarm', address: 'di:0' }, // Boolean
            ],
          },
          {
            name: 'press-plc', protocol: 's7', connection: { host: '127.0.0.1', port: ports.s7 }, pollIntervalMs: 100,
            tags: [
              { name: 'IMM-01/ShotCounter', address: 'DB1,DINT0' }, // Int32
              { name: 'IMM-01/MoldId', address: 'DB1,S4.16' }, // String
              { name: 'IMM-01/CycleTime', address: 'DB1,REAL22', unit: 's' }, // Float
              { name: 'IMM-01/Running', address: 'DB1,X28.0' }, // Boolean
              { name: 'IMM-01/ZoneTemp', address: 'DB1,INT30.3', unit: '°C' }, // Int32, one metric per element
            ],
          },
        ],
      }, 'tahu cross-check site'),
    });

    await until('both DBIRTHs', () => capture.ofType('DBIRTH').length >= 2, 20_000);
    await until('live DDATA', () => capture.ofType('DDATA').length >= 10, 20_000);
    // The broker goes away: the Will, a backlog, then a new session that replays it as historical;
    // its NBIRTH reports the backlog, so the Outbox figures change and NDATA follows (report by exception).
    const away = capture.frames.length;
    await broker.stop();
    await capture.waitFor('the Will NDEATH', (f) => f.type === 'NDEATH', { from: away });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await broker.start();
    await capture.waitFor('historical DDATA', (f) => f.type === 'DDATA' && decodePayload(f.bytes).metrics.some((m) => m.isHistorical), { from: away, timeoutMs: 20_000 });
    await capture.waitFor('NDATA after the replay', (f) => f.type === 'NDATA', { from: away, timeoutMs: 20_000 });
    // The Modbus device goes away: bad values with Quality and errorCode, and its DDEATH.
    const lost = capture.frames.length;
    await shelves.close();
    await capture.waitFor('the DDEATH of the Modbus device', (f) => f.type === 'DDEATH', { from: lost, timeoutMs: 20_000 });
    const closing = capture.frames.length;
    await gateway.close();
    gateway = undefined;
    await capture.waitFor('the NDEATH at close', (f) => f.type === 'NDEATH', { from: closing });
  }, 90_000);

  afterAll(async () => {
    await gateway?.close();
    await capture?.close();
    await broker?.close();
    await shelves?.close();
    await press?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('decodes every frame of the gateway run to the same metrics as our codec', () => {
    const frames = sparkplugFrames(capture.frames);
    const views = expectTahuAgrees(frames);
    console.log(`tahu-crosscheck: real gateway, ${frames.length} frames, ${views.reduce((n, v) => n + v.metrics.length, 0)} metrics agree`);
  });

  it('covers births, live and historical data, status, deaths, the connectors\' datatypes and bad values', () => {
    const seen = coverage(sparkplugFrames(capture.frames));
    expect([...seen.types].sort()).toEqual(['DBIRTH', 'DDATA', 'DDEATH', 'NBIRTH', 'NDATA', 'NDEATH']);
    for (const type of ['Boolean', 'Double', 'Float', 'Int32', 'Int64', 'String']) expect(seen.valued).toContain(type);
    expect(seen.nulls.size).toBeGreaterThan(0);
    expect([...seen.properties].sort()).toEqual(['Quality', 'engUnit', 'errorCode', 'protocol']);
    expect(seen.historical).toBeGreaterThan(0);
    expect(seen.live).toBeGreaterThan(0);
  });
});
