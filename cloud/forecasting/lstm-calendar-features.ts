/**
 * The calendar as the global LSTM reads it (issue 8, item 1): per day, whether it is a holiday,
 * how far the next and the last holiday are, whether it lies in the Spring Festival window, and
 * whether a promotion runs, as numbers in [0, 1] from calendar-features.ts.
 *
 * Which holidays count is a model setting (`LstmCalendar.holidays`): US federal holidays for the
 * US births series, China's public holidays for the demo's shops. A trained model keeps it in its
 * metadata (training-task.ts) so inference builds the very features it learnt from. Promotions are
 * not stored with the model: inference reads the calendar current at forecast time, so a
 * promotion planned after training still reaches the forecast.
 *
 * US holidays also flag the federal observed day (a Saturday holiday on the Friday before, a
 * Sunday one on the Monday after, 5 U.S.C. 6103(b)), since shops, offices and hospitals close on
 * the observed day. The Spring Festival flag is 0 for the US calendar.
 */
import {
  addDays,
  checkCalendarRanges,
  chinaHolidayOf,
  nearestChineseNewYear,
  usHolidayOf,
  type CalendarRange,
} from './calendar-features.ts';

export const HOLIDAY_CALENDARS = ['us', 'china'] as const;
export type HolidayCalendarName = (typeof HOLIDAY_CALENDARS)[number];

/** The calendar a model learns from. Plain data, so it crosses to a worker thread as it is. */
export interface LstmCalendar {
  readonly holidays: HolidayCalendarName;
  /** Promotions (kind 'promotion') raise the promotion flag; events are ignored here. */
  readonly ranges?: readonly CalendarRange[];
  /** Default 21 days before and 15 days after Chinese New Year (calendar-features.ts). */
  readonly springFestivalWindow?: { readonly daysBefore: number; readonly daysAfter: number };
}

/** Per day, in this order; every value lies in [0, 1]. */
export const DAY_CALENDAR_NAMES = ['holiday', 'daysToHoliday', 'daysFromHoliday', 'springFestival', 'promotion'] as const;
export const DAY_CALENDAR_COUNT = DAY_CALENDAR_NAMES.length;
/** Distances to and from holidays are clipped here and divided by it: 0 on the holiday, 1 this far or further. */
export const HOLIDAY_DISTANCE_CLIP_DAYS = 7;

const DEFAULT_SPRING_FESTIVAL_WINDOW = { daysBefore: 21, daysAfter: 15 };

/** Every problem with a calendar setting at once, each naming the field; [] when it is fine. */
export function lstmCalendarProblems(calendar: LstmCalendar, field = 'calendar'): string[] {
  const problems: string[] = [];
  if (!(HOLIDAY_CALENDARS as readonly string[]).includes(calendar.holidays)) {
    problems.push(`${field}.holidays: expected one of ${HOLIDAY_CALENDARS.join(', ')}, found ${JSON.stringify(calendar.holidays)}`);
  }
  try {
    checkCalendarRanges(calendar.ranges ?? []);
  } catch (error) {
    problems.push(`${field}.${(error as Error).message}`);
  }
  const window = calendar.springFestivalWindow;
  if (window !== undefined && !(Number.isInteger(window.daysBefore) && window.daysBefore >= 0 && Number.isInteger(window.daysAfter) && window.daysAfter >= 0)) {
    problems.push(`${field}.springFestivalWindow: expected whole days >= 0 before and after, found ${JSON.stringify(window)}`);
  }
  return problems;
}

const holidayRules: Readonly<Record<HolidayCalendarName, (day: string) => boolean>> = {
  us: (day) => usHolidayOf(day) !== null || observedUsHoliday(day),
  china: (day) => chinaHolidayOf(day) !== null,
};

function observedUsHoliday(day: string): boolean {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 Sunday .. 6 Saturday
  if (weekday === 5) return usHolidayOf(addDays(day, 1)) !== null; // Friday before a Saturday holiday
  if (weekday === 1) return usHolidayOf(addDays(day, -1)) !== null; // Monday after a Sunday holiday
  return false;
}

function inSpringFestivalWindow(day: string, window: { daysBefore: number; daysAfter: number }): boolean {
  let offset: number;
  try {
    offset = nearestChineseNewYear(day).daysFromChineseNewYear;
  } catch {
    return false; // outside the Chinese New Year table: not flagged rather than guessed
  }
  return offset >= -window.daysBefore && offset <= window.daysAfter;
}

/**
 * [count, DAY_CALENDAR_COUNT] row-major: the calendar values of `count` days from `firstDay`.
 * The calendar is assumed checked (lstmCalendarProblems).
 */
export function dayCalendarTable(firstDay: string, count: number, calendar: LstmCalendar): Float32Array {
  const isHoliday = holidayRules[calendar.holidays];
  const clip = HOLIDAY_DISTANCE_CLIP_DAYS;
  // Holidays up to `clip` days beyond either end, so distances at the ends are right too.
  const around = Array.from({ length: count + 2 * clip }, (_, i) => isHoliday(addDays(firstDay, i - clip)));
  const table = new Float32Array(count * DAY_CALENDAR_COUNT);
  const toNext = new Int32Array(around.length).fill(clip);
  for (let i = around.length - 1, distance = clip; i >= 0; i--) {
    distance = around[i] ? 0 : Math.min(clip, distance + 1);
    toNext[i] = distance;
  }
  const promotions = (calendar.ranges ?? []).filter((range) => range.kind === 'promotion');
  const window = calendar.springFestivalWindow ?? DEFAULT_SPRING_FESTIVAL_WINDOW;
  let fromLast = clip;
  for (let i = 0; i < clip; i++) fromLast = around[i] ? 0 : Math.min(clip, fromLast + 1);
  for (let t = 0; t < count; t++) {
    const i = t + clip;
    fromLast = around[i] ? 0 : Math.min(clip, fromLast + 1);
    const day = addDays(firstDay, t);
    const at = t * DAY_CALENDAR_COUNT;
    table[at] = around[i] ? 1 : 0;
    table[at + 1] = toNext[i]! / clip;
    table[at + 2] = fromLast / clip;
    table[at + 3] = calendar.holidays === 'china' && inSpringFestivalWindow(day, window) ? 1 : 0;
    table[at + 4] = promotions.some((range) => day >= range.from && day <= range.to) ? 1 : 0;
  }
  return table;
}
