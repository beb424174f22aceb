import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { encodePayload, sparkplugTopic } from '../../connectors/sparkplug/index.ts';
import { SqliteOutbox } from '../outbox/sqlite-outbox.ts';
import { fixtureDevices, fixtureSample, startEdgeNodeFixture, until } from '../testing/edge-node-fixture.ts';
import { recordSparkplug } from '../testing/sparkplug-recorder.ts';
import { BDSEQ_META_KEY, SparkplugEdgeNode, type SparkplugEdgeNodeOptions } from './sparkplug-edge-node.ts';

const devices = fixtureDevices;
const sample = fixtureSample;
/** Aliases 1-7 are the node's own metrics (bdSeq, Node Control/Rebirth, Outbox/...). */
const ALIAS = { 'B10/door-open': 8, 'B10/temperature': 9, samples: 10 } as const;
describe('SparkplugEdgeNode against an embedded broker', { timeout: 30_000 }, () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const setup = (overrides: Partial<SparkplugEdgeNodeOptions> = {}) => startEdgeNodeFixture(cleanups, overrides);

  it('publishes NBIRTH, a DBIRTH per device, then DDATA from the outbox, and acks it', async () => {
    const { recorder, outbox, node } = await setup();
    outbox.append([sample('B10/temperature', 4.5, 10), sample('B10/door-open', true, 11), sample('samples', 7, 12)]);
    node.start();
    await until('the outbox to empty', () => outbox.stats().rows === 0);
    const ddata = await recorder.waitFor((m) => m.type === 'DDATA');

    const [nbirth] = recorder.ofType('NBIRTH');
    expect(nbirth.topic).toBe('spBv1.0/plant/NBIRTH/gw1');
    expect(nbirth.qos).toBe(0);
    expect(nbirth.payload.seq).toBe(0);
    expect(nbirth.payload.metrics).toEqual([
      expect.objectContaining({ name: 'bdSeq', alias: 1, datatype: 'Int64', value: 0 }),
      expect.objectContaining({ name: 'Node Control/Rebirth', datatype: 'Boolean', value: false }),
      expect.objectContaining({ name: 'Outbox/Rows', alias: 3, datatype: 'Int64', value: 3 }),
      expect.objectContaining({ name: 'Outbox/Bytes', alias: 4, datatype: 'Int64' }),
      expect.objectContaining({ name: 'Outbox/Max Bytes', alias: 5, datatype: 'Int64', value: 1 << 24 }),
      expect.objectContaining({ name: 'Outbox/Dropped', alias: 6, datatype: 'Int64', value: 0 }),
      expect.objectContaining({ name: 'Outbox/Backlog', alias: 7, datatype: 'Int64', value: 3 }),
    ]);

    expect(nbirth.payload.metrics[1].alias).toBeUndefined(); // hosts name it [tck-id-operational-behavior-data-commands-rebirth-name-aliases]

    const [dbirth] = recorder.ofType('DBIRTH');
    expect(dbirth.topic).toBe('spBv1.0/plant/DBIRTH/gw1/shelves');
    expect(dbirth.payload.seq).toBe(1);
    const temperature = dbirth.payload.metrics.find((m) => m.name === 'B10/temperature');
    expect(temperature).toMatchObject({ alias: ALIAS['B10/temperature'], datatype: 'Double', value: 4.2, timestamp: 1_000 });
    expect(temperature?.properties).toEqual({ engUnit: { type: 'String', value: '°C' }, protocol: { type: 'String', value: 'modbus' } });
    const door = dbirth.payload.metrics.find((m) => m.name === 'B10/door-open');
    expect(door).toMatchObject({ alias: ALIAS['B10/door-open'], datatype: 'Boolean', isNull: true });
    expect(door?.properties?.Quality).toEqual({ type: 'Int32', value: 0 });

    expect(ddata.topic).toBe('spBv1.0/plant/DDATA/gw1/shelves');
    expect(ddata.qos).toBe(1);
    expect(ddata.payload.seq).toBe(2);
    expect(ddata.payload.metrics.map((m) => ({ alias: m.alias, value: m.value, timestamp: m.timestamp, name: m.name }))).toEqual([
      { alias: ALIAS['B10/temperature'], value: 4.5, timestamp: 10, name: undefined },
      { alias: ALIAS['B10/door-open'], value: true, timestamp: 11, name: undefined },
      { alias: ALIAS.samples, value: 7, timestamp: 12, name: undefined },
    ]);
    expect(ddata.payload.metrics.every((m) => m.isHistorical === true)).toBe(true); // read before the birth: replayed
    expect(node.stats()).toMatchObject({ linkState: 'up', framesPublished: 1, pointsPublished: 3, bdSeq: 0, sessions: 1 });
  });

  it('marks bad and uncertain values with the Sparkplug Quality property, and nulls with isNull', async () => {
    const { recorder, outbox, node } = await setup();
    node.start();
    await recorder.waitFor((m) => m.type === 'DBIRTH');
    outbox.append([
      sample('B10/temperature', null, Date.now(), { quality: 'bad', error: 'LINK_DOWN' }),
      sample('B10/temperature', 5, Date.now(), { quality: 'uncertain' }),
    ]);
    node.notify();
    const ddata = await recorder.waitFor((m) => m.type === 'DDATA');
    expect(ddata.payload.metrics[0]).toMatchObject({ isNull: true, properties: { Quality: { type: 'Int32', value: 0 } } });
    expect(ddata.payload.metrics[1]).toMatchObject({ value: 5, properties: { Quality: { type: 'Int32', value: 500 } } });
    expect(ddata.payload.metrics[1].isHistorical).toBeUndefined();
  });

  it('splits a batch into frames of at most maxMetricsPerFrame, with seq wrapping after 255', async () => {
    const { recorder, outbox, node } = await setup({ maxMetricsPerFrame: 2, batchSize: 1000 });
    outbox.append(Array.from({ length: 600 }, (_, i) => sample('samples', i, i)));
    node.start();
    await until('the outbox to empty', () => outbox.stats().rows === 0);
    await until('300 DDATA frames', () => recorder.ofType('DDATA').length === 300);
    const frames = recorder.ofType('DDATA');
    expect(frames.every((f) => f.payload.metrics.length === 2)).toBe(true);
    expect(frames.flatMap((f) => f.payload.metrics.map((m) => m.value))).toEqual(Array.from({ length: 600 }, (_, i) => i));
    const seqs = recorder.messages.filter((m) => m.type !== 'NDEATH').map((m) => m.payload.seq);
    seqs.forEach((seq, i) => expect(seq).toBe(i % 256));
  });

  it('keeps unacknowledged rows while the broker is away and replays them after it returns, with a new bdSeq', async () => {
    const { broker, recorder, outbox, node, gate } = await setup();
    node.start();
    await recorder.waitFor((m) => m.type === 'DBIRTH');
    let openGate = () => {};
    gate.open = new Promise((resolve) => { openGate = resolve; });
    await broker.stop();
    await until('the link to go down', () => node.stats().linkState !== 'up');
    outbox.append(Array.from({ length: 20 }, (_, i) => sample('samples', i, 100 + i)));
    node.notify();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(outbox.stats().rows).toBe(20);

    await broker.start();
    const after = await recordSparkplug(broker.url); // subscribed before the node may reconnect
    cleanups.push(() => after.close());
    openGate();
    await until('the outbox to empty', () => outbox.stats().rows === 0);
    const nbirth = await after.waitFor((m) => m.type === 'NBIRTH');
    expect(nbirth.payload.metrics[0]).toMatchObject({ name: 'bdSeq', value: 1 });
    await until('the replay', () => after.ofType('DDATA').flatMap((m) => m.payload.metrics).length === 20);
    expect(after.ofType('DDATA').flatMap((m) => m.payload.metrics.map((x) => x.value))).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(node.stats()).toMatchObject({ sessions: 2, bdSeq: 1, linkState: 'up' });
  });

  it('registers NDEATH with the session bdSeq as its Will, which the broker sends when the connection is lost', async () => {
    const { recorder, node, sessions } = await setup();
    node.start();
    await recorder.waitFor((m) => m.type === 'DBIRTH');
    sessions[0].destroy();
    const ndeath = await recorder.waitFor((m) => m.type === 'NDEATH');
    expect(ndeath.payload.seq).toBeUndefined();
    expect(ndeath.payload.metrics).toEqual([expect.objectContaining({ name: 'bdSeq', datatype: 'Int64', value: 0 })]);
    const rebirth = await recorder.waitFor((m) => m.type === 'NBIRTH' && m.payload.metrics[0].value === 1);
    expect(rebirth.payload.seq).toBe(0);
  });

  it('continues the bdSeq persisted in the outbox across restarts, wrapping after 255', async () => {
    const outbox = new SqliteOutbox({ path: ':memory:', maxBytes: 1 << 20 });
    outbox.setMeta(BDSEQ_META_KEY, '255');
    const { recorder, node } = await setup({ outbox });
    node.start();
    const nbirth = await recorder.waitFor((m) => m.type === 'NBIRTH');
    expect(nbirth.payload.metrics[0].value).toBe(0);
    await until('bdSeq persisted', () => outbox.getMeta(BDSEQ_META_KEY) === '0');
  });

  it('publishes the births again on NCMD Node Control/Rebirth, and ignores malformed commands', async () => {
    const { recorder, node } = await setup();
    node.start();
    await recorder.waitFor((m) => m.type === 'DBIRTH');
    const ncmd = sparkplugTopic({ group: 'plant', type: 'NCMD', edge: 'gw1' });
    await recorder.publish(ncmd, new Uint8Array([0xff, 0xff, 0xff]));
    await recorder.publish(ncmd, encodePayload({ timestamp: Date.now(), metrics: [{ name: 'Node Control/Rebirth', datatype: 'Boolean', value: true }] }));
    await until('a second NBIRTH', () => recorder.ofType('NBIRTH').length === 2);
    await until('a second DBIRTH', () => recorder.ofType('DBIRTH').length === 2);
    expect(recorder.ofType('NBIRTH')[1].payload.seq).toBe(0);
    expect(recorder.ofType('NBIRTH')[1].payload.metrics[0].value).toBe(0); // same session, same bdSeq
    expect(node.stats()).toMatchObject({ badCommands: 1, rebirthRequests: 1, births: 2 });
  });

  it('on stop drains what it can, publishes NDEATH itself and disconnects cleanly', async () => {
    const { recorder, outbox, node, broker } = await setup();
    node.start();
    await recorder.waitFor((m) => m.type === 'DBIRTH');
    outbox.append([sample('samples', 1, Date.now())]);
    await node.stop({ drainTimeoutMs: 2000 });
    expect(outbox.stats().rows).toBe(0);
    const ndeath = await recorder.waitFor((m) => m.type === 'NDEATH');
    expect(ndeath.payload.metrics[0]).toMatchObject({ name: 'bdSeq', value: 0 });
    await broker.stop(); // a clean DISCONNECT means the broker does not publish the Will as well
    expect(recorder.ofType('NDEATH')).toHaveLength(1);
    expect(node.stats().linkState).toBe('closed');
  });

  it('stops promptly while it cannot reach the broker', async () => {
    const port = await freePort();
    const outbox = new SqliteOutbox({ path: ':memory:', maxBytes: 1 << 20 });
    cleanups.push(() => outbox.close());
    const node = new SparkplugEdgeNode({
      group: 'plant', edge: 'gw1', url: `mqtt://127.0.0.1:${port}`, keepaliveS: 5, batchSize: 10, maxMetricsPerFrame: 10,
      reconnect: { initialDelayMs: 10_000, maxDelayMs: 10_000, jitter: 0 }, devices, outbox, currentValue: () => undefined,
    });
    node.start();
    await until('a failed attempt', () => node.stats().lastError !== null);
    const started = Date.now();
    await node.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(node.stats().linkState).toBe('closed');
  });

  it('acks a batch only after every PUBACK: a session lost before them replays the batch', async () => {
    const outbox = new SqliteOutbox({ path: ':memory:', maxBytes: 1 << 20 });
    cleanups.push(() => outbox.close());
    outbox.append(Array.from({ length: 5 }, (_, i) => sample('samples', i, i)));
    const published: { session: number; topic: string }[] = [];
    let sessions = 0;
    let endFirstSession = () => {};
    const node = new SparkplugEdgeNode({
      group: 'plant', edge: 'gw1', url: 'mqtt://unused:1883', keepaliveS: 5, batchSize: 100, maxMetricsPerFrame: 2,
      reconnect: { initialDelayMs: 10, maxDelayMs: 10, jitter: 0 }, devices, outbox, currentValue: () => undefined,
      connect: async () => {
        const id = ++sessions;
        let close = (_: Error) => {};
        const closed = new Promise<Error>((resolve) => { close = resolve; });
        if (id === 1) endFirstSession = () => close(new Error('connection reset'));
        return {
          closed,
          publish: async (topic: string, _payload: Uint8Array, qos: 0 | 1) => {
            published.push({ session: id, topic });
            // The first session never sees a PUBACK for DDATA.
            if (id === 1 && qos === 1) await new Promise(() => {});
          },
          subscribe: async () => {},
          onMessage: () => {},
          end: async () => {},
          destroy: () => close(new Error('destroyed')),
        };
      },
    });
    cleanups.push(() => node.stop({ drainTimeoutMs: 100 }));
    node.start();
    await until('DDATA in flight', () => published.some((p) => p.session === 1 && p.topic.includes('DDATA')));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(outbox.stats().rows).toBe(5);
    endFirstSession();
    await until('the outbox to empty', () => outbox.stats().rows === 0);
    const ddataFrames = (session: number) => published.filter((p) => p.session === session && p.topic.includes('DDATA')).length;
    expect(ddataFrames(1)).toBe(3);
    expect(ddataFrames(2)).toBe(3);
    expect(node.stats()).toMatchObject({ sessions: 2, pointsPublished: 5, framesPublished: 3 });
  });
});
