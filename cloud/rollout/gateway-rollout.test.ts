/**
 * The edge link end to end with real parts: the Modbus shelf simulator, a gateway daemon, an
 * aedes broker, and the cloud's rollout (SQLite file, edge-link MQTT client). Config pushes,
 * hot reload, writes, test reads, refusals, rollback, a push while the gateway is away, and
 * duplicate command ids.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { waitFor } from '../../bin/support/wait-for.ts';
import { parseConfig } from '../../config/load-config.ts';
import { siteConfigSchema, type SiteConfig } from '../../config/site-schema.ts';
import { edgeLinkTopic, scenarioPermissionsHash } from '../../connectors/edge-link/index.ts';
import { startGateway, type RunningGateway } from '../../gateway/gateway-daemon.ts';
import { recordSparkplug, type RecordedMessage, type SparkplugRecorder } from '../../gateway/testing/sparkplug-recorder.ts';
import { startTestBroker, type TestBroker } from '../../gateway/testing/test-broker.ts';
import { startShelfSimulator, type ShelfSimulator } from '../../simulators/modbus/index.ts';
import { openTelemetryStore, type TelemetryStore } from '../store/telemetry-store.ts';
import { startEdgeLinkClient, type EdgeLinkClient } from './edge-link-client.ts';
import { StaleBaseVersionError } from './gateway-configs.ts';
import { ConfigInvalidError } from './gateway-rollout.ts';
import { openRollout, type OpenRollout } from './open-rollout.ts';

const logger = pino({ level: 'silent' });
const GROUP = 'test-plant';
const EDGE = 'gw-link';

const modbusConnector = (name: string, port: number, tags: object[]) => ({
  name, protocol: 'modbus', connection: { transport: 'tcp', host: '127.0.0.1', port },
  timeoutMs: 500, pollIntervalMs: 100, reconnect: { initialDelayMs: 50, maxDelayMs: 500 }, tags,
});

function siteConfig(ports: { mqtt: number; modbus: number }, dataDir: string): SiteConfig {
  return parseConfig(siteConfigSchema, {
    site: { id: 'test-site' },
    gateway: { group: GROUP, edge: EDGE, dataDir, http: { host: '127.0.0.1', port: 0 } },
    north: { url: `mqtt://127.0.0.1:${ports.mqtt}`, reconnect: { initialDelayMs: 50, maxDelayMs: 300, jitter: 0.2 } },
    connectors: [
      // The counter steps every 300 ms and is polled every 100 ms: every value must arrive.
      modbusConnector('counter', ports.modbus, [{ name: 'samples', address: 'hr:10:uint32' }]),
      modbusConnector('shelf', ports.modbus, [{ name: 'B10/setpoint', address: 'hr:0:int16', scale: 0.1, unit: '°C' }]),
    ],
  }, 'test site config');
}

/** Polls often: these waits are for in-process parts that answer within milliseconds. */
const until = <T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000) =>
  waitFor(what, async () => (await check()) || undefined, { timeoutMs, intervalMs: 25 });

/** Every value of one device tag in DDATA, in arrival order, with aliases resolved through the latest DBIRTH. */
function valuesOf(messages: readonly RecordedMessage[], device: string, tag: string, from = 0): unknown[] {
  let aliases = new Map<number, string>();
  const values: unknown[] = [];
  for (const [index, message] of messages.entries()) {
    if (message.device !== device) continue;
    if (message.type === 'DBIRTH') aliases = new Map(message.payload.metrics.map((m) => [m.alias!, m.name!]));
    if (message.type === 'DDATA' && index >= from) {
      for (const metric of message.payload.metrics) if (aliases.get(metric.alias!) === tag) values.push(metric.value);
    }
  }
  return values;
}

describe('edge link: cloud -> gateway -> device, acknowledged', { timeout: 90_000 }, () => {
  let dir: string;
  let ports: { mqtt: number; observer: number; modbus: number };
  let simulator: ShelfSimulator;
  let broker: TestBroker;
  let recorder: SparkplugRecorder;
  let gateway: RunningGateway | undefined;
  let store: TelemetryStore;
  let cloud: OpenRollout;
  let link: EdgeLinkClient;
  let matrix: Record<string, string[]> = { warehouse_operator: ['scans.perform'], plant_engineer: ['override.putaway_on_alarm_shelf'] };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-rollout-'));
    ports = { mqtt: await freePort(), observer: await freePort(), modbus: await freePort() };
    simulator = await startShelfSimulator({ port: ports.modbus, stepMs: 300 });
    broker = await startTestBroker(ports.mqtt, { observerPort: ports.observer });
    recorder = await recordSparkplug(broker.observerUrl!);
    const file = join(dir, 'cloud.sqlite');
    store = openTelemetryStore(file); // applies the migrations
    cloud = openRollout(file, { link: () => link, logger, applyTimeoutMs: 3000, scenarioPermissions: () => matrix });
    link = await startEdgeLinkClient({ url: broker.observerUrl!, logger, onConfigReport: (g, e, r) => cloud.rollout.onReport(g, e, r), timeoutMs: 8000 });
    gateway = await startGateway({ config: siteConfig(ports, join(dir, 'gateway')), logger });
  });

  afterAll(async () => {
    await gateway?.close();
    await link?.close();
    cloud?.close();
    store?.close();
    await recorder?.close();
    await broker?.close();
    await simulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records what the gateway runs from its site file as version 0, and sees its session online', async () => {
    await until('the first config report', () => cloud.configs.latest(GROUP, EDGE));
    const config = cloud.rollout.config(GROUP, EDGE);
    expect(config.version).toBe(0);
    expect(config.appliedVersion).toBe(0);
    expect((config.connectors as Array<{ name: string }>).map((c) => c.name)).toEqual(['counter', 'shelf']);
    await until('the gateway online', () => cloud.rollout.summary(GROUP, EDGE).online);
    expect(cloud.rollout.summary(GROUP, EDGE)).toMatchObject({ status: 'in-sync', desiredVersion: 0, appliedVersion: 0 });
  });

  it('sends the scenario permissions to a gateway that does not hold them, and a changed matrix to every online gateway', async () => {
    await until('the first permissions', () => gateway!.stats().scenarioPermissions === scenarioPermissionsHash(matrix));
    matrix = { ...matrix, sales: ['override.force_ship_near_expiry'] };
    cloud.rollout.syncPermissionsEverywhere();
    await until('the changed permissions', () => gateway!.stats().scenarioPermissions === scenarioPermissionsHash(matrix));
    const tampered = await cloud.rollout.command(GROUP, EDGE, 'permissions.sync' as never, { hash: scenarioPermissionsHash(matrix), roles: { sales: [] } }, 'x');
    expect(tampered).toMatchObject({ ok: false, error: { code: 'BAD_ARGS' } });
    expect(gateway!.stats().scenarioPermissions).toBe(scenarioPermissionsHash(matrix));
  });

  it('writes a tag on the device and answers with the acknowledgement; a bad write is refused with its reason', async () => {
    const ack = await cloud.rollout.command(GROUP, EDGE, 'tag.write', { device: 'shelf', tag: 'B10/setpoint', value: 5.5 }, 'engineer');
    expect(ack).toMatchObject({ ok: true, result: { device: 'shelf', tag: 'B10/setpoint', value: 5.5 } });
    expect(simulator.snapshot().shelves[0]!.setpointC).toBe(5.5);

    const outOfRange = await cloud.rollout.command(GROUP, EDGE, 'tag.write', { device: 'shelf', tag: 'B10/setpoint', value: 99 }, 'engineer');
    expect(outOfRange).toMatchObject({ ok: false, error: { code: 'DEVICE_EXCEPTION' } });
    const unknown = await cloud.rollout.command(GROUP, EDGE, 'tag.write', { device: 'press', tag: 'x', value: 1 }, 'engineer');
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_DEVICE' } });
    const badArgs = await cloud.rollout.command(GROUP, EDGE, 'tag.write', { device: 'shelf', tag: 'B10/setpoint', value: 'hot' }, 'engineer');
    expect(badArgs).toMatchObject({ ok: false, error: { code: 'BAD_ARGS' } });
    expect(badArgs.ok === false && badArgs.error.message).toContain('args.value');
    expect(simulator.snapshot().shelves[0]!.setpointC).toBe(5.5);
  });

  it('test-reads a tag that is not configured yet, on a link of its own', async () => {
    const ack = await cloud.rollout.command(GROUP, EDGE, 'tag.test-read', {
      connector: 'shelf', tag: { name: 'B11/setpoint', address: 'hr:1:int16', scale: 0.1, unit: '°C' },
    }, 'engineer');
    expect(ack).toMatchObject({ ok: true, result: { value: 4, quality: 'good', unit: '°C' } });
    const badAddress = await cloud.rollout.command(GROUP, EDGE, 'tag.test-read', { connector: 'shelf', tag: { name: 'x', address: 'hr:99999' } }, 'engineer');
    expect(badAddress).toMatchObject({ ok: false, error: { code: 'CONFIG_INVALID' } });
    expect(badAddress.ok === false && badAddress.error.problems?.[0]?.path).toBe('connector.tags[0].address');
  });

  it('refuses an invalid configuration in the cloud with every problem, storing nothing', async () => {
    const broken = structuredClone(cloud.rollout.config(GROUP, EDGE).connectors) as Array<{ tags: Array<{ address: string }>; pollIntervalMs: unknown }>;
    broken[1]!.tags[0]!.address = 'hr:abc';
    broken[0]!.pollIntervalMs = 'fast';
    const error = await cloud.rollout.push(GROUP, EDGE, { baseVersion: 0, connectors: broken, author: 'engineer' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigInvalidError);
    expect((error as ConfigInvalidError).problems.map((p) => p.path).sort()).toEqual(['connectors[0].pollIntervalMs', 'connectors[1].tags[0].address']);
    expect(cloud.configs.latest(GROUP, EDGE)!.version).toBe(0);
  });

  it('hot-reloads only the changed connector: the other keeps its link and loses no value', async () => {
    const before = cloud.rollout.config(GROUP, EDGE).connectors as Array<{ name: string; tags: object[] }>;
    const next = structuredClone(before);
    next[1]!.tags.push({ name: 'B11/setpoint', address: 'hr:1:int16', scale: 0.1, unit: '°C' });
    const from = recorder.messages.length;
    await new Promise((resolve) => setTimeout(resolve, 1000)); // counter values before the reload
    const readsOfCounter = () => gateway!.stats().scheduler.find((g) => g.connector === 'counter')!.reads;
    const readsBefore = readsOfCounter();
    const outcome = await cloud.rollout.push(GROUP, EDGE, { baseVersion: 0, connectors: next, author: 'engineer', comment: 'add B11 setpoint' });
    expect(outcome).toMatchObject({ version: 1, status: 'applied' });
    expect(outcome.ack).toMatchObject({ ok: true, result: { restarted: ['shelf'], unchanged: ['counter'], added: [], removed: [] } });
    expect(outcome.diff).toEqual([{ op: 'add', path: 'connectors[shelf].tags[B11/setpoint]', after: expect.objectContaining({ address: 'hr:1:int16' }) }]);
    // The new tag is born and reported.
    await recorder.waitFor((m) => m.type === 'DBIRTH' && m.device === 'shelf' && m.payload.metrics.some((x) => x.name === 'B11/setpoint'), { from });
    await until('B11/setpoint in DDATA', () => valuesOf(recorder.messages, 'shelf', 'B11/setpoint', from).length > 0);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // counter values after the reload
    const counter = valuesOf(recorder.messages, 'counter', 'samples', from).map(Number);
    expect(counter.length).toBeGreaterThan(6);
    const holes = counter.slice(1).filter((v, i) => v !== counter[i]! + 1 && v !== counter[i]);
    expect(holes, `counter values across the reload: ${counter.join(',')}`).toEqual([]);
    expect(gateway!.stats().links.counter).toBe('up');
    // Its read loop is the same one, counting on (a restarted loop would count from 0 again).
    expect(readsOfCounter()).toBeGreaterThan(readsBefore + 10);
    await until('the gateway reports version 1', () => cloud.rollout.summary(GROUP, EDGE).appliedVersion === 1);
    expect(cloud.rollout.summary(GROUP, EDGE).status).toBe('in-sync');
  });

  it('refuses a push based on an old version, and records the history with diffs; a rollback is a new version', async () => {
    await expect(cloud.rollout.push(GROUP, EDGE, { baseVersion: 0, connectors: cloud.rollout.config(GROUP, EDGE).connectors, author: 'engineer' }))
      .rejects.toBeInstanceOf(StaleBaseVersionError);
    const rolledBack = await cloud.rollout.rollback(GROUP, EDGE, 0, 'admin');
    expect(rolledBack).toMatchObject({ version: 2, status: 'applied' });
    expect(rolledBack.diff).toEqual([{ op: 'remove', path: 'connectors[shelf].tags[B11/setpoint]', before: expect.anything() }]);
    const history = cloud.rollout.history(GROUP, EDGE);
    expect(history.map((v) => [v.version, v.author, v.status])).toEqual([[2, 'admin', 'applied'], [1, 'engineer', 'applied'], [0, 'gateway', 'reported']]);
    expect(history[1]!.comment).toBe('add B11 setpoint');
    expect(history[1]!.diff).toHaveLength(1);
  });

  it('keeps a push made while the gateway is away pending, and delivers it when the gateway is back; a restart runs the pushed list', async () => {
    await gateway!.close();
    gateway = undefined;
    await until('the gateway offline', () => !cloud.rollout.summary(GROUP, EDGE).online);
    const next = structuredClone(cloud.rollout.config(GROUP, EDGE).connectors) as Array<{ name: string }>;
    const outcome = await cloud.rollout.push(GROUP, EDGE, { baseVersion: 2, connectors: next.filter((c) => c.name === 'counter'), author: 'engineer' });
    expect(outcome).toMatchObject({ version: 3, status: 'pending', timedOut: true });
    expect(cloud.rollout.summary(GROUP, EDGE).status).toBe('pending');

    // The restarted gateway runs version 2 (pushed, from its data dir), reports it, and gets version 3.
    gateway = await startGateway({ config: siteConfig(ports, join(dir, 'gateway')), logger });
    expect(gateway.stats().scenarioPermissions, 'the permissions held survive the restart').toBe(scenarioPermissionsHash(matrix));
    await until('version 3 applied', () => cloud.configs.get(GROUP, EDGE, 3)?.status === 'applied', 20_000);
    await until('the gateway reports version 3', () => cloud.rollout.summary(GROUP, EDGE).appliedVersion === 3);
    expect(Object.keys(gateway.stats().links)).toEqual(['counter']);
    expect(cloud.configs.reported(GROUP, EDGE)).toMatchObject({ version: 3, source: 'pushed' });
  });

  it('answers a repeated command id once, without running it again, and answers a malformed command naming the field', async () => {
    const client = await mqtt.connectAsync(broker.observerUrl!, { clientId: 'duplicate-sender' });
    const acks: Array<{ id: string; ok: boolean; error?: { code: string; message: string } }> = [];
    await client.subscribeAsync(edgeLinkTopic(GROUP, EDGE, 'ack'), { qos: 1 });
    client.on('message', (_topic, payload) => acks.push(JSON.parse(payload.toString())));
    const command = { id: 'duplicate-0001', type: 'certificates.list', args: {}, issuedAt: Date.now() };
    await client.publishAsync(edgeLinkTopic(GROUP, EDGE, 'cmd'), JSON.stringify(command), { qos: 1 });
    await client.publishAsync(edgeLinkTopic(GROUP, EDGE, 'cmd'), JSON.stringify(command), { qos: 1 });
    await client.publishAsync(edgeLinkTopic(GROUP, EDGE, 'cmd'), JSON.stringify({ id: 'malformed-0001', type: 'tag.explode', args: {}, issuedAt: 1 }), { qos: 1 });
    await client.publishAsync(edgeLinkTopic(GROUP, EDGE, 'cmd'), 'not json', { qos: 1 });
    await until('three answers', () => acks.length >= 3);
    await client.endAsync();
    expect(acks.filter((a) => a.id === 'duplicate-0001')).toHaveLength(2);
    expect(acks.filter((a) => a.id === 'duplicate-0001').every((a) => a.ok)).toBe(true);
    expect(gateway!.stats().commands).toMatchObject({ duplicates: 1, malformed: 2 });
    const malformed = acks.find((a) => a.id === 'malformed-0001')!;
    expect(malformed).toMatchObject({ ok: false, error: { code: 'BAD_COMMAND' } });
    expect(malformed.error!.message).toContain('type');
  });
});
