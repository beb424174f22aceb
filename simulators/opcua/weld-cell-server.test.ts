/** The simulator seen through node-opcua's own client (simulators import no project code). */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttributeIds, DataType, OPCUACertificateManager, OPCUAClient, UserTokenType, type ClientSession } from 'node-opcua';
import { startOpcuaSimulator, weldNodeId, type OpcuaSimulator } from './weld-cell-server.ts';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('weld-cell OPC UA simulator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-opcua-sim-'));
  let simulator: OpcuaSimulator;
  let client: OPCUAClient;
  let manager: OPCUACertificateManager;
  let session: ClientSession;
  const read = async (nodeId: string, attributeId = AttributeIds.Value) => (await session.read({ nodeId, attributeId })).value.value;

  beforeAll(async () => {
    simulator = await startOpcuaSimulator({ port: await freePort(), pkiDir: join(dir, 'server'), stepMs: 0, capLifeWelds: 2 });
    manager = new OPCUACertificateManager({ rootFolder: join(dir, 'client'), automaticallyAcceptUnknownCertificate: true, disableFileWatchers: true });
    await manager.initialize();
    client = OPCUAClient.create({ endpointMustExist: false, clientCertificateManager: manager, connectionStrategy: { maxRetry: 0 } });
    await client.connect(simulator.endpoint);
    session = await client.createSession({ type: UserTokenType.UserName, userName: 'engineer', password: 'engineer-demo' });
  });

  afterAll(async () => {
    await session?.close();
    await client?.disconnect();
    await simulator?.close();
    await manager?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 at the given port', () => {
    expect(simulator.endpoint).toBe(`opc.tcp://127.0.0.1:${simulator.port}/edgestock/weld-cell`);
  });

  it('serves the guns\' values and moves them per step', async () => {
    expect(await read(weldNodeId('G1', 'WeldCount'))).toBe(1200);
    expect(await read(weldNodeId('G3', 'SheetThicknessMm'))).toBe(2);
    simulator.step();
    simulator.step();
    expect(await read(weldNodeId('G1', 'WeldCount'))).toBe(1202);
    expect(await read(weldNodeId('G1', 'ElectrodeCapId'))).toBe('CAP-G1-0002');
    expect(simulator.snapshot().guns[0]).toMatchObject({ name: 'G1', weldCount: 1202, electrodeCapId: 'CAP-G1-0002' });
  });

  it('sets weld counts and sheet thickness from the test API', async () => {
    simulator.setWeldCount('G2', 1247);
    simulator.setSheetThickness('G2', 1.8);
    expect(await read(weldNodeId('G2', 'WeldCount'))).toBe(1247);
    expect(await read(weldNodeId('G2', 'SheetThicknessMm'))).toBe(1.8);
  });

  it('gives analog items EngineeringUnits and every variable MinimumSamplingInterval 0', async () => {
    const units = await session.translateBrowsePath({
      startingNode: weldNodeId('G1', 'WeldCurrentKa'),
      relativePath: { elements: [{ targetName: { name: 'EngineeringUnits' }, isInverse: false, includeSubtypes: true }] },
    });
    const eu = await read(units.targets![0]!.targetId.toString()) as { displayName: { text: string }; unitId: number };
    expect(eu.displayName.text).toBe('kA');
    expect(await read(weldNodeId('G1', 'WeldCount'), AttributeIds.MinimumSamplingInterval)).toBe(0);
  });

  it('takes writes to CapLifeWelds into the scenario', async () => {
    const status = await session.write({ nodeId: weldNodeId('G3', 'CapLifeWelds'), attributeId: AttributeIds.Value, value: { value: { dataType: DataType.UInt32, value: 99 } } });
    expect(status.name).toBe('Good');
    expect(simulator.snapshot().guns[2]!.capLifeWelds).toBe(99);
  });
});
