import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { CALENDAR_FEATURE_COUNT, CALENDAR_FEATURE_NAMES, FEATURE_COUNT, FEATURE_NAMES, splitHoldout } from './forecast-windows.ts';
import { createLstmParameters, forecastWindows, gateBlock, type LstmParameters } from './lstm-model.ts';
import { trainLstm } from './lstm-trainer.ts';
import { exportLstmToOnnx, METADATA_KEYS, ONNX_GATE_ORDER, ONNX_IR_VERSION, ONNX_OPSET, onnxLstmTensors } from './onnx-export.ts';
import { loadOnnxForecaster } from './onnx-runner.ts';
import { seededRandom } from './seeded-random.ts';
import { syntheticWeeklySales } from './testing/synthetic-series.ts';

const { onnx } = onnxProto;
const TOLERANCE = 1e-4;
const directory = mkdtempSync(join(tmpdir(), 'edgestock-onnx-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** The first day on or after `from` that falls on `isoWeekday`. */
function firstDateOnWeekday(from: string, isoWeekday: number): string {
  const fromMs = Date.parse(`${from}T00:00:00Z`);
  const sundayZero = new Date(fromMs).getUTCDay();
  const offset = (isoWeekday - (sundayZero === 0 ? 7 : sundayZero) + 7) % 7;
  return new Date(fromMs + offset * 86_400_000).toISOString().slice(0, 10);
}

/** Largest absolute difference between onnxruntime's outputs and our forward pass on `inputs`. */
async function largestDifference(parameters: LstmParameters, inputs: Float32Array, count: number): Promise<number> {
  const runner = await loadOnnxForecaster(exportLstmToOnnx(parameters), { inputDays: parameters.inputSteps, features: parameters.inputFeatures, horizonDays: parameters.horizon });
  try {
    const fromOnnx = await runner.run(inputs, count);
    const reference = forecastWindows(parameters, inputs, count);
    expect(fromOnnx.length).toBe(reference.length);
    let largest = 0;
    for (let i = 0; i < reference.length; i++) largest = Math.max(largest, Math.abs(fromOnnx[i]! - reference[i]!));
    return largest;
  } finally {
    await runner.close();
  }
}

describe('ONNX export', () => {
  it('matches the forward pass within 1e-4 on random weights and 1,000 random windows', { timeout: 60_000 }, async () => {
    const parameters = createLstmParameters({ inputSteps: 56, inputFeatures: FEATURE_COUNT, hiddenSize: 16, horizon: 14 }, 21);
    const random = seededRandom(22);
    for (const values of [parameters.gateBias, parameters.headBias]) for (let i = 0; i < values.length; i++) values[i] = random.uniform(-1, 1);
    const inputs = Float32Array.from({ length: 1000 * 56 * FEATURE_COUNT }, () => random.uniform(-3, 3));
    expect(await largestDifference(parameters, inputs, 1000)).toBeLessThan(TOLERANCE);
  });

  it('matches the forward pass within 1e-4 on a trained model over all its validation windows', { timeout: 60_000 }, async () => {
    const sales = syntheticWeeklySales({ skus: 8, days: 200, seed: 31, noise: 0.1 });
    const split = splitHoldout(sales.series, { inputDays: 56, horizonDays: 14, strideDays: 4, holdoutDays: 60 });
    const { parameters } = await trainLstm(split.training, split.validation, { hiddenSize: 8, seed: 2, maxEpochs: 3 });
    expect(split.validation.count).toBeGreaterThan(300);
    expect(await largestDifference(parameters, split.validation.inputs, split.validation.count)).toBeLessThan(TOLERANCE);
  });

  it('matches the forward pass within 1e-4 on a model trained with calendar features (China holidays, a promotion), over all its validation windows', { timeout: 60_000 }, async () => {
    const sales = syntheticWeeklySales({ skus: 8, days: 200, seed: 31, noise: 0.1 });
    // Dated so the windows hold the Spring Festival 2025 and its days off.
    const dated = sales.series.map((one) => ({ ...one, firstDate: firstDateOnWeekday('2024-09-02', one.firstIsoWeekday) }));
    const calendar = { holidays: 'china' as const, ranges: [{ name: 'sale', kind: 'promotion' as const, from: '2025-02-20', to: '2025-02-25' }] };
    const split = splitHoldout(dated, { inputDays: 56, horizonDays: 14, strideDays: 4, holdoutDays: 60, calendar });
    expect(split.validation.features).toBe(CALENDAR_FEATURE_COUNT);
    expect(split.validation.inputs.some((value, i) => i % CALENDAR_FEATURE_COUNT >= FEATURE_COUNT && value === 1)).toBe(true);
    const { parameters } = await trainLstm(split.training, split.validation, { hiddenSize: 8, seed: 2, maxEpochs: 3 });
    expect(parameters.inputFeatures).toBe(CALENDAR_FEATURE_COUNT);
    expect(await largestDifference(parameters, split.validation.inputs, split.validation.count)).toBeLessThan(TOLERANCE);
    const model = onnx.ModelProto.decode(exportLstmToOnnx(parameters));
    const metadata = Object.fromEntries(model.metadataProps.map((entry) => [entry.key, entry.value]));
    expect(metadata[METADATA_KEYS.features]).toBe([...FEATURE_NAMES, ...CALENDAR_FEATURE_NAMES].join(','));
  });

  it('writes a valid ONNX file onnxruntime loads from disk, opset 17, with its shapes and metadata', async () => {
    const parameters = createLstmParameters({ inputSteps: 56, inputFeatures: FEATURE_COUNT, hiddenSize: 4, horizon: 14 }, 1);
    const file = join(directory, 'demand.onnx');
    writeFileSync(file, exportLstmToOnnx(parameters, { description: 'test model' }));

    const model = onnx.ModelProto.decode(readFileSync(file));
    expect(ONNX_OPSET).toBe(17);
    expect(model.opsetImport.map((set) => [set.domain, Number(set.version)])).toEqual([['', ONNX_OPSET]]);
    expect(Number(model.irVersion)).toBe(ONNX_IR_VERSION);
    expect(model.docString).toBe('test model');
    expect(model.graph?.node?.map((node) => node.opType)).toEqual(['Transpose', 'LSTM', 'Squeeze', 'Gemm']);
    const metadata = Object.fromEntries(model.metadataProps.map((entry) => [entry.key, entry.value]));
    expect(metadata[METADATA_KEYS.features]).toBe(FEATURE_NAMES.join(','));
    expect(metadata[METADATA_KEYS.inputDays]).toBe('56');
    expect(metadata[METADATA_KEYS.horizonDays]).toBe('14');

    const session = await ort.InferenceSession.create(file); // from the path, as a deployment would
    try {
      expect(session.inputMetadata).toMatchObject([{ name: 'window', isTensor: true, type: 'float32', shape: ['batch', 56, FEATURE_COUNT] }]);
      expect(session.outputMetadata).toMatchObject([{ name: 'forecast', isTensor: true, type: 'float32', shape: ['batch', 14] }]);
      const result = await session.run({ window: new ort.Tensor('float32', new Float32Array(3 * 56 * FEATURE_COUNT), [3, 56, FEATURE_COUNT]) });
      expect(result['forecast']?.dims).toEqual([3, 14]);
    } finally {
      await session.release();
    }
  });

  it('re-stacks our gate order (i, f, c, o) into the ONNX order (i, o, f, c)', () => {
    const hiddenSize = 3;
    const parameters = createLstmParameters({ inputSteps: 2, inputFeatures: FEATURE_COUNT, hiddenSize, horizon: 1 }, 1);
    const marks = { input: 10, forget: 20, cell: 30, output: 40 } as const;
    for (const [gate, mark] of Object.entries(marks)) parameters.gateBias.fill(mark, gateBlock(gate as keyof typeof marks) * hiddenSize, (gateBlock(gate as keyof typeof marks) + 1) * hiddenSize);
    const { bias } = onnxLstmTensors(parameters);
    expect(ONNX_GATE_ORDER).toEqual(['input', 'output', 'forget', 'cell']);
    expect(Array.from(bias)).toEqual([10, 10, 10, 40, 40, 40, 20, 20, 20, 30, 30, 30, ...new Array(4 * hiddenSize).fill(0)]);
  });

  it('refuses parameters whose features match neither feature set', () => {
    const parameters = createLstmParameters({ inputSteps: 56, inputFeatures: 3, hiddenSize: 4, horizon: 14 }, 1);
    expect(() => exportLstmToOnnx(parameters)).toThrow(`parameters.inputFeatures: expected ${FEATURE_COUNT} (weekday features) or ${CALENDAR_FEATURE_COUNT} (with calendar features), found 3`);
  });
});
