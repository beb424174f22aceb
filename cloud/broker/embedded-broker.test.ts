import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerCredential } from './broker-account.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.ts';
import { staticCredentials } from './static-credentials.ts';

const logger = pino({ level: 'silent' });
const users: BrokerCredential[] = [
  { role: 'gateway', username: 'gw-a', password: 's3cret-a', group: 'plant', edge: 'edge-a' },
  { role: 'gateway', username: 'gw-b', password: 's3cret-b', group: 'plant', edge: 'edge-b' },
  { role: 'service', username: 'cloud', password: 'other' },
];
const credentials = staticCredentials(users);
let broker: EmbeddedBroker | undefined;
const clients: MqttClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.end(true);
  await broker?.close();
  broker = undefined;
});

function start(port = 0) {
  return startEmbeddedBroker({ host: '127.0.0.1', port, credentials, logger });
}

async function connect(port: number | undefined, username: string, password: string, options: IClientOptions = {}) {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { protocolVersion: 4, username, password, reconnectPeriod: 0, connectTimeout: 5000, ...options });
  clients.push(client);
  return client;
}

/** Every message a client receives, in order. */
function inbox(client: MqttClient): Array<{ topic: string; payload: string }> {
  const received: Array<{ topic: string; payload: string }> = [];
  client.on('message', (topic, payload) => received.push({ topic, payload: payload.toString() }));
  return received;
}

/** The SUBACK return code of each filter (mqtt.js rejects when any of them is 0x80). */
async function subscribeCodes(client: MqttClient, filters: string[]): Promise<number[]> {
  try {
    return (await client.subscribeAsync(filters, { qos: 1 })).map((g) => g.qos);
  } catch (error) {
    const granted = (error as { packet?: { granted?: number[] } }).packet?.granted;
    if (!granted) throw error;
    return granted;
  }
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('embedded broker', () => {
  it('listens on the port the OS picks when asked for port 0', async () => {
    broker = await start();
    expect(broker.port).toBeGreaterThan(0);
    expect(broker.tlsPort).toBeUndefined();
    expect(broker.stats()).toMatchObject({ port: broker.port, connectedClients: 0 });
  });

  it('lets configured users in and relays messages', async () => {
    broker = await start();
    const subscriber = await connect(broker.port, 'cloud', 'other');
    const publisher = await connect(broker.port, 'gw-a', 's3cret-a');
    await subscriber.subscribeAsync('spBv1.0/#', { qos: 1 });
    const received = new Promise<string>((resolve) => subscriber.on('message', (_topic, payload) => resolve(payload.toString())));
    await publisher.publishAsync('spBv1.0/plant/NDATA/edge-a', 'hello', { qos: 1 });
    expect(await received).toBe('hello');
    expect(broker.stats()).toMatchObject({ connectedClients: 2, messagesPublished: 1 });
  });

  it('refuses a wrong password, an unknown user and no credentials', async () => {
    broker = await start();
    await expect(connect(broker.port, 'gw-a', 'wrong')).rejects.toThrow(/Bad username or password/i);
    await expect(connect(broker.port, 'nobody', 's3cret-a')).rejects.toThrow(/Bad username or password/i);
    await expect(connect(broker.port, 'gw-a', 's3cret-b')).rejects.toThrow(/Bad username or password/i);
    await expect(mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { protocolVersion: 4, reconnectPeriod: 0 })).rejects.toThrow();
    expect(broker.stats().authFailures).toBe(4);
  });

  it('close() disconnects clients and frees the port', async () => {
    broker = await start();
    const port = broker.port;
    const client = await connect(port, 'gw-a', 's3cret-a');
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await broker.close();
    await closed;
    broker = await start(port); // port is free again
    expect(broker.port).toBe(port);
  });
});

describe('embedded broker gateway ACL', () => {
  it("never relays a gateway's publish under another gateway's topics, and drops that gateway", async () => {
    broker = await start();
    const cloud = await connect(broker.port, 'cloud', 'other');
    const seen = inbox(cloud);
    await cloud.subscribeAsync('#', { qos: 1 });
    const a = await connect(broker.port, 'gw-a', 's3cret-a');
    const b = await connect(broker.port, 'gw-b', 's3cret-b');
    const aClosed = new Promise<void>((resolve) => a.once('close', () => resolve()));
    a.publish('spBv1.0/plant/NDATA/edge-b', 'forged', { qos: 1 });
    a.publish('spBv1.0/plant/NDATA/edge-a', 'after the forgery', { qos: 1 });
    await aClosed; // MQTT 3.1.1 has no PUBLISH refusal: aedes closes the connection [MQTT-3.3.5-2]
    await b.publishAsync('spBv1.0/plant/NDATA/edge-b', 'genuine', { qos: 1 });
    await until(() => seen.some((m) => m.payload === 'genuine'));
    expect(seen).toEqual([{ topic: 'spBv1.0/plant/NDATA/edge-b', payload: 'genuine' }]);
    expect(broker.stats()).toMatchObject({ publishRefusals: 1, messagesPublished: 1 });
  });

  it("refuses a subscription to another gateway's commands and keeps the session", async () => {
    broker = await start();
    const a = await connect(broker.port, 'gw-a', 's3cret-a');
    expect(await subscribeCodes(a, ['spBv1.0/plant/NCMD/edge-b', 'spBv1.0/plant/NCMD/+', 'spBv1.0/#', 'spBv1.0/plant/NCMD/edge-a'])).toEqual([128, 128, 128, 1]);
    expect(broker.stats().subscribeRefusals).toBe(3);

    const seen = inbox(a);
    const cloud = await connect(broker.port, 'cloud', 'other');
    await cloud.publishAsync('spBv1.0/plant/NCMD/edge-b', 'for b', { qos: 1 });
    await cloud.publishAsync('spBv1.0/plant/NCMD/edge-a', 'for a', { qos: 1 });
    await until(() => seen.length > 0);
    expect(seen).toEqual([{ topic: 'spBv1.0/plant/NCMD/edge-a', payload: 'for a' }]);
    expect(a.connected).toBe(true);
  });

  it('lets a gateway use all of its own topics', async () => {
    broker = await start();
    const cloud = await connect(broker.port, 'cloud', 'other');
    const up = inbox(cloud);
    await cloud.subscribeAsync(['spBv1.0/#', 'edgestock/v1/#'], { qos: 1 });
    const a = await connect(broker.port, 'gw-a', 's3cret-a', {
      will: { topic: 'spBv1.0/plant/NDEATH/edge-a', payload: Buffer.from('dead'), qos: 1, retain: false },
    });
    const down = inbox(a);
    const granted = await a.subscribeAsync(['spBv1.0/plant/NCMD/edge-a', 'spBv1.0/plant/DCMD/edge-a/+', 'spBv1.0/STATE/+', 'edgestock/v1/plant/edge-a/#'], { qos: 1 });
    expect(granted.map((g) => g.qos)).toEqual([1, 1, 1, 1]);
    const ownTopics = ['spBv1.0/plant/NBIRTH/edge-a', 'spBv1.0/plant/DBIRTH/edge-a/shelf', 'spBv1.0/plant/DDATA/edge-a/shelf', 'spBv1.0/plant/DDEATH/edge-a/shelf', 'spBv1.0/plant/NDATA/edge-a', 'edgestock/v1/plant/edge-a/events'];
    for (const topic of ownTopics) await a.publishAsync(topic, 'x', { qos: 1 });
    for (const topic of ['spBv1.0/plant/NCMD/edge-a', 'spBv1.0/plant/DCMD/edge-a/shelf', 'spBv1.0/STATE/cloud', 'edgestock/v1/plant/edge-a/cmd']) {
      await cloud.publishAsync(topic, 'y', { qos: 1 });
    }
    const fromGateway = () => up.filter((m) => m.payload !== 'y');
    await until(() => fromGateway().length === ownTopics.length && down.filter((m) => m.payload === 'y').length === 4).catch(() => { throw new Error(JSON.stringify({ up, down })); });
    expect(fromGateway().map((m) => m.topic)).toEqual(ownTopics);
    a.stream.destroy(); // an unexpected drop: the broker publishes the Will
    await until(() => fromGateway().length === ownTopics.length + 1).catch(() => { throw new Error(JSON.stringify({ up, down })); });
    expect(fromGateway().at(-1)).toEqual({ topic: 'spBv1.0/plant/NDEATH/edge-a', payload: 'dead' });
    expect(broker.stats()).toMatchObject({ publishRefusals: 0, subscribeRefusals: 0 });
  });

  it("refuses a CONNECT whose Will is another gateway's NDEATH", async () => {
    broker = await start();
    await expect(connect(broker.port, 'gw-a', 's3cret-a', {
      will: { topic: 'spBv1.0/plant/NDEATH/edge-b', payload: Buffer.from('fake death'), qos: 1, retain: false },
    })).rejects.toThrow(/Not authorized/i);
    expect(broker.stats()).toMatchObject({ authFailures: 1, publishRefusals: 1 });
  });

  it('lets the service account publish and subscribe anywhere', async () => {
    broker = await start();
    const cloud = await connect(broker.port, 'cloud', 'other');
    const granted = await cloud.subscribeAsync(['#', 'spBv1.0/+/NCMD/+'], { qos: 1 });
    expect(granted.map((g) => g.qos)).toEqual([1, 1]);
    await cloud.publishAsync('spBv1.0/plant/NCMD/edge-b', 'rebirth', { qos: 1 });
    expect(broker.stats().publishRefusals).toBe(0);
  });

  it('disconnectUser drops every session of that user and no other', async () => {
    broker = await start();
    const a1 = await connect(broker.port, 'gw-a', 's3cret-a');
    const a2 = await connect(broker.port, 'gw-a', 's3cret-a');
    const b = await connect(broker.port, 'gw-b', 's3cret-b');
    const closed = Promise.all([a1, a2].map((c) => new Promise<void>((resolve) => c.once('close', () => resolve()))));
    expect(broker.disconnectUser('gw-a')).toBe(2);
    await closed;
    expect(b.connected).toBe(true);
    expect(broker.disconnectUser('gw-a')).toBe(0);
  });

  it('logs each refusal with client id, username and topic', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const capture = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, credentials, logger: capture });
    const a = await connect(broker.port, 'gw-a', 's3cret-a', { clientId: 'client-a' });
    expect(await subscribeCodes(a, ['spBv1.0/plant/NCMD/edge-b'])).toEqual([128]);
    expect(lines).toContainEqual(expect.objectContaining({ clientId: 'client-a', username: 'gw-a', topic: 'spBv1.0/plant/NCMD/edge-b', msg: 'MQTT subscription refused by the gateway ACL' }));
  });
});
