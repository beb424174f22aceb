/**
 * Trains the forecasting LSTM (lstm-model.ts) in plain TypeScript: backpropagation through time
 * over each window, Adam on mini-batches with the gradient's global norm clipped, seeded
 * initialisation and shuffling, and early stopping on the validation windows (the best epoch's
 * parameters are returned, not the last).
 *
 * Loss is the mean squared error on scaled values (forecast-windows.ts divides each series by its
 * own scale, so no SKU dominates by volume). Training is CPU-bound; between epochs it yields to
 * the event loop so progress can be shown and `signal` can stop it.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Clock } from '../../connectors/clock.ts';
import { systemClock } from '../../connectors/clock.ts';
import type { ForecastWindows } from './forecast-windows.ts';
import {
  copyParameters,
  createLstmParameters,
  createSequenceTrace,
  forwardSequence,
  parameterArrays,
  type LstmParameters,
  type SequenceTrace,
} from './lstm-model.ts';
import { seededRandom } from './seeded-random.ts';

export interface TrainingOptions {
  readonly hiddenSize: number;
  readonly seed: number;
  /** Adam step size. */
  readonly learningRate?: number;
  readonly batchSize?: number;
  readonly maxEpochs?: number;
  /** Stop after this many epochs without a better validation loss. */
  readonly patienceEpochs?: number;
  /** Training windows drawn (without replacement) per epoch; all of them when absent. */
  readonly windowsPerEpoch?: number;
  /** The step size is multiplied by this after every epoch that did not improve the validation loss. */
  readonly learningRateDecay?: number;
  /** The gradient's global L2 norm is scaled down to at most this. */
  readonly maxGradientNorm?: number;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  readonly onEpoch?: (report: EpochReport) => void;
}

export interface EpochReport {
  readonly epoch: number;
  /** Mean squared error on scaled values over the windows trained on this epoch. */
  readonly trainingLoss: number;
  readonly validationLoss: number;
  readonly elapsedMs: number;
}

export interface TrainingResult {
  /** The parameters of the epoch with the lowest validation loss. */
  readonly parameters: LstmParameters;
  readonly epochs: readonly EpochReport[];
  /** 1-based; 0 when no epoch beat the initial parameters (which are then returned). */
  readonly bestEpoch: number;
  readonly bestValidationLoss: number;
  readonly stoppedEarly: boolean;
  readonly trainingMs: number;
}

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;

export async function trainLstm(training: ForecastWindows, validation: ForecastWindows, options: TrainingOptions): Promise<TrainingResult> {
  const settings = {
    learningRate: options.learningRate ?? 0.005,
    batchSize: options.batchSize ?? 32,
    maxEpochs: options.maxEpochs ?? 40,
    patienceEpochs: options.patienceEpochs ?? 4,
    windowsPerEpoch: options.windowsPerEpoch ?? training.count,
    maxGradientNorm: options.maxGradientNorm ?? 1,
    learningRateDecay: options.learningRateDecay ?? 0.5,
  };
  checkTrainingInput(training, validation, { ...settings, hiddenSize: options.hiddenSize });
  let learningRate = settings.learningRate;
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now();
  const shape = { inputSteps: training.inputDays, inputFeatures: training.features, hiddenSize: options.hiddenSize, horizon: training.horizonDays };
  const parameters = createLstmParameters(shape, options.seed);
  // Start the head at the mean target (about 1 on mean-scaled data) instead of 0, so the first
  // epoch learns the weekly shape rather than the level.
  parameters.headBias.fill(mean(training.targets));
  const random = seededRandom(options.seed ^ 0x5eed);
  const gradients = zeroedLike(parameters);
  const adam = { step: 0, first: zeroedLike(parameters), second: zeroedLike(parameters) };
  const trace = createSequenceTrace(shape);
  const scratch = createBackwardScratch(parameters);
  const output = new Float64Array(shape.horizon);
  const order = Int32Array.from({ length: training.count }, (_, i) => i);

  let best = { epoch: 0, loss: meanSquaredError(parameters, validation), parameters: copyParameters(parameters) };
  const epochs: EpochReport[] = [];
  let stoppedEarly = false;
  for (let epoch = 1; epoch <= settings.maxEpochs; epoch++) {
    options.signal?.throwIfAborted();
    random.shuffle(order);
    let lossSum = 0;
    for (let batchStart = 0; batchStart < settings.windowsPerEpoch; batchStart += settings.batchSize) {
      const batchEnd = Math.min(batchStart + settings.batchSize, settings.windowsPerEpoch);
      for (const array of parameterArrays(gradients)) array.fill(0);
      for (let position = batchStart; position < batchEnd; position++) {
        const window = order[position]!;
        forwardSequence(parameters, training.inputs, window * shape.inputSteps * shape.inputFeatures, trace, output, 0);
        for (let day = 0; day < shape.horizon; day++) {
          const error = output[day]! - training.targets[window * shape.horizon + day]!;
          lossSum += error * error;
          scratch.outputGradient[day] = (2 * error) / (shape.horizon * (batchEnd - batchStart));
        }
        backwardSequence(parameters, trace, scratch, gradients);
      }
      clipGlobalNorm(gradients, settings.maxGradientNorm);
      adamStep(parameters, gradients, adam, learningRate);
    }
    const validationLoss = meanSquaredError(parameters, validation);
    const report = { epoch, trainingLoss: lossSum / (settings.windowsPerEpoch * shape.horizon), validationLoss, elapsedMs: clock.now() - startedAt };
    epochs.push(report);
    options.onEpoch?.(report);
    if (validationLoss < best.loss) best = { epoch, loss: validationLoss, parameters: copyParameters(parameters) };
    else if (epoch - best.epoch >= settings.patienceEpochs) {
      stoppedEarly = true;
      break;
    } else learningRate *= settings.learningRateDecay; // no better: take smaller steps
    await yieldToEventLoop();
  }
  return { parameters: best.parameters, epochs, bestEpoch: best.epoch, bestValidationLoss: best.loss, stoppedEarly, trainingMs: clock.now() - startedAt };
}

/** Mean squared error of the model on scaled targets, over every window and day. */
export function meanSquaredError(parameters: LstmParameters, windows: ForecastWindows): number {
  checkWindowsFit(parameters, windows);
  const trace = createSequenceTrace(parameters);
  const output = new Float64Array(parameters.horizon);
  let sum = 0;
  for (let window = 0; window < windows.count; window++) {
    forwardSequence(parameters, windows.inputs, window * parameters.inputSteps * parameters.inputFeatures, trace, output, 0);
    for (let day = 0; day < parameters.horizon; day++) {
      const error = output[day]! - windows.targets[window * parameters.horizon + day]!;
      sum += error * error;
    }
  }
  return sum / (windows.count * parameters.horizon);
}

/**
 * Loss (squared error summed over the horizon, divided by it) of one window and its gradient with
 * respect to every parameter: what one training step adds up, exposed for a gradient check.
 */
export function windowGradients(parameters: LstmParameters, windows: ForecastWindows, window: number): { loss: number; gradients: LstmParameters } {
  checkWindowsFit(parameters, windows);
  const trace = createSequenceTrace(parameters);
  const scratch = createBackwardScratch(parameters);
  const output = new Float64Array(parameters.horizon);
  const gradients = zeroedLike(parameters);
  forwardSequence(parameters, windows.inputs, window * parameters.inputSteps * parameters.inputFeatures, trace, output, 0);
  let loss = 0;
  for (let day = 0; day < parameters.horizon; day++) {
    const error = output[day]! - windows.targets[window * parameters.horizon + day]!;
    loss += (error * error) / parameters.horizon;
    scratch.outputGradient[day] = (2 * error) / parameters.horizon;
  }
  backwardSequence(parameters, trace, scratch, gradients);
  return { loss, gradients };
}

function checkWindowsFit(parameters: LstmParameters, windows: ForecastWindows): void {
  if (windows.inputDays !== parameters.inputSteps || windows.features !== parameters.inputFeatures || windows.horizonDays !== parameters.horizon) {
    throw new RangeError(`windows: expected ${parameters.inputSteps} days x ${parameters.inputFeatures} features -> ${parameters.horizon} days like the model, found ${windows.inputDays} x ${windows.features} -> ${windows.horizonDays}; build them with the model's calendar setting`);
  }
}

interface BackwardScratch {
  /** dLoss/dOutput for the window just run, set by the caller. */
  readonly outputGradient: Float64Array;
  readonly hiddenGradient: Float64Array;
  readonly cellGradient: Float64Array;
  readonly gateGradient: Float64Array;
}

function createBackwardScratch(shape: LstmParameters): BackwardScratch {
  return {
    outputGradient: new Float64Array(shape.horizon),
    hiddenGradient: new Float64Array(shape.hiddenSize),
    cellGradient: new Float64Array(shape.hiddenSize),
    gateGradient: new Float64Array(4 * shape.hiddenSize),
  };
}

/** Adds this window's gradients (from `scratch.outputGradient` and the forward `trace`) to `into`. */
function backwardSequence(parameters: LstmParameters, trace: SequenceTrace, scratch: BackwardScratch, into: LstmParameters): void {
  const { inputSteps, inputFeatures, hiddenSize, horizon, gateWeights, headWeights } = parameters;
  const width = inputFeatures + hiddenSize;
  const { outputGradient, hiddenGradient: dHidden, cellGradient: dCell, gateGradient: dGate } = scratch;
  const { stepInputs, gates, cells, lastHidden } = trace;
  const gradGateWeights = into.gateWeights;
  const gradGateBias = into.gateBias;

  dHidden.fill(0);
  dCell.fill(0);
  for (let out = 0; out < horizon; out++) {
    const g = outputGradient[out]!;
    into.headBias[out]! += g;
    for (let unit = 0; unit < hiddenSize; unit++) {
      into.headWeights[out * hiddenSize + unit]! += g * lastHidden[unit]!;
      dHidden[unit]! += g * headWeights[out * hiddenSize + unit]!;
    }
  }
  for (let step = inputSteps - 1; step >= 0; step--) {
    const g = step * 4 * hiddenSize;
    const previous = step * hiddenSize;
    const next = previous + hiddenSize;
    for (let unit = 0; unit < hiddenSize; unit++) {
      const inputGate = gates[g + unit]!;
      const forgetGate = gates[g + hiddenSize + unit]!;
      const candidate = gates[g + 2 * hiddenSize + unit]!;
      const outputGate = gates[g + 3 * hiddenSize + unit]!;
      const cellTanh = Math.tanh(cells[next + unit]!);
      const cellGrad = dCell[unit]! + dHidden[unit]! * outputGate * (1 - cellTanh * cellTanh);
      dGate[unit] = cellGrad * candidate * inputGate * (1 - inputGate);
      dGate[hiddenSize + unit] = cellGrad * cells[previous + unit]! * forgetGate * (1 - forgetGate);
      dGate[2 * hiddenSize + unit] = cellGrad * inputGate * (1 - candidate * candidate);
      dGate[3 * hiddenSize + unit] = dHidden[unit]! * cellTanh * outputGate * (1 - outputGate);
      dCell[unit] = cellGrad * forgetGate;
    }
    dHidden.fill(0);
    const z = step * width;
    for (let row = 0; row < 4 * hiddenSize; row++) {
      const grad = dGate[row]!;
      if (grad === 0) continue;
      gradGateBias[row]! += grad;
      const w = row * width;
      for (let k = 0; k < width; k++) gradGateWeights[w + k]! += grad * stepInputs[z + k]!;
      for (let unit = 0; unit < hiddenSize; unit++) dHidden[unit]! += grad * gateWeights[w + inputFeatures + unit]!;
    }
  }
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return values.length > 0 ? sum / values.length : 0;
}

function zeroedLike(parameters: LstmParameters): LstmParameters {
  const copy = copyParameters(parameters);
  for (const array of parameterArrays(copy)) array.fill(0);
  return copy;
}

function clipGlobalNorm(gradients: LstmParameters, maxNorm: number): void {
  let squares = 0;
  for (const array of parameterArrays(gradients)) for (let i = 0; i < array.length; i++) squares += array[i]! * array[i]!;
  const norm = Math.sqrt(squares);
  if (norm <= maxNorm) return;
  const factor = maxNorm / norm;
  for (const array of parameterArrays(gradients)) for (let i = 0; i < array.length; i++) array[i]! *= factor;
}

function adamStep(parameters: LstmParameters, gradients: LstmParameters, adam: { step: number; first: LstmParameters; second: LstmParameters }, learningRate: number): void {
  adam.step += 1;
  const firstCorrection = 1 - ADAM_BETA1 ** adam.step;
  const secondCorrection = 1 - ADAM_BETA2 ** adam.step;
  const values = parameterArrays(parameters);
  const grads = parameterArrays(gradients);
  const firsts = parameterArrays(adam.first);
  const seconds = parameterArrays(adam.second);
  for (let a = 0; a < values.length; a++) {
    const value = values[a]!;
    const grad = grads[a]!;
    const first = firsts[a]!;
    const second = seconds[a]!;
    for (let i = 0; i < value.length; i++) {
      const g = grad[i]!;
      first[i] = ADAM_BETA1 * first[i]! + (1 - ADAM_BETA1) * g;
      second[i] = ADAM_BETA2 * second[i]! + (1 - ADAM_BETA2) * g * g;
      value[i]! -= (learningRate * (first[i]! / firstCorrection)) / (Math.sqrt(second[i]! / secondCorrection) + ADAM_EPSILON);
    }
  }
}

function checkTrainingInput(
  training: ForecastWindows,
  validation: ForecastWindows,
  settings: { hiddenSize: number; learningRate: number; batchSize: number; maxEpochs: number; patienceEpochs: number; windowsPerEpoch: number; maxGradientNorm: number; learningRateDecay: number },
): void {
  const problems: string[] = [];
  for (const name of ['hiddenSize', 'batchSize', 'maxEpochs', 'patienceEpochs', 'windowsPerEpoch'] as const) {
    const value = settings[name];
    if (!Number.isInteger(value) || value < 1) problems.push(`${name}: expected a whole number of at least 1, found ${String(value)}`);
  }
  for (const name of ['learningRate', 'maxGradientNorm'] as const) {
    if (!(settings[name] > 0) || !Number.isFinite(settings[name])) problems.push(`${name}: expected a number above 0, found ${String(settings[name])}`);
  }
  if (!(settings.learningRateDecay > 0 && settings.learningRateDecay <= 1)) problems.push(`learningRateDecay: expected a number in (0, 1], found ${String(settings.learningRateDecay)}`);
  if (training.count === 0) problems.push('training: no windows; give longer series or a shorter holdout');
  if (validation.count === 0) problems.push('validation: no windows; the holdout must hold at least one horizon');
  if (settings.windowsPerEpoch > training.count) problems.push(`windowsPerEpoch: expected at most the ${training.count} training windows, found ${settings.windowsPerEpoch}`);
  if (training.inputDays !== validation.inputDays || training.horizonDays !== validation.horizonDays || training.features !== validation.features) {
    problems.push(`validation: expected windows of ${training.inputDays} days x ${training.features} features -> ${training.horizonDays} days like training, found ${validation.inputDays} x ${validation.features} -> ${validation.horizonDays}`);
  }
  if (problems.length > 0) throw new RangeError(`Cannot train the LSTM: ${problems.join('; ')}`);
}
