import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import type { BacktestResult } from './backtest.ts';
import { forecastBaselines } from './baseline-forecasts.ts';
import { addDays, isoWeekdayOfDay } from './calendar-features.ts';
import { CALENDAR_FEATURE_COUNT, CALENDAR_FEATURE_NAMES, FEATURE_COUNT, FEATURE_NAMES, latestInputs, type DailySeries } from './forecast-windows.ts';
import { ModelStore, type StoredModel } from './model-store.ts';
import { loadOnnxForecaster } from './onnx-runner.ts';
import { syntheticWeeklySales } from './testing/synthetic-series.ts';
import { trainGlobalModel, type TrainSettings } from './training-task.ts';

const HISTORY_DAYS = 140;
const FIRST_DATE = '2024-09-23'; // a Monday: the forecast days (2025-02-10 on) follow the Spring Festival days off
const SETTINGS: TrainSettings = { inputDays: 14, horizonDays: 14, hiddenSize: 4, maxEpochs: 2, windowsPerEpoch: 64, validationDays: 14, seed: 2 };
const LSTM_CHAMPION = { horizonDays: 14, folds: 1, strideDays: 14, seasonDays: 7, models: ['lstm'], pooled: { lstm: { mape: 0.1, wape: 0.1, mase: 0.5, days: 14 } }, champion: 'lstm', classes: [], series: [], modelMs: {} } as BacktestResult;

/** Synthetic weekly sales, every series starting on FIRST_DATE (weekday-consistent). */
function datedSeries(): DailySeries[] {
  const synthetic = syntheticWeeklySales({ skus: 3, days: HISTORY_DAYS, seed: 7, noise: 0.15 });
  return synthetic.series.map((one, index) => ({ id: `SKU-${index}`, values: Array.from(one.values, Math.round), firstIsoWeekday: isoWeekdayOfDay(FIRST_DATE), firstDate: FIRST_DATE }));
}

/** What the stored model's ONNX file says for `inputs`, straight from onnxruntime. */
async function onnxOutputs(model: StoredModel, features: number, inputs: Float32Array, count: number): Promise<Float32Array> {
  const runner = await loadOnnxForecaster(model.onnx, { inputDays: model.metadata.inputDays, features, horizonDays: model.metadata.horizonDays });
  try {
    return await runner.run(inputs, count);
  } finally {
    await runner.close();
  }
}

describe('the LSTM baseline with calendar features', () => {
  let dir: string;
  let db: SqliteDatabase;
  let models: ModelStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-baselines-'));
    db = openDatabase(join(dir, 'cloud.sqlite'));
    migrate(db);
    models = new ModelStore(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the holiday calendar in the stored model and feeds inference the same features, with the promotions planned today', async () => {
    const series = datedSeries();
    const trained = await trainGlobalModel(series, { ...SETTINGS, calendar: { holidays: 'china', springFestivalWindow: { daysBefore: 14, daysAfter: 7 } } });
    const model = models.saveModel(trained, 1000, null);
    const stored = models.latestModel()!;
    expect(stored.metadata.calendar).toEqual({ holidays: 'china', springFestivalWindow: { daysBefore: 14, daysAfter: 7 } });
    expect(stored.metadata.features).toEqual([...FEATURE_NAMES, ...CALENDAR_FEATURE_NAMES]);

    const firstForecastDay = addDays(FIRST_DATE, HISTORY_DAYS);
    const calendar = { ranges: [{ name: 'after-festival-sale', kind: 'promotion' as const, from: addDays(firstForecastDay, 2), to: addDays(firstForecastDay, 5) }] };
    const baselines = await forecastBaselines(series, { horizonDays: 14, backtest: { result: LSTM_CHAMPION, spread: {} }, model: stored, calendar });

    const scales = series.map((one) => stored.scales[one.id]!);
    const modelCalendar = { holidays: 'china' as const, springFestivalWindow: { daysBefore: 14, daysAfter: 7 }, ranges: calendar.ranges };
    const expected = await onnxOutputs(stored, CALENDAR_FEATURE_COUNT, latestInputs(series, scales, 14, { calendar: modelCalendar, horizonDays: 14 }), series.length);
    baselines.forEach((baseline, index) => {
      expect(baseline.model).toBe('lstm');
      expect(baseline.why).toContain(`ONNX model ${model.id} (china holiday calendar)`);
      baseline.values.forEach((value, step) => expect(value).toBeCloseTo(Math.max(0, expected[index * 14 + step]! * scales[index]!), 6));
    });
    // The promotion reaches the model: without it the same model forecasts otherwise.
    const withoutPromotion = await forecastBaselines(series, { horizonDays: 14, backtest: { result: LSTM_CHAMPION, spread: {} }, model: stored });
    expect(withoutPromotion.map((one) => one.values)).not.toEqual(baselines.map((one) => one.values));
  }, 30_000);

  it('says so when a series has no first date: its calendar features are 0', async () => {
    const series = datedSeries();
    models.saveModel(await trainGlobalModel(series, { ...SETTINGS, calendar: { holidays: 'china' } }), 1000, null);
    const stored = models.latestModel()!;
    const undated = series.map(({ firstDate: _dropped, ...rest }) => rest);
    const baselines = await forecastBaselines(undated, { horizonDays: 14, backtest: { result: LSTM_CHAMPION, spread: {} }, model: stored });
    const scales = undated.map((one) => stored.scales[one.id]!);
    const expected = await onnxOutputs(stored, CALENDAR_FEATURE_COUNT, latestInputs(undated, scales, 14, { calendar: { holidays: 'china' }, horizonDays: 14 }), undated.length);
    baselines.forEach((baseline, index) => {
      expect(baseline.why).toContain('no first date, so its holiday and promotion features are 0');
      expect(baseline.values[0]).toBeCloseTo(Math.max(0, expected[index * 14]! * scales[index]!), 6);
    });
  }, 30_000);

  it('still runs a model stored before calendar features existed, on weekday features, and suggests retraining', async () => {
    const series = datedSeries();
    const trained = await trainGlobalModel(series, SETTINGS);
    // A row as it was written before this change: no `calendar`, no `features` in the metadata.
    const { features: _features, calendar: _calendar, ...oldMetadata } = trained.metadata;
    db.prepare('INSERT INTO forecast_model (trained_at, job_id, onnx, metadata, scales) VALUES (?, ?, ?, ?, ?)')
      .run(1000, null, Buffer.from(trained.onnx), JSON.stringify(oldMetadata), JSON.stringify(trained.scales));
    const stored = models.latestModel()!;
    expect(stored.metadata).not.toHaveProperty('calendar');
    expect(stored.metadata).not.toHaveProperty('features');

    const baselines = await forecastBaselines(series, { horizonDays: 14, backtest: { result: LSTM_CHAMPION, spread: {} }, model: stored, calendar: { ranges: [] } });
    const scales = series.map((one) => stored.scales[one.id]!);
    const expected = await onnxOutputs(stored, FEATURE_COUNT, latestInputs(series, scales, 14), series.length);
    baselines.forEach((baseline, index) => {
      expect(baseline.model).toBe('lstm');
      expect(baseline.why).toContain('weekday features only: trained without a holiday calendar; retrain with one');
      baseline.values.forEach((value, step) => expect(value).toBeCloseTo(Math.max(0, expected[index * 14 + step]! * scales[index]!), 6));
    });
  }, 30_000);

  it('refuses to train on a calendar it does not know, naming the field and the choices', async () => {
    await expect(trainGlobalModel(datedSeries(), { ...SETTINGS, calendar: { holidays: 'uk' as never } })).rejects.toThrow('calendar.holidays: expected one of us, china, found "uk"');
  });
});
