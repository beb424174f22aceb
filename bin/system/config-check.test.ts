import { mkdtempSync, writeFileSync } from 'node:fs';
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
    expect(JSON.parse(output.replace(/^cli\s+/gm, '')).properties.connectors.type).toBe('array');
  });
});
