/**
 * `edgestock forecast backtest --csv FILE --date COL --value COL [--series COL] [--horizon 14]
 * [--folds N] [--model lstm|ets|snaive|croston|tsb|all] [--lstm-calendar us|china|off] [--json]`: the rolling-origin backtest
 * (cloud/forecasting/backtest.ts) on a CSV of daily demand, every chosen model beside seasonal
 * naive. Prints per-model MAPE, WAPE and MASE as a table (or JSON), the champion per demand
 * class, and a progress bar on stderr when it is a terminal. Bad input exits 2 with the reason.
 * `--lstm-calendar` lets the LSTM learn that country's holidays from the CSV's dates (off: weekdays only).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { runBacktest, type BacktestProgress, type BacktestResult } from '../cloud/forecasting/backtest.ts';
import { createModels, MODEL_NAMES, parseModelNames, type ModelName } from '../cloud/forecasting/forecast-models.ts';
import type { ErrorMetrics } from '../cloud/forecasting/forecast-metrics.ts';
import { HOLIDAY_CALENDARS, type HolidayCalendarName } from '../cloud/forecasting/lstm-calendar-features.ts';
import { CsvInputError, readDailyCsv } from './forecast-csv.ts';

export interface ForecastBacktestOptions {
  csv: string;
  date: string;
  value: string;
  series?: string;
  horizon: number;
  folds: number;
  model: ModelName[];
  json?: boolean;
  lstmEpochs: number;
  lstmHidden: number;
  lstmInputDays: number;
  lstmCalendar: HolidayCalendarName | 'off';
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`"${value}" is not a positive whole number`);
  return n;
}

function modelList(value: string): ModelName[] {
  try {
    return parseModelNames(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** Adds `forecast backtest` to the CLI. */
export function registerForecastCommand(program: Command): void {
  const forecast = program.command('forecast').description('demand forecasting: backtests of the LSTM and its baselines');
  forecast
    .command('backtest')
    .description('rolling-origin backtest on a CSV of daily values: MAPE, WAPE and MASE per model, champion per demand class')
    .requiredOption('--csv <file>', 'CSV with a header row')
    .requiredOption('--date <column>', 'column of dates, YYYY-MM-DD')
    .requiredOption('--value <column>', 'column of daily demand')
    .option('--series <column>', 'column naming the series (SKU x location); one series when absent')
    .option('--horizon <days>', 'days forecast from each origin', wholeNumber, 14)
    .option('--folds <n>', 'origins, one horizon apart, ending at the last day', wholeNumber, 8)
    .addOption(new Option('--model <names>', `comma-separated: ${MODEL_NAMES.join(', ')}, or all`).argParser(modelList).default(modelList('all'), 'all'))
    .option('--json', 'print the full result as JSON instead of a table')
    .option('--lstm-epochs <n>', 'LSTM: most training epochs per fold', wholeNumber, 6)
    .option('--lstm-hidden <n>', 'LSTM: hidden units', wholeNumber, 16)
    .option('--lstm-input-days <n>', 'LSTM: days of history in each input window', wholeNumber, 28)
    .addOption(new Option('--lstm-calendar <holidays>', 'LSTM: learn these holidays (and see those of the forecast days); off: weekdays only').choices([...HOLIDAY_CALENDARS, 'off']).default('off'))
    .action(forecastBacktestCommand);
}

export async function forecastBacktestCommand(options: ForecastBacktestOptions): Promise<void> {
  let result: BacktestResult;
  let filledDays: number;
  const bar = process.stderr.isTTY ? progressBar() : undefined;
  try {
    const csv = readDailyCsv(options.csv, { date: options.date, value: options.value, ...(options.series === undefined ? {} : { series: options.series }) });
    filledDays = csv.filledDays;
    const calendar = options.lstmCalendar === 'off' ? {} : { calendar: { holidays: options.lstmCalendar } };
    const models = createModels(options.model, { lstm: { maxEpochs: options.lstmEpochs, hiddenSize: options.lstmHidden, inputDays: options.lstmInputDays, ...calendar } });
    result = await runBacktest(csv.series, { horizonDays: options.horizon, folds: options.folds, models, ...(bar === undefined ? {} : { onProgress: bar.update }) });
  } catch (error) {
    bar?.clear();
    if (error instanceof CsvInputError || error instanceof RangeError) {
      process.stderr.write(`edgestock forecast backtest: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  bar?.clear();
  if (options.json) process.stdout.write(`${JSON.stringify({ ...result, filledDays }, null, 2)}\n`);
  else process.stdout.write(renderTable(result, filledDays));
}

function progressBar() {
  const width = 30;
  const startedAt = performance.now();
  return {
    update: (progress: BacktestProgress) => {
      const done = Math.round((progress.completed / progress.total) * width);
      const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
      process.stderr.write(`\r[${'#'.repeat(done)}${'-'.repeat(width - done)}] ${progress.completed}/${progress.total} ${progress.model} fold ${progress.fold + 1} ${seconds} s\x1b[K`);
    },
    clear: () => process.stderr.write('\r\x1b[K'),
  };
}

const percent = (value: number | null) => (value === null ? '-' : `${(value * 100).toFixed(2)}%`);
const ratio = (value: number | null) => (value === null ? '-' : value.toFixed(3));

function renderTable(result: BacktestResult, filledDays: number): string {
  const naive = result.pooled.snaive?.wape ?? null;
  const rows = result.models.map((name) => {
    const metrics: ErrorMetrics = result.pooled[name]!;
    const versusNaive = naive === null || metrics.wape === null || name === 'snaive' ? '' : `${((1 - metrics.wape / naive) * 100).toFixed(1)}%`;
    return [name, percent(metrics.mape), percent(metrics.wape), ratio(metrics.mase), versusNaive, String(metrics.days), `${(result.modelMs[name]! / 1000).toFixed(1)} s`];
  });
  const header = ['model', 'MAPE', 'WAPE', 'MASE', 'WAPE vs snaive', 'days', 'time'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  const out = [
    `${result.series.length} series, ${result.folds} folds x ${result.horizonDays} days${filledDays > 0 ? `, ${filledDays} missing days filled with 0` : ''}`,
    '',
    line(header),
    ...rows.map(line),
    '',
    `champion overall: ${result.champion ?? '-'}`,
    ...result.classes.map((one) => `champion for ${one.demandClass} (${one.series.length} series): ${one.champion ?? '-'}`),
  ];
  return `${out.join('\n')}\n`;
}
