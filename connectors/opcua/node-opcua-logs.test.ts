import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { routeNodeOpcuaLogs } from './node-opcua-logs.ts';
import { NodeOpcuaPort } from './opcua-port.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgestock-opcua-logs-'));

afterAll(() => {
  routeNodeOpcuaLogs(); // back to stderr for the rest of the process
  rmSync(dir, { recursive: true, force: true });
});

describe('routeNodeOpcuaLogs', () => {
  it("hands node-opcua's own messages to the given logger, a first certificate as info", async () => {
    const entries: Array<{ level: string; fields: object; message: string | undefined }> = [];
    const collect = (level: string) => (fields: object, message?: string) => { entries.push({ level, fields, message }); };
    routeNodeOpcuaLogs({ debug: collect('debug'), info: collect('info'), warn: collect('warn'), error: collect('error') });
    // A real client with an empty PKI store creates its certificate before it finds nobody listening.
    const port = new NodeOpcuaPort({
      endpoint: `opc.tcp://127.0.0.1:${await freePort()}/nobody`, securityMode: 'None', securityPolicy: 'None',
      auth: { type: 'anonymous' }, timeoutMs: 2000, pkiDir: join(dir, 'pki'),
    });
    await expect(port.connect()).rejects.toMatchObject({ code: 'LINK_DOWN' });
    await port.dispose();
    expect(entries).toContainEqual({
      level: 'info', fields: { source: 'node-opcua', at: expect.stringMatching(/^client_base_impl:\d+$/) }, message: 'Creating default certificate ... please wait',
    });
  }, 30_000);
});
