import { describe, expect, it } from 'vitest';
import { perSeries } from './forecaster.ts';
import { SeasonalNaive } from './seasonal-naive.ts';

const week = [50, 80, 75, 90, 120, 30, 10];
const weeks = (count: number) => Array.from({ length: count * 7 }, (_, t) => week[t % 7]!);

describe('seasonal naive', () => {
  it('repeats a pure weekly pattern exactly, from the right weekday on', () => {
    // 3 weeks and 2 days: the next day is week[2].
    const history = { id: 'pure', values: [...weeks(3), 50, 80], firstIsoWeekday: 1 };
    const forecast = new SeasonalNaive().fit(history).forecast(14);
    expect(Array.from(forecast)).toEqual(Array.from({ length: 14 }, (_, h) => week[(2 + h) % 7]!));
  });

  it('refuses a history shorter than a season and a horizon below 1', () => {
    expect(() => new SeasonalNaive().fit({ id: 'short', values: [1, 2, 3], firstIsoWeekday: 1 })).toThrow(/series "short": seasonal naive needs one season \(7 days\).*found 3/);
    expect(() => new SeasonalNaive().fit({ id: 'ok', values: weeks(1), firstIsoWeekday: 1 }).forecast(0)).toThrow(/horizonDays: expected a whole number of at least 1/);
  });

  it('runs per series when lifted to the global shape, and names the series too short for it', async () => {
    const model = perSeries(new SeasonalNaive());
    const fitted = await model.fitAll([{ id: 'a', values: weeks(2), firstIsoWeekday: 1 }, { id: 'b', values: weeks(2).map((v) => v * 2), firstIsoWeekday: 1 }], { horizonDays: 7 });
    const [a, b] = await fitted.forecast(7);
    expect(Array.from(a!)).toEqual(week);
    expect(Array.from(b!)).toEqual(week.map((v) => v * 2));
    await expect(model.fitAll([{ id: 'tiny', values: [1], firstIsoWeekday: 1 }], { horizonDays: 7 })).rejects.toThrow(/snaive: expected at least 7 days of history, found "tiny" 1/);
  });
});
