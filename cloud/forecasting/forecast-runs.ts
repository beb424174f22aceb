/**
 * Rolling forecasts (issue 8, items 2 and 4): a run forecasts every series 14 days from today with
 * its baseline (baseline-forecasts.ts), multiplies in the published factor set of scope 'global'
 * (decomposeForecast, with the calendar), puts an 80% interval around it, and stores it all, so
 * what a forecast said stays readable after the next run and the monitor can score it against
 * what was then sold. Reads serve the API (`SeriesForecast`) and replenishment (`ForecastSource`).
 * Demand cleaning and the baselines are the CPU-heavy part: the service runs them on a worker
 * thread (forecast-run-launch.ts via `computeBaselines`); SQLite reads and writes stay here.
 */
import type { SqliteDatabase } from '../store/database.ts';
import { forecastBaselines, type SeriesBaseline } from './baseline-forecasts.ts';
import { addDays, dayOfMs, dayStartMs, isoWeekdayOfDay, type CalendarOptions } from './calendar-features.ts';
import { cleanDemand } from './demand-cleaning.ts';
import { decomposeForecast, type FactorSet } from './factor-model.ts';
import type { DailySeries } from './forecast-windows.ts';
import type { ForecastDay, ForecastSource, SalesHistory, SalesSeries, SeriesForecast } from './forecasting-types.ts';
import type { ModelStore } from './model-store.ts';

export const HORIZON_DAYS = 14;
/** Days of actual sales shown before a forecast. */
export const HISTORY_DAYS_SHOWN = 56;
/** The factor scope forecasts use unless told otherwise (`factorScope`). */
export const FACTOR_SCOPE = 'global';
/** z of the standard normal at 90%: the 80% interval is forecast +- z x error sd. */
export const INTERVAL_Z = 1.2816;

/** Where published factors come from (FactorVersions satisfies it). */
export interface FactorSource {
  production(scope: string): { version: number; factors: FactorSet } | undefined;
}

export interface RunSummary { id: number; madeAt: number; from: string; series: number }

/** A series' forecast as stored: `SeriesForecast` without the history. */
export type StoredSeriesForecast = Omit<SeriesForecast, 'history'> & { errorSdPerDay: number };

/** Series explained between two turns of the event loop. */
const EXPLAIN_SLICE_SERIES = 50;

/** Lets timers and I/O run between two slices of main-thread work. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const seriesKey = (sku: string, location: string) => `${sku}\u001f${location}`;

/** A series' sales as they were. */
export function dailySeriesOf(sales: SalesSeries): DailySeries {
  const id = seriesKey(sales.sku, sales.location);
  const values = sales.days.map((day) => day.qty);
  const first = sales.days[0];
  return first === undefined ? { id, values, firstIsoWeekday: 1 } : { id, values, firstIsoWeekday: isoWeekdayOfDay(first.day), firstDate: first.day };
}

/**
 * A series' demand as the models learn it (demand-cleaning.ts): stock-out days (censored) raised
 * to the demand expected that day, outliers capped, so a model neither learns that empty shelves
 * mean no demand nor repeats a one-off spike. Sales as they were when cleaning cannot run.
 */
export function demandSeriesOf(sales: SalesSeries): DailySeries {
  const raw = dailySeriesOf(sales);
  if (sales.days.length < 14) return raw;
  try {
    const cleaned = cleanDemand({ firstDay: sales.days[0]!.day, sales: raw.values as number[], closingStock: sales.days.map((day) => (day.censored ? 0 : null)) });
    return { ...raw, values: cleaned.demand };
  } catch {
    return raw;
  }
}

/** What forecastBaselines needs besides the series, without the signal: plain, structured-cloneable data. */
export type BaselineContext = Omit<Parameters<typeof forecastBaselines>[1], 'signal'>;

export interface BaselineHooks {
  readonly signal?: AbortSignal;
  /** `done` of `total` series have their baselines. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * How a run turns sales into baselines (demandSeriesOf, then forecastBaselines), one per series in
 * order: inline here, or on a worker thread (forecast-run-launch.ts).
 */
export type BaselineComputer = (sales: readonly SalesSeries[], context: BaselineContext, hooks?: BaselineHooks) => Promise<SeriesBaseline[]>;

/** Cleaning and forecastBaselines on the calling thread, in one piece. */
export const inlineBaselines: BaselineComputer = async (sales, context, hooks = {}) => {
  const baselines = await forecastBaselines(sales.map(demandSeriesOf), { ...context, ...(hooks.signal === undefined ? {} : { signal: hooks.signal }) });
  hooks.onProgress?.(sales.length, sales.length);
  return baselines;
};

export interface ForecastRunDeps {
  readonly db: SqliteDatabase;
  readonly salesHistory: SalesHistory;
  readonly models: ModelStore;
  readonly factors: FactorSource;
  readonly calendar?: CalendarOptions;
  /** The FactorVersions scope whose production set applies; FACTOR_SCOPE by default. */
  readonly factorScope?: string;
  readonly clock: { now(): number };
  /** Where the baselines are computed; inlineBaselines when absent (open-forecasting.ts uses a worker). */
  readonly computeBaselines?: BaselineComputer;
}

interface SeriesRow { run_id: number; made_at: number; from_day: string; sku: string; location: string; model: string; demand_class: string; why: string; factor_version: number | null; error_sd_per_day: number }
interface ValueRow { day: string; baseline: number; forecast: number; lower: number; upper: number; factors: string }

export class ForecastRuns implements ForecastSource {
  constructor(private readonly deps: ForecastRunDeps) {}

  /** Forecasts every series with sales from the day of `now`; stores and summarises the run. */
  async run(now: number, options: { jobId?: number; signal?: AbortSignal; onProgress?: (fraction: number, message: string) => void } = {}): Promise<RunSummary> {
    const from = dayOfMs(now);
    const sales = this.deps.salesHistory.series({ to: addDays(from, -1) }).filter((one) => one.days.length > 0);
    options.onProgress?.(0.1, `${sales.length} series read; forecasting`);
    const backtest = this.deps.models.latestBacktest();
    const model = this.deps.models.latestModel();
    const compute = this.deps.computeBaselines ?? inlineBaselines;
    const baselines = await compute(sales, {
      horizonDays: HORIZON_DAYS,
      ...(backtest === undefined ? {} : { backtest: { result: backtest.result, spread: backtest.spread } }),
      ...(model === undefined ? {} : { model }),
      ...(this.deps.calendar === undefined ? {} : { calendar: this.deps.calendar }),
    }, {
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onProgress: (done, total) => options.onProgress?.(0.1 + 0.7 * (done / Math.max(1, total)), `${done} of ${total} series forecast`),
    });
    options.signal?.throwIfAborted();
    options.onProgress?.(0.8, `${sales.length} baselines made; applying factors`);
    const production = this.deps.factors.production(this.deps.factorScope ?? FACTOR_SCOPE);
    // Explained in slices with a turn of the event loop between them, so requests are served meanwhile.
    const forecasts: StoredSeriesForecast[] = [];
    for (let start = 0; start < sales.length; start += EXPLAIN_SLICE_SERIES) {
      await yieldToEventLoop();
      options.signal?.throwIfAborted();
      for (let index = start; index < Math.min(sales.length, start + EXPLAIN_SLICE_SERIES); index++) forecasts.push(this.explain(sales[index]!, baselines[index]!, from, now, production));
    }
    options.onProgress?.(0.9, `storing ${forecasts.length} forecasts`);
    await yieldToEventLoop();
    options.signal?.throwIfAborted();
    return this.store({ madeAt: now, from, forecasts }, options.jobId ?? null);
  }

  /** Stores a run as given (the run above, or a test's hand-built forecasts). */
  store(run: { madeAt: number; from: string; forecasts: StoredSeriesForecast[] }, jobId: number | null = null): RunSummary {
    dayStartMs(run.from, 'from');
    const write = this.deps.db.transaction(() => {
      const id = Number(this.deps.db.prepare('INSERT INTO forecast_run (made_at, from_day, series, job_id) VALUES (?, ?, ?, ?)').run(run.madeAt, run.from, run.forecasts.length, jobId).lastInsertRowid);
      const series = this.deps.db.prepare('INSERT INTO forecast_series (run_id, sku, location, model, demand_class, why, factor_version, error_sd_per_day) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      const value = this.deps.db.prepare('INSERT INTO forecast_value (run_id, sku, location, day, step, baseline, forecast, lower, upper, factors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
      for (const forecast of run.forecasts) {
        series.run(id, forecast.sku, forecast.location, forecast.model, forecast.demandClass, forecast.why, forecast.factorVersion, forecast.errorSdPerDay);
        forecast.days.forEach((day, step) => value.run(id, forecast.sku, forecast.location, day.day, step, day.baseline, day.forecast, day.lower, day.upper, JSON.stringify(day.factors)));
      }
      return id;
    });
    const id = write.immediate();
    return { id, madeAt: run.madeAt, from: run.from, series: run.forecasts.length };
  }

  latestRun(): RunSummary | undefined {
    const row = this.deps.db.prepare('SELECT id, made_at, from_day, series FROM forecast_run ORDER BY id DESC LIMIT 1').get() as { id: number; made_at: number; from_day: string; series: number } | undefined;
    return row === undefined ? undefined : { id: row.id, madeAt: row.made_at, from: row.from_day, series: row.series };
  }

  /** The newest forecast of a series, with its recent history; undefined when it has none. */
  forecast(sku: string, location: string): SeriesForecast | undefined {
    const stored = this.stored(sku, location);
    if (stored === undefined) return undefined;
    const history = this.deps.salesHistory.series({ sku, location, from: addDays(stored.from, -HISTORY_DAYS_SHOWN), to: addDays(stored.from, -1) })
      .find((one) => one.sku === sku && one.location === location)?.days ?? [];
    const { errorSdPerDay: _unused, ...rest } = stored;
    return { ...rest, history: history.slice(-HISTORY_DAYS_SHOWN) };
  }

  /** Every series of the newest run: its class and model. */
  latestSeries(): Array<{ sku: string; location: string; demandClass: string; model: string }> {
    const run = this.latestRun();
    if (run === undefined) return [];
    return (this.deps.db.prepare('SELECT sku, location, demand_class, model FROM forecast_series WHERE run_id = ? ORDER BY sku, location').all(run.id) as Array<{ sku: string; location: string; demand_class: string; model: string }>)
      .map((row) => ({ sku: row.sku, location: row.location, demandClass: row.demand_class, model: row.model }));
  }

  /**
   * Per day from `fromDay` to `toDay`, the forecast that was current that morning: from the newest
   * run made from that day or before it.
   */
  forecastsFor(sku: string, location: string, fromDay: string, toDay: string): Map<string, number> {
    const rows = this.deps.db
      .prepare(`SELECT v.day, v.forecast FROM forecast_value v JOIN forecast_run r ON r.id = v.run_id
                WHERE v.sku = ? AND v.location = ? AND v.day BETWEEN ? AND ? AND r.from_day <= v.day
                ORDER BY v.day, r.from_day DESC, r.id DESC`)
      .all(sku, location, fromDay, toDay) as Array<{ day: string; forecast: number }>;
    const byDay = new Map<string, number>();
    for (const row of rows) if (!byDay.has(row.day)) byDay.set(row.day, row.forecast);
    return byDay;
  }

  /** Series that have any stored forecast (the monitor scores these). */
  forecastedSeries(): Array<{ sku: string; location: string }> {
    return this.deps.db.prepare('SELECT DISTINCT sku, location FROM forecast_series ORDER BY sku, location').all() as Array<{ sku: string; location: string }>;
  }

  /** ForecastSource: daily forecasts from tomorrow; beyond the stored days, the mean of the last 7. */
  demand(sku: string, location: string, days: number): { daily: number[]; errorSdPerDay: number; model: string } | undefined {
    if (!Number.isInteger(days) || days < 1) throw new RangeError(`days: expected a whole number of days >= 1, found ${String(days)}`);
    const stored = this.stored(sku, location);
    if (stored === undefined) return undefined;
    const tomorrow = addDays(dayOfMs(this.deps.clock.now()), 1);
    const ahead = stored.days.filter((day) => day.day >= tomorrow).map((day) => day.forecast);
    const lastWeek = stored.days.slice(-7).map((day) => day.forecast);
    const tail = lastWeek.reduce((sum, value) => sum + value, 0) / Math.max(1, lastWeek.length);
    const daily = Array.from({ length: days }, (_, index) => ahead[index] ?? tail);
    return { daily, errorSdPerDay: stored.errorSdPerDay, model: stored.model };
  }

  private stored(sku: string, location: string): StoredSeriesForecast | undefined {
    const row = this.deps.db
      .prepare(`SELECT s.*, r.made_at, r.from_day FROM forecast_series s JOIN forecast_run r ON r.id = s.run_id WHERE s.sku = ? AND s.location = ? ORDER BY s.run_id DESC LIMIT 1`)
      .get(sku, location) as SeriesRow | undefined;
    if (row === undefined) return undefined;
    const values = this.deps.db.prepare('SELECT day, baseline, forecast, lower, upper, factors FROM forecast_value WHERE run_id = ? AND sku = ? AND location = ? ORDER BY step').all(row.run_id, sku, location) as ValueRow[];
    return {
      sku, location, madeAt: row.made_at, from: row.from_day, model: row.model, demandClass: row.demand_class, why: row.why, factorVersion: row.factor_version, errorSdPerDay: row.error_sd_per_day,
      days: values.map((value) => ({ day: value.day, baseline: value.baseline, forecast: value.forecast, lower: value.lower, upper: value.upper, factors: JSON.parse(value.factors) as ForecastDay['factors'] })),
    };
  }

  private explain(sales: SalesSeries, baseline: SeriesBaseline, from: string, madeAt: number, production: { version: number; factors: FactorSet } | undefined): StoredSeriesForecast {
    const baselineDays = baseline.values.map((value, step) => ({ day: addDays(from, step), baseline: value }));
    const decomposed = decomposeForecast(baselineDays, production?.factors ?? { factors: [] }, this.deps.calendar === undefined ? {} : { calendar: this.deps.calendar });
    const days: ForecastDay[] = decomposed.map((day, step) => {
      const product = day.factors.reduce((total, factor) => total * factor.value, 1);
      const halfWidth = INTERVAL_Z * baseline.errorSd[step]! * product;
      return { day: day.day, baseline: day.baseline, forecast: day.forecast, lower: Math.max(0, day.forecast - halfWidth), upper: day.forecast + halfWidth, factors: day.factors.map((factor) => ({ ...factor })) };
    });
    const errorSdPerDay = baseline.errorSd.reduce((sum, sd) => sum + sd, 0) / Math.max(1, baseline.errorSd.length);
    return { sku: sales.sku, location: sales.location, madeAt, from, model: baseline.model, demandClass: baseline.demandClass, why: baseline.why, factorVersion: production?.version ?? null, errorSdPerDay, days };
  }
}
