import { describe, expect, it } from 'vitest';
import { createNormalScenario, faultCycleSteps, faultShelfIndex, faultStartStep, faultSteps, isFaultStep } from './scenario.ts';

const setpoints = Array(8).fill(4);

function run(steps: number, seed = 1, sp: number[] = setpoints) {
  const scenario = createNormalScenario({ shelves: 8, seed });
  return Array.from({ length: steps }, () => scenario.step(sp));
}

describe('normal scenario', () => {
  it('gives the same readings for the same seed and different ones for another', () => {
    expect(run(50, 5)).toEqual(run(50, 5));
    expect(run(50, 5)).not.toEqual(run(50, 6));
  });

  it('keeps healthy shelves inside 2..8 °C and humidity inside 60..80 %RH', () => {
    const history = run(3 * faultCycleSteps);
    for (const readings of history) {
      readings.forEach((r, i) => {
        if (i !== faultShelfIndex) {
          expect(r.temperatureC).toBeGreaterThan(3);
          expect(r.temperatureC).toBeLessThan(5);
        }
        expect(r.humidityPct).toBeGreaterThanOrEqual(60);
        expect(r.humidityPct).toBeLessThanOrEqual(80);
      });
    }
  });

  it('takes B12 above 8 °C during every compressor fault and back to its setpoint between faults', () => {
    const history = run(3 * faultCycleSteps);
    for (let cycle = 0; cycle < 3; cycle++) {
      const start = cycle * faultCycleSteps + faultStartStep;
      const during = history.slice(start + 15, start + faultSteps).map((r) => r[faultShelfIndex]!.temperatureC);
      expect(Math.min(...during)).toBeGreaterThan(8);
      const recovered = history[start + faultSteps + 40]![faultShelfIndex]!.temperatureC;
      expect(Math.abs(recovered - 4)).toBeLessThan(0.6);
    }
    expect(isFaultStep(faultStartStep)).toBe(true);
    expect(isFaultStep(faultStartStep - 1)).toBe(false);
    expect(isFaultStep(faultStartStep + faultSteps)).toBe(false);
  });

  it('moves shelves to a new setpoint', () => {
    const history = run(60, 1, [-18, 4, 4, 4, 4, 4, 4, 4]);
    expect(history.at(-1)![0]!.temperatureC).toBeCloseTo(-18, 0);
  });
});
