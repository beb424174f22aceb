import { describe, expect, it } from 'vitest';
import { addDays, daysBetween } from './calendar-features.ts';
import { DAY_CALENDAR_COUNT, DAY_CALENDAR_NAMES, dayCalendarTable, HOLIDAY_DISTANCE_CLIP_DAYS, lstmCalendarProblems, type LstmCalendar } from './lstm-calendar-features.ts';

/** The calendar values of `day` as a record, from a table that starts on `firstDay`. */
function valuesOn(table: Float32Array, firstDay: string, day: string): Record<string, number> {
  const at = daysBetween(firstDay, day) * DAY_CALENDAR_COUNT;
  return Object.fromEntries(DAY_CALENDAR_NAMES.map((name, k) => [name, table[at + k]!]));
}

describe('calendar features for the LSTM', () => {
  it('flags Christmas and New Year on the US calendar, with clipped distances either side', () => {
    const first = '2024-12-01';
    const table = dayCalendarTable(first, 45, { holidays: 'us' });
    const clip = HOLIDAY_DISTANCE_CLIP_DAYS;
    expect(valuesOn(table, first, '2024-12-25')).toEqual({ holiday: 1, daysToHoliday: 0, daysFromHoliday: 0, springFestival: 0, promotion: 0 });
    // Thanksgiving (Nov 28) is more than a week back, so the distance from the last holiday is clipped to 1.
    expect(valuesOn(table, first, '2024-12-24')).toMatchObject({ holiday: 0, daysFromHoliday: 1 });
    expect(valuesOn(table, first, '2024-12-24').daysToHoliday).toBeCloseTo(1 / clip, 6);
    expect(valuesOn(table, first, '2024-12-26').daysFromHoliday).toBeCloseTo(1 / clip, 6);
    expect(valuesOn(table, first, '2024-12-26').daysToHoliday).toBeCloseTo(6 / clip, 6); // New Year's Day is 6 days on
    expect(valuesOn(table, first, '2025-01-01')).toMatchObject({ holiday: 1, daysToHoliday: 0, daysFromHoliday: 0 });
    expect(valuesOn(table, first, '2024-12-10')).toMatchObject({ holiday: 0, daysToHoliday: 1, daysFromHoliday: 1 });
    // The next holiday after the table's last day still counts: MLK Day is 2025-01-20.
    expect(valuesOn(table, first, addDays(first, 44)).daysToHoliday).toBeCloseTo(daysBetween(addDays(first, 44), '2025-01-20') / clip, 6);
  });

  it('flags the federal observed day of a weekend US holiday', () => {
    const first = '2020-07-01';
    const table = dayCalendarTable(first, 3 * 366, { holidays: 'us' });
    expect(valuesOn(table, first, '2020-07-03').holiday).toBe(1); // Independence Day 2020 was a Saturday
    expect(valuesOn(table, first, '2021-12-24').holiday).toBe(1); // Christmas 2021 was a Saturday
    expect(valuesOn(table, first, '2022-12-26').holiday).toBe(1); // Christmas 2022 was a Sunday
    expect(valuesOn(table, first, '2020-07-06').holiday).toBe(0);
  });

  it('puts the Spring Festival window around Chinese New Year 2025 (Jan 29) and its official days off on the China calendar', () => {
    const first = '2025-01-01';
    const table = dayCalendarTable(first, 60, { holidays: 'china' });
    const flags = (name: 'holiday' | 'springFestival', from: string, to: string) =>
      Array.from({ length: daysBetween(from, to) + 1 }, (_, k) => valuesOn(table, first, addDays(from, k))[name]);
    // Default window: 21 days before to 15 days after: 2025-01-08 .. 2025-02-13.
    expect(flags('springFestival', '2025-01-06', '2025-01-09')).toEqual([0, 0, 1, 1]);
    expect(flags('springFestival', '2025-02-12', '2025-02-15')).toEqual([1, 1, 0, 0]);
    // Official Spring Festival days off 2025-01-28 .. 2025-02-04.
    expect(flags('holiday', '2025-01-26', '2025-02-06')).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    const narrow = dayCalendarTable(first, 60, { holidays: 'china', springFestivalWindow: { daysBefore: 1, daysAfter: 0 } });
    expect(valuesOn(narrow, first, '2025-01-28').springFestival).toBe(1);
    expect(valuesOn(narrow, first, '2025-01-30').springFestival).toBe(0);
    // The US calendar knows no Spring Festival.
    expect(valuesOn(dayCalendarTable(first, 60, { holidays: 'us' }), first, '2025-01-29').springFestival).toBe(0);
  });

  it('flags promotion days (both ends included) and ignores events', () => {
    const calendar: LstmCalendar = {
      holidays: 'china',
      ranges: [
        { name: 'spring-sale', kind: 'promotion', from: '2025-03-10', to: '2025-03-12' },
        { name: 'trade-fair', kind: 'event', from: '2025-03-01', to: '2025-03-31' },
      ],
    };
    const first = '2025-03-01';
    const table = dayCalendarTable(first, 31, calendar);
    const promotion = Array.from({ length: 31 }, (_, k) => valuesOn(table, first, addDays(first, k)).promotion);
    expect(promotion.flatMap((flag, k) => (flag === 1 ? [addDays(first, k)] : []))).toEqual(['2025-03-10', '2025-03-11', '2025-03-12']);
  });

  it('reports every problem of a calendar setting at once, naming the field', () => {
    const problems = lstmCalendarProblems({
      holidays: 'uk' as never,
      ranges: [{ name: 'sale', kind: 'promotion', from: '2025-03-12', to: '2025-03-10' }],
      springFestivalWindow: { daysBefore: -1, daysAfter: 3 },
    });
    expect(problems).toEqual([
      'calendar.holidays: expected one of us, china, found "uk"',
      'calendar.ranges.0: "to" (2025-03-10) is before "from" (2025-03-12); swap them',
      'calendar.springFestivalWindow: expected whole days >= 0 before and after, found {"daysBefore":-1,"daysAfter":3}',
    ]);
    expect(lstmCalendarProblems({ holidays: 'us' })).toEqual([]);
  });
});
