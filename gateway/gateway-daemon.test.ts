/**
 * The daemon with real parts: the Modbus shelf simulator, an embedded aedes broker, a SQLite
 * outbox in a temp dir, and a subscriber that decodes what arrives with our Sparkplug codec.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../bin/support/free-port.ts';
import { ConfigError } from '../config/config-error.ts';
import { parseConfig } from '../config/load-config.ts';
import { siteConfigSchema, type SiteConfig } from '../config/site-schema.ts';
import type { SparkplugMetric } from '../connectors/sparkplug/index.ts';
import { startShelfSimulator, type ShelfSimulator } from '../simulators/modbus/index.ts';
import { startGateway, validateSiteConfig, type RunningGateway } from './gateway-daemon.ts';
import { recordSparkplug, type RecordedMessage, type SparkplugRecorder } from './testing/sparkplug-recorder.ts';
import { startTestBroker, type TestBroker } from './testing/test-broker.ts';

const logger = pino({ level: 'silent' });

function siteConfig(ports: { mqtt: number; modbus: number }, dataDir: string, overrides: Record<string, unknown> = {}): SiteConfig {
  const shelves = Array.from({ length: 8 }, (_, i) => `B${10 + i}`);
  return parseConfig(siteConfigSchema, {
    site: { id: 'test-site' },
    gateway: { group: 'test-plant', edge: 'gw-test', dataDir, http: { host: '127.0.0.1', port: 0 } },
    north: { url: `mqtt://127.0.0.1:${ports.mqtt}`, batchSize: 200, maxMetricsPerFrame: 50, reconnect: { initialDelayMs: 50, maxDelayMs: 300, jitter: 0.2 } },
    outbox: { maxBytes: 16 * 1024 * 1024 },
    connectors: [{
      name: 'shelf-sensors',
      protocol: 'modbus',
      connection: { transport: 'tcp', host: '127.0.0.1', port: ports.modbus },
      timeoutMs: 500,
      pollIntervalMs: 100,
      reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
      tags: [
        ...shelves.map((shelf, i) => ({ name: `${shelf}/temperature`, address: `ir:${2 * i}:int16`, scale: 0.1, unit: '°C', deadband: 0.05 })),
        { name: 'B10/humidity', address: 'ir:1:uint16', scale: 0.1, unit: '%RH', deadband: 0.2 },
        { name: 'B10/door-open', address: 'co:0' },
        { name: 'samples', address: 'hr:10:uint32' },
      ],
    }],
    ...overrides,
  }, 'test site config');
}

const byAlias = (dbirth: RecordedMessage) => new Map(dbirth.payload.metrics.map((m) => [m.alias!, m.name!]));
const named = (message: RecordedMessage, names: Map<number, string>) =>
  message.payload.metrics.map((m): SparkplugMetric & { tag: string } => ({ ...m, tag: names.get(m.alias!) ?? '?' }));

async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('gateway daemon with the shelf simulator and an embedded broker', { timeout: 60_000 }, () => {
  let dir: string;
  let simulator: ShelfSimulator;
  let broker: TestBroker;
  let recorder: SparkplugRecorder;
  let gateway: RunningGateway;
  let names: Map<number, string>;
  const getJson = async (path: string) => (await fetch(`http://127.0.0.1:${gateway.httpPort}${path}`)).json();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-gateway-'));
    const ports = { mqtt: await freePort(), observer: await freePort(), modbus: await freePort() };
    simulator = await startShelfSimulator({ port: ports.modbus, stepMs: 100 });
    broker = await startTestBroker(ports.mqtt, { observerPort: ports.observer });
    recorder = await recordSparkplug(broker.observerUrl!);
    gateway = await startGateway({ config: siteConfig(ports, join(dir, 'data')), logger });
  });

  afterAll(async () => {
    await gateway?.close();
    await recorder?.close();
    await broker?.close();
    await simulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('announces every tag in DBIRTH with datatype, unit and protocol, then reports the simulator temperatures', async () => {
    const nbirth = await recorder.waitFor((m) => m.type === 'NBIRTH');
    expect(nbirth.topic).toBe('spBv1.0/test-plant/NBIRTH/gw-test');
    const dbirth = await recorder.waitFor((m) => m.type === 'DBIRTH');
    expect(dbirth.topic).toBe('spBv1.0/test-plant/DBIRTH/gw-test/shelf-sensors');
    names = byAlias(dbirth);
    expect(names.size).toBe(11);
    const temperature = dbirth.payload.metrics.find((m) => m.name === 'B13/temperature')!;
    expect(temperature).toMatchObject({ datatype: 'Double' });
    expect(temperature.properties).toMatchObject({ engUnit: { type: 'String', value: '°C' }, protocol: { type: 'String', value: 'modbus' } });
    expect(dbirth.payload.metrics.find((m) => m.name === 'B10/door-open')).toMatchObject({ datatype: 'Boolean' });
    expect(dbirth.payload.metrics.find((m) => m.name === 'samples')).toMatchObject({ datatype: 'Int64' });

    simulator.setTemperature(3, 12.3);
    const pinned = await recorder.waitFor((m) => m.type === 'DDATA' &&
      named(m, names).some((x) => x.tag === 'B13/temperature' && Math.abs((x.value as number) - 12.3) < 1e-9));
    const metric = named(pinned, names).find((x) => x.tag === 'B13/temperature')!;
    expect(metric.timestamp).toBeGreaterThan(Date.now() - 10_000);
    expect(metric.properties).toBeUndefined(); // good quality carries no Quality property
    simulator.unpin(3);
  });

  it('queues readings while the broker is away and drains the backlog in order once it is back', async () => {
    await until('the outbox to be drained', async () => (await getJson('/health')).outbox.rows < 5);
    const before = recorder.messages.length;
    await broker.stop();
    await until('the north link to go down', async () => (await getJson('/health')).north.linkState !== 'up');
    simulator.setTemperature(5, 15.5);
    const backlog = await until('a backlog of 60 rows', async () => {
      const health = await getJson('/health');
      return health.outbox.rows >= 60 ? health : undefined;
    });
    expect(backlog.status).toBe('degraded');
    expect(backlog.north.linkState).not.toBe('up');
    await recorder.waitFor((m) => m.type === 'NDEATH', { from: before }); // the broker published the Will

    const resumedAt = recorder.messages.length;
    await broker.start();
    await until('the outbox to empty', async () => (await getJson('/health')).outbox.rows === 0);
    const nbirth = await recorder.waitFor((m) => m.type === 'NBIRTH', { from: resumedAt });
    expect(nbirth.payload.metrics[0]).toMatchObject({ name: 'bdSeq', value: 1 });

    const replayed = recorder.messages.slice(resumedAt).filter((m) => m.type === 'DDATA').flatMap((m) => named(m, names));
    // Under load a read may time out and travel as a null with BAD quality: order is checked on the good ones.
    const samples = replayed.filter((m) => m.tag === 'samples' && !m.isNull);
    expect(samples.length).toBeGreaterThanOrEqual(3);
    // In order: the sample counter and the timestamps only go up.
    const values = samples.map((m) => m.value as number);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(new Set(values).size).toBe(values.length);
    const timestamps = replayed.filter((m) => m.tag === 'samples').map((m) => m.timestamp!);
    expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
    expect(samples[0].isHistorical).toBe(true); // read while the broker was away
    expect(replayed.some((m) => m.tag === 'B15/temperature' && Math.abs((m.value as number) - 15.5) < 1e-9)).toBe(true);
    simulator.unpin(5);
  });

  it('answers /health and /metrics with the link, outbox and counter fields', async () => {
    await until('the north link up', async () => (await getJson('/health')).north.linkState === 'up');
    const health = await getJson('/health');
    expect(health).toMatchObject({
      status: 'ok',
      links: { 'shelf-sensors': 'up' },
      north: { linkState: 'up', bdSeq: 1 },
      outbox: { maxBytes: 16 * 1024 * 1024 },
    });
    expect(health.uptimeS).toBeGreaterThan(0);
    expect(health.outbox.appended).toBeGreaterThan(40);
    expect(health.north.pointsPublished).toBeGreaterThan(40);

    const text = await (await fetch(`http://127.0.0.1:${gateway.httpPort}/metrics`)).text();
    for (const line of [
      /^edgestock_points_read_total\{device="shelf-sensors"\} \d+/m,
      /^edgestock_points_queued_total \d+/m,
      /^edgestock_points_published_total \d+/m,
      /^edgestock_points_dropped_total 0/m,
      /^edgestock_outbox_bytes \d+/m,
      /^edgestock_outbox_rows \d+/m,
      /^edgestock_link_up\{link="shelf-sensors"\} 1/m,
      /^edgestock_link_up\{link="north"\} 1/m,
      /^edgestock_skipped_ticks_total\{device="shelf-sensors",group="100ms"\} \d+/m,
    ]) expect(text).toMatch(line);
    expect(text).toContain('edgestock_read_errors_total');
  });

  it('reports a lost device as BAD with the reason in errorCode once the simulator stops', async () => {
    const from = recorder.messages.length;
    await simulator.close();
    const isLinkLoss = (m: SparkplugMetric) => ['LINK_DOWN', 'TIMEOUT'].includes(m.properties?.errorCode?.value as string);
    const ddata = await recorder.waitFor((m) => m.type === 'DDATA' && m.payload.metrics.some(isLinkLoss), { from });
    const metric = named(ddata, names).find(isLinkLoss)!;
    expect(metric).toMatchObject({ isNull: true });
    expect(metric.properties).toEqual({
      Quality: { type: 'Int32', value: 0 },
      errorCode: { type: 'String', value: expect.stringMatching(/^(LINK_DOWN|TIMEOUT)$/) },
    });
    await until('the link to show down', async () => (await getJson('/health')).links['shelf-sensors'] !== 'up');
  });
});

describe('site config validation', () => {
  const ports = { mqtt: 1883, modbus: 502 };

  it('lists every bad address and duplicate name with its path', () => {
    const base = siteConfig(ports, '/tmp/unused');
    const connector = base.connectors[0];
    const config = {
      ...base,
      connectors: [
        { ...connector, tags: [connector.tags[0], { ...connector.tags[1], address: 'xx:1' }, { ...connector.tags[2], address: 'ir:abc' }] },
        { ...connector, tags: [connector.tags[0]] },
      ],
    } as SiteConfig;
    const problems = validateSiteConfig(config);
    expect(problems.map((p) => p.path)).toEqual(['connectors[0].tags[1].address', 'connectors[0].tags[2].address', 'connectors[1].name']);
    expect(problems[0].message).toMatch(/xx/);
  });

  it('refuses to start with an invalid config, naming every problem', async () => {
    const base = siteConfig(ports, '/tmp/unused');
    const config = { ...base, connectors: [{ ...base.connectors[0], tags: [{ ...base.connectors[0].tags[0], address: 'hr:99999' }] }] } as SiteConfig;
    const error = await startGateway({ config, logger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.objectContaining({ path: 'connectors[0].tags[0].address' })]);
  });

  it('accepts the demo plant', async () => {
    const { loadSiteConfig } = await import('../config/load-config.ts');
    const config = loadSiteConfig(new URL('../config/examples/demo-plant.yaml', import.meta.url).pathname, {});
    expect(validateSiteConfig(config)).toEqual([]);
  });
});
