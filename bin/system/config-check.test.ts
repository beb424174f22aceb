import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startChildPart } from '../support/child-part.ts';

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  const lines: string[] = [];
  const part = startChildPart('cli', args, process.env, (line) => lines.push(line));
  return part.exited.then((code) => ({ code, output: lines.join('\n') }));
}

describe('edgestock config check', () => {
  it('accepts the demo plant', async () => {
    const { code, output } = await run(['config', 'check', 'config/examples/demo-plant.yaml']);
    expect(output).toContain('demo-plant.yaml: ok');
    expect(code).toBe(0);
  });

  it('exits 2 listing every schema and address problem with its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgestock-cli-'));
    const file = join(dir, 'site.yaml');
    writeFileSync(file, `
site: { id: s }
gateway: { group: g, edge: e }
north: { url: "http://broker" }
connectors:
  - name: plc
    protocol: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: null }
    tags:
      - { name: a, address: "hr:0" }
      - { name: b, address: "ir:1:float32" }
      - { name: c, address: "hr:2" }
      - { name: d, address: "4x0001" }
      - { name: e, address: "co:1:float32" }
`);
    const { code, output } = await run(['config', 'check', file]);
    expect(code).toBe(2);
    expect(output).toMatch(/4 configuration problems/);
    expect(output).toMatch(/north\.url: found "http:\/\/broker"; expected mqtt:\/\/host:port/);
    expect(output).toMatch(/connectors\[0\]\.tags\[3\]\.address: "4x0001" is not a Modbus address; expected/);
    expect(output).toMatch(/connectors\[0\]\.tags\[4\]\.address: .*bool/);
    expect(output).toMatch(/connectors\[0\]\.connection\.port: expected number, found null/);
  });

  it('prints the JSON Schema of the site config', async () => {
    const { code, output } = await run(['config', 'schema', 'site']);
    expect(code).toBe(0);
    const schema = JSON.parse(output.replace(/^cli\s+/gm, ''));
    expect(schema.properties.connectors.type).toBe('array');
    const kinds = schema.properties.connectors.items.oneOf as Array<{ properties: { protocol: { const: string }; tags: { items: { properties: Record<string, unknown> } } } }>;
    expect(kinds.map((k) => k.properties.protocol.const)).toEqual(['modbus', 's7', 'opcua']);
    const opcuaTag = kinds.find((k) => k.properties.protocol.const === 'opcua')!.properties.tags.items.properties;
    expect(opcuaTag.dataType).toMatchObject({ default: 'Double', enum: expect.arrayContaining(['UInt32', 'String', 'Double']) });
  });

  it('names every OPC UA connector problem with its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgestock-cli-'));
    const file = join(dir, 'site.yaml');
    writeFileSync(file, `
site: { id: s }
gateway: { group: g, edge: e }
north: { url: "mqtt://127.0.0.1:1883" }
connectors:
  - name: weld-cell
    protocol: opcua
    endpoint: "http://127.0.0.1:4840"
    securityMode: None
    securityPolicy: Basic256Sha256
    tags:
      - { name: G1/weld-count, nodeId: "ns=1;s=WeldCell.G1.WeldCount", dataType: Uint32 }
      - { name: G1/cap-id, nodeId: "WeldCell.G1.ElectrodeCapId", dataType: String }
`);
    const { code, output } = await run(['config', 'check', file]);
    rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(2);
    expect(output).toMatch(/4 configuration problems/);
    expect(output).toMatch(/connectors\[0\]\.endpoint: found "http:\/\/127\.0\.0\.1:4840"; expected opc\.tcp:\/\/host:port\/path/);
    expect(output).toMatch(/connectors\[0\]\.securityPolicy: .*needs securityMode Sign or SignAndEncrypt/);
    expect(output).toMatch(/connectors\[0\]\.tags\[0\]\.dataType: found "Uint32"; expected one of .*"UInt32"/);
    expect(output).toMatch(/connectors\[0\]\.tags\[1\]\.nodeId: "WeldCell\.G1\.ElectrodeCapId" is not an OPC UA NodeId/);
  });
});
