/**
 * The forecasting LSTM's parameters and its forward pass, in plain TypeScript.
 *
 * One layer of LSTM cells reads a window of `inputSteps` days x `inputFeatures` features; a linear
 * head maps the last hidden state to `horizon` scaled daily values. The trainer (lstm-trainer.ts)
 * runs this same forward pass with a trace for backpropagation, and onnx-export.ts writes these
 * parameters into an ONNX `LSTM` node + `Gemm` head, so the forward pass here is the reference
 * the exported model is tested against.
 *
 * Gate order here is input, forget, cell candidate, output (`GATE_ORDER`); ONNX wants i, o, f, c,
 * which onnx-export.ts maps. Weights are float64 while training; the ONNX file holds float32.
 */
import { seededRandom } from './seeded-random.ts';

export interface LstmShape {
  /** Days in one input window (56 in production). */
  readonly inputSteps: number;
  /** Features per day (see forecast-windows.ts FEATURE_NAMES). */
  readonly inputFeatures: number;
  readonly hiddenSize: number;
  /** Days forecast from one window (14 in production). */
  readonly horizon: number;
}

/** Row blocks of `gateWeights` and `gateBias`, in this order. */
export const GATE_ORDER = ['input', 'forget', 'cell', 'output'] as const;
export type GateName = (typeof GATE_ORDER)[number];

export interface LstmParameters extends LstmShape {
  /**
   * [4 * hiddenSize, inputFeatures + hiddenSize], row-major: row block g (GATE_ORDER) holds gate
   * g's weights; the first `inputFeatures` columns act on the day's features, the rest on the
   * previous hidden state.
   */
  readonly gateWeights: Float64Array;
  /** [4 * hiddenSize], same row blocks. */
  readonly gateBias: Float64Array;
  /** [horizon, hiddenSize], row-major. */
  readonly headWeights: Float64Array;
  /** [horizon]. */
  readonly headBias: Float64Array;
}

/** What the forward pass keeps per step so the trainer can backpropagate through time. */
export interface SequenceTrace {
  /** [inputSteps, inputFeatures + hiddenSize]: each step's features then the previous hidden state. */
  readonly stepInputs: Float64Array;
  /** [inputSteps, 4 * hiddenSize]: activated gates (sigmoid i, f, o; tanh cell candidate). */
  readonly gates: Float64Array;
  /** [inputSteps + 1, hiddenSize]: cell state before step 0 (zeros) and after every step. */
  readonly cells: Float64Array;
  /** [hiddenSize]: the last hidden state, the head's input. */
  readonly lastHidden: Float64Array;
}

export function checkLstmShape(shape: LstmShape): void {
  const problems = Object.entries({ inputSteps: shape.inputSteps, inputFeatures: shape.inputFeatures, hiddenSize: shape.hiddenSize, horizon: shape.horizon })
    .filter(([, value]) => !Number.isInteger(value) || value < 1)
    .map(([name, value]) => `${name}: expected a whole number of at least 1, found ${String(value)}`);
  if (problems.length > 0) throw new RangeError(`Invalid LSTM shape: ${problems.join('; ')}`);
}

/**
 * Seeded initial parameters: uniform in +-1/sqrt(hiddenSize) (the usual LSTM scale), forget gate
 * bias 1 so the cell remembers by default early in training.
 */
export function createLstmParameters(shape: LstmShape, seed: number): LstmParameters {
  checkLstmShape(shape);
  const random = seededRandom(seed);
  const { inputFeatures, hiddenSize, horizon } = shape;
  const limit = 1 / Math.sqrt(hiddenSize);
  const fill = (length: number, bound: number) => Float64Array.from({ length }, () => random.uniform(-bound, bound));
  const gateBias = new Float64Array(4 * hiddenSize);
  gateBias.fill(1, gateBlock('forget') * hiddenSize, (gateBlock('forget') + 1) * hiddenSize);
  return {
    inputSteps: shape.inputSteps,
    inputFeatures,
    hiddenSize,
    horizon,
    gateWeights: fill(4 * hiddenSize * (inputFeatures + hiddenSize), limit),
    gateBias,
    headWeights: fill(horizon * hiddenSize, limit),
    headBias: new Float64Array(horizon),
  };
}

/** Index of a gate's row block in `gateWeights` / `gateBias`. */
export function gateBlock(gate: GateName): number {
  return GATE_ORDER.indexOf(gate);
}

/** Every parameter array, in a fixed order (the optimiser walks them in step with its moments). */
export function parameterArrays(parameters: LstmParameters): Float64Array[] {
  return [parameters.gateWeights, parameters.gateBias, parameters.headWeights, parameters.headBias];
}

export function copyParameters(parameters: LstmParameters): LstmParameters {
  return {
    ...parameters,
    gateWeights: parameters.gateWeights.slice(),
    gateBias: parameters.gateBias.slice(),
    headWeights: parameters.headWeights.slice(),
    headBias: parameters.headBias.slice(),
  };
}

export function createSequenceTrace(shape: LstmShape): SequenceTrace {
  const { inputSteps, inputFeatures, hiddenSize } = shape;
  return {
    stepInputs: new Float64Array(inputSteps * (inputFeatures + hiddenSize)),
    gates: new Float64Array(inputSteps * 4 * hiddenSize),
    cells: new Float64Array((inputSteps + 1) * hiddenSize),
    lastHidden: new Float64Array(hiddenSize),
  };
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Runs one window (`inputs[offset ..]`, [inputSteps, inputFeatures] row-major) and writes its
 * `horizon` outputs to `output[outputOffset ..]`. `trace` is filled for backpropagation.
 */
export function forwardSequence(
  parameters: LstmParameters,
  inputs: ArrayLike<number>,
  offset: number,
  trace: SequenceTrace,
  output: Float64Array,
  outputOffset: number,
): void {
  const { inputSteps, inputFeatures, hiddenSize, horizon, gateWeights, gateBias, headWeights, headBias } = parameters;
  const width = inputFeatures + hiddenSize;
  const { stepInputs, gates, cells, lastHidden } = trace;
  const forgetRow = hiddenSize;
  const cellRow = 2 * hiddenSize;
  const outputRow = 3 * hiddenSize;
  cells.fill(0, 0, hiddenSize);
  lastHidden.fill(0);
  for (let step = 0; step < inputSteps; step++) {
    const z = step * width;
    for (let k = 0; k < inputFeatures; k++) stepInputs[z + k] = inputs[offset + step * inputFeatures + k]!;
    stepInputs.set(lastHidden, z + inputFeatures);
    const g = step * 4 * hiddenSize;
    for (let row = 0; row < 4 * hiddenSize; row++) {
      let sum = gateBias[row]!;
      const w = row * width;
      for (let k = 0; k < width; k++) sum += gateWeights[w + k]! * stepInputs[z + k]!;
      gates[g + row] = row >= cellRow && row < outputRow ? Math.tanh(sum) : sigmoid(sum);
    }
    const previous = step * hiddenSize;
    const next = previous + hiddenSize;
    for (let unit = 0; unit < hiddenSize; unit++) {
      const cell = gates[g + forgetRow + unit]! * cells[previous + unit]! + gates[g + unit]! * gates[g + cellRow + unit]!;
      cells[next + unit] = cell;
      lastHidden[unit] = gates[g + outputRow + unit]! * Math.tanh(cell);
    }
  }
  for (let out = 0; out < horizon; out++) {
    let sum = headBias[out]!;
    for (let unit = 0; unit < hiddenSize; unit++) sum += headWeights[out * hiddenSize + unit]! * lastHidden[unit]!;
    output[outputOffset + out] = sum;
  }
}

/**
 * The reference forward pass over a batch: `inputs` is [count, inputSteps, inputFeatures]
 * row-major; the result is [count, horizon].
 */
export function forecastWindows(parameters: LstmParameters, inputs: ArrayLike<number>, count: number): Float64Array {
  const windowLength = parameters.inputSteps * parameters.inputFeatures;
  if (inputs.length !== count * windowLength) {
    throw new RangeError(`inputs: expected ${count} windows x ${parameters.inputSteps} days x ${parameters.inputFeatures} features = ${count * windowLength} numbers, found ${inputs.length}`);
  }
  const trace = createSequenceTrace(parameters);
  const output = new Float64Array(count * parameters.horizon);
  for (let window = 0; window < count; window++) forwardSequence(parameters, inputs, window * windowLength, trace, output, window * parameters.horizon);
  return output;
}
