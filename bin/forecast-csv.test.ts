import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dailySeriesFromCsv, parseCsv, readDailyCsv } from './forecast-csv.ts';

const dir = mkdtempSync(join(tmpdir(), 'forecast-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CSV reader for forecast backtests', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF and a byte order mark', () => {
    const text = '\uFEFFday,sku,qty\r\n2024-01-01,"bolt, M8",3\r\n2024-01-02,"say ""hi""\nthere",4\r\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['day', 'sku', 'qty'] },
      { line: 2, fields: ['2024-01-01', 'bolt, M8', '3'] },
      { line: 3, fields: ['2024-01-02', 'say "hi"\nthere', '4'] },
    ]);
    expect(() => parseCsv('a,b\n1,"open\n', 'sales.csv')).toThrow('sales.csv line 2: a quoted field is never closed');
  });

  it('groups rows into daily series per series column, in date order, filling missing days with 0', () => {
    const path = join(dir, 'sales.csv');
    writeFileSync(path, 'date,sku,qty\n2024-01-03,A,5\n2024-01-01,A,2\n2024-01-01,B,7\n2024-01-02,B,8\n');
    const csv = readDailyCsv(path, { date: 'date', value: 'qty', series: 'sku' });
    expect(csv.series.map((one) => ({ ...one, values: Array.from(one.values) }))).toEqual([
      { id: 'A', values: [2, 0, 5], firstIsoWeekday: 1, firstDate: '2024-01-01' }, // 2024-01-01 was a Monday
      { id: 'B', values: [7, 8], firstIsoWeekday: 1, firstDate: '2024-01-01' },
    ]);
    expect(csv.filledDays).toBe(1);
    expect(csv.rows).toBe(4);
  });

  it('lists the columns when one asked for does not exist', () => {
    expect(() => dailySeriesFromCsv(parseCsv('date,births\n2024-01-01,1\n'), { date: 'day', value: 'births' }, 'b.csv')).toThrow(
      'b.csv line 1: --date "day" is not a column; the columns are "date", "births"',
    );
  });

  it('names the line and column of every bad value, date, repeat and short row at once', () => {
    const text = 'date,qty\n2024-01-01,3\n2024-02-30,4\n2024-01-02,lots\n2024-01-01,5\n2024-01-04\n';
    let message = '';
    try {
      dailySeriesFromCsv(parseCsv(text), { date: 'date', value: 'qty' }, 'q.csv');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('line 3 column "date": expected a date YYYY-MM-DD, found "2024-02-30"');
    expect(message).toContain('line 4 column "qty": expected a number, found "lots"');
    expect(message).toContain('line 5: 2024-01-01 of series "qty" already given on line 2');
    expect(message).toContain('line 6: expected 2 fields like the header, found 1');
  });

  it('says so when the file cannot be read or holds no rows', () => {
    expect(() => readDailyCsv(join(dir, 'missing.csv'), { date: 'd', value: 'v' })).toThrow(/missing.csv: cannot read the file \(ENOENT\)/);
    expect(() => dailySeriesFromCsv(parseCsv('date,qty\n'), { date: 'date', value: 'qty' }, 'e.csv')).toThrow('e.csv: expected daily rows under the header, found none');
  });
});
