/**
 * A value changed at the device shows up in the cloud's API: the shelf simulator's B12 reading is
 * pinned, and /api/telemetry/latest reports it, through the real gateway, broker, ingest and store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startCloud, type CloudService } from '../../cloud/cloud-service.ts';
import { cloudConfigSchema } from '../../config/cloud-schema.ts';
import { parseConfig } from '../../config/load-config.ts';
import { siteConfigSchema } from '../../config/site-schema.ts';
import { startGateway, type RunningGateway } from '../../gateway/gateway-daemon.ts';
import { startShelfSimulator } from '../../simulators/modbus/index.ts';
import { freePort } from '../support/free-port.ts';
import { cloudClient } from '../support/cloud-client.ts';
import { waitFor } from '../support/wait-for.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgestock-value-change-'));
const logger = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void> | void> = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

interface Latest { tag: string; value: unknown; quality: string; unit: string | null; ts: number }

describe('a value changed in the simulator', () => {
  it('appears in /api/telemetry/latest', async () => {
    const simulator = await startShelfSimulator({ port: await freePort(), stepMs: 0 });
    cleanups.push(() => simulator.close());
    const mqttPort = await freePort();
    const cloud: CloudService = await startCloud({
      logger,
      config: parseConfig(cloudConfigSchema, {
        dataDir: join(dir, 'cloud'),
        http: { port: 0 },
        auth: { demoUsers: true, secureCookies: false },
        broker: { mode: 'embedded', port: mqttPort, users: [{ username: 'gw', password: 'pw', group: 'plant', edge: 'gw-1' }] },
      }, 'test'),
    });
    cleanups.push(() => cloud.close());
    const gateway: RunningGateway = await startGateway({
      logger,
      config: parseConfig(siteConfigSchema, {
        site: { id: 'value-change' },
        gateway: { group: 'plant', edge: 'gw-1', dataDir: join(dir, 'gateway'), http: { port: 0 } },
        north: { url: `mqtt://127.0.0.1:${mqttPort}`, username: 'gw', password: 'pw' },
        connectors: [{
          name: 'shelves', protocol: 'modbus', connection: { transport: 'tcp', host: '127.0.0.1', port: simulator.port }, pollIntervalMs: 100,
          tags: [{ name: 'B12/temperature', address: 'ir:4:int16', scale: 0.1, unit: '°C' }],
        }],
      }, 'test'),
    });
    cleanups.push(() => gateway.close());

    const { getJson } = cloudClient(cloud.httpUrl, 'auditor');
    const latestB12 = async () => (await getJson<Latest[]>('/api/telemetry/latest?edge=gw-1&tag=B12/temperature'))[0];
    for (const celsius of [9.7, -1.5, 4.2]) {
      simulator.setTemperature(2, celsius);
      const seen = await waitFor(`B12 at ${celsius} °C in the cloud`, async () => {
        const latest = await latestB12();
        return latest?.value === celsius ? latest : undefined;
      }, { timeoutMs: 10_000, intervalMs: 50 });
      expect(seen).toMatchObject({ quality: 'good', unit: '°C' });
    }
  });
});
