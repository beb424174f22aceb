/**
 * Writes a trained forecasting LSTM (lstm-model.ts) as a real ONNX model, so inference runs in
 * onnxruntime-node rather than in our JavaScript forward pass.
 *
 * Graph (opset ONNX_OPSET, IR ONNX_IR_VERSION), input "window" float [batch, inputDays, features]:
 *   Transpose(perm 1,0,2) -> LSTM(hidden_size) -> Y_h [1, batch, hidden] -> Squeeze(axis 0)
 *   -> Gemm(transB) with the head -> output "forecast" float [batch, horizon] (scaled values).
 * The Transpose keeps the LSTM in its default time-major layout (layout 0), which every runtime
 * implements; the batch dimension is symbolic so any batch size runs.
 *
 * The ONNX LSTM operator stacks its gate weights in the order i, o, f, c (onnx Operators.md, LSTM:
 * "W ... concatenation of W[iofc]", B = [Wb[iofc], Rb[iofc]]); ours are i, f, c, o
 * (GATE_ORDER), so rows are reordered here. Our single bias goes into Wb and Rb stays zero, since
 * the operator adds both.
 */
import onnxProto from 'onnx-proto';
import { FEATURE_NAMES, featureNamesOf } from './forecast-windows.ts';
import { gateBlock, type GateName, type LstmParameters } from './lstm-model.ts';

const { onnx } = onnxProto;

/** Operator set the graph is written against (LSTM-14, Squeeze-13, Gemm-13, Transpose-13). */
export const ONNX_OPSET = 17;
/** IR version that goes with opset 17 (onnx 1.12). */
export const ONNX_IR_VERSION = 8;
export const ONNX_INPUT_NAME = 'window';
export const ONNX_OUTPUT_NAME = 'forecast';
/** Row blocks of the ONNX LSTM's W, R and B. */
export const ONNX_GATE_ORDER: readonly GateName[] = ['input', 'output', 'forget', 'cell'];

/** Keys of the model's metadata_props that a loader can read back. */
export const METADATA_KEYS = { features: 'edgestock.features', inputDays: 'edgestock.input_days', horizonDays: 'edgestock.horizon_days', scaling: 'edgestock.scaling' } as const;

/** The feature sets a model can be trained on (forecast-windows.ts), told apart by their size. */
const FEATURE_SETS: ReadonlyArray<readonly string[]> = [FEATURE_NAMES, featureNamesOf({ holidays: 'us' })];

export interface ExportOptions {
  /** Written into the model's doc_string, e.g. what it was trained on and when. */
  readonly description?: string;
}

/** The ONNX ModelProto bytes for `parameters` (write them to a `.onnx` file as they are). */
export function exportLstmToOnnx(parameters: LstmParameters, options: ExportOptions = {}): Uint8Array {
  const { inputSteps, inputFeatures, hiddenSize, horizon } = parameters;
  const featureNames = FEATURE_SETS.find((names) => names.length === inputFeatures);
  if (featureNames === undefined) {
    throw new RangeError(`parameters.inputFeatures: expected ${FEATURE_SETS.map((names) => names.length).join(' (weekday features) or ')} (with calendar features), found ${inputFeatures}`);
  }
  const { inputWeights, recurrentWeights, bias } = onnxLstmTensors(parameters);
  const { FLOAT, INT64 } = onnx.TensorProto.DataType;
  const { INT, INTS } = onnx.AttributeProto.AttributeType;
  const floatTensor = (name: string, dims: number[], data: Float32Array | Float64Array) => ({ name, dims, dataType: FLOAT, floatData: Array.from(data, Math.fround) });
  const model = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'edgestock',
    producerVersion: '1',
    domain: 'edgestock.forecasting',
    docString: options.description ?? 'Global demand forecasting LSTM',
    metadataProps: [
      { key: METADATA_KEYS.features, value: featureNames.join(',') },
      { key: METADATA_KEYS.inputDays, value: String(inputSteps) },
      { key: METADATA_KEYS.horizonDays, value: String(horizon) },
      { key: METADATA_KEYS.scaling, value: 'inputs and outputs are divided by each series\u2019 mean absolute value; multiply the forecast by it' },
    ],
    graph: {
      name: 'demand_lstm',
      input: [tensorValue(ONNX_INPUT_NAME, ['batch', inputSteps, inputFeatures])],
      output: [tensorValue(ONNX_OUTPUT_NAME, ['batch', horizon])],
      initializer: [
        floatTensor('lstm_W', [1, 4 * hiddenSize, inputFeatures], inputWeights),
        floatTensor('lstm_R', [1, 4 * hiddenSize, hiddenSize], recurrentWeights),
        floatTensor('lstm_B', [1, 8 * hiddenSize], bias),
        floatTensor('head_weight', [horizon, hiddenSize], parameters.headWeights),
        floatTensor('head_bias', [horizon], parameters.headBias),
        { name: 'squeeze_axes', dims: [1], dataType: INT64, int64Data: [0] },
      ],
      node: [
        { opType: 'Transpose', name: 'to_time_major', input: [ONNX_INPUT_NAME], output: ['window_time_major'], attribute: [{ name: 'perm', type: INTS, ints: [1, 0, 2] }] },
        {
          opType: 'LSTM',
          name: 'lstm',
          // Empty names skip the optional sequence_lens / initial_h / initial_c inputs and the Y output.
          input: ['window_time_major', 'lstm_W', 'lstm_R', 'lstm_B'],
          output: ['', 'last_hidden'],
          attribute: [{ name: 'hidden_size', type: INT, i: hiddenSize }],
        },
        { opType: 'Squeeze', name: 'drop_direction', input: ['last_hidden', 'squeeze_axes'], output: ['last_hidden_2d'] },
        {
          opType: 'Gemm',
          name: 'head',
          input: ['last_hidden_2d', 'head_weight', 'head_bias'],
          output: [ONNX_OUTPUT_NAME],
          attribute: [{ name: 'transB', type: INT, i: 1 }],
        },
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Our gate weights re-stacked as the ONNX LSTM's W [4H, F], R [4H, H] and B [8H] (one direction). */
export function onnxLstmTensors(parameters: LstmParameters): { inputWeights: Float64Array; recurrentWeights: Float64Array; bias: Float64Array } {
  const { inputFeatures, hiddenSize, gateWeights, gateBias } = parameters;
  const width = inputFeatures + hiddenSize;
  const inputWeights = new Float64Array(4 * hiddenSize * inputFeatures);
  const recurrentWeights = new Float64Array(4 * hiddenSize * hiddenSize);
  const bias = new Float64Array(8 * hiddenSize);
  ONNX_GATE_ORDER.forEach((gate, onnxBlock) => {
    const ourBlock = gateBlock(gate);
    for (let unit = 0; unit < hiddenSize; unit++) {
      const ourRow = ourBlock * hiddenSize + unit;
      const onnxRow = onnxBlock * hiddenSize + unit;
      inputWeights.set(gateWeights.subarray(ourRow * width, ourRow * width + inputFeatures), onnxRow * inputFeatures);
      recurrentWeights.set(gateWeights.subarray(ourRow * width + inputFeatures, (ourRow + 1) * width), onnxRow * hiddenSize);
      bias[onnxRow] = gateBias[ourRow]!;
    }
  });
  return { inputWeights, recurrentWeights, bias };
}

function tensorValue(name: string, dims: Array<number | string>) {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((dim) => (typeof dim === 'string' ? { dimParam: dim } : { dimValue: dim })) },
      },
    },
  };
}
