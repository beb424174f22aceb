/**
 * TLS end to end, with a throwaway CA made by openssl: the gateway reaches the embedded broker
 * over MQTTS only, its readings land in the cloud store, and the admin server speaks HTTPS. Then
 * the same gateway against Debian's mosquitto with TLS and a password, the cloud ingesting from it
 * as an external broker over MQTTS.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startMosquitto } from '../../cloud/broker/mosquitto-process.ts';
import { startCloud, type CloudService } from '../../cloud/cloud-service.ts';
import { cloudConfigSchema } from '../../config/cloud-schema.ts';
import { parseConfig } from '../../config/load-config.ts';
import { siteConfigSchema } from '../../config/site-schema.ts';
import { startGateway, type RunningGateway } from '../../gateway/gateway-daemon.ts';
import { startShelfSimulator } from '../../simulators/modbus/index.ts';
import { freePort } from '../support/free-port.ts';
import { createTestCa } from '../support/test-ca.ts';
import { waitFor } from '../support/wait-for.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgestock-tls-'));
const ca = createTestCa(join(dir));
const logger = pino({ level: 'silent' });
let cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function httpsJson(url: string, caFile?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(url, { ca: caFile ? readFileSync(caFile) : undefined }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`${url}: HTTP ${res.statusCode} ${body}`))));
    }).on('error', reject);
  });
}

function storedSamples(storeFile: string, edge: string): number {
  const db = new Database(storeFile, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM sample JOIN metric ON metric.id = sample.metric_id WHERE metric.edge = ?').get(edge) as { n: number }).n;
  } finally {
    db.close();
  }
}

async function startSimulator() {
  const simulator = await startShelfSimulator({ port: await freePort(), stepMs: 0 });
  cleanups.push(() => simulator.close());
  return simulator;
}

function siteConfig(name: string, simulatorPort: number, north: Record<string, unknown>) {
  return parseConfig(siteConfigSchema, {
    site: { id: name },
    gateway: { group: 'tls-plant', edge: name, dataDir: join(dir, name, 'gateway'), http: { port: 0 } },
    north: { reconnect: { initialDelayMs: 100, maxDelayMs: 500 }, ...north },
    connectors: [{
      name: 'shelves', protocol: 'modbus', connection: { transport: 'tcp', host: '127.0.0.1', port: simulatorPort }, pollIntervalMs: 100,
      tags: [{ name: 'B10/temperature', address: 'ir:0:int16', scale: 0.1, unit: '°C' }],
    }],
  }, 'test');
}

async function gateway(config: ReturnType<typeof siteConfig>): Promise<RunningGateway> {
  const running = await startGateway({ logger, config });
  cleanups.push(() => running.close());
  return running;
}

describe('TLS', () => {
  it('gateway -> embedded broker over MQTTS only, readings in the store, admin API over HTTPS', async () => {
    const simulator = await startSimulator();
    const storeFile = join(dir, 'embedded', 'cloud.sqlite');
    const cloud: CloudService = await startCloud({
      logger,
      config: parseConfig(cloudConfigSchema, {
        dataDir: join(dir, 'embedded'),
        http: { port: 0, tls: { certFile: ca.certFile, keyFile: ca.keyFile } },
        broker: {
          mode: 'embedded', plain: false, tls: { port: 0, certFile: ca.certFile, keyFile: ca.keyFile },
          users: [
            { username: 'gw-tls', password: 'pw-tls', group: 'tls-plant', edge: 'gw-tls' },
            { username: 'gw-no-ca', password: 'pw-no-ca', group: 'tls-plant', edge: 'gw-no-ca' },
          ],
        },
      }, 'test'),
    });
    cleanups.push(() => cloud.close());
    expect(cloud.mqttUrl).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    expect(cloud.httpUrl).toMatch(/^https:\/\//);

    await gateway(siteConfig('gw-tls', simulator.port, { url: cloud.mqttUrl, username: 'gw-tls', password: 'pw-tls', tls: { caFile: ca.caFile } }));
    const withoutCa = await gateway(siteConfig('gw-no-ca', simulator.port, { url: cloud.mqttUrl, username: 'gw-no-ca', password: 'pw-no-ca' }));

    await waitFor('readings over MQTTS in the store', () => storedSamples(storeFile, 'gw-tls') > 0 || undefined, { timeoutMs: 15_000, intervalMs: 100 });
    const health = await httpsJson(`${cloud.httpUrl}/api/health`, ca.caFile) as { broker: { mode: string; port: unknown; tlsPort: number } };
    expect(health.broker).toMatchObject({ mode: 'embedded', tlsPort: Number(new URL(cloud.mqttUrl).port) });
    await expect(httpsJson(`${cloud.httpUrl}/api/health`)).rejects.toThrow(/unable to verify|self[- ]signed|certificate/i);

    // The gateway that does not trust the CA never gets in: its link stays down with the reason.
    await waitFor('the TLS failure in the gateway stats', () => /certificate|verify/i.test(withoutCa.stats().north.lastError ?? '') || undefined, { timeoutMs: 10_000 });
    expect(withoutCa.stats().north.linkState).not.toBe('up');
    expect(storedSamples(storeFile, 'gw-no-ca')).toBe(0);
  }, 60_000);

  it('gateway -> mosquitto over MQTTS with a password -> cloud ingest as an external broker over MQTTS', async () => {
    const simulator = await startSimulator();
    const tlsPort = await freePort();
    const mosquitto = await startMosquitto({
      users: { 'gw-mosq': 'pw-mosq', 'cloud-ingest': 'pw-ingest' },
      tls: { port: tlsPort, certFile: ca.certFile, keyFile: ca.keyFile },
    });
    cleanups.push(() => mosquitto.stop());
    const url = `mqtts://127.0.0.1:${tlsPort}`;
    const storeFile = join(dir, 'external', 'cloud.sqlite');
    const cloud = await startCloud({
      logger,
      config: parseConfig(cloudConfigSchema, {
        dataDir: join(dir, 'external'),
        http: { port: 0 },
        broker: { mode: 'external', url, username: 'cloud-ingest', password: 'pw-ingest', tls: { caFile: ca.caFile } },
      }, 'test'),
    });
    cleanups.push(() => cloud.close());
    await gateway(siteConfig('gw-mosq', simulator.port, { url, username: 'gw-mosq', password: 'pw-mosq', tls: { caFile: ca.caFile } }));
    try {
      await waitFor('readings through mosquitto over MQTTS', () => storedSamples(storeFile, 'gw-mosq') > 0 || undefined, { timeoutMs: 20_000, intervalMs: 100 });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- mosquitto ---\n${mosquitto.output().slice(-3000)}`);
    }
  }, 60_000);
});
