/**
 * `edgestock simulate opcua` as a user runs it: a separate process serving the weld cell on a
 * free port, read by the real OPC UA connector, stopped cleanly by SIGTERM.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { opcuaConnectorSchema } from '../../config/site-schema.ts';
import { OpcuaConnector } from '../../connectors/opcua/index.ts';
import { startChildPart, type ChildPart } from '../support/child-part.ts';
import { freePort } from '../support/free-port.ts';
import { waitFor } from '../support/wait-for.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgestock-simulate-opcua-'));
const output: string[] = [];
let simulator: ChildPart | undefined;
let connector: OpcuaConnector | undefined;

afterAll(async () => {
  await connector?.close();
  await simulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('edgestock simulate opcua', () => {
  it('serves weld counts that climb every step, and stops on SIGTERM', async () => {
    const port = await freePort();
    simulator = startChildPart('opcua-sim', [
      'simulate', 'opcua', '--port', String(port), '--step-ms', '100', '--pki-dir', join(dir, 'server-pki'),
    ], process.env, (line) => output.push(line));
    const endpoint = `opc.tcp://127.0.0.1:${port}/edgestock/weld-cell`;
    await waitFor('the simulator to listen', () => output.some((l) => l.includes('OPC UA weld-cell simulator listening') && l.includes(endpoint)), { timeoutMs: 30_000 })
      .catch((err: Error) => { throw new Error(`${err.message}\n${output.join('\n')}`); });
    expect(existsSync(join(dir, 'server-pki', 'own'))).toBe(true);

    connector = new OpcuaConnector(opcuaConnectorSchema.parse({
      name: 'weld-cell', protocol: 'opcua', endpoint, timeoutMs: 2000,
      tags: [
        { name: 'G2/weld-count', nodeId: 'ns=1;s=WeldCell.G2.WeldCount', dataType: 'UInt32', mode: 'poll' },
        { name: 'G2/cap-id', nodeId: 'ns=1;s=WeldCell.G2.ElectrodeCapId', dataType: 'String', mode: 'poll' },
      ],
    }), { pkiDir: join(dir, 'client-pki') });
    await connector.connect();
    const read = () => connector!.read({ name: 'test', intervalMs: 100, tags: ['G2/weld-count', 'G2/cap-id'] });
    const [count, capId] = await read();
    expect(count).toMatchObject({ quality: 'good', value: expect.any(Number) });
    expect(capId).toMatchObject({ quality: 'good', value: expect.stringMatching(/^CAP-G2-\d{4}$/) });
    await waitFor('the weld count to climb', async () => ((await read())[0]!.value as number) > (count!.value as number));

    simulator.process.kill('SIGTERM');
    expect(await simulator.exited).toBe(0);
    expect(output.join('\n')).toContain('stopped');
  }, 60_000);
});
