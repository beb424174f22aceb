/**
 * The global LSTM as a backtest model: for each fold it is trained from scratch (lstm-trainer.ts)
 * on the fold's histories only, its newest days held back for early stopping, exported to ONNX and
 * run by onnxruntime (onnx-runner.ts), exactly the path production forecasts take. So the
 * backtest measures the model that would ship, not the trainer's float64 twin.
 *
 * The defaults are small (28 input days, 16 hidden units, at most 6 epochs of 1,500 windows) so a
 * 12-fold backtest takes minutes, not hours; the bench and the CLI can raise them.
 *
 * With `calendar` the model also learns holidays, the Spring Festival and promotions, including
 * those of the days it forecasts (forecast-windows.ts, look-ahead features); histories then need
 * their `firstDate` (the backtest keeps it on every fold), or their calendar features stay 0.
 */
import { exportLstmToOnnx } from './onnx-export.ts';
import { loadOnnxForecaster } from './onnx-runner.ts';
import { featureNamesOf, latestInputs, splitHoldout, unscaleOutputs, type DailySeries } from './forecast-windows.ts';
import type { LstmCalendar } from './lstm-calendar-features.ts';
import { trainLstm, type EpochReport } from './lstm-trainer.ts';
import { checkHorizon, type FittedGlobalForecast, type GlobalFitOptions, type GlobalForecaster } from './baselines/forecaster.ts';

export interface LstmForecasterOptions {
  readonly inputDays?: number;
  readonly hiddenSize?: number;
  readonly maxEpochs?: number;
  /** Training windows drawn per epoch (all when fewer). */
  readonly windowsPerEpoch?: number;
  /** The newest days of each history held back to pick the best epoch; at least the horizon. */
  readonly validationDays?: number;
  readonly seed?: number;
  /** Holidays (and promotions) the model learns from; weekday features only when absent. */
  readonly calendar?: LstmCalendar;
  readonly onEpoch?: (report: EpochReport) => void;
}

export class LstmForecaster implements GlobalForecaster {
  readonly name = 'lstm';
  readonly inputDays: number;
  private readonly settings: Required<Omit<LstmForecasterOptions, 'onEpoch' | 'validationDays' | 'inputDays' | 'calendar'>>;

  constructor(private readonly options: LstmForecasterOptions = {}) {
    this.inputDays = options.inputDays ?? 28;
    this.settings = { hiddenSize: options.hiddenSize ?? 16, maxEpochs: options.maxEpochs ?? 6, windowsPerEpoch: options.windowsPerEpoch ?? 1500, seed: options.seed ?? 1 };
    for (const [name, value] of Object.entries({ inputDays: this.inputDays, ...this.settings })) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`lstm ${name}: expected a whole number of at least 1, found ${String(value)}`);
    }
  }

  async fitAll(histories: readonly DailySeries[], options: GlobalFitOptions): Promise<FittedGlobalForecast> {
    const { horizonDays } = options;
    checkHorizon(horizonDays);
    const validationDays = Math.max(this.options.validationDays ?? 4 * horizonDays, horizonDays);
    const { calendar } = this.options;
    const calendarOption = calendar === undefined ? {} : { calendar };
    const split = splitHoldout(histories, { inputDays: this.inputDays, horizonDays, strideDays: 1, holdoutDays: validationDays, validationStrideDays: 1, ...calendarOption });
    const trained = await trainLstm(split.training, split.validation, {
      hiddenSize: this.settings.hiddenSize,
      seed: this.settings.seed,
      maxEpochs: this.settings.maxEpochs,
      patienceEpochs: 2,
      windowsPerEpoch: Math.min(this.settings.windowsPerEpoch, split.training.count),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(this.options.onEpoch === undefined ? {} : { onEpoch: this.options.onEpoch }),
    });
    const runner = await loadOnnxForecaster(exportLstmToOnnx(trained.parameters), { inputDays: this.inputDays, features: featureNamesOf(calendar).length, horizonDays });
    const inputs = latestInputs(histories, split.scales, this.inputDays, { ...calendarOption, horizonDays });
    return {
      forecast: async (wantedDays) => {
        checkHorizon(wantedDays);
        if (wantedDays > horizonDays) throw new RangeError(`horizonDays: this LSTM was trained for ${horizonDays} days ahead, asked for ${wantedDays}; fit it for the longer horizon`);
        const outputs = await runner.run(inputs, histories.length);
        const unscaled = unscaleOutputs(outputs, Int32Array.from(histories, (_, i) => i), split.scales, horizonDays);
        return histories.map((_, i) => unscaled.slice(i * horizonDays, i * horizonDays + wantedDays));
      },
      close: () => runner.close(),
    };
  }
}
