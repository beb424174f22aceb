/**
 * `edgestock certs list|trust` against a real store: a gateway connects with SignAndEncrypt to
 * the weld-cell simulator, finds its certificate unknown and puts it in `<dataDir>/pki/rejected`;
 * the CLI, reading the same site config, lists it and trusts it, and the gateway connects by itself.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSiteConfig } from '../../config/load-config.ts';
import { listCertificates, pkiDirOf } from '../../connectors/opcua/index.ts';
import { startGateway, type RunningGateway } from '../../gateway/gateway-daemon.ts';
import { startTestBroker, type TestBroker } from '../../gateway/testing/test-broker.ts';
import { startOpcuaSimulator, type OpcuaSimulator } from '../../simulators/opcua/index.ts';
import { startChildPart } from '../support/child-part.ts';
import { freePort } from '../support/free-port.ts';
import { waitFor } from '../support/wait-for.ts';

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  const lines: string[] = [];
  const part = startChildPart('cli', args, process.env, (line) => lines.push(line));
  return part.exited.then((code) => ({ code, output: lines.join('\n') }));
}

describe('edgestock certs', { timeout: 90_000 }, () => {
  let dir: string;
  let file: string;
  let simulator: OpcuaSimulator;
  let broker: TestBroker;
  let gateway: RunningGateway;
  let thumbprint: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-certs-'));
    const ports = { mqtt: await freePort(), opcua: await freePort() };
    simulator = await startOpcuaSimulator({ port: ports.opcua, pkiDir: join(dir, 'server-pki'), stepMs: 0, securityModes: ['SignAndEncrypt'] });
    broker = await startTestBroker(ports.mqtt);
    file = join(dir, 'site.yaml');
    writeFileSync(file, `
site: { id: body-shop }
gateway: { group: plant, edge: gw-body, dataDir: ${JSON.stringify(join(dir, 'gateway'))}, http: { port: 0 } }
north: { url: "mqtt://127.0.0.1:${ports.mqtt}" }
connectors:
  - name: weld-cell
    protocol: opcua
    endpoint: ${simulator.endpoint}
    securityMode: SignAndEncrypt
    securityPolicy: Basic256Sha256
    timeoutMs: 2000
    reconnect: { initialDelayMs: 100, maxDelayMs: 500 }
    tags:
      - { name: G1/weld-count, nodeId: "ns=1;s=WeldCell.G1.WeldCount", dataType: UInt32 }
`);
    gateway = await startGateway({ config: loadSiteConfig(file), logger: pino({ level: 'silent' }) });
    const { rejected } = await waitFor('the server certificate in <dataDir>/pki/rejected', async () => {
      const listing = await listCertificates(pkiDirOf(join(dir, 'gateway')));
      return listing.rejected.length > 0 ? listing : undefined;
    });
    thumbprint = rejected[0]!.thumbprint;
  });

  afterAll(async () => {
    await gateway?.close();
    await broker?.close();
    await simulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the rejected server certificate with thumbprint, validity and subject, and how to trust it', async () => {
    const { code, output } = await run(['certs', 'list', '--config', file]);
    expect(code).toBe(0);
    expect(output).toContain(`OPC UA certificates in ${join(dir, 'gateway', 'pki')}`);
    expect(output).toMatch(/STATE\s+THUMBPRINT\s+VALID FROM\s+VALID TO\s+SUBJECT/);
    expect(output).toMatch(new RegExp(`rejected\\s+${thumbprint}\\s+\\d{4}-\\d\\d-\\d\\d\\s+\\d{4}-\\d\\d-\\d\\d\\s+.*CN=`));
    expect(output).toContain(`edgestock certs trust <thumbprint> --config ${file}`);
    expect(gateway.stats().links['weld-cell']).toBe('connecting');
  });

  it('exits 2 naming the thumbprint when no rejected certificate has it, or when it is not one', async () => {
    const unknown = await run(['certs', 'trust', '0'.repeat(40), '--config', file]);
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain(`no rejected certificate has thumbprint ${'0'.repeat(40)}`);
    expect(unknown.output).toContain(thumbprint); // what is waiting instead
    const malformed = await run(['certs', 'trust', 'not-a-thumbprint', '--config', file]);
    expect(malformed.code).toBe(2);
    expect(malformed.output).toContain('"not-a-thumbprint" is not a certificate thumbprint; expected 40 hex digits');
    const noConfig = await run(['certs', 'list', '--config', join(dir, 'missing.yaml')]);
    expect(noConfig.code).toBe(2);
    expect(noConfig.output).toContain('cannot read the file');
  });

  it('trusts the certificate (colons and capitals accepted) and the running gateway connects by itself', async () => {
    const written = thumbprint.toUpperCase().match(/../g)!.join(':');
    const { code, output } = await run(['certs', 'trust', written, '--config', file]);
    expect(code).toBe(0);
    expect(output).toContain(`trusted ${thumbprint}`);
    await waitFor('the gateway link to the weld cell', () => gateway.stats().links['weld-cell'] === 'up', { timeoutMs: 30_000 });
    const listed = await run(['certs', 'list', '--config', file]);
    expect(listed.output).toMatch(new RegExp(`trusted\\s+${thumbprint}`));
    expect(listed.output).not.toMatch(/^\S*\s*rejected\s/m);
    const again = await run(['certs', 'trust', thumbprint, '--config', file]);
    expect(again).toMatchObject({ code: 0, output: expect.stringContaining('is already trusted') });
  });
});
