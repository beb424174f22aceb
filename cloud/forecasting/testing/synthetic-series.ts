/**
 * Synthetic daily sales with a known truth, for the forecasting tests and bench: each SKU has its
 * own level (spread over two orders of magnitude, so per-series scaling matters) and its own
 * weekly pattern, times independent noise. Because the noise-free expectation is known, a test
 * can put the model between the best possible forecast (`expected`) and seasonal naive instead
 * of against a number copied from an earlier run.
 */
import type { DailySeries } from '../forecast-windows.ts';
import { isoWeekdayOf } from '../forecast-windows.ts';
import { seededRandom } from '../seeded-random.ts';

export interface SyntheticOptions {
  readonly skus: number;
  readonly days: number;
  readonly seed: number;
  /** Standard deviation of the multiplicative noise (0.1 = +-10%). */
  readonly noise: number;
}

export interface SyntheticSales {
  readonly series: DailySeries[];
  /** The noise-free expectation of series `index` on day `day`: the best forecast there is. */
  expected(index: number, day: number): number;
}

export function syntheticWeeklySales(options: SyntheticOptions): SyntheticSales {
  const random = seededRandom(options.seed);
  const levels: number[] = [];
  const patterns: number[][] = [];
  const series: DailySeries[] = [];
  for (let sku = 0; sku < options.skus; sku++) {
    const level = Math.exp(random.uniform(Math.log(5), Math.log(500)));
    // Weekdays around 1, a weekend dip or peak of up to +-50%: shapes differ per SKU.
    const weekend = random.uniform(-0.5, 0.5);
    const pattern = Array.from({ length: 7 }, (_, day) => (day >= 5 ? 1 + weekend : 1 + random.uniform(-0.15, 0.15)));
    const firstIsoWeekday = 1 + Math.floor(random.next() * 7);
    const values = new Float64Array(options.days);
    for (let day = 0; day < options.days; day++) {
      const mean = level * pattern[isoWeekdayOf(firstIsoWeekday, day) - 1]!;
      values[day] = Math.max(0, mean * (1 + options.noise * random.normal()));
    }
    levels.push(level);
    patterns.push(pattern);
    series.push({ id: `sku-${String(sku).padStart(4, '0')}`, values, firstIsoWeekday });
  }
  return {
    series,
    expected: (index, day) => levels[index]! * patterns[index]![isoWeekdayOf(series[index]!.firstIsoWeekday, day) - 1]!,
  };
}
