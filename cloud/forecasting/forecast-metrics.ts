/**
 * The three forecast error measures the planner sees beside every model, and how they pool over
 * many series and backtest folds. Each answers a different question, so none replaces the others:
 *
 *   MAPE = (1/|K|) * sum_{t in K} |a_t - f_t| / |a_t|,  K = the days with a non-zero actual
 *          (a day with no demand has no percentage error; counting it would divide by zero).
 *   WAPE = sum_t |a_t - f_t| / sum_t |a_t|
 *          (error per unit sold: slow days weigh little, so one zero-sales day cannot explode it).
 *   MASE = ((1/H) * sum_t |a_t - f_t|) / q,  q = (1/(n-m)) * sum_{i=m..n-1} |y_i - y_{i-m}|
 *          (Hyndman & Koehler 2006: the error relative to the in-sample one-step seasonal-naive
 *          error over the fitted history y_0..y_{n-1}, season m = 7 days; below 1 beats it).
 *
 * A measure that has no value (no non-zero actual for MAPE, no demand for WAPE, a history that
 * never changes for MASE) is NaN from the functions and null in pooled results, never 0.
 */

export const DEFAULT_SEASON_DAYS = 7;

/** MAPE over the days whose actual is not zero, as a fraction (0.05 = 5%). */
export function mape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  checkPair(actual, forecast);
  let sum = 0;
  let days = 0;
  for (let t = 0; t < actual.length; t++) {
    if (actual[t] === 0) continue;
    sum += Math.abs(actual[t]! - forecast[t]!) / Math.abs(actual[t]!);
    days++;
  }
  return days === 0 ? Number.NaN : sum / days;
}

/** Sum of absolute errors over sum of absolute actuals, as a fraction. */
export function wape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  checkPair(actual, forecast);
  let error = 0;
  let total = 0;
  for (let t = 0; t < actual.length; t++) {
    error += Math.abs(actual[t]! - forecast[t]!);
    total += Math.abs(actual[t]!);
  }
  return total === 0 ? Number.NaN : error / total;
}

/** Mean absolute error of the forecast over the in-sample seasonal-naive scale of `history`. */
export function mase(actual: ArrayLike<number>, forecast: ArrayLike<number>, history: ArrayLike<number>, seasonDays = DEFAULT_SEASON_DAYS): number {
  checkPair(actual, forecast);
  const scale = seasonalNaiveScale(history, seasonDays);
  let error = 0;
  for (let t = 0; t < actual.length; t++) error += Math.abs(actual[t]! - forecast[t]!);
  return scale === 0 ? Number.NaN : error / actual.length / scale;
}

/** q in MASE: the mean absolute change from the same day one season earlier, over `history`. */
export function seasonalNaiveScale(history: ArrayLike<number>, seasonDays = DEFAULT_SEASON_DAYS): number {
  if (!Number.isInteger(seasonDays) || seasonDays < 1) throw new RangeError(`seasonDays: expected a whole number of at least 1, found ${String(seasonDays)}`);
  if (history.length <= seasonDays) {
    throw new RangeError(`history: MASE needs more than one season (${seasonDays} days) of history to scale by, found ${history.length} days; give a longer history`);
  }
  checkFinite('history', history);
  let sum = 0;
  for (let i = seasonDays; i < history.length; i++) sum += Math.abs(history[i]! - history[i - seasonDays]!);
  return sum / (history.length - seasonDays);
}

/** Pooled measures; null where the measure has no value (see the file comment). */
export interface ErrorMetrics {
  readonly mape: number | null;
  readonly wape: number | null;
  readonly mase: number | null;
  /** Forecast days pooled. */
  readonly days: number;
}

/**
 * Pools errors over series and folds: MAPE over every non-zero-actual day, WAPE as total error
 * over total demand, MASE as the mean of each day's absolute error divided by its own fold's
 * scale q (so a series selling 3,000 a day does not drown one selling 3).
 */
export class MetricAccumulator {
  private absoluteError = 0;
  private absoluteActual = 0;
  private percentageSum = 0;
  private nonZeroDays = 0;
  private scaledErrorSum = 0;
  private scaledDays = 0;
  private totalDays = 0;

  /** One forecast span; `scale` is seasonalNaiveScale of the history it was fitted on. */
  add(actual: ArrayLike<number>, forecast: ArrayLike<number>, scale: number): void {
    checkPair(actual, forecast);
    for (let t = 0; t < actual.length; t++) {
      const error = Math.abs(actual[t]! - forecast[t]!);
      this.absoluteError += error;
      this.absoluteActual += Math.abs(actual[t]!);
      if (actual[t] !== 0) {
        this.percentageSum += error / Math.abs(actual[t]!);
        this.nonZeroDays++;
      }
      if (scale > 0) {
        this.scaledErrorSum += error / scale;
        this.scaledDays++;
      }
    }
    this.totalDays += actual.length;
  }

  /** Adds everything another accumulator pooled. */
  merge(other: MetricAccumulator): void {
    this.absoluteError += other.absoluteError;
    this.absoluteActual += other.absoluteActual;
    this.percentageSum += other.percentageSum;
    this.nonZeroDays += other.nonZeroDays;
    this.scaledErrorSum += other.scaledErrorSum;
    this.scaledDays += other.scaledDays;
    this.totalDays += other.totalDays;
  }

  result(): ErrorMetrics {
    return {
      mape: this.nonZeroDays === 0 ? null : this.percentageSum / this.nonZeroDays,
      wape: this.absoluteActual === 0 ? null : this.absoluteError / this.absoluteActual,
      mase: this.scaledDays === 0 ? null : this.scaledErrorSum / this.scaledDays,
      days: this.totalDays,
    };
  }
}

function checkPair(actual: ArrayLike<number>, forecast: ArrayLike<number>): void {
  if (actual.length === 0) throw new RangeError('actual: expected at least one day to measure, found none');
  if (forecast.length !== actual.length) {
    throw new RangeError(`forecast: expected one value per actual day (${actual.length}), found ${forecast.length}; forecast exactly the days measured`);
  }
  checkFinite('actual', actual);
  checkFinite('forecast', forecast);
}

function checkFinite(name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new RangeError(`${name}[${i}]: expected a finite number, found ${String(values[i])}; fill or drop missing days first`);
  }
}
