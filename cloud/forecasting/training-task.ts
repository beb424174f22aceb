/**
 * Trains the one global LSTM across every series (lstm-trainer.ts over forecast-windows.ts) and
 * exports it to ONNX, as one function the training worker runs off the main thread. Series too
 * short to give a training window and a validation span are left out and counted, not fatal.
 * Defaults are small so the demo trains in well under a minute on two cores.
 *
 * `calendar` (which holidays, the Spring Festival window, promotions) makes the model learn the
 * calendar; which holidays and window it used go into the metadata, so inference
 * (baseline-forecasts.ts) builds the same features. A model stored without `calendar` in its
 * metadata (every model trained before calendar features existed) reads weekday features only,
 * and still runs that way.
 */
import { exportLstmToOnnx } from './onnx-export.ts';
import { featureNamesOf, fitSeriesScale, splitHoldout, type DailySeries } from './forecast-windows.ts';
import type { HolidayCalendarName, LstmCalendar } from './lstm-calendar-features.ts';
import { trainLstm, type EpochReport } from './lstm-trainer.ts';

export interface TrainSettings {
  readonly inputDays: number;
  readonly horizonDays: number;
  readonly hiddenSize: number;
  readonly maxEpochs: number;
  readonly windowsPerEpoch: number;
  /** The newest days of every series held back to choose the best epoch. */
  readonly validationDays: number;
  readonly seed: number;
  /** The calendar the model learns from; weekday features only when absent. */
  readonly calendar?: LstmCalendar;
}

export const DEFAULT_TRAIN_SETTINGS: TrainSettings = { inputDays: 28, horizonDays: 14, hiddenSize: 8, maxEpochs: 8, windowsPerEpoch: 600, validationDays: 28, seed: 1 };

export interface ModelMetadata {
  readonly inputDays: number;
  readonly horizonDays: number;
  readonly hiddenSize: number;
  readonly epochs: number;
  readonly bestEpoch: number;
  /** Mean squared error on scaled values over the validation days, of the epoch kept. */
  readonly validationLoss: number;
  readonly series: number;
  readonly skippedSeries: number;
  readonly trainingMs: number;
  /**
   * The holidays and Spring Festival window the model learnt (promotions come from the calendar
   * current at forecast time); absent: weekday features only (FEATURE_NAMES).
   */
  readonly calendar?: ModelCalendar;
  /** Names of the features per input day, in order; absent in models stored before it was kept. */
  readonly features?: readonly string[];
}

export interface ModelCalendar {
  readonly holidays: HolidayCalendarName;
  readonly springFestivalWindow?: { readonly daysBefore: number; readonly daysAfter: number };
}

export interface TrainedModel {
  readonly onnx: Uint8Array;
  /** Per series id: what its values are divided by before the model sees them. */
  readonly scales: Record<string, number>;
  readonly metadata: ModelMetadata;
}

export interface TrainHooks {
  readonly signal?: AbortSignal;
  readonly onEpoch?: (report: EpochReport, maxEpochs: number) => void;
}

export async function trainGlobalModel(series: readonly DailySeries[], settings: TrainSettings = DEFAULT_TRAIN_SETTINGS, hooks: TrainHooks = {}): Promise<TrainedModel> {
  const neededDays = settings.inputDays + settings.horizonDays + settings.validationDays;
  const usable = series.filter((one) => one.values.length >= neededDays);
  if (usable.length === 0) {
    throw new RangeError(`series: training needs at least one series of ${neededDays} days (input ${settings.inputDays} + horizon ${settings.horizonDays} + validation ${settings.validationDays}), found ${series.length} series of at most ${Math.max(0, ...series.map((one) => one.values.length))} days`);
  }
  const { calendar } = settings;
  const split = splitHoldout(usable, { inputDays: settings.inputDays, horizonDays: settings.horizonDays, strideDays: 1, holdoutDays: settings.validationDays, validationStrideDays: 1, ...(calendar === undefined ? {} : { calendar }) });
  const trained = await trainLstm(split.training, split.validation, {
    hiddenSize: settings.hiddenSize,
    seed: settings.seed,
    maxEpochs: settings.maxEpochs,
    patienceEpochs: 3,
    windowsPerEpoch: Math.min(settings.windowsPerEpoch, split.training.count),
    ...(hooks.signal === undefined ? {} : { signal: hooks.signal }),
    onEpoch: (report) => hooks.onEpoch?.(report, settings.maxEpochs),
  });
  // Production forecasts scale by the whole history (the holdout is history by then).
  const scales = Object.fromEntries(usable.map((one) => [one.id, fitSeriesScale(one.values)]));
  const onnx = exportLstmToOnnx(trained.parameters, { description: `edgestock global demand LSTM: ${usable.length} series, best epoch ${trained.bestEpoch}` });
  return {
    onnx,
    scales,
    metadata: {
      inputDays: settings.inputDays,
      horizonDays: settings.horizonDays,
      hiddenSize: settings.hiddenSize,
      epochs: trained.epochs.length,
      bestEpoch: trained.bestEpoch,
      validationLoss: trained.bestValidationLoss,
      series: usable.length,
      skippedSeries: series.length - usable.length,
      trainingMs: trained.trainingMs,
      features: featureNamesOf(calendar),
      ...(calendar === undefined
        ? {}
        : { calendar: { holidays: calendar.holidays, ...(calendar.springFestivalWindow === undefined ? {} : { springFestivalWindow: { ...calendar.springFestivalWindow } }) } }),
    },
  };
}
