/**
 * How fast a molding machine makes shots, so a maintenance window can be placed before an insert
 * reaches its life: from the recent samples of the machine's shot counter (what the edge
 * reports), or, without enough samples, from a known cycle time. Pure functions: the window
 * planner tests without the telemetry store or the tooling part.
 */

export const HOUR_MS = 3_600_000;

/** The default look-back for the counter rate: long enough to span shift changes and breaks. */
export const DEFAULT_RATE_HOURS = 24;

/** A shots-per-hour figure with the words that say where it came from. */
export interface ShotRate {
  shotsPerHour: number;
  /** e.g. `1,440 shots over the last 24 h of the IMM-01 counter` */
  basis: string;
}

export interface CounterSample {
  ts: number;
  value: number;
}

/**
 * Shots per hour over the `hours` before `now`: the sum of the counter's positive steps (a step
 * down is a reset, after which the new value counts as shots made) divided by the hours the
 * samples span. Null when fewer than two samples fall in the window or they span no time: no
 * evidence is better than a made-up rate.
 */
export function shotRateFromCounter(samples: readonly CounterSample[], now: number, hours = DEFAULT_RATE_HOURS, counterName = 'the shot counter'): ShotRate | null {
  const from = now - hours * HOUR_MS;
  const inWindow = samples.filter((s) => s.ts >= from && s.ts <= now && Number.isFinite(s.value)).sort((a, b) => a.ts - b.ts);
  if (inWindow.length < 2) return null;
  let shots = 0;
  for (let i = 1; i < inWindow.length; i++) {
    const step = inWindow[i]!.value - inWindow[i - 1]!.value;
    shots += step >= 0 ? step : inWindow[i]!.value;
  }
  const spanMs = inWindow.at(-1)!.ts - inWindow[0]!.ts;
  if (spanMs <= 0) return null;
  const shotsPerHour = shots / (spanMs / HOUR_MS);
  const spanHours = spanMs / HOUR_MS;
  return { shotsPerHour, basis: `${shots.toLocaleString('en-US')} shots over the last ${formatHours(spanHours)} of ${counterName}` };
}

/** One shot per cycle: 3600 / cycle time in seconds. Null for a cycle time that is not positive. */
export function shotRateFromCycleTime(cycleTimeS: number): ShotRate | null {
  if (!(cycleTimeS > 0) || !Number.isFinite(cycleTimeS)) return null;
  return { shotsPerHour: 3600 / cycleTimeS, basis: `a ${cycleTimeS} s cycle time` };
}

/** `4 h`, `1.5 h`, `30 min`: durations in the planner's sentences. */
export function formatHours(hours: number): string {
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  return `${Number(hours.toFixed(1))} h`;
}
