import { describe, expect, it } from 'vitest';
import { runBacktest, type BacktestSeries } from './backtest.ts';
import { isoWeekdayOfDay } from './calendar-features.ts';
import { LstmForecaster } from './lstm-forecaster.ts';
import { syntheticWeeklySales } from './testing/synthetic-series.ts';

const FIRST_DATE = '2024-06-03'; // a Monday

describe('the LSTM as a backtest model', () => {
  it('learns from calendar features on every fold through the dates the backtest keeps, and forecasts through ONNX', async () => {
    const synthetic = syntheticWeeklySales({ skus: 3, days: 300, seed: 5, noise: 0.1 });
    const series: BacktestSeries[] = synthetic.series.map((one, index) => ({ id: `s${index}`, values: one.values, firstIsoWeekday: isoWeekdayOfDay(FIRST_DATE), firstDate: FIRST_DATE }));
    const epochs: number[] = [];
    const settings = { inputDays: 21, hiddenSize: 4, maxEpochs: 1, windowsPerEpoch: 64, seed: 3 };
    const wapeOf = async (histories: BacktestSeries[], calendar: boolean) => {
      const model = new LstmForecaster({ ...settings, ...(calendar ? { calendar: { holidays: 'china' as const } } : {}), onEpoch: (report) => epochs.push(report.epoch) });
      const result = await runBacktest(histories, { horizonDays: 14, folds: 2, models: [model] });
      expect(result.pooled.lstm!.days).toBe(2 * 14 * series.length);
      return result.pooled.lstm!.wape!;
    };
    const withCalendar = await wapeOf(series, true);
    expect(epochs).toEqual([1, 1]); // trained afresh on each fold
    expect(withCalendar).toBeGreaterThan(0);
    expect(Number.isFinite(withCalendar)).toBe(true);
    // Same seed and data: only the calendar features (and so the first-layer width) differ.
    expect(withCalendar).not.toBe(await wapeOf(series, false));
    // Without dates the calendar features are 0: the folds must have carried the dates for this to differ.
    expect(withCalendar).not.toBe(await wapeOf(series.map(({ firstDate: _dropped, ...rest }) => rest), true));
  }, 30_000);

  it('refuses a history whose first date does not fall on its first weekday, naming the series', async () => {
    const values = Array.from({ length: 200 }, (_, t) => 10 + (t % 7));
    const model = new LstmForecaster({ inputDays: 14, hiddenSize: 2, maxEpochs: 1, calendar: { holidays: 'us' } });
    await expect(model.fitAll([{ id: 'shifted', values, firstIsoWeekday: 2, firstDate: FIRST_DATE }], { horizonDays: 14 })).rejects.toThrow(
      'series "shifted" firstDate: 2024-06-03 is ISO weekday 1, but firstIsoWeekday is 2; check the date',
    );
  });
});
