/**
 * Replenishment follows each finished forecast run, over the real parts: demo sales in the ledger,
 * the forecasting service forecasting them, replenishment reading those forecasts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../connectors/clock.ts';
import { openInventoryFixture, SKU, type InventoryFixture } from '../inventory/testing/inventory-fixture.ts';
import { generateDemoSalesHistory } from './demo-sales-history.ts';
import { openForecasting, type OpenForecasting } from './open-forecasting.ts';
import { ReplenishAfterForecast } from './replenish-after-forecast.ts';
import { openReplenishment, type OpenReplenishment } from './replenishment.ts';
import { LedgerSalesHistory } from './sales-history.ts';

const quiet = { info: () => {}, warn: () => {} };

describe('replenishment after a forecast run', () => {
  let fixture: InventoryFixture | undefined;
  let forecasting: OpenForecasting | undefined;
  let replenishment: OpenReplenishment | undefined;

  afterEach(async () => {
    await forecasting?.close();
    replenishment?.close();
    fixture?.close();
  });

  it('computes suggestions once per finished forecast job, from that job\'s forecasts', async () => {
    fixture = openInventoryFixture();
    fixture.receive({ sku: SKU.bolt, qty: 400, to: 'A01' });
    generateDemoSalesHistory({ db: fixture.db, catalog: fixture.catalog, clock: fixture.clock }, { days: 120, seed: 3 });
    const clock: Clock = { now: () => fixture!.clock.now(), setTimeout: () => 0, clearTimeout: () => {} };
    forecasting = openForecasting(fixture.file, { salesHistory: new LedgerSalesHistory(fixture.db, fixture.clock), clock, logger: quiet, dailyRunMinute: null });
    replenishment = openReplenishment(fixture.file, { clock, forecasts: forecasting.forecasts });
    replenishment.api.putSupplier({ id: 'SUP-1', name: 'Bolt supplier', leadTimeMeanDays: 5, leadTimeSdDays: 1, onTimeInFullRate: 0.9, packSize: 50 }, 'test');
    replenishment.api.putSourcing({ sku: SKU.bolt, location: 'WH1', supplier: 'SUP-1', reviewPeriodDays: 7 }, 'test');
    const follower = new ReplenishAfterForecast({ forecasting: forecasting.api, replenishment: replenishment.api, clock, logger: quiet });

    expect(follower.check()).toBe(false); // no forecast yet: nothing to build on
    expect(replenishment.api.suggestions()).toEqual([]);
    const job = forecasting.api.startJob('forecast', 'test');
    await forecasting.jobs.settled(job.id);
    expect(forecasting.api.job(job.id)!.state).toBe('done');

    expect(follower.check()).toBe(true);
    const [suggestion] = replenishment.api.suggestions();
    expect(suggestion).toMatchObject({ sku: SKU.bolt, location: 'WH1', supplier: 'SUP-1', state: 'open' });
    const forecast = forecasting.forecasts.demand(SKU.bolt, 'WH1', suggestion!.coverageDays)!;
    expect(suggestion!.demandOverCoverage).toBeCloseTo(forecast.daily.reduce((a, b) => a + b, 0), 2);
    expect(follower.check()).toBe(false); // the same job is not followed twice
  });
});
