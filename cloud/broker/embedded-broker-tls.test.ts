import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createTestCa } from '../../bin/support/test-ca.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.ts';
import { staticCredentials } from './static-credentials.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgestock-broker-tls-'));
const ca = createTestCa(dir);
const credentials = staticCredentials([
  { role: 'gateway', username: 'gw', password: 'pw', group: 'plant', edge: 'edge-1' },
  { role: 'service', username: 'cloud', password: 'cloud-pw' },
]);
let broker: EmbeddedBroker | undefined;
const clients: MqttClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.end(true);
  await broker?.close();
  broker = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function startTlsOnly() {
  return startEmbeddedBroker({
    host: '127.0.0.1', credentials, logger: pino({ level: 'silent' }),
    tls: { port: 0, cert: readFileSync(ca.certFile), key: readFileSync(ca.keyFile) },
  });
}

async function connect(url: string, username: string, password: string, options: IClientOptions) {
  const client = await mqtt.connectAsync(url, { protocolVersion: 4, username, password, reconnectPeriod: 0, connectTimeout: 5000, ...options });
  clients.push(client);
  return client;
}

describe('embedded broker over MQTTS', () => {
  it('serves MQTTS only when asked for no plain port, and relays for a client that trusts the CA', async () => {
    broker = await startTlsOnly();
    expect(broker.port).toBeUndefined();
    const url = `mqtts://127.0.0.1:${broker.tlsPort}`;
    const trust = { ca: readFileSync(ca.caFile), rejectUnauthorized: true };
    const cloud = await connect(url, 'cloud', 'cloud-pw', trust);
    await cloud.subscribeAsync('spBv1.0/#', { qos: 1 });
    const received = new Promise<string>((resolve) => cloud.on('message', (topic, payload) => resolve(`${topic} ${payload.toString()}`)));
    const gateway = await connect(url, 'gw', 'pw', trust);
    await gateway.publishAsync('spBv1.0/plant/NDATA/edge-1', 'over tls', { qos: 1 });
    expect(await received).toBe('spBv1.0/plant/NDATA/edge-1 over tls');
    expect(broker.stats()).toMatchObject({ tlsPort: broker.tlsPort, connectedClients: 2 });
  });

  it('is refused by a client without the CA, or trusting another CA, and refuses plain MQTT on its port', async () => {
    broker = await startTlsOnly();
    const url = `mqtts://127.0.0.1:${broker.tlsPort}`;
    await expect(connect(url, 'gw', 'pw', { rejectUnauthorized: true })).rejects.toThrow(/unable to verify|self[- ]signed|certificate/i);
    await expect(connect(url, 'gw', 'pw', { ca: readFileSync(ca.otherCaFile), rejectUnauthorized: true })).rejects.toThrow(/unable to verify|certificate/i);
    // Plain MQTT on the TLS port: the handshake fails, the connection closes without a CONNACK.
    const plain = mqtt.connect(`mqtt://127.0.0.1:${broker.tlsPort}`, { protocolVersion: 4, username: 'gw', password: 'pw', reconnectPeriod: 0 });
    clients.push(plain);
    plain.on('error', () => {});
    let connected = false;
    plain.on('connect', () => { connected = true; });
    await new Promise<void>((resolve) => plain.once('close', () => resolve()));
    expect(connected).toBe(false);
    await expect.poll(() => broker!.stats().tlsHandshakeFailures).toBeGreaterThanOrEqual(1);
    expect(broker.stats().connectedClients).toBe(0);
  });

  it('checks the host name: a certificate for 127.0.0.1 does not pass for another name', async () => {
    broker = await startTlsOnly();
    await expect(connect(`mqtts://127.0.0.1:${broker.tlsPort}`, 'gw', 'pw', { ca: readFileSync(ca.caFile), servername: 'broker.example.com', rejectUnauthorized: true }))
      .rejects.toThrow(/altnames|does not match|Hostname/i);
  });
});
