/**
 * Edge events and command acknowledgements through the gateway's outbox (docs/edge-events.md),
 * with real parts: the gateway as a child process (so it can be killed with SIGKILL), the Modbus
 * shelf simulator behind a small TCP proxy the test controls, an aedes broker whose gateway-facing
 * listener can be stopped while the cloud's side (the observer port) stays up, and the cloud's edge
 * link client storing events in a real SQLite file.
 *
 * (a) events emitted while the broker is away arrive after it returns, once each, in order;
 * (b) a write applied on the device whose acknowledgement could not be published before a kill -9
 *     is acknowledged from the outbox after the restart, and the same command id sent again is
 *     answered from the ledger without a second write;
 * (c) malformed events and duplicate acknowledgements at the cloud are counted and change nothing.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { openEdgeEventStore } from '../../cloud/events/sqlite-edge-event-store.ts';
import { startEdgeLinkClient, type EdgeLinkClient } from '../../cloud/rollout/edge-link-client.ts';
import { openRollout, type OpenRollout } from '../../cloud/rollout/open-rollout.ts';
import { openTelemetryStore } from '../../cloud/store/telemetry-store.ts';
import { edgeLinkTopic, type EdgeAck, type EdgeEvent } from '../../connectors/edge-link/index.ts';
import { startTestBroker, type TestBroker } from '../../gateway/testing/test-broker.ts';
import { startShelfSimulator, type ShelfSimulator } from '../../simulators/modbus/index.ts';
import { startChildPart, type ChildPart } from '../support/child-part.ts';
import { freePort } from '../support/free-port.ts';
import { getJson, waitFor } from '../support/wait-for.ts';

const GROUP = 'events-test';
const EDGE = 'gw-events';
const logger = pino({ level: 'silent' });

/** Modbus function codes that write (Modbus Application Protocol V1.1b3 §6.5, §6.6, §6.11, §6.12). */
const WRITE_FUNCTIONS = new Set([0x05, 0x06, 0x0f, 0x10]);

/**
 * A Modbus TCP proxy in front of the simulator: counts the write requests the device received,
 * can hold the device's answers after a write (the device has applied it, the gateway does not
 * know yet), and can cut the link (connections dropped, new ones refused) and restore it.
 */
interface ModbusProxy {
  readonly writes: number;
  holdAfterWrite: boolean;
  release(): void;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

async function startModbusProxy(port: number, devicePort: number): Promise<ModbusProxy> {
  let writes = 0;
  let server: Server | undefined;
  const pairs = new Set<{ client: Socket; device: Socket; held: Buffer[] | undefined }>();
  const proxy: ModbusProxy = {
    get writes() { return writes; },
    holdAfterWrite: false,
    release() {
      for (const pair of pairs) {
        const held = pair.held;
        pair.held = undefined;
        for (const chunk of held ?? []) pair.client.write(chunk);
      }
      proxy.holdAfterWrite = false;
    },
    async cut() {
      const closing = server;
      server = undefined;
      for (const { client, device } of pairs) {
        client.destroy();
        device.destroy();
      }
      pairs.clear();
      if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
    async restore() {
      if (server) return;
      const listening = createServer({ noDelay: true }, (client) => {
        const device = connect(devicePort, '127.0.0.1');
        const pair = { client, device, held: undefined as Buffer[] | undefined };
        pairs.add(pair);
        let pending = Buffer.alloc(0);
        client.on('data', (chunk) => {
          // MBAP header: transaction (2), protocol (2), length (2) of unit id + PDU; function code follows the unit id.
          pending = Buffer.concat([pending, chunk]);
          while (pending.length >= 8 && pending.length >= 6 + pending.readUInt16BE(4)) {
            const frame = pending.subarray(0, 6 + pending.readUInt16BE(4));
            pending = pending.subarray(frame.length);
            device.write(frame);
            if (WRITE_FUNCTIONS.has(frame[7]!)) {
              writes++;
              if (proxy.holdAfterWrite) pair.held ??= [];
            }
          }
        });
        device.on('data', (chunk) => (pair.held ? pair.held.push(chunk) : client.write(chunk)));
        const drop = () => {
          pairs.delete(pair);
          client.destroy();
          device.destroy();
        };
        for (const socket of [client, device]) {
          socket.on('error', drop);
          socket.on('close', drop);
        }
      });
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(port, '127.0.0.1', () => resolve());
      });
      server = listening;
    },
    close: () => proxy.cut(),
  };
  await proxy.restore();
  return proxy;
}

/** Rows of the gateway's outbox file, read as another process would (read-only, WAL). */
function outboxEvents(path: string, channel: string): Array<{ tag: string; value: string }> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT tag, value FROM outbox WHERE kind = 'event' AND device = ? ORDER BY seq").all(channel) as Array<{ tag: string; value: string }>;
  } finally {
    db.close();
  }
}

function ledgerHas(path: string, id: string): boolean {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT 1 FROM command WHERE id = ?').get(id) !== undefined;
  } finally {
    db.close();
  }
}

describe('edge events and acknowledgements through the outbox, with real processes', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-edge-events-'));
  const output: string[] = [];
  const paths = { outbox: join(dir, 'gateway', 'outbox.sqlite'), ledger: join(dir, 'gateway', 'commands.sqlite') };
  let ports: { mqtt: number; observer: number; modbus: number; proxy: number; http: number };
  let simulator: ShelfSimulator;
  let proxy: ModbusProxy;
  let broker: TestBroker;
  let rollout: OpenRollout;
  let events: ReturnType<typeof openEdgeEventStore>;
  let link: EdgeLinkClient;
  let gateway: ChildPart | undefined;
  /** Events in the order the cloud received them (first copies and repeats). */
  const arrivals: EdgeEvent[] = [];

  const startGatewayProcess = () => {
    gateway = startChildPart('gateway', ['gateway', '--config', join(dir, 'site.yaml')], { ...process.env, EDGESTOCK_LOG_LEVEL: 'info' }, (line) => output.push(line));
    return gateway;
  };
  const health = () => getJson<{ links: Record<string, string>; north: { linkState: string } }>(`http://127.0.0.1:${ports.http}/health`);
  const until = <T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000) =>
    waitFor(what, async () => (await check()) || undefined, { timeoutMs, intervalMs: 25 });
  const linkEvents = () => arrivals.filter((e) => e.type === 'connector.link');
  const withOutput = async (run: () => Promise<void>) => {
    try {
      await run();
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- gateway output ---\n${output.slice(-60).join('\n')}`);
    }
  };

  beforeAll(async () => {
    ports = { mqtt: await freePort(), observer: await freePort(), modbus: await freePort(), proxy: await freePort(), http: await freePort() };
    simulator = await startShelfSimulator({ port: ports.modbus, stepMs: 1000 });
    proxy = await startModbusProxy(ports.proxy, ports.modbus);
    broker = await startTestBroker(ports.mqtt, { observerPort: ports.observer });
    const file = join(dir, 'cloud.sqlite');
    openTelemetryStore(file).close(); // applies the migrations
    rollout = openRollout(file, { link: () => link, logger });
    events = openEdgeEventStore(file);
    link = await startEdgeLinkClient({
      url: broker.observerUrl!, logger, timeoutMs: 10_000,
      onConfigReport: (group, edge, report) => rollout.rollout.onReport(group, edge, report),
      onEvent: (group, edge, event) => {
        arrivals.push(event);
        return events.events.add(group, edge, event, Date.now());
      },
    });
    writeFileSync(join(dir, 'site.yaml'), stringify({
      site: { id: 'events-test' },
      gateway: { group: GROUP, edge: EDGE, dataDir: join(dir, 'gateway'), http: { host: '127.0.0.1', port: ports.http } },
      north: { url: `mqtt://127.0.0.1:${ports.mqtt}`, reconnect: { initialDelayMs: 50, maxDelayMs: 300, jitter: 0.2 } },
      connectors: [{
        name: 'shelf', protocol: 'modbus', connection: { transport: 'tcp', host: '127.0.0.1', port: ports.proxy },
        timeoutMs: 3000, pollIntervalMs: 100, reconnect: { initialDelayMs: 50, maxDelayMs: 300 },
        tags: [{ name: 'B10/setpoint', address: 'hr:0:int16', scale: 0.1, unit: '°C' }],
      }],
    }));
    startGatewayProcess();
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await link?.close();
    events?.close();
    rollout?.close();
    await broker?.close();
    await proxy?.close();
    await simulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('(a) delivers events emitted while the broker is away once it is back, once each, in the order they happened', () => withOutput(async () => {
    await until('the first connector.link up in the cloud', () => linkEvents().some((e) => (e.body as { state: string }).state === 'up'));
    await until('the outbox drained', () => outboxEvents(paths.outbox, 'event').length === 0);
    const before = linkEvents().length;

    await broker.stop();
    await until('the gateway to see the broker gone', async () => (await health()).north.linkState !== 'up');
    // Two outages of the device, each waited for until its event is committed in the outbox.
    for (let outage = 1; outage <= 2; outage++) {
      await proxy.cut();
      await until(`outage ${outage}: link down queued`, () => outboxEvents(paths.outbox, 'event').length === 2 * outage - 1);
      await proxy.restore();
      await until(`outage ${outage}: link up queued`, () => outboxEvents(paths.outbox, 'event').length === 2 * outage);
    }
    expect(linkEvents()).toHaveLength(before); // nothing reached the cloud meanwhile
    const queued = outboxEvents(paths.outbox, 'event').map((row) => JSON.parse(row.value) as EdgeEvent);

    await broker.start();
    await until('the four events in the cloud', () => linkEvents().length >= before + 4);
    await until('the outbox drained', () => outboxEvents(paths.outbox, 'event').length === 0);
    const delivered = linkEvents().slice(before);
    expect(delivered).toEqual(queued);
    expect(delivered.map((e) => (e.body as { state: string }).state)).toEqual(['down', 'up', 'down', 'up']);
    expect(delivered[0]!.body).toMatchObject({ connector: 'shelf', error: expect.any(String) });
    const ats = delivered.map((e) => e.at);
    expect([...ats].sort((x, y) => x - y)).toEqual(ats);
    expect([...delivered.map((e) => e.id)].sort()).toEqual(delivered.map((e) => e.id));
    expect(link.stats().events).toMatchObject({ duplicates: 0, rejected: 0, failed: 0 });
    const stored = events.events.list(GROUP, EDGE, { limit: 100, type: 'connector.link' });
    for (const event of delivered) expect(stored.filter((e) => e.id === event.id)).toHaveLength(1);
  }));

  it('(b) acknowledges a write from the outbox after a kill -9, and answers the same id again from the ledger without writing twice', () => withOutput(async () => {
    const commandId = `cmd-crash-${randomUUID()}`;
    const writesBefore = proxy.writes;
    const acknowledgedBefore = link.stats().acknowledged;

    // The device takes the write; its answer is held, so the gateway cannot have acknowledged it yet.
    proxy.holdAfterWrite = true;
    const firstAnswer = link.send(GROUP, EDGE, 'tag.write', { device: 'shelf', tag: 'B10/setpoint', value: 6.5 }, { id: commandId, timeoutMs: 90_000, by: 'test' });
    await until('the write on the device', () => proxy.writes === writesBefore + 1 && simulator.snapshot().shelves[0]!.setpointC === 6.5);
    // Now the broker goes, then the device answers: the acknowledgement can only go to the outbox.
    await broker.stop();
    proxy.release();
    await until('the acknowledgement committed in the outbox', () => outboxEvents(paths.outbox, 'ack').some((row) => row.tag === commandId));
    expect(ledgerHas(paths.ledger, commandId)).toBe(true);
    gateway!.process.kill('SIGKILL');
    await gateway!.exited;
    expect(link.stats().acknowledged).toBe(acknowledgedBefore);

    await broker.start();
    startGatewayProcess();
    const ack = await firstAnswer;
    expect(ack).toMatchObject({ id: commandId, type: 'tag.write', ok: true, result: { device: 'shelf', tag: 'B10/setpoint', value: 6.5 } });
    expect(proxy.writes).toBe(writesBefore + 1);
    await until('the restarted gateway linked to the device', async () => (await health()).links.shelf === 'up');

    // Another write moves the set point on; the first command sent again must not move it back.
    const second = await link.send(GROUP, EDGE, 'tag.write', { device: 'shelf', tag: 'B10/setpoint', value: 7 }, { by: 'test' });
    expect(second, JSON.stringify(second)).toMatchObject({ ok: true });
    expect(proxy.writes).toBe(writesBefore + 2);
    const again = await link.send(GROUP, EDGE, 'tag.write', { device: 'shelf', tag: 'B10/setpoint', value: 6.5 }, { id: commandId, by: 'test' });
    expect(again).toEqual(ack);
    expect(proxy.writes).toBe(writesBefore + 2);
    expect(simulator.snapshot().shelves[0]!.setpointC).toBe(7);
  }));

  it('(c) counts malformed events and duplicate acknowledgements at the cloud, which change nothing', () => withOutput(async () => {
    const client = await mqtt.connectAsync(broker.observerUrl!, { protocolVersion: 4, clientId: 'replaying-gateway' });
    try {
      const stored = events.events.list(GROUP, EDGE, { limit: 1000 });
      const before = link.stats();
      const ack = await link.send(GROUP, EDGE, 'certificates.list', {});
      const replayed = JSON.stringify(ack as EdgeAck);
      await client.publishAsync(edgeLinkTopic(GROUP, EDGE, 'ack'), replayed, { qos: 1 });
      await client.publishAsync(edgeLinkTopic(GROUP, EDGE, 'ack'), replayed, { qos: 1 });
      await client.publishAsync(edgeLinkTopic(GROUP, EDGE, 'event'), '{"id": "ev-broken", "type": ', { qos: 1 });
      await client.publishAsync(edgeLinkTopic(GROUP, EDGE, 'event'), JSON.stringify({ id: 'ev-no-type', at: 1, body: {} }), { qos: 1 });
      await client.publishAsync(edgeLinkTopic(GROUP, EDGE, 'event'), JSON.stringify(stored[0]), { qos: 1 });
      await until('everything counted', () => {
        const now = link.stats();
        return now.duplicateAcks === before.duplicateAcks + 2 && now.events.rejected === before.events.rejected + 2 && now.events.duplicates === before.events.duplicates + 1;
      });
      // The gateway may have added events of its own meanwhile; none of these changed anything.
      const after = events.events.list(GROUP, EDGE, { limit: 1000 });
      expect(after).toEqual(expect.arrayContaining(stored));
      expect(after.filter((e) => e.id === stored[0]!.id)).toHaveLength(1);
      expect(after.filter((e) => e.id === 'ev-broken' || e.id === 'ev-no-type')).toEqual([]);
      // Both ends go on: a new command is answered, the gateway still runs its link.
      expect(await link.send(GROUP, EDGE, 'certificates.list', {})).toMatchObject({ ok: true });
      expect((await health()).links.shelf).toBe('up');
    } finally {
      await client.endAsync();
    }
  }));
});
