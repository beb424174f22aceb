/**
 * The trace CSV from a real trace: a header, one row per move and per excursion, RFC 4180
 * quoting read back by a strict parser written here, formula injection made inert, sorting by
 * any column either way (numbers as numbers, empty last), and an unknown column refused naming
 * the columns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryError } from './inventory-errors.ts';
import { LotTrace } from './lot-trace.ts';
import type { LotTraceResult, TemperatureOf } from './lot-trace-types.ts';
import { DAY, DAY1, openInventoryFixture, SKU, type InventoryFixture } from './testing/inventory-fixture.ts';
import { csvField, traceCsv, traceCsvColumns } from './trace-csv.ts';

const HOUR = 3_600_000;

/** RFC 4180 parser: quoted fields with doubled quotes, CRLF records; throws on anything else. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
        if (text[i] === '"') { i++; break; }
        field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} at ${i}`);
        field += text[i++];
      }
    }
    row.push(field);
    if (text[i] === ',') { i++; continue; }
    if (text.slice(i, i + 2) !== '\r\n') throw new Error(`expected CRLF at ${i}`);
    i += 2;
    rows.push(row);
    row = [];
  }
  return rows;
}

describe('trace CSV', () => {
  let f: InventoryFixture;
  let result: LotTraceResult;

  beforeAll(() => {
    f = openInventoryFixture({ start: DAY1 + DAY });
    f.catalog.putLocation({ code: 'CUST-Q', name: 'Customer "Q", Ltd', kind: 'customer', allowNegative: true });
    f.receive({ sku: SKU.milk, lot: 'Q1', expiry: '2026-03-20', qty: 50, to: 'B10', effectiveAt: DAY1 + HOUR, docType: 'PO', docId: '=HYPERLINK("http://evil")' });
    f.ledger.post([{ sku: SKU.milk, lot: 'Q1', qty: 7, from: 'B10', to: 'CUST-Q', reason: 'shipment', docType: 'SO', docId: 'SO-1', note: 'line one\nline two', effectiveAt: DAY1 + 3 * HOUR }], { actor: '@ops' });
    f.ledger.post([{ sku: SKU.milk, lot: 'Q1', qty: 20, from: 'B10', to: 'CUST-1', reason: 'shipment', docType: 'SO', docId: 'SO-2', effectiveAt: DAY1 + 2 * HOUR }], { actor: 'test' });
    // Readings on B10: one excursion at hour 2.5 that reached -1.5 °C.
    const temperatureOf: TemperatureOf = (location) => (location === 'B10'
      ? { unit: '°C', range: { min: 2, max: 8 }, points: [[DAY1 + 2 * HOUR, 4], [DAY1 + 2.5 * HOUR, -1.5], [DAY1 + 2.75 * HOUR, 5]] }
      : undefined);
    result = new LotTrace(f.db, f.clock, { temperatureOf }).trace(SKU.milk, 'Q1')!;
  });

  afterAll(() => f?.close());

  it('writes a header and one row per move and per excursion, by effective time by default', () => {
    const rows = parseCsv(traceCsv(result));
    expect(rows[0]).toEqual([...traceCsvColumns]);
    const col = (name: string) => traceCsvColumns.indexOf(name as (typeof traceCsvColumns)[number]);
    const body = rows.slice(1);
    expect(body.map((r) => [r[col('record')], r[col('effectiveAt')], r[col('qty')], r[col('to')], r[col('docId')]])).toEqual([
      ['move', new Date(DAY1 + HOUR).toISOString(), '50', 'B10', `'=HYPERLINK("http://evil")`],
      ['move', new Date(DAY1 + 2 * HOUR).toISOString(), '20', 'CUST-1', 'SO-2'],
      ['excursion', new Date(DAY1 + 2.5 * HOUR).toISOString(), '', '', ''],
      ['move', new Date(DAY1 + 3 * HOUR).toISOString(), '7', 'CUST-Q', 'SO-1'],
    ]);
    const excursion = body[2]!;
    expect([excursion[col('location')], excursion[col('worst')], excursion[col('minutes')], excursion[col('rangeMin')], excursion[col('rangeMax')], excursion[col('unit')]])
      .toEqual(['B10', '-1.5', '15', '2', '8', '°C']);
    expect(body[3]![col('actor')]).toBe(`'@ops`);
    expect(body[3]![col('note')]).toBe('line one\nline two');
  });

  it('quotes fields holding quotes, commas and line breaks (RFC 4180) and makes formula starts inert', () => {
    expect(csvField('Customer "Q", Ltd')).toBe('"Customer ""Q"", Ltd"');
    expect(csvField('a\r\nb')).toBe('"a\r\nb"');
    expect(csvField('=1+2')).toBe(`'=1+2`);
    expect(csvField('+31 20 555')).toBe(`'+31 20 555`);
    expect(csvField('-2+3')).toBe(`'-2+3`);
    expect(csvField('@SUM(A1)')).toBe(`'@SUM(A1)`);
    expect(csvField('\t=cmd')).toBe(`'\t=cmd`);
    expect(csvField('=A1,"x"')).toBe(`"'=A1,""x"""`);
    expect(csvField(-3.5)).toBe('-3.5');
    expect(csvField(null)).toBe('');
  });

  it('sorts by any column, either way: numbers as numbers, empty fields last', () => {
    const qtys = (order: string) => parseCsv(traceCsv(result, { sort: 'qty', order })).slice(1).map((r) => r[traceCsvColumns.indexOf('qty')]);
    expect(qtys('asc')).toEqual(['7', '20', '50', '']);
    expect(qtys('desc')).toEqual(['50', '20', '7', '']);
    const to = parseCsv(traceCsv(result, { sort: 'to' })).slice(1).map((r) => r[traceCsvColumns.indexOf('to')]);
    expect(to).toEqual(['B10', 'CUST-1', 'CUST-Q', '']);
    const latestFirst = parseCsv(traceCsv(result, { sort: 'effectiveAt', order: 'desc' })).slice(1).map((r) => r[traceCsvColumns.indexOf('record')]);
    expect(latestFirst).toEqual(['move', 'excursion', 'move', 'move']);
  });

  it('refuses an unknown sort column naming the columns, and an unknown order', () => {
    const refusal = (options: object) => {
      try {
        traceCsv(result, options);
      } catch (error) {
        return error as InventoryError;
      }
      throw new Error('expected a refusal');
    };
    const sort = refusal({ sort: 'colour' });
    expect(sort).toBeInstanceOf(InventoryError);
    expect([sort.code, sort.field]).toEqual(['INVALID_INPUT', 'sort']);
    expect(sort.message).toBe(`sort: "colour" is not a column of the trace CSV; expected one of ${traceCsvColumns.join(', ')}`);
    const order = refusal({ order: 'up' });
    expect([order.code, order.field, order.message]).toEqual(['INVALID_INPUT', 'order', 'order: "up" is not an order; expected asc or desc']);
  });
});
