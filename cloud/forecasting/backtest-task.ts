/**
 * The service's backtest (runBacktest over every long-enough series with snaive, ets, croston, tsb
 * and a small lstm) plus what runBacktest does not keep: per model and horizon step, the spread of
 * the errors, relative to each series' level, that forecast intervals are built from. A recording
 * wrapper sees each fold's forecasts and the days that followed, so the spread comes from the very
 * folds the metrics come from.
 */
import { runBacktest, type BacktestResult, type BacktestSeries } from './backtest.ts';
import type { FittedGlobalForecast, GlobalForecaster } from './baselines/forecaster.ts';
import { DEFAULT_SEASON_DAYS } from './forecast-metrics.ts';
import { createModels, type ModelName } from './forecast-models.ts';
import { fitSeriesScale } from './forecast-windows.ts';
import type { LstmForecasterOptions } from './lstm-forecaster.ts';

export interface BacktestSettings {
  readonly horizonDays: number;
  readonly folds: number;
  readonly models: readonly ModelName[];
  readonly lstm: LstmForecasterOptions;
}

export const DEFAULT_BACKTEST_SETTINGS: BacktestSettings = {
  horizonDays: 14,
  folds: 6,
  models: ['snaive', 'ets', 'croston', 'tsb', 'lstm'],
  lstm: { inputDays: 28, hiddenSize: 8, maxEpochs: 3, windowsPerEpoch: 400 },
};

/** Per horizon step (0 = the first forecast day): errors (actual - forecast) over the series level. */
export interface StepSpread {
  readonly count: number;
  readonly bias: number;
  readonly sd: number;
}

export type ErrorSpread = Record<string, StepSpread[]>;

export interface BacktestOutcome {
  readonly result: BacktestResult;
  readonly spread: ErrorSpread;
  readonly skippedSeries: number;
}

export interface BacktestProgressReport {
  readonly completed: number;
  readonly total: number;
  readonly model: string;
  readonly fold: number;
  /** The model's WAPE over the folds done so far; null before any demand was seen. */
  readonly wapeSoFar: number | null;
}

export interface BacktestHooks {
  readonly signal?: AbortSignal;
  readonly onProgress?: (report: BacktestProgressReport) => void;
}

class StepAccumulator {
  readonly sums: Array<{ count: number; sum: number; squares: number }>;
  absoluteError = 0;
  absoluteActual = 0;
  constructor(horizonDays: number) {
    this.sums = Array.from({ length: horizonDays }, () => ({ count: 0, sum: 0, squares: 0 }));
  }
  spread(): StepSpread[] {
    return this.sums.map(({ count, sum, squares }) => {
      const bias = count === 0 ? 0 : sum / count;
      return { count, bias, sd: count < 2 ? 0 : Math.sqrt(Math.max(0, (squares - count * bias * bias) / (count - 1))) };
    });
  }
}

/** Wraps a model so every forecast it makes is compared with what followed. */
function recording(model: GlobalForecaster, series: readonly BacktestSeries[], into: StepAccumulator): GlobalForecaster {
  return {
    name: model.name,
    async fitAll(histories, options): Promise<FittedGlobalForecast> {
      const fitted = await model.fitAll(histories, options);
      return {
        forecast: async (horizonDays) => {
          const forecasts = await fitted.forecast(horizonDays);
          forecasts.forEach((forecast, s) => {
            const history = histories[s]!;
            const origin = history.values.length;
            const level = fitSeriesScale(history.values);
            forecast.forEach((value, step) => {
              const actual = series[s]!.values[origin + step];
              if (actual === undefined || step >= into.sums.length) return;
              const relative = (actual - value) / level;
              const cell = into.sums[step]!;
              cell.count++;
              cell.sum += relative;
              cell.squares += relative * relative;
              into.absoluteError += Math.abs(actual - value);
              into.absoluteActual += Math.abs(actual);
            });
          });
          return forecasts;
        },
        close: () => fitted.close(),
      };
    },
  };
}

export async function backtestModels(series: readonly BacktestSeries[], settings: BacktestSettings = DEFAULT_BACKTEST_SETTINGS, hooks: BacktestHooks = {}): Promise<BacktestOutcome> {
  // The first origin needs a season for MASE's scale; the LSTM needs an input window, a training
  // target and its validation span (4 horizons by default, lstm-forecaster.ts) before it.
  const lstmDays = settings.models.includes('lstm') ? (settings.lstm.inputDays ?? 28) + settings.horizonDays + Math.max(settings.lstm.validationDays ?? 4 * settings.horizonDays, settings.horizonDays) : 0;
  const neededDays = settings.horizonDays * settings.folds + Math.max(DEFAULT_SEASON_DAYS + 1, lstmDays);
  const usable = series.filter((one) => one.values.length >= neededDays);
  if (usable.length === 0) {
    throw new RangeError(`series: ${settings.folds} folds of ${settings.horizonDays} days with models ${settings.models.join(', ')} need series of at least ${neededDays} days, found ${series.length} series of at most ${Math.max(0, ...series.map((one) => one.values.length))} days; use fewer folds or wait for more history`);
  }
  const accumulators = new Map(settings.models.map((name) => [name as string, new StepAccumulator(settings.horizonDays)]));
  const models = createModels(settings.models, { lstm: settings.lstm }).map((model) => recording(model, usable, accumulators.get(model.name)!));
  const result = await runBacktest(usable, {
    horizonDays: settings.horizonDays,
    folds: settings.folds,
    models,
    ...(hooks.signal === undefined ? {} : { signal: hooks.signal }),
    onProgress: (progress) => {
      const accumulator = accumulators.get(progress.model)!;
      const wapeSoFar = accumulator.absoluteActual === 0 ? null : accumulator.absoluteError / accumulator.absoluteActual;
      hooks.onProgress?.({ completed: progress.completed, total: progress.total, model: progress.model, fold: progress.fold, wapeSoFar });
    },
  });
  const spread = Object.fromEntries([...accumulators].map(([name, accumulator]) => [name, accumulator.spread()]));
  return { result, spread, skippedSeries: series.length - usable.length };
}
