import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import { backtestModels } from './backtest-task.ts';
import { ExponentialSmoothing } from './baselines/ets.ts';
import { addDays, isoWeekdayOfDay } from './calendar-features.ts';
import { FactorVersions } from './factor-versions.ts';
import { FEATURE_COUNT, fitSeriesScale, latestInputs } from './forecast-windows.ts';
import { demandSeriesOf, ForecastRuns, HORIZON_DAYS, INTERVAL_Z } from './forecast-runs.ts';
import { ModelStore } from './model-store.ts';
import { loadOnnxForecaster } from './onnx-runner.ts';
import { trainGlobalModel } from './training-task.ts';
import { MemorySalesHistory } from './testing/memory-sales-history.ts';
import { syntheticWeeklySales } from './testing/synthetic-series.ts';

const FROM = '2026-09-28';
const NOW = Date.parse(`${FROM}T01:00:00Z`);
const HISTORY_DAYS = 140;
const calendar = { ranges: [{ name: 'autumn-sale', kind: 'promotion' as const, from: '2026-09-30', to: '2026-10-02' }] };

describe('forecast runs', () => {
  let dir: string;
  let db: SqliteDatabase;
  let sales: MemorySalesHistory;
  let runs: ForecastRuns;
  let models: ModelStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-forecast-runs-'));
    db = openDatabase(join(dir, 'cloud.sqlite'));
    migrate(db);
    sales = new MemorySalesHistory();
    const synthetic = syntheticWeeklySales({ skus: 3, days: HISTORY_DAYS, seed: 7, noise: 0.15 });
    synthetic.series.forEach((one, index) => sales.set(`SKU-${index}`, 'WH1', addDays(FROM, -HISTORY_DAYS), Array.from(one.values, Math.round)));
    sales.set('SKU-NEW', 'WH1', addDays(FROM, -5), [3, 4, 2, 5, 4]);
    const versions = new FactorVersions(db, () => NOW);
    const sandbox = versions.openSandbox({ scope: 'global', actor: 'planner' });
    versions.editSandbox(sandbox.id, {
      actor: 'planner',
      factors: { factors: [
        { kind: 'holiday', name: 'golden-week', country: 'CN', holiday: 'National Day', multiplier: 0.7 },
        { kind: 'promotion-uplift', name: 'sale-uplift', multiplier: 1.3 },
      ] },
    });
    versions.publish(sandbox.id, { actor: 'planner', reason: 'golden week and the autumn sale' });
    models = new ModelStore(db);
    runs = new ForecastRuns({ db, salesHistory: sales, models, factors: versions, calendar, clock: { now: () => NOW } });
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('forecasts every series 14 days as baseline x published factors, with an 80% interval, and stores it', async () => {
    const summary = await runs.run(NOW);
    expect(summary).toMatchObject({ from: FROM, series: 4, madeAt: NOW });
    const forecast = runs.forecast('SKU-1', 'WH1')!;
    expect(forecast).toMatchObject({ sku: 'SKU-1', location: 'WH1', from: FROM, model: 'ets', factorVersion: 1 });
    expect(forecast.why).toContain('no backtest yet');
    expect(forecast.days.map((day) => day.day)).toEqual(Array.from({ length: HORIZON_DAYS }, (_, i) => addDays(FROM, i)));
    expect(forecast.history).toHaveLength(56);
    expect(forecast.history.at(-1)!.day).toBe(addDays(FROM, -1));

    // The baseline is ETS fitted on the history alone (its demand: stock-outs and outliers cleaned).
    const history = sales.series({ sku: 'SKU-1', to: addDays(FROM, -1) })[0]!;
    const ets = new ExponentialSmoothing().fit(demandSeriesOf(history)).forecast(HORIZON_DAYS);
    const widths = new Set<number>();
    forecast.days.forEach((day, i) => {
      expect(day.baseline).toBeCloseTo(Math.max(0, ets[i]!), 9);
      const product = day.factors.reduce((total, factor) => total * factor.value, 1);
      expect(day.forecast).toBeCloseTo(day.baseline * product, 9);
      const names = day.factors.map((factor) => factor.name).sort();
      const expected = [...(day.day >= '2026-10-01' && day.day <= '2026-10-07' ? ['golden-week'] : []), ...(day.day >= '2026-09-30' && day.day <= '2026-10-02' ? ['sale-uplift'] : [])].sort();
      expect(names, day.day).toEqual(expected);
      expect(day.lower).toBeLessThanOrEqual(day.forecast);
      expect(day.upper).toBeGreaterThan(day.forecast);
      widths.add(Math.round(((day.upper - day.forecast) / product) * 1e6));
    });
    // Before any backtest the interval comes from one holdout error, scaled by the day's factors.
    expect(widths.size).toBe(1);
    expect(forecast.days.find((day) => day.day === '2026-10-02')!.factors.map((factor) => factor.why).join(' ')).toMatch(/National Day.*autumn-sale|autumn-sale.*National Day/s);

    const short = runs.forecast('SKU-NEW', 'WH1')!;
    expect(short.model).toBe('mean');
    expect(short.why).toContain('5 days of history');
    expect(short.days[0]!.baseline).toBeCloseTo(18 / 5, 9);
  });

  it('serves replenishment from tomorrow, extending past the horizon with the last week\'s mean', async () => {
    await runs.run(NOW);
    const stored = runs.forecast('SKU-2', 'WH1')!;
    const demand = runs.demand('SKU-2', 'WH1', 20)!;
    expect(demand.daily.slice(0, 13)).toEqual(stored.days.slice(1).map((day) => day.forecast));
    const lastWeek = stored.days.slice(-7).reduce((sum, day) => sum + day.forecast, 0) / 7;
    for (const value of demand.daily.slice(13)) expect(value).toBeCloseTo(lastWeek, 9);
    expect(demand.errorSdPerDay).toBeGreaterThan(0);
    expect(runs.demand('NOPE', 'WH1', 5)).toBeUndefined();
    expect(() => runs.demand('SKU-2', 'WH1', 0)).toThrow(/days: expected a whole number/);
  });

  it('after a backtest, uses each class champion and the backtest error spread at each horizon step', async () => {
    const series = sales.series({ to: addDays(FROM, -1) }).filter((one) => one.days.length > 100).map((one) => ({ ...demandSeriesOf(one), firstDate: one.days[0]!.day }));
    const outcome = await backtestModels(series, { horizonDays: HORIZON_DAYS, folds: 3, models: ['snaive', 'ets'], lstm: {} });
    models.saveBacktest(outcome.result, outcome.spread, NOW - 1000, null);
    await runs.run(NOW);
    for (const [index, one] of series.entries()) {
      const forecast = runs.forecast(`SKU-${index}`, 'WH1')!;
      const demandClass = outcome.result.series.find((s) => s.id === one.id)!.demandClass;
      const champion = outcome.result.classes.find((c) => c.demandClass === demandClass)!.champion!;
      expect(forecast).toMatchObject({ model: champion, demandClass });
      expect(forecast.why).toContain(`champion of ${demandClass}`);
      const level = fitSeriesScale(one.values);
      forecast.days.forEach((day, step) => {
        const product = day.factors.reduce((total, factor) => total * factor.value, 1);
        expect(day.upper - day.forecast).toBeCloseTo(INTERVAL_Z * outcome.spread[champion]![step]!.sd * level * product, 6);
      });
    }
    expect(outcome.spread.ets!.every((step) => step.count === 3 * series.length)).toBe(true);
    expect(isoWeekdayOfDay(FROM)).toBe(1);
  });

  it('forecasts with the stored ONNX model where the LSTM is champion, scaled back per series', async () => {
    const histories = sales.series({ to: addDays(FROM, -1) }).filter((one) => one.days.length > 100).map(demandSeriesOf);
    const trained = await trainGlobalModel(histories, { inputDays: 14, horizonDays: 14, hiddenSize: 4, maxEpochs: 2, windowsPerEpoch: 64, validationDays: 14, seed: 2 });
    const model = models.saveModel(trained, NOW - 5000, null);
    const result = { horizonDays: 14, folds: 1, strideDays: 14, seasonDays: 7, models: ['lstm'], pooled: { lstm: { mape: 0.1, wape: 0.1, mase: 0.5, days: 14 } }, champion: 'lstm', classes: [], series: [], modelMs: {} };
    models.saveBacktest(result, {}, NOW - 1000, null);
    await runs.run(NOW);

    const runner = await loadOnnxForecaster(model.onnx, { inputDays: 14, features: FEATURE_COUNT, horizonDays: 14 });
    const scales = histories.map((one) => model.scales[one.id]!);
    const outputs = await runner.run(latestInputs(histories, scales, 14), histories.length);
    await runner.close();
    histories.forEach((_, index) => {
      const forecast = runs.forecast(`SKU-${index}`, 'WH1')!;
      expect(forecast.model).toBe('lstm');
      expect(forecast.why).toContain(`ONNX model ${model.id}`);
      expect(forecast.why).toContain('validation error');
      forecast.days.forEach((day, step) => {
        expect(day.baseline).toBeCloseTo(Math.max(0, outputs[index * 14 + step]! * scales[index]!), 6);
        const product = day.factors.reduce((total, factor) => total * factor.value, 1);
        expect(day.upper - day.forecast).toBeCloseTo(INTERVAL_Z * Math.sqrt(trained.metadata.validationLoss) * scales[index]! * product, 6);
      });
    });
    // Too short for the LSTM's input window: ets would need 21 days too, so the mean, and why says so.
    expect(runs.forecast('SKU-NEW', 'WH1')!.why).toMatch(/fewer than 14 days of history for the LSTM/);
  }, 30_000);
});
