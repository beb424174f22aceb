import { describe, expect, it } from 'vitest';
import { isoWeekdayOf } from './forecast-windows.ts';
import { usBirthsSeries } from './us-births-series.ts';

describe('US births series', () => {
  it('reads 5,479 consecutive days from Saturday 2000-01-01, weekdays agreeing with the data', () => {
    const births = usBirthsSeries();
    expect(births.values.length).toBe(5479);
    expect(births.firstDate).toBe('2000-01-01');
    expect(births.firstIsoWeekday).toBe(6);
    // 2014-12-25 (day 5472) was a Thursday, and Christmas births fall far below an ordinary Thursday.
    expect(isoWeekdayOf(births.firstIsoWeekday, 5472)).toBe(4);
    expect(births.values[5472]!).toBeLessThan(0.7 * births.values[5472 - 7]!);
  });
});
