/**
 * Turns daily series into what the global LSTM learns from: sliding windows of `inputDays` days x
 * FEATURE_NAMES -> the next `horizonDays` values, every series divided by its own scale so one
 * model serves SKUs that sell 3 a day and 3,000 a day.
 *
 * The scale is the mean absolute value of the series' history before the holdout (never of the
 * days being predicted, or validation would peek). Windows are laid from the most recent day
 * backwards, so the newest complete window is always included whatever the stride.
 *
 * With a calendar (lstm-calendar-features.ts) each day also carries CALENDAR_FEATURE_NAMES. The
 * model reads only its input days and writes all `horizonDays` outputs at once, so what is known
 * about the days it forecasts must sit in its input: the "...Ahead" features at input position t
 * are the calendar values of day t + horizonDays. The last `horizonDays` input positions thus
 * carry the calendar of exactly the days being forecast, in order (the graph is unchanged; only
 * the input grows). A series without `firstDate` cannot be placed on the calendar: its calendar
 * features are all 0 (never seen on a dated day, whose holiday distances are 0 only on a holiday
 * itself), and baseline-forecasts.ts says so in the forecast's `why`.
 */
import { DAY_CALENDAR_COUNT, DAY_CALENDAR_NAMES, dayCalendarTable, lstmCalendarProblems, type LstmCalendar } from './lstm-calendar-features.ts';
import { dayStartMs, isoWeekdayOfDay } from './calendar-features.ts';

/** Per day, in this order, without a calendar. Weekdays are ISO 8601: Monday is 1 ... Sunday is 7. */
export const FEATURE_NAMES = ['scaledValue', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export const FEATURE_COUNT = FEATURE_NAMES.length;
/** With a calendar, after FEATURE_NAMES: the day's own calendar, then that of the day `horizonDays` later. */
export const CALENDAR_FEATURE_NAMES = [...DAY_CALENDAR_NAMES.map((name) => `${name}Today`), ...DAY_CALENDAR_NAMES.map((name) => `${name}Ahead`)] as const;
export const CALENDAR_FEATURE_COUNT = FEATURE_COUNT + CALENDAR_FEATURE_NAMES.length;

/** The features per day of windows built with (or without) a calendar. */
export function featureNamesOf(calendar: LstmCalendar | undefined): readonly string[] {
  return calendar === undefined ? FEATURE_NAMES : [...FEATURE_NAMES, ...CALENDAR_FEATURE_NAMES];
}

export interface DailySeries {
  readonly id: string;
  /** One value per consecutive day, oldest first. */
  readonly values: ArrayLike<number>;
  /** ISO weekday of values[0]: 1 = Monday ... 7 = Sunday. */
  readonly firstIsoWeekday: number;
  /** The day of values[0], YYYY-MM-DD; without it calendar features are 0 (see the file comment). */
  readonly firstDate?: string;
}

export interface WindowOptions {
  readonly inputDays: number;
  readonly horizonDays: number;
  /** Days between the starts of consecutive windows of one series. */
  readonly strideDays: number;
  /** Adds CALENDAR_FEATURE_NAMES to every day; weekday features only when absent. */
  readonly calendar?: LstmCalendar;
}

/** A batch of windows; `inputs` feeds the model ([count, inputDays, features]) as it is. */
export interface ForecastWindows {
  readonly count: number;
  readonly inputDays: number;
  readonly horizonDays: number;
  /** Features per day: FEATURE_COUNT, or CALENDAR_FEATURE_COUNT with a calendar. */
  readonly features: number;
  /** [count, inputDays, features], row-major. */
  readonly inputs: Float32Array;
  /** [count, horizonDays]: the scaled values that followed each window. */
  readonly targets: Float32Array;
  /** Which series (index into the list given) each window came from. */
  readonly seriesIndex: Int32Array;
  /** Index in its series of each window's first target day. */
  readonly targetStart: Int32Array;
}

export interface HoldoutSplit {
  /** One per series: what its values were divided by. */
  readonly scales: Float64Array;
  /** Windows whose targets all lie before the holdout. */
  readonly training: ForecastWindows;
  /** Windows whose targets all lie in the holdout (their inputs may reach back into training). */
  readonly validation: ForecastWindows;
}

/** Mean absolute value of values[0 .. endExclusive); 1 for a series of zeros (nothing to scale). */
export function fitSeriesScale(values: ArrayLike<number>, endExclusive = values.length): number {
  let total = 0;
  for (let i = 0; i < endExclusive; i++) total += Math.abs(values[i]!);
  const mean = endExclusive > 0 ? total / endExclusive : 0;
  return mean > 0 ? mean : 1;
}

/** Windows whose targets lie within [targetsFrom, targetsTo) of every series. */
export function buildWindows(
  series: readonly DailySeries[],
  scales: ArrayLike<number>,
  options: WindowOptions & { readonly targetsFrom?: number; readonly targetsTo?: number },
): ForecastWindows {
  checkSeries(series, options);
  return windowsOf(series, scales, options, calendarTablesOf(series, options.calendar, series.map((one) => one.values.length)));
}

/** buildWindows on checked series, with their calendar tables made (shared) beforehand. */
function windowsOf(
  series: readonly DailySeries[],
  scales: ArrayLike<number>,
  options: WindowOptions & { readonly targetsFrom?: number; readonly targetsTo?: number },
  calendars: ReadonlyArray<Float32Array | undefined>,
): ForecastWindows {
  const { inputDays, horizonDays, strideDays } = options;
  const features = featureNamesOf(options.calendar).length;
  const starts: Array<[series: number, start: number]> = [];
  series.forEach((one, index) => {
    const targetsTo = Math.min(options.targetsTo ?? one.values.length, one.values.length);
    const earliest = Math.max(0, (options.targetsFrom ?? 0) - inputDays);
    const chosen: number[] = [];
    for (let start = targetsTo - inputDays - horizonDays; start >= earliest; start -= strideDays) chosen.push(start);
    for (const start of chosen.reverse()) starts.push([index, start]);
  });
  const count = starts.length;
  const inputs = new Float32Array(count * inputDays * features);
  const targets = new Float32Array(count * horizonDays);
  const seriesIndex = new Int32Array(count);
  const targetStart = new Int32Array(count);
  starts.forEach(([index, start], window) => {
    const { values, firstIsoWeekday } = series[index]!;
    const scale = scales[index]!;
    writeInputWindow({ values, firstIsoWeekday, scale, calendar: calendars[index], features, horizonDays }, start, inputDays, inputs, window * inputDays * features);
    for (let day = 0; day < horizonDays; day++) targets[window * horizonDays + day] = values[start + inputDays + day]! / scale;
    seriesIndex[window] = index;
    targetStart[window] = start + inputDays;
  });
  return { count, inputDays, horizonDays, features, inputs, targets, seriesIndex, targetStart };
}

/**
 * Splits every series at `values.length - holdoutDays`: scales from the days before, training
 * windows entirely before, validation windows with targets entirely in the holdout.
 */
export function splitHoldout(
  series: readonly DailySeries[],
  options: WindowOptions & { readonly holdoutDays: number; readonly validationStrideDays?: number },
): HoldoutSplit {
  const { holdoutDays } = options;
  if (!Number.isInteger(holdoutDays) || holdoutDays < options.horizonDays) {
    throw new RangeError(`holdoutDays: expected a whole number of at least horizonDays (${options.horizonDays}), found ${String(holdoutDays)}`);
  }
  const tooShort = series.filter((one) => one.values.length - holdoutDays < options.inputDays + options.horizonDays);
  if (tooShort.length > 0) {
    throw new RangeError(`series ${tooShort.map((one) => `"${one.id}" (${one.values.length} days)`).join(', ')}: expected at least inputDays + horizonDays + holdoutDays = ${options.inputDays + options.horizonDays + holdoutDays} days; drop them or shorten the holdout`);
  }
  const scales = Float64Array.from(series, (one) => fitSeriesScale(one.values, one.values.length - holdoutDays));
  const trainingEnds = series.map((one) => one.values.length - holdoutDays);
  const validationStrideDays = options.validationStrideDays ?? 1;
  if (!Number.isInteger(validationStrideDays) || validationStrideDays < 1) {
    throw new RangeError(`validationStrideDays: expected a whole number of at least 1, found ${String(validationStrideDays)}`);
  }
  checkSeries(series, options);
  const features = featureNamesOf(options.calendar).length;
  const calendars = calendarTablesOf(series, options.calendar, series.map((one) => one.values.length));
  const training = concatWindows(series.map((one, index) => windowsOf([one], [scales[index]!], { ...options, targetsTo: trainingEnds[index]! }, [calendars[index]])), series.length, features);
  const validation = concatWindows(
    series.map((one, index) => windowsOf([one], [scales[index]!], { ...options, strideDays: validationStrideDays, targetsFrom: trainingEnds[index]! }, [calendars[index]])),
    series.length,
    features,
  );
  return { scales, training, validation };
}

/**
 * The newest `inputDays` of every series: what the model forecasts the next horizon from. With a
 * calendar, `horizonDays` must be the horizon the model was trained for (its look-ahead), and the
 * calendar reaches that many days past each series' end.
 */
export function latestInputs(
  series: readonly DailySeries[],
  scales: ArrayLike<number>,
  inputDays: number,
  options: { readonly calendar?: LstmCalendar; readonly horizonDays?: number } = {},
): Float32Array {
  const { calendar } = options;
  const horizonDays = options.horizonDays ?? 0;
  if (calendar !== undefined && !(Number.isInteger(options.horizonDays) && horizonDays >= 1)) {
    throw new RangeError(`horizonDays: with a calendar, expected the model's horizon (a whole number >= 1) for its look-ahead features, found ${String(options.horizonDays)}`);
  }
  checkSeries(series, { inputDays, horizonDays: 0, strideDays: 1, ...(calendar === undefined ? {} : { calendar }) });
  const features = featureNamesOf(calendar).length;
  const calendars = calendarTablesOf(series, calendar, series.map((one) => one.values.length + horizonDays));
  const inputs = new Float32Array(series.length * inputDays * features);
  series.forEach((one, index) => {
    const source = { values: one.values, firstIsoWeekday: one.firstIsoWeekday, scale: scales[index]!, calendar: calendars[index], features, horizonDays };
    writeInputWindow(source, one.values.length - inputDays, inputDays, inputs, index * inputDays * features);
  });
  return inputs;
}

/** Scaled model outputs ([count, horizon]) back to units, each row by its window's series scale. */
export function unscaleOutputs(outputs: ArrayLike<number>, seriesIndex: ArrayLike<number>, scales: ArrayLike<number>, horizonDays: number): Float64Array {
  const result = new Float64Array(outputs.length);
  for (let i = 0; i < outputs.length; i++) result[i] = outputs[i]! * scales[seriesIndex[Math.floor(i / horizonDays)]!]!;
  return result;
}

/** ISO weekday (1..7) of day `index` of a series whose first day has `firstIsoWeekday`. */
export function isoWeekdayOf(firstIsoWeekday: number, index: number): number {
  return ((firstIsoWeekday - 1 + index) % 7) + 1;
}

interface WindowSource {
  readonly values: ArrayLike<number>;
  readonly firstIsoWeekday: number;
  readonly scale: number;
  /** The series' dayCalendarTable from its first day; undefined: no calendar, or no first date (zeros). */
  readonly calendar: Float32Array | undefined;
  readonly features: number;
  /** How far ahead the "...Ahead" calendar features look. */
  readonly horizonDays: number;
}

function writeInputWindow(source: WindowSource, start: number, inputDays: number, into: Float32Array, offset: number): void {
  const { values, firstIsoWeekday, scale, calendar, features, horizonDays } = source;
  for (let day = 0; day < inputDays; day++) {
    const at = offset + day * features;
    const index = start + day;
    into[at] = values[index]! / scale;
    into[at + isoWeekdayOf(firstIsoWeekday, index)] = 1; // columns 1..7 are Monday..Sunday
    if (calendar === undefined) continue;
    into.set(calendar.subarray(index * DAY_CALENDAR_COUNT, (index + 1) * DAY_CALENDAR_COUNT), at + FEATURE_COUNT);
    const ahead = index + horizonDays;
    into.set(calendar.subarray(ahead * DAY_CALENDAR_COUNT, (ahead + 1) * DAY_CALENDAR_COUNT), at + FEATURE_COUNT + DAY_CALENDAR_COUNT);
  }
}

/**
 * Per series, its calendar table over `days[i]` days from its first date (undefined without a
 * calendar or a first date). Series sharing a first date share one table, so a fleet of SKUs that
 * started on the same day costs one calendar.
 */
function calendarTablesOf(series: readonly DailySeries[], calendar: LstmCalendar | undefined, days: readonly number[]): Array<Float32Array | undefined> {
  if (calendar === undefined) return series.map(() => undefined);
  const longest = new Map<string, number>();
  series.forEach((one, i) => {
    if (one.firstDate !== undefined) longest.set(one.firstDate, Math.max(longest.get(one.firstDate) ?? 0, days[i]!));
  });
  const tables = new Map([...longest].map(([firstDate, count]) => [firstDate, dayCalendarTable(firstDate, count, calendar)]));
  return series.map((one) => (one.firstDate === undefined ? undefined : tables.get(one.firstDate)));
}

function concatWindows(parts: ForecastWindows[], seriesCount: number, features: number): ForecastWindows {
  // parts[i] was built from series i alone, so its seriesIndex (all 0) becomes i.
  const count = parts.reduce((total, part) => total + part.count, 0);
  const first = parts[0];
  const inputDays = first?.inputDays ?? 0;
  const horizonDays = first?.horizonDays ?? 0;
  const inputs = new Float32Array(count * inputDays * features);
  const targets = new Float32Array(count * horizonDays);
  const seriesIndex = new Int32Array(count);
  const targetStart = new Int32Array(count);
  let at = 0;
  for (let index = 0; index < seriesCount; index++) {
    const part = parts[index]!;
    inputs.set(part.inputs, at * inputDays * features);
    targets.set(part.targets, at * horizonDays);
    seriesIndex.fill(index, at, at + part.count);
    targetStart.set(part.targetStart, at);
    at += part.count;
  }
  return { count, inputDays, horizonDays, features, inputs, targets, seriesIndex, targetStart };
}

function checkSeries(series: readonly DailySeries[], options: WindowOptions): void {
  const problems: string[] = [];
  for (const [name, value] of Object.entries({ inputDays: options.inputDays, strideDays: options.strideDays })) {
    if (!Number.isInteger(value) || value < 1) problems.push(`${name}: expected a whole number of at least 1, found ${String(value)}`);
  }
  if (!Number.isInteger(options.horizonDays) || options.horizonDays < 0) problems.push(`horizonDays: expected a whole number, found ${String(options.horizonDays)}`);
  if (options.calendar !== undefined) problems.push(...lstmCalendarProblems(options.calendar));
  series.forEach((one) => {
    if (options.calendar !== undefined && one.firstDate !== undefined) problems.push(...firstDateProblems(one));
    if (!Number.isInteger(one.firstIsoWeekday) || one.firstIsoWeekday < 1 || one.firstIsoWeekday > 7) {
      problems.push(`series "${one.id}" firstIsoWeekday: expected 1 (Monday) .. 7 (Sunday), found ${String(one.firstIsoWeekday)}`);
    }
    if (one.values.length < options.inputDays + options.horizonDays) {
      problems.push(`series "${one.id}": expected at least ${options.inputDays + options.horizonDays} days, found ${one.values.length}`);
    }
    for (let i = 0; i < one.values.length; i++) {
      if (!Number.isFinite(one.values[i])) {
        problems.push(`series "${one.id}" day ${i}: expected a finite number, found ${String(one.values[i])}; fill or drop missing days first`);
        break;
      }
    }
  });
  if (problems.length > 0) throw new RangeError(`Cannot build forecast windows: ${problems.join('; ')}`);
}

/** A first date that is not a day, or not on the series' first weekday, would put every holiday on the wrong day. */
function firstDateProblems(one: DailySeries): string[] {
  try {
    dayStartMs(one.firstDate!, `series "${one.id}" firstDate`);
  } catch (error) {
    return [(error as Error).message];
  }
  const weekday = isoWeekdayOfDay(one.firstDate!);
  return weekday === one.firstIsoWeekday ? [] : [`series "${one.id}" firstDate: ${one.firstDate} is ISO weekday ${weekday}, but firstIsoWeekday is ${one.firstIsoWeekday}; check the date`];
}
