/**
 * Shots from the PLC to the insert, through every real part: the S7 simulator's IMM-01 shot
 * counter and mold id (simulators/s7), polled by a gateway daemon, published as Sparkplug to the
 * cloud's embedded broker, stored by the cloud's ingest, and counted by the ShotCounterFeed
 * reading the cloud's SQLite file. The mold the PLC names is mounted from its tag; a counter
 * reset in the PLC counts the new value.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { waitFor } from '../../bin/support/wait-for.ts';
import { systemClock } from '../../connectors/clock.ts';
import { cloudConfigSchema } from '../../config/cloud-schema.ts';
import { parseConfig } from '../../config/load-config.ts';
import { siteConfigSchema } from '../../config/site-schema.ts';
import { startGateway } from '../../gateway/gateway-daemon.ts';
import { startS7Simulator } from '../../simulators/s7/index.ts';
import { startCloud } from '../cloud-service.ts';
import { openTelemetryStore } from '../store/telemetry-store.ts';
import { openTooling } from './open-tooling.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgestock-shots-edge-'));
const logger = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void> | void> = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('shot counter fed by the edge', { timeout: 60_000 }, () => {
  it('counts the S7 simulator\'s IMM-01 shots into the inserts of the mold its PLC names', async () => {
    const simulator = await startS7Simulator({ port: await freePort(), stepMs: 0 });
    cleanups.push(() => simulator.close());
    const mqttPort = await freePort();
    const cloudDir = join(dir, 'cloud');
    const cloud = await startCloud({
      logger,
      config: parseConfig(cloudConfigSchema, {
        dataDir: cloudDir, http: { port: 0 }, auth: { demoUsers: true, secureCookies: false },
        broker: { mode: 'embedded', port: mqttPort, users: [{ username: 'gw', password: 'pw', group: 'plant', edge: 'gw-press' }] },
      }, 'test'),
    });
    cleanups.push(() => cloud.close());

    // The tooling part on the cloud's file, as cloud-service.ts would open it (here beside it).
    const file = join(cloudDir, 'cloud.sqlite');
    const telemetry = openTelemetryStore(file);
    cleanups.push(() => telemetry.close());
    const tooling = openTooling(file, { telemetry, clock: systemClock, logger, pollEveryMs: 0 });
    cleanups.push(() => tooling.close());
    const { api } = tooling;
    const tag = (name: string) => ({ group: 'plant', edge: 'gw-press', device: 'press-plc', tag: name });
    api.putAsset({ id: 'M-2231-A', kind: 'mold', serial: 'M2231A', name: 'cap mold', cteUmPerMK: 11.5 }, 'test');
    api.putAsset({ id: 'INS-0042', kind: 'insert', serial: 'SN-42', name: 'cavity insert', parent: 'M-2231-A', lifeShots: 9000, warnAtShots: 8500, cteUmPerMK: 11.4, openingShots: 8000 }, 'test');
    api.putAsset({ id: 'INS-0107', kind: 'insert', serial: 'SN-107', name: 'spare cavity insert', cteUmPerMK: 11.6, lifeShots: 9000, location: 'R3' }, 'test');
    api.putMachine({ id: 'IMM-01', counter: tag('IMM-01/shot-counter'), moldIdTag: tag('IMM-01/mold-id') }, 'test');

    const gateway = await startGateway({
      logger,
      config: parseConfig(siteConfigSchema, {
        site: { id: 'press-hall' },
        gateway: { group: 'plant', edge: 'gw-press', dataDir: join(dir, 'gateway'), http: { port: 0 } },
        north: { url: `mqtt://127.0.0.1:${mqttPort}`, username: 'gw', password: 'pw' },
        connectors: [{
          name: 'press-plc', protocol: 's7', connection: { host: '127.0.0.1', port: simulator.port }, pollIntervalMs: 100,
          tags: [{ name: 'IMM-01/shot-counter', address: 'DB1,DINT0' }, { name: 'IMM-01/mold-id', address: 'DB1,S4.16' }],
        }],
      }, 'test'),
    });
    cleanups.push(() => gateway.close());

    const shotsOf = (id: string) => api.asset(id)!.shots;
    const until = (what: string, check: () => boolean) => waitFor(what, async () => (tooling.feed.poll(), check() || undefined), { timeoutMs: 20_000, intervalMs: 50 });

    // The PLC starts at 8400 shots with mold M-2231-A: the first sample is the base, the mold-id mounts the mold.
    await until('the mold mounted from the PLC\'s mold-id', () => api.machine('IMM-01')!.mold === 'M-2231-A' && api.machine('IMM-01')!.lastCounter !== null);
    expect(api.machine('IMM-01')!.lastCounter!.value).toBe(8400);
    expect(api.mounts('IMM-01')[0]).toMatchObject({ mold: 'M-2231-A', source: 'tag' });

    simulator.setShotCount(0, 8912);
    await until('512 shots counted', () => shotsOf('INS-0042') === 8512);
    expect(shotsOf('M-2231-A')).toBe(512);
    expect(shotsOf('INS-0107')).toBe(0);
    const [warning] = api.warnings();
    expect(warning!.message).toBe('insert INS-0042 on mold M-2231-A (IMM-01) has 8,512 of 9,000 shots (95%): plan its replacement');
    expect(warning!.recommendation.candidates.map((c) => c.id)).toEqual(['INS-0107']);

    simulator.setShotCount(0, 3); // the PLC's counter restarts (a new mount in its own logic)
    await until('the reset counted', () => shotsOf('INS-0042') === 8515);
    expect(tooling.feed.stats()).toMatchObject({ resets: 1, errors: 0 });
  });
});
