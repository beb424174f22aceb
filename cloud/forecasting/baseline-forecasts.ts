/**
 * The baseline half of a forecast run: for every series, the champion model of its demand class
 * (ets until a backtest exists) forecasts the horizon, and the spread of its errors at each step
 * says how wide the interval is. Spreads come from the latest backtest (relative to each series'
 * level, per model and step); before any backtest, from the model's own error on the series'
 * newest horizon held back (the LSTM's: its validation loss). A series a model cannot serve (too
 * short, no trained LSTM) falls back, and `why` says so.
 *
 * The LSTM is fed the features it was trained on: the holidays and Spring Festival window in its
 * metadata, the promotions of `context.calendar` (today's plans), each series placed on the
 * calendar by its `firstDate`. A model stored before calendar features existed (no calendar in its
 * metadata) still runs on weekday features, and `why` suggests retraining it.
 */
import { Croston, Tsb } from './baselines/croston.ts';
import { ExponentialSmoothing } from './baselines/ets.ts';
import type { Forecaster } from './baselines/forecaster.ts';
import { SeasonalNaive } from './baselines/seasonal-naive.ts';
import type { ErrorSpread } from './backtest-task.ts';
import type { BacktestResult } from './backtest.ts';
import { classifyDemand } from './demand-class.ts';
import type { CalendarOptions } from './calendar-features.ts';
import { featureNamesOf, fitSeriesScale, latestInputs, type DailySeries } from './forecast-windows.ts';
import type { LstmCalendar } from './lstm-calendar-features.ts';
import type { StoredModel } from './model-store.ts';
import { loadOnnxForecaster } from './onnx-runner.ts';

export const DEFAULT_MODEL = 'ets';
/** Days of the newest history averaged when no model can serve a series. */
const FALLBACK_MEAN_DAYS = 28;

const LOCAL_MODELS: Readonly<Record<string, () => Forecaster>> = {
  snaive: () => new SeasonalNaive(),
  ets: () => new ExponentialSmoothing(),
  croston: () => new Croston(),
  tsb: () => new Tsb(),
};

export interface SeriesBaseline {
  readonly id: string;
  readonly model: string;
  readonly demandClass: string;
  readonly why: string;
  /** One per horizon day, >= 0. */
  readonly values: number[];
  /** Standard deviation of the error at each step, in units. */
  readonly errorSd: number[];
}

interface Choice { model: string; demandClass: string; why: string }

/** The model for a series: its class's champion in the latest backtest, else the overall one, else ets. */
export function chooseModel(series: DailySeries, backtest: BacktestResult | undefined): Choice {
  const known = backtest?.series.find((one) => one.id === series.id)?.demandClass;
  const demandClass = known ?? classifyDemand(series.values.length > 0 ? series.values : [0]).demandClass;
  if (backtest === undefined) return { model: DEFAULT_MODEL, demandClass, why: `no backtest yet: ${DEFAULT_MODEL} by default` };
  const champion = backtest.classes.find((one) => one.demandClass === demandClass)?.champion;
  if (champion) {
    const wape = backtest.classes.find((one) => one.demandClass === demandClass)!.metrics[champion]?.wape;
    return { model: champion, demandClass, why: `champion of ${demandClass} series in the latest backtest (WAPE ${formatPct(wape)})` };
  }
  if (backtest.champion) return { model: backtest.champion, demandClass, why: `no ${demandClass} series in the latest backtest: its overall champion` };
  return { model: DEFAULT_MODEL, demandClass, why: `the latest backtest has no champion: ${DEFAULT_MODEL} by default` };
}

const formatPct = (value: number | null | undefined) => (value === null || value === undefined ? 'n/a' : `${Math.round(value * 1000) / 10}%`);

/**
 * Baselines and error spreads of every series over `horizonDays`. `calendar` gives the promotions
 * the LSTM sees (if it was trained with a calendar); everything given is plain data.
 */
export async function forecastBaselines(
  series: readonly DailySeries[],
  context: { horizonDays: number; backtest?: { result: BacktestResult; spread: ErrorSpread }; model?: StoredModel; calendar?: CalendarOptions; signal?: AbortSignal },
): Promise<SeriesBaseline[]> {
  const { horizonDays } = context;
  const choices = series.map((one) => chooseModel(one, context.backtest?.result));
  const results = new Array<SeriesBaseline | undefined>(series.length);
  const lstmIndexes = choices.flatMap((choice, index) => (choice.model === 'lstm' ? [index] : []));
  if (lstmIndexes.length > 0) await forecastWithLstm(series, lstmIndexes, choices, results, context);
  series.forEach((one, index) => {
    context.signal?.throwIfAborted();
    if (results[index] !== undefined) return;
    results[index] = forecastLocally(one, choices[index]!, horizonDays, context.backtest?.spread);
  });
  return results as SeriesBaseline[];
}

async function forecastWithLstm(
  series: readonly DailySeries[],
  indexes: number[],
  choices: Choice[],
  results: Array<SeriesBaseline | undefined>,
  context: { horizonDays: number; backtest?: { spread: ErrorSpread }; model?: StoredModel; calendar?: CalendarOptions },
): Promise<void> {
  const { model, horizonDays } = context;
  if (model === undefined || model.metadata.horizonDays < horizonDays) {
    for (const index of indexes) choices[index] = { ...choices[index]!, model: DEFAULT_MODEL, why: `${choices[index]!.why}; no trained LSTM for ${horizonDays} days yet (train one): ${DEFAULT_MODEL} instead` };
    return;
  }
  const served = indexes.filter((index) => series[index]!.values.length >= model.metadata.inputDays);
  for (const index of indexes.filter((i) => !served.includes(i))) choices[index] = { ...choices[index]!, model: DEFAULT_MODEL, why: `${choices[index]!.why}; fewer than ${model.metadata.inputDays} days of history for the LSTM: ${DEFAULT_MODEL} instead` };
  if (served.length === 0) return;
  const picked = served.map((index) => series[index]!);
  const scales = picked.map((one) => model.scales[one.id] ?? fitSeriesScale(one.values));
  const calendar = modelCalendar(model, context.calendar);
  const runner = await loadOnnxForecaster(model.onnx, { inputDays: model.metadata.inputDays, features: featureNamesOf(calendar).length, horizonDays: model.metadata.horizonDays });
  try {
    const inputs = latestInputs(picked, scales, model.metadata.inputDays, calendar === undefined ? {} : { calendar, horizonDays: model.metadata.horizonDays });
    const outputs = await runner.run(inputs, picked.length);
    served.forEach((index, k) => {
      const scale = scales[k]!;
      const values = Array.from({ length: horizonDays }, (_, step) => Math.max(0, outputs[k * model.metadata.horizonDays + step]! * scale));
      const spread = context.backtest?.spread.lstm;
      const errorSd = spreadAvailable(spread, horizonDays)
        ? spread!.slice(0, horizonDays).map((step) => step.sd * fitSeriesScale(series[index]!.values))
        : new Array<number>(horizonDays).fill(Math.sqrt(model.metadata.validationLoss) * scale);
      const why = spreadAvailable(spread, horizonDays) ? choices[index]!.why : `${choices[index]!.why}; interval from the LSTM's validation error (no backtest of it yet)`;
      results[index] = { id: series[index]!.id, model: 'lstm', demandClass: choices[index]!.demandClass, why: `${why}; ONNX model ${model.id}${calendarNote(model, series[index]!)}`, values, errorSd };
    });
  } finally {
    await runner.close();
  }
}

/** The calendar the model was trained with, with today's promotions; undefined for a weekday-only model. */
function modelCalendar(model: StoredModel, current: CalendarOptions | undefined): LstmCalendar | undefined {
  const trained = model.metadata.calendar;
  if (trained === undefined) return undefined;
  return { ...trained, ...(current?.ranges === undefined ? {} : { ranges: current.ranges }) };
}

function calendarNote(model: StoredModel, series: DailySeries): string {
  if (model.metadata.calendar === undefined) return ' (weekday features only: trained without a holiday calendar; retrain with one to use holidays and promotions)';
  if (series.firstDate === undefined) return ' (the series has no first date, so its holiday and promotion features are 0)';
  return ` (${model.metadata.calendar.holidays} holiday calendar)`;
}

function spreadAvailable(spread: ErrorSpread[string] | undefined, horizonDays: number): boolean {
  return spread !== undefined && spread.length >= horizonDays && spread.slice(0, horizonDays).every((step) => step.count >= 2);
}

function forecastLocally(series: DailySeries, choice: Choice, horizonDays: number, spread: ErrorSpread | undefined): SeriesBaseline {
  const factory = LOCAL_MODELS[choice.model] ?? LOCAL_MODELS[DEFAULT_MODEL]!;
  const forecaster = factory();
  const level = fitSeriesScale(series.values);
  const base = { id: series.id, demandClass: choice.demandClass };
  if (series.values.length < forecaster.minimumHistoryDays) return fallbackMean(series, horizonDays, { ...base, why: `${choice.why}; ${series.values.length} days of history are fewer than ${choice.model} needs (${forecaster.minimumHistoryDays})` });
  const values = Array.from(forecaster.fit(series).forecast(horizonDays), (value) => Math.max(0, value));
  const steps = spread?.[forecaster.name];
  if (spreadAvailable(steps, horizonDays)) {
    return { ...base, model: forecaster.name, why: choice.why, values, errorSd: steps!.slice(0, horizonDays).map((step) => step.sd * level) };
  }
  return { ...base, model: forecaster.name, why: `${choice.why}; interval from its error on the newest ${horizonDays} days held back`, values, errorSd: holdoutErrorSd(forecaster, series, horizonDays, level) };
}

/** The model refitted without the newest horizon, scored on it: one sd for every step. */
function holdoutErrorSd(forecaster: Forecaster, series: DailySeries, horizonDays: number, level: number): number[] {
  const cut = series.values.length - horizonDays;
  if (cut < forecaster.minimumHistoryDays) return new Array<number>(horizonDays).fill(level);
  const forecast = forecaster.fit({ ...series, values: Array.prototype.slice.call(series.values, 0, cut) as number[] }).forecast(horizonDays);
  const errors = Array.from(forecast, (value, step) => series.values[cut + step]! - Math.max(0, value));
  return new Array<number>(horizonDays).fill(Math.sqrt(errors.reduce((sum, error) => sum + error * error, 0) / errors.length));
}

function fallbackMean(series: DailySeries, horizonDays: number, base: { id: string; demandClass: string; why: string }): SeriesBaseline {
  const recent = Array.prototype.slice.call(series.values, -FALLBACK_MEAN_DAYS) as number[];
  const mean = recent.length === 0 ? 0 : recent.reduce((sum, value) => sum + value, 0) / recent.length;
  const sd = recent.length < 2 ? mean : Math.sqrt(recent.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (recent.length - 1));
  return { ...base, model: 'mean', why: `${base.why}: the mean of the last ${recent.length} days instead`, values: new Array<number>(horizonDays).fill(Math.max(0, mean)), errorSd: new Array<number>(horizonDays).fill(sd) };
}
