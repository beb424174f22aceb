/**
 * The OPC UA connector against the weld-cell simulator: a real node-opcua server on a free
 * port, PKI stores in temp dirs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { opcuaConnectorSchema, type OpcuaConnectorConfig } from '../../config/opcua-schema.ts';
import { startOpcuaSimulator, type OpcuaSimulator } from '../../simulators/opcua/index.ts';
import { ConnectorError } from '../errors.ts';
import { listCertificates, trustCertificate } from './certificate-store.ts';
import { OpcuaConnector, type OpcuaTagValue } from './opcua-connector.ts';

const root = mkdtempSync(join(tmpdir(), 'edgestock-opcua-'));
let dirCount = 0;
const tempDir = (name: string) => join(root, `${name}-${++dirCount}`);

const weldTags = [
  { name: 'G1.WeldCount', nodeId: 'ns=1;s=WeldCell.G1.WeldCount' },
  { name: 'G1.SheetThicknessMm', nodeId: 'ns=1;s=WeldCell.G1.SheetThicknessMm' },
  { name: 'G1.WeldCurrentKa', nodeId: 'ns=1;s=WeldCell.G1.WeldCurrentKa', unit: 'kiloampere' },
  { name: 'G1.ElectrodeCapId', nodeId: 'ns=1;s=WeldCell.G1.ElectrodeCapId' },
  { name: 'G2.WeldCount', nodeId: 'ns=1;s=WeldCell.G2.WeldCount', mode: 'poll' },
  { name: 'G2.SheetThicknessMm', nodeId: 'ns=1;s=WeldCell.G2.SheetThicknessMm', mode: 'poll', intervalMs: 200 },
  { name: 'G1.CapLifeWelds', nodeId: 'ns=1;s=WeldCell.G1.CapLifeWelds', mode: 'poll' },
  { name: 'G1.Enabled', nodeId: 'ns=1;s=WeldCell.G1.Enabled', mode: 'poll' },
  { name: 'G3.SheetThicknessMm', nodeId: 'ns=1;s=WeldCell.G3.SheetThicknessMm', deadband: 0.5 },
  { name: 'Missing', nodeId: 'ns=1;s=WeldCell.G9.WeldCount' },
];

function configFor(endpoint: string, overrides: Partial<Record<string, unknown>> = {}): OpcuaConnectorConfig {
  return opcuaConnectorSchema.parse({
    name: 'weld-cell',
    protocol: 'opcua',
    endpoint,
    // 0: exception-based monitoring, the simulator reports every change.
    samplingIntervalMs: 0,
    publishingIntervalMs: 100,
    timeoutMs: 2000,
    reconnect: { initialDelayMs: 100, maxDelayMs: 400, jitter: 0 },
    tags: weldTags,
    ...overrides,
  });
}

const groupOf = (...tags: string[]) => ({ name: 'test', intervalMs: 100, tags });
/** The tag's current value: a read answers every change since the last read, the newest last. */
const valueOf = async (c: OpcuaConnector, tag: string) => (await c.read(groupOf(tag))).at(-1)!;

async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function rejectionOf(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    return err as ConnectorError;
  }
  throw new Error('expected a rejection');
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('OpcuaConnector against the weld-cell simulator', () => {
  let simulator: OpcuaSimulator;
  let connector: OpcuaConnector;

  beforeAll(async () => {
    simulator = await startOpcuaSimulator({ port: await freePort(), pkiDir: tempDir('server-pki'), stepMs: 0 });
    connector = new OpcuaConnector(configFor(simulator.endpoint), { pkiDir: tempDir('client-pki') });
    await connector.connect();
  });

  afterAll(async () => {
    await connector?.close();
    await simulator?.close();
  });

  it('validates every NodeId at once', () => {
    expect(connector.validate()).toEqual([]);
    const bad = new OpcuaConnector(configFor(simulator.endpoint, {
      tags: [
        { name: 'a', nodeId: 'WeldGun1' },
        { name: 'b', nodeId: 'ns=1;i=x' },
        { name: 'a', nodeId: 'ns=1;i=1' },
        { name: 'c', nodeId: 'ns=1;i=2', mode: 'poll', deadband: 1 },
      ],
    }), { pkiDir: tempDir('unused') });
    expect(bad.validate()).toEqual([
      { path: 'tags[0].nodeId', message: expect.stringContaining('"WeldGun1" is not an OPC UA NodeId; expected "ns=<index>;s=<name>" or "ns=<index>;i=<number>"') },
      { path: 'tags[1].nodeId', message: expect.stringContaining('numeric identifier "x"') },
      { path: 'tags[2].name', message: expect.stringContaining('already used by tags[0]') },
      { path: 'tags[3].deadband', message: expect.stringContaining('use mode "subscribe"') },
    ]);
  });

  it('groups subscribe tags by publishing interval and poll tags by poll interval', () => {
    expect(connector.linkState()).toBe('up');
    expect(connector.groups().map((g) => [g.intervalMs, g.tags.length])).toEqual([[100, 6], [200, 1], [1000, 3]]);
  });

  it('sees every weld count change of a subscription, in order', async () => {
    const seen: number[] = [];
    const stop = connector.onChange((v) => { if (v.tag === 'G1.WeldCount') seen.push(v.value as number); });
    for (let i = 1; i <= 5; i++) simulator.setWeldCount('G1', 5000 + i);
    await waitFor('five weld counts', () => seen.length >= 5);
    stop();
    // The subscription's first notification (the value at creation, 1200) may come first.
    expect(seen.filter((v) => v !== 1200)).toEqual([5001, 5002, 5003, 5004, 5005]);
    // One read after five changes answers all five, in order, so the gateway reports every step.
    const read = await connector.read(groupOf('G1.WeldCount'));
    expect(read.map((v) => v.value).filter((v) => v !== 1200)).toEqual([5001, 5002, 5003, 5004, 5005]);
    expect(read.every((v) => v.device === 'weld-cell' && v.quality === 'good')).toBe(true);
    // Nothing changed since: the next read answers the current value once.
    expect((await connector.read(groupOf('G1.WeldCount'))).map((v) => v.value)).toEqual([5005]);
  });

  it('lets the server drop changes inside the absolute deadband', async () => {
    const seen: number[] = [];
    const stop = connector.onChange((v) => { if (v.tag === 'G3.SheetThicknessMm') seen.push(v.value as number); });
    simulator.setSheetThickness('G3', 2.2);
    simulator.setSheetThickness('G3', 2.8);
    simulator.setSheetThickness('G3', 3.0);
    await waitFor('the change beyond the deadband', () => seen.includes(2.8));
    simulator.setSheetThickness('G3', 3.6);
    await waitFor('the next change beyond the deadband', () => seen.includes(3.6));
    stop();
    expect(seen).toEqual([2.8, 3.6]);
  });

  it('answers subscribe tags from the buffer and reads poll tags from the server', async () => {
    simulator.setWeldCount('G2', 777);
    simulator.setSheetThickness('G2', 1.9);
    const values = await connector.read(groupOf('G2.WeldCount', 'G2.SheetThicknessMm', 'G1.ElectrodeCapId', 'G1.SheetThicknessMm'));
    expect(values.map((v) => [v.tag, v.value, v.quality])).toEqual([
      ['G2.WeldCount', 777, 'good'],
      ['G2.SheetThicknessMm', 1.9, 'good'],
      ['G1.ElectrodeCapId', 'CAP-G1-0001', 'good'],
      ['G1.SheetThicknessMm', 1.8, 'good'],
    ]);
  });

  it('reports an unknown node as a bad value with the status name, without throwing', async () => {
    const [missing, unknown] = await connector.read(groupOf('Missing', 'NotConfigured')) as OpcuaTagValue[];
    expect(missing).toMatchObject({ value: null, quality: 'bad', error: 'BAD_NODE_ID', errorDetail: 'BadNodeIdUnknown' });
    expect(unknown).toMatchObject({ quality: 'bad', error: 'UNKNOWN_TAG' });
  });

  it('takes units from EngineeringUnits unless configured', () => {
    expect(connector.unitOf('G1.SheetThicknessMm')).toBe('mm');
    expect(connector.unitOf('G2.SheetThicknessMm')).toBe('mm');
    expect(connector.unitOf('G1.WeldCurrentKa')).toBe('kiloampere');
    expect(connector.unitOf('G1.WeldCount')).toBeUndefined();
  });

  it('writes with the node DataType and reads the value back', async () => {
    await connector.write('G1.CapLifeWelds', 300);
    await connector.write('G1.Enabled', false);
    expect((await connector.read(groupOf('G1.CapLifeWelds', 'G1.Enabled'))).map((v) => v.value)).toEqual([300, false]);
    expect(simulator.snapshot().guns[0]).toMatchObject({ capLifeWelds: 300, enabled: false });
    await connector.write('G1.Enabled', true);
  });

  it('rejects a write to a read-only node, and a value that does not fit the DataType', async () => {
    const readOnly = await rejectionOf(connector.write('G1.WeldCount', 1));
    expect(readOnly).toBeInstanceOf(ConnectorError);
    expect(readOnly.code).toBe('NOT_WRITABLE');
    expect(readOnly.message).toContain('tag "G1.WeldCount" (ns=1;s=WeldCell.G1.WeldCount) is read-only');
    expect((await rejectionOf(connector.write('G1.CapLifeWelds', -5))).code).toBe('OUT_OF_RANGE');
    expect((await rejectionOf(connector.write('G1.CapLifeWelds', 2.5))).code).toBe('TYPE_MISMATCH');
  });

  it('browses the weld guns and their variables', async () => {
    const objects = await connector.browse();
    expect(objects).toContainEqual({ nodeId: 'ns=1;s=WeldCell', browseName: '1:WeldCell', displayName: 'WeldCell', nodeClass: 'Object', hasChildren: true });
    const guns = await connector.browse('ns=1;s=WeldCell');
    expect(guns.map((g) => g.displayName)).toEqual(['G1', 'G2', 'G3']);
    const members = await connector.browse('ns=1;s=WeldCell.G1');
    expect(members).toContainEqual({
      nodeId: 'ns=1;s=WeldCell.G1.WeldCount', browseName: '1:WeldCount', displayName: 'WeldCount', nodeClass: 'Variable', dataType: 'UInt32', hasChildren: false,
    });
    expect(members.find((m) => m.displayName === 'SheetThicknessMm')).toMatchObject({ dataType: 'Double', hasChildren: true });
    expect((await rejectionOf(connector.browse('WeldGun1'))).code).toBe('BAD_NODE_ID');
  });

  it('logs in with a username, and a wrong password fails connect() with a clear error', async () => {
    const user = new OpcuaConnector(configFor(simulator.endpoint, { auth: { type: 'username', username: 'engineer', password: 'engineer-demo' } }), { pkiDir: tempDir('client-pki') });
    const wrong = new OpcuaConnector(configFor(simulator.endpoint, { auth: { type: 'username', username: 'engineer', password: 'guess' } }), { pkiDir: tempDir('client-pki') });
    try {
      await user.connect();
      expect((await valueOf(user, 'G2.WeldCount')).quality).toBe('good');
      const err = await rejectionOf(wrong.connect());
      expect(err.code).toBe('AUTH_FAILED');
      expect(err.message).toMatch(/Bad(UserAccessDenied|IdentityTokenRejected|IdentityTokenInvalid)/);
      expect(err.message).toContain('check auth.username and auth.password');
      expect(wrong.linkState()).toBe('down');
    } finally {
      await user.close();
      await wrong.close();
    }
  });
});

describe('OpcuaConnector across a server restart', () => {
  it('reports bad values while the server is away, then recreates session and subscription', async () => {
    const port = await freePort();
    const serverPki = tempDir('server-pki');
    let simulator = await startOpcuaSimulator({ port, pkiDir: serverPki, stepMs: 0 });
    const connector = new OpcuaConnector(configFor(simulator.endpoint), { pkiDir: tempDir('client-pki') });
    try {
      await connector.connect();
      const seen: number[] = [];
      connector.onChange((v) => { if (v.tag === 'G1.WeldCount') seen.push(v.value as number); });
      simulator.setWeldCount('G1', 10);
      await waitFor('the first change', () => seen.includes(10));

      await simulator.close();
      await waitFor('the link to drop', () => connector.linkState() === 'down');
      // Changes that arrived before the loss come first, then each tag's LINK_DOWN.
      const down = await connector.read(groupOf('G1.WeldCount', 'G2.WeldCount'));
      expect(down.filter((v) => v.quality === 'bad').map((v) => [v.tag, v.error])).toEqual([['G1.WeldCount', 'LINK_DOWN'], ['G2.WeldCount', 'LINK_DOWN']]);
      expect(down.at(-1)).toMatchObject({ tag: 'G2.WeldCount', quality: 'bad' });

      simulator = await startOpcuaSimulator({ port, pkiDir: serverPki, stepMs: 0 });
      await waitFor('the link to come back', () => connector.linkState() === 'up', 15_000);
      expect(connector.stats().reconnects).toBe(1);
      for (let i = 1; i <= 3; i++) simulator.setWeldCount('G1', 20 + i);
      await waitFor('changes after the restart', () => seen.includes(23));
      expect(seen.slice(seen.indexOf(21))).toEqual([21, 22, 23]);
      expect(await valueOf(connector, 'G1.WeldCount')).toMatchObject({ value: 23, quality: 'good' });
      expect(await valueOf(connector, 'G2.WeldCount')).toMatchObject({ value: 1210, quality: 'good' });
    } finally {
      await connector.close();
      await simulator.close();
    }
  });
});

describe('OpcuaConnector with SignAndEncrypt', () => {
  it('rejects an unknown server certificate until it is trusted, then connects by itself', async () => {
    const simulator = await startOpcuaSimulator({ port: await freePort(), pkiDir: tempDir('server-pki'), stepMs: 0, securityModes: ['SignAndEncrypt'] });
    const pkiDir = tempDir('client-pki');
    const connector = new OpcuaConnector(configFor(simulator.endpoint, { securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256' }), { pkiDir });
    try {
      const connecting = connector.connect();
      const { rejected } = await waitFor('the server certificate in rejected/', async () => {
        const listing = await listCertificates(pkiDir);
        return listing.rejected.length > 0 ? listing : undefined;
      });
      expect(connector.linkState()).toBe('connecting');
      expect(connector.stats().lastConnectError?.code).toBe('CERTIFICATE_UNTRUSTED');
      expect(rejected[0]).toMatchObject({ thumbprint: expect.stringMatching(/^[0-9a-f]{40}$/), subject: expect.stringContaining('CN=') });
      expect(Date.parse(rejected[0]!.validTo)).toBeGreaterThan(Date.now());

      await trustCertificate(pkiDir, rejected[0]!.thumbprint);
      await connecting;
      expect(connector.linkState()).toBe('up');
      expect(await listCertificates(pkiDir)).toMatchObject({ rejected: [], trusted: [{ thumbprint: rejected[0]!.thumbprint }] });
      expect((await valueOf(connector, 'G1.WeldCount')).quality).toBe('good');
      await expect(trustCertificate(pkiDir, 'ffff')).rejects.toThrow(/no rejected certificate has thumbprint ffff/);
    } finally {
      await connector.close();
      await simulator.close();
    }
  });
});
