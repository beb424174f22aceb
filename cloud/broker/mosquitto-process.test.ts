/**
 * The test helper that runs Debian's mosquitto: what it reads from mosquitto's log and what
 * restart() keeps with and without persistence.
 */
import { existsSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { parseMosquittoConnections, startMosquitto, type MosquittoProcess } from './mosquitto-process.ts';

let mosquitto: MosquittoProcess | undefined;
const clients: MqttClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.end(true);
  await mosquitto?.stop();
  mosquitto = undefined;
});

async function broker(options: { persistence?: boolean } = {}): Promise<string> {
  const port = await freePort();
  mosquitto = await startMosquitto({ users: { alice: 'alice-pw' }, port, ...options });
  return `mqtt://127.0.0.1:${port}`;
}

async function login(url: string, options: IClientOptions): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, { username: 'alice', password: 'alice-pw', reconnectPeriod: 0, ...options });
  clients.push(client);
  return client;
}

/** Subscribes with a persistent session, leaves, and has a message queued for it. */
async function queueForAbsentSubscriber(url: string): Promise<void> {
  const subscriber = await login(url, { clientId: 'absent', clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 3600 } });
  await subscriber.subscribeAsync('queued/#', { qos: 1 });
  await subscriber.endAsync();
  const publisher = await login(url, { protocolVersion: 4 });
  await publisher.publishAsync('queued/1', 'while away', { qos: 1 });
  await publisher.endAsync();
}

async function comeBack(url: string): Promise<{ sessionPresent: boolean; received: string[] }> {
  const received: string[] = [];
  const client = mqtt.connect(url, {
    clientId: 'absent', clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 3600 },
    username: 'alice', password: 'alice-pw', reconnectPeriod: 0,
  });
  clients.push(client);
  client.on('message', (_topic, payload) => received.push(payload.toString()));
  const { sessionPresent } = await new Promise<{ sessionPresent: boolean }>((resolve) => client.once('connect', resolve));
  await new Promise((resolve) => setTimeout(resolve, 200)); // room for queued messages to arrive
  return { sessionPresent, received };
}

describe('startMosquitto', () => {
  it('reports the protocol level, clean flag and username of every login from mosquitto\'s log', async () => {
    const url = await broker();
    await login(url, { clientId: 'speaks-311', protocolVersion: 4 });
    await login(url, { clientId: 'speaks-5', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 60 } });
    await expect.poll(() => mosquitto!.connections().length).toBe(2);
    expect(mosquitto!.connections()).toEqual([
      { clientId: 'speaks-311', protocol: 'mqttv311', cleanStart: true, keepaliveS: 60, username: 'alice' },
      { clientId: 'speaks-5', protocol: 'mqttv5', cleanStart: false, keepaliveS: 60, username: 'alice' },
    ]);
  });

  it('keeps a persistent session and its queued message across restart() with persistence', async () => {
    const url = await broker({ persistence: true });
    await queueForAbsentSubscriber(url);
    await mosquitto!.restart();
    expect(await comeBack(url)).toEqual({ sessionPresent: true, received: ['while away'] });
  });

  it('stays down between halt() and launch(), keeping its folder, and comes back on the same port', async () => {
    const url = await broker({ persistence: true });
    await queueForAbsentSubscriber(url);
    await mosquitto!.halt();
    expect(mosquitto!.running()).toBe(false);
    expect(existsSync(mosquitto!.persistenceFile!)).toBe(true); // SIGTERM: saved on the way out
    await expect(mqtt.connectAsync(url, { username: 'alice', password: 'alice-pw', reconnectPeriod: 0, connectTimeout: 1000 })).rejects.toThrow(/ECONNREFUSED/);
    await mosquitto!.launch();
    expect(await comeBack(url)).toEqual({ sessionPresent: true, received: ['while away'] });
  });

  it('forgets sessions across restart() without persistence', async () => {
    const url = await broker();
    await queueForAbsentSubscriber(url);
    await mosquitto!.restart();
    expect(await comeBack(url)).toEqual({ sessionPresent: false, received: [] });
  });
});

describe('parseMosquittoConnections', () => {
  it('reads MQTT 3.1 logins without a username and refuses a protocol level it does not know', () => {
    expect(parseMosquittoConnections('1: New client connected from 127.0.0.1:5 as old-client (p1, c1, k10).\n')).toEqual([
      { clientId: 'old-client', protocol: 'mqttv31', cleanStart: true, keepaliveS: 10, username: undefined },
    ]);
    expect(() => parseMosquittoConnections('1: New client connected from 127.0.0.1:5 as x (p9, c1, k10).')).toThrow(/protocol level "p9": expected one of p1, p2, p5/);
  });
});
