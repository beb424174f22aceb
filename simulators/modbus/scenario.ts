/**
 * The "normal" cold-room scenario: each step every shelf drifts toward its setpoint with a slow
 * sine and small seeded noise, humidity wanders between 60 and 80 %RH, and one shelf (B12) has
 * a recurring compressor fault that takes it above 8 °C for a while, so the demo shows an alarm.
 * Deterministic: the same seed gives the same readings.
 */

export interface ShelfReading {
  temperatureC: number;
  humidityPct: number;
}

/** Produces each shelf's undisturbed reading (door and pinning are applied by the simulator). */
export interface Scenario {
  readonly name: string;
  /** Advances one step; `setpointsC[i]` is shelf i's current setpoint. */
  step(setpointsC: readonly number[]): ShelfReading[];
  /** The readings before the first step. */
  initial(setpointsC: readonly number[]): ShelfReading[];
}

/** mulberry32: a tiny seeded PRNG, good enough for sensor noise, returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shelf B12 (index 2) has the recurring compressor fault. */
export const faultShelfIndex = 2;
/**
 * The fault repeats every `faultCycleSteps` and lasts `faultSteps` from `faultStartStep` of each
 * cycle: 7 minutes of every 15 at the default 1 s step, longer than the cold-chain rule's
 * 5 minutes (rules/library), so the running demo shows put-away blocked at B12 and released.
 */
export const faultCycleSteps = 900;
export const faultStartStep = 60;
export const faultSteps = 420;
/** Where a shelf without cooling heads during the fault. */
export const faultTemperatureC = 11;

const approachRate = 0.15;
const sineAmplitudeC = 0.4;
const sinePeriodSteps = 900;
const noiseC = 0.05;
const humidityMeanPct = 70;
const humidityAmplitudePct = 6;
const humidityPeriodSteps = 600;
const humidityNoisePct = 0.5;

export function isFaultStep(step: number): boolean {
  const inCycle = step % faultCycleSteps;
  return inCycle >= faultStartStep && inCycle < faultStartStep + faultSteps;
}

export function createNormalScenario(opts: { shelves: number; seed?: number }): Scenario {
  const random = seededRandom(opts.seed ?? 1);
  const noise = (amplitude: number) => (random() * 2 - 1) * amplitude;
  let stepIndex = 0;
  let readings: ShelfReading[] | undefined;

  const initial = (setpointsC: readonly number[]) =>
    Array.from({ length: opts.shelves }, (_, i) => ({ temperatureC: setpointsC[i] ?? 4, humidityPct: humidityMeanPct }));

  return {
    name: 'normal',
    initial,
    step(setpointsC) {
      stepIndex += 1;
      const previous = readings ?? initial(setpointsC);
      readings = previous.map((reading, i) => {
        const phase = i * 0.7;
        const sine = sineAmplitudeC * Math.sin((2 * Math.PI * stepIndex) / sinePeriodSteps + phase);
        const faulty = i === faultShelfIndex && isFaultStep(stepIndex);
        const targetC = faulty ? faultTemperatureC : (setpointsC[i] ?? 4) + sine;
        const temperatureC = reading.temperatureC + (targetC - reading.temperatureC) * approachRate + noise(noiseC);
        const humiditySine = humidityAmplitudePct * Math.sin((2 * Math.PI * stepIndex) / humidityPeriodSteps + phase);
        const humidityPct = Math.min(80, Math.max(60, humidityMeanPct + humiditySine + noise(humidityNoisePct)));
        return { temperatureC, humidityPct };
      });
      return readings;
    },
  };
}
