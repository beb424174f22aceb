import { describe, expect, it } from 'vitest';
import { Croston, Tsb } from './croston.ts';

const series = (values: number[]) => ({ id: 'spare-part', values, firstIsoWeekday: 1 });
const intermittent = [0, 0, 3, 0, 5, 0, 0, 4];

describe('Croston and TSB', () => {
  it('Croston smooths sizes and intervals on demand days only (hand computation)', () => {
    // Start at day 2: z = 3, p = 3. Day 4 (q = 2): z = 3 + .5(5 - 3) = 4, p = 3 + .5(2 - 3) = 2.5.
    // Day 7 (q = 3): z = 4 + .5(4 - 4) = 4, p = 2.5 + .5(3 - 2.5) = 2.75. Forecast 4 / 2.75.
    const fitted = new Croston({ alpha: 0.5 }).fit(series(intermittent));
    expect(fitted.dailyRate).toBeCloseTo(4 / 2.75, 12);
    expect(Array.from(fitted.forecast(3))).toEqual([4 / 2.75, 4 / 2.75, 4 / 2.75]);
  });

  it('TSB smooths the probability of demand every day (hand computation)', () => {
    // z = 3, p = 1/3; day 3: p = 1/6; day 4: p = 1/6 + .5(5/6) = 7/12, z = 4; days 5, 6: p = 7/24, 7/48;
    // day 7: p = 7/48 + .5(41/48) = 55/96, z = 4. Forecast 4 * 55/96.
    expect(new Tsb({ alpha: 0.5, beta: 0.5 }).fit(series(intermittent)).dailyRate).toBeCloseTo((4 * 55) / 96, 12);
  });

  it('TSB lets the forecast of a SKU that stopped selling decay, Croston does not', () => {
    const stopped = [...intermittent, ...new Array(30).fill(0)];
    expect(new Croston({ alpha: 0.5 }).fit(series(stopped)).dailyRate).toBeCloseTo(4 / 2.75, 12);
    expect(new Tsb({ alpha: 0.5, beta: 0.5 }).fit(series(stopped)).dailyRate).toBeLessThan(1e-6);
  });

  it('forecasts 0 for a history without demand and refuses smoothing constants outside (0, 1]', () => {
    expect(new Croston().fit(series([0, 0, 0])).dailyRate).toBe(0);
    expect(new Tsb().fit(series([0, 0, 0])).dailyRate).toBe(0);
    expect(() => new Croston({ alpha: 0 })).toThrow(/alpha: expected a smoothing constant in \(0, 1\], found 0/);
    expect(() => new Tsb({ beta: 1.5 })).toThrow(/beta: expected a smoothing constant in \(0, 1\], found 1.5/);
  });
});
