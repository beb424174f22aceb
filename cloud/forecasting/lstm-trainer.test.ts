import { describe, expect, it } from 'vitest';
import { buildWindows, splitHoldout } from './forecast-windows.ts';
import { compareWithSeasonalNaive } from './holdout-comparison.ts';
import { createLstmParameters, forecastWindows, parameterArrays, type LstmParameters } from './lstm-model.ts';
import { trainLstm, windowGradients } from './lstm-trainer.ts';
import { syntheticWeeklySales } from './testing/synthetic-series.ts';

/** Training is CPU-bound: a few seconds alone, more on a machine busy with other tests. */
const TRAINING_TIMEOUT_MS = 60_000;

describe('LSTM trainer', () => {
  it('computes the same gradients as finite differences (backpropagation through time is right)', () => {
    const { series } = syntheticWeeklySales({ skus: 1, days: 40, seed: 3, noise: 0.1 });
    const windows = buildWindows(series, [100], { inputDays: 12, horizonDays: 3, strideDays: 5 });
    const parameters = createLstmParameters({ inputSteps: 12, inputFeatures: 8, hiddenSize: 5, horizon: 3 }, 11);
    const { gradients } = windowGradients(parameters, windows, 1);
    const step = 1e-6;
    const arrays = parameterArrays(parameters);
    const gradientArrays = parameterArrays(gradients);
    let checked = 0;
    arrays.forEach((values, a) => {
      for (let i = 0; i < values.length; i++) {
        const original = values[i]!;
        values[i] = original + step;
        const up = windowGradients(parameters, windows, 1).loss;
        values[i] = original - step;
        const down = windowGradients(parameters, windows, 1).loss;
        values[i] = original;
        const numeric = (up - down) / (2 * step);
        expect(Math.abs(numeric - gradientArrays[a]![i]!)).toBeLessThan(1e-6 + 1e-4 * Math.abs(numeric));
        checked++;
      }
    });
    expect(checked).toBe(4 * 5 * (8 + 5) + 4 * 5 + 3 * 5 + 3); // every gate, input, recurrence and head parameter
  });

  it('learns weekly seasonality across SKUs well below the seasonal-naive error', { timeout: TRAINING_TIMEOUT_MS }, async () => {
    // 12 SKUs from 5 to 500 a day, each with its own weekly shape and 10% noise. Seasonal naive
    // carries last week's noise into its forecast; the best forecast there is (the noise-free
    // expectation) does not. The model must close at least half of that gap on the holdout.
    const sales = syntheticWeeklySales({ skus: 12, days: 300, seed: 5, noise: 0.1 });
    const holdoutDays = 42;
    const split = splitHoldout(sales.series, { inputDays: 28, horizonDays: 14, strideDays: 2, holdoutDays, validationStrideDays: 7 });
    const result = await trainLstm(split.training, split.validation, { hiddenSize: 12, seed: 9, maxEpochs: 12, patienceEpochs: 3, learningRate: 0.01 });

    const forecasts = forecastWindows(result.parameters, split.validation.inputs, split.validation.count);
    const comparison = compareWithSeasonalNaive(split.validation, forecasts, split.scales);
    const oracle = Float64Array.from({ length: forecasts.length }, (_, i) => {
      const window = Math.floor(i / 14);
      const index = split.validation.seriesIndex[window]!;
      return sales.expected(index, split.validation.targetStart[window]! + (i % 14)) / split.scales[index]!;
    });
    const best = compareWithSeasonalNaive(split.validation, oracle, split.scales);

    expect(best.modelWape).toBeLessThan(best.seasonalNaiveWape); // the gap exists
    const halfway = (best.modelWape + comparison.seasonalNaiveWape) / 2;
    expect(comparison.modelWape).toBeLessThan(halfway);
    expect(result.bestValidationLoss).toBeLessThan(result.epochs[0]!.validationLoss);
    expect(result.epochs.length).toBeLessThanOrEqual(12);
  });

  it('returns the best epoch, stops when validation stops improving, and repeats with the same seed', { timeout: TRAINING_TIMEOUT_MS }, async () => {
    const sales = syntheticWeeklySales({ skus: 3, days: 160, seed: 8, noise: 0.3 });
    const split = splitHoldout(sales.series, { inputDays: 14, horizonDays: 7, strideDays: 3, holdoutDays: 21 });
    const run = () => trainLstm(split.training, split.validation, { hiddenSize: 6, seed: 4, maxEpochs: 12, patienceEpochs: 2, learningRate: 0.05 });
    const [first, second] = [await run(), await run()];
    const lowest = Math.min(...first.epochs.map((epoch) => epoch.validationLoss));
    expect(first.bestValidationLoss).toBe(lowest);
    expect(first.epochs[first.bestEpoch - 1]!.validationLoss).toBe(lowest);
    if (first.stoppedEarly) expect(first.epochs.length - first.bestEpoch).toBe(2);
    expect(sameParameters(first.parameters, second.parameters)).toBe(true);
    expect(second.epochs.map((epoch) => epoch.validationLoss)).toEqual(first.epochs.map((epoch) => epoch.validationLoss));
  });

  it('rejects bad settings naming each one, before training', async () => {
    const sales = syntheticWeeklySales({ skus: 1, days: 60, seed: 1, noise: 0.1 });
    const split = splitHoldout(sales.series, { inputDays: 14, horizonDays: 7, strideDays: 1, holdoutDays: 7 });
    await expect(trainLstm(split.training, split.validation, { hiddenSize: 0, seed: 1, learningRate: -1, windowsPerEpoch: 10_000 })).rejects.toThrow(
      /hiddenSize: expected a whole number of at least 1, found 0.*learningRate: expected a number above 0, found -1.*windowsPerEpoch: expected at most the \d+ training windows, found 10000/,
    );
  });

  it('stops when its signal aborts', { timeout: TRAINING_TIMEOUT_MS }, async () => {
    const sales = syntheticWeeklySales({ skus: 1, days: 80, seed: 1, noise: 0.1 });
    const split = splitHoldout(sales.series, { inputDays: 14, horizonDays: 7, strideDays: 1, holdoutDays: 14 });
    const controller = new AbortController();
    const training = trainLstm(split.training, split.validation, { hiddenSize: 4, seed: 1, maxEpochs: 50, patienceEpochs: 50, signal: controller.signal, onEpoch: () => controller.abort(new Error('planner cancelled')) });
    await expect(training).rejects.toThrow('planner cancelled');
  });
});

function sameParameters(a: LstmParameters, b: LstmParameters): boolean {
  const left = parameterArrays(a);
  const right = parameterArrays(b);
  return left.every((values, index) => values.every((value, i) => value === right[index]![i]));
}
