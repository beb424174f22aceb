import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../connectors/clock.ts';
import { openDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import { addDays } from './calendar-features.ts';
import { INTERRUPTED_MESSAGE } from './forecast-jobs.ts';
import type { ForecastJob } from './forecasting-types.ts';
import { loadOnnxForecaster } from './onnx-runner.ts';
import { openForecasting, type OpenForecasting, type OpenForecastingOptions } from './open-forecasting.ts';
import { MemorySalesHistory } from './testing/memory-sales-history.ts';
import { syntheticWeeklySales } from './testing/synthetic-series.ts';

const TODAY = '2026-06-10';
const START = Date.parse(`${TODAY}T10:00:00Z`);
const TINY_TRAIN = { inputDays: 14, hiddenSize: 4, maxEpochs: 3, windowsPerEpoch: 64, validationDays: 14 };
const TINY_BACKTEST = { folds: 2, models: ['snaive', 'ets', 'lstm'] as const, lstm: { inputDays: 14, hiddenSize: 4, maxEpochs: 2, windowsPerEpoch: 64, validationDays: 14 } };

/** A clock the test moves; timers are kept for the test to fire. */
function manualClock() {
  let now = START;
  const timers: Array<{ fn: () => void; at: number; handle: number }> = [];
  let handles = 0;
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => { timers.push({ fn, at: now + ms, handle: ++handles }); return handles; },
    clearTimeout: (handle) => { const i = timers.findIndex((t) => t.handle === handle); if (i >= 0) timers.splice(i, 1); },
  };
  return { clock, timers, set: (ms: number) => { now = ms; } };
}

const logger = { info: () => {}, warn: () => {} };

describe('the forecasting service', () => {
  let dir: string;
  let file: string;
  let sales: MemorySalesHistory;
  let opened: OpenForecasting[];
  let time: ReturnType<typeof manualClock>;

  const open = (overrides: Partial<OpenForecastingOptions> = {}) => {
    const service = openForecasting(file, { salesHistory: sales, clock: time.clock, logger, train: TINY_TRAIN, backtest: TINY_BACKTEST, dailyRunMinute: null, ...overrides });
    opened.push(service);
    return service;
  };
  const finished = async (service: OpenForecasting, job: ForecastJob) => {
    await service.jobs.settled(job.id);
    return service.api.job(job.id)!;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-forecasting-'));
    file = join(dir, 'cloud.sqlite');
    const db = openDatabase(file);
    migrate(db);
    db.close();
    sales = new MemorySalesHistory();
    const synthetic = syntheticWeeklySales({ skus: 4, days: 150, seed: 3, noise: 0.1 });
    synthetic.series.forEach((one, index) => sales.set(`SKU-${index}`, 'WH1', addDays(TODAY, -150), Array.from(one.values, Math.round)));
    opened = [];
    time = manualClock();
  });

  afterEach(async () => {
    for (const service of opened) await service.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('trains the global LSTM on a worker thread with a loss point per epoch and stores a model onnxruntime loads', async () => {
    const service = open();
    const started = service.api.startJob('train', 'purchasing');
    expect(started).toMatchObject({ kind: 'train', state: 'running', startedBy: 'purchasing', startedAt: START });
    const done = await finished(service, started);
    expect(done.state, done.error ?? '').toBe('done');
    expect(done.progress).toBe(1);
    expect(done.points.length).toBeGreaterThanOrEqual(1);
    expect(done.points.map((point) => point.x)).toEqual(done.points.map((_, i) => i + 1));
    for (const point of done.points) expect(point.y).toBeGreaterThan(0);
    const model = service.models.latestModel()!;
    expect(model.metadata).toMatchObject({ inputDays: 14, horizonDays: 14, hiddenSize: 4, series: 4, epochs: done.points.length });
    expect(done.message).toContain(`model ${model.id}`);
    expect(Object.keys(model.scales)).toHaveLength(4);
    const runner = await loadOnnxForecaster(model.onnx, { inputDays: 14, features: model.metadata.features!.length, horizonDays: 14 });
    const output = await runner.run(new Float32Array(14 * model.metadata.features!.length).fill(0.5), 1);
    expect(output).toHaveLength(14);
    expect([...output].every(Number.isFinite)).toBe(true);
    await runner.close();
    expect(service.api.status().model).toMatchObject({ id: model.id, hiddenSize: 4, series: 4 });
  }, 60_000);

  it('backtests on the worker, keeps the error spread, and the forecast job then uses the champions', async () => {
    const service = open();
    const backtest = await finished(service, service.api.startJob('backtest', 'admin'));
    expect(backtest.state, backtest.error ?? '').toBe('done');
    expect(new Set(backtest.points.map((point) => point.label))).toEqual(new Set(['snaive', 'ets', 'lstm']));
    const summary = service.api.backtest()!;
    expect(summary).toMatchObject({ horizonDays: 14, folds: 2, models: ['snaive', 'ets', 'lstm'] });
    expect(summary.vsSeasonalNaive.snaive).toBe(0);
    const stored = service.models.latestBacktest()!;
    expect(stored.spread.ets).toHaveLength(14);
    expect(stored.spread.ets![0]!.count).toBe(2 * 4);

    const forecast = await finished(service, service.api.startJob('forecast', 'admin'));
    expect(forecast.state, forecast.error ?? '').toBe('done');
    const rows = service.api.series();
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      const champion = summary.classes.find((one) => one.demandClass === row.demandClass)!.champion;
      // No model was trained in this test, so an LSTM champion falls back to ets and says so.
      expect(row.model).toBe(champion === 'lstm' ? 'ets' : champion);
      expect(service.api.forecast(row.sku, row.location)!.days).toHaveLength(14);
    }
  }, 60_000);

  it('runs one job of a kind at a time, stores a failure without harm, and cancels', async () => {
    const service = open({ train: { ...TINY_TRAIN, maxEpochs: 40, windowsPerEpoch: 2000, hiddenSize: 24, inputDays: 56 } });
    const training = service.api.startJob('train', 'purchasing');
    expect(() => service.api.startJob('train', 'admin')).toThrow(expect.objectContaining({ code: 'CONFLICT', field: 'kind' }));
    const forecast = service.api.startJob('forecast', 'admin'); // another kind may run beside it
    expect((await finished(service, forecast)).state).toBe('done');
    // Cancel once the first epoch is in: at least 3 more follow (patience), so it is surely running.
    while (service.api.job(training.id)!.points.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(service.api.job(training.id)!.state).toBe('running');
    service.api.cancelJob(training.id);
    const cancelled = await finished(service, training);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.finishedAt).toBe(START);
    expect(service.models.latestModel()).toBeUndefined();
    expect(service.api.startJob('train', 'admin').state).toBe('running'); // free again
    expect(() => service.api.cancelJob(999)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));

    const empty = open({ salesHistory: new MemorySalesHistory() });
    const failed = await finished(empty, empty.api.startJob('backtest', 'admin'));
    expect(failed).toMatchObject({ state: 'failed' });
    expect(failed.error).toMatch(/^series: 2 folds of 14 days/);
    expect(failed.message).toBe(`failed: ${failed.error}`);
  }, 60_000);

  it('marks a job a crash left running as failed when it opens again', async () => {
    const db = openDatabase(file);
    db.prepare(`INSERT INTO forecast_job (kind, state, progress, message, created_at, started_at, started_by) VALUES ('train', 'running', 0.4, 'epoch 3', 1, 1, 'admin')`).run();
    db.close();
    const service = open();
    expect(service.api.job(1)).toMatchObject({ state: 'failed', error: INTERRUPTED_MESSAGE, finishedAt: START, progress: 0.4 });
    expect(service.api.startJob('train', 'admin').state).toBe('running');
  });

  it('runs the forecast job daily at the set minute on the injected clock, then updates the monitor', async () => {
    const service = open({ dailyRunMinute: 90 });
    expect(time.timers).toHaveLength(1);
    const nextRun = Date.parse(`${addDays(TODAY, 1)}T01:30:00Z`);
    expect(time.timers[0]!.at).toBe(nextRun);
    time.set(nextRun);
    time.timers.shift()!.fn();
    expect(time.timers[0]!.at).toBe(nextRun + 86_400_000);
    const [job] = service.jobs.list(1);
    expect(job).toMatchObject({ kind: 'forecast', startedBy: 'system' });
    expect((await finished(service, job!)).state).toBe('done');
    expect(service.api.status().lastRun).toMatchObject({ from: addDays(TODAY, 1), series: 4 });
    expect(service.api.forecast('SKU-0', 'WH1')!.from).toBe(addDays(TODAY, 1));
  });
});
