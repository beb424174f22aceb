/**
 * The models the backtest can run, by the names the CLI and the bench take: a lookup table from
 * name to factory, so adding a model is one line and an unknown name lists the known ones.
 */
import { Croston, Tsb } from './baselines/croston.ts';
import { ExponentialSmoothing } from './baselines/ets.ts';
import { perSeries, type GlobalForecaster } from './baselines/forecaster.ts';
import { SeasonalNaive } from './baselines/seasonal-naive.ts';
import { LstmForecaster, type LstmForecasterOptions } from './lstm-forecaster.ts';

export interface ModelSettings {
  readonly seasonDays?: number;
  readonly lstm?: LstmForecasterOptions;
}

const FACTORIES = {
  snaive: (settings: ModelSettings) => perSeries(new SeasonalNaive(settings.seasonDays)),
  ets: (settings: ModelSettings) => perSeries(new ExponentialSmoothing(settings.seasonDays === undefined ? {} : { seasonDays: settings.seasonDays })),
  croston: () => perSeries(new Croston()),
  tsb: () => perSeries(new Tsb()),
  lstm: (settings: ModelSettings) => new LstmForecaster(settings.lstm),
} satisfies Record<string, (settings: ModelSettings) => GlobalForecaster>;

export type ModelName = keyof typeof FACTORIES;
export const MODEL_NAMES = Object.keys(FACTORIES) as ModelName[];

/** Names as a user writes them: a comma-separated list, or `all`. Unknown names are refused together. */
export function parseModelNames(text: string): ModelName[] {
  const names = text.split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '');
  if (names.includes('all')) return [...MODEL_NAMES];
  const unknown = names.filter((name) => !(MODEL_NAMES as string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new RangeError(`model: expected one or more of ${MODEL_NAMES.join(', ')} (comma-separated) or all, found "${text}"`);
  }
  return [...new Set(names)] as ModelName[];
}

export function createModels(names: readonly ModelName[], settings: ModelSettings = {}): GlobalForecaster[] {
  return names.map((name) => FACTORIES[name](settings));
}
