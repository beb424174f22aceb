import { describe, expect, it } from 'vitest';
import { buildWindows, FEATURE_COUNT, fitSeriesScale, isoWeekdayOf, latestInputs, splitHoldout, unscaleOutputs, type DailySeries } from './forecast-windows.ts';
import { seededRandom } from './seeded-random.ts';

const random = seededRandom(42);
const series: DailySeries[] = [
  { id: 'small', values: Array.from({ length: 120 }, () => Math.round(random.uniform(0, 9))), firstIsoWeekday: 3 },
  { id: 'large', values: Array.from({ length: 150 }, () => Math.round(random.uniform(2000, 4000))), firstIsoWeekday: 7 },
];
const options = { inputDays: 28, horizonDays: 7, strideDays: 3 };

describe('forecast windows', () => {
  it('round-trips every input and target value through its series scale', () => {
    const scales = series.map((one) => fitSeriesScale(one.values));
    const windows = buildWindows(series, scales, options);
    expect(windows.count).toBeGreaterThan(10);
    for (let window = 0; window < windows.count; window++) {
      const index = windows.seriesIndex[window]!;
      const { values } = series[index]!;
      const firstTarget = windows.targetStart[window]!;
      for (let day = 0; day < options.inputDays; day++) {
        const scaled = windows.inputs[(window * options.inputDays + day) * FEATURE_COUNT]!;
        expect(scaled * scales[index]!).toBeCloseTo(values[firstTarget - options.inputDays + day]!, 2);
      }
      const targets = windows.targets.subarray(window * options.horizonDays, (window + 1) * options.horizonDays);
      const restored = unscaleOutputs(targets, [index], scales, options.horizonDays);
      restored.forEach((value, day) => expect(value).toBeCloseTo(values[firstTarget + day]!, 2));
    }
  });

  it('marks exactly the ISO weekday of every input day', () => {
    const windows = buildWindows(series, [1, 1], options);
    for (let window = 0; window < windows.count; window++) {
      const { firstIsoWeekday } = series[windows.seriesIndex[window]!]!;
      for (let day = 0; day < options.inputDays; day++) {
        const at = (window * options.inputDays + day) * FEATURE_COUNT;
        const flags = Array.from(windows.inputs.subarray(at + 1, at + FEATURE_COUNT));
        const expected = isoWeekdayOf(firstIsoWeekday, windows.targetStart[window]! - options.inputDays + day);
        expect(flags).toEqual(Array.from({ length: 7 }, (_, i) => (i + 1 === expected ? 1 : 0)));
      }
    }
    expect(isoWeekdayOf(7, 1)).toBe(1); // Sunday is followed by Monday
  });

  it('always includes the newest complete window, whatever the stride', () => {
    for (const strideDays of [1, 5, 13]) {
      const windows = buildWindows([series[1]!], [1], { ...options, strideDays });
      expect(windows.targetStart[windows.count - 1]! + options.horizonDays).toBe(series[1]!.values.length);
    }
  });

  it('keeps the holdout out of training windows and out of the scale', () => {
    const holdoutDays = 30;
    const split = splitHoldout(series, { ...options, holdoutDays });
    series.forEach((one, index) => {
      const cut = one.values.length - holdoutDays;
      expect(split.scales[index]).toBeCloseTo(fitSeriesScale(Array.from(one.values).slice(0, cut)), 10);
      for (let w = 0; w < split.training.count; w++) {
        if (split.training.seriesIndex[w] === index) expect(split.training.targetStart[w]! + options.horizonDays).toBeLessThanOrEqual(cut);
      }
      const validation = Array.from(split.validation.targetStart).filter((_, w) => split.validation.seriesIndex[w] === index);
      expect(validation.length).toBe(holdoutDays - options.horizonDays + 1);
      expect(Math.min(...validation)).toBe(cut);
    });
  });

  it('builds the latest inputs from the last days of each series', () => {
    const scales = [2, 1000];
    const inputs = latestInputs(series, scales, options.inputDays);
    series.forEach((one, index) => {
      const lastDay = one.values.length - 1;
      const at = (index * options.inputDays + options.inputDays - 1) * FEATURE_COUNT;
      expect(inputs[at]! * scales[index]!).toBeCloseTo(one.values[lastDay]!, 2);
      expect(inputs[at + isoWeekdayOf(one.firstIsoWeekday, lastDay)]).toBe(1);
    });
  });

  it('scales a series of zeros by 1 rather than dividing by zero', () => {
    expect(fitSeriesScale([0, 0, 0])).toBe(1);
    expect(fitSeriesScale([2, -4, 0, 6])).toBe(3);
  });

  it('rejects bad series naming the series, the field and the fix', () => {
    const bad: DailySeries[] = [
      { id: 'short', values: [1, 2, 3], firstIsoWeekday: 1 },
      { id: 'gap', values: Array.from({ length: 40 }, (_, i) => (i === 5 ? Number.NaN : 1)), firstIsoWeekday: 8 },
    ];
    expect(() => buildWindows(bad, [1, 1], options)).toThrow(/series "short": expected at least 35 days, found 3/);
    expect(() => buildWindows(bad, [1, 1], options)).toThrow(/series "gap" firstIsoWeekday: expected 1 \(Monday\) .. 7 \(Sunday\), found 8/);
    expect(() => buildWindows(bad, [1, 1], options)).toThrow(/series "gap" day 5: expected a finite number, found NaN; fill or drop missing days first/);
    expect(() => splitHoldout(series, { ...options, holdoutDays: 100 })).toThrow(/series "small" \(120 days\): expected at least .* = 135 days; drop them or shorten the holdout/);
    expect(() => buildWindows(series, [1, 1], { ...options, strideDays: 0 })).toThrow(/strideDays: expected a whole number of at least 1, found 0/);
  });
});
