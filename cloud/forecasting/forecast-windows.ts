/**
 * Turns daily series into what the global LSTM learns from: sliding windows of `inputDays` days x
 * FEATURE_NAMES -> the next `horizonDays` values, every series divided by its own scale so one
 * model serves SKUs that sell 3 a day and 3,000 a day.
 *
 * The scale is the mean absolute value of the series' history before the holdout (never of the
 * days being predicted, or validation would peek). Windows are laid from the most recent day
 * backwards, so the newest complete window is always included whatever the stride.
 */

/** Per day, in this order. Weekdays are ISO 8601: Monday is 1 ... Sunday is 7. */
export const FEATURE_NAMES = ['scaledValue', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export const FEATURE_COUNT = FEATURE_NAMES.length;

export interface DailySeries {
  readonly id: string;
  /** One value per consecutive day, oldest first. */
  readonly values: ArrayLike<number>;
  /** ISO weekday of values[0]: 1 = Monday ... 7 = Sunday. */
  readonly firstIsoWeekday: number;
}

export interface WindowOptions {
  readonly inputDays: number;
  readonly horizonDays: number;
  /** Days between the starts of consecutive windows of one series. */
  readonly strideDays: number;
}

/** A batch of windows; `inputs` feeds the model ([count, inputDays, FEATURE_COUNT]) as it is. */
export interface ForecastWindows {
  readonly count: number;
  readonly inputDays: number;
  readonly horizonDays: number;
  /** [count, inputDays, FEATURE_COUNT], row-major. */
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
  const { inputDays, horizonDays, strideDays } = options;
  const starts: Array<[series: number, start: number]> = [];
  series.forEach((one, index) => {
    const targetsTo = Math.min(options.targetsTo ?? one.values.length, one.values.length);
    const earliest = Math.max(0, (options.targetsFrom ?? 0) - inputDays);
    const chosen: number[] = [];
    for (let start = targetsTo - inputDays - horizonDays; start >= earliest; start -= strideDays) chosen.push(start);
    for (const start of chosen.reverse()) starts.push([index, start]);
  });
  const count = starts.length;
  const inputs = new Float32Array(count * inputDays * FEATURE_COUNT);
  const targets = new Float32Array(count * horizonDays);
  const seriesIndex = new Int32Array(count);
  const targetStart = new Int32Array(count);
  starts.forEach(([index, start], window) => {
    const { values, firstIsoWeekday } = series[index]!;
    const scale = scales[index]!;
    writeInputWindow(values, firstIsoWeekday, scale, start, inputDays, inputs, window * inputDays * FEATURE_COUNT);
    for (let day = 0; day < horizonDays; day++) targets[window * horizonDays + day] = values[start + inputDays + day]! / scale;
    seriesIndex[window] = index;
    targetStart[window] = start + inputDays;
  });
  return { count, inputDays, horizonDays, inputs, targets, seriesIndex, targetStart };
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
  const training = concatWindows(series.map((one, index) => buildWindows([one], [scales[index]!], { ...options, targetsTo: trainingEnds[index]! })), series.length);
  const validation = concatWindows(
    series.map((one, index) => buildWindows([one], [scales[index]!], { ...options, strideDays: options.validationStrideDays ?? 1, targetsFrom: trainingEnds[index]! })),
    series.length,
  );
  return { scales, training, validation };
}

/** The newest `inputDays` of every series: what the model forecasts the next horizon from. */
export function latestInputs(series: readonly DailySeries[], scales: ArrayLike<number>, inputDays: number): Float32Array {
  checkSeries(series, { inputDays, horizonDays: 0, strideDays: 1 });
  const inputs = new Float32Array(series.length * inputDays * FEATURE_COUNT);
  series.forEach((one, index) => writeInputWindow(one.values, one.firstIsoWeekday, scales[index]!, one.values.length - inputDays, inputDays, inputs, index * inputDays * FEATURE_COUNT));
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

function writeInputWindow(values: ArrayLike<number>, firstIsoWeekday: number, scale: number, start: number, inputDays: number, into: Float32Array, offset: number): void {
  for (let day = 0; day < inputDays; day++) {
    const at = offset + day * FEATURE_COUNT;
    into[at] = values[start + day]! / scale;
    into[at + isoWeekdayOf(firstIsoWeekday, start + day)] = 1; // columns 1..7 are Monday..Sunday
  }
}

function concatWindows(parts: ForecastWindows[], seriesCount: number): ForecastWindows {
  // parts[i] was built from series i alone, so its seriesIndex (all 0) becomes i.
  const count = parts.reduce((total, part) => total + part.count, 0);
  const first = parts[0];
  const inputDays = first?.inputDays ?? 0;
  const horizonDays = first?.horizonDays ?? 0;
  const inputs = new Float32Array(count * inputDays * FEATURE_COUNT);
  const targets = new Float32Array(count * horizonDays);
  const seriesIndex = new Int32Array(count);
  const targetStart = new Int32Array(count);
  let at = 0;
  for (let index = 0; index < seriesCount; index++) {
    const part = parts[index]!;
    inputs.set(part.inputs, at * inputDays * FEATURE_COUNT);
    targets.set(part.targets, at * horizonDays);
    seriesIndex.fill(index, at, at + part.count);
    targetStart.set(part.targetStart, at);
    at += part.count;
  }
  return { count, inputDays, horizonDays, inputs, targets, seriesIndex, targetStart };
}

function checkSeries(series: readonly DailySeries[], options: WindowOptions): void {
  const problems: string[] = [];
  for (const [name, value] of Object.entries({ inputDays: options.inputDays, strideDays: options.strideDays })) {
    if (!Number.isInteger(value) || value < 1) problems.push(`${name}: expected a whole number of at least 1, found ${String(value)}`);
  }
  if (!Number.isInteger(options.horizonDays) || options.horizonDays < 0) problems.push(`horizonDays: expected a whole number, found ${String(options.horizonDays)}`);
  series.forEach((one) => {
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
