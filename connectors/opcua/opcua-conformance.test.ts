/** The OPC UA connector against the weld-cell simulator, through the shared connector suite. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../bin/support/free-port.ts';
import { opcuaConnectorSchema } from '../../config/opcua-schema.ts';
import { startOpcuaSimulator, type OpcuaSimulator } from '../../simulators/opcua/index.ts';
import { describeConnectorConformance } from '../connector-conformance.ts';
import { OpcuaConnector } from './index.ts';

describeConnectorConformance('opcua', async () => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-opcua-conformance-'));
  let simulator: OpcuaSimulator | undefined;
  const connector = (tags: Array<{ name: string; nodeId: string; mode?: 'subscribe' | 'poll' }>) => new OpcuaConnector(opcuaConnectorSchema.parse({
    name: 'weld-cell', protocol: 'opcua', endpoint: `opc.tcp://127.0.0.1:${port}/edgestock/weld-cell`,
    samplingIntervalMs: 0, publishingIntervalMs: 50, timeoutMs: 2000, reconnect: { initialDelayMs: 100, maxDelayMs: 500 }, tags,
  }), { pkiDir: join(dir, 'pki') });
  return {
    async startDevice() { simulator = await startOpcuaSimulator({ port, pkiDir: join(dir, 'server-pki'), stepMs: 0 }); },
    async stopDevice() { await simulator?.close(); simulator = undefined; },
    createConnector: () => connector([
      { name: 'G1/weld-count', nodeId: 'ns=1;s=WeldCell.G1.WeldCount' },
      { name: 'G1/cap-id', nodeId: 'ns=1;s=WeldCell.G1.ElectrodeCapId' },
      { name: 'G1/sheet-thickness', nodeId: 'ns=1;s=WeldCell.G1.SheetThicknessMm', mode: 'poll' },
      { name: 'G1/current', nodeId: 'ns=1;s=WeldCell.G1.WeldCurrentKa' },
      { name: 'G1/cap-life', nodeId: 'ns=1;s=WeldCell.G1.CapLifeWelds', mode: 'poll' },
      { name: 'G1/enabled', nodeId: 'ns=1;s=WeldCell.G1.Enabled', mode: 'poll' },
    ]),
    expectedValues() {
      const [g1] = simulator!.snapshot().guns;
      return {
        'G1/weld-count': g1!.weldCount,
        'G1/cap-id': g1!.electrodeCapId,
        'G1/sheet-thickness': g1!.sheetThicknessMm,
        'G1/current': g1!.weldCurrentKa,
        'G1/cap-life': g1!.capLifeWelds,
        'G1/enabled': g1!.enabled,
      };
    },
    writes: [{ tag: 'G1/cap-life', value: 300 }, { tag: 'G1/enabled', value: false }],
    badAddresses: {
      connector: connector([
        { name: 'a', nodeId: 'WeldGun1' },
        { name: 'b', nodeId: 'ns=1;x=foo' },
        { name: 'c', nodeId: 'ns=1;i=-4' },
      ]),
      problemPaths: ['tags[0].nodeId', 'tags[1].nodeId', 'tags[2].nodeId'],
    },
    recoveryTimeoutMs: 10_000,
  };
});
