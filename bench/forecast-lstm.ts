/**
 * bench/forecast-lstm: the forecasting LSTM end to end, trained in TypeScript and run by
 * onnxruntime-node.
 *
 *   1. births: the global model trained on the real US births series (2000-2014), the last
 *      --holdout-days held out; training time, epochs, and the holdout error (WAPE, MAE) beside
 *      seasonal naive on the same 14-day windows, the forecasts coming from the exported ONNX model.
 *   2. synthetic: --skus SKUs x --days days of weekly-seasonal sales (levels 5..500, 10% noise);
 *      training time and holdout WAPE beside seasonal naive and the noise-free best possible.
 *   3. inference: --inference-skus SKUs x 56 days -> 14-day forecasts in one onnxruntime run
 *      (the model from 2), median of --runs runs, plus building the inputs and unscaling the
 *      outputs. Goal: 10,000 SKUs under 5 s.
 * --calendar picks the holidays all three learn and read (lstm-calendar-features.ts): `us` (the
 * default, the births series' own), `china` (what the cloud service trains with by default) or
 * `off`, the older weekday-only model (FEATURE_COUNT, 8 features). With a calendar every day also
 * carries the calendar features (CALENDAR_FEATURE_COUNT, 18 in all), so the figures describe the
 * model the service runs. The synthetic series get a real first date for that: the day of their
 * first weekday in the week of Monday 2024-01-01 (2024-01-01 .. 2024-01-07), the same for the
 * inference fleet. Their sales have no holiday effect, so there the calendar carries no signal.
 * One process, Node's one thread for training; onnxruntime uses its own threads. Progress on
 * stderr, JSON on stdout.
 *
 *   npm run bench -- forecast-lstm [--hidden 32] [--epochs 15] [--holdout-days 365] [--skus 500]
 *       [--days 730] [--windows-per-epoch 10000] [--inference-skus 10000] [--runs 3] [--seed 1]
 *       [--calendar us|china|off]
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { addDays } from '../cloud/forecasting/calendar-features.ts';
import { featureNamesOf, fitSeriesScale, latestInputs, splitHoldout, unscaleOutputs, type DailySeries, type ForecastWindows, type HoldoutSplit } from '../cloud/forecasting/forecast-windows.ts';
import { compareWithSeasonalNaive, type HoldoutComparison } from '../cloud/forecasting/holdout-comparison.ts';
import { HOLIDAY_CALENDARS, type LstmCalendar } from '../cloud/forecasting/lstm-calendar-features.ts';
import { forecastWindows, type LstmParameters } from '../cloud/forecasting/lstm-model.ts';
import { trainLstm, type TrainingResult } from '../cloud/forecasting/lstm-trainer.ts';
import { exportLstmToOnnx, ONNX_OPSET } from '../cloud/forecasting/onnx-export.ts';
import { loadOnnxForecaster, type ForecastModelPort } from '../cloud/forecasting/onnx-runner.ts';
import { syntheticWeeklySales } from '../cloud/forecasting/testing/synthetic-series.ts';
import { usBirthsSeries } from '../cloud/forecasting/us-births-series.ts';

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    hidden: { type: 'string', default: '32' },
    epochs: { type: 'string', default: '15' },
    'holdout-days': { type: 'string', default: '365' },
    skus: { type: 'string', default: '500' },
    days: { type: 'string', default: '730' },
    'windows-per-epoch': { type: 'string', default: '10000' },
    'inference-skus': { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    calendar: { type: 'string', default: 'us' },
  },
});
const calendarChoices: readonly string[] = [...HOLIDAY_CALENDARS, 'off'];
if (!calendarChoices.includes(args.calendar)) throw new Error(`--calendar: expected one of ${calendarChoices.join(', ')}, found ${JSON.stringify(args.calendar)}`);
/** undefined: `--calendar off`, weekday features only. */
const calendar: LstmCalendar | undefined = args.calendar === 'off' ? undefined : { holidays: args.calendar as LstmCalendar['holidays'] };
const calendarOption = calendar === undefined ? {} : { calendar };
const FEATURES = featureNamesOf(calendar).length;
const settings = {
  hidden: Number(args.hidden),
  epochs: Number(args.epochs),
  holdoutDays: Number(args['holdout-days']),
  skus: Number(args.skus),
  days: Number(args.days),
  windowsPerEpoch: Number(args['windows-per-epoch']),
  inferenceSkus: Number(args['inference-skus']),
  runs: Number(args.runs),
  seed: Number(args.seed),
};
for (const [name, value] of Object.entries(settings)) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: expected a whole number of at least 1, found ${String(value)}`);
}
const INPUT_DAYS = 56;
const HORIZON_DAYS = 14;
/** Monday: synthetic series start on the day of their first weekday in this week. */
const SYNTHETIC_FIRST_MONDAY = '2024-01-01';
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
const round = (value: number, digits = 4) => Number(value.toFixed(digits));

async function train(label: string, split: HoldoutSplit, windowsPerEpoch?: number): Promise<TrainingResult> {
  if (split.training.features !== FEATURES) throw new Error(`${label}: expected windows of ${FEATURES} features (calendar ${args.calendar}), found ${split.training.features}`);
  progress(`${label}: ${split.training.count} training windows, ${split.validation.count} validation windows, ${split.training.features} features (calendar ${args.calendar}), hidden ${settings.hidden}`);
  return trainLstm(split.training, split.validation, {
    hiddenSize: settings.hidden,
    seed: settings.seed,
    maxEpochs: settings.epochs,
    patienceEpochs: 3,
    ...(windowsPerEpoch === undefined ? {} : { windowsPerEpoch: Math.min(windowsPerEpoch, split.training.count) }),
    onEpoch: (e) => progress(`${label}: epoch ${e.epoch} training loss ${e.trainingLoss.toFixed(5)} validation loss ${e.validationLoss.toFixed(5)} (${(e.elapsedMs / 1000).toFixed(1)} s)`),
  });
}

/** The series placed on the calendar: a real first date that falls on its firstIsoWeekday. */
function dated(series: readonly DailySeries[]): DailySeries[] {
  return series.map((one) => ({ ...one, firstDate: addDays(SYNTHETIC_FIRST_MONDAY, one.firstIsoWeekday - 1) }));
}

async function onnxForecasts(runner: ForecastModelPort, windows: ForecastWindows): Promise<Float32Array> {
  return runner.run(windows.inputs, windows.count);
}

/** Per-window cost includes each epoch's validation pass, as a real training run pays it. */
function trainingFigures(result: TrainingResult, split: HoldoutSplit, windowsPerEpoch = split.training.count) {
  return {
    trainingSeconds: round(result.trainingMs / 1000, 1),
    epochs: result.epochs.length,
    bestEpoch: result.bestEpoch,
    stoppedEarly: result.stoppedEarly,
    trainingWindows: split.training.count,
    validationWindows: split.validation.count,
    msPerTrainingWindow: round(result.trainingMs / result.epochs.length / windowsPerEpoch, 3),
  };
}

function errorFigures(comparison: HoldoutComparison) {
  return {
    lstmWape: round(comparison.modelWape),
    seasonalNaiveWape: round(comparison.seasonalNaiveWape),
    lstmMae: round(comparison.modelMae, 2),
    seasonalNaiveMae: round(comparison.seasonalNaiveMae, 2),
    improvementOverSeasonalNaive: round(comparison.improvementOverSeasonalNaive, 3),
  };
}

function largestDifference(parameters: LstmParameters, windows: ForecastWindows, fromOnnx: Float32Array): number {
  const reference = forecastWindows(parameters, windows.inputs, windows.count);
  let largest = 0;
  for (let i = 0; i < reference.length; i++) largest = Math.max(largest, Math.abs(reference[i]! - fromOnnx[i]!));
  return largest;
}

const shape = { inputDays: INPUT_DAYS, features: FEATURES, horizonDays: HORIZON_DAYS };
const windowOptions = { inputDays: INPUT_DAYS, horizonDays: HORIZON_DAYS, ...calendarOption };

// 1. US births.
const births = usBirthsSeries();
const birthsSplit = splitHoldout([births], { ...windowOptions, strideDays: 1, holdoutDays: settings.holdoutDays });
const birthsResult = await train('births', birthsSplit);
const birthsRunner = await loadOnnxForecaster(exportLstmToOnnx(birthsResult.parameters), shape);
const birthsForecasts = await onnxForecasts(birthsRunner, birthsSplit.validation);
await birthsRunner.close();
const birthsFigures = {
  days: births.values.length,
  holdout: `last ${settings.holdoutDays} days, every 14-day window starting in it`,
  ...trainingFigures(birthsResult, birthsSplit),
  ...errorFigures(compareWithSeasonalNaive(birthsSplit.validation, birthsForecasts, birthsSplit.scales)),
  onnxLargestDifference: largestDifference(birthsResult.parameters, birthsSplit.validation, birthsForecasts),
};
progress(`births: ${JSON.stringify(birthsFigures)}`);

// 2. Synthetic SKUs.
const sales = syntheticWeeklySales({ skus: settings.skus, days: settings.days, seed: settings.seed, noise: 0.1 });
const syntheticSplit = splitHoldout(dated(sales.series), { ...windowOptions, strideDays: 7, holdoutDays: 28, validationStrideDays: 14 });
const syntheticResult = await train('synthetic', syntheticSplit, settings.windowsPerEpoch);
const runner = await loadOnnxForecaster(exportLstmToOnnx(syntheticResult.parameters), shape);
const syntheticForecasts = await onnxForecasts(runner, syntheticSplit.validation);
const noiseFree = Float64Array.from(syntheticForecasts, (_, i) => {
  const window = Math.floor(i / HORIZON_DAYS);
  const index = syntheticSplit.validation.seriesIndex[window]!;
  return sales.expected(index, syntheticSplit.validation.targetStart[window]! + (i % HORIZON_DAYS)) / syntheticSplit.scales[index]!;
});
const syntheticFigures = {
  skus: settings.skus,
  days: settings.days,
  windowsPerEpoch: Math.min(settings.windowsPerEpoch, syntheticSplit.training.count),
  ...trainingFigures(syntheticResult, syntheticSplit, Math.min(settings.windowsPerEpoch, syntheticSplit.training.count)),
  ...errorFigures(compareWithSeasonalNaive(syntheticSplit.validation, syntheticForecasts, syntheticSplit.scales)),
  bestPossibleWape: round(compareWithSeasonalNaive(syntheticSplit.validation, noiseFree, syntheticSplit.scales).modelWape),
};
progress(`synthetic: ${JSON.stringify(syntheticFigures)}`);

// 3. Inference for many SKUs: the latest 56 days of each -> the next 14.
const fleet = dated(syntheticWeeklySales({ skus: settings.inferenceSkus, days: INPUT_DAYS + 28, seed: settings.seed + 1, noise: 0.1 }).series);
const latestOptions = { ...calendarOption, horizonDays: HORIZON_DAYS };
const runMs: number[] = [];
const endToEndMs: number[] = [];
let forecastDays = 0;
await runner.run(latestInputs(fleet.slice(0, 16), new Float64Array(16).fill(1), INPUT_DAYS, latestOptions), 16); // warm-up
for (let run = 0; run < settings.runs; run++) {
  const started = performance.now();
  const scales = Float64Array.from(fleet, (one) => fitSeriesScale(one.values));
  const inputs = latestInputs(fleet, scales, INPUT_DAYS, latestOptions);
  const runStarted = performance.now();
  const outputs = await runner.run(inputs, fleet.length);
  runMs.push(performance.now() - runStarted);
  const forecasts = unscaleOutputs(outputs, Int32Array.from(fleet, (_, i) => i), scales, HORIZON_DAYS);
  endToEndMs.push(performance.now() - started);
  forecastDays = forecasts.length;
}
await runner.close();
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const inferenceFigures = {
  skus: settings.inferenceSkus,
  forecastDays,
  onnxRunMs: round(median(runMs), 1),
  endToEndMs: round(median(endToEndMs), 1),
  sequencesPerSecond: Math.round(settings.inferenceSkus / (median(runMs) / 1000)),
  goalMs: 5000,
  meetsGoal: median(endToEndMs) < 5000,
};

process.stdout.write(`${JSON.stringify(
  {
    benchmark: 'forecast-lstm',
    machine: { cpus: cpus().length, node: process.version, loadAverage1m: round(loadavg()[0]!, 2) },
    model: {
      hiddenSize: settings.hidden,
      inputDays: INPUT_DAYS,
      calendar: args.calendar,
      features: FEATURES,
      syntheticFirstDates: calendar === undefined ? null : `${SYNTHETIC_FIRST_MONDAY} .. ${addDays(SYNTHETIC_FIRST_MONDAY, 6)}, on each series' first weekday`,
      horizonDays: HORIZON_DAYS,
      onnxOpset: ONNX_OPSET,
      runtime: 'onnxruntime-node (CPU)',
    },
    births: birthsFigures,
    synthetic: syntheticFigures,
    inference: inferenceFigures,
  },
  null,
  2,
)}\n`);
