/**
 * What a sandbox edit would have done to the error before it is published (issue 8, item 4):
 * the same baseline forecasts and actuals, once with the production factors and once with the
 * sandbox's, measured by WAPE and MAPE (forecast-metrics.ts). A planner who moves the
 * pre-Spring-Festival decay from 0.85 to 0.62 sees here whether the past agrees.
 */
import { type BaselineDay, decomposeForecast, type FactorContext, type FactorSet } from './factor-model.ts';
import { mape, wape } from './forecast-metrics.ts';

export interface ErrorFigures {
  /** Fractions (0.05 = 5%); null when the measure has no value (no demand, no non-zero day). */
  readonly wape: number | null;
  readonly mape: number | null;
}

export interface ChangedDay {
  readonly day: string;
  readonly actual: number;
  readonly production: number;
  readonly sandbox: number;
}

export interface SandboxComparison {
  readonly days: number;
  readonly production: ErrorFigures;
  readonly sandbox: ErrorFigures;
  /** Sandbox minus production: negative means the sandbox would have erred less. */
  readonly change: ErrorFigures;
  /** The sandbox's WAPE is lower than production's. */
  readonly sandboxIsBetter: boolean;
  /** The days whose forecast the edit changes, to show beside the figures. */
  readonly changedDays: ChangedDay[];
}

const orNull = (value: number): number | null => (Number.isNaN(value) ? null : value);
const difference = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a - b);

export function sandboxComparison(
  baselineForecasts: readonly BaselineDay[],
  actuals: readonly number[],
  productionFactors: FactorSet,
  sandboxFactors: FactorSet,
  context: FactorContext = {},
): SandboxComparison {
  if (actuals.length !== baselineForecasts.length) {
    throw new RangeError(`actuals: expected one actual per baseline forecast day (${baselineForecasts.length}), found ${actuals.length}`);
  }
  const production = decomposeForecast(baselineForecasts, productionFactors, context).map((day) => day.forecast);
  const sandbox = decomposeForecast(baselineForecasts, sandboxFactors, context).map((day) => day.forecast);
  const productionError = { wape: orNull(wape(actuals, production)), mape: orNull(mape(actuals, production)) };
  const sandboxError = { wape: orNull(wape(actuals, sandbox)), mape: orNull(mape(actuals, sandbox)) };
  const changedDays: ChangedDay[] = [];
  baselineForecasts.forEach(({ day }, index) => {
    if (production[index] !== sandbox[index]) changedDays.push({ day, actual: actuals[index]!, production: production[index]!, sandbox: sandbox[index]! });
  });
  return {
    days: actuals.length,
    production: productionError,
    sandbox: sandboxError,
    change: { wape: difference(sandboxError.wape, productionError.wape), mape: difference(sandboxError.mape, productionError.mape) },
    sandboxIsBetter: productionError.wape !== null && sandboxError.wape !== null && sandboxError.wape < productionError.wape,
    changedDays,
  };
}
