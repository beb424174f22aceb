/**
 * S7 through the gateway: the snap7 simulator's DBs, polled by the S7 connector, announced in a
 * DBIRTH with one typed metric per tag (array tags per element) and reported as DDATA.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { parseConfig } from '../../config/load-config.ts';
import { siteConfigSchema } from '../../config/site-schema.ts';
import { startS7Simulator, type S7Simulator } from '../../simulators/s7/index.ts';
import { startGateway, type RunningGateway } from '../gateway-daemon.ts';
import { recordSparkplug, type SparkplugRecorder } from '../testing/sparkplug-recorder.ts';
import { startTestBroker, type TestBroker } from '../testing/test-broker.ts';

describe('S7 connector in the gateway', { timeout: 60_000 }, () => {
  let dir: string;
  let simulator: S7Simulator;
  let broker: TestBroker;
  let recorder: SparkplugRecorder;
  let gateway: RunningGateway;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-s7-gateway-'));
    const ports = { mqtt: await freePort(), s7: await freePort() };
    simulator = await startS7Simulator({ port: ports.s7, stepMs: 0 });
    broker = await startTestBroker(ports.mqtt);
    recorder = await recordSparkplug(`mqtt://127.0.0.1:${ports.mqtt}`);
    gateway = await startGateway({
      logger: pino({ level: 'silent' }),
      config: parseConfig(siteConfigSchema, {
        site: { id: 'press-hall' },
        gateway: { group: 'plant', edge: 'gw-press', dataDir: join(dir, 'data'), http: { port: 0 } },
        north: { url: `mqtt://127.0.0.1:${ports.mqtt}` },
        connectors: [{
          name: 'press-plc', protocol: 's7', connection: { host: '127.0.0.1', port: ports.s7 }, pollIntervalMs: 100,
          tags: [
            { name: 'IMM-01/ShotCounter', address: 'DB1,DINT0' },
            { name: 'IMM-01/MoldId', address: 'DB1,S4.16' },
            { name: 'IMM-01/CycleTime', address: 'DB1,REAL22', unit: 's' },
            { name: 'IMM-01/Running', address: 'DB1,X28.0' },
            { name: 'IMM-01/ZoneTemp', address: 'DB1,INT30.3', unit: '°C' },
            { name: 'F1/RemnantWeight', address: 'DB2,REAL0', unit: 'kg' },
          ],
        }],
      }, 'test'),
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await recorder?.close();
    await broker?.close();
    await simulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('announces typed metrics, one per array element, with units and protocol s7', async () => {
    const dbirth = await recorder.waitFor((m) => m.type === 'DBIRTH');
    const metrics = new Map(dbirth.payload.metrics.map((m) => [m.name, m]));
    expect([...metrics.keys()].sort()).toEqual([
      'F1/RemnantWeight', 'IMM-01/CycleTime', 'IMM-01/MoldId', 'IMM-01/Running', 'IMM-01/ShotCounter',
      'IMM-01/ZoneTemp[0]', 'IMM-01/ZoneTemp[1]', 'IMM-01/ZoneTemp[2]',
    ]);
    expect(metrics.get('IMM-01/ShotCounter')).toMatchObject({ datatype: 'Int32' });
    expect(metrics.get('IMM-01/MoldId')).toMatchObject({ datatype: 'String' });
    expect(metrics.get('IMM-01/CycleTime')).toMatchObject({ datatype: 'Float' });
    expect(metrics.get('IMM-01/Running')).toMatchObject({ datatype: 'Boolean' });
    expect(metrics.get('IMM-01/ZoneTemp[1]')).toMatchObject({ datatype: 'Int32' });
    expect(metrics.get('F1/RemnantWeight')!.properties).toMatchObject({ engUnit: { value: 'kg' }, protocol: { value: 's7' } });
  });

  it('reports values changed in the PLC', async () => {
    const dbirth = await recorder.waitFor((m) => m.type === 'DBIRTH');
    const aliasOf = new Map(dbirth.payload.metrics.map((m) => [m.name!, m.alias!]));
    simulator.setShotCount(0, 8999); // machine index 0 is IMM-01
    simulator.setRemnantWeight(16.25);
    const seen = (tag: string, value: number) => recorder.waitFor((m) => m.type === 'DDATA' &&
      m.payload.metrics.some((x) => x.alias === aliasOf.get(tag) && x.value === value));
    await seen('IMM-01/ShotCounter', 8999);
    await seen('F1/RemnantWeight', 16.25);
  });
});
