/**
 * For the replenishment tests: a ForecastSource over fixed daily numbers per SKU x location (the
 * forecasting service is not what those tests check). Not a test itself.
 */
import type { ForecastSource } from '../forecasting-types.ts';

export interface FixedForecast { daily: number | number[]; errorSdPerDay: number; model?: string }

export class FixedForecasts implements ForecastSource {
  readonly #byKey = new Map<string, FixedForecast>();
  /** Every call, for tests that check what was asked. */
  readonly calls: Array<{ sku: string; location: string; days: number }> = [];

  set(sku: string, location: string, forecast: FixedForecast): this {
    this.#byKey.set(`${sku}\u0000${location}`, forecast);
    return this;
  }

  demand(sku: string, location: string, days: number): { daily: number[]; errorSdPerDay: number; model: string } | undefined {
    this.calls.push({ sku, location, days });
    const found = this.#byKey.get(`${sku}\u0000${location}`);
    if (!found) return undefined;
    const { daily } = found;
    return {
      daily: Array.from({ length: days }, (_, i) => (typeof daily === 'number' ? daily : daily[i] ?? daily.at(-1)!)),
      errorSdPerDay: found.errorSdPerDay,
      model: found.model ?? 'fixed',
    };
  }
}
