/**
 * bench/forecast-backtest: the rolling-origin backtest on the real US births series (2000-2014)
 * with every model: seasonal naive, ETS, Croston, TSB and the LSTM (trained afresh per fold on
 * the days before the origin, run through onnxruntime), and snaive, ETS and the LSTM again on the
 * holiday-adjusted series (`-holidays`: effects estimated per fold from the days before its
 * origin). Prints every model's pooled WAPE, MAPE and MASE, the champion, and how much less WAPE
 * it has than seasonal naive (goal: at least 20%). Progress on stderr, JSON on stdout.
 *
 * The holiday settings below were chosen on validation periods before the test folds, never on
 * them: `--end-date 2012-12-31` and `--end-date 2013-12-31` (12 folds each, origins Jul-Dec of
 * that year), the lowest mean WAPE of ets-holidays over windowDays 1/3/5/7, neighbourWeeks 2/3/4,
 * splitWeekend and priorOccurrences 0/1. The test folds are the last 12 of the series (Jul-Dec 2014).
 *
 *   npm run bench -- forecast-backtest [--folds 12] [--horizon 14] [--models all,snaive-holidays,ets-holidays,lstm-holidays]
 *       [--end-date YYYY-MM-DD]
 *       [--lstm-epochs 10] [--lstm-hidden 32] [--lstm-input-days 56] [--lstm-windows 4000] [--seed 1]
 *       [--lstm-calendar us|china|off]  (us: the LSTM learns US federal holidays, seeing those of the forecast days too)
 *       [--holiday-window 7] [--holiday-neighbour-weeks 4] [--holiday-prior 0] [--holiday-split-weekend true]
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runBacktest } from '../cloud/forecasting/backtest.ts';
import { createModels, parseModelNames } from '../cloud/forecasting/forecast-models.ts';
import { usBirthsSeries } from '../cloud/forecasting/us-births-series.ts';
import { daysBetween, dayStartMs } from '../cloud/forecasting/calendar-features.ts';
import { HOLIDAY_CALENDARS, type HolidayCalendarName } from '../cloud/forecasting/lstm-calendar-features.ts';

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    folds: { type: 'string', default: '12' },
    horizon: { type: 'string', default: '14' },
    models: { type: 'string', default: 'all,snaive-holidays,ets-holidays,lstm-holidays' },
    'lstm-epochs': { type: 'string', default: '10' },
    'lstm-hidden': { type: 'string', default: '32' },
    'lstm-input-days': { type: 'string', default: '56' },
    'lstm-windows': { type: 'string', default: '4000' },
    seed: { type: 'string', default: '1' },
    'lstm-calendar': { type: 'string', default: 'us' },
    'end-date': { type: 'string' },
    'holiday-window': { type: 'string', default: '7' },
    'holiday-neighbour-weeks': { type: 'string', default: '4' },
    'holiday-prior': { type: 'string', default: '0' },
    'holiday-split-weekend': { type: 'string', default: 'true' },
  },
});
const settings = {
  folds: Number(args.folds),
  horizon: Number(args.horizon),
  lstmEpochs: Number(args['lstm-epochs']),
  lstmHidden: Number(args['lstm-hidden']),
  lstmInputDays: Number(args['lstm-input-days']),
  lstmWindows: Number(args['lstm-windows']),
  seed: Number(args.seed),
};
for (const [name, value] of Object.entries(settings)) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: expected a whole number of at least 1, found ${String(value)}`);
}
const lstmCalendar = args['lstm-calendar'];
if (!(lstmCalendar === 'off' || (HOLIDAY_CALENDARS as readonly string[]).includes(lstmCalendar))) throw new Error(`--lstm-calendar: expected ${HOLIDAY_CALENDARS.join(', ')} or off, found ${lstmCalendar}`);
if (!['true', 'false'].includes(args['holiday-split-weekend'])) throw new Error(`--holiday-split-weekend: expected true or false, found ${args['holiday-split-weekend']}`);
const holidaySettings = {
  windowDays: Number(args['holiday-window']),
  neighbourWeeks: Number(args['holiday-neighbour-weeks']),
  priorOccurrences: Number(args['holiday-prior']),
  splitWeekend: args['holiday-split-weekend'] === 'true',
};
const names = parseModelNames(args.models);
const round = (value: number | null, digits = 4) => (value === null ? null : Number(value.toFixed(digits)));
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);

const allBirths = usBirthsSeries();
// --end-date cuts the series (a validation run ends before the test folds begin).
if (args['end-date'] !== undefined) dayStartMs(args['end-date'], '--end-date');
const keptDays = args['end-date'] === undefined ? allBirths.values.length : daysBetween(allBirths.firstDate, args['end-date']) + 1;
if (keptDays < 1 || keptDays > allBirths.values.length) throw new Error(`--end-date: expected a day from ${allBirths.firstDate} to the series' last day, found ${args['end-date']}`);
const births = { ...allBirths, values: Float64Array.from({ length: keptDays }, (_, i) => allBirths.values[i]!) };
const models = createModels(names, {
  holidays: { ...holidaySettings, firstDates: { [births.id]: births.firstDate } },
  lstm: {
    maxEpochs: settings.lstmEpochs,
    hiddenSize: settings.lstmHidden,
    inputDays: settings.lstmInputDays,
    windowsPerEpoch: settings.lstmWindows,
    seed: settings.seed,
    ...(lstmCalendar === 'off' ? {} : { calendar: { holidays: lstmCalendar as HolidayCalendarName } }),
    onEpoch: (e) => progress(`  lstm epoch ${e.epoch}: training loss ${e.trainingLoss.toFixed(5)}, validation loss ${e.validationLoss.toFixed(5)} (${(e.elapsedMs / 1000).toFixed(1)} s)`),
  },
});
progress(`${settings.folds} folds x ${settings.horizon} days on ${births.values.length} days of US births; models ${names.join(', ')}`);
const result = await runBacktest([births], {
  horizonDays: settings.horizon,
  folds: settings.folds,
  models,
  onProgress: (p) => progress(`${p.completed}/${p.total} ${p.model} fold ${p.fold + 1} done in ${(p.fitMs / 1000).toFixed(2)} s`),
});

const naiveWape = result.pooled.snaive?.wape ?? null;
const perModel = Object.fromEntries(
  result.models.map((name) => {
    const metrics = result.pooled[name]!;
    return [
      name,
      {
        wape: round(metrics.wape),
        mape: round(metrics.mape),
        mase: round(metrics.mase, 3),
        wapeBelowSeasonalNaive: naiveWape === null || metrics.wape === null ? null : round(1 - metrics.wape / naiveWape, 3),
        seconds: round(result.modelMs[name]! / 1000, 2),
      },
    ];
  }),
);
const champion = result.champion;
const championImprovement = champion === null ? null : perModel[champion]!.wapeBelowSeasonalNaive;
process.stdout.write(`${JSON.stringify(
  {
    benchmark: 'forecast-backtest',
    machine: { cpus: cpus().length, node: process.version, loadAverage1m: round(loadavg()[0]!, 2) },
    data: { series: 'US births 2000-2014 (@stdlib)', days: births.values.length, origins: `${result.series[0]!.originDates![0]} .. ${result.series[0]!.originDates!.at(-1)}` },
    backtest: { folds: result.folds, horizonDays: result.horizonDays, strideDays: result.strideDays, forecastDaysPerModel: result.folds * result.horizonDays },
    holidays: names.some((name) => name.endsWith('-holidays'))
      ? { ...holidaySettings, calendar: 'US federal holidays (calendar-features.ts)', chosenOn: 'validation folds ending 2012-12-31 and 2013-12-31, not the test folds' }
      : null,
    lstm: names.some((name) => name.startsWith('lstm')) ? { hiddenSize: settings.lstmHidden, inputDays: settings.lstmInputDays, maxEpochs: settings.lstmEpochs, windowsPerEpoch: settings.lstmWindows, calendar: lstmCalendar, runtime: 'onnxruntime-node (CPU)' } : null,
    models: perModel,
    demandClass: result.series[0]!.demandClass,
    champion,
    championWapeBelowSeasonalNaive: championImprovement,
    goal: 'champion WAPE at least 20% below seasonal naive',
    meetsGoal: championImprovement !== null && championImprovement >= 0.2,
  },
  null,
  2,
)}\n`);
