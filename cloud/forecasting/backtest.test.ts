import { describe, expect, it } from 'vitest';
import { runBacktest, type BacktestProgress, type BacktestSeries } from './backtest.ts';
import { Croston } from './baselines/croston.ts';
import { ExponentialSmoothing } from './baselines/ets.ts';
import { perSeries, type FittedForecast, type Forecaster } from './baselines/forecaster.ts';
import { SeasonalNaive } from './baselines/seasonal-naive.ts';
import { seasonalNaiveScale, wape } from './forecast-metrics.ts';
import type { DailySeries } from './forecast-windows.ts';
import { LstmForecaster } from './lstm-forecaster.ts';
import { seededRandom } from './seeded-random.ts';
import { syntheticWeeklySales } from './testing/synthetic-series.ts';

const DAY_MS = 86_400_000;
const dateOf = (first: string, index: number) => new Date(Date.parse(`${first}T00:00:00Z`) + index * DAY_MS).toISOString().slice(0, 10);

/** Seasonal naive that remembers every history it was fitted on. */
class RecordingNaive implements Forecaster {
  readonly name = 'recording';
  readonly minimumHistoryDays = 7;
  readonly seen: DailySeries[] = [];
  fit(history: DailySeries): FittedForecast {
    this.seen.push(history);
    return new SeasonalNaive().fit(history);
  }
}

function weeklySales(id: string, days: number, seed: number, firstDate = '2024-01-01'): BacktestSeries {
  const [series] = syntheticWeeklySales({ skus: 1, days, seed, noise: 0.15 }).series;
  return { ...series!, id, firstDate };
}

function intermittentSales(id: string, days: number, seed: number): BacktestSeries {
  const random = seededRandom(seed);
  return { id, firstIsoWeekday: 1, values: Array.from({ length: days }, () => (random.next() < 0.2 ? 3 + Math.floor(random.next() * 3) : 0)) };
}

describe('rolling-origin backtest', () => {
  it('fits every fold only on the days before its origin', async () => {
    const series = weeklySales('sku-1', 120, 3);
    const recorder = new RecordingNaive();
    const result = await runBacktest([series], { horizonDays: 14, folds: 4, strideDays: 10, models: [perSeries(recorder)] });
    const expectedOrigins = [120 - 14 - 30, 120 - 14 - 20, 120 - 14 - 10, 120 - 14];
    expect(result.series[0]!.originIndexes).toEqual(expectedOrigins);
    expect(result.series[0]!.originDates).toEqual(expectedOrigins.map((index) => dateOf('2024-01-01', index)));
    expect(recorder.seen).toHaveLength(4);
    recorder.seen.forEach((history, fold) => {
      const lastFitDate = dateOf('2024-01-01', history.values.length - 1);
      expect(lastFitDate < result.series[0]!.originDates![fold]!).toBe(true);
      expect(history.values.length).toBe(expectedOrigins[fold]);
      expect(Array.from(history.values)).toEqual(Array.from(series.values).slice(0, expectedOrigins[fold]));
    });
  });

  it('scores each fold with the metric functions and pools per series and overall', async () => {
    const series = [weeklySales('a', 100, 1), weeklySales('b', 90, 2)];
    const result = await runBacktest(series, { horizonDays: 7, folds: 3, models: [perSeries(new SeasonalNaive())] });
    // Recompute series a by hand: seasonal naive from each origin, then WAPE over all its folds.
    const a = series[0]!.values;
    let error = 0;
    let demand = 0;
    let scaledError = 0;
    for (const origin of result.series[0]!.originIndexes) {
      const actual = Array.from({ length: 7 }, (_, h) => a[origin + h]!);
      const forecast = Array.from({ length: 7 }, (_, h) => a[origin - 7 + h]!);
      error += wape(actual, forecast) * actual.reduce((sum, v) => sum + v, 0);
      demand += actual.reduce((sum, v) => sum + v, 0);
      scaledError += actual.reduce((sum, v, h) => sum + Math.abs(v - forecast[h]!), 0) / seasonalNaiveScale(Array.from(a).slice(0, origin), 7);
    }
    const metrics = result.series[0]!.metrics.snaive!;
    expect(metrics.days).toBe(21);
    expect(metrics.wape).toBeCloseTo(error / demand, 10);
    expect(metrics.mase).toBeCloseTo(scaledError / 21, 10);
    expect(result.pooled.snaive!.days).toBe(42);
    expect(result.champion).toBe('snaive');
  });

  it('classifies series by Syntetos-Boylan and names the lowest-WAPE model champion of each class', async () => {
    const series = [weeklySales('smooth-1', 200, 4), weeklySales('smooth-2', 200, 5), intermittentSales('spare-1', 200, 6), intermittentSales('spare-2', 200, 7)];
    const result = await runBacktest(series, { horizonDays: 14, folds: 3, models: [perSeries(new SeasonalNaive()), perSeries(new ExponentialSmoothing()), perSeries(new Croston())] });
    expect(result.classes.map((one) => [one.demandClass, one.series])).toEqual([
      ['smooth', ['smooth-1', 'smooth-2']],
      ['intermittent', ['spare-1', 'spare-2']],
    ]);
    for (const one of result.classes) {
      const wapes = result.models.map((name) => one.metrics[name]!.wape!);
      expect(one.champion).toBe(result.models[wapes.indexOf(Math.min(...wapes))]);
    }
    expect(result.series[2]!.adi).toBeGreaterThan(1.32);
  });

  it('reports progress after every model and fold', async () => {
    const progress: BacktestProgress[] = [];
    await runBacktest([weeklySales('a', 80, 1)], { horizonDays: 7, folds: 3, models: [perSeries(new SeasonalNaive()), perSeries(new Croston())], onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => `${p.completed}/${p.total} ${p.model} ${p.fold}`)).toEqual(['1/6 snaive 0', '2/6 croston 0', '3/6 snaive 1', '4/6 croston 1', '5/6 snaive 2', '6/6 croston 2']);
  });

  it('refuses folds that do not fit in the history, naming the series and the fix', async () => {
    await expect(runBacktest([weeklySales('new-sku', 40, 1)], { horizonDays: 14, folds: 3, models: [perSeries(new SeasonalNaive())] })).rejects.toThrow(
      /series "new-sku" \(40 days\): 3 folds of 14 days every 14 days need at least 50 days; use fewer folds/,
    );
    await expect(runBacktest([weeklySales('a', 100, 1)], { horizonDays: 0, folds: 2, models: [perSeries(new SeasonalNaive()), perSeries(new SeasonalNaive())] })).rejects.toThrow(
      /horizonDays: expected a whole number of at least 1, found 0; models: expected distinct names, found snaive more than once/,
    );
  });

  it('backtests the LSTM, trained per fold and run through ONNX, beside the baselines', { timeout: 60_000 }, async () => {
    const series = [weeklySales('a', 260, 8), weeklySales('b', 260, 9)];
    const epochs: number[] = [];
    const lstm = new LstmForecaster({ inputDays: 14, hiddenSize: 6, maxEpochs: 2, windowsPerEpoch: 200, onEpoch: (report) => epochs.push(report.epoch) });
    const result = await runBacktest(series, { horizonDays: 7, folds: 2, models: [perSeries(new SeasonalNaive()), lstm] });
    expect(epochs.filter((epoch) => epoch === 1)).toHaveLength(2); // trained afresh in each fold
    const metrics = result.pooled.lstm!;
    expect(metrics.days).toBe(2 * 2 * 7);
    expect(Number.isFinite(metrics.wape)).toBe(true);
    expect(metrics.wape).toBeLessThan(1); // forecasts in units, not scaled values
  });
});
