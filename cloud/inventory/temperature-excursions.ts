/**
 * Temperature excursions in a run of readings: a maximal run of consecutive readings outside the
 * range is one excursion. It starts at its first reading outside and ends at the first reading
 * back inside (the moment the record shows the shelf recovered); a run still outside at the last
 * reading is `ongoing` and ends at that reading. `worst` is the reading furthest out.
 */
import { distanceOutside } from '../scans/shelf-telemetry.ts';
import type { TemperatureRange, TraceExcursion } from './lot-trace-types.ts';

const MINUTE_MS = 60_000;

export function excursionsIn(points: ReadonlyArray<readonly [number, number]>, range: TemperatureRange): TraceExcursion[] {
  const out: TraceExcursion[] = [];
  let run: { start: number; last: number; worst: number; samples: number } | undefined;
  const close = (end: number, ongoing: boolean) => {
    out.push({ start: run!.start, end, worst: run!.worst, minutes: Math.round(((end - run!.start) / MINUTE_MS) * 10) / 10, samples: run!.samples, ongoing });
    run = undefined;
  };
  for (const [ts, value] of points) {
    const outside = distanceOutside(value, range);
    if (outside === 0) {
      if (run) close(ts, false);
      continue;
    }
    if (!run) run = { start: ts, last: ts, worst: value, samples: 0 };
    run.samples++;
    run.last = ts;
    if (outside > distanceOutside(run.worst, range)) run.worst = value;
  }
  if (run) close(run.last, true);
  return out;
}
