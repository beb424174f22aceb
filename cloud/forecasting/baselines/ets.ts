/**
 * Exponential smoothing: additive-error Holt-Winters with a damped additive trend and an additive
 * or multiplicative weekly season, i.e. ETS(A,Ad,A) and ETS(A,Ad,M) in the error-correction form
 * of Hyndman et al., "Forecasting with Exponential Smoothing" (2008), table 2.2. With one-step
 * error e_t = y_t - mu_t:
 *
 *   additive season:       mu_t = l + phi*b + s_{t-m}
 *                          l' = l + phi*b + alpha*e    b' = phi*b + beta*e    s_t = s_{t-m} + gamma*e
 *   multiplicative season: mu_t = (l + phi*b) * s_{t-m}
 *                          l' = l + phi*b + alpha*e/s_{t-m}    b' = phi*b + beta*e/s_{t-m}
 *                          s_t = s_{t-m} + gamma*e/(l + phi*b)
 *   forecast h days ahead: (l + (phi + ... + phi^h)*b) (+ or x) s_{n-m+((h-1) mod m)}
 *
 * alpha, beta, gamma and phi minimise the in-sample one-step squared error (Nelder-Mead over a
 * transform that keeps 0 < beta < alpha < 1, 0 < gamma < 1 - alpha and 0.8 <= phi <= 0.98, the
 * usual admissible region). With `season: 'auto'` both season forms are fitted and the one with
 * the lower in-sample error kept; multiplicative only where every day is positive.
 */
import { DEFAULT_SEASON_DAYS } from '../forecast-metrics.ts';
import type { DailySeries } from '../forecast-windows.ts';
import { checkHorizon, type FittedForecast, type Forecaster } from './forecaster.ts';
import { nelderMead } from './nelder-mead.ts';

export type SeasonForm = 'additive' | 'multiplicative';

export interface EtsOptions {
  readonly season?: SeasonForm | 'auto';
  readonly seasonDays?: number;
  /** Only the newest this many days are fitted: older ones barely move the state, and cost time. */
  readonly fitDays?: number;
}

export interface EtsParameters {
  readonly season: SeasonForm;
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  readonly phi: number;
  /** Mean squared one-step error in sample. */
  readonly inSampleMse: number;
}

export interface FittedEts extends FittedForecast {
  readonly parameters: EtsParameters;
}

interface SmoothingState {
  level: number;
  trend: number;
  /** The last m seasonal indices, oldest first: season[i] applies to day n + i (mod m). */
  season: Float64Array;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));
const PHI_MIN = 0.8;
const PHI_RANGE = 0.18;

export class ExponentialSmoothing implements Forecaster {
  readonly name = 'ets';
  readonly minimumHistoryDays: number;
  private readonly season: SeasonForm | 'auto';
  private readonly seasonDays: number;
  private readonly fitDays: number;

  constructor(options: EtsOptions = {}) {
    this.season = options.season ?? 'auto';
    this.seasonDays = options.seasonDays ?? DEFAULT_SEASON_DAYS;
    this.fitDays = options.fitDays ?? 1095;
    if (!Number.isInteger(this.seasonDays) || this.seasonDays < 1) throw new RangeError(`seasonDays: expected a whole number of at least 1, found ${String(this.seasonDays)}`);
    if (!Number.isInteger(this.fitDays) || this.fitDays < 3 * this.seasonDays) {
      throw new RangeError(`fitDays: expected a whole number of at least three seasons (${3 * this.seasonDays}), found ${String(this.fitDays)}`);
    }
    this.minimumHistoryDays = 3 * this.seasonDays;
  }

  fit(history: DailySeries): FittedEts {
    const all = history.values;
    if (all.length < this.minimumHistoryDays) {
      throw new RangeError(`series "${history.id}": ETS needs at least three seasons (${this.minimumHistoryDays} days) of history, found ${all.length}`);
    }
    const values = Float64Array.from({ length: Math.min(all.length, this.fitDays) }, (_, i) => all[all.length - Math.min(all.length, this.fitDays) + i]!);
    const positive = values.every((value) => value > 0);
    const forms: SeasonForm[] = this.season === 'auto' ? (positive ? ['additive', 'multiplicative'] : ['additive']) : [this.season];
    if (forms.includes('multiplicative') && !positive) {
      throw new RangeError(`series "${history.id}": a multiplicative season needs every day above zero; use season 'additive' or 'auto'`);
    }
    let best: { parameters: EtsParameters; state: SmoothingState } | undefined;
    for (const form of forms) {
      const candidate = this.fitForm(values, form);
      if (best === undefined || candidate.parameters.inSampleMse < best.parameters.inSampleMse) best = candidate;
    }
    const { parameters, state } = best!;
    const m = this.seasonDays;
    return {
      parameters,
      forecast: (horizonDays) => {
        checkHorizon(horizonDays);
        const result = new Float64Array(horizonDays);
        let damping = 0;
        for (let h = 1; h <= horizonDays; h++) {
          damping += parameters.phi ** h;
          const base = state.level + damping * state.trend;
          const seasonal = state.season[(h - 1) % m]!;
          result[h - 1] = parameters.season === 'additive' ? base + seasonal : base * seasonal;
        }
        return result;
      },
    };
  }

  private fitForm(values: Float64Array, form: SeasonForm): { parameters: EtsParameters; state: SmoothingState } {
    const decode = (x: ArrayLike<number>) => {
      const alpha = 0.0001 + 0.9998 * sigmoid(x[0]!);
      return { alpha, beta: alpha * sigmoid(x[1]!), gamma: (1 - alpha) * sigmoid(x[2]!), phi: PHI_MIN + PHI_RANGE * sigmoid(x[3]!) };
    };
    const start = [logit(0.2), logit(0.05), logit(0.125), logit((0.95 - PHI_MIN) / PHI_RANGE)];
    const found = nelderMead((x) => this.run(values, form, decode(x)).mse, start, { maxEvaluations: 400 });
    const chosen = decode(found.point);
    const { mse, state } = this.run(values, form, chosen);
    return { parameters: { season: form, ...chosen, inSampleMse: mse }, state };
  }

  /** Filters the whole of `values`; returns the mean squared one-step error and the final state. */
  private run(values: Float64Array, form: SeasonForm, p: { alpha: number; beta: number; gamma: number; phi: number }): { mse: number; state: SmoothingState } {
    const m = this.seasonDays;
    const state = initialState(values, m, form);
    const ring = state.season; // ring[t % m] holds s_{t-m} when day t is reached
    let { level, trend } = state;
    let squared = 0;
    for (let t = 0; t < values.length; t++) {
      const seasonal = ring[t % m]!;
      const base = level + p.phi * trend;
      const mu = form === 'additive' ? base + seasonal : base * seasonal;
      const error = values[t]! - mu;
      squared += error * error;
      if (form === 'additive') {
        level = base + p.alpha * error;
        trend = p.phi * trend + p.beta * error;
        ring[t % m] = seasonal + p.gamma * error;
      } else {
        if (!(base > 0) || !(seasonal > 0)) return { mse: Number.POSITIVE_INFINITY, state };
        level = base + (p.alpha * error) / seasonal;
        trend = p.phi * trend + (p.beta * error) / seasonal;
        ring[t % m] = seasonal + (p.gamma * error) / base;
      }
    }
    // Rotate so season[i] applies to the i-th day after the history.
    const season = Float64Array.from({ length: m }, (_, i) => ring[(values.length + i) % m]!);
    return { mse: squared / values.length, state: { level, trend, season } };
  }
}

/** Level, trend and season from the first two seasons (the classical decomposition start). */
function initialState(values: Float64Array, m: number, form: SeasonForm): SmoothingState {
  let first = 0;
  let second = 0;
  for (let i = 0; i < m; i++) {
    first += values[i]! / m;
    second += values[m + i]! / m;
  }
  const trend = (second - first) / m;
  // The first season's mean sits at its middle day; step it back to "the day before day 0".
  const level = first - ((m + 1) / 2) * trend;
  const season = Float64Array.from({ length: m }, (_, i) => {
    const local = level + (i + 1) * trend;
    return form === 'additive' ? values[i]! - local : values[i]! / local;
  });
  return { level, trend, season };
}
