/**
 * The cloud's end of the edge link against a real broker (aedes) and the real event store (SQLite
 * file), with a plain MQTT client playing a gateway whose outbox delivers things twice, late, or
 * broken. Nothing it sends may settle a command twice, store an event twice or throw.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { waitFor } from '../../bin/support/wait-for.ts';
import { edgeLinkTopic, MAX_EDGE_EVENT_BYTES, type ConfigReport } from '../../connectors/edge-link/index.ts';
import { startTestBroker, type TestBroker } from '../../gateway/testing/test-broker.ts';
import { openEdgeEventStore } from '../events/sqlite-edge-event-store.ts';
import { openTelemetryStore } from '../store/telemetry-store.ts';
import { startEdgeLinkClient, type EdgeLinkClient } from './edge-link-client.ts';

const GROUP = 'plant';
const EDGE = 'gw-fake';
const topic = (channel: 'event' | 'ack' | 'config') => edgeLinkTopic(GROUP, EDGE, channel);

const until = <T>(what: string, check: () => T | undefined | false) => waitFor(what, () => check() || undefined, { timeoutMs: 10_000, intervalMs: 10 });

describe('edge link client: duplicates, late and malformed messages from a gateway', { timeout: 30_000 }, () => {
  let dir: string;
  let broker: TestBroker;
  let events: ReturnType<typeof openEdgeEventStore>;
  let link: EdgeLinkClient;
  let gateway: MqttClient;
  const reports: ConfigReport[] = [];
  const warnings: Array<{ topic?: string; err?: string }> = [];
  const logger = { info: () => {}, debug: () => {}, error: () => {}, warn: (obj: object) => { warnings.push(obj as never); } } as never;

  const startLink = () => startEdgeLinkClient({
    url: broker.url, logger, timeoutMs: 5000,
    onConfigReport: (_group, _edge, report) => { reports.push(report); },
    onEvent: (group, edge, event) => events.events.add(group, edge, event, Date.now()),
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-edge-link-'));
    const file = join(dir, 'cloud.sqlite');
    openTelemetryStore(file).close(); // applies the migrations
    events = openEdgeEventStore(file);
    broker = await startTestBroker(await freePort());
    link = await startLink();
    gateway = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: 'fake-gateway' });
  });

  afterAll(async () => {
    await gateway?.endAsync();
    await link?.close();
    await broker?.close();
    events?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const publish = (channel: 'event' | 'ack' | 'config', payload: unknown) =>
    gateway.publishAsync(topic(channel), typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1 });

  it('stores an event once however often the outbox delivers it, counting the repeats', async () => {
    const event = { id: 'ev-0001', type: 'connector.link', at: 1_000, body: { connector: 'shelf', state: 'down', error: 'LINK_DOWN' } };
    await publish('event', event);
    await publish('event', event);
    await publish('event', { ...event, extra: 'from a newer gateway' });
    await until('three copies counted', () => link.stats().events.received === 3);
    expect(link.stats().events).toEqual({ received: 3, duplicates: 2, rejected: 0, failed: 0 });
    expect(events.events.list(GROUP, EDGE, { limit: 10 })).toEqual([expect.objectContaining({ id: 'ev-0001', at: 1_000, body: event.body })]);
  });

  it('rejects events that are not JSON, not the schema or too large, logging their topic, and goes on', async () => {
    await publish('event', 'not json');
    await publish('event', { id: 'ev-0002', type: 'Connector Link', at: 1, body: {} });
    await publish('event', { type: 'connector.link', at: 1, body: {} });
    await publish('event', { id: 'ev-0003', type: 'blob.big', at: 1, body: 'x'.repeat(MAX_EDGE_EVENT_BYTES) });
    await publish('event', { id: 'ev-0004', type: 'connector.link', at: 2_000, body: { connector: 'shelf', state: 'up' } });
    await until('the good one stored', () => link.stats().events.received === 4);
    expect(link.stats().events).toMatchObject({ rejected: 4, failed: 0 });
    const rejected = warnings.filter((w) => w.topic === topic('event'));
    expect(rejected).toHaveLength(4);
    expect(rejected.map((w) => w.err)).toEqual([
      expect.stringContaining('not JSON'), expect.stringContaining('type: expected a dotted lower-case name'),
      expect.stringContaining('id:'), expect.stringContaining('expected at most 65536'),
    ]);
    expect(events.events.list(GROUP, EDGE, { limit: 10 }).map((e) => e.id)).toEqual(['ev-0004', 'ev-0001']);
  });

  it('settles a command with its first acknowledgement; a repeat is a duplicate, an answer nobody waits for is late', async () => {
    const commands: Array<{ id: string; type: string }> = [];
    await gateway.subscribeAsync(topic('ack').replace(/ack$/, 'cmd'), { qos: 1 });
    gateway.on('message', (_t, payload) => commands.push(JSON.parse(payload.toString())));
    const before = link.stats();
    const answer = link.send(GROUP, EDGE, 'certificates.list', {});
    const command = await until('the command', () => commands.at(-1));
    const ack = { id: command.id, type: command.type, ok: true, result: { trusted: [], rejected: [] }, at: 5 };
    await publish('ack', ack);
    await publish('ack', ack);
    await publish('ack', { ...ack, id: 'never-sent-0001' });
    await publish('ack', { ...ack, id: 'never-sent-0001' });
    await publish('ack', { id: command.id, ok: 'yes' });
    await expect(answer).resolves.toEqual(ack);
    await until('every answer counted', () => link.stats().malformed > before.malformed);
    expect(link.stats()).toMatchObject({
      acknowledged: before.acknowledged + 1, duplicateAcks: before.duplicateAcks + 2, lateAcks: before.lateAcks + 1,
    });

    // Asking again with the same id (a retry) waits for the gateway's next answer to it.
    const again = link.send(GROUP, EDGE, 'certificates.list', {}, { id: command.id });
    await until('the command again', () => commands.filter((c) => c.id === command.id).length === 2);
    await publish('ack', ack);
    await expect(again).resolves.toEqual(ack);
  });

  it('applies a configuration report once per id, and an old gateway\'s report without an id each time', async () => {
    const report = { id: 'config-v2-0001', version: 2, connectors: [], source: 'pushed', at: 10 };
    await publish('config', report);
    await publish('config', report);
    const { id: _, ...withoutId } = report;
    await publish('config', withoutId);
    await publish('config', withoutId);
    await publish('config', { version: -1 });
    await until('every report counted', () => link.stats().configReports + link.stats().duplicateReports === 4);
    expect(reports).toHaveLength(3);
    expect(link.stats()).toMatchObject({ configReports: 3, duplicateReports: 1 });
  });

  it('keeps its session across a restart: events published while it is away arrive when it is back', async () => {
    await link.close();
    await publish('event', { id: 'ev-0005', type: 'connector.link', at: 3_000, body: { connector: 'shelf', state: 'down' } });
    link = await startLink();
    await until('the queued event', () => events.events.list(GROUP, EDGE, { limit: 1 })[0]?.id === 'ev-0005');
    expect(link.stats().events).toMatchObject({ received: 1, duplicates: 0 });
  });
});
