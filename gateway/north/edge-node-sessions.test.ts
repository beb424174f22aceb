/**
 * The edge node's session behaviour beyond births and DDATA: the primary host's STATE gating,
 * store-and-forward in two lanes, device deaths and rebirths, node status metrics, NCMD checks
 * and edge events, each against a real embedded broker.
 */
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { encodePayload, sparkplugTopic } from '../../connectors/sparkplug/index.ts';
import { fixtureSample as sample, startEdgeNodeFixture, until } from '../testing/edge-node-fixture.ts';
import { SqliteOutbox } from '../outbox/sqlite-outbox.ts';
import type { SparkplugEdgeNodeOptions } from './sparkplug-edge-node.ts';

const STATE_TOPIC = 'spBv1.0/STATE/scada';
const state = (online: boolean, timestamp: number) => new TextEncoder().encode(JSON.stringify({ online, timestamp }));

describe('SparkplugEdgeNode sessions', { timeout: 30_000 }, () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const setup = (overrides: Partial<SparkplugEdgeNodeOptions> = {}) => startEdgeNodeFixture(cleanups, overrides);

  it('waits for the primary host to be online before its births, and ends the session with NDEATH when the host goes offline', async () => {
    const { recorder, outbox, node } = await setup({ primaryHostId: 'scada' });
    node.start();
    await until('the node to wait for STATE', () => node.stats().sessions === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(recorder.ofType('NBIRTH')).toHaveLength(0); // [tck-id-operational-behavior-edge-node-birth-sequence-wait]
    expect(node.stats()).toMatchObject({ hostOnline: false, linkState: 'connecting' });

    const t0 = Date.now();
    await recorder.publish(STATE_TOPIC, state(true, t0), { qos: 1, retain: true });
    await recorder.waitFor((m) => m.type === 'DBIRTH');
    expect(node.stats()).toMatchObject({ hostOnline: true, linkState: 'up' });

    // A STATE older than the last one (a late retained message of an earlier host session) and garbage are ignored.
    await recorder.publish(STATE_TOPIC, state(false, t0 - 1000), { qos: 1 });
    await recorder.publish(STATE_TOPIC, new TextEncoder().encode('offline'), { qos: 1 });
    await until('two bad STATE messages', () => node.stats().badStateMessages === 2);
    expect(node.stats()).toMatchObject({ hostOnline: true, linkState: 'up' });

    await recorder.publish(STATE_TOPIC, state(false, t0 + 1), { qos: 1, retain: true });
    const ndeath = await recorder.waitFor((m) => m.type === 'NDEATH');
    expect(ndeath.payload.metrics[0]).toMatchObject({ name: 'bdSeq', value: 0 });
    await until('the host-offline disconnect', () => node.stats().hostOfflineDisconnects === 1);
    // Reconnected, it waits again (the retained STATE says offline): rows stay in the outbox.
    await until('a new session', () => node.stats().sessions === 2);
    outbox.append([sample('samples', 1, Date.now())]);
    node.notify();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(outbox.stats().rows).toBe(1);
    expect(recorder.ofType('NBIRTH')).toHaveLength(1);

    const births = recorder.messages.length;
    await recorder.publish(STATE_TOPIC, state(true, t0 + 2), { qos: 1, retain: true });
    const nbirth = await recorder.waitFor((m) => m.type === 'NBIRTH', { from: births });
    expect(nbirth.payload.metrics[0]).toMatchObject({ name: 'bdSeq', value: 1 });
    const replay = await recorder.waitFor((m) => m.type === 'DDATA', { from: births });
    expect(replay.payload.metrics).toEqual([expect.objectContaining({ value: 1, isHistorical: true })]);
    await until('the outbox to empty', () => outbox.stats().rows === 0);
  });

  it('replays the backlog flagged historical at the configured rate while live rows go out at once', async () => {
    const backlog = 3000;
    const { recorder, outbox, node } = await setup({ replayPointsPerS: 2000, batchSize: 500, maxMetricsPerFrame: 500 });
    outbox.append(Array.from({ length: backlog }, (_, i) => sample('samples', i, 1_000 + i)));
    const started = Date.now();
    node.start();
    await recorder.waitFor((m) => m.type === 'DBIRTH');
    // Live rows while the backlog replays: each must arrive long before the replay is over.
    const liveLatencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const ts = Date.now();
      outbox.append([sample('B10/temperature', 1_000_000 + i, ts)]);
      node.notify();
      const frame = await recorder.waitFor((m) => m.type === 'DDATA' && m.payload.metrics.some((x) => x.value === 1_000_000 + i));
      liveLatencies.push(Date.now() - ts);
      expect(frame.payload.metrics.every((x) => !x.isHistorical)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(node.stats().backlogRows).toBeGreaterThan(0); // the live rows overtook a backlog still in progress
    await until('the backlog to drain', () => node.stats().backlogRows === 0, 15_000);
    const elapsedMs = Date.now() - started;
    // Drained means acknowledged by the broker; the recording subscriber may hear the last frame a moment later.
    const historical = () => recorder.ofType('DDATA').flatMap((m) => m.payload.metrics).filter((x) => x.isHistorical);
    await until('the recorder to hear every replayed row', () => historical().length >= backlog, 5_000);
    const replayed = historical();
    expect(replayed.map((x) => x.value)).toEqual(Array.from({ length: backlog }, (_, i) => i)); // in order, once each
    // 3000 rows at 2000/s, starting with one 50 ms chunk (100 rows) in the bucket, cannot take less than 1.45 s.
    expect(elapsedMs).toBeGreaterThanOrEqual(1400);
    expect(Math.max(...liveLatencies)).toBeLessThan(elapsedMs);
    expect(node.stats()).toMatchObject({ historicalPointsPublished: backlog, pointsPublished: backlog + 5 });
  });

  it('publishes DDEATH when a device link goes down, withholds its bad rows, and DBIRTH when it returns', async () => {
    const { recorder, outbox, node } = await setup();
    node.start();
    await recorder.waitFor((m) => m.type === 'DBIRTH');
    // The link is reported lost after the rows of the read that found out: they go before the DDEATH.
    outbox.append([sample('samples', null, Date.now(), { quality: 'bad', error: 'LINK_DOWN' })]);
    node.setDeviceLink('shelves', false);
    const ddeath = await recorder.waitFor((m) => m.type === 'DDEATH');
    expect(ddeath).toMatchObject({ topic: 'spBv1.0/plant/DDEATH/gw1/shelves', qos: 0 });
    expect(ddeath.payload.metrics).toEqual([]);
    expect(typeof ddeath.payload.timestamp).toBe('number');
    // The bad reading went out before the DDEATH; later bad rows of the dead device are withheld.
    const frames = recorder.ofType('DDATA');
    expect(frames.at(-1)!.payload.metrics[0]).toMatchObject({ isNull: true });
    expect(node.stats().deadDevices).toEqual(['shelves']);
    outbox.append([sample('samples', null, Date.now(), { quality: 'bad', error: 'LINK_DOWN' })]);
    node.notify();
    await until('the withheld row', () => node.stats().withheldPoints === 1);
    expect(outbox.stats().rows).toBe(0);

    const before = recorder.messages.length;
    outbox.append([sample('samples', 42, Date.now())]);
    node.setDeviceLink('shelves', true);
    const dbirth = await recorder.waitFor((m) => m.type === 'DBIRTH', { from: before });
    const data = await recorder.waitFor((m) => m.type === 'DDATA', { from: before });
    expect(recorder.messages.indexOf(dbirth)).toBeLessThan(recorder.messages.indexOf(data));
    expect(data.payload.metrics[0]).toMatchObject({ value: 42 });
    // seq runs on through births, deaths and data [tck-id-payloads-ddeath-seq-inc].
    const seqs = recorder.messages.filter((m) => m.type !== 'NDEATH').map((m) => m.payload.seq);
    seqs.forEach((seq, i) => expect(seq).toBe(i % 256));
    expect(node.stats()).toMatchObject({ deviceDeaths: 1, deviceRebirths: 1, deadDevices: [] });
  });

  it('publishes its outbox figures as node metrics in NDATA, by alias, only when they changed', async () => {
    const outbox = new SqliteOutbox({ path: ':memory:', maxBytes: 64 * 1024 });
    const { recorder, node } = await setup({ statusIntervalMs: 100, outbox });
    node.start();
    await recorder.waitFor((m) => m.type === 'NBIRTH');
    await new Promise((resolve) => setTimeout(resolve, 400)); // four intervals with nothing new
    expect(recorder.ofType('NDATA')).toHaveLength(0); // report by exception [tck-id-principles-rbe-recommended]

    // More than the byte budget at once: the oldest rows are dropped, and the count is news.
    outbox.append(Array.from({ length: 2000 }, (_, i) => sample('samples', i, Date.now())));
    node.notify();
    const ndata = await recorder.waitFor((m) => m.type === 'NDATA' && m.payload.metrics[3].value !== 0);
    expect(ndata.qos).toBe(0);
    expect(ndata.payload.metrics.map((m) => [m.alias, m.datatype, m.name])).toEqual([
      [3, 'Int64', undefined], [4, 'Int64', undefined], [5, 'Int64', undefined], [6, 'Int64', undefined], [7, 'Int64', undefined],
    ]);
    expect(ndata.payload.metrics[2].value).toBe(64 * 1024);
    expect(ndata.payload.metrics[3].value).toBe(outbox.stats().dropped);
  });

  it('counts NCMD metrics it does not define and does not rebirth for them', async () => {
    const { recorder, node } = await setup();
    node.start();
    await recorder.waitFor((m) => m.type === 'DBIRTH');
    const ncmd = sparkplugTopic({ group: 'plant', type: 'NCMD', edge: 'gw1' });
    await recorder.publish(ncmd, encodePayload({ timestamp: Date.now(), metrics: [{ name: 'Node Control/Reboot', datatype: 'Boolean', value: true }, { alias: 99, datatype: 'Int32', value: 1 }] }));
    await until('the unknown metrics to be counted', () => node.stats().unknownCommandMetrics === 2);
    expect(node.stats()).toMatchObject({ rebirthRequests: 0, births: 1, badCommands: 0 });
  });

  it('publishes event rows on the edge link in outbox order, and acks them after the PUBACK', async () => {
    const { broker, recorder, outbox, node } = await setup();
    const events: Array<{ topic: string; body: string }> = [];
    const client = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
    cleanups.push(() => client.endAsync(true));
    client.on('message', (topic, payload) => events.push({ topic, body: payload.toString() }));
    await client.subscribeAsync('edgestock/v1/#', { qos: 1 });
    node.start();
    await recorder.waitFor((m) => m.type === 'DBIRTH');
    outbox.append([
      { kind: 'event', device: 'event', tag: 'e-1', value: '{"id":"e-1","type":"alert"}', quality: 'good', ts: Date.now() },
      { kind: 'event', device: 'ack', tag: 'c-9', value: '{"id":"c-9","ok":true}', quality: 'good', ts: Date.now() },
    ]);
    node.notify();
    await until('both events', () => events.length === 2);
    expect(events).toEqual([
      { topic: 'edgestock/v1/plant/gw1/event', body: '{"id":"e-1","type":"alert"}' },
      { topic: 'edgestock/v1/plant/gw1/ack', body: '{"id":"c-9","ok":true}' },
    ]);
    await until('the outbox to empty', () => outbox.stats().rows === 0);
    expect(node.stats()).toMatchObject({ eventsPublished: 2, unroutablePoints: 0 });
  });
});
