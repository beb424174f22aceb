/**
 * Forecasts for intermittent demand, where most days sell nothing and exponential smoothing of
 * the daily series would chase every zero:
 *
 *   Croston (1972): only on days with demand y_t > 0, with q the days since the previous demand,
 *     z' = z + alpha*(y_t - z)   (demand size)      p' = p + alpha*(q - p)   (interval)
 *     forecast every future day: z / p
 *   TSB (Teunter, Syntetos & Babai 2011): every day,
 *     demand:    p' = p + beta*(1 - p)    z' = z + alpha*(y_t - z)
 *     no demand: p' = p + beta*(0 - p)    (z unchanged)
 *     forecast every future day: p * z    (decays while a SKU stops selling, unlike Croston)
 *
 * Both start at the first demand: z = its size, and the interval is the days up to and including
 * it (p = that count for Croston, p = 1 / that count for TSB); a history with no demand forecasts 0.
 */
import type { DailySeries } from '../forecast-windows.ts';
import { checkHorizon, type FittedForecast, type Forecaster } from './forecaster.ts';

export interface IntermittentOptions {
  /** Smoothing of the demand size (and, for Croston, of the interval). */
  readonly alpha?: number;
  /** TSB: smoothing of the probability of demand. */
  readonly beta?: number;
}

export interface FittedIntermittent extends FittedForecast {
  /** The constant daily forecast. */
  readonly dailyRate: number;
}

function checkRate(name: string, value: number): void {
  if (!(value > 0 && value <= 1)) throw new RangeError(`${name}: expected a smoothing constant in (0, 1], found ${String(value)}`);
}

function constant(dailyRate: number): FittedIntermittent {
  return {
    dailyRate,
    forecast: (horizonDays) => {
      checkHorizon(horizonDays);
      return new Float64Array(horizonDays).fill(dailyRate);
    },
  };
}

function firstDemandDay(values: ArrayLike<number>): number {
  for (let t = 0; t < values.length; t++) if (values[t] !== 0) return t;
  return -1;
}

export class Croston implements Forecaster {
  readonly name = 'croston';
  readonly minimumHistoryDays = 1;
  private readonly alpha: number;

  constructor(options: IntermittentOptions = {}) {
    this.alpha = options.alpha ?? 0.1;
    checkRate('alpha', this.alpha);
  }

  fit(history: DailySeries): FittedIntermittent {
    const { values } = history;
    const first = firstDemandDay(values);
    if (first < 0) return constant(0);
    let size = values[first]!;
    let interval = first + 1;
    let last = first;
    for (let t = first + 1; t < values.length; t++) {
      if (values[t] === 0) continue;
      size += this.alpha * (values[t]! - size);
      interval += this.alpha * (t - last - interval);
      last = t;
    }
    return constant(size / interval);
  }
}

export class Tsb implements Forecaster {
  readonly name = 'tsb';
  readonly minimumHistoryDays = 1;
  private readonly alpha: number;
  private readonly beta: number;

  constructor(options: IntermittentOptions = {}) {
    this.alpha = options.alpha ?? 0.1;
    this.beta = options.beta ?? 0.1;
    checkRate('alpha', this.alpha);
    checkRate('beta', this.beta);
  }

  fit(history: DailySeries): FittedIntermittent {
    const { values } = history;
    const first = firstDemandDay(values);
    if (first < 0) return constant(0);
    let size = values[first]!;
    let probability = 1 / (first + 1);
    for (let t = first + 1; t < values.length; t++) {
      if (values[t] === 0) probability -= this.beta * probability;
      else {
        probability += this.beta * (1 - probability);
        size += this.alpha * (values[t]! - size);
      }
    }
    return constant(probability * size);
  }
}
