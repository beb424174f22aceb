import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../connectors/clock.ts';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import { addDays } from './calendar-features.ts';
import { FactorVersions } from './factor-versions.ts';
import { forecastBaselinesInWorker, workerBaselines } from './forecast-run-launch.ts';
import { packSales, unpackSales } from './forecast-run-protocol.ts';
import { demandSeriesOf, ForecastRuns, HORIZON_DAYS, inlineBaselines } from './forecast-runs.ts';
import type { SalesSeries } from './forecasting-types.ts';
import { ModelStore } from './model-store.ts';
import { openForecasting, type OpenForecasting } from './open-forecasting.ts';
import { trainGlobalModel } from './training-task.ts';
import { MemorySalesHistory } from './testing/memory-sales-history.ts';
import { syntheticWeeklySales } from './testing/synthetic-series.ts';

const FROM = '2026-09-28';
const NOW = Date.parse(`${FROM}T01:00:00Z`);
const HISTORY_DAYS = 140;

interface StoredRows { series: unknown[]; values: unknown[] }

/** Every stored row of a run, without its id, in a fixed order. */
function rowsOf(db: SqliteDatabase, runId: number): StoredRows {
  return {
    series: db.prepare('SELECT sku, location, model, demand_class, why, factor_version, error_sd_per_day FROM forecast_series WHERE run_id = ? ORDER BY sku, location').all(runId),
    values: db.prepare('SELECT sku, location, day, step, baseline, forecast, lower, upper, factors FROM forecast_value WHERE run_id = ? ORDER BY sku, location, step').all(runId),
  };
}

const exited = (worker: Worker) => new Promise<number>((resolve) => worker.once('exit', resolve));

/** `skus` synthetic series of `days` days ending yesterday, as a SalesHistory gives them. */
function salesOf(skus: number, days: number, seed: number): SalesSeries[] {
  const history = new MemorySalesHistory();
  syntheticWeeklySales({ skus, days, seed, noise: 0.2 }).series.forEach((one, index) => history.set(`SKU-${index}`, 'WH1', addDays(FROM, -days), Array.from(one.values, Math.round)));
  return history.series();
}

describe('the forecast run on a worker thread', () => {
  let dir: string;
  let db: SqliteDatabase;
  let sales: MemorySalesHistory;
  let models: ModelStore;
  let factors: FactorVersions;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-forecast-run-worker-'));
    db = openDatabase(join(dir, 'cloud.sqlite'));
    migrate(db);
    sales = new MemorySalesHistory();
    const synthetic = syntheticWeeklySales({ skus: 5, days: HISTORY_DAYS, seed: 11, noise: 0.2 });
    synthetic.series.forEach((one, index) => sales.set(`SKU-${index}`, 'WH1', addDays(FROM, -HISTORY_DAYS), Array.from(one.values, Math.round)));
    // Intermittent (croston's kind of series) and too short for any model (the mean).
    sales.set('SKU-RARE', 'WH1', addDays(FROM, -HISTORY_DAYS), Array.from({ length: HISTORY_DAYS }, (_, day) => (day % 9 === 0 ? 3 : 0)));
    sales.set('SKU-NEW', 'WH1', addDays(FROM, -5), [3, 4, 2, 5, 4]);
    factors = new FactorVersions(db, () => NOW);
    const sandbox = factors.openSandbox({ scope: 'global', actor: 'planner' });
    factors.editSandbox(sandbox.id, { actor: 'planner', factors: { factors: [{ kind: 'holiday', name: 'golden-week', country: 'CN', holiday: 'National Day', multiplier: 0.7 }] } });
    factors.publish(sandbox.id, { actor: 'planner', reason: 'golden week' });
    models = new ModelStore(db);
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const runsWith = (computeBaselines = inlineBaselines) => new ForecastRuns({ db, salesHistory: sales, models, factors, clock: { now: () => NOW }, computeBaselines });

  it('stores exactly the forecasts computing inline stores, ONNX LSTM included, with progress per chunk', async () => {
    const histories = sales.series({ to: addDays(FROM, -1) }).filter((one) => one.days.length > 100).map(demandSeriesOf);
    const trained = await trainGlobalModel(histories, { inputDays: 14, horizonDays: 14, hiddenSize: 4, maxEpochs: 2, windowsPerEpoch: 64, validationDays: 14, seed: 2 });
    models.saveModel(trained, NOW - 5000, null);
    // The LSTM is champion of the smooth class only: other series go to croston, ets or the mean.
    const result = {
      horizonDays: 14, folds: 1, strideDays: 14, seasonDays: 7, models: ['lstm', 'croston'], champion: 'croston', series: [], modelMs: {},
      pooled: { lstm: { mape: 0.1, wape: 0.1, mase: 0.5, days: 14 }, croston: { mape: 0.2, wape: 0.2, mase: 0.8, days: 14 } },
      classes: [{ demandClass: 'smooth', champion: 'lstm', series: [], metrics: { lstm: { mape: 0.1, wape: 0.1, mase: 0.5, days: 14 } } }],
    };
    models.saveBacktest(result as never, {}, NOW - 1000, null);

    const inline = await runsWith().run(NOW);
    const progress: Array<[number, string]> = [];
    const viaWorker = await runsWith(workerBaselines({ chunkSeries: 2 })).run(NOW, { onProgress: (fraction, message) => progress.push([fraction, message]) });

    expect(viaWorker).toMatchObject({ series: 7, from: FROM });
    const expected = rowsOf(db, inline.id);
    expect(rowsOf(db, viaWorker.id)).toEqual(expected);
    const modelsUsed = new Set((expected.series as Array<{ model: string }>).map((row) => row.model));
    expect(modelsUsed).toContain('lstm');
    expect(modelsUsed).toContain('mean');
    expect(modelsUsed.size).toBeGreaterThanOrEqual(3);
    expect(expected.values).toHaveLength(7 * HORIZON_DAYS);
    // 7 series in chunks of 2: 4 chunks, each a step of the progress bar between 0.1 and 0.8.
    const chunks = progress.filter(([, message]) => /of 7 series forecast$/.test(message));
    expect(chunks.map(([, message]) => message)).toEqual(['2 of 7 series forecast', '4 of 7 series forecast', '6 of 7 series forecast', '7 of 7 series forecast']);
    expect(chunks.map(([fraction]) => fraction)).toEqual([...chunks.map(([fraction]) => fraction)].sort((a, b) => a - b));
    expect(chunks.at(-1)![0]).toBeCloseTo(0.8, 9);
  }, 45_000);

  it('terminates the worker when the signal aborts, long before it is done', async () => {
    const many = salesOf(400, 540, 5);
    const controller = new AbortController();
    let worker: Worker | undefined;
    let chunks = 0;
    const running = forecastBaselinesInWorker(many, { horizonDays: HORIZON_DAYS }, {
      signal: controller.signal, chunkSeries: 5,
      onWorker: (started) => { worker = started; },
      onProgress: () => { chunks++; if (chunks === 1) controller.abort(new Error('cancelled by the test')); },
    });
    const exit = exited(worker!);
    await expect(running).rejects.toThrow('cancelled by the test');
    expect(await exit).toBe(1); // terminated, not finished: 400 series were far from done
    expect(chunks).toBeLessThan(400 / 5);
  }, 30_000);

  it('turns a worker that dies or cannot start into a rejection, and refuses a bad chunk size', async () => {
    const series = salesOf(3, 120, 1);
    await expect(forecastBaselinesInWorker(series, { horizonDays: HORIZON_DAYS }, { onWorker: (worker) => void worker.terminate() }))
      .rejects.toThrow(/^the forecast run worker ended \(exit code \d+\) without a result$/);
    await expect(forecastBaselinesInWorker(series, { horizonDays: HORIZON_DAYS, notCloneable: () => 1 } as never))
      .rejects.toThrow(/^the forecast run worker could not start: .*could not be cloned/);
    await expect(forecastBaselinesInWorker(series, { horizonDays: HORIZON_DAYS }, { chunkSeries: 0 })).rejects.toThrow(/^chunkSeries: expected a whole number of series >= 1, found 0$/);
  }, 30_000);

  it('packs sales for the worker and unpacks them as they were, censored days and empty series included', () => {
    const sales: SalesSeries[] = [
      { sku: 'A', location: 'WH1', days: [{ day: '2026-02-27', qty: 3.5, censored: false }, { day: '2026-02-28', qty: 0, censored: true }, { day: '2026-03-01', qty: 7, censored: false }] },
      { sku: 'B', location: 'WH2', days: [] },
    ];
    expect(sales.map((one) => unpackSales(packSales(one)))).toEqual(sales);
    expect(structuredClone(packSales(sales[0]!)).qty).toEqual(new Float64Array([3.5, 0, 7]));
  });

  describe('through the service', () => {
    let file: string;
    let service: OpenForecasting;
    const clock: Clock = { now: () => NOW, setTimeout: () => 0, clearTimeout: () => {} };
    const logger = { info: () => {}, warn: () => {} };

    afterEach(async () => {
      await service.close();
    });

    it('cancelling the forecast job terminates its worker; the job ends cancelled with no run stored', async () => {
      file = join(dir, 'cloud.sqlite');
      const many = new MemorySalesHistory();
      syntheticWeeklySales({ skus: 400, days: 540, seed: 9, noise: 0.2 }).series.forEach((one, index) => many.set(`SKU-${index}`, 'WH1', addDays(FROM, -540), Array.from(one.values, Math.round)));
      const workers: Worker[] = [];
      service = openForecasting(file, { salesHistory: many, clock, logger, dailyRunMinute: null, forecastWorker: { chunkSeries: 5, onWorker: (worker) => workers.push(worker) } });
      const job = service.api.startJob('forecast', 'admin');
      while (service.api.job(job.id)!.progress <= 0.1) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(workers).toHaveLength(1);
      const exit = exited(workers[0]!);
      service.api.cancelJob(job.id);
      await service.jobs.settled(job.id);
      expect(await exit).toBe(1);
      const ended = service.api.job(job.id)!;
      expect(ended).toMatchObject({ state: 'cancelled', error: null });
      expect(ended.message).toMatch(/^cancelled: /);
      expect(ended.progress).toBeGreaterThan(0.1);
      expect(ended.progress).toBeLessThan(0.8);
      expect(service.runs.latestRun()).toBeUndefined();
    }, 30_000);

    it('a worker error fails the job with its message, and the service goes on', async () => {
      file = join(dir, 'cloud.sqlite');
      // An LSTM champion with a model whose bytes are not ONNX: onnxruntime refuses it in the worker.
      models.saveModel({ onnx: new TextEncoder().encode('not an onnx model'), scales: {}, metadata: { inputDays: 14, horizonDays: 14, hiddenSize: 4, epochs: 1, bestEpoch: 1, validationLoss: 0.1, series: 5, skippedSeries: 0, trainingMs: 1 } }, NOW - 5000, null);
      const result = { horizonDays: 14, folds: 1, strideDays: 14, seasonDays: 7, models: ['lstm'], pooled: { lstm: { mape: 0.1, wape: 0.1, mase: 0.5, days: 14 } }, champion: 'lstm', classes: [], series: [], modelMs: {} };
      models.saveBacktest(result as never, {}, NOW - 1000, null);
      service = openForecasting(file, { salesHistory: sales, clock, logger, dailyRunMinute: null });
      const failed = service.api.startJob('forecast', 'admin');
      await service.jobs.settled(failed.id);
      const job = service.api.job(failed.id)!;
      expect(job.state).toBe('failed');
      expect(job.error).toMatch(/^Cannot load the forecasting model: onnxruntime refused it/);
      expect(job.message).toBe(`failed: ${job.error}`);
      expect(service.runs.latestRun()).toBeUndefined();

      // Without the broken model (a newer backtest names ets), the next run succeeds on a new worker.
      models.saveBacktest({ ...result, models: ['ets'], pooled: { ets: result.pooled.lstm }, champion: 'ets' } as never, {}, NOW - 500, null);
      const next = service.api.startJob('forecast', 'admin');
      await service.jobs.settled(next.id);
      expect(service.api.job(next.id)!.state, service.api.job(next.id)!.error ?? '').toBe('done');
      expect(service.runs.latestRun()).toMatchObject({ series: 7 });
    }, 30_000);
  });
});
