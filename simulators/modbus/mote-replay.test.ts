import { describe, expect, it } from 'vitest';
import { createMoteReplayScenario, loadMoteSeries } from './mote-replay.ts';

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const std = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

describe('mote replay scenario', () => {
  const motes = loadMoteSeries();

  it('loads the four motes of the Suthaharan single-hop data set', () => {
    expect(motes.map((m) => [m.moteId, m.temperatureC.length])).toEqual([[1, 4417], [2, 4417], [3, 5039], [4, 5041]]);
    expect(motes[0]!.temperatureC[0]).toBe(27.97);
    expect(motes[0]!.humidityPct[0]).toBe(45.93);
  });

  it('centres each shelf on its setpoint and keeps the recorded variation and humidity', () => {
    const scenario = createMoteReplayScenario({ shelves: 8, series: motes });
    const setpointsC = [4, 2.5, 6, 4, 4, 4, 4, 4];
    const length = motes[1]!.temperatureC.length;
    const shelf1: number[] = [];
    const humidity1: number[] = [];
    for (let i = 0; i < length; i++) {
      const r = scenario.step(setpointsC)[1]!;
      shelf1.push(r.temperatureC);
      humidity1.push(r.humidityPct);
    }
    expect(mean(shelf1)).toBeCloseTo(2.5, 9);
    expect(std(shelf1)).toBeCloseTo(std(motes[1]!.temperatureC), 9);
    expect([...humidity1].sort()).toEqual([...motes[1]!.humidityPct].sort());
  });

  it('gives shelves 4-7 the same motes as 0-3, half a series later', () => {
    const scenario = createMoteReplayScenario({ shelves: 8, series: motes });
    const first = scenario.initial(Array(8).fill(4));
    const half = Math.floor(motes[0]!.temperatureC.length / 2);
    expect(first[0]!.humidityPct).toBe(motes[0]!.humidityPct[0]);
    expect(first[4]!.humidityPct).toBe(motes[0]!.humidityPct[half]);
    expect(first[3]!.humidityPct).toBe(motes[3]!.humidityPct[0]);
  });
});
