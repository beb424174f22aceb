/**
 * Cleans daily sales into demand before a model learns from it (issue 8, item 1), and says why
 * for every day it changes: a planner must be able to see that a spike was capped or a zero was
 * a stock-out, not take the model's word for it.
 *
 * - Stock-outs: a day whose closing stock was zero sold what was there, not what was wanted, so
 *   its sales are censored demand. With zero sales it is not a zero-demand day: the value becomes
 *   the expected demand of that day. With some sales the demand was at least that: the value
 *   becomes the larger of sales and expected demand. Either way the day is flagged `censored`.
 * - Outliers: a day's expected demand is the median of the same weekday over the weeks around
 *   it (so a busy Saturday is compared with Saturdays, and a trend or a drifting weekly pattern
 *   is followed); a day further from it, relatively, than `threshold` robust standard deviations
 *   (1.4826 x the median absolute deviation, MAD, of all days' relative residuals) is flagged
 *   and capped at that bound. Days the calendar explains (a holiday, a promotion: see
 *   `calendarExplanations`) are flagged but kept, since the factor model is what accounts for them.
 * - Intermittent series (more than half the days zero) are not outlier-checked: their MAD is zero
 *   and every sale would look extreme; Croston/TSB are the models meant for them.
 * Censored days are left out of every statistic, so a run of stock-outs does not drag the level.
 */
import { addDays, dayStartMs, type CalendarFeatures } from './calendar-features.ts';

export interface SalesHistory {
  readonly firstDay: string;
  /** Units sold per consecutive day, oldest first. */
  readonly sales: readonly number[];
  /** Closing on-hand stock per day (null when unknown), aligned with `sales`; omit when unknown. */
  readonly closingStock?: readonly (number | null)[];
}

export interface CleaningOptions {
  /** Robust standard deviations beyond which a day is an outlier; default 3.5. */
  readonly threshold?: number;
  /** Weeks either side whose same weekday sets a day's expected demand; default 5 (11 values). */
  readonly windowWeeks?: number;
  /** Day -> why it is unusual on purpose; such days are flagged, never capped. */
  readonly explainedDays?: ReadonlyMap<string, string>;
}

export type DemandChangeKind = 'outlier-capped' | 'stock-out-imputed' | 'sold-out-raised';

export interface DemandChange {
  readonly day: string;
  readonly index: number;
  readonly kind: DemandChangeKind;
  readonly original: number;
  readonly cleaned: number;
  readonly why: string;
}

export interface CleanedDay {
  readonly day: string;
  readonly sales: number;
  readonly demand: number;
  /** Median of the same weekday nearby (censored days left out); null when there is none. */
  readonly expected: number | null;
  readonly outlier: boolean;
  /** Closing stock was zero: sales are a lower bound on demand. */
  readonly censored: boolean;
  /** Why an outlier was kept as it was (the calendar explains it), or a censored day was not. */
  readonly note?: string;
}

export interface CleanedDemand {
  readonly firstDay: string;
  /** The cleaned demand per day, aligned with the sales given. */
  readonly demand: number[];
  readonly days: CleanedDay[];
  /** Only the days whose value changed, each with its reason. */
  readonly changes: DemandChange[];
}

const MAD_TO_SIGMA = 1.4826;

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

function checkHistory(history: SalesHistory, options: CleaningOptions): void {
  const problems: string[] = [];
  try {
    dayStartMs(history.firstDay, 'firstDay');
  } catch (error) {
    problems.push((error as Error).message);
  }
  history.sales.forEach((value, index) => {
    if (!Number.isFinite(value) || value < 0) problems.push(`sales.${index}: expected units sold >= 0, found ${String(value)}`);
  });
  if (history.closingStock !== undefined) {
    if (history.closingStock.length !== history.sales.length) {
      problems.push(`closingStock: expected one entry per sales day (${history.sales.length}), found ${history.closingStock.length}; use null for an unknown day`);
    }
    history.closingStock.forEach((value, index) => {
      if (value !== null && (!Number.isFinite(value) || value < 0)) problems.push(`closingStock.${index}: expected stock >= 0 or null, found ${String(value)}`);
    });
  }
  const threshold = options.threshold ?? 3.5;
  if (!Number.isFinite(threshold) || threshold <= 0) problems.push(`threshold: expected a number of standard deviations > 0, found ${String(options.threshold)}`);
  const weeks = options.windowWeeks ?? 5;
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > 52) problems.push(`windowWeeks: expected a whole number of weeks from 1 to 52, found ${String(options.windowWeeks)}`);
  if (problems.length > 0) throw new RangeError(problems.join('; '));
}

/** Cleaned demand per day, with every change and its reason (see the file comment for the rules). */
export function cleanDemand(history: SalesHistory, options: CleaningOptions = {}): CleanedDemand {
  checkHistory(history, options);
  const threshold = options.threshold ?? 3.5;
  const reachDays = 7 * (options.windowWeeks ?? 5);
  const { sales, firstDay } = history;
  const count = sales.length;
  const censored = sales.map((_, index) => history.closingStock?.[index] === 0);

  // Expected demand: the median of the same weekday within the window, leaving out the day itself
  // (so a spike is not part of its own yardstick) and censored days.
  const expected = sales.map((_, index) => {
    const sameWeekday: number[] = [];
    for (let other = index % 7; other < count; other += 7) {
      if (other !== index && Math.abs(other - index) <= reachDays && !censored[other]) sameWeekday.push(sales[other]!);
    }
    return median(sameWeekday);
  });
  const residual = sales.map((value, index) => (!censored[index] && expected[index]! > 0 ? value / expected[index]! - 1 : Number.NaN));
  // Residuals are relative, so one robust spread serves quiet and busy weekdays alike.
  const spread = MAD_TO_SIGMA * median(residual.filter((value) => !Number.isNaN(value)).map(Math.abs));
  const usableDays = censored.filter((isCensored) => !isCensored).length;
  const zeroDays = sales.filter((value, index) => !censored[index] && value === 0).length;
  const intermittent = usableDays === 0 || zeroDays * 2 > usableDays;
  const basis = `median of the same weekday within ${reachDays / 7} weeks`;

  const demand: number[] = [];
  const days: CleanedDay[] = [];
  const changes: DemandChange[] = [];
  for (let index = 0; index < count; index++) {
    const day = addDays(firstDay, index);
    const original = sales[index]!;
    const expectedHere = Number.isNaN(expected[index]!) ? null : round3(expected[index]!);
    let value = original;
    let outlier = false;
    let note: string | undefined;
    if (censored[index]) {
      if (expectedHere === null) {
        note = 'censored, but no uncensored day of this weekday nearby to estimate demand from';
      } else if (original === 0) {
        value = expectedHere;
        changes.push({ day, index, kind: 'stock-out-imputed', original, cleaned: value, why: `stock-out: closing stock was 0 and nothing sold, so demand is unknown, not zero; set to the expected ${value} (${basis})` });
      } else if (expectedHere > original) {
        value = expectedHere;
        changes.push({ day, index, kind: 'sold-out-raised', original, cleaned: value, why: `sold out: closing stock was 0 after selling ${original}, so demand was at least that; raised to the expected ${value} (${basis})` });
      }
    } else if (!intermittent && spread > 0 && !Number.isNaN(residual[index]!) && Math.abs(residual[index]!) > threshold * spread) {
      outlier = true;
      const deviations = round3(Math.abs(residual[index]!) / spread);
      const direction = residual[index]! > 0 ? 'above' : 'below';
      const explanation = options.explainedDays?.get(day);
      if (explanation !== undefined) {
        note = `${deviations} robust standard deviations ${direction} the expected ${expectedHere} but kept: ${explanation}`;
      } else {
        value = round3(Math.max(0, expected[index]! * (1 + Math.sign(residual[index]!) * threshold * spread)));
        changes.push({ day, index, kind: 'outlier-capped', original, cleaned: value, why: `outlier: ${original} is ${deviations} robust standard deviations ${direction} the expected ${expectedHere} (${basis}; limit ${threshold}); capped at the limit, ${value}` });
      }
    }
    demand.push(value);
    days.push({ day, sales: original, demand: value, expected: expectedHere, outlier, censored: censored[index]!, ...(note === undefined ? {} : { note }) });
  }
  return { firstDay, demand, days, changes };
}

export interface ExplanationChoice {
  readonly usHolidays?: boolean;
  readonly chinaHolidays?: boolean;
  readonly springFestivalWindow?: boolean;
  readonly promotions?: boolean;
  readonly events?: boolean;
}

/** Which days the calendar explains (for `explainedDays`); everything is chosen by default. */
export function calendarExplanations(features: readonly CalendarFeatures[], choice: ExplanationChoice = {}): Map<string, string> {
  const chosen = { usHolidays: true, chinaHolidays: true, springFestivalWindow: true, promotions: true, events: true, ...choice };
  const explained = new Map<string, string>();
  for (const day of features) {
    const reasons: string[] = [];
    if (chosen.usHolidays && day.usHoliday !== null) reasons.push(`US holiday ${day.usHoliday}`);
    if (chosen.chinaHolidays && day.chinaHoliday !== null) reasons.push(`China holiday ${day.chinaHoliday}`);
    if (chosen.springFestivalWindow && day.inSpringFestivalWindow) reasons.push(`Spring Festival window (${day.daysFromChineseNewYear} days from ${day.chineseNewYear})`);
    if (chosen.promotions) reasons.push(...day.promotions.map((name) => `promotion ${name}`));
    if (chosen.events) reasons.push(...day.events.map((name) => `event ${name}`));
    if (reasons.length > 0) explained.set(day.day, reasons.join(', '));
  }
  return explained;
}
