import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { readInventorySeedFile } from './inventory-seed-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgestock-inventory-seed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('the inventory seed file', () => {
  it('reads the demo plant\'s seed', () => {
    const seed = readInventorySeedFile(resolve(import.meta.dirname, 'examples/demo-plant.inventory.yaml'));
    expect(seed.tooling.assets.find((a) => a.id === 'INS-0042')).toMatchObject({ lifeShots: 9000, warnAtShots: 8500 });
    expect(seed.fusion.reports.map((r) => r.value)).toEqual([152, 168, 12, 8]);
    expect(Object.isFrozen(seed.tooling)).toBe(true);
  });

  it('names every problem at its path at once: a child before its parent, an unknown machine, a report without its source, a bad kind', () => {
    const file = write('bad.inventory.yaml', `
tooling:
  assets:
    - { id: INS-1, kind: insert, serial: S1, name: insert, parent: M-1 }
    - { id: M-1, kind: mold, serial: S2, name: mold }
    - { id: X-1, kind: gadget, serial: S3, name: what }
  machines: []
  productionOrders:
    - { id: PO-1, machine: IMM-9, sku: P, qty: 1, startsInHours: 1, durationHours: 2 }
fusion:
  sources: []
  reports:
    - { source: douyin, messageId: m1, sku: P, figure: sellable, value: 1 }
`);
    let error: unknown;
    try {
      readInventorySeedFile(file);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const paths = (error as ConfigError).problems.map((p) => p.path);
    expect(paths).toContain('tooling.assets[2].kind');
    // Cross-references are checked once the shapes are right.
    const fixed = write('bad2.inventory.yaml', readFileText(file).replace('kind: gadget', 'kind: mold'));
    try {
      readInventorySeedFile(fixed);
      expect.unreachable('the references are wrong');
    } catch (caught) {
      const problems = (caught as ConfigError).problems;
      expect(problems.map((p) => p.path)).toEqual(['tooling.assets[0].parent', 'tooling.productionOrders[0].machine', 'fusion.reports[0].source', 'fusion.dictionary']);
      expect(problems[0]!.message).toMatch(/list parents before their children/);
    }
  });
});

function readFileText(file: string): string {
  return readFileSync(file, 'utf8');
}
