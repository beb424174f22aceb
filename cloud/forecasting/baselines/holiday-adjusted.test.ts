import { describe, expect, it } from 'vitest';
import { runBacktest } from '../backtest.ts';
import { addDays, isoWeekdayOfDay } from '../calendar-features.ts';
import type { DailySeries } from '../forecast-windows.ts';
import { seededRandom } from '../seeded-random.ts';
import { usBirthsSeries } from '../us-births-series.ts';
import { ExponentialSmoothing } from './ets.ts';
import { perSeries, type FittedGlobalForecast, type GlobalFitOptions, type GlobalForecaster } from './forecaster.ts';
import { HolidayAdjusted, type FittedHolidayAdjusted } from './holiday-adjusted.ts';

const WEEK = [1.1, 1.05, 1, 1, 1.05, 0.7, 0.6]; // Monday .. Sunday
const FIRST_DAY = '2010-01-04'; // a Monday

/** Level 100 x weekly pattern x `holidayFactor(day)` x 1% noise; `truth` is the noise-free value. */
function holidaySeries(days: number, holidayFactor: (day: string) => number) {
  const random = seededRandom(11);
  const truth = (t: number) => 100 * WEEK[isoWeekdayOfDay(addDays(FIRST_DAY, t)) - 1]! * holidayFactor(addDays(FIRST_DAY, t));
  const values = Float64Array.from({ length: days }, (_, t) => truth(t) * (1 + 0.01 * random.normal()));
  return { series: { id: 'sku-1', values, firstIsoWeekday: 1 }, truth };
}
const christmasDrop = (day: string) => (day.endsWith('-12-25') ? 0.6 : day.endsWith('-12-26') ? 0.8 : 1);

/** Wraps a model and keeps what it was fitted on and what it fitted, fold by fold. */
class Recording implements GlobalForecaster {
  readonly name: string;
  readonly histories: DailySeries[][] = [];
  readonly fitted: FittedGlobalForecast[] = [];
  constructor(private readonly inner: GlobalForecaster) {
    this.name = inner.name;
  }
  async fitAll(histories: readonly DailySeries[], options: GlobalFitOptions): Promise<FittedGlobalForecast> {
    this.histories.push([...histories]);
    const fitted = await this.inner.fitAll(histories, options);
    this.fitted.push(fitted);
    return fitted;
  }
}

describe('holiday-adjusted models', () => {
  it('forecasts a Christmas drop learned from past Christmases, which plain ETS misses', async () => {
    const origin = 1450; // 2013-12-24: the horizon covers Christmas and the day after
    const { series, truth } = holidaySeries(origin, christmasDrop);
    const history = { ...series, firstDate: FIRST_DAY };
    const adjusted = await new HolidayAdjusted(perSeries(new ExponentialSmoothing()), { windowDays: 2, priorOccurrences: 0 }).fitAll([history], { horizonDays: 7 });
    const plain = await perSeries(new ExponentialSmoothing()).fitAll([history], { horizonDays: 7 });
    const [withHolidays] = await adjusted.forecast(7);
    const [without] = await plain.forecast(7);
    expect(addDays(FIRST_DAY, origin + 1)).toBe('2013-12-25');
    for (let h = 0; h < 7; h++) expect(Math.abs(withHolidays![h]! / truth(origin + h) - 1)).toBeLessThan(0.04);
    expect(Math.abs(without![1]! / truth(origin + 1) - 1)).toBeGreaterThan(0.3); // 0.6 of a Wednesday, forecast as a Wednesday
    expect(adjusted.effects[0]!.effects.get('Christmas Day+0 weekday')!.factor).toBeCloseTo(0.6, 1);
  });

  it('estimates holiday effects only from the days before each fold origin', async () => {
    const { series } = holidaySeries(1800, christmasDrop);
    const backtestSeries = { ...series, firstDate: FIRST_DAY };
    const inner = new Recording(perSeries(new ExponentialSmoothing()));
    const model = new Recording(new HolidayAdjusted(inner, { firstDates: { 'sku-1': FIRST_DAY } }));
    const result = await runBacktest([backtestSeries], { horizonDays: 14, folds: 4, models: [model] });
    const { originIndexes, originDates } = result.series[0]!;
    expect(model.fitted).toHaveLength(4);
    model.fitted.forEach((fitted, fold) => {
      const effects = (fitted as FittedHolidayAdjusted).effects[0]!;
      expect(effects.estimatedFrom).toBe(FIRST_DAY);
      expect(effects.estimatedThrough).toBe(addDays(originDates![fold]!, -1));
      // The inner model got the adjusted days before the origin and nothing after.
      expect(inner.histories[fold]![0]!.values.length).toBe(originIndexes[fold]);
    });
  });

  it('cannot learn an effect that first appears after the origin', async () => {
    // Thanksgiving is normal in every year but the last; the last fold's horizon covers it.
    const lastThanksgiving = '2014-11-27';
    const days = 1800; // 2010-01-04 .. 2014-12-08: the last fold forecasts 2014-11-25 .. 2014-12-08
    const { series, truth } = holidaySeries(days, (day) => (day === lastThanksgiving ? 0.5 : 1));
    const at = (day: string) => Math.round((Date.parse(day) - Date.parse(FIRST_DAY)) / 86_400_000);
    expect(addDays(FIRST_DAY, days - 14)).toBe('2014-11-25');
    const model = new Recording(new HolidayAdjusted(perSeries(new ExponentialSmoothing()), { firstDates: { 'sku-1': FIRST_DAY } }));
    await runBacktest([{ ...series, firstDate: FIRST_DAY }], { horizonDays: 14, folds: 2, models: [model] });
    const lastFold = model.fitted[1] as FittedHolidayAdjusted;
    expect(lastFold.effects[0]!.estimatedThrough < lastThanksgiving).toBe(true);
    const [forecast] = await lastFold.forecast(14);
    const h = at(lastThanksgiving) - (days - 14);
    // Forecast as an ordinary Thursday (truth without the drop would be twice the actual).
    expect(Math.abs(forecast![h]! / (2 * truth(at(lastThanksgiving))) - 1)).toBeLessThan(0.05);
  });

  it('refuses histories without a first date or with one on the wrong weekday, naming the series and the fix', async () => {
    const inner = new Recording(perSeries(new ExponentialSmoothing()));
    const model = new HolidayAdjusted(inner, { firstDates: { b: '2010-01-05' } });
    const a = { id: 'a', values: [1, 2, 3], firstIsoWeekday: 1 };
    const b = { id: 'b', values: [1, 2, 3], firstIsoWeekday: 1 };
    await expect(model.fitAll([a, b], { horizonDays: 7 })).rejects.toThrow(
      'ets-holidays: series "a": expected the date of its first day to place holidays; give the history a firstDate or pass firstDates; series "b" firstDate: 2010-01-05 is ISO weekday 2, but the history starts on weekday 1; check the date',
    );
    expect(inner.histories).toHaveLength(0);
  });

  it('beats plain ETS on US births in validation folds before the bench test folds', { timeout: 30_000 }, async () => {
    const births = usBirthsSeries();
    const validationDays = Math.round((Date.parse('2013-12-31') - Date.parse(births.firstDate)) / 86_400_000) + 1;
    const series = { ...births, values: Float64Array.from({ length: validationDays }, (_, i) => births.values[i]!) };
    // The backtest hands models bare histories, so the date comes by series id.
    const models = [perSeries(new ExponentialSmoothing()), new HolidayAdjusted(perSeries(new ExponentialSmoothing()), { firstDates: { [births.id]: births.firstDate } })];
    const result = await runBacktest([series], { horizonDays: 14, folds: 6, models });
    expect(result.series[0]!.originDates!.at(-1)).toBe('2013-12-18');
    expect(result.pooled['ets-holidays']!.wape!).toBeLessThan(0.8 * result.pooled.ets!.wape!);
  });
});
