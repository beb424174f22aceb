/**
 * The models the backtest can run, by the names the CLI and the bench take: a lookup table from
 * name to factory, so adding a model is one line and an unknown name lists the known ones.
 * `<model>-holidays` is the same model on the holiday-adjusted series (baselines/holiday-adjusted.ts);
 * it needs each series' first date (a history's `firstDate`, or `holidays.firstDates`). `lstm` with
 * `lstm.calendar` learns holidays itself from each history's `firstDate` (lstm-forecaster.ts);
 * inside `lstm-holidays` the adjusted histories carry no date, so its calendar features stay 0.
 */
import { Croston, Tsb } from './baselines/croston.ts';
import { ExponentialSmoothing } from './baselines/ets.ts';
import { perSeries, type GlobalForecaster } from './baselines/forecaster.ts';
import { HolidayAdjusted, type HolidayAdjustedOptions } from './baselines/holiday-adjusted.ts';
import { SeasonalNaive } from './baselines/seasonal-naive.ts';
import { LstmForecaster, type LstmForecasterOptions } from './lstm-forecaster.ts';

export interface ModelSettings {
  readonly seasonDays?: number;
  readonly lstm?: LstmForecasterOptions;
  /** How the `-holidays` models estimate holiday effects, and where they find series' dates. */
  readonly holidays?: Omit<HolidayAdjustedOptions, 'name'>;
}

const withHolidays = (inner: GlobalForecaster, settings: ModelSettings) => new HolidayAdjusted(inner, settings.holidays ?? {});

const snaive = (settings: ModelSettings) => perSeries(new SeasonalNaive(settings.seasonDays));
const ets = (settings: ModelSettings) => perSeries(new ExponentialSmoothing(settings.seasonDays === undefined ? {} : { seasonDays: settings.seasonDays }));
const lstm = (settings: ModelSettings) => new LstmForecaster(settings.lstm);

const FACTORIES = {
  snaive,
  ets,
  croston: () => perSeries(new Croston()),
  tsb: () => perSeries(new Tsb()),
  lstm,
  'snaive-holidays': (settings: ModelSettings) => withHolidays(snaive(settings), settings),
  'ets-holidays': (settings: ModelSettings) => withHolidays(ets(settings), settings),
  'lstm-holidays': (settings: ModelSettings) => withHolidays(lstm(settings), settings),
} satisfies Record<string, (settings: ModelSettings) => GlobalForecaster>;

export type ModelName = keyof typeof FACTORIES;
export const MODEL_NAMES = Object.keys(FACTORIES) as ModelName[];
/**
 * What `all` runs: every model but the `-holidays` ones, which read each series' first date (the
 * backtest hands it to every fold); name them beside it, e.g. `all,ets-holidays`.
 */
export const ALL_MODEL_NAMES = MODEL_NAMES.filter((name) => !name.endsWith('-holidays'));

/** Names as a user writes them: a comma-separated list, where `all` stands for ALL_MODEL_NAMES. Unknown names are refused together. */
export function parseModelNames(text: string): ModelName[] {
  const names = text
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '')
    .flatMap((name) => (name === 'all' ? ALL_MODEL_NAMES : [name]));
  const unknown = names.filter((name) => !(MODEL_NAMES as string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new RangeError(`model: expected one or more of ${MODEL_NAMES.join(', ')} (comma-separated) or all, found "${text}"`);
  }
  return [...new Set(names)] as ModelName[];
}

export function createModels(names: readonly ModelName[], settings: ModelSettings = {}): GlobalForecaster[] {
  return names.map((name) => FACTORIES[name](settings));
}
