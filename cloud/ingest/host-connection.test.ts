/**
 * The host application's STATE over a real broker: the embedded aedes (MQTT 3.1.1) and Debian's
 * mosquitto (MQTT 5). A watcher client plays the edge node that reads the STATE.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../broker/embedded-broker.ts';
import { startMosquitto } from '../broker/mosquitto-process.ts';
import { staticCredentials } from '../broker/static-credentials.ts';
import { openTelemetryStore, type TelemetryStore } from '../store/telemetry-store.ts';
import { decodeHostState, encodeHostState } from './host-state.ts';
import { startSparkplugIngest, type SparkplugIngest } from './sparkplug-ingest.ts';

const STATE_TOPIC = 'spBv1.0/STATE/edgestock-cloud';
const credentials = staticCredentials([
  { role: 'service', username: 'ingest', password: 'ingest-pass' },
  { role: 'service', username: 'watcher', password: 'watcher-pass' },
  { role: 'gateway', username: 'gw', password: 'gw-pass', group: 'plant', edge: 'gw-1' },
]);
const silent = pino({ level: 'silent' });

interface Seen { online: boolean; timestamp: number; retain: boolean; qos: number }

let dir: string;
let store: TelemetryStore;
let broker: EmbeddedBroker;
const cleanups: Array<() => Promise<unknown> | unknown> = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgestock-host-state-'));
  store = openTelemetryStore(join(dir, 'cloud.sqlite'));
  broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, credentials, logger: silent });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await broker.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A client that records every STATE message it is delivered (subscribed at QoS 1). */
async function watchState(url: string, protocolVersion: 4 | 5 = 4): Promise<{ client: MqttClient; seen: Seen[] }> {
  const client = await mqtt.connectAsync(url, { protocolVersion, username: 'watcher', password: 'watcher-pass', reconnectPeriod: 0 });
  cleanups.push(() => client.endAsync());
  const seen: Seen[] = [];
  client.on('message', (_topic, payload, packet: IPublishPacket) => {
    const state = decodeHostState(payload);
    if (!('error' in state)) seen.push({ ...state, retain: packet.retain, qos: packet.qos });
  });
  await client.subscribeAsync(STATE_TOPIC, { qos: 1 });
  return { client, seen };
}

async function startIngest(options: { url?: string; protocolVersion?: 4 | 5 } = {}): Promise<SparkplugIngest> {
  const ingest = await startSparkplugIngest({
    url: options.url ?? `mqtt://127.0.0.1:${broker.port}`, username: 'ingest', password: 'ingest-pass', store, logger: silent,
    reconnectPeriodMs: 50, protocolVersion: options.protocolVersion,
  });
  cleanups.push(() => ingest.close());
  return ingest;
}

describe('host application STATE', () => {
  it('says online, retained at QoS 1, once subscribed, with the timestamp of its CONNECT', async () => {
    const before = Date.now();
    const ingest = await startIngest();
    const { seen } = await watchState(`mqtt://127.0.0.1:${broker.port}`);
    await until('the retained online STATE', () => seen.length === 1);
    expect(seen[0]).toMatchObject({ online: true, retain: true, qos: 1 });
    expect(seen[0].timestamp).toBeGreaterThanOrEqual(before);
    expect(seen[0].timestamp).toBeLessThanOrEqual(Date.now());
    expect(ingest.stats()).toMatchObject({ connected: true, hostOnline: true, stateBirths: 1 });
  });

  it('leaves a Will that says offline with that same timestamp, and says online again on reconnect with a newer one', async () => {
    const { seen } = await watchState(`mqtt://127.0.0.1:${broker.port}`);
    const ingest = await startIngest();
    await until('the online STATE', () => seen.some((s) => s.online));
    const birth = seen.find((s) => s.online)!;
    // The broker drops the ingest's connection without a DISCONNECT from it: the Will goes out.
    expect(broker.disconnectUser('ingest')).toBe(1);
    await until('the Will', () => seen.some((s) => !s.online));
    expect(seen.find((s) => !s.online)).toMatchObject({ online: false, timestamp: birth.timestamp, qos: 1 });
    await until('the reconnect birth', () => seen.filter((s) => s.online).length === 2);
    const rebirth = seen.filter((s) => s.online)[1];
    expect(rebirth.timestamp).toBeGreaterThanOrEqual(birth.timestamp);
    expect(ingest.stats()).toMatchObject({ stateBirths: 2, hostOnline: true });

    // The next Will carries the new connection's timestamp, not the first one's.
    broker.disconnectUser('ingest');
    await until('the second Will', () => seen.filter((s) => !s.online).length === 2);
    expect(seen.filter((s) => !s.online)[1].timestamp).toBe(rebirth.timestamp);
  });

  it('says offline (retained) before it disconnects on close, so a gateway arriving later sees offline', async () => {
    const ingest = await startIngest();
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const live = await watchState(url);
    await until('the online STATE', () => live.seen.length === 1);
    await ingest.close();
    await until('the offline STATE', () => live.seen.length === 2);
    expect(live.seen[1]).toMatchObject({ online: false, timestamp: live.seen[0].timestamp });
    const later = await watchState(url);
    await until('the retained STATE', () => later.seen.length === 1);
    expect(later.seen[0]).toMatchObject({ online: false, timestamp: live.seen[0].timestamp, retain: true });
  });

  it('republishes its birth when a live STATE says it is offline, and ignores its own old ones', async () => {
    const ingest = await startIngest();
    const { client, seen } = await watchState(`mqtt://127.0.0.1:${broker.port}`);
    await until('the online STATE', () => seen.length === 1);
    const birth = seen[0];
    // an old offline (an earlier session of ours): edge nodes ignore it as older; so do we
    await client.publishAsync(STATE_TOPIC, encodeHostState({ online: false, timestamp: birth.timestamp - 60_000 }), { qos: 1 });
    // someone says we are offline now: the broker's retained STATE says so, so we say online again
    const forged = Date.now() + 1000;
    await client.publishAsync(STATE_TOPIC, encodeHostState({ online: false, timestamp: forged }), { qos: 1 });
    await until('the republished birth', () => seen.filter((s) => s.online).length === 2);
    expect(seen.filter((s) => s.online)[1].timestamp).toBeGreaterThanOrEqual(forged);
    expect(ingest.stats()).toMatchObject({ stateRepublished: 1, stateBirths: 2 });
    const later = await watchState(`mqtt://127.0.0.1:${broker.port}`);
    await until('the retained STATE', () => later.seen.length === 1);
    expect(later.seen[0]).toMatchObject({ online: true, timestamp: seen.filter((s) => s.online)[1].timestamp });
  });

  it('is read by a gateway under the gateway ACL, which may not write it', async () => {
    await startIngest();
    const gateway = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { protocolVersion: 4, username: 'gw', password: 'gw-pass', reconnectPeriod: 0 });
    cleanups.push(() => gateway.endAsync(true));
    const seen: string[] = [];
    gateway.on('message', (_topic, payload) => seen.push(payload.toString('utf8')));
    const [granted] = await gateway.subscribeAsync(STATE_TOPIC, { qos: 1 });
    expect(granted.qos).toBe(1);
    await until('the retained online STATE', () => seen.length === 1);
    expect(JSON.parse(seen[0])).toMatchObject({ online: true });
    // a gateway saying "the cloud is offline" is refused: aedes drops its connection, the STATE stays
    const closed = new Promise<void>((resolve) => gateway.once('close', () => resolve()));
    gateway.publish(STATE_TOPIC, encodeHostState({ online: false, timestamp: Date.now() + 1000 }), { qos: 1, retain: true });
    await closed;
    expect(broker.stats().publishRefusals).toBe(1);
    const later = await watchState(`mqtt://127.0.0.1:${broker.port}`);
    await until('the retained STATE', () => later.seen.length === 1);
    expect(later.seen[0]).toMatchObject({ online: true });
    // nor may it register the host's STATE as its Will
    await expect(mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
      protocolVersion: 4, username: 'gw', password: 'gw-pass', reconnectPeriod: 0, clientId: 'gw-forged-will',
      will: { topic: STATE_TOPIC, payload: encodeHostState({ online: false, timestamp: Date.now() + 1000 }), qos: 1, retain: true },
    })).rejects.toThrow(/Not authorized/i);
  });

  it('closes at once when the broker is away, without waiting for an acknowledgement that cannot come', async () => {
    const ingest = await startIngest();
    await broker.close();
    await until('the ingest to notice', () => !ingest.stats().connected);
    const started = Date.now();
    await ingest.close();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('speaks MQTT 5 to an external broker (mosquitto) with the same Will and birth', async () => {
    const port = await freePort();
    const mosquitto = await startMosquitto({ users: { ingest: 'ingest-pass', watcher: 'watcher-pass' }, port });
    cleanups.push(() => mosquitto.stop());
    const url = `mqtt://127.0.0.1:${port}`;
    const watcher = await watchState(url, 5);
    const ingest = await startIngest({ url, protocolVersion: 5 });
    await until('the online STATE', () => watcher.seen.some((s) => s.online));
    expect(watcher.seen[0]).toMatchObject({ online: true, qos: 1 });
    await ingest.close();
    await until('the offline STATE', () => watcher.seen.some((s) => !s.online));
    expect(watcher.seen[1]).toMatchObject({ online: false, timestamp: watcher.seen[0].timestamp });
    await watcher.client.endAsync();
    // a persistent session on purpose (host-connection.ts says why); mosquitto's log is complete once it stopped
    await mosquitto.stop();
    expect(mosquitto.connections().find((c) => c.username === 'ingest')).toMatchObject({ protocol: 'mqttv5', cleanStart: false });
  });
});

describe('STATE payloads', () => {
  it('are the JSON the spec names, and anything else is an error saying what was found', () => {
    expect(JSON.parse(encodeHostState({ online: true, timestamp: 5 }).toString('utf8'))).toEqual({ online: true, timestamp: 5 });
    expect(decodeHostState(Buffer.from('{"online":false,"timestamp":12}'))).toEqual({ online: false, timestamp: 12 });
    expect(decodeHostState(Buffer.from('ONLINE'))).toEqual({ error: expect.stringContaining('not JSON') });
    expect(decodeHostState(Buffer.from('[1]'))).toEqual({ error: expect.stringContaining('"online" is missing') });
    expect(decodeHostState(Buffer.from('{"online":"yes","timestamp":1}'))).toEqual({ error: expect.stringContaining('"online" is "yes"') });
    expect(decodeHostState(Buffer.from('{"online":true}'))).toEqual({ error: expect.stringContaining('"timestamp" is missing') });
    expect(decodeHostState(Buffer.from('null'))).toEqual({ error: expect.stringContaining('not a JSON object') });
  });
});
