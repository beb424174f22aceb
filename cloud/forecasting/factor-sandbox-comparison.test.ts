import { describe, expect, it } from 'vitest';
import { addDays, daysBetween } from './calendar-features.ts';
import { compareFactorSets, FactorComparisonError } from './factor-sandbox-comparison.ts';
import { parseFactorSet } from './factor-model.ts';
import type { SalesHistory, SalesSeries } from './forecasting-types.ts';

const noFactors = parseFactorSet({ factors: [] });
const decay = (multiplier: number) => parseFactorSet({ factors: [{ kind: 'spring-festival-decay', name: 'decay', daysBefore: 21, multiplier }] });

/** 10 a day, 5 on the 21 days before Chinese New Year 2026-02-17, one stock-out day selling 2. */
function flatHistory(): SalesHistory {
  const first = '2025-10-01';
  const series: SalesSeries = {
    sku: 'MILK-1L',
    location: 'WH1',
    days: Array.from({ length: daysBetween(first, '2026-03-31') + 1 }, (_, index) => {
      const day = addDays(first, index);
      if (day === '2026-03-10') return { day, qty: 2, censored: true };
      return { day, qty: day >= '2026-01-27' && day <= '2026-02-16' ? 5 : 10, censored: false };
    }),
  };
  return { series: (filter = {}) => (filter.sku === undefined || filter.sku === series.sku ? [series] : []), keys: () => [{ sku: series.sku, location: series.location }] };
}

describe('factor set comparison on sales history', () => {
  it('forecasts from a baseline cleaned of factor and stock-out days, numbers worked by hand', async () => {
    // horizonDays 5 does not divide the 84 days: the last origin forecasts 4.
    const result = await compareFactorSets(flatHistory(), noFactors, decay(0.5), { weeks: 12, horizonDays: 5, to: '2026-03-31' });
    expect([result.from, result.to, result.censoredDaysSkipped]).toEqual(['2026-01-07', '2026-03-31', 1]);
    // Uncleaned, seasonal naive would repeat the halved days into the first week after them and
    // halve the decay days twice; cleaned, the baseline is 10 on every scored day.
    expect(result.days).toHaveLength(83);
    expect(new Set(result.days.map((day) => day.baseline))).toEqual(new Set([10]));
    // 83 scored days sold 62 x 10 + 21 x 5 = 725; production misses the 21 decay days by 5 each.
    expect(result.overall.days).toBe(83);
    expect(result.overall.production.wape).toBeCloseTo(105 / 725, 12);
    expect(result.overall.production.mape).toBeCloseTo(21 / 83, 12);
    expect(result.overall.sandbox).toEqual({ wape: 0, mape: 0 });
    expect(result.changed).toMatchObject({ days: 21, production: { wape: 1, mape: 1 }, sandbox: { wape: 0, mape: 0 }, change: { wape: -1, mape: -1 } });
    expect(result.sandboxIsBetter).toBe(true);
    const changed = result.days.filter((day) => day.changed);
    expect([changed.length, changed[0]!.day, changed.at(-1)!.day]).toEqual([21, '2026-01-27', '2026-02-16']);
    expect(changed.every((day) => day.production === 10 && day.sandbox === 5 && day.difference === -5)).toBe(true);
    expect(result.series).toEqual([{ sku: 'MILK-1L', location: 'WH1', changedDays: 21, ...result.overall }]);
  });

  it('skips series that end before the scored weeks or are too short, and refuses when none is left', async () => {
    const flat = flatHistory().series()[0]!;
    const short: SalesSeries = { sku: 'RICE-5KG', location: 'WH1', days: flat.days.slice(-30) };
    const ended: SalesSeries = { sku: 'TEA-100G', location: 'WH2', days: flat.days.slice(0, -3) };
    const history: SalesHistory = { series: () => [flat, short, ended], keys: () => [flat, short, ended].map(({ sku, location }) => ({ sku, location })) };
    const result = await compareFactorSets(history, noFactors, decay(0.5), { weeks: 12, to: '2026-03-31' });
    expect(result.series.map((one) => one.sku)).toEqual(['MILK-1L']);
    expect(result.skipped).toEqual([
      { sku: 'RICE-5KG', location: 'WH1', reason: '30 days of history; 12 weeks with snaive need 91' },
      { sku: 'TEA-100G', location: 'WH2', reason: 'its history ends 2026-03-28, not on 2026-03-31' },
    ]);
    const none: SalesHistory = { series: () => [short], keys: () => [] };
    await expect(compareFactorSets(none, noFactors, decay(0.5), { weeks: 12, to: '2026-03-31' })).rejects.toThrow(
      'nothing to compare on (RICE-5KG@WH1: 30 days of history; 12 weeks with snaive need 91); choose fewer weeks or another sku/location',
    );
  });
});

describe('factor set comparison refusals', () => {
  it('names the field', async () => {
    const attempt = (options: Parameters<typeof compareFactorSets>[3]) => compareFactorSets(flatHistory(), noFactors, decay(0.5), options);
    await expect(attempt({ weeks: 0, to: '2026-03-31' })).rejects.toThrow('weeks: expected a whole number from 1 to 104, found 0');
    await expect(attempt({ horizonDays: 2.5, to: '2026-03-31' })).rejects.toThrow('horizonDays: expected a whole number from 1 to 28, found 2.5');
    await expect(attempt({ model: 'lstm' as never, to: '2026-03-31' })).rejects.toThrow('model: expected one of snaive, ets, found "lstm"');
    await expect(attempt({ weeks: 30, model: 'ets', to: '2026-03-31' })).rejects.toThrow(FactorComparisonError);
    await expect(attempt({ weeks: 30, model: 'ets', to: '2026-03-31' })).rejects.toThrow('182 days of history; 30 weeks with ets need 231');
    await expect(attempt({ to: '2026-04-02' })).rejects.toThrow('its history ends 2026-03-31, not on 2026-04-02');
  });
});
