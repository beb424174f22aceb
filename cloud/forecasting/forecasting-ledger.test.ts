/**
 * The forecasting service over the real sales history: demo sales posted through the inventory
 * ledger (demo-sales-history.ts), read back by LedgerSalesHistory, backtested on the worker and
 * forecast, on the same SQLite file as the inventory.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../connectors/clock.ts';
import { openInventoryFixture, SKU, type InventoryFixture } from '../inventory/testing/inventory-fixture.ts';
import { addDays, dayOfMs } from './calendar-features.ts';
import { generateDemoSalesHistory } from './demo-sales-history.ts';
import { openForecasting, type OpenForecasting } from './open-forecasting.ts';
import { LedgerSalesHistory } from './sales-history.ts';

describe('forecasting over the ledger', () => {
  let fixture: InventoryFixture | undefined;
  let service: OpenForecasting | undefined;

  afterEach(async () => {
    await service?.close();
    fixture?.close();
  });

  it('backtests and forecasts every SKU x warehouse that has sales, and serves replenishment', async () => {
    fixture = openInventoryFixture();
    fixture.receive({ sku: SKU.bolt, qty: 400, to: 'A01' });
    fixture.receive({ sku: SKU.milk, lot: 'OPEN-1', expiry: '2026-03-20', qty: 120, to: 'B10' });
    const report = generateDemoSalesHistory({ db: fixture.db, catalog: fixture.catalog, clock: fixture.clock }, { days: 200, seed: 5 });
    expect(report.series.length).toBeGreaterThanOrEqual(2);
    const salesHistory = new LedgerSalesHistory(fixture.db, fixture.clock);
    const clock: Clock = { now: () => fixture!.clock.now(), setTimeout: () => 0, clearTimeout: () => {} };
    service = openForecasting(fixture.file, {
      salesHistory, clock, logger: { info: () => {}, warn: () => {} }, dailyRunMinute: null,
      backtest: { folds: 3, models: ['snaive', 'ets', 'croston', 'tsb'] },
    });

    const backtest = service.api.startJob('backtest', 'purchasing');
    await service.jobs.settled(backtest.id);
    expect(service.api.job(backtest.id), service.api.job(backtest.id)!.error ?? '').toMatchObject({ state: 'done' });
    const forecast = service.api.startJob('forecast', 'purchasing');
    await service.jobs.settled(forecast.id);
    expect(service.api.job(forecast.id)).toMatchObject({ state: 'done' });

    const today = dayOfMs(clock.now());
    const keys = salesHistory.keys();
    expect(service.api.series().map((one) => `${one.sku}@${one.location}`).sort()).toEqual(keys.map((key) => `${key.sku}@${key.location}`).sort());
    const summary = service.api.backtest()!;
    for (const key of keys) {
      const one = service.api.forecast(key.sku, key.location)!;
      expect(one.from).toBe(today);
      expect(one.days).toHaveLength(14);
      expect(one.history.at(-1)!.day).toBe(addDays(today, -1));
      const champion = summary.classes.find((c) => c.demandClass === one.demandClass)?.champion ?? summary.champion;
      expect(one.model).toBe(champion);
      for (const day of one.days) expect(day.lower).toBeLessThanOrEqual(day.forecast);
      const demand = service.forecasts.demand(key.sku, key.location, 21)!;
      expect(demand.daily).toHaveLength(21);
      expect(demand.daily.slice(0, 13)).toEqual(one.days.slice(1).map((day) => day.forecast));
    }
  }, 60_000);
});
