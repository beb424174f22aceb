/**
 * Seasonal naive: every future day repeats the same weekday of the last week seen,
 * f_{n+h} = y_{n - m + ((h - 1) mod m)} for h = 1..H. The yardstick every other model must beat
 * (in the M5 competition about half the teams did not), and the scale MASE divides by.
 */
import { DEFAULT_SEASON_DAYS } from '../forecast-metrics.ts';
import type { DailySeries } from '../forecast-windows.ts';
import { checkHorizon, type FittedForecast, type Forecaster } from './forecaster.ts';

export class SeasonalNaive implements Forecaster {
  readonly name = 'snaive';
  readonly minimumHistoryDays: number;

  constructor(readonly seasonDays = DEFAULT_SEASON_DAYS) {
    if (!Number.isInteger(seasonDays) || seasonDays < 1) throw new RangeError(`seasonDays: expected a whole number of at least 1, found ${String(seasonDays)}`);
    this.minimumHistoryDays = seasonDays;
  }

  fit(history: DailySeries): FittedForecast {
    const { values } = history;
    if (values.length < this.seasonDays) throw new RangeError(`series "${history.id}": seasonal naive needs one season (${this.seasonDays} days) of history, found ${values.length}`);
    const lastSeason = Float64Array.from({ length: this.seasonDays }, (_, i) => values[values.length - this.seasonDays + i]!);
    return {
      forecast: (horizonDays) => {
        checkHorizon(horizonDays);
        return Float64Array.from({ length: horizonDays }, (_, h) => lastSeason[h % this.seasonDays]!);
      },
    };
  }
}
