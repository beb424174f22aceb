/**
 * Reads daily demand from a CSV file for `edgestock forecast backtest` (only bin/ and config/ read
 * files). A small RFC 4180 reader: comma-separated, a header row, fields optionally in double
 * quotes with "" for a quote inside and line breaks allowed within quotes, LF or CRLF. No CSV
 * library is in package.json, and this is all the command needs.
 *
 * Rows become one daily series per value of the series column (one series when there is none).
 * Dates are YYYY-MM-DD; a date repeated within a series is refused; days missing inside a series
 * are filled with 0 (no sales row means nothing sold) and counted, so the caller can say so.
 */
import { readFileSync } from 'node:fs';
import type { BacktestSeries } from '../cloud/forecasting/backtest.ts';

const DAY_MS = 86_400_000;

export class CsvInputError extends Error {
  override readonly name = 'CsvInputError';
}

export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  readonly line: number;
  readonly fields: string[];
}

/** Splits CSV text into records; throws CsvInputError naming the line of an unclosed quote. */
export function parseCsv(text: string, fileName = 'CSV'): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte order mark is not part of the first column's name
  let quoted = false;
  let quoteLine = 0;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
      quoteLine = line;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else field += c;
  }
  if (quoted) throw new CsvInputError(`${fileName} line ${quoteLine}: a quoted field is never closed; end it with "`);
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

export interface DailyCsvColumns {
  readonly date: string;
  readonly value: string;
  readonly series?: string;
}

export interface DailyCsv {
  readonly series: BacktestSeries[];
  /** Days missing inside a series, filled with 0. */
  readonly filledDays: number;
  readonly rows: number;
}

/** Reads `path` into daily series; every problem found is listed in one CsvInputError. */
export function readDailyCsv(path: string, columns: DailyCsvColumns): DailyCsv {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CsvInputError(`${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return dailySeriesFromCsv(parseCsv(text, path), columns, path);
}

export function dailySeriesFromCsv(records: readonly CsvRecord[], columns: DailyCsvColumns, fileName = 'CSV'): DailyCsv {
  const [header, ...rows] = records;
  if (header === undefined) throw new CsvInputError(`${fileName}: expected a header row and daily rows, found an empty file`);
  const names = header.fields.map((name) => name.trim());
  const indexOf = (option: string, name: string) => {
    const index = names.indexOf(name);
    if (index < 0) throw new CsvInputError(`${fileName} line ${header.line}: --${option} "${name}" is not a column; the columns are ${names.map((n) => `"${n}"`).join(', ')}`);
    return index;
  };
  const dateColumn = indexOf('date', columns.date);
  const valueColumn = indexOf('value', columns.value);
  const seriesColumn = columns.series === undefined ? undefined : indexOf('series', columns.series);
  const problems: string[] = [];
  const bySeries = new Map<string, Map<number, { value: number; line: number }>>();
  for (const row of rows) {
    if (row.fields.length !== names.length) {
      problems.push(`line ${row.line}: expected ${names.length} fields like the header, found ${row.fields.length}`);
      continue;
    }
    const dateText = row.fields[dateColumn]!.trim();
    const valueText = row.fields[valueColumn]!.trim();
    const id = seriesColumn === undefined ? columns.value : row.fields[seriesColumn]!.trim();
    const time = parseIsoDate(dateText);
    const value = valueText === '' ? Number.NaN : Number(valueText);
    if (time === undefined) problems.push(`line ${row.line} column "${columns.date}": expected a date YYYY-MM-DD, found "${dateText}"`);
    if (!Number.isFinite(value)) problems.push(`line ${row.line} column "${columns.value}": expected a number, found "${valueText}"`);
    if (seriesColumn !== undefined && id === '') problems.push(`line ${row.line} column "${columns.series}": expected a series name, found an empty field`);
    if (time === undefined || !Number.isFinite(value)) continue;
    const days = bySeries.get(id) ?? new Map<number, { value: number; line: number }>();
    bySeries.set(id, days);
    const earlier = days.get(time);
    if (earlier !== undefined) problems.push(`line ${row.line}: ${dateText} of series "${id}" already given on line ${earlier.line}; give each day once (sum them first)`);
    else days.set(time, { value, line: row.line });
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 10);
    if (problems.length > shown.length) shown.push(`... and ${problems.length - shown.length} more`);
    throw new CsvInputError(`${fileName}: ${shown.join('; ')}`);
  }
  if (bySeries.size === 0) throw new CsvInputError(`${fileName}: expected daily rows under the header, found none`);
  let filledDays = 0;
  const series = [...bySeries].map(([id, days]) => {
    const times = [...days.keys()].sort((a, b) => a - b);
    const first = times[0]!;
    const length = (times[times.length - 1]! - first) / DAY_MS + 1;
    const values = new Float64Array(length);
    for (const [time, day] of days) values[(time - first) / DAY_MS] = day.value;
    filledDays += length - times.length;
    const weekday = new Date(first).getUTCDay();
    return { id, values, firstIsoWeekday: weekday === 0 ? 7 : weekday, firstDate: new Date(first).toISOString().slice(0, 10) };
  });
  return { series, filledDays, rows: rows.length };
}

function parseIsoDate(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  // Date.UTC rolls 2024-02-30 over into March; a real date reads back the same.
  return new Date(time).toISOString().slice(0, 10) === text ? time : undefined;
}
