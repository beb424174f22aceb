/**
 * The planner's labels against the gateway's own GS1 parser (connectors/scanner): two
 * independent readings of the spec must agree on every code the fleet prints, in both forms.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseGs1 } from '../../connectors/scanner/index.ts';
import { loadCatalog } from './catalog.ts';
import { codeOf, ScanPlanner } from './scan-planner.ts';
import { seededRandom } from './seeded-random.ts';
import { WarehouseStock } from './warehouse-stock.ts';

const demo = fileURLToPath(new URL('../../config/examples/demo-plant.master-data.yaml', import.meta.url));

describe('scan planner', () => {
  it("prints labels the gateway's GS1 parser reads back as they were meant, in both forms", () => {
    const catalog = loadCatalog(demo);
    const planner = new ScanPlanner(catalog, new WarehouseStock(catalog.stock, catalog.lots), seededRandom(11));
    const forms = new Set<string>();
    const ais = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const task = planner.next(undefined);
      const code = codeOf(task);
      const parsed = parseGs1(code);
      if (!parsed.ok) throw new Error(`${JSON.stringify(code)} did not parse: ${parsed.message}`);
      expect({ gtin: parsed.gtin, batch: parsed.batch, expiry: parsed.expiry, serial: parsed.serial, qty: parsed.qty })
        .toEqual({ gtin: task.label.gtin, batch: task.label.batch, expiry: task.label.expiry, serial: task.label.serial, qty: task.label.qty });
      forms.add(task.form);
      for (const e of parsed.elements) ais.add(e.ai);
    }
    expect([...forms].sort()).toEqual(['bracketed', 'raw']);
    expect([...ais].sort()).toEqual(['01', '10', '17', '21', '30']);
  });

  it('picks the earliest-expiring lot most of the time, and a later one now and then', () => {
    const catalog = loadCatalog(demo);
    const stock = new WarehouseStock(catalog.stock, catalog.lots);
    const planner = new ScanPlanner(catalog, stock, seededRandom(5));
    let fefo = 0;
    let later = 0;
    for (let i = 0; i < 2000; i++) {
      const task = planner.pick();
      const earliest = stock.rowsOf(task.label.gtin)[0]!;
      if (task.label.batch === earliest.batch) fefo++;
      else later++;
    }
    expect(fefo / 2000).toBeGreaterThan(0.6);
    expect(later).toBeGreaterThan(100);
  });
});
