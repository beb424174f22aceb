import { describe, expect, it } from 'vitest';
import { addDays, chinaHolidayOf, daysBetween, isoWeekdayOfDay, usHolidayOf } from './calendar-features.ts';
import { buildWindows, CALENDAR_FEATURE_COUNT, CALENDAR_FEATURE_NAMES, FEATURE_COUNT, FEATURE_NAMES, latestInputs, splitHoldout, type DailySeries } from './forecast-windows.ts';
import type { LstmCalendar } from './lstm-calendar-features.ts';

const FIRST_DATE = '2024-10-01'; // a Tuesday
const DAYS = 200; // to 2025-04-18
const HORIZON = 14;
const INPUT = 28;
const series: DailySeries = { id: 'shop', values: Array.from({ length: DAYS }, (_, t) => 10 + (t % 7)), firstIsoWeekday: isoWeekdayOfDay(FIRST_DATE), firstDate: FIRST_DATE };
const china: LstmCalendar = { holidays: 'china', ranges: [{ name: 'spring-sale', kind: 'promotion', from: '2025-03-10', to: '2025-03-12' }] };
const column = (name: string) => FEATURE_NAMES.length + CALENDAR_FEATURE_NAMES.indexOf(name as (typeof CALENDAR_FEATURE_NAMES)[number]);

/** One feature over the input positions of the window whose first target day is `firstTarget`. */
function featureOfWindow(calendar: LstmCalendar, firstTarget: string, name: string, positions: [from: number, to: number] = [0, INPUT]): number[] {
  const windows = buildWindows([series], [1], { inputDays: INPUT, horizonDays: HORIZON, strideDays: 1, calendar });
  const window = Array.from(windows.targetStart).indexOf(daysBetween(FIRST_DATE, firstTarget));
  expect(window, `a window whose targets start ${firstTarget}`).toBeGreaterThanOrEqual(0);
  expect(windows.features).toBe(CALENDAR_FEATURE_COUNT);
  return Array.from({ length: positions[1] - positions[0] }, (_, k) => windows.inputs[(window * INPUT + positions[0] + k) * CALENDAR_FEATURE_COUNT + column(name)]!);
}

/** 1/0 per day of `count` days from `from`, by `rule`. */
const daysFlagged = (from: string, count: number, rule: (day: string) => boolean) => Array.from({ length: count }, (_, k) => (rule(addDays(from, k)) ? 1 : 0));

describe('forecast windows with calendar features', () => {
  it('gives the last 14 input positions the holiday flags of exactly the 14 target days (Spring Festival days off 2025-01-28 .. 02-04)', () => {
    const ahead = featureOfWindow(china, '2025-01-27', 'holidayAhead', [INPUT - HORIZON, INPUT]);
    expect(ahead).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    // Every position t looks exactly horizon days on: the input days' own flags, 14 days earlier.
    const today = featureOfWindow(china, '2025-01-27', 'holidayToday');
    const allAhead = featureOfWindow(china, '2025-01-27', 'holidayAhead');
    expect(today).toEqual(daysFlagged(addDays('2025-01-27', -INPUT), INPUT, (day) => chinaHolidayOf(day) !== null));
    expect(allAhead).toEqual(daysFlagged(addDays('2025-01-27', HORIZON - INPUT), INPUT, (day) => chinaHolidayOf(day) !== null));
  });

  it('carries Chinese New Year 2025 (Jan 29) in the Spring Festival window of the target days', () => {
    // Window 2025-01-08 .. 2025-02-13; targets 2025-02-03 .. 2025-02-16.
    expect(featureOfWindow(china, '2025-02-03', 'springFestivalAhead', [INPUT - HORIZON, INPUT])).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
  });

  it('carries Christmas and New Year on the US calendar, today and ahead', () => {
    const us: LstmCalendar = { holidays: 'us' };
    const targets = featureOfWindow(us, '2024-12-20', 'holidayAhead', [INPUT - HORIZON, INPUT]);
    expect(targets).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0]); // Dec 25 and Jan 1 among Dec 20 .. Jan 2
    const inputs = featureOfWindow(us, '2025-01-10', 'holidayToday');
    expect(inputs).toEqual(daysFlagged(addDays('2025-01-10', -INPUT), INPUT, (day) => usHolidayOf(day) !== null));
    expect(inputs.reduce((sum, flag) => sum + flag, 0)).toBe(2);
  });

  it('carries a promotion range to the days it runs on', () => {
    expect(featureOfWindow(china, '2025-03-05', 'promotionAhead', [INPUT - HORIZON, INPUT])).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(featureOfWindow(china, '2025-03-20', 'promotionToday', [INPUT - HORIZON, INPUT])).toEqual([0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]); // inputs Mar 6 .. 19
  });

  it('reaches past the end of history in the latest inputs: the calendar of the days to forecast', () => {
    const inputs = latestInputs([series], [1], INPUT, { calendar: china, horizonDays: HORIZON });
    const ahead = Array.from({ length: HORIZON }, (_, k) => inputs[(INPUT - HORIZON + k) * CALENDAR_FEATURE_COUNT + column('holidayAhead')]!);
    // History ends 2025-04-18; the forecast days 04-19 .. 05-02 hold Labour Day's first two days off.
    expect(addDays(FIRST_DATE, DAYS - 1)).toBe('2025-04-18');
    expect(ahead).toEqual(daysFlagged('2025-04-19', HORIZON, (day) => chinaHolidayOf(day) !== null));
    expect(ahead.slice(-2)).toEqual([1, 1]);
    expect(() => latestInputs([series], [1], INPUT, { calendar: china })).toThrow(/horizonDays: with a calendar, expected the model's horizon/);
  });

  it('keeps the weekday features where they were and leaves the calendar at 0 for a series without a first date', () => {
    const { firstDate: _dropped, ...undated } = series;
    const withCalendar = buildWindows([undated], [1], { inputDays: INPUT, horizonDays: HORIZON, strideDays: 7, calendar: china });
    const without = buildWindows([undated], [1], { inputDays: INPUT, horizonDays: HORIZON, strideDays: 7 });
    expect(without.features).toBe(FEATURE_COUNT);
    for (let row = 0; row < withCalendar.count * INPUT; row++) {
      const calendarPart = withCalendar.inputs.subarray(row * CALENDAR_FEATURE_COUNT + FEATURE_COUNT, (row + 1) * CALENDAR_FEATURE_COUNT);
      expect(Array.from(calendarPart).every((value) => value === 0)).toBe(true);
      expect(Array.from(withCalendar.inputs.subarray(row * CALENDAR_FEATURE_COUNT, row * CALENDAR_FEATURE_COUNT + FEATURE_COUNT))).toEqual(Array.from(without.inputs.subarray(row * FEATURE_COUNT, (row + 1) * FEATURE_COUNT)));
    }
  });

  it('splits with the calendar into training and validation windows of the same width', () => {
    const split = splitHoldout([series], { inputDays: INPUT, horizonDays: HORIZON, strideDays: 3, holdoutDays: 28, calendar: china });
    expect(split.training.features).toBe(CALENDAR_FEATURE_COUNT);
    expect(split.validation.features).toBe(CALENDAR_FEATURE_COUNT);
    expect(split.training.inputs.length).toBe(split.training.count * INPUT * CALENDAR_FEATURE_COUNT);
  });

  it('refuses a first date off the series weekday and a bad calendar, naming the fields, before building anything', () => {
    const shifted = { ...series, firstDate: '2024-10-02' };
    expect(() => buildWindows([shifted], [1], { inputDays: INPUT, horizonDays: HORIZON, strideDays: 1, calendar: china })).toThrow(
      'series "shop" firstDate: 2024-10-02 is ISO weekday 3, but firstIsoWeekday is 2; check the date',
    );
    expect(() => buildWindows([{ ...series, firstDate: '2024-13-01' }], [1], { inputDays: INPUT, horizonDays: HORIZON, strideDays: 1, calendar: china })).toThrow(
      'series "shop" firstDate: expected a calendar day as YYYY-MM-DD, found "2024-13-01"',
    );
    expect(() => buildWindows([series], [1], { inputDays: INPUT, horizonDays: HORIZON, strideDays: 1, calendar: { holidays: 'mars' as never } })).toThrow(
      'calendar.holidays: expected one of us, china, found "mars"',
    );
  });
});
