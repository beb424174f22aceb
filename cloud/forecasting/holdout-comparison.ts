/**
 * Puts the LSTM's holdout error beside seasonal naive's on the very same windows, in the series'
 * own units: a model is only worth running if it beats repeating last week. Seasonal naive here
 * reads the last `seasonDays` of each window's own input, so both see exactly the same history.
 *
 * This is the one-holdout check the trainer's tests and the bench need; the full backtest with
 * every baseline and MAPE/WAPE/MASE belongs to the backtest work.
 */
import type { ForecastWindows } from './forecast-windows.ts';

export interface HoldoutComparison {
  readonly windows: number;
  /** Mean absolute error per forecast day, in the series' units. */
  readonly modelMae: number;
  readonly seasonalNaiveMae: number;
  /** Sum of absolute errors / sum of absolute actuals. */
  readonly modelWape: number;
  readonly seasonalNaiveWape: number;
  /** 1 - modelWape / seasonalNaiveWape: 0.2 means 20% less error than seasonal naive. */
  readonly improvementOverSeasonalNaive: number;
}

/** `scaledForecasts` is the model's output for `windows` ([count, horizonDays], scaled). */
export function compareWithSeasonalNaive(windows: ForecastWindows, scaledForecasts: ArrayLike<number>, scales: ArrayLike<number>, seasonDays = 7): HoldoutComparison {
  const { count, inputDays, horizonDays } = windows;
  if (scaledForecasts.length !== count * horizonDays) {
    throw new RangeError(`scaledForecasts: expected ${count} windows x ${horizonDays} days = ${count * horizonDays} numbers, found ${scaledForecasts.length}`);
  }
  if (!Number.isInteger(seasonDays) || seasonDays < 1 || seasonDays > inputDays) {
    throw new RangeError(`seasonDays: expected a whole number from 1 to the ${inputDays} input days, found ${String(seasonDays)}`);
  }
  let modelError = 0;
  let naiveError = 0;
  let actualTotal = 0;
  for (let window = 0; window < count; window++) {
    const scale = scales[windows.seriesIndex[window]!]!;
    for (let day = 0; day < horizonDays; day++) {
      const actual = windows.targets[window * horizonDays + day]! * scale;
      const naiveDay = inputDays - seasonDays + (day % seasonDays);
      const naive = windows.inputs[(window * inputDays + naiveDay) * windows.features]! * scale;
      modelError += Math.abs(scaledForecasts[window * horizonDays + day]! * scale - actual);
      naiveError += Math.abs(naive - actual);
      actualTotal += Math.abs(actual);
    }
  }
  const points = count * horizonDays;
  const modelWape = modelError / actualTotal;
  const seasonalNaiveWape = naiveError / actualTotal;
  return {
    windows: count,
    modelMae: modelError / points,
    seasonalNaiveMae: naiveError / points,
    modelWape,
    seasonalNaiveWape,
    improvementOverSeasonalNaive: 1 - modelWape / seasonalNaiveWape,
  };
}
