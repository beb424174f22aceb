import { describe, expect, it } from 'vitest';
import { calendarFeatures, calendarFeaturesOf, chinaHolidayOf, chineseNewYearOf, isoWeekdayOfDay, nearestChineseNewYear, usHolidayOf } from './calendar-features.ts';

describe('calendar features', () => {
  it('places Chinese New Year 2026 on 17 February and counts the days around it', () => {
    expect(chineseNewYearOf(2026)).toBe('2026-02-17');
    expect(nearestChineseNewYear('2026-02-17')).toEqual({ chineseNewYear: '2026-02-17', daysFromChineseNewYear: 0 });
    expect(nearestChineseNewYear('2026-02-10')).toEqual({ chineseNewYear: '2026-02-17', daysFromChineseNewYear: -7 });
    expect(nearestChineseNewYear('2026-03-01')).toEqual({ chineseNewYear: '2026-02-17', daysFromChineseNewYear: 12 });
    // Late in the year the next New Year is the nearer one.
    expect(nearestChineseNewYear('2026-12-20')).toEqual({ chineseNewYear: '2027-02-06', daysFromChineseNewYear: -48 });
  });

  it('gives ISO weekdays on known dates', () => {
    expect(isoWeekdayOfDay('2026-02-17')).toBe(2); // a Tuesday
    expect(isoWeekdayOfDay('2000-01-01')).toBe(6); // a Saturday
    expect(isoWeekdayOfDay('2024-02-29')).toBe(4); // a Thursday
    expect(isoWeekdayOfDay('2026-11-29')).toBe(7); // a Sunday
  });

  it('flags US federal holidays by their rules', () => {
    expect(usHolidayOf('2026-11-26')).toBe('Thanksgiving Day');
    expect(usHolidayOf('2026-11-19')).toBeNull();
    expect(usHolidayOf('2026-05-25')).toBe('Memorial Day');
    expect(usHolidayOf('2026-01-19')).toBe('Martin Luther King Jr. Day');
    expect(usHolidayOf('1976-07-04')).toBe('Independence Day');
    expect(usHolidayOf('2020-06-19')).toBeNull();
    expect(usHolidayOf('2021-06-19')).toBe('Juneteenth');
  });

  it('flags China holidays from the official table, and the fixed ones in other years', () => {
    expect(chinaHolidayOf('2026-02-15')).toBe('Spring Festival');
    expect(chinaHolidayOf('2026-02-23')).toBe('Spring Festival');
    expect(chinaHolidayOf('2026-02-14')).toBeNull();
    expect(chinaHolidayOf('2025-10-08')).toBe('National Day');
    expect(chinaHolidayOf('2024-09-16')).toBe('Mid-Autumn');
    // 2010 is not in the official table: New Year's Eve (13 Feb) to the 6th day (20 Feb).
    expect(chinaHolidayOf('2010-02-13')).toBe('Spring Festival');
    expect(chinaHolidayOf('2010-02-20')).toBe('Spring Festival');
    expect(chinaHolidayOf('2010-02-21')).toBeNull();
    expect(chinaHolidayOf('2010-05-03')).toBe('Labour Day');
  });

  it('builds a run of days with the Spring Festival window, promotions and events', () => {
    const days = calendarFeatures('2026-01-26', 40, {
      ranges: [
        { name: 'Spring sale', kind: 'promotion', from: '2026-03-01', to: '2026-03-03' },
        { name: 'Trade fair', kind: 'event', from: '2026-02-01', to: '2026-02-01' },
      ],
      springFestivalWindow: { daysBefore: 21, daysAfter: 15 },
    });
    expect(days).toHaveLength(40);
    expect(days[0]).toMatchObject({ day: '2026-01-26', isoWeekday: 1, month: 1, daysFromChineseNewYear: -22, inSpringFestivalWindow: false });
    expect(days[1]).toMatchObject({ day: '2026-01-27', daysFromChineseNewYear: -21, inSpringFestivalWindow: true });
    expect(days[6]).toMatchObject({ day: '2026-02-01', events: ['Trade fair'], promotions: [] });
    const newYear = days.find((day) => day.day === '2026-02-17')!;
    expect(newYear).toMatchObject({ isoWeekday: 2, month: 2, chinaHoliday: 'Spring Festival', daysFromChineseNewYear: 0, inSpringFestivalWindow: true });
    expect(days.filter((day) => day.promotions.includes('Spring sale')).map((day) => day.day)).toEqual(['2026-03-01', '2026-03-02', '2026-03-03']);
    expect(days.at(-1)).toMatchObject({ day: '2026-03-06', daysFromChineseNewYear: 17, inSpringFestivalWindow: false });
  });

  it('leaves the Spring Festival fields empty outside the table instead of guessing', () => {
    expect(calendarFeaturesOf('1978-02-07')).toMatchObject({ isoWeekday: 2, chineseNewYear: null, daysFromChineseNewYear: null, inSpringFestivalWindow: false, chinaHoliday: null });
    expect(() => nearestChineseNewYear('1999-05-01')).toThrow(/outside the Chinese New Year table \(2000-2035\)/);
    expect(() => chineseNewYearOf(2040)).toThrow(/covers 2000-2035, found 2040/);
  });

  it('refuses bad days and ranges, naming each field at fault', () => {
    expect(() => calendarFeatures('2026-02-30', 3)).toThrow('firstDay: expected a calendar day as YYYY-MM-DD, found "2026-02-30"');
    expect(() => calendarFeatures('2026-02-01', -1)).toThrow(/count: expected a whole number/);
    const bad = () =>
      calendarFeatures('2026-02-01', 3, {
        ranges: [
          { name: 'Sale', kind: 'promotion', from: '2026-03-05', to: '2026-03-01' },
          { name: '', kind: 'event', from: '2026-13-01', to: '2026-03-01' },
        ],
      });
    expect(bad).toThrow(/ranges\.0: "to" \(2026-03-01\) is before "from" \(2026-03-05\)/);
    expect(bad).toThrow(/ranges\.1\.name: expected a non-empty name.*ranges\.1\.from: expected a calendar day/);
  });
});
