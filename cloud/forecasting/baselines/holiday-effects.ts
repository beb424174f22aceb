/**
 * Holiday effects learned from a series' own history, so a model that knows nothing of the
 * calendar can forecast around holidays: births fall by a third on Christmas Day and stay low on
 * the days beside it; a shop's sales jump before a holiday. No smoothing model or seasonal naive
 * sees that, and most of the error left after the weekly season sits on those days.
 *
 * Every day within `windowDays` of a US federal holiday (calendar-features.ts: the rules are known
 * years ahead, so flagging future days is no peeking) gets a key: the nearest holiday and the
 * signed offset to it ("Christmas Day+1"), optionally split by whether the day is a weekend. The
 * effect of a key is the mean, over its occurrences in the history, of the day's value divided by
 * its baseline, the median of the same weekday `neighbourWeeks` weeks either side (only days of
 * the history that are themselves clear of every holiday window). The mean is shrunk towards "no
 * effect" by `priorOccurrences` pseudo-occurrences of ratio 1, so a key seen once moves little.
 *
 * Only the history handed in is read: in a backtest that is the fold's days before its origin, so
 * the effects are what a planner could have known then (`estimatedThrough` says up to which day).
 */
import { DAY_MS, dayOfMs, dayStartMs, isoWeekdayOfDay, usHolidayOf } from '../calendar-features.ts';

export interface HolidayEffectOptions {
  /** Days either side of a holiday that get their own effect; default 3. */
  readonly windowDays?: number;
  /** Same-weekday neighbours each side forming a day's baseline; default 3. */
  readonly neighbourWeeks?: number;
  /** Pseudo-occurrences of "no effect" each key's mean is shrunk with; default 1. */
  readonly priorOccurrences?: number;
  /** Separate effects for a key falling on a weekend and on a weekday; default true. */
  readonly splitWeekend?: boolean;
}

export interface HolidayEffect {
  /** Multiplies the holiday-free level: 0.7 = 30% below a normal day of that weekday. */
  readonly factor: number;
  readonly occurrences: number;
}

export interface HolidayEffects {
  /** The first and last day of the history the effects were estimated from. */
  readonly estimatedFrom: string;
  readonly estimatedThrough: string;
  readonly effects: ReadonlyMap<string, HolidayEffect>;
  /**
   * Factors of `count` consecutive days from `firstDay`, keyed as the effects were: 1 for a day
   * clear of every holiday window or whose key never occurred in the history.
   */
  factorsOf(firstDay: string, count: number): Float64Array;
}

type Settings = Required<HolidayEffectOptions>;

export function holidayEffectSettings(options: HolidayEffectOptions = {}): Settings {
  const settings: Settings = {
    windowDays: options.windowDays ?? 3,
    neighbourWeeks: options.neighbourWeeks ?? 3,
    priorOccurrences: options.priorOccurrences ?? 1,
    splitWeekend: options.splitWeekend ?? true,
  };
  const problems: string[] = [];
  if (!Number.isInteger(settings.windowDays) || settings.windowDays < 0 || settings.windowDays > 14) problems.push(`windowDays: expected a whole number from 0 to 14, found ${String(settings.windowDays)}`);
  if (!Number.isInteger(settings.neighbourWeeks) || settings.neighbourWeeks < 1) problems.push(`neighbourWeeks: expected a whole number of at least 1, found ${String(settings.neighbourWeeks)}`);
  if (!(Number.isFinite(settings.priorOccurrences) && settings.priorOccurrences >= 0)) problems.push(`priorOccurrences: expected a number >= 0, found ${String(settings.priorOccurrences)}`);
  if (typeof settings.splitWeekend !== 'boolean') problems.push(`splitWeekend: expected true or false, found ${String(settings.splitWeekend)}`);
  if (problems.length > 0) throw new RangeError(`holiday effects: ${problems.join('; ')}`);
  return settings;
}

/**
 * Keys of `count` days from `firstDay`: the nearest US holiday within the window (the earlier one
 * on a tie) and the offset to it. Holidays up to `windowDays` outside the range are looked at too.
 */
export function holidayKeys(firstDay: string, count: number, options: HolidayEffectOptions = {}): (string | null)[] {
  const { windowDays, splitWeekend } = holidayEffectSettings(options);
  const firstMs = dayStartMs(firstDay, 'firstDay');
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count: expected a whole number of days >= 0, found ${String(count)}`);
  const holidays: Array<{ index: number; name: string }> = [];
  for (let index = -windowDays; index < count + windowDays; index++) {
    const name = usHolidayOf(dayOfMs(firstMs + index * DAY_MS));
    if (name !== null) holidays.push({ index, name });
  }
  const firstWeekday = isoWeekdayOfDay(firstDay);
  const keys: (string | null)[] = new Array(count).fill(null);
  let next = 0;
  for (let index = 0; index < count; index++) {
    while (next < holidays.length && holidays[next]!.index < index - windowDays) next++;
    let best: { name: string; offset: number } | null = null;
    for (let h = next; h < holidays.length && holidays[h]!.index <= index + windowDays; h++) {
      const offset = index - holidays[h]!.index;
      if (best === null || Math.abs(offset) < Math.abs(best.offset)) best = { name: holidays[h]!.name, offset };
    }
    if (best === null) continue;
    const weekday = ((firstWeekday - 1 + index) % 7) + 1;
    const part = splitWeekend ? (weekday >= 6 ? ' weekend' : ' weekday') : '';
    keys[index] = `${best.name}${best.offset >= 0 ? '+' : ''}${best.offset}${part}`;
  }
  return keys;
}

/** Estimates the effects from `values` (day 0 is `firstDay`); reads nothing outside them. */
export function estimateHolidayEffects(values: ArrayLike<number>, firstDay: string, options: HolidayEffectOptions = {}): HolidayEffects {
  const settings = holidayEffectSettings(options);
  if (values.length === 0) throw new RangeError('holiday effects: expected a history of at least one day, found none');
  const keys = holidayKeys(firstDay, values.length, settings);
  const sums = new Map<string, { ratios: number; occurrences: number }>();
  const neighbours: number[] = [];
  for (let t = 0; t < values.length; t++) {
    const key = keys[t];
    if (key === null || key === undefined) continue;
    neighbours.length = 0;
    for (let k = 1; k <= settings.neighbourWeeks; k++) {
      for (const at of [t - 7 * k, t + 7 * k]) {
        if (at >= 0 && at < values.length && keys[at] === null) neighbours.push(values[at]!);
      }
    }
    if (neighbours.length === 0) continue;
    const baseline = median(neighbours);
    if (!(baseline > 0) || !(values[t]! >= 0)) continue;
    const sum = sums.get(key) ?? { ratios: 0, occurrences: 0 };
    sum.ratios += values[t]! / baseline;
    sum.occurrences += 1;
    sums.set(key, sum);
  }
  const effects = new Map<string, HolidayEffect>();
  for (const [key, sum] of sums) {
    effects.set(key, { factor: (sum.ratios + settings.priorOccurrences) / (sum.occurrences + settings.priorOccurrences), occurrences: sum.occurrences });
  }
  return {
    estimatedFrom: firstDay,
    estimatedThrough: dayOfMs(dayStartMs(firstDay) + (values.length - 1) * DAY_MS),
    effects,
    factorsOf: (from, count) => Float64Array.from(holidayKeys(from, count, settings), (key) => (key === null ? 1 : (effects.get(key)?.factor ?? 1))),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
