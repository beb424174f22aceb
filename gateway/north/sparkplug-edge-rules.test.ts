/**
 * The Sparkplug 3.0 edge-node rules (TCK assertion ids in sparkplug-assertions.test.ts), checked
 * on what the edge node did on the wire in one realistic run against mosquitto
 * (gateway/testing/edge-node-scenario.ts): the payloads as a subscriber received them, and the
 * CONNECT, SUBSCRIBE, PUBLISH and DISCONNECT packets as the broker logged them, with the flags the
 * node set (a subscriber never sees the publisher's retain flag).
 */
import tahuProto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { startMosquitto } from '../../cloud/broker/mosquitto-process.ts';
import {
  dataTypeById, decodePayload, encodePayload, sparkplugStateTopic, sparkplugTopic, SparkplugTopicError,
  type ScalarDataTypeName, type SparkplugMetric, type SparkplugPayload,
} from '../../connectors/sparkplug/index.ts';
import { fixtureSample, startEdgeNodeFixture, until } from '../testing/edge-node-fixture.ts';
import {
  FLAKY_DEVICE, outboxFigures, runEdgeNodeScenario, SCENARIO_CLIENT_ID, SCENARIO_EDGE, SCENARIO_GROUP, SCENARIO_QUIET_MS,
  SCENARIO_STATUS_INTERVAL_MS, scenarioDevices, type ScenarioRun,
} from '../testing/edge-node-scenario.ts';
import { OUTBOX_DROPPED_METRIC, REBIRTH_METRIC } from './metric-catalog.ts';
import { packetsFrom, type WirePacket } from '../testing/mosquitto-wire-log.ts';
import type { RawFrame } from '../testing/raw-sparkplug-capture.ts';
import { metricValue } from './metric-values.ts';

const PRIMARY_HOST = 'scada';
const users = { edge: 'edge-password', observer: 'observer-password' };
const topicOf = (type: 'NBIRTH' | 'NDEATH' | 'NDATA' | 'NCMD') => sparkplugTopic({ group: SCENARIO_GROUP, type, edge: SCENARIO_EDGE });

interface Message {
  frame: RawFrame;
  type: string;
  device?: string;
  payload: SparkplugPayload;
}

/** What the edge node published, decoded, in arrival order (the test's own NCMD and STATE left out). */
function published(run: ScenarioRun, from = 0): Message[] {
  return run.frames.slice(from)
    .filter((f) => !['STATE', 'NCMD', 'DCMD'].includes(f.type))
    .map((frame) => ({ frame, type: frame.type, device: frame.device, payload: decodePayload(frame.bytes) }));
}

const bdSeqOf = (m: Message) => m.payload.metrics.find((x) => x.name === 'bdSeq')?.value;

/** A DBIRTH of the scenario's flaky device sent while its link was down: on the NCMD rebirth. */
const bornWhileLinkDown = (run: ScenarioRun, m: Message) =>
  m.type === 'DBIRTH' && m.device === FLAKY_DEVICE && m.frame.index >= run.marks.rebirth && m.frame.index < run.marks.deviceBack;

/** The messages of each birth sequence: from an NBIRTH up to (not including) the next NBIRTH or NDEATH. */
function birthSequences(messages: Message[]): Message[][] {
  const sequences: Message[][] = [];
  for (const m of messages) {
    if (m.type === 'NBIRTH') sequences.push([m]);
    else if (m.type === 'NDEATH') sequences.push([]);
    else sequences.at(-1)?.push(m);
  }
  return sequences.filter((s) => s.length > 0);
}

/** A value as a host reads it back for this datatype (Float narrows to 32 bits). */
function asRead(datatype: ScalarDataTypeName, fields: Pick<SparkplugMetric, 'value' | 'isNull'>): SparkplugMetric {
  const [metric] = decodePayload(encodePayload({ metrics: [{ alias: 1, datatype, ...fields }] })).metrics;
  return metric;
}

/** The packets the node sent in each MQTT connection, split at its CONNECTs. */
function connections(packets: WirePacket[]): WirePacket[][] {
  const result: WirePacket[][] = [];
  for (const p of packets) {
    if (p.kind === 'connect') result.push([p]);
    else result.at(-1)?.push(p);
  }
  return result;
}

async function runOnMosquitto(protocolVersion: 4 | 5): Promise<{ run: ScenarioRun; packets: WirePacket[] }> {
  const port = await freePort();
  const mosquitto = await startMosquitto({ users, port });
  let run: ScenarioRun;
  try {
    run = await runEdgeNodeScenario({
      url: `mqtt://127.0.0.1:${port}`, username: 'edge', password: users.edge, protocolVersion, primaryHostId: PRIMARY_HOST,
      observer: { username: 'observer', password: users.observer },
    });
  } finally {
    await mosquitto.stop();
  }
  await new Promise((resolve) => setTimeout(resolve, 50)); // the last log lines
  return { run, packets: packetsFrom(mosquitto.output(), SCENARIO_CLIENT_ID) };
}

describe('Sparkplug edge-node rules on the wire (MQTT 3.1.1, mosquitto)', { timeout: 60_000 }, () => {
  let run: ScenarioRun;
  let packets: WirePacket[];
  let messages: Message[];

  beforeAll(async () => {
    ({ run, packets } = await runOnMosquitto(4));
    messages = published(run);
  }, 60_000);

  it('connects with a clean session and registers its NDEATH as the Will at QoS 1, not retained', () => {
    const connects = packets.filter((p): p is Extract<WirePacket, { kind: 'connect' }> => p.kind === 'connect');
    expect(connects).toHaveLength(2); // the first session, and the one after the connection was lost
    for (const connect of connects) {
      expect(connect).toMatchObject({ protocol: 'p2', cleanStart: true });
      expect(connect.will).toMatchObject({ topic: topicOf('NDEATH'), qos: 1, retain: false });
    }
    // What the broker delivered when the first connection broke is that Will.
    const willDeath = messages.find((m) => m.type === 'NDEATH')!;
    expect(willDeath.frame.bytes.length).toBe(connects[0].will!.bytes);
  });

  it('registers as Will a Sparkplug payload with only the Int64 bdSeq of the session it opens, and no seq', () => {
    const [willDeath, stopDeath] = messages.filter((m) => m.type === 'NDEATH');
    const [first, , second] = messages.filter((m) => m.type === 'NBIRTH');
    for (const [death, birth] of [[willDeath, first], [stopDeath, second]] as const) {
      expect(death.payload.seq).toBeUndefined();
      expect(death.payload.metrics).toEqual([expect.objectContaining({ name: 'bdSeq', datatype: 'Int64', value: bdSeqOf(birth) })]);
      expect(death.payload.metrics[0].alias).toBeUndefined();
    }
  });

  it('increments bdSeq by one on every new MQTT CONNECT, starting from zero', () => {
    expect(messages.filter((m) => m.type === 'NBIRTH').map(bdSeqOf)).toEqual([0, 0, 1]); // the second is the NCMD rebirth
    expect(messages.filter((m) => m.type === 'NDEATH').map(bdSeqOf)).toEqual([0, 1]);
  });

  it('subscribes to its NCMD topic and its primary host\'s STATE topic at QoS 1 before it publishes anything', () => {
    for (const connection of connections(packets)) {
      const firstPublish = connection.findIndex((p) => p.kind === 'publish');
      const subscribed = connection.slice(0, firstPublish).flatMap((p) => (p.kind === 'subscribe' ? p.topics : []));
      expect(subscribed).toEqual(expect.arrayContaining([
        { topic: topicOf('NCMD'), qos: 1 },
        { topic: sparkplugStateTopic(PRIMARY_HOST), qos: 1 },
      ]));
    }
  });

  it('publishes NBIRTH first in every session, then every DBIRTH, before any NDATA or DDATA', () => {
    for (const connection of connections(packets)) {
      const publishes = connection.filter((p): p is Extract<WirePacket, { kind: 'publish' }> => p.kind === 'publish');
      const typeOf = (p: { topic: string }) => p.topic.split('/')[2];
      expect(typeOf(publishes[0])).toBe('NBIRTH');
      const firstData = publishes.findIndex((p) => ['NDATA', 'DDATA'].includes(typeOf(p)));
      expect(publishes.slice(1, firstData).map(typeOf)).toEqual(scenarioDevices.map(() => 'DBIRTH'));
    }
    // The same after the NCMD rebirth inside the first session.
    const rebirth = published(run, run.marks.rebirth);
    expect(rebirth.slice(0, 1 + scenarioDevices.length).map((m) => m.type)).toEqual(['NBIRTH', ...scenarioDevices.map(() => 'DBIRTH')]);
  });

  it('publishes on spBv1.0/group/type/edge, with the device id on exactly the device messages', () => {
    const topics = packets.flatMap((p) => (p.kind === 'publish' ? [p.topic] : []));
    expect(topics.length).toBeGreaterThan(300);
    const devices = new Set(scenarioDevices.map((d) => d.name));
    for (const topic of topics) {
      const [namespace, group, type, edge, device, ...rest] = topic.split('/');
      expect({ namespace, group, edge, rest }).toEqual({ namespace: 'spBv1.0', group: SCENARIO_GROUP, edge: SCENARIO_EDGE, rest: [] });
      if (['DBIRTH', 'DDATA', 'DDEATH'].includes(type)) expect(devices).toContain(device);
      else expect({ type, device }).toEqual({ type: expect.stringMatching(/^(NBIRTH|NDATA|NDEATH)$/), device: undefined });
    }
  });

  it('publishes NBIRTH, DBIRTH, NDATA and DDEATH at QoS 0, and nothing retained', () => {
    const publishes = packets.filter((p): p is Extract<WirePacket, { kind: 'publish' }> => p.kind === 'publish');
    const byType = new Map<string, Set<string>>();
    for (const p of publishes) {
      const type = p.topic.split('/')[2];
      byType.set(type, (byType.get(type) ?? new Set()).add(`q${p.qos} r${Number(p.retain)}`));
    }
    expect(Object.fromEntries([...byType].map(([type, flags]) => [type, [...flags]]))).toEqual({
      NBIRTH: ['q0 r0'], DBIRTH: ['q0 r0'], NDATA: ['q0 r0'], DDEATH: ['q0 r0'], DDATA: ['q1 r0'], NDEATH: ['q1 r0'],
    });
    expect(run.retainedAfter).toEqual([]);
  });

  it('publishes DDATA at QoS 1, so that the outbox deletes a row only after its PUBACK', () => {
    const ddata = packets.filter((p) => p.kind === 'publish' && p.topic.split('/')[2] === 'DDATA');
    expect(ddata.length).toBeGreaterThan(300);
    expect(ddata.every((p) => p.kind === 'publish' && p.qos === 1)).toBe(true);
  });

  it('numbers every message but NDEATH, 0 at each NBIRTH and one more per message, wrapping after 255', () => {
    let expected: number | undefined;
    let wrapped = false;
    for (const m of messages) {
      if (m.type === 'NDEATH') {
        expect(m.payload.seq).toBeUndefined();
        expected = undefined; // the session is over; the next one starts with its NBIRTH
        continue;
      }
      if (m.type === 'NBIRTH') expected = 0;
      expect({ index: m.frame.index, type: m.type, seq: m.payload.seq }).toEqual({ index: m.frame.index, type: m.type, seq: expected });
      if (m.type !== 'NBIRTH' && expected === 0) wrapped = true;
      expected = (expected! + 1) % 256;
    }
    expect(wrapped).toBe(true);
    expect(new Set(messages.map((m) => m.type))).toEqual(new Set(['NBIRTH', 'DBIRTH', 'NDATA', 'DDATA', 'DDEATH', 'NDEATH']));
  });

  it('puts its publish time, in UTC milliseconds, on every NBIRTH, DBIRTH, NDATA, DDATA and DDEATH', () => {
    for (const m of messages.filter((x) => x.type !== 'NDEATH')) {
      expect(m.payload.timestamp, `${m.type} #${m.frame.index}`).toBeGreaterThan(m.frame.receivedAt - 5_000);
      expect(m.payload.timestamp, `${m.type} #${m.frame.index}`).toBeLessThanOrEqual(m.frame.receivedAt);
    }
  });

  it('puts a timestamp on every metric of NBIRTH, DBIRTH, NDATA and DDATA', () => {
    const first = run.frames[0].receivedAt;
    for (const m of messages.filter((x) => x.type !== 'NDEATH' && x.type !== 'DDEATH')) {
      for (const metric of m.payload.metrics) {
        expect(metric.timestamp, `${m.type} #${m.frame.index}`).toBeGreaterThan(first - 120_000); // the backlog was read a minute before
        expect(metric.timestamp, `${m.type} #${m.frame.index}`).toBeLessThan(m.frame.receivedAt + 10_000);
      }
    }
  });

  it('gives every birth metric a name and a datatype, and all but Node Control/Rebirth an alias unique across the edge node', () => {
    for (const sequence of birthSequences(messages)) {
      // The latest birth of the node and of each device (a device may be born again within the sequence).
      const births = new Map(sequence.filter((m) => m.type === 'NBIRTH' || m.type === 'DBIRTH').map((m) => [m.device ?? '', m]));
      expect(births.size).toBe(1 + scenarioDevices.length);
      const metrics = [...births.values()].flatMap((m) => m.payload.metrics);
      for (const metric of metrics) {
        expect(metric).toEqual(expect.objectContaining({ name: expect.any(String), datatype: expect.any(String) }));
      }
      const aliased = metrics.filter((x) => x.name !== REBIRTH_METRIC);
      expect(aliased.filter((x) => typeof x.alias !== 'number')).toEqual([]);
      expect(new Set(aliased.map((x) => x.alias)).size).toBe(aliased.length);
    }
  });

  it('announces in its births every metric that its NDATA and DDATA report', () => {
    for (const sequence of birthSequences(messages)) {
      const born = new Map<string, Set<number>>(); // '' for the node, else the device
      for (const m of sequence) {
        if (m.type === 'NBIRTH' || m.type === 'DBIRTH') born.set(m.device ?? '', new Set(m.payload.metrics.map((x) => x.alias!)));
        if (m.type === 'NDATA' || m.type === 'DDATA') {
          for (const metric of m.payload.metrics) expect(born.get(m.device ?? '')).toContain(metric.alias);
        }
      }
    }
  });

  it('reports NDATA and DDATA metrics by alias only, without a name', () => {
    const data = messages.filter((m) => m.type === 'NDATA' || m.type === 'DDATA').flatMap((m) => m.payload.metrics);
    expect(data.length).toBeGreaterThan(1000);
    expect(data.filter((x) => x.name !== undefined || x.alias === undefined)).toEqual([]);
  });

  it('includes the datatype in every NDATA and DDATA metric, for hosts that missed the birth', () => {
    const data = messages.filter((m) => m.type === 'NDATA' || m.type === 'DDATA').flatMap((m) => m.payload.metrics);
    expect(data.filter((x) => x.datatype === undefined)).toEqual([]);
  });

  it('publishes its Outbox figures in NDATA only when they changed since the last NBIRTH or NDATA', () => {
    let reports = 0;
    for (const sequence of birthSequences(messages)) {
      let last = JSON.stringify(outboxFigures(sequence[0].frame));
      for (const ndata of sequence.filter((m) => m.type === 'NDATA')) {
        const figures = JSON.stringify(outboxFigures(ndata.frame));
        expect(figures, `NDATA #${ndata.frame.index}`).not.toBe(last);
        last = figures;
        reports++;
      }
    }
    // The burst beyond the byte budget is news: rows dropped.
    expect(reports).toBeGreaterThan(0);
    const ndataAfterBurst = published(run, run.marks.status).filter((m) => m.type === 'NDATA' && m.frame.index < run.marks.quiet);
    expect(ndataAfterBurst.some((m) => Number(outboxFigures(m.frame)[OUTBOX_DROPPED_METRIC]) > 0)).toBe(true);
    // Then several status intervals without a new row: nothing to report, not a single NDATA.
    expect(SCENARIO_QUIET_MS / SCENARIO_STATUS_INTERVAL_MS).toBeGreaterThanOrEqual(4);
    const quiet = messages.filter((m) => m.frame.index >= run.marks.quiet && m.frame.index < run.marks.deviceDown);
    expect(quiet.map((m) => `${m.type} #${m.frame.index}`)).toEqual([]);
  });

  it('gives every DBIRTH metric the current value of its tag, or is_null and no value', () => {
    for (const dbirth of messages.filter((m) => m.type === 'DBIRTH')) {
      const device = scenarioDevices.find((d) => d.name === dbirth.device)!;
      expect(dbirth.payload.metrics.map((x) => x.name)).toEqual(device.tags.map((t) => t.name).sort()); // in alias order
      for (const metric of dbirth.payload.metrics) {
        // A device whose link is down has no current value, whatever the tag cache last held.
        const current = bornWhileLinkDown(run, dbirth) ? undefined : run.currentValue(device.name, metric.name!);
        const expected = asRead(metric.datatype as ScalarDataTypeName, metricValue(current ?? { value: null, quality: 'bad' }, metric.datatype as ScalarDataTypeName).fields);
        expect({ name: metric.name, value: metric.value, isNull: metric.isNull }).toEqual({ name: metric.name, value: expected.value, isNull: expected.isNull });
      }
    }
  });

  it('gives every NBIRTH metric a current value: bdSeq, Node Control/Rebirth and the Outbox figures', () => {
    for (const nbirth of messages.filter((m) => m.type === 'NBIRTH')) {
      expect(nbirth.payload.metrics.filter((x) => x.isNull || x.value === undefined || x.value === null)).toEqual([]);
    }
  });

  it('puts bdSeq (Int64) and Node Control/Rebirth = false (Boolean) in every NBIRTH', () => {
    for (const nbirth of messages.filter((m) => m.type === 'NBIRTH')) {
      expect(nbirth.payload.metrics).toEqual(expect.arrayContaining([
        expect.objectContaining({ name: 'bdSeq', datatype: 'Int64', value: expect.any(Number) }),
        expect.objectContaining({ name: 'Node Control/Rebirth', datatype: 'Boolean', value: false }),
      ]));
    }
  });

  it('publishes Node Control/Rebirth in NBIRTH without an alias', () => {
    const nbirths = messages.filter((m) => m.type === 'NBIRTH');
    expect(nbirths).toHaveLength(3);
    for (const nbirth of nbirths) {
      expect(nbirth.payload.metrics.find((x) => x.name === REBIRTH_METRIC)).toEqual(expect.objectContaining({ datatype: 'Boolean', value: false }));
      expect(nbirth.payload.metrics.find((x) => x.name === REBIRTH_METRIC)!.alias).toBeUndefined();
    }
    // Alias 2, which it had before, stays unused; the Outbox figures keep 3 to 7.
    expect(new Set(nbirths.flatMap((m) => m.payload.metrics.map((x) => x.alias)))).toEqual(new Set([1, undefined, 3, 4, 5, 6, 7]));
  });

  it('answers NCMD Node Control/Rebirth with NBIRTH, with the session\'s bdSeq, and every DBIRTH before more data', () => {
    const before = published(run, 0).filter((m) => m.frame.index < run.marks.rebirth && m.type === 'NBIRTH').at(-1)!;
    const after = published(run, run.marks.rebirth);
    expect(after.slice(0, 1 + scenarioDevices.length).map((m) => m.type)).toEqual(['NBIRTH', ...scenarioDevices.map(() => 'DBIRTH')]);
    expect(bdSeqOf(after[0])).toBe(bdSeqOf(before));
    expect(after[0].payload.seq).toBe(0);
  });

  it('keeps the values of each metric in time order within every frame that is not historical', () => {
    for (const m of messages.filter((x) => x.type !== 'NDEATH')) {
      const last = new Map<number, number>();
      for (const metric of m.payload.metrics.filter((x) => !x.isHistorical)) {
        expect(metric.timestamp!, `${m.type} #${m.frame.index} alias ${metric.alias}`).toBeGreaterThanOrEqual(last.get(metric.alias!) ?? 0);
        last.set(metric.alias!, metric.timestamp!);
      }
    }
  });

  it('publishes DDEATH for a device whose link is lost, and its DBIRTH before it reports again', () => {
    const down = published(run, run.marks.deviceDown);
    const ddeath = down.find((m) => m.type === 'DDEATH')!;
    expect(ddeath).toMatchObject({ device: FLAKY_DEVICE, payload: { metrics: [] } });
    expect(ddeath.payload.timestamp).toEqual(expect.any(Number));
    const back = published(run, run.marks.deviceBack);
    const dbirth = back.findIndex((m) => m.type === 'DBIRTH' && m.device === FLAKY_DEVICE);
    const data = back.findIndex((m) => m.type === 'DDATA' && m.device === FLAKY_DEVICE);
    expect(dbirth).toBeGreaterThanOrEqual(0);
    expect(dbirth).toBeLessThan(data);
  });

  it('publishes a DBIRTH of null, bad LINK_DOWN values for a device reborn while its link is down, then its DDEATH', () => {
    const rebirth = published(run, run.marks.rebirth).filter((m) => m.frame.index < run.marks.deviceBack);
    const born = rebirth.findIndex((m) => bornWhileLinkDown(run, m));
    expect(born).toBeGreaterThan(0);
    const device = scenarioDevices.find((d) => d.name === FLAKY_DEVICE)!;
    for (const tag of device.tags) expect(run.currentValue(FLAKY_DEVICE, tag.name)?.quality).toBe('good'); // what the cache held
    expect(rebirth[born].payload.metrics.map((x) => ({ name: x.name, isNull: x.isNull, value: x.value, properties: x.properties }))).toEqual(
      device.tags.map((tag) => tag.name).sort().map((name) => ({
        name, isNull: true, value: null,
        properties: { Quality: { type: 'Int32', value: 0 }, errorCode: { type: 'String', value: 'LINK_DOWN' }, protocol: { type: 'String', value: device.protocol } },
      })),
    );
    // Nothing else of the device in between: the DDEATH follows, before any DDATA.
    const after = rebirth.slice(born + 1).filter((m) => m.device === FLAKY_DEVICE);
    expect(after.map((m) => m.type)).toEqual(['DDEATH']);
  });

  it('marks every value that is not good with an Int32 Quality of 0 (bad) or 500 (stale)', () => {
    const qualities = messages.flatMap((m) => m.payload.metrics).flatMap((x) => (x.properties?.Quality ? [x.properties.Quality] : []));
    expect(qualities.length).toBeGreaterThan(50);
    expect(new Set(qualities.map((q) => `${q.type} ${String(q.value)}`))).toEqual(new Set(['Int32 0', 'Int32 500']));
  });

  it('types every property value and pairs every PropertySet key with one value', () => {
    const Payload = tahuProto.org.eclipse.tahu.protobuf.Payload;
    let properties = 0;
    for (const m of messages) {
      for (const metric of Payload.decode(m.frame.bytes).metrics) {
        const set = metric.properties;
        if (!set) continue;
        expect(set.keys?.length).toBe(set.values?.length);
        for (const value of set.values ?? []) {
          properties++;
          expect(dataTypeById[value.type ?? 0], `property type ${value.type}`).toBeDefined();
        }
      }
    }
    expect(properties).toBeGreaterThan(100);
  });

  it('holds at most one MQTT session at a time', () => {
    expect(run.maxOpenSessions).toBe(1);
    expect(run.stats.sessions).toBe(2);
  });

  it('on stop over MQTT 3.1.1 publishes NDEATH, then sends DISCONNECT', () => {
    const last = connections(packets).at(-1)!;
    const [ndeath, disconnect] = last.slice(-2);
    expect(ndeath).toMatchObject({ kind: 'publish', topic: topicOf('NDEATH'), qos: 1, retain: false });
    expect(disconnect).toEqual({ kind: 'disconnect' });
  });
});

describe('Sparkplug edge-node rules on the wire (MQTT 5, mosquitto)', { timeout: 60_000 }, () => {
  let run: ScenarioRun;
  let packets: WirePacket[];

  beforeAll(async () => {
    ({ run, packets } = await runOnMosquitto(5));
  }, 60_000);

  it('over MQTT 5 connects with clean start and stops with DISCONNECT reason 4, so the broker publishes the NDEATH', () => {
    const connects = packets.filter((p) => p.kind === 'connect');
    expect(connects).toEqual([expect.objectContaining({ protocol: 'p5', cleanStart: true }), expect.objectContaining({ protocol: 'p5', cleanStart: true })]);
    // The node published no NDEATH itself and disconnected; an MQTT 5 broker sends the Will after
    // a DISCONNECT only when its reason code is 0x04 "Disconnect with Will Message".
    const last = connections(packets).at(-1)!;
    expect(last.filter((p) => p.kind === 'publish' && p.topic === topicOf('NDEATH'))).toEqual([]);
    expect(last.at(-1)).toEqual({ kind: 'disconnect' });
    const stopDeath = published(run, run.marks.stop).filter((m) => m.type === 'NDEATH');
    expect(stopDeath.map(bdSeqOf)).toEqual([1]);
  });
});

describe('Sparkplug edge-node rules that need their own setup', { timeout: 30_000 }, () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('ignores STATE messages of other host ids and waits for its own primary host to be online', async () => {
    const { recorder, node, outbox } = await startEdgeNodeFixture(cleanups, { primaryHostId: PRIMARY_HOST });
    node.start();
    await until('the node to wait for STATE', () => node.stats().sessions === 1);
    const online = new TextEncoder().encode(JSON.stringify({ online: true, timestamp: Date.now() }));
    await recorder.publish(sparkplugStateTopic('other-host'), online, { qos: 1, retain: true });
    await recorder.publish(sparkplugStateTopic(`${PRIMARY_HOST}-2`), online, { qos: 1, retain: true });
    outbox.append([fixtureSample('samples', 1, Date.now())]);
    node.notify();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(recorder.ofType('NBIRTH')).toHaveLength(0);
    expect(node.stats()).toMatchObject({ hostOnline: false, stateMessages: 0 });
    await recorder.publish(sparkplugStateTopic(PRIMARY_HOST), online, { qos: 1, retain: true });
    await recorder.waitFor((m) => m.type === 'NBIRTH');
    expect(node.stats()).toMatchObject({ hostOnline: true, stateMessages: 1 });
  });

  it('keeps group, edge node and device ids to valid UTF-8 without +, / or #', () => {
    expect(sparkplugTopic({ group: 'Kälte', type: 'DDATA', edge: 'gw-ü', device: 'Kühlraum 3 ✓' })).toBe('spBv1.0/Kälte/DDATA/gw-ü/Kühlraum 3 ✓');
    for (const bad of ['a+b', 'a/b', 'a#b', '', 'lone \uD800 surrogate']) {
      expect(() => sparkplugTopic({ group: bad, type: 'NDATA', edge: 'e' })).toThrow(SparkplugTopicError);
      expect(() => sparkplugTopic({ group: 'g', type: 'NDATA', edge: bad })).toThrow(SparkplugTopicError);
      expect(() => sparkplugTopic({ group: 'g', type: 'DDATA', edge: 'e', device: bad })).toThrow(SparkplugTopicError);
    }
  });
});
