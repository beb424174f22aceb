/**
 * For the forecasting service's tests: a SalesHistory over daily numbers held in memory (series
 * generated or built by hand), so a test controls exactly what was sold. The real one
 * (sales-history.ts, over the ledger) has its own tests. Not a test itself.
 */
import { addDays, daysBetween } from '../calendar-features.ts';
import type { SalesDay, SalesHistory, SalesSeries } from '../forecasting-types.ts';

export class MemorySalesHistory implements SalesHistory {
  readonly #series = new Map<string, { sku: string; location: string; firstDay: string; qty: number[] }>();

  /** Sets a series: `qty[i]` was sold on `firstDay` + i days. */
  set(sku: string, location: string, firstDay: string, qty: readonly number[]): this {
    this.#series.set(`${sku}\u0000${location}`, { sku, location, firstDay, qty: [...qty] });
    return this;
  }

  /** Sets the sales of single days (extending the series with zeros where needed). */
  setDays(sku: string, location: string, days: Record<string, number>): this {
    const key = `${sku}\u0000${location}`;
    const sorted = Object.keys(days).sort();
    const existing = this.#series.get(key) ?? { sku, location, firstDay: sorted[0]!, qty: [] };
    let { firstDay, qty } = existing;
    if (sorted[0]! < firstDay) {
      qty = [...new Array<number>(daysBetween(sorted[0]!, firstDay)).fill(0), ...qty];
      firstDay = sorted[0]!;
    }
    for (const day of sorted) {
      const index = daysBetween(firstDay, day);
      while (qty.length <= index) qty.push(0);
      qty[index] = days[day]!;
    }
    this.#series.set(key, { sku, location, firstDay, qty });
    return this;
  }

  keys(): Array<{ sku: string; location: string }> {
    return [...this.#series.values()].map(({ sku, location }) => ({ sku, location }));
  }

  series(filter: { sku?: string; location?: string; from?: string; to?: string } = {}): SalesSeries[] {
    return [...this.#series.values()]
      .filter((one) => (filter.sku === undefined || one.sku === filter.sku) && (filter.location === undefined || one.location === filter.location))
      .map((one) => {
        const days: SalesDay[] = one.qty.map((qty, index) => ({ day: addDays(one.firstDay, index), qty, censored: false }))
          .filter((day) => (filter.from === undefined || day.day >= filter.from) && (filter.to === undefined || day.day <= filter.to));
        return { sku: one.sku, location: one.location, days };
      });
  }
}
