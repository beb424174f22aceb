import { describe, expect, it } from 'vitest';
import { mape, mase, MetricAccumulator, seasonalNaiveScale, wape } from './forecast-metrics.ts';

// Errors 2, 1, 5, 0 on actuals 10, 0, 20, 5 (total demand 35, total error 8).
const actual = [10, 0, 20, 5];
const forecast = [12, 1, 15, 5];
// Weekly diffs of this history: |3-1|, 0, 0, 0, 0, 0, |9-7| -> q = 4 / 7.
const history = [1, 2, 3, 4, 5, 6, 7, 3, 2, 3, 4, 5, 6, 9];

describe('forecast metrics', () => {
  it('computes MAPE over the non-zero actuals only', () => {
    expect(mape(actual, forecast)).toBeCloseTo((2 / 10 + 5 / 20 + 0 / 5) / 3, 12); // 0.15
  });

  it('computes WAPE as total absolute error over total demand', () => {
    expect(wape(actual, forecast)).toBeCloseTo(8 / 35, 12);
  });

  it('scales MASE by the in-sample seasonal-naive error', () => {
    expect(seasonalNaiveScale(history, 7)).toBeCloseTo(4 / 7, 12);
    expect(seasonalNaiveScale([1, 3, 2], 1)).toBeCloseTo(1.5, 12);
    expect(mase(actual, forecast, history, 7)).toBeCloseTo(8 / 4 / (4 / 7), 12); // 3.5
  });

  it('gives NaN, not 0, where a measure has no value', () => {
    expect(mape([0, 0], [1, 2])).toBeNaN();
    expect(wape([0, 0], [1, 2])).toBeNaN();
    expect(mase([1], [2], [5, 5, 5], 1)).toBeNaN();
  });

  it('refuses empty, mismatched or non-finite input, naming the field', () => {
    expect(() => wape([], [])).toThrow(/actual: expected at least one day/);
    expect(() => mape([1, 2], [1])).toThrow(/forecast: expected one value per actual day \(2\), found 1/);
    expect(() => wape([1, Number.NaN], [1, 2])).toThrow(/actual\[1\]: expected a finite number, found NaN/);
    expect(() => mase([1], [1], [1, 2, 3], 7)).toThrow(/history: MASE needs more than one season \(7 days\).*found 3 days/);
    expect(() => seasonalNaiveScale([1, 2, 3], 0)).toThrow(/seasonDays: expected a whole number of at least 1, found 0/);
  });

  it('pools spans: WAPE over total demand, MAPE over every non-zero day, MASE by each span\'s own scale', () => {
    const pooled = new MetricAccumulator();
    pooled.add(actual, forecast, 4 / 7);
    const other = new MetricAccumulator();
    other.add([100, 300], [110, 270], 20); // errors 10, 30
    pooled.merge(other);
    const result = pooled.result();
    expect(result.days).toBe(6);
    expect(result.wape).toBeCloseTo((8 + 40) / (35 + 400), 12);
    expect(result.mape).toBeCloseTo((0.2 + 0.25 + 0 + 0.1 + 0.1) / 5, 12);
    expect(result.mase).toBeCloseTo(((2 + 1 + 5 + 0) / (4 / 7) + (10 + 30) / 20) / 6, 12);
  });

  it('reports null for pooled measures without a value', () => {
    const pooled = new MetricAccumulator();
    pooled.add([0, 0], [1, 1], 0);
    expect(pooled.result()).toEqual({ mape: null, wape: null, mase: null, days: 2 });
  });
});
