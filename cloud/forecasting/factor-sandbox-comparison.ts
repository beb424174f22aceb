/**
 * The sandbox's backtest against production on real sales history (issue 8, item 4): before a
 * planner publishes a factor edit, the last N weeks of every series are forecast again from
 * rolling origins by a fast baseline model (seasonal naive or ETS, as backtest.ts does: each fold
 * is fitted only on the days before its origin), then both factor sets are applied to the very
 * same baseline (sandbox-comparison.ts) and scored against what sold.
 *
 * Why the baseline is fitted on a cleaned history: actual sales already carry the effects the
 * factors describe (a pre-Spring-Festival dip). A model fitted on them would learn the dip into
 * its baseline and the factor would then apply it twice, so a right factor would look wrong.
 * Days that either factor set touches, and stock-out days (censored demand, understated), are
 * therefore replaced in the history by the same weekday one week earlier (itself cleaned), so
 * the baseline is demand without factor effects, and the comparison isolates the factor values.
 * Stock-out days are not scored either: their sales say less than the demand was.
 */
import type { DailySeries } from './forecast-windows.ts';
import { addDays, isoWeekdayOfDay, type CalendarOptions } from './calendar-features.ts';
import { decomposeForecast, type BaselineDay, type FactorSet } from './factor-model.ts';
import { mape, wape } from './forecast-metrics.ts';
import { createModels } from './forecast-models.ts';
import type { SalesHistory, SalesSeries } from './forecasting-types.ts';
import { sandboxComparison, type ErrorFigures } from './sandbox-comparison.ts';

export const COMPARISON_MODELS = ['snaive', 'ets'] as const;
export type ComparisonModel = (typeof COMPARISON_MODELS)[number];
export const COMPARISON_LIMITS = { maxWeeks: 104, maxHorizonDays: 28, maxSeries: 200 } as const;

export interface FactorComparisonOptions {
  /** How many weeks before `to` (inclusive) are forecast and scored; default 12. */
  readonly weeks?: number;
  /** Days each rolling origin forecasts; default 7. */
  readonly horizonDays?: number;
  readonly model?: ComparisonModel;
  readonly sku?: string;
  readonly location?: string;
  /** The last day scored, YYYY-MM-DD (the caller's yesterday). */
  readonly to: string;
  /** Promotions and events, for factors that apply on them. */
  readonly calendar?: CalendarOptions;
}

export interface ComparedDay {
  readonly day: string;
  /** Summed over the compared series (stock-out days left out). */
  readonly actual: number;
  readonly baseline: number;
  readonly production: number;
  readonly sandbox: number;
  /** sandbox - production: what the edit moves the forecast by. */
  readonly difference: number;
  /** The factor edit changes this day's forecast for at least one series. */
  readonly changed: boolean;
}

export interface ErrorComparison {
  /** Series-days scored. */
  readonly days: number;
  readonly production: ErrorFigures;
  readonly sandbox: ErrorFigures;
  /** Sandbox minus production: negative means the sandbox would have erred less. */
  readonly change: ErrorFigures;
}

export interface SeriesFactorComparison extends ErrorComparison {
  readonly sku: string;
  readonly location: string;
  readonly changedDays: number;
}

export interface FactorSetComparison {
  readonly model: ComparisonModel;
  readonly weeks: number;
  readonly horizonDays: number;
  /** The first and last day scored. */
  readonly from: string;
  readonly to: string;
  /** Pooled over every series and scored day (WAPE = error / units sold, MAPE over non-zero days). */
  readonly overall: ErrorComparison;
  /** The same, only on the series-days whose forecast the edit changes. */
  readonly changed: ErrorComparison;
  /** The sandbox's WAPE is lower than production's overall. */
  readonly sandboxIsBetter: boolean;
  readonly series: SeriesFactorComparison[];
  readonly skipped: Array<{ sku: string; location: string; reason: string }>;
  /** Stock-out days inside the scored weeks, not scored. */
  readonly censoredDaysSkipped: number;
  readonly days: ComparedDay[];
}

export class FactorComparisonError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'FactorComparisonError';
  }
}

const orNull = (value: number): number | null => (Number.isNaN(value) ? null : value);
const minus = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a - b);
/** No day to measure (an edit that changes no scored day) has no error either way: null. */
const figures = (actual: number[], forecast: number[]): ErrorFigures =>
  actual.length === 0 ? { wape: null, mape: null } : { wape: orNull(wape(actual, forecast)), mape: orNull(mape(actual, forecast)) };

function wholeNumber(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new FactorComparisonError(field, `${field}: expected a whole number from ${min} to ${max}, found ${String(value)}`);
  return value;
}

/** Factor-touched and stock-out days replaced by the cleaned same weekday a week before. */
function cleanedValues(series: SalesSeries, touched: readonly boolean[]): Float64Array {
  const values = Float64Array.from(series.days, (day) => day.qty);
  for (let i = 7; i < values.length; i++) {
    if (touched[i] || series.days[i]!.censored) values[i] = values[i - 7]!;
  }
  return values;
}

export async function compareFactorSets(
  history: SalesHistory,
  production: FactorSet,
  sandbox: FactorSet,
  options: FactorComparisonOptions,
): Promise<FactorSetComparison> {
  const weeks = wholeNumber('weeks', options.weeks ?? 12, 1, COMPARISON_LIMITS.maxWeeks);
  const horizonDays = wholeNumber('horizonDays', options.horizonDays ?? 7, 1, COMPARISON_LIMITS.maxHorizonDays);
  const model = options.model ?? 'snaive';
  if (!(COMPARISON_MODELS as readonly string[]).includes(model)) throw new FactorComparisonError('model', `model: expected one of ${COMPARISON_MODELS.join(', ')}, found ${JSON.stringify(model)}`);
  const scoredDays = weeks * 7;
  const to = options.to;
  const from = addDays(to, -scoredDays + 1);
  const context = options.calendar === undefined ? {} : { calendar: options.calendar };
  const [forecaster] = createModels([model]);
  const minimumHistoryDays = model === 'ets' ? 21 : 7;

  const filter = { to, ...(options.sku === undefined ? {} : { sku: options.sku }), ...(options.location === undefined ? {} : { location: options.location }) };
  const all = history.series(filter);
  if (all.length > COMPARISON_LIMITS.maxSeries) {
    throw new FactorComparisonError('sku', `sku: the comparison would cover ${all.length} series, more than ${COMPARISON_LIMITS.maxSeries}; name a sku or a location`);
  }
  const skipped: FactorSetComparison['skipped'] = [];
  const usable = all.filter((series) => {
    const last = series.days.at(-1)?.day;
    const needed = scoredDays + minimumHistoryDays;
    if (last !== to) skipped.push({ sku: series.sku, location: series.location, reason: `its history ends ${last ?? 'nowhere'}, not on ${to}` });
    else if (series.days.length < needed) skipped.push({ sku: series.sku, location: series.location, reason: `${series.days.length} days of history; ${weeks} weeks with ${model} need ${needed}` });
    else return true;
    return false;
  });
  if (usable.length === 0) {
    const why = skipped.length === 0 ? 'no sales history matches' : skipped.map((one) => `${one.sku}@${one.location}: ${one.reason}`).slice(0, 3).join('; ');
    throw new FactorComparisonError(options.sku !== undefined ? 'sku' : 'weeks', `nothing to compare on (${why}); choose fewer weeks or another sku/location`);
  }

  // Which days either set touches, over each whole series (a day's factors depend on the day only).
  const touched = usable.map((series) => {
    const days: BaselineDay[] = series.days.map(({ day }) => ({ day, baseline: 1 }));
    const byProduction = decomposeForecast(days, production, context);
    const bySandbox = decomposeForecast(days, sandbox, context);
    return days.map((_, i) => byProduction[i]!.factors.length > 0 || bySandbox[i]!.factors.length > 0);
  });
  const cleaned = usable.map((series, s) => cleanedValues(series, touched[s]!));

  // Rolling origins over the scored weeks, each fold fitted only on the days before it.
  const baselines = usable.map(() => new Float64Array(scoredDays));
  for (let offset = 0; offset < scoredDays; offset += horizonDays) {
    const days = Math.min(horizonDays, scoredDays - offset);
    const histories: DailySeries[] = usable.map((series, s) => {
      const end = series.days.length - scoredDays + offset;
      return { id: `${series.sku}@${series.location}`, firstIsoWeekday: isoWeekdayOfDay(series.days[0]!.day), values: cleaned[s]!.subarray(0, end) };
    });
    const fitted = await forecaster!.fitAll(histories, { horizonDays: days });
    try {
      const forecasts = await fitted.forecast(days);
      forecasts.forEach((forecast, s) => baselines[s]!.set(forecast.map((value) => Math.max(0, value)), offset));
    } finally {
      await fitted.close();
    }
  }

  const pooledBaseline: BaselineDay[] = [];
  const pooledActual: number[] = [];
  const series: SeriesFactorComparison[] = [];
  const byDay = new Map<string, { actual: number; baseline: number; production: number; sandbox: number; changed: boolean }>();
  let censoredDaysSkipped = 0;
  usable.forEach((one, s) => {
    const scored = one.days.slice(-scoredDays);
    const baseline: BaselineDay[] = [];
    const actual: number[] = [];
    scored.forEach((day, i) => {
      if (day.censored) censoredDaysSkipped++;
      else {
        baseline.push({ day: day.day, baseline: baselines[s]![i]! });
        actual.push(day.qty);
      }
    });
    const result = sandboxComparison(baseline, actual, production, sandbox, context);
    const changedSet = new Set(result.changedDays.map((day) => day.day));
    const productionDays = decomposeForecast(baseline, production, context);
    const sandboxDays = decomposeForecast(baseline, sandbox, context);
    baseline.forEach(({ day, baseline: value }, i) => {
      const entry = byDay.get(day) ?? { actual: 0, baseline: 0, production: 0, sandbox: 0, changed: false };
      entry.actual += actual[i]!;
      entry.baseline += value;
      entry.production += productionDays[i]!.forecast;
      entry.sandbox += sandboxDays[i]!.forecast;
      entry.changed ||= changedSet.has(day);
      byDay.set(day, entry);
    });
    series.push({ sku: one.sku, location: one.location, days: result.days, production: result.production, sandbox: result.sandbox, change: result.change, changedDays: result.changedDays.length });
    pooledBaseline.push(...baseline);
    pooledActual.push(...actual);
  });

  const overall = sandboxComparison(pooledBaseline, pooledActual, production, sandbox, context);
  const changedActual = overall.changedDays.map((day) => day.actual);
  const changedProduction = figures(changedActual, overall.changedDays.map((day) => day.production));
  const changedSandbox = figures(changedActual, overall.changedDays.map((day) => day.sandbox));
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return {
    model,
    weeks,
    horizonDays,
    from,
    to,
    overall: { days: overall.days, production: overall.production, sandbox: overall.sandbox, change: overall.change },
    changed: {
      days: overall.changedDays.length,
      production: changedProduction,
      sandbox: changedSandbox,
      change: { wape: minus(changedSandbox.wape, changedProduction.wape), mape: minus(changedSandbox.mape, changedProduction.mape) },
    },
    sandboxIsBetter: overall.sandboxIsBetter,
    series,
    skipped,
    censoredDaysSkipped,
    days: [...byDay.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([day, entry]) => ({
        day,
        actual: round(entry.actual),
        baseline: round(entry.baseline),
        production: round(entry.production),
        sandbox: round(entry.sandbox),
        difference: round(entry.sandbox - entry.production),
        changed: entry.changed,
      })),
  };
}
