/**
 * Opens the forecasting service on the cloud's SQLite file (migrations are applied by the store):
 * jobs with progress (training and backtests on a worker thread, the forecast run), the model and
 * backtest store, rolling forecasts (their baselines computed on a worker thread too), the MAPE
 * monitor and its review tasks, and a daily timer on the injected clock that runs the forecast job
 * (which then updates the monitor and prunes runs older than `keepRunsDays`).
 *
 * Composition (cloud-service.ts): give it the sales history (LedgerSalesHistory) and, optionally,
 * the published factors (FactorVersions on the same file by default); register
 * cloud/web/routes/forecasting.ts with `api`; hand `forecasts` to replenishment; `close` on shutdown.
 */
import type { Clock } from '../../connectors/clock.ts';
import { openDatabase } from '../store/database.ts';
import { DEFAULT_BACKTEST_SETTINGS, type BacktestSettings } from './backtest-task.ts';
import type { BacktestSeries } from './backtest.ts';
import { addDays, dayOfMs, dayStartMs, DAY_MS, type CalendarOptions } from './calendar-features.ts';
import { FactorVersions } from './factor-versions.ts';
import { ForecastJobs, type JobContext, type JobLogger } from './forecast-jobs.ts';
import { workerBaselines, type WorkerBaselineOptions } from './forecast-run-launch.ts';
import { checkKeepRunsDays, DEFAULT_KEEP_RUNS_DAYS, pruneForecastRuns } from './forecast-run-retention.ts';
import { demandSeriesOf, FACTOR_SCOPE, ForecastRuns, yieldToEventLoop, type FactorSource } from './forecast-runs.ts';
import { ForecastingError } from './forecasting-errors.ts';
import type { ForecastJob, ForecastSource, JobKind, MonitorWeek, ReviewTask, SalesHistory, SeriesForecast } from './forecasting-types.ts';
import { MAPE_THRESHOLD, MapeMonitor, mondayOf } from './mape-monitor.ts';
import { ModelStore } from './model-store.ts';
import { ReviewTasks } from './review-tasks.ts';
import { DEFAULT_TRAIN_SETTINGS, type TrainSettings } from './training-task.ts';
import type { HolidayCalendarName, LstmCalendar } from './lstm-calendar-features.ts';
import { runInWorker } from './worker-launch.ts';

/** The daily forecast run starts this many minutes after midnight UTC. */
export const DEFAULT_DAILY_RUN_MINUTE = 60;

export interface ForecastingStatus {
  model: { id: number; trainedAt: number; hiddenSize: number; epochs: number; validationLoss: number; series: number } | null;
  lastRun: { madeAt: number; from: string; series: number } | null;
  jobs: ForecastJob[];
}

export interface BacktestSummary {
  madeAt: number;
  horizonDays: number;
  folds: number;
  models: string[];
  pooled: Record<string, { mape: number | null; wape: number | null; mase: number | null }>;
  champion: string | null;
  classes: Array<{ demandClass: string; seriesCount: number; champion: string | null; metrics: Record<string, { mape: number | null; wape: number | null; mase: number | null }> }>;
  /** Per model: how much lower its WAPE is than seasonal naive's, in percent (negative: worse). */
  vsSeasonalNaive: Record<string, number | null>;
}

export interface SeriesOverview { sku: string; location: string; demandClass: string; model: string; lastWeekMape: number | null; openReview: number | null }

/** What the web routes (cloud/web/routes/forecasting.ts) use. */
export interface ForecastingApi {
  status(): ForecastingStatus;
  startJob(kind: JobKind, actor: string): ForecastJob;
  job(id: number): ForecastJob | undefined;
  cancelJob(id: number): ForecastJob;
  series(): SeriesOverview[];
  forecast(sku: string, location: string): SeriesForecast | undefined;
  backtest(): BacktestSummary | undefined;
  monitor(filter: { sku?: string; location?: string; weeks?: number }): { threshold: number; weeks: MonitorWeek[] };
  reviews(state?: 'open' | 'closed'): ReviewTask[];
  closeReview(id: number, actor: string, note: unknown): ReviewTask;
}

export interface OpenForecastingOptions {
  salesHistory: SalesHistory;
  clock: Clock;
  logger: JobLogger;
  /** Published factors; FactorVersions on the same file when absent. */
  factors?: FactorSource;
  /** Promotions, events and the Spring Festival window for the factors. */
  calendar?: CalendarOptions;
  /** The factor scope whose production set forecasts use; FACTOR_SCOPE ('global') by default. */
  factorScope?: string;
  /**
   * Whose public holidays the LSTM learns as input features (lstm-calendar-features.ts): 'china'
   * (default; the Spring Festival window too) or 'us'; null trains on the weekday alone.
   */
  lstmHolidays?: HolidayCalendarName | null;
  train?: Partial<TrainSettings>;
  backtest?: Partial<BacktestSettings>;
  /** Minutes after midnight UTC of the daily forecast run; null: no timer (tests run jobs themselves). */
  dailyRunMinute?: number | null;
  /**
   * Forecast runs made from a day more than this many days ago are deleted after each run;
   * DEFAULT_KEEP_RUNS_DAYS (120) by default, at least MIN_KEEP_RUNS_DAYS (what the monitor reads).
   */
  keepRunsDays?: number;
  /** The forecast run's worker: series per chunk (progress steps), and a look at the thread for tests. */
  forecastWorker?: WorkerBaselineOptions;
}

export interface OpenForecasting {
  api: ForecastingApi;
  jobs: ForecastJobs;
  /** For replenishment. */
  forecasts: ForecastSource;
  runs: ForecastRuns;
  models: ModelStore;
  monitor: MapeMonitor;
  reviews: ReviewTasks;
  /** Starts the forecast job the daily timer starts; undefined when one is already running. */
  runDaily(): ForecastJob | undefined;
  close(): Promise<void>;
}

const SYSTEM_ACTOR = 'system';

export function openForecasting(file: string, options: OpenForecastingOptions): OpenForecasting {
  const { clock, logger, salesHistory } = options;
  const keepRunsDays = options.keepRunsDays === undefined ? DEFAULT_KEEP_RUNS_DAYS : checkKeepRunsDays(options.keepRunsDays);
  const db = openDatabase(file);
  let timer: unknown;
  let closed = false;
  try {
    const jobs = new ForecastJobs(db, clock, logger);
    const interrupted = jobs.recoverInterrupted();
    if (interrupted > 0) logger.warn({ jobs: interrupted }, `forecasting jobs left running by a restart were marked failed (${interrupted})`);
    const models = new ModelStore(db);
    const factors = options.factors ?? new FactorVersions(db, () => clock.now());
    const runs = new ForecastRuns({
      db, salesHistory, models, factors, clock, computeBaselines: workerBaselines(options.forecastWorker),
      ...(options.calendar === undefined ? {} : { calendar: options.calendar }),
      ...(options.factorScope === undefined ? {} : { factorScope: options.factorScope }),
    });
    const reviews = new ReviewTasks(db, () => clock.now());
    const monitor = new MapeMonitor(db, salesHistory, runs, reviews);
    // The LSTM learns the calendar the factors use (its promotions and Spring Festival window) with the chosen holidays.
    const lstmHolidays = options.lstmHolidays === undefined ? 'china' : options.lstmHolidays;
    const lstmCalendar: LstmCalendar | undefined = lstmHolidays === null ? undefined : {
      holidays: lstmHolidays,
      ...(options.calendar?.ranges ? { ranges: options.calendar.ranges } : {}),
      ...(options.calendar?.springFestivalWindow ? { springFestivalWindow: options.calendar.springFestivalWindow } : {}),
    };
    const trainSettings: TrainSettings = { ...DEFAULT_TRAIN_SETTINGS, ...(lstmCalendar ? { calendar: lstmCalendar } : {}), ...options.train };
    const backtestDefaults = { ...DEFAULT_BACKTEST_SETTINGS, ...options.backtest };
    const backtestSettings: BacktestSettings = lstmCalendar && backtestDefaults.lstm.calendar === undefined
      ? { ...backtestDefaults, lstm: { ...backtestDefaults.lstm, calendar: lstmCalendar } } : backtestDefaults;

    const historyUpToYesterday = () => salesHistory.series({ to: addDays(dayOfMs(clock.now()), -1) }).filter((one) => one.days.length > 0);

    const tasks: Record<JobKind, (context: JobContext) => Promise<string>> = {
      train: async (context) => {
        const series = historyUpToYesterday().map(demandSeriesOf);
        context.report(0.02, `training on ${series.length} series`);
        const reply = await runInWorker({ kind: 'train', series, settings: trainSettings }, {
          signal: context.signal,
          onMessage: (message) => {
            if (message.type !== 'epoch') return;
            context.report(0.95 * (message.epoch / message.maxEpochs), `epoch ${message.epoch} of at most ${message.maxEpochs}: validation loss ${message.validationLoss.toFixed(4)}`, { x: message.epoch, y: message.validationLoss, label: 'validation' });
          },
        });
        if (reply.type !== 'trained') throw new Error(`the training worker answered ${reply.type}`);
        const stored = models.saveModel(reply.model, clock.now(), context.jobId);
        const { metadata } = stored;
        return `model ${stored.id}: ${metadata.series} series, best epoch ${metadata.bestEpoch} of ${metadata.epochs}, validation loss ${metadata.validationLoss.toFixed(4)}${metadata.skippedSeries > 0 ? `; ${metadata.skippedSeries} series too short, left out` : ''}`;
      },
      backtest: async (context) => {
        const series: BacktestSeries[] = historyUpToYesterday().map((one) => ({ ...demandSeriesOf(one), firstDate: one.days[0]!.day }));
        context.report(0.02, `backtesting ${backtestSettings.models.join(', ')} on ${series.length} series`);
        const reply = await runInWorker({ kind: 'backtest', series, settings: backtestSettings }, {
          signal: context.signal,
          onMessage: (message) => {
            if (message.type !== 'fold') return;
            context.report(0.98 * (message.completed / message.total), `fold ${message.fold + 1} of ${backtestSettings.folds}: ${message.model}`,
              message.wapeSoFar === null ? undefined : { x: message.completed, y: message.wapeSoFar, label: message.model });
          },
        });
        if (reply.type !== 'backtested') throw new Error(`the training worker answered ${reply.type}`);
        models.saveBacktest(reply.outcome.result, reply.outcome.spread, clock.now(), context.jobId);
        const { result, skippedSeries } = reply.outcome;
        return `champion ${result.champion ?? 'none'} over ${result.series.length} series${skippedSeries > 0 ? ` (${skippedSeries} too short, left out)` : ''}`;
      },
      forecast: async (context) => {
        const now = clock.now();
        const run = await runs.run(now, { jobId: context.jobId, signal: context.signal, onProgress: (fraction, message) => context.report(fraction * 0.9, message) });
        context.report(0.95, 'updating the MAPE monitor');
        await yieldToEventLoop();
        const opened = monitor.update(now);
        context.report(0.98, `pruning runs older than ${keepRunsDays} days`);
        await yieldToEventLoop();
        const { pruned } = pruneForecastRuns(db, run.from, keepRunsDays);
        return `run ${run.id}: ${run.series} series from ${run.from}${opened.length > 0 ? `; ${opened.length} review task(s) opened` : ''}; ${pruned} run(s) older than ${keepRunsDays} days pruned`;
      },
    };

    const startJob = (kind: JobKind, actor: string) => jobs.start(kind, actor, tasks[kind]);

    const runDaily = (): ForecastJob | undefined => {
      if (jobs.isRunning('forecast')) return undefined;
      return startJob('forecast', SYSTEM_ACTOR);
    };

    const dailyMinute = options.dailyRunMinute === undefined ? DEFAULT_DAILY_RUN_MINUTE : options.dailyRunMinute;
    const schedule = () => {
      if (closed || dailyMinute === null) return;
      const now = clock.now();
      let next = dayStartMs(dayOfMs(now)) + dailyMinute * 60_000;
      if (next <= now) next += DAY_MS;
      timer = clock.setTimeout(() => {
        if (closed) return;
        try {
          runDaily();
        } catch (error) {
          logger.warn({ err: error }, 'could not start the daily forecast run; trying again tomorrow');
        }
        schedule();
      }, next - now);
    };
    schedule();

    const api: ForecastingApi = {
      status: () => {
        const model = models.latestModel();
        const lastRun = runs.latestRun();
        return {
          model: model === undefined ? null : { id: model.id, trainedAt: model.trainedAt, hiddenSize: model.metadata.hiddenSize, epochs: model.metadata.epochs, validationLoss: model.metadata.validationLoss, series: model.metadata.series },
          lastRun: lastRun === undefined ? null : { madeAt: lastRun.madeAt, from: lastRun.from, series: lastRun.series },
          jobs: jobs.list(20),
        };
      },
      startJob,
      job: (id) => jobs.get(id),
      cancelJob: (id) => jobs.cancel(id),
      series: () => {
        const lastWeek = addDays(mondayOf(dayOfMs(clock.now())), -7);
        return runs.latestSeries().map((one) => ({
          ...one,
          lastWeekMape: monitor.week(one.sku, one.location, lastWeek)?.mape ?? null,
          openReview: reviews.openOf(one.sku, one.location)?.id ?? null,
        }));
      },
      forecast: (sku, location) => runs.forecast(sku, location),
      backtest: () => {
        const stored = models.latestBacktest();
        if (stored === undefined) return undefined;
        const { result } = stored;
        const metricsOf = (metrics: BacktestSummary['pooled']) => Object.fromEntries(Object.entries(metrics).map(([name, m]) => [name, { mape: m.mape, wape: m.wape, mase: m.mase }]));
        const naive = result.pooled.snaive?.wape ?? null;
        return {
          madeAt: stored.madeAt,
          horizonDays: result.horizonDays,
          folds: result.folds,
          models: [...result.models],
          pooled: metricsOf(result.pooled),
          champion: result.champion,
          classes: result.classes.map((one) => ({ demandClass: one.demandClass, seriesCount: one.series.length, champion: one.champion, metrics: metricsOf(one.metrics) })),
          vsSeasonalNaive: Object.fromEntries(result.models.map((name) => {
            const wape = result.pooled[name]?.wape ?? null;
            return [name, naive === null || naive === 0 || wape === null ? null : Math.round(((naive - wape) / naive) * 1000) / 10];
          })),
        };
      },
      monitor: (filter) => ({ threshold: MAPE_THRESHOLD, weeks: monitor.weeks(clock.now(), filter) }),
      reviews: (state) => reviews.list(state),
      closeReview: (id, actor, note) => reviews.close(id, { actor, note }),
    };

    return {
      api, jobs, forecasts: runs, runs, models, monitor, reviews, runDaily,
      close: async () => {
        if (closed) return;
        closed = true;
        if (timer !== undefined) clock.clearTimeout(timer);
        await jobs.close();
        db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

export { FACTOR_SCOPE, ForecastingError };
