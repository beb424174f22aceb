/**
 * bench/forecast-run: the daily forecast run off the main thread. --series synthetic SKUs x --days
 * days of sales (weekly-seasonal, levels 5..500; every 5th SKU intermittent) in a temp cloud DB,
 * then:
 *   1. worker: one full forecast job through the real service path (openForecasting: the job, the
 *      sales read, demand cleaning and baselines on the worker thread in --chunk series chunks,
 *      factors, storing 14 days per series, the MAPE monitor, pruning); run time, series/s, and the
 *      main thread's event-loop delay during the job (perf_hooks.monitorEventLoopDelay, max and p99).
 *   2. inline: the same baselines computed by forecastBaselines called directly on the main thread,
 *      with its event-loop delay (demand cleaning, done first, is timed on its own and not in the
 *      delay); and whether the stored baselines of 1 equal these exactly.
 * Before any backtest every series uses ETS (Nelder-Mead fits), the heaviest baseline. Sales come
 * from a SalesHistory of prebuilt series, so reading them costs next to nothing here (the ledger's
 * read, LedgerSalesHistory, stays on the main thread and is not part of this measurement). The
 * ratio of the delays matters, not the absolutes. `phases`: when the job's message first changed
 * (seen by a 20 ms poll on the main thread, so a gap is also a stall). Progress on stderr, JSON
 * on stdout.
 *
 *   npm run bench -- forecast-run [--series 2000] [--days 540] [--chunk 100] [--seed 1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { systemClock } from '../connectors/clock.ts';
import { forecastBaselines } from '../cloud/forecasting/baseline-forecasts.ts';
import { addDays, dayOfMs } from '../cloud/forecasting/calendar-features.ts';
import { demandSeriesOf, HORIZON_DAYS } from '../cloud/forecasting/forecast-runs.ts';
import { openForecasting } from '../cloud/forecasting/open-forecasting.ts';
import type { SalesHistory, SalesSeries } from '../cloud/forecasting/forecasting-types.ts';
import { syntheticWeeklySales } from '../cloud/forecasting/testing/synthetic-series.ts';
import { openDatabase } from '../cloud/store/database.ts';
import { migrate } from '../cloud/store/migrations.ts';

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    series: { type: 'string', default: '2000' },
    days: { type: 'string', default: '540' },
    chunk: { type: 'string', default: '100' },
    seed: { type: 'string', default: '1' },
  },
});
const settings = { series: Number(args.series), days: Number(args.days), chunk: Number(args.chunk), seed: Number(args.seed) };
for (const [name, value] of Object.entries(settings)) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name}: expected a whole number of at least 1, found ${String(value)}`);
}
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const quiet = { info: () => {}, warn: () => {} };

/** Series built once; a read filters them (days by from/to) without building anything. */
class PrebuiltSalesHistory implements SalesHistory {
  constructor(private readonly all: readonly SalesSeries[]) {}
  keys() { return this.all.map(({ sku, location }) => ({ sku, location })); }
  series(filter: { sku?: string; location?: string; from?: string; to?: string } = {}): SalesSeries[] {
    return this.all
      .filter((one) => (filter.sku === undefined || one.sku === filter.sku) && (filter.location === undefined || one.location === filter.location))
      .map((one) => ({ ...one, days: one.days.filter((day) => (filter.from === undefined || day.day >= filter.from) && (filter.to === undefined || day.day <= filter.to)) }));
  }
}

/** Runs `work` while sampling the event loop's delay every 10 ms; delays in ms. */
async function withLoopDelay<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; loopDelay: { maxMs: number; p99Ms: number; meanMs: number } }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  // The first sample only sets the histogram's reference time: take it before the work starts
  // (reset() would clear that reference too, and the first stall would go unrecorded).
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  // One more turn so a delay that ended with the work is recorded.
  await new Promise((resolve) => setTimeout(resolve, 30));
  histogram.disable();
  return { result, ms, loopDelay: { maxMs: round(histogram.max / 1e6), p99Ms: round(histogram.percentile(99) / 1e6), meanMs: round(histogram.mean / 1e6, 2) } };
}

const dir = mkdtempSync(join(tmpdir(), 'edgestock-bench-forecast-run-'));
try {
  const file = join(dir, 'cloud.sqlite');
  const db = openDatabase(file);
  migrate(db);
  const today = dayOfMs(systemClock.now());
  const firstDay = addDays(today, -settings.days);
  const synthetic = syntheticWeeklySales({ skus: settings.series, days: settings.days, seed: settings.seed, noise: 0.2 });
  const dayNames = Array.from({ length: settings.days }, (_, day) => addDays(firstDay, day));
  const sales = new PrebuiltSalesHistory(synthetic.series.map((one, index) => ({
    sku: `SKU-${String(index).padStart(5, '0')}`,
    location: 'WH1',
    days: Array.from(one.values, (value, day) => ({ day: dayNames[day]!, qty: index % 5 === 4 && (day * 7 + index) % 6 !== 0 ? 0 : Math.round(value), censored: false })),
  })));
  progress(`${settings.series} series x ${settings.days} days generated; forecast job on the worker`);

  // 1. The service's forecast job, baselines on the worker.
  const service = openForecasting(file, { salesHistory: sales, clock: systemClock, logger: quiet, dailyRunMinute: null, forecastWorker: { chunkSeries: settings.chunk } });
  let progressSteps = 0;
  const phases: Array<{ atMs: number; message: string }> = [];
  const stalls: Array<{ atMs: number; gapMs: number; after: string }> = [];
  const worker = await withLoopDelay(async () => {
    const started = performance.now();
    const job = service.api.startJob('forecast', 'bench');
    let last = -1;
    let lastPoll = performance.now();
    // Polled as the admin UI would: each new progress value is one step of its bar.
    const poll = setInterval(() => {
      const { progress: current, message } = service.api.job(job.id)!;
      const now = performance.now();
      if (now - lastPoll > 120) stalls.push({ atMs: round(now - started, 0), gapMs: round(now - lastPoll, 0), after: phases.at(-1)?.message ?? 'start' });
      lastPoll = now;
      if (current !== last) { progressSteps++; last = current; }
      if (phases.at(-1)?.message !== message) phases.push({ atMs: round(performance.now() - started, 0), message });
    }, 20);
    await service.jobs.settled(job.id);
    clearInterval(poll);
    return service.api.job(job.id)!;
  });
  await service.close();
  if (worker.result.state !== 'done') throw new Error(`the forecast job ended ${worker.result.state}: ${worker.result.error ?? worker.result.message}`);
  progress(`worker: ${round(worker.ms / 1000, 2)} s, loop delay max ${worker.loopDelay.maxMs} ms; inline baselines next`);

  // 2. The same baselines inline, on this thread.
  const cleaningStarted = performance.now();
  const series = sales.series({ to: addDays(today, -1) }).filter((one) => one.days.length > 0).map(demandSeriesOf);
  const readAndCleanMs = performance.now() - cleaningStarted;
  const inline = await withLoopDelay(() => forecastBaselines(series, { horizonDays: HORIZON_DAYS }));
  progress(`inline: ${round(inline.ms / 1000, 2)} s, loop delay max ${inline.loopDelay.maxMs} ms`);

  const stored = db.prepare('SELECT baseline FROM forecast_value WHERE run_id = (SELECT MAX(id) FROM forecast_run) ORDER BY sku, location, step').all() as Array<{ baseline: number }>;
  const expected = inline.result.flatMap((one) => one.values);
  const identical = stored.length === expected.length && stored.every((row, i) => row.baseline === expected[i]);
  db.close();

  process.stdout.write(`${JSON.stringify({
    benchmark: 'forecast-run',
    machine: { cpus: cpus().length, node: process.version, loadAverage1m: round(loadavg()[0]!, 2) },
    settings: { ...settings, horizonDays: HORIZON_DAYS, model: 'ets for every series (no backtest yet)' },
    worker: {
      what: 'forecast job through openForecasting: read, clean, baselines on a worker thread, factors, store, monitor, prune',
      runSeconds: round(worker.ms / 1000, 2),
      seriesPerSecond: round(settings.series / (worker.ms / 1000)),
      mainThreadLoopDelay: worker.loopDelay,
      progressStepsSeen: progressSteps,
      jobMessage: worker.result.message,
      /** Poll gaps over 120 ms (the poll runs every 20 ms): where the main thread stalled. */
      stalls,
      phases: [...phases.filter((phase) => !/ of \d+ series forecast$/.test(phase.message)), { atMs: round(worker.ms, 0), message: 'done' }],
    },
    inline: {
      what: 'forecastBaselines called directly on the main thread (baselines only)',
      runSeconds: round(inline.ms / 1000, 2),
      seriesPerSecond: round(settings.series / (inline.ms / 1000)),
      mainThreadLoopDelay: inline.loopDelay,
      readAndCleanSecondsBefore: round(readAndCleanMs / 1000, 2),
    },
    loopDelayMaxRatioInlineToWorker: round(inline.loopDelay.maxMs / Math.max(worker.loopDelay.maxMs, 0.001), 1),
    storedBaselinesEqualInline: identical,
  }, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
