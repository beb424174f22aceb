/**
 * docs/broker-acl.md's mosquitto acl_file, run by Debian's mosquitto (an independent broker):
 * proves the document says what mosquitto does, and that it agrees with our rule table.
 */
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { mosquittoAclFile } from './gateway-acl.ts';
import { startMosquitto, type MosquittoProcess } from './mosquitto-process.ts';

/** The fenced ```acl_file block of the document. */
function documentedAcl(): string {
  const doc = readFileSync(new URL('../../docs/broker-acl.md', import.meta.url), 'utf8');
  const match = /```acl_file\n([\s\S]*?)```/.exec(doc);
  if (!match) throw new Error('docs/broker-acl.md has no ```acl_file block');
  return match[1]!;
}

const passwords = { 'gw-cold-room-1': 'pw-1', 'gw-cold-room-2': 'pw-2', 'cloud-ingest': 'pw-ingest' } as const;
let mosquitto: MosquittoProcess;
let port: number;
const clients: MqttClient[] = [];

beforeAll(async () => {
  port = await freePort();
  mosquitto = await startMosquitto({ users: passwords, acl: documentedAcl(), port });
});
afterAll(async () => {
  for (const client of clients) client.end(true);
  await mosquitto?.stop();
});

async function login(username: keyof typeof passwords, options: IClientOptions = {}): Promise<MqttClient> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    protocolVersion: 4, username, password: passwords[username], reconnectPeriod: 0, connectTimeout: 5000, ...options,
  });
  clients.push(client);
  return client;
}

function inbox(client: MqttClient): string[] {
  const received: string[] = [];
  client.on('message', (topic, payload) => received.push(`${topic} ${payload.toString()}`));
  return received;
}

describe('the documented mosquitto acl_file', () => {
  it('is what mosquittoAclFile() writes from the rule table', () => {
    expect(documentedAcl()).toBe(mosquittoAclFile([
      { username: 'gw-cold-room-1', group: 'demo-plant', edge: 'gw-cold-room-1' },
      { username: 'gw-cold-room-2', group: 'demo-plant', edge: 'gw-cold-room-2' },
    ], 'cloud-ingest'));
  });

  it("drops a gateway's publish under another gateway's topics and relays its own", async () => {
    const cloud = await login('cloud-ingest');
    const seen = inbox(cloud);
    await cloud.subscribeAsync(['spBv1.0/#', 'edgestock/v1/#'], { qos: 1 });
    const a = await login('gw-cold-room-1');
    await a.publishAsync('spBv1.0/demo-plant/NDATA/gw-cold-room-2', 'forged', { qos: 1 }); // acknowledged, dropped
    await a.publishAsync('spBv1.0/other-plant/NDATA/gw-cold-room-1', 'wrong group', { qos: 1 });
    await a.publishAsync('edgestock/v1/demo-plant/gw-cold-room-2/events', 'forged event', { qos: 1 });
    await a.publishAsync('spBv1.0/demo-plant/NDATA/gw-cold-room-1', 'own', { qos: 1 });
    await a.publishAsync('spBv1.0/demo-plant/DDATA/gw-cold-room-1/shelf', 'own device', { qos: 1 });
    await a.publishAsync('edgestock/v1/demo-plant/gw-cold-room-1/events', 'own event', { qos: 1 });
    await expect.poll(() => seen.length).toBe(3);
    expect(seen).toEqual([
      'spBv1.0/demo-plant/NDATA/gw-cold-room-1 own',
      'spBv1.0/demo-plant/DDATA/gw-cold-room-1/shelf own device',
      'edgestock/v1/demo-plant/gw-cold-room-1/events own event',
    ]);
    expect(a.connected).toBe(true); // mosquitto acknowledges and drops; it does not disconnect
  });

  it("never delivers another gateway's commands, whatever the gateway subscribes to", async () => {
    const a = await login('gw-cold-room-1');
    const seen = inbox(a);
    const refused = await a.subscribeAsync(['spBv1.0/demo-plant/NCMD/gw-cold-room-2', 'spBv1.0/#'], { qos: 1 })
      .then((granted) => granted.map((g) => g.qos), (error: { packet?: { granted?: number[] } }) => error.packet?.granted);
    expect(refused).toEqual([1, 1]); // mosquitto 2.0 grants on the wire and filters each delivery (as the doc says)
    await a.subscribeAsync(['spBv1.0/demo-plant/NCMD/gw-cold-room-1', 'spBv1.0/STATE/+'], { qos: 1 });
    const cloud = await login('cloud-ingest');
    await cloud.publishAsync('spBv1.0/demo-plant/NCMD/gw-cold-room-2', 'for 2', { qos: 1 });
    await cloud.publishAsync('spBv1.0/demo-plant/DCMD/gw-cold-room-2/shelf', 'for 2 device', { qos: 1 });
    await cloud.publishAsync('spBv1.0/STATE/cloud', 'online', { qos: 1 });
    await cloud.publishAsync('spBv1.0/demo-plant/NCMD/gw-cold-room-1', 'for 1', { qos: 1 });
    await expect.poll(() => seen.includes('spBv1.0/demo-plant/NCMD/gw-cold-room-1 for 1')).toBe(true);
    expect(seen.filter((m) => m.includes('gw-cold-room-2'))).toEqual([]);
    expect(seen).toContain('spBv1.0/STATE/cloud online');
  });

  it("drops a Will that is another gateway's NDEATH and publishes its own", async () => {
    const cloud = await login('cloud-ingest');
    const seen = inbox(cloud);
    await cloud.subscribeAsync('spBv1.0/+/NDEATH/+', { qos: 1 });
    const forger = await login('gw-cold-room-1', {
      clientId: 'forger', will: { topic: 'spBv1.0/demo-plant/NDEATH/gw-cold-room-2', payload: Buffer.from('fake'), qos: 1, retain: false },
    });
    const honest = await login('gw-cold-room-1', {
      clientId: 'honest', will: { topic: 'spBv1.0/demo-plant/NDEATH/gw-cold-room-1', payload: Buffer.from('real'), qos: 1, retain: false },
    });
    forger.stream.destroy();
    honest.stream.destroy();
    await expect.poll(() => seen.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200)); // room for a forged Will to (wrongly) arrive
    expect(seen).toEqual(['spBv1.0/demo-plant/NDEATH/gw-cold-room-1 real']);
  });
});
