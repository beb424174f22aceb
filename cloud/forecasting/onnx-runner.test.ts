import { describe, expect, it } from 'vitest';
import { FEATURE_COUNT } from './forecast-windows.ts';
import { createLstmParameters } from './lstm-model.ts';
import { exportLstmToOnnx } from './onnx-export.ts';
import { ForecastModelError, loadOnnxForecaster } from './onnx-runner.ts';

const production = { inputDays: 56, features: FEATURE_COUNT, horizonDays: 14 };
const modelFor = (inputSteps: number, horizon: number) => exportLstmToOnnx(createLstmParameters({ inputSteps, inputFeatures: FEATURE_COUNT, hiddenSize: 4, horizon }, 3));

describe('ONNX forecaster', () => {
  it('runs batches of any size on a model of the expected shape', async () => {
    const runner = await loadOnnxForecaster(modelFor(56, 14), production, { intraOpThreads: 1 });
    try {
      for (const count of [1, 7, 250]) {
        const output = await runner.run(new Float32Array(count * 56 * FEATURE_COUNT).fill(0.5), count);
        expect(output.length).toBe(count * 14);
        expect(output.every(Number.isFinite)).toBe(true);
      }
    } finally {
      await runner.close();
    }
  });

  it('refuses a model with a wrong input shape, saying what was expected and found', async () => {
    const refusal = loadOnnxForecaster(modelFor(28, 14), production);
    await expect(refusal).rejects.toBeInstanceOf(ForecastModelError);
    await expect(refusal).rejects.toMatchObject({ code: 'model-shape' });
    await expect(refusal).rejects.toThrow('input "window": expected shape [batch, 56, 8], found [batch, 28, 8]; export it again for these window settings');
  });

  it('refuses a model with a wrong horizon', async () => {
    await expect(loadOnnxForecaster(modelFor(56, 7), production)).rejects.toThrow('output "forecast": expected shape [batch, 14], found [batch, 7]');
  });

  it('refuses bytes that are not an ONNX model', async () => {
    const refusal = loadOnnxForecaster(new TextEncoder().encode('not a model at all'), production);
    await expect(refusal).rejects.toMatchObject({ code: 'model-unreadable', message: expect.stringMatching(/^Cannot load the forecasting model: onnxruntime refused it/) });
  });

  it('refuses inputs that do not hold count x 56 x 8 numbers, before running', async () => {
    const runner = await loadOnnxForecaster(modelFor(56, 14), production);
    try {
      await expect(runner.run(new Float32Array(56 * FEATURE_COUNT * 2 - 1), 2)).rejects.toMatchObject({
        code: 'input-shape',
        message: 'inputs: expected 2 windows x 56 days x 8 features = 896 numbers, found 895',
      });
    } finally {
      await runner.close();
    }
  });
});
