/**
 * Any model, made aware of holidays without learning them itself: estimate each series' holiday
 * effects from its history (holiday-effects.ts), divide them out so the model fits an ordinary
 * week, then multiply them back into its forecast of the future days. ETS on the adjusted series
 * no longer drags its level down after Christmas, and the forecast of next Christmas is low
 * because past Christmases were, not because the model saw this one.
 *
 * A model needs the calendar date of each history's first day. A history may carry it as
 * `firstDate`; otherwise `firstDates` maps series ids to it (the backtest hands models bare
 * histories). The date must fall on the history's `firstIsoWeekday`, or a shifted calendar
 * would put every holiday on the wrong day.
 */
import { dayStartMs, dayOfMs, DAY_MS, isoWeekdayOfDay } from '../calendar-features.ts';
import type { DailySeries } from '../forecast-windows.ts';
import { checkHorizon, type FittedGlobalForecast, type GlobalFitOptions, type GlobalForecaster } from './forecaster.ts';
import { estimateHolidayEffects, holidayEffectSettings, type HolidayEffectOptions, type HolidayEffects } from './holiday-effects.ts';

export interface HolidayAdjustedOptions extends HolidayEffectOptions {
  /** The model's name; `<inner>-holidays` when absent. */
  readonly name?: string;
  /** The first day (YYYY-MM-DD) of each series by id, for histories that do not carry `firstDate`. */
  readonly firstDates?: Readonly<Record<string, string>>;
}

export interface FittedHolidayAdjusted extends FittedGlobalForecast {
  /** Per history, in the order given: the effects its forecast was multiplied by. */
  readonly effects: readonly HolidayEffects[];
}

export class HolidayAdjusted implements GlobalForecaster {
  readonly name: string;
  private readonly effectOptions: HolidayEffectOptions;

  constructor(
    private readonly inner: GlobalForecaster,
    private readonly options: HolidayAdjustedOptions = {},
  ) {
    this.name = options.name ?? `${inner.name}-holidays`;
    this.effectOptions = holidayEffectSettings(options);
  }

  async fitAll(histories: readonly DailySeries[], options: GlobalFitOptions): Promise<FittedHolidayAdjusted> {
    checkHorizon(options.horizonDays);
    const firstDays = this.firstDaysOf(histories);
    const effects = histories.map((history, i) => estimateHolidayEffects(history.values, firstDays[i]!, this.effectOptions));
    const adjusted = histories.map((history, i) => {
      const factors = effects[i]!.factorsOf(firstDays[i]!, history.values.length);
      return { id: history.id, firstIsoWeekday: history.firstIsoWeekday, firstDate: firstDays[i]!, values: Float64Array.from(factors, (factor, t) => history.values[t]! / factor) };
    });
    const fitted = await this.inner.fitAll(adjusted, options);
    return {
      effects,
      forecast: async (horizonDays) => {
        const forecasts = await fitted.forecast(horizonDays);
        return forecasts.map((forecast, i) => {
          const firstFuture = dayOfMs(dayStartMs(firstDays[i]!) + histories[i]!.values.length * DAY_MS);
          const factors = effects[i]!.factorsOf(firstFuture, forecast.length);
          return Float64Array.from(forecast, (value, h) => value * factors[h]!);
        });
      },
      close: () => fitted.close(),
    };
  }

  private firstDaysOf(histories: readonly DailySeries[]): string[] {
    const problems: string[] = [];
    const days = histories.map((history) => {
      const carried: unknown = history.firstDate;
      const day = typeof carried === 'string' ? carried : this.options.firstDates?.[history.id];
      if (day === undefined) {
        problems.push(`series "${history.id}": expected the date of its first day to place holidays; give the history a firstDate or pass firstDates`);
        return '';
      }
      try {
        dayStartMs(day, `series "${history.id}" firstDate`);
      } catch (error) {
        problems.push((error as Error).message);
        return '';
      }
      if (isoWeekdayOfDay(day) !== history.firstIsoWeekday) {
        problems.push(`series "${history.id}" firstDate: ${day} is ISO weekday ${isoWeekdayOfDay(day)}, but the history starts on weekday ${history.firstIsoWeekday}; check the date`);
      }
      return day;
    });
    if (problems.length > 0) throw new RangeError(`${this.name}: ${problems.join('; ')}`);
    return days;
  }
}
