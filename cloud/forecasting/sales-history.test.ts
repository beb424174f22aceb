import { afterEach, describe, expect, it } from 'vitest';
import { openInventoryFixture, SKU, type InventoryFixture } from '../inventory/testing/inventory-fixture.ts';
import type { MoveInput } from '../inventory/inventory-types.ts';
import { generateDemoSalesHistory } from './demo-sales-history.ts';
import { ForecastingError } from './forecasting-errors.ts';
import { LedgerSalesHistory } from './sales-history.ts';

const at = (day: string, hour = 10) => Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00Z`);

let fixture: InventoryFixture | undefined;
afterEach(() => {
  fixture?.close();
  fixture = undefined;
});

function open(): InventoryFixture {
  fixture = openInventoryFixture();
  return fixture;
}

const post = (f: InventoryFixture, moves: MoveInput[]) => f.ledger.post(moves, { actor: 'test' });

describe('LedgerSalesHistory', () => {
  it('sums shipments and picks to customers less returns per UTC day; shelf moves, receipts and reversed shipments are not sales', () => {
    const f = open();
    const milk = { sku: SKU.milk, lot: 'M1' };
    f.receive({ ...milk, expiry: '2026-12-31', qty: 100, effectiveAt: at('2026-02-01', 7) });
    post(f, [
      { ...milk, qty: 100, from: 'RECV', to: 'B10', reason: 'putaway', effectiveAt: at('2026-02-01', 8) },
      { ...milk, qty: 10, from: 'B10', to: 'CUST-1', reason: 'shipment', effectiveAt: at('2026-02-02', 9) },
      { ...milk, qty: 5, from: 'B10', to: 'CUST-1', reason: 'shipment', effectiveAt: at('2026-02-02', 23) },
      { ...milk, qty: 7, from: 'B10', to: 'CUST-1', reason: 'pick', effectiveAt: at('2026-02-03', 0) },
      { ...milk, qty: 3, from: 'CUST-1', to: 'B10', reason: 'return', effectiveAt: at('2026-02-03', 15) },
      { ...milk, qty: 30, from: 'B10', to: 'B11', reason: 'transfer', effectiveAt: at('2026-02-03', 16) },
      { ...milk, qty: 20, from: 'B11', to: 'CUST-1', reason: 'shipment', effectiveAt: at('2026-02-05') },
      // Not a sale: stock leaving for scrap, and a shipment to the transit location.
      { ...milk, qty: 2, from: 'B10', to: 'SCRAP', reason: 'scrap', effectiveAt: at('2026-02-05') },
      { ...milk, qty: 4, from: 'B10', to: 'TRANSIT', reason: 'shipment', effectiveAt: at('2026-02-06') },
    ]);
    const [mistake] = post(f, [{ ...milk, qty: 6, from: 'B10', to: 'CUST-1', reason: 'shipment', effectiveAt: at('2026-02-04') }]);
    f.ledger.reverse(mistake!.id, { actor: 'test' }); // booked today, undoes the 4th's sale

    const history = new LedgerSalesHistory(f.db, f.clock);
    expect(history.keys()).toEqual([{ sku: SKU.milk, location: 'WH1' }]);
    const [series] = history.series({ to: '2026-02-07' });
    expect(series!.sku).toBe(SKU.milk);
    expect(series!.location).toBe('WH1');
    expect(series!.days.map((d) => [d.day, d.qty])).toEqual([
      ['2026-02-02', 15], ['2026-02-03', 4], ['2026-02-04', 0], ['2026-02-05', 20], ['2026-02-06', 0], ['2026-02-07', 0],
    ]);
    expect(series!.days.every((d) => !d.censored)).toBe(true);
  });

  it('flags a day censored when the warehouse held none of the SKU at its end, whatever other warehouses held', () => {
    const f = open();
    f.catalog.putLocation({ code: 'WH2', name: 'Second warehouse', kind: 'warehouse' });
    f.catalog.putLocation({ code: 'W2-S1', kind: 'shelf', parent: 'WH2' });
    const bolt = { sku: SKU.bolt };
    f.receive({ ...bolt, qty: 10, to: 'A01', effectiveAt: at('2026-02-01', 7) });
    f.receive({ ...bolt, qty: 50, to: 'W2-S1', effectiveAt: at('2026-02-01', 7) });
    post(f, [
      { ...bolt, qty: 4, from: 'A01', to: 'A02', reason: 'transfer', effectiveAt: at('2026-02-01', 9) },
      { ...bolt, qty: 6, from: 'A01', to: 'CUST-1', reason: 'shipment', effectiveAt: at('2026-02-02') },
      { ...bolt, qty: 4, from: 'A02', to: 'CUST-1', reason: 'shipment', effectiveAt: at('2026-02-02', 16) },
      { ...bolt, qty: 8, from: 'W2-S1', to: 'CUST-1', reason: 'shipment', effectiveAt: at('2026-02-03') },
    ]);
    // Received on the 5th, but posted after the shipments: a back-dated receipt counts on its own day.
    f.receive({ ...bolt, qty: 5, to: 'A01', effectiveAt: at('2026-02-05', 8) });
    post(f, [{ ...bolt, qty: 2, from: 'A01', to: 'CUST-1', reason: 'shipment', effectiveAt: at('2026-02-06') }]);

    const history = new LedgerSalesHistory(f.db, f.clock);
    expect(history.keys()).toEqual([{ sku: SKU.bolt, location: 'WH1' }, { sku: SKU.bolt, location: 'WH2' }]);
    const wh1 = history.series({ location: 'WH1', to: '2026-02-07' })[0]!;
    expect(wh1.days.map((d) => [d.day, d.qty, d.censored])).toEqual([
      ['2026-02-02', 10, true], ['2026-02-03', 0, true], ['2026-02-04', 0, true],
      ['2026-02-05', 0, false], ['2026-02-06', 2, false], ['2026-02-07', 0, false],
    ]);
    const wh2 = history.series({ sku: SKU.bolt, location: 'WH2', to: '2026-02-04' })[0]!;
    expect(wh2.days.map((d) => [d.day, d.qty, d.censored])).toEqual([['2026-02-03', 8, false], ['2026-02-04', 0, false]]);
  });

  it('pads from `from` with zero days, ends yesterday by default, and answers an empty list for a SKU without sales', () => {
    const f = open();
    f.receive({ sku: SKU.bolt, qty: 10, to: 'A01', effectiveAt: at('2026-02-20', 7) });
    post(f, [{ sku: SKU.bolt, qty: 3, from: 'A01', to: 'CUST-1', reason: 'shipment', effectiveAt: at('2026-02-25') }]);
    const history = new LedgerSalesHistory(f.db, f.clock);
    const days = history.series({ from: '2026-02-23' })[0]!.days;
    expect(days[0]).toEqual({ day: '2026-02-23', qty: 0, censored: false });
    expect(days.at(-1)!.day).toBe('2026-02-28'); // the fixture's clock stands on 2026-03-01
    expect(days.map((d) => d.qty)).toEqual([0, 0, 3, 0, 0, 0]);
    expect(history.series({ sku: SKU.milk })).toEqual([]);
    expect(history.series({ to: '2026-02-24' })).toEqual([{ sku: SKU.bolt, location: 'WH1', days: [] }]);
  });

  it('refuses bad filters naming the field and the fix', () => {
    const f = open();
    const history = new LedgerSalesHistory(f.db, f.clock);
    const failure = (filter: Parameters<typeof history.series>[0]) => {
      try {
        history.series(filter);
      } catch (error) {
        expect(error).toBeInstanceOf(ForecastingError);
        const e = error as ForecastingError;
        return { code: e.code, field: e.field, message: e.message };
      }
      throw new Error('expected a refusal');
    };
    expect(failure({ from: '2026-02-30' })).toMatchObject({ code: 'INVALID_INPUT', field: 'from', message: expect.stringContaining('YYYY-MM-DD') });
    expect(failure({ from: '2026-02-10', to: '2026-02-01' })).toMatchObject({ field: 'from', message: expect.stringContaining('after to (2026-02-01)') });
    expect(failure({ location: 'B10' })).toMatchObject({ code: 'INVALID_INPUT', field: 'location', message: expect.stringContaining('use WH1') });
    expect(failure({ location: 'CUST-1' })).toMatchObject({ field: 'location', message: expect.stringContaining('name a warehouse') });
    expect(failure({ location: 'WH9' })).toMatchObject({ code: 'NOT_FOUND', field: 'location', message: expect.stringContaining('did you mean WH1?') });
    expect(failure({ sku: 'MILK-1' })).toMatchObject({ code: 'NOT_FOUND', field: 'sku', message: expect.stringContaining('did you mean MILK-1L?') });
  });

  it('reads 100 SKUs x 2 years of demo history quickly enough for a daily run', () => {
    const f = open();
    f.catalog.putCategory({ id: 'bulk', name: 'Bulk goods' });
    for (let i = 0; i < 100; i++) {
      const sku = `SKU-${String(i).padStart(3, '0')}`;
      f.catalog.putItem({ sku, name: `Item ${i}`, category: 'bulk', lotTracked: i % 2 === 0, shelfLifeDays: i % 2 === 0 ? 120 : null });
      f.receive({ sku, lot: i % 2 === 0 ? `OPEN-${i}` : null, expiry: i % 2 === 0 ? '2026-09-30' : undefined, qty: 50 + i * 3, to: i % 3 === 0 ? 'A01' : 'A02' });
    }
    const started = performance.now();
    const report = generateDemoSalesHistory({ db: f.db, catalog: f.catalog, clock: f.clock }, { days: 730, seed: 3 });
    const postedMs = performance.now() - started;
    const history = new LedgerSalesHistory(f.db, f.clock);
    const readStarted = performance.now();
    const series = history.series();
    const readMs = performance.now() - readStarted;
    console.info(`demo history: ${report.posted} moves for ${report.series.length} SKUs x 730 days posted in ${Math.round(postedMs)} ms; sales history read in ${Math.round(readMs)} ms`);
    expect(series.filter((s) => s.sku.startsWith('SKU-'))).toHaveLength(100);
    for (const s of series) expect(s.days.at(-1)!.day).toBe('2026-02-28');
    // Every shipped unit is in the history: the report's count and the ledger's agree.
    const shippedBySku = new Map(report.series.map((r) => [r.sku, r.shipped]));
    for (const s of series) expect(s.days.reduce((sum, d) => sum + d.qty, 0)).toBe(shippedBySku.get(s.sku));
    // A sanity bound only (the read is expected to take well under a second).
    expect(readMs).toBeLessThan(20_000);
  }, 60_000);
});
