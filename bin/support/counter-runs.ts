/**
 * Reads a counter's stored history across device restarts, for the simulator-restart system
 * test. The counter is a tag the device moves by +1 per step, slower than the gateway polls, so
 * while the link is good the gateway sees every value. The history, oldest first, must then be
 * good runs separated by bad runs, one bad run per outage:
 *
 * - every good run is consecutive whole numbers, in time order: each point holds the value
 *   before it or one more (the same value again is a later reading of it, as births carry);
 * - the k-th bad run starts at or after the k-th kill (a bad value earlier is a false outage);
 * - the good run before the k-th kill reaches the value the device held when it was killed,
 *   less at most `missableSteps`: a step that fell within the last poll (or publish) interval
 *   before the kill was never readable, and is the only thing allowed to be missing;
 * - the last good run reaches `finalValue`, read from the device at the end.
 *
 * Bad points before the first good one (the device was not up yet) are ignored. The head of
 * each good run needs no bound: what the device counted before the gateway's link was back was
 * never held while the link was good.
 */

export interface StoredPoint {
  ts: number;
  value: unknown;
  quality: string;
  error?: string | null;
}

export interface Outage {
  /** Epoch ms just after the device was sent its signal. */
  killedAt: number;
  /** The counter read straight from the device just before the signal. */
  valueAtKill: number;
}

export interface GoodRun {
  fromTs: number;
  toTs: number;
  first: number;
  last: number;
  /** Stored points of the run, repeats included. */
  points: number;
  /** Distinct counter values of the run. */
  values: number;
}

export interface BadRun {
  fromTs: number;
  toTs: number;
  points: number;
  errors: string[];
}

export interface CounterRunsReport {
  goodRuns: GoodRun[];
  badRuns: BadRun[];
  /** Empty when the history passes; otherwise what is wrong, one line each. */
  problems: string[];
}

export interface CounterRunsExpectation {
  outages: readonly Outage[];
  /** The counter read from the device after the last recovery; the last good run must reach it. */
  finalValue: number;
  /** Steps at the end of a good run that may be missing (see the file comment). */
  missableSteps: number;
}

export function checkCounterRuns(points: readonly StoredPoint[], expected: CounterRunsExpectation): CounterRunsReport {
  const problems: string[] = [];
  const goodRuns: GoodRun[] = [];
  const badRuns: BadRun[] = [];
  const at = (ts: number) => new Date(ts).toISOString().slice(11, 23);

  let previous: StoredPoint | undefined;
  for (const point of points) {
    if (previous && point.ts <= previous.ts) {
      problems.push(`history not in time order: ${at(point.ts)} after ${at(previous.ts)}`);
    }
    previous = point;
    if (point.quality === 'good') {
      if (typeof point.value !== 'number' || !Number.isInteger(point.value)) {
        problems.push(`good point at ${at(point.ts)} holds ${JSON.stringify(point.value)}; expected a whole number`);
        continue;
      }
      const run = goodRuns.at(-1);
      if (run && badRuns.length < goodRuns.length) {
        // Still inside the current good run (no bad point since it started). The same value
        // again is a later reading of it (a birth certificate or heartbeat carries the current
        // value), not a loss; a lower one is out of order, a higher one skips values.
        if (point.value > run.last + 1) {
          problems.push(`good run ${goodRuns.length - 1}: after ${run.last} (${at(run.toTs)}) came ${point.value} at ${at(point.ts)}; ${describeHole(run.last, point.value)} missing`);
        } else if (point.value < run.last) {
          problems.push(`good run ${goodRuns.length - 1}: after ${run.last} (${at(run.toTs)}) came ${point.value} at ${at(point.ts)}: a step back`);
        }
        if (point.value !== run.last) run.values++;
        run.last = point.value;
        run.toTs = point.ts;
        run.points++;
      } else {
        goodRuns.push({ fromTs: point.ts, toTs: point.ts, first: point.value, last: point.value, points: 1, values: 1 });
      }
    } else if (point.quality === 'bad') {
      if (goodRuns.length === 0) continue; // the device was not up yet
      const run = badRuns.at(-1);
      if (run && badRuns.length === goodRuns.length) {
        run.toTs = point.ts;
        run.points++;
        if (point.error && !run.errors.includes(point.error)) run.errors.push(point.error);
      } else {
        badRuns.push({ fromTs: point.ts, toTs: point.ts, points: 1, errors: point.error ? [point.error] : [] });
      }
    } else {
      problems.push(`point at ${at(point.ts)} has quality "${point.quality}"; expected good or bad`);
    }
  }

  const { outages } = expected;
  if (goodRuns.length !== outages.length + 1 || badRuns.length !== outages.length) {
    problems.push(`expected ${outages.length + 1} good runs separated by ${outages.length} bad runs (one per restart); found ${goodRuns.length} good and ${badRuns.length} bad runs`);
  }
  outages.forEach((outage, k) => {
    const before = goodRuns[k];
    const bad = badRuns[k];
    if (before && before.last < outage.valueAtKill - expected.missableSteps) {
      problems.push(`good run ${k} ends at ${before.last} (${at(before.toTs)}) but the device held ${outage.valueAtKill} when it was killed at ${at(outage.killedAt)}; ${describeHole(before.last, outage.valueAtKill + 1)} missing`);
    }
    if (bad && bad.fromTs < outage.killedAt) {
      problems.push(`bad run ${k} starts at ${at(bad.fromTs)}, before kill ${k} at ${at(outage.killedAt)}: the link went bad while the device was up`);
    }
  });
  const last = goodRuns.at(-1);
  if (last && goodRuns.length === outages.length + 1 && last.last < expected.finalValue) {
    problems.push(`the last good run ends at ${last.last} but the device has reached ${expected.finalValue}; ${describeHole(last.last, expected.finalValue + 1)} missing`);
  }
  return { goodRuns, badRuns, problems };
}

/** "8405" or "8405..8409": the values strictly between `after` and `before`. */
function describeHole(after: number, before: number): string {
  const from = after + 1;
  const to = before - 1;
  return from === to ? String(from) : `${from}..${to}`;
}
