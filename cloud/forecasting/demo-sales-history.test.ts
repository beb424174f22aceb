import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openInventoryFixture, SKU, type InventoryFixture } from '../inventory/testing/inventory-fixture.ts';
import { addDays, chineseNewYearOf, daysBetween, isoWeekdayOfDay } from './calendar-features.ts';
import { DEMO_HISTORY_KEY_PREFIX, generateDemoSalesHistory, type DemoHistoryReport } from './demo-sales-history.ts';
import type { SalesSeries } from './forecasting-types.ts';
import { LedgerSalesHistory } from './sales-history.ts';

const fixtures: InventoryFixture[] = [];
afterEach(() => {
  for (const f of fixtures.splice(0)) f.close();
});
const storage = new Set(['WH1', 'RECV', 'COLD', 'B10', 'B11', 'B12', 'AMB', 'A01', 'A02']);

/** The inventory fixture with opening stock on its shelves (as the cloud's opening balances give it), posted "today". */
function stockedFixture(track = true): InventoryFixture {
  const f = openInventoryFixture();
  if (track) fixtures.push(f);
  f.receive({ sku: SKU.milk, lot: 'M-OPEN', expiry: '2026-03-18', qty: 120, to: 'B10' });
  f.receive({ sku: SKU.milk, lot: 'M-OPEN2', expiry: '2026-03-20', qty: 40, to: 'B11' });
  f.receive({ sku: SKU.drug, lot: 'A-OPEN', expiry: '2028-01-31', qty: 300, to: 'A01' });
  f.receive({ sku: SKU.bolt, qty: 90, to: 'A02' });
  f.receive({ sku: SKU.pda, serial: 'PDA-0001', qty: 1, to: 'A01' });
  return f;
}

const generate = (f: InventoryFixture, options: Parameters<typeof generateDemoSalesHistory>[1] = {}) =>
  generateDemoSalesHistory({ db: f.db, catalog: f.catalog, clock: f.clock }, options);

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Mean sales per day over the days `fromOffset..toOffset` from `anchor` (both included), summed over the series. */
function windowMean(series: SalesSeries[], anchor: string, fromOffset: number, toOffset: number): number {
  const byDay = new Map<string, number>();
  for (const s of series) for (const d of s.days) byDay.set(d.day, (byDay.get(d.day) ?? 0) + d.qty);
  const values: number[] = [];
  for (let k = fromOffset; k <= toOffset; k++) values.push(byDay.get(addDays(anchor, k)) ?? Number.NaN);
  return mean(values);
}

describe('generateDemoSalesHistory', () => {
  let report: DemoHistoryReport;
  let series: SalesSeries[];
  let f: InventoryFixture;
  let storageBefore: ReturnType<InventoryFixture['ledger']['balances']>;
  beforeAll(() => {
    f = stockedFixture(false);
    storageBefore = f.ledger.balances({}).filter((b) => storage.has(b.location));
    report = generate(f);
    series = new LedgerSalesHistory(f.db, f.clock).series();
  }, 60_000);
  afterAll(() => f.close());

  it('posts 540 days of sales for every stocked, non-serialized item, leaving the ledger valid and the stock as it was', () => {
    expect(report).toMatchObject({ alreadyPresent: false, from: '2024-09-07', until: '2026-02-28' });
    expect(report.series.map((s) => [s.sku, s.warehouse, s.shelf, s.receivingLocation])).toEqual([
      [SKU.drug, 'WH1', 'A01', 'RECV'], [SKU.bolt, 'WH1', 'A02', 'RECV'], [SKU.milk, 'WH1', 'B10', 'RECV'],
    ]);
    expect(report.posted).toBe(f.ledger.counts().moves - 5);

    const drift = f.ledger.driftCheck();
    expect(drift.findings).toEqual([]);
    expect(drift.serialFindings).toEqual([]);
    expect(drift.overReserved).toEqual([]);
    // The demo's own lots are gone again: the shelves hold exactly the opening stock.
    expect(f.ledger.balances({}).filter((b) => storage.has(b.location))).toEqual(storageBefore.map((b) => ({ ...b, lastMove: expect.any(Number) })));
    // Every unit received was shipped, scrapped, or taken out at the end (to the adjustment location).
    const total = (key: 'received' | 'shipped' | 'scrapped') => report.series.reduce((sum, s) => sum + s[key], 0);
    const takenOut = f.ledger.balances({ location: 'ADJ' }).reduce((sum, b) => sum + b.qty, 0);
    expect(takenOut).toBeGreaterThan(0);
    expect(total('received')).toBe(total('shipped') + total('scrapped') + takenOut);
    expect(total('scrapped')).toBe(f.ledger.balances({ location: 'SCRAP' }).reduce((sum, b) => sum + b.qty, 0));
    expect(series.map((s) => s.sku)).toEqual([SKU.drug, SKU.bolt, SKU.milk]);
    for (const s of series) {
      expect(s.days).toHaveLength(540);
      expect(s.days[0]!.day).toBe('2024-09-07');
      expect(s.days.at(-1)!.day).toBe('2026-02-28');
      const r = report.series.find((x) => x.sku === s.sku)!;
      expect(s.days.reduce((sum, d) => sum + d.qty, 0)).toBe(r.shipped);
      // The missed deliveries emptied the shelves: those days are censored in the history, and only those.
      expect(r.stockOutDays).toBeGreaterThan(0);
      expect(r.lostSales).toBeGreaterThan(0);
      expect(s.days.filter((d) => d.censored)).toHaveLength(r.stockOutDays);
      expect(r.promotions.length).toBeGreaterThan(0);
    }
    // Milk keeps 21 days: lots are shipped FEFO, and what expired first was scrapped, never shipped.
    const expiredShipments = f.db.prepare(`SELECT COUNT(*) FROM inv_move m JOIN inv_lot l ON l.id = m.lot_id
      WHERE m.reason = 'shipment' AND l.expiry < strftime('%Y-%m-%d', m.effective_at / 1000, 'unixepoch')`).pluck().get();
    expect(expiredShipments).toBe(0);
    const milkLot = f.catalog.lot(SKU.milk, 'DH240909')!;
    expect(milkLot.expiry).toBe(addDays('2024-09-09', 21));
  });

  it('sells more on Saturdays than on Tuesdays', () => {
    for (const s of series) {
      const open = s.days.filter((d) => !d.censored);
      const saturday = mean(open.filter((d) => isoWeekdayOfDay(d.day) === 6).map((d) => d.qty));
      const tuesday = mean(open.filter((d) => isoWeekdayOfDay(d.day) === 2).map((d) => d.qty));
      expect(saturday, s.sku).toBeGreaterThan(1.3 * tuesday);
    }
  });

  it('decays in the two weeks before each Spring Festival, against the four weeks before that', () => {
    for (const year of [2025, 2026]) {
      const newYear = chineseNewYearOf(year);
      expect(daysBetween('2024-09-07', newYear)).toBeGreaterThan(49);
      const before = windowMean(series, newYear, -49, -22);
      const decay = windowMean(series, newYear, -14, -1);
      expect(decay / before, String(year)).toBeLessThan(0.8);
    }
  });

  it('posts nothing on a second call, and the same seed makes the same history on another ledger', () => {
    const moves = f.ledger.counts().moves;
    expect(generate(f)).toMatchObject({ alreadyPresent: true, posted: 0, series: [] });
    expect(f.ledger.counts().moves).toBe(moves);
    const keys = f.db.prepare('SELECT COUNT(*) FROM inv_move WHERE request_key LIKE ?').pluck().get(`${DEMO_HISTORY_KEY_PREFIX}%`);
    expect(keys).toBe(report.posted);

    const other = stockedFixture();
    const shortly = generate(other, { days: 60 });
    const again = new LedgerSalesHistory(other.db, other.clock).series();
    const twin = stockedFixture();
    expect(generate(twin, { days: 60 })).toEqual(shortly);
    expect(new LedgerSalesHistory(twin.db, twin.clock).series()).toEqual(again);
    const reseeded = stockedFixture();
    generate(reseeded, { days: 60, seed: 99 });
    expect(new LedgerSalesHistory(reseeded.db, reseeded.clock).series()).not.toEqual(again);
  }, 30_000);

  it('refuses bad options naming the field, posting nothing', () => {
    const g = stockedFixture();
    const moves = g.ledger.counts().moves;
    expect(() => generate(g, { until: '2026-03-01' })).toThrow(/^until: expected a day before today \(2026-03-01\)/);
    expect(() => generate(g, { until: '2026-02-31' })).toThrow(/^until: expected a calendar day as YYYY-MM-DD/);
    expect(() => generate(g, { days: 7 })).toThrow(/^days: expected a whole number of days from 28 to 2000, found 7/);
    expect(() => generate(g, { seed: 1.5 })).toThrow(/^seed: /);
    g.db.prepare("DELETE FROM inv_location WHERE code = 'CUST-1'").run();
    expect(() => generate(g, {})).toThrow(/needs a location of kind customer; add one/);
    expect(g.ledger.counts().moves).toBe(moves);
  });
});
