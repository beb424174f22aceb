/**
 * OPC UA through the gateway: the weld-cell simulator (node-opcua's server), the OPC UA connector
 * with its PKI under the gateway's data dir, a DBIRTH typed from each tag's dataType, and weld-gun
 * values arriving as DDATA at an embedded broker.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { parseConfig } from '../../config/load-config.ts';
import { siteConfigSchema } from '../../config/site-schema.ts';
import { pkiDirOf } from '../../connectors/opcua/index.ts';
import type { SparkplugMetric } from '../../connectors/sparkplug/index.ts';
import { startOpcuaSimulator, type OpcuaSimulator } from '../../simulators/opcua/index.ts';
import { startGateway, type RunningGateway } from '../gateway-daemon.ts';
import { recordSparkplug, type RecordedMessage, type SparkplugRecorder } from '../testing/sparkplug-recorder.ts';
import { startTestBroker, type TestBroker } from '../testing/test-broker.ts';
import { opcuaMetricDataType } from './opcua-protocol.ts';

describe('opcuaMetricDataType', () => {
  it('publishes unsigned 32- and 64-bit integers as Int64, narrower integers as Int32', () => {
    expect(opcuaMetricDataType('UInt32')).toBe('Int64');
    expect(opcuaMetricDataType('UInt64')).toBe('Int64');
    expect(opcuaMetricDataType('Int64')).toBe('Int64');
    expect(opcuaMetricDataType('Int32')).toBe('Int32');
    expect(opcuaMetricDataType('UInt16')).toBe('Int32');
    expect(opcuaMetricDataType('SByte')).toBe('Int32');
  });

  it('publishes Float as Float, Double as Double, Boolean as Boolean', () => {
    expect(opcuaMetricDataType('Float')).toBe('Float');
    expect(opcuaMetricDataType('Double')).toBe('Double');
    expect(opcuaMetricDataType('Boolean')).toBe('Boolean');
  });

  it('publishes text-valued types as String', () => {
    for (const type of ['String', 'DateTime', 'LocalizedText', 'QualifiedName', 'Guid'] as const) {
      expect(opcuaMetricDataType(type)).toBe('String');
    }
  });
});

describe('OPC UA connector in the gateway', { timeout: 60_000 }, () => {
  let dir: string;
  let simulator: OpcuaSimulator;
  let broker: TestBroker;
  let recorder: SparkplugRecorder;
  let gateway: RunningGateway;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-opcua-gateway-'));
    const ports = { mqtt: await freePort(), opcua: await freePort() };
    simulator = await startOpcuaSimulator({ port: ports.opcua, pkiDir: join(dir, 'server-pki'), stepMs: 0 });
    broker = await startTestBroker(ports.mqtt);
    recorder = await recordSparkplug(`mqtt://127.0.0.1:${ports.mqtt}`);
    const node = (gun: string, member: string) => `ns=1;s=WeldCell.${gun}.${member}`;
    gateway = await startGateway({
      logger: pino({ level: 'silent' }),
      config: parseConfig(siteConfigSchema, {
        site: { id: 'body-shop' },
        gateway: { group: 'plant', edge: 'gw-body', dataDir: join(dir, 'data'), http: { port: 0 } },
        north: { url: `mqtt://127.0.0.1:${ports.mqtt}` },
        connectors: [{
          name: 'weld-cell', protocol: 'opcua', endpoint: simulator.endpoint, securityMode: 'None',
          publishingIntervalMs: 50, samplingIntervalMs: 0, pollIntervalMs: 100, timeoutMs: 2000,
          reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
          tags: [
            { name: 'G1/weld-count', nodeId: node('G1', 'WeldCount'), dataType: 'UInt32' },
            { name: 'G1/cap-id', nodeId: node('G1', 'ElectrodeCapId'), dataType: 'String' },
            { name: 'G1/sheet-thickness', nodeId: node('G1', 'SheetThicknessMm'), unit: 'mm' },
            { name: 'G1/weld-current', nodeId: node('G1', 'WeldCurrentKa'), dataType: 'Double', unit: 'kA' },
            { name: 'G1/cap-life', nodeId: node('G1', 'CapLifeWelds'), dataType: 'UInt32', mode: 'poll' },
            { name: 'G1/enabled', nodeId: node('G1', 'Enabled'), dataType: 'Boolean', mode: 'poll' },
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

  const metricsOf = (dbirth: RecordedMessage) => new Map(dbirth.payload.metrics.map((m) => [m.name!, m]));

  it('announces typed metrics with units and protocol opcua', async () => {
    const dbirth = await recorder.waitFor((m) => m.type === 'DBIRTH');
    expect(dbirth.topic).toBe('spBv1.0/plant/DBIRTH/gw-body/weld-cell');
    const metrics = metricsOf(dbirth);
    expect([...metrics.keys()].sort()).toEqual([
      'G1/cap-id', 'G1/cap-life', 'G1/enabled', 'G1/sheet-thickness', 'G1/weld-count', 'G1/weld-current',
    ]);
    expect(metrics.get('G1/weld-count')).toMatchObject({ datatype: 'Int64' });
    expect(metrics.get('G1/cap-id')).toMatchObject({ datatype: 'String' });
    expect(metrics.get('G1/sheet-thickness')).toMatchObject({ datatype: 'Double' });
    expect(metrics.get('G1/enabled')).toMatchObject({ datatype: 'Boolean' });
    expect(metrics.get('G1/weld-current')!.properties).toMatchObject({ engUnit: { value: 'kA' }, protocol: { value: 'opcua' } });
    expect(metrics.get('G1/sheet-thickness')!.properties).toMatchObject({ engUnit: { value: 'mm' } });
  });

  it('reports weld-gun values changed in the server, the cap id as text, none of them unfit', async () => {
    const dbirth = await recorder.waitFor((m) => m.type === 'DBIRTH');
    const aliasOf = new Map(dbirth.payload.metrics.map((m) => [m.name!, m.alias!]));
    const seen = (tag: string, test: (metric: SparkplugMetric) => boolean) => recorder.waitFor((m) => m.type === 'DDATA' &&
      m.payload.metrics.some((x) => x.alias === aliasOf.get(tag) && test(x)));
    simulator.setWeldCount('G1', 4_000_000_000); // beyond Int32: the reason a UInt32 is an Int64 metric
    simulator.setSheetThickness('G1', 2.5);
    await seen('G1/weld-count', (x) => x.value === 4_000_000_000);
    await seen('G1/sheet-thickness', (x) => x.value === 2.5);
    const capId = await seen('G1/cap-id', (x) => typeof x.value === 'string');
    const capMetric = capId.payload.metrics.find((x) => x.alias === aliasOf.get('G1/cap-id'))!;
    expect(capMetric.value).toBe(simulator.snapshot().guns[0]!.electrodeCapId);
    expect(capMetric.properties).toBeUndefined(); // good quality carries no Quality property
    await seen('G1/cap-life', (x) => x.value === 250);
    await seen('G1/enabled', (x) => x.value === true);
    const stats = gateway.stats();
    expect(stats.links['weld-cell']).toBe('up');
    expect(stats.north.unfitPoints).toBe(0);
  });

  it('keeps the client certificate store under <dataDir>/pki', () => {
    expect(existsSync(join(pkiDirOf(join(dir, 'data')), 'own'))).toBe(true);
  });
});
