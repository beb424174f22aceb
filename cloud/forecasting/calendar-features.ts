/**
 * What the calendar says about a day, for the forecasting data (issue 8, item 1) and the factor
 * model: ISO weekday, month, US and Chinese public holidays, where the day lies relative to the
 * Spring Festival (Chinese New Year), and which promotions and events run on it.
 *
 * Holidays are data, not astronomy: US federal holidays follow fixed rules (nth weekday of a
 * month), so a rule table serves every year. Chinese New Year moves with the lunar calendar and
 * has no closed formula, so its dates are a table (2000-2035; outside it the Spring Festival
 * fields are null rather than guessed). China's official holiday days are announced by the State Council each year
 * (with make-up working days); they are tabled for the years our histories and horizons need
 * (2024-2026). For other years only what does not depend on the lunar calendar or on the
 * announcement is flagged: New Year's Day, Labour Day (1-5 May), National Day (1-7 October) and
 * the Spring Festival week (New Year's Eve to the 6th day, within the table's years); Qingming, Dragon Boat and Mid-Autumn
 * are then not flagged. Days are UTC calendar days written `YYYY-MM-DD`.
 */

export const DAY_MS = 86_400_000;

/** ISO 8601: Monday is 1 ... Sunday is 7. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** A promotion or an event, running from `from` to `to`, both days included. */
export interface CalendarRange {
  readonly name: string;
  readonly kind: 'promotion' | 'event';
  readonly from: string;
  readonly to: string;
}

export interface CalendarFeatures {
  readonly day: string;
  readonly isoWeekday: IsoWeekday;
  /** 1 = January ... 12 = December. */
  readonly month: number;
  /** The US federal holiday on this day (the day itself, not the observed Friday/Monday). */
  readonly usHoliday: string | null;
  /** The Chinese public holiday this day belongs to (see the file comment for the years covered). */
  readonly chinaHoliday: string | null;
  /**
   * Chinese New Year nearest to the day, and the signed distance to it (-3: three days before);
   * null for a day outside the table's years (a US series from 1969 has no use for it).
   */
  readonly chineseNewYear: string | null;
  readonly daysFromChineseNewYear: number | null;
  /** Inside [CNY - daysBefore, CNY + daysAfter] of the window asked for. */
  readonly inSpringFestivalWindow: boolean;
  readonly promotions: readonly string[];
  readonly events: readonly string[];
}

export interface CalendarOptions {
  readonly ranges?: readonly CalendarRange[];
  /** The Spring Festival window; default 21 days before and 15 days after Chinese New Year. */
  readonly springFestivalWindow?: { readonly daysBefore: number; readonly daysAfter: number };
}

/** First day of the lunar year (Chinese New Year), Gregorian; days of 2000-2035 are covered. */
export const CHINESE_NEW_YEAR: Readonly<Record<number, string>> = {
  2000: '2000-02-05', 2001: '2001-01-24', 2002: '2002-02-12', 2003: '2003-02-01', 2004: '2004-01-22',
  2005: '2005-02-09', 2006: '2006-01-29', 2007: '2007-02-18', 2008: '2008-02-07', 2009: '2009-01-26',
  2010: '2010-02-14', 2011: '2011-02-03', 2012: '2012-01-23', 2013: '2013-02-10', 2014: '2014-01-31',
  2015: '2015-02-19', 2016: '2016-02-08', 2017: '2017-01-28', 2018: '2018-02-16', 2019: '2019-02-05',
  2020: '2020-01-25', 2021: '2021-02-12', 2022: '2022-02-01', 2023: '2023-01-22', 2024: '2024-02-10',
  2025: '2025-01-29', 2026: '2026-02-17', 2027: '2027-02-06', 2028: '2028-01-26', 2029: '2029-02-13',
  2030: '2030-02-03', 2031: '2031-01-23', 2032: '2032-02-11', 2033: '2033-01-31', 2034: '2034-02-19',
  2035: '2035-02-08',
  // Only so that late 2035 finds its nearest New Year; days of 2036 are not covered.
  2036: '2036-01-28',
};
const CNY_FIRST_YEAR = 2000;
const CNY_LAST_YEAR = 2035;

/** China's official holidays as announced by the State Council (days off, make-up days aside). */
export const CHINA_OFFICIAL_HOLIDAYS: Readonly<Record<number, ReadonlyArray<readonly [name: string, from: string, to: string]>>> = {
  2024: [
    ["New Year's Day", '2024-01-01', '2024-01-01'], ['Spring Festival', '2024-02-10', '2024-02-17'],
    ['Qingming', '2024-04-04', '2024-04-06'], ['Labour Day', '2024-05-01', '2024-05-05'],
    ['Dragon Boat', '2024-06-08', '2024-06-10'], ['Mid-Autumn', '2024-09-15', '2024-09-17'],
    ['National Day', '2024-10-01', '2024-10-07'],
  ],
  2025: [
    ["New Year's Day", '2025-01-01', '2025-01-01'], ['Spring Festival', '2025-01-28', '2025-02-04'],
    ['Qingming', '2025-04-04', '2025-04-06'], ['Labour Day', '2025-05-01', '2025-05-05'],
    ['Dragon Boat', '2025-05-31', '2025-06-02'], ['National Day', '2025-10-01', '2025-10-08'],
  ],
  2026: [
    ["New Year's Day", '2026-01-01', '2026-01-03'], ['Spring Festival', '2026-02-15', '2026-02-23'],
    ['Qingming', '2026-04-04', '2026-04-06'], ['Labour Day', '2026-05-01', '2026-05-05'],
    ['Dragon Boat', '2026-06-19', '2026-06-21'], ['Mid-Autumn', '2026-09-25', '2026-09-27'],
    ['National Day', '2026-10-01', '2026-10-07'],
  ],
};

type UsHolidayRule =
  | { readonly name: string; readonly month: number; readonly dayOfMonth: number; readonly since?: number }
  | { readonly name: string; readonly month: number; readonly isoWeekday: IsoWeekday; readonly nth: number | 'last' };

/** US federal holidays (5 U.S.C. 6103); Juneteenth since 2021. */
const US_HOLIDAY_RULES: readonly UsHolidayRule[] = [
  { name: "New Year's Day", month: 1, dayOfMonth: 1 },
  { name: 'Martin Luther King Jr. Day', month: 1, isoWeekday: 1, nth: 3 },
  { name: "Washington's Birthday", month: 2, isoWeekday: 1, nth: 3 },
  { name: 'Memorial Day', month: 5, isoWeekday: 1, nth: 'last' },
  { name: 'Juneteenth', month: 6, dayOfMonth: 19, since: 2021 },
  { name: 'Independence Day', month: 7, dayOfMonth: 4 },
  { name: 'Labor Day', month: 9, isoWeekday: 1, nth: 1 },
  { name: 'Columbus Day', month: 10, isoWeekday: 1, nth: 2 },
  { name: 'Veterans Day', month: 11, dayOfMonth: 11 },
  { name: 'Thanksgiving Day', month: 11, isoWeekday: 4, nth: 4 },
  { name: 'Christmas Day', month: 12, dayOfMonth: 25 },
];

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight UTC of `day`; throws naming `field` when it is not a real `YYYY-MM-DD` day. */
export function dayStartMs(day: string, field = 'day'): number {
  const ms = DAY_PATTERN.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) {
    throw new RangeError(`${field}: expected a calendar day as YYYY-MM-DD, found ${JSON.stringify(day)}`);
  }
  return ms;
}

export const dayOfMs = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The day `n` days after `day` (before it for a negative n). */
export const addDays = (day: string, n: number): string => dayOfMs(dayStartMs(day) + n * DAY_MS);

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number => Math.round((dayStartMs(to) - dayStartMs(from)) / DAY_MS);

export function isoWeekdayOfDay(day: string): IsoWeekday {
  const sundayZero = new Date(dayStartMs(day)).getUTCDay();
  return (sundayZero === 0 ? 7 : sundayZero) as IsoWeekday;
}

function nthWeekdayOfMonth(year: number, month: number, isoWeekday: IsoWeekday, nth: number | 'last'): number {
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const matching: number[] = [];
  for (let dayOfMonth = 1; dayOfMonth <= daysInMonth; dayOfMonth++) {
    const sundayZero = new Date(Date.UTC(year, month - 1, dayOfMonth)).getUTCDay();
    if ((sundayZero === 0 ? 7 : sundayZero) === isoWeekday) matching.push(dayOfMonth);
  }
  return nth === 'last' ? matching.at(-1)! : matching[nth - 1]!;
}

export function usHolidayOf(day: string): string | null {
  const ms = dayStartMs(day);
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + 1;
  const dayOfMonth = date.getUTCDate();
  for (const rule of US_HOLIDAY_RULES) {
    if (rule.month !== month) continue;
    if ('dayOfMonth' in rule) {
      if (rule.dayOfMonth === dayOfMonth && year >= (rule.since ?? 0)) return rule.name;
    } else if (nthWeekdayOfMonth(year, month, rule.isoWeekday, rule.nth) === dayOfMonth) {
      return rule.name;
    }
  }
  return null;
}

/** Chinese New Year of a Gregorian year; throws for a year outside the table. */
export function chineseNewYearOf(year: number): string {
  const day = CHINESE_NEW_YEAR[year];
  if (day === undefined || year > CNY_LAST_YEAR) {
    throw new RangeError(`year: the Chinese New Year table covers ${CNY_FIRST_YEAR}-${CNY_LAST_YEAR}, found ${year}; add the year's date to CHINESE_NEW_YEAR`);
  }
  return day;
}

/** The Chinese New Year nearest to `day` and the signed days from it (negative: before). */
export function nearestChineseNewYear(day: string): { chineseNewYear: string; daysFromChineseNewYear: number } {
  dayStartMs(day);
  const year = Number(day.slice(0, 4));
  if (year < CNY_FIRST_YEAR || year > CNY_LAST_YEAR) {
    throw new RangeError(`day: ${day} is outside the Chinese New Year table (${CNY_FIRST_YEAR}-${CNY_LAST_YEAR}); add the years needed to CHINESE_NEW_YEAR`);
  }
  let best = { chineseNewYear: CHINESE_NEW_YEAR[year]!, daysFromChineseNewYear: daysBetween(CHINESE_NEW_YEAR[year]!, day) };
  for (const candidate of [CHINESE_NEW_YEAR[year - 1], CHINESE_NEW_YEAR[year + 1]]) {
    if (candidate === undefined) continue;
    const offset = daysBetween(candidate, day);
    if (Math.abs(offset) < Math.abs(best.daysFromChineseNewYear)) best = { chineseNewYear: candidate, daysFromChineseNewYear: offset };
  }
  return best;
}

export function chinaHolidayOf(day: string): string | null {
  dayStartMs(day);
  const year = Number(day.slice(0, 4));
  const official = CHINA_OFFICIAL_HOLIDAYS[year];
  if (official !== undefined) {
    // Zero-padded ISO days compare correctly as strings.
    return official.find(([, from, to]) => day >= from && day <= to)?.[0] ?? null;
  }
  const monthDay = day.slice(5);
  if (monthDay === '01-01') return "New Year's Day";
  if (monthDay >= '05-01' && monthDay <= '05-05') return 'Labour Day';
  if (monthDay >= '10-01' && monthDay <= '10-07') return 'National Day';
  if (year < CNY_FIRST_YEAR || year > CNY_LAST_YEAR) return null;
  const { daysFromChineseNewYear } = nearestChineseNewYear(day);
  return daysFromChineseNewYear >= -1 && daysFromChineseNewYear <= 6 ? 'Spring Festival' : null;
}

/** Checks promotions/events once; every problem is reported at once, naming the entry. */
export function checkCalendarRanges(ranges: readonly CalendarRange[]): void {
  const problems: string[] = [];
  ranges.forEach((range, index) => {
    const at = `ranges.${index}`;
    if (typeof range.name !== 'string' || range.name.trim() === '') problems.push(`${at}.name: expected a non-empty name`);
    if (range.kind !== 'promotion' && range.kind !== 'event') problems.push(`${at}.kind: expected "promotion" or "event", found ${JSON.stringify(range.kind)}`);
    let bothDays = true;
    for (const field of ['from', 'to'] as const) {
      try {
        dayStartMs(range[field], `${at}.${field}`);
      } catch (error) {
        problems.push((error as Error).message);
        bothDays = false;
      }
    }
    if (bothDays && range.to < range.from) problems.push(`${at}: "to" (${range.to}) is before "from" (${range.from}); swap them`);
  });
  if (problems.length > 0) throw new RangeError(problems.join('; '));
}

/** Checks the ranges and the Spring Festival window once, before many days are looked up. */
export function checkCalendarOptions(options: CalendarOptions): void {
  checkCalendarRanges(options.ranges ?? []);
  const window = options.springFestivalWindow;
  if (window !== undefined && !(Number.isInteger(window.daysBefore) && window.daysBefore >= 0 && Number.isInteger(window.daysAfter) && window.daysAfter >= 0)) {
    throw new RangeError(`springFestivalWindow: expected whole days >= 0 before and after, found ${JSON.stringify(window)}`);
  }
}

/** One day's features; options are assumed checked (checkCalendarOptions). */
export function calendarFeaturesOf(day: string, options: CalendarOptions = {}): CalendarFeatures {
  const ms = dayStartMs(day);
  const window = options.springFestivalWindow ?? { daysBefore: 21, daysAfter: 15 };
  const ranges = options.ranges ?? [];
  const year = Number(day.slice(0, 4));
  const nearest = year >= CNY_FIRST_YEAR && year <= CNY_LAST_YEAR ? nearestChineseNewYear(day) : { chineseNewYear: null, daysFromChineseNewYear: null };
  const offset = nearest.daysFromChineseNewYear;
  const running = ranges.filter((range) => day >= range.from && day <= range.to);
  return {
    day,
    isoWeekday: isoWeekdayOfDay(day),
    month: new Date(ms).getUTCMonth() + 1,
    usHoliday: usHolidayOf(day),
    chinaHoliday: chinaHolidayOf(day),
    ...nearest,
    inSpringFestivalWindow: offset !== null && offset >= -window.daysBefore && offset <= window.daysAfter,
    promotions: running.filter((range) => range.kind === 'promotion').map((range) => range.name),
    events: running.filter((range) => range.kind === 'event').map((range) => range.name),
  };
}

/** Features of `count` consecutive days from `firstDay`; ranges are checked once up front. */
export function calendarFeatures(firstDay: string, count: number, options: CalendarOptions = {}): CalendarFeatures[] {
  dayStartMs(firstDay, 'firstDay');
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count: expected a whole number of days >= 0, found ${String(count)}`);
  checkCalendarOptions(options);
  return Array.from({ length: count }, (_, index) => calendarFeaturesOf(addDays(firstDay, index), options));
}
