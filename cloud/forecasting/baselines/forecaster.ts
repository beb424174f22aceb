/**
 * What every forecasting model in the backtest offers: fit on a history, then forecast the days
 * after it. Two shapes, because the baselines are local (one small model per series, fitted
 * synchronously in microseconds) while the LSTM is global (one model learned across all series,
 * asynchronously, for seconds). `perSeries` lifts a local model to the global shape, so the
 * backtest drives them all the same way.
 */
import type { DailySeries } from '../forecast-windows.ts';

/** A model fitted on one series. */
export interface Forecaster {
  readonly name: string;
  /** `history` ends the day before the first day to forecast; at least `minimumHistoryDays` long. */
  fit(history: DailySeries): FittedForecast;
  /** The shortest history `fit` accepts. */
  readonly minimumHistoryDays: number;
}

export interface FittedForecast {
  /** The `horizonDays` days after the history, in the series' units. */
  forecast(horizonDays: number): Float64Array;
}

/** A model fitted on many series at once. */
export interface GlobalForecaster {
  readonly name: string;
  /** Every history ends the day before its first day to forecast. */
  fitAll(histories: readonly DailySeries[], options: GlobalFitOptions): Promise<FittedGlobalForecast>;
}

export interface GlobalFitOptions {
  /** The longest horizon `forecast` will be asked for (a global model may be trained for it). */
  readonly horizonDays: number;
  readonly signal?: AbortSignal;
}

export interface FittedGlobalForecast {
  /** One forecast per history, in the order given to `fitAll`. */
  forecast(horizonDays: number): Promise<Float64Array[]>;
  /** Frees what the fitted model holds (an onnxruntime session, for one). */
  close(): Promise<void>;
}

/** Runs a local model on each series separately. */
export function perSeries(forecaster: Forecaster): GlobalForecaster {
  return {
    name: forecaster.name,
    async fitAll(histories) {
      const tooShort = histories.filter((history) => history.values.length < forecaster.minimumHistoryDays);
      if (tooShort.length > 0) {
        throw new RangeError(
          `${forecaster.name}: expected at least ${forecaster.minimumHistoryDays} days of history, found ${tooShort.map((one) => `"${one.id}" ${one.values.length}`).join(', ')}; use fewer folds or a shorter horizon`,
        );
      }
      const fitted = histories.map((history) => forecaster.fit(history));
      return {
        forecast: async (horizonDays) => fitted.map((one) => one.forecast(horizonDays)),
        close: async () => {},
      };
    },
  };
}

export function checkHorizon(horizonDays: number): void {
  if (!Number.isInteger(horizonDays) || horizonDays < 1) throw new RangeError(`horizonDays: expected a whole number of at least 1, found ${String(horizonDays)}`);
}
