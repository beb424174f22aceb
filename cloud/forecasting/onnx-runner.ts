/**
 * A narrow port over onnxruntime-node's InferenceSession: load a forecasting model from its ONNX
 * bytes, check it has the shape the caller will feed, and run batches of windows.
 *
 * The shape check happens at load, so a model trained for other window lengths or features is
 * refused with the mismatch spelled out, not discovered as a runtime error (or worse, as a
 * plausible-looking forecast) on the first batch.
 */
import ort from 'onnxruntime-node';
import { ONNX_INPUT_NAME, ONNX_OUTPUT_NAME } from './onnx-export.ts';

/** What the forecasting engine needs from a model runtime. */
export interface ForecastModelPort {
  readonly inputDays: number;
  readonly features: number;
  readonly horizonDays: number;
  /** `inputs` is [count, inputDays, features] row-major; the result is [count, horizonDays]. */
  run(inputs: Float32Array, count: number): Promise<Float32Array>;
  close(): Promise<void>;
}

export interface ExpectedModelShape {
  readonly inputDays: number;
  readonly features: number;
  readonly horizonDays: number;
}

export type ForecastModelErrorCode = 'model-unreadable' | 'model-shape' | 'input-shape';

export class ForecastModelError extends Error {
  override readonly name = 'ForecastModelError';
  constructor(
    readonly code: ForecastModelErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface RunnerOptions {
  /** Threads for one run; onnxruntime's default (all cores) when absent. */
  readonly intraOpThreads?: number;
}

/** Loads `modelBytes` (a `.onnx` file's contents) and checks its input and output shapes. */
export async function loadOnnxForecaster(modelBytes: Uint8Array, expected: ExpectedModelShape, options: RunnerOptions = {}): Promise<ForecastModelPort> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelBytes, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      ...(options.intraOpThreads === undefined ? {} : { intraOpNumThreads: options.intraOpThreads }),
    });
  } catch (error) {
    throw new ForecastModelError('model-unreadable', `Cannot load the forecasting model: onnxruntime refused it (${(error as Error).message})`);
  }
  const problems = [
    ...checkValue('input', session.inputMetadata, ONNX_INPUT_NAME, ['batch', expected.inputDays, expected.features]),
    ...checkValue('output', session.outputMetadata, ONNX_OUTPUT_NAME, ['batch', expected.horizonDays]),
  ];
  if (problems.length > 0) {
    await session.release();
    throw new ForecastModelError('model-shape', `The forecasting model does not fit: ${problems.join('; ')}; export it again for these window settings`);
  }
  return new OnnxForecaster(session, expected);
}

class OnnxForecaster implements ForecastModelPort {
  readonly inputDays: number;
  readonly features: number;
  readonly horizonDays: number;

  constructor(
    private readonly session: ort.InferenceSession,
    shape: ExpectedModelShape,
  ) {
    this.inputDays = shape.inputDays;
    this.features = shape.features;
    this.horizonDays = shape.horizonDays;
  }

  async run(inputs: Float32Array, count: number): Promise<Float32Array> {
    const windowLength = this.inputDays * this.features;
    if (!Number.isInteger(count) || count < 1 || inputs.length !== count * windowLength) {
      throw new ForecastModelError(
        'input-shape',
        `inputs: expected ${String(count)} windows x ${this.inputDays} days x ${this.features} features = ${count * windowLength} numbers, found ${inputs.length}`,
      );
    }
    const feeds = { [ONNX_INPUT_NAME]: new ort.Tensor('float32', inputs, [count, this.inputDays, this.features]) };
    const results = await this.session.run(feeds);
    return results[ONNX_OUTPUT_NAME]!.data as Float32Array;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/** Problems with one declared input or output: its name, element type and shape ('batch' = any size). */
function checkValue(kind: 'input' | 'output', metadata: readonly ort.InferenceSession.ValueMetadata[], name: string, shape: Array<number | 'batch'>): string[] {
  const expectedText = `[${shape.join(', ')}]`;
  if (metadata.length !== 1 || metadata[0]!.name !== name) {
    return [`${kind}s: expected one named "${name}", found ${metadata.map((value) => `"${value.name}"`).join(', ') || 'none'}`];
  }
  const value = metadata[0]!;
  if (!value.isTensor || value.type !== 'float32') return [`${kind} "${name}": expected a float32 tensor, found ${value.isTensor ? value.type : 'a non-tensor'}`];
  const found = value.shape;
  const fits = found.length === shape.length && shape.every((dim, index) => (dim === 'batch' ? typeof found[index] === 'string' || found[index] === -1 : found[index] === dim));
  return fits ? [] : [`${kind} "${name}": expected shape ${expectedText}, found [${found.join(', ')}]`];
}
