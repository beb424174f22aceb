import { describe, expect, it } from 'vitest';
import { addDays, isoWeekdayOfDay } from '../calendar-features.ts';
import { estimateHolidayEffects, holidayKeys } from './holiday-effects.ts';

const WEEK = [1.1, 1.05, 1, 1, 1.05, 0.7, 0.6]; // Monday .. Sunday

/** Level 100 x a weekly pattern, Christmas Day x christmas and the day after x boxing, no noise. */
function christmasSeries(firstDay: string, days: number, christmas: number, boxing: number): number[] {
  return Array.from({ length: days }, (_, t) => {
    const day = addDays(firstDay, t);
    const holiday = day.endsWith('-12-25') ? christmas : day.endsWith('-12-26') ? boxing : 1;
    return 100 * WEEK[isoWeekdayOfDay(day) - 1]! * holiday;
  });
}

describe('holiday keys', () => {
  it('names each day by its nearest US holiday within the window, the offset and weekend or weekday', () => {
    const keys = holidayKeys('2014-12-20', 14, { windowDays: 3 });
    expect(keys).toEqual([
      null, // Sat 20th: Christmas is 5 days away
      null,
      'Christmas Day-3 weekday', // Mon 22nd
      'Christmas Day-2 weekday',
      'Christmas Day-1 weekday',
      'Christmas Day+0 weekday', // Thursday
      'Christmas Day+1 weekday',
      'Christmas Day+2 weekend',
      'Christmas Day+3 weekend', // Sun 28th: 3 after Christmas, 4 before New Year
      "New Year's Day-3 weekday",
      "New Year's Day-2 weekday",
      "New Year's Day-1 weekday",
      "New Year's Day+0 weekday",
      "New Year's Day+1 weekday",
    ]);
  });

  it('sees holidays just outside the days asked for, and can pool weekends with weekdays', () => {
    expect(holidayKeys('2014-12-27', 1, { windowDays: 2, splitWeekend: false })).toEqual(['Christmas Day+2']);
    expect(holidayKeys('2014-12-21', 1, { windowDays: 3 })).toEqual([null]);
  });
});

describe('holiday effects', () => {
  it('recovers the factor of each day around a holiday from the same weekday in the weeks beside it', () => {
    const values = christmasSeries('2010-01-04', 4 * 365, 0.6, 0.8);
    const effects = estimateHolidayEffects(values, '2010-01-04', { windowDays: 1, splitWeekend: false, priorOccurrences: 0 });
    expect(effects.effects.get('Christmas Day+0')).toEqual({ factor: expect.closeTo(0.6, 12), occurrences: 4 });
    expect(effects.effects.get('Christmas Day+1')!.factor).toBeCloseTo(0.8, 12);
    expect(effects.effects.get('Christmas Day-1')!.factor).toBeCloseTo(1, 12);
    expect(effects.effects.get('Independence Day+0')!.factor).toBeCloseTo(1, 12);
    expect(Array.from(effects.factorsOf('2014-12-24', 4))).toEqual([expect.closeTo(1, 12), expect.closeTo(0.6, 12), expect.closeTo(0.8, 12), 1]);
  });

  it('shrinks a factor towards no effect by the prior occurrences', () => {
    const values = christmasSeries('2010-01-04', 4 * 365, 0.6, 0.8);
    const effects = estimateHolidayEffects(values, '2010-01-04', { windowDays: 0, splitWeekend: false, priorOccurrences: 1 });
    // Four Christmases at 0.6 and one pseudo-occurrence at 1: (4 x 0.6 + 1) / 5.
    expect(effects.effects.get('Christmas Day+0')!.factor).toBeCloseTo((4 * 0.6 + 1) / 5, 12);
  });

  it('reads only the history it is given: a holiday after its last day has no occurrence from it', () => {
    // 2010-01-04 .. 2013-12-24: three Christmases (2010-2012); 2013's falls the day after the end.
    const values = christmasSeries('2010-01-04', 1451, 0.6, 0.8);
    const effects = estimateHolidayEffects(values, '2010-01-04', { windowDays: 0, splitWeekend: false, priorOccurrences: 0 });
    expect(effects.estimatedThrough).toBe('2013-12-24');
    expect(effects.effects.get('Christmas Day+0')!.occurrences).toBe(3);
    const changedFuture = [...values, 1, 1, 1];
    const withFuture = estimateHolidayEffects(changedFuture, '2010-01-04', { windowDays: 0, splitWeekend: false, priorOccurrences: 0 });
    expect(withFuture.effects.get('Christmas Day+0')!.occurrences).toBe(4); // only because the days were handed in
  });

  it('refuses bad settings, naming each field and what it expects', () => {
    expect(() => estimateHolidayEffects([1, 2, 3], '2014-01-01', { windowDays: -1, neighbourWeeks: 0 })).toThrow(
      'holiday effects: windowDays: expected a whole number from 0 to 14, found -1; neighbourWeeks: expected a whole number of at least 1, found 0',
    );
    expect(() => estimateHolidayEffects([1, 2, 3], '2014-02-30')).toThrow('firstDay: expected a calendar day as YYYY-MM-DD, found "2014-02-30"');
    expect(() => estimateHolidayEffects([], '2014-01-01')).toThrow('expected a history of at least one day');
  });
});
