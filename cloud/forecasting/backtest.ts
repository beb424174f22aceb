/**
 * The rolling-origin backtest (Tashman 2000): the honest way to say which model forecasts best.
 * For fold k = 0..N-1 the origin of every series is day n - H - (N-1-k)*stride; each model is fitted
 * on the days before the origin only (a copy, so no model can read ahead) and forecasts the H days
 * from it, which are then scored. Errors pool per model per series, per model overall, and per
 * Syntetos-Boylan demand class, whose champion is the model with the lowest pooled WAPE.
 *
 * Series are classified on the history before the first origin, so the class too is what a
 * planner could have known at the time.
 */
import { classifyDemand, type DemandClass, type DemandClassification } from './demand-class.ts';
import { DEFAULT_SEASON_DAYS, MetricAccumulator, seasonalNaiveScale, type ErrorMetrics } from './forecast-metrics.ts';
import type { DailySeries } from './forecast-windows.ts';
import type { GlobalForecaster } from './baselines/forecaster.ts';

const DAY_MS = 86_400_000;

export interface BacktestSeries extends DailySeries {
  /** ISO date (YYYY-MM-DD) of values[0]; origins are then reported as dates too, and every fold's history keeps it (the calendar-aware models need it). */
  readonly firstDate?: string;
}

export interface BacktestOptions {
  readonly horizonDays: number;
  readonly folds: number;
  /** Days between consecutive origins; the horizon (folds side by side, no overlap) when absent. */
  readonly strideDays?: number;
  /** The season of MASE's seasonal-naive scale. */
  readonly seasonDays?: number;
  readonly models: readonly GlobalForecaster[];
  readonly onProgress?: (progress: BacktestProgress) => void;
  readonly signal?: AbortSignal;
}

export interface BacktestProgress {
  /** Model-folds finished, of `total` = models x folds. */
  readonly completed: number;
  readonly total: number;
  readonly model: string;
  readonly fold: number;
  readonly fitMs: number;
}

export interface SeriesBacktest extends DemandClassification {
  readonly id: string;
  readonly days: number;
  /** Index of the first forecast day of each fold. */
  readonly originIndexes: readonly number[];
  readonly originDates?: readonly string[];
  readonly metrics: Readonly<Record<string, ErrorMetrics>>;
}

export interface ClassBacktest {
  readonly demandClass: DemandClass;
  readonly series: readonly string[];
  readonly metrics: Readonly<Record<string, ErrorMetrics>>;
  /** The model with the lowest WAPE over this class; null if no model has a WAPE here. */
  readonly champion: string | null;
}

export interface BacktestResult {
  readonly horizonDays: number;
  readonly folds: number;
  readonly strideDays: number;
  readonly seasonDays: number;
  readonly models: readonly string[];
  readonly pooled: Readonly<Record<string, ErrorMetrics>>;
  /** The model with the lowest WAPE over every series. */
  readonly champion: string | null;
  readonly classes: readonly ClassBacktest[];
  readonly series: readonly SeriesBacktest[];
  /** Total time each model spent fitting and forecasting, over every fold. */
  readonly modelMs: Readonly<Record<string, number>>;
}

export async function runBacktest(series: readonly BacktestSeries[], options: BacktestOptions): Promise<BacktestResult> {
  const settings = checkOptions(series, options);
  const { horizonDays, folds, strideDays, seasonDays } = settings;
  const names = options.models.map((model) => model.name);
  const originsOf = (one: BacktestSeries) => Array.from({ length: folds }, (_, k) => one.values.length - horizonDays - (folds - 1 - k) * strideDays);
  const origins = series.map(originsOf);
  const accumulators = series.map(() => new Map(names.map((name) => [name, new MetricAccumulator()])));
  const modelMs: Record<string, number> = Object.fromEntries(names.map((name) => [name, 0]));
  const total = folds * options.models.length;
  let completed = 0;

  for (let fold = 0; fold < folds; fold++) {
    // Fold histories start where the series starts, so its first date still holds (models that use the calendar need it).
    const histories = series.map((one, s) => ({
      id: one.id, firstIsoWeekday: one.firstIsoWeekday, ...(one.firstDate === undefined ? {} : { firstDate: one.firstDate }),
      values: Float64Array.from({ length: origins[s]![fold]! }, (_, i) => one.values[i]!),
    }));
    const actuals = series.map((one, s) => Float64Array.from({ length: horizonDays }, (_, h) => one.values[origins[s]![fold]! + h]!));
    const scales = histories.map((history) => seasonalNaiveScale(history.values, seasonDays));
    for (const model of options.models) {
      options.signal?.throwIfAborted();
      const startedAt = performance.now();
      const fitted = await model.fitAll(histories, { horizonDays, ...(options.signal === undefined ? {} : { signal: options.signal }) });
      let forecasts: Float64Array[];
      try {
        forecasts = await fitted.forecast(horizonDays);
      } finally {
        await fitted.close();
      }
      const fitMs = performance.now() - startedAt;
      modelMs[model.name]! += fitMs;
      if (forecasts.length !== series.length || forecasts.some((forecast) => forecast.length !== horizonDays)) {
        throw new Error(`model ${model.name}: expected ${series.length} forecasts of ${horizonDays} days, found ${forecasts.map((forecast) => forecast.length).join(', ')}`);
      }
      forecasts.forEach((forecast, s) => accumulators[s]!.get(model.name)!.add(actuals[s]!, forecast, scales[s]!));
      completed++;
      options.onProgress?.({ completed, total, model: model.name, fold, fitMs });
    }
  }

  const seriesResults: SeriesBacktest[] = series.map((one, s) => ({
    id: one.id,
    days: one.values.length,
    ...classifyDemand(Array.from({ length: origins[s]![0]! }, (_, i) => one.values[i]!)),
    originIndexes: origins[s]!,
    ...(one.firstDate === undefined ? {} : { originDates: origins[s]!.map((index) => addDays(one.firstDate!, index)) }),
    metrics: Object.fromEntries(names.map((name) => [name, accumulators[s]!.get(name)!.result()])),
  }));
  const pooledOver = (indexes: number[]) =>
    Object.fromEntries(
      names.map((name) => {
        const pooled = new MetricAccumulator();
        for (const s of indexes) pooled.merge(accumulators[s]!.get(name)!);
        return [name, pooled.result()];
      }),
    );
  const pooled = pooledOver(series.map((_, s) => s));
  const classOrder: DemandClass[] = ['smooth', 'erratic', 'intermittent', 'lumpy', 'no-demand'];
  const classes = classOrder.flatMap((demandClass) => {
    const members = seriesResults.flatMap((one, s) => (one.demandClass === demandClass ? [s] : []));
    if (members.length === 0) return [];
    const metrics = pooledOver(members);
    return [{ demandClass, series: members.map((s) => series[s]!.id), metrics, champion: lowestWape(metrics, names) }];
  });
  return { horizonDays, folds, strideDays, seasonDays, models: names, pooled, champion: lowestWape(pooled, names), classes, series: seriesResults, modelMs };
}

function lowestWape(metrics: Record<string, ErrorMetrics>, names: readonly string[]): string | null {
  let best: string | null = null;
  for (const name of names) {
    const wape = metrics[name]!.wape;
    if (wape !== null && (best === null || wape < metrics[best]!.wape!)) best = name;
  }
  return best;
}

function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function checkOptions(series: readonly BacktestSeries[], options: BacktestOptions) {
  const strideDays = options.strideDays ?? options.horizonDays;
  const seasonDays = options.seasonDays ?? DEFAULT_SEASON_DAYS;
  const problems: string[] = [];
  const given = { horizonDays: options.horizonDays, folds: options.folds, seasonDays, ...(options.strideDays === undefined ? {} : { strideDays }) };
  for (const [name, value] of Object.entries(given)) {
    if (!Number.isInteger(value) || value < 1) problems.push(`${name}: expected a whole number of at least 1, found ${String(value)}`);
  }
  if (series.length === 0) problems.push('series: expected at least one series, found none');
  if (options.models.length === 0) problems.push('models: expected at least one model, found none');
  const names = options.models.map((model) => model.name);
  const repeated = names.filter((name, i) => names.indexOf(name) !== i);
  if (repeated.length > 0) problems.push(`models: expected distinct names, found ${repeated.join(', ')} more than once`);
  const ids = series.map((one) => one.id);
  const repeatedIds = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (repeatedIds.length > 0) problems.push(`series: expected distinct ids, found "${repeatedIds[0]}" more than once`);
  if (problems.length === 0) {
    // The first origin needs more than a season of history (MASE's scale) plus the backtested days.
    const needed = options.horizonDays + (options.folds - 1) * strideDays + seasonDays + 1;
    const short = series.filter((one) => one.values.length < needed);
    if (short.length > 0) {
      problems.push(
        `series ${short.slice(0, 3).map((one) => `"${one.id}" (${one.values.length} days)`).join(', ')}: ${options.folds} folds of ${options.horizonDays} days every ${strideDays} days need at least ${needed} days; use fewer folds or drop the short series`,
      );
    }
    for (const one of series) {
      const bad = Array.prototype.findIndex.call(one.values, (value: number) => !Number.isFinite(value));
      if (bad >= 0) problems.push(`series "${one.id}" day ${bad}: expected a finite number, found ${String(one.values[bad])}`);
      if (one.firstDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(one.firstDate)) problems.push(`series "${one.id}" firstDate: expected YYYY-MM-DD, found "${one.firstDate}"`);
    }
  }
  if (problems.length > 0) throw new RangeError(`Cannot run the backtest: ${problems.join('; ')}`);
  return { horizonDays: options.horizonDays, folds: options.folds, strideDays, seasonDays };
}
