/**
 * A lot trace as CSV, the record a regulator asks for: one row per move of the lot (`record`
 * move) and one row per temperature excursion on a shelf it sat on (`record` excursion: its start
 * in `effectiveAt`, the shelf in `location`, then `end`, `worst`, `unit`, `rangeMin`, `rangeMax`,
 * `minutes`), so both sort together on a time line. Columns a row does not use are empty.
 *
 * RFC 4180: a header row, CRLF line ends, a field holding a quote, comma, CR or LF is quoted with
 * its quotes doubled. Against spreadsheet formula injection (OWASP "CSV injection"), a text field
 * starting with = + - @ tab or CR gets a leading apostrophe; numbers are written as numbers (a
 * reading of -3.5 °C stays a number). Times are ISO 8601 UTC. Sorting compares the values
 * themselves (numbers as numbers, times as times), empty last, ties in ledger order.
 */
import { InventoryError } from './inventory-errors.ts';
import type { LotTraceResult } from './lot-trace-types.ts';

type Cell = string | number | null;
type Row = Record<TraceCsvColumn, Cell>;

export const traceCsvColumns = [
  'record', 'effectiveAt', 'moveId', 'reason', 'qty', 'from', 'fromKind', 'to', 'toKind', 'docType', 'docId', 'serial', 'actor', 'note', 'postedAt',
  'sku', 'batch', 'location', 'end', 'worst', 'unit', 'rangeMin', 'rangeMax', 'minutes',
] as const;
export type TraceCsvColumn = (typeof traceCsvColumns)[number];
/** Columns holding epoch ms, written as ISO 8601. */
const timeColumns: ReadonlySet<TraceCsvColumn> = new Set(['effectiveAt', 'postedAt', 'end']);

export interface TraceCsvOptions { sort?: string; order?: string }

export function traceCsv(result: LotTraceResult, options: TraceCsvOptions = {}): string {
  const sort = options.sort ?? 'effectiveAt';
  const order = options.order ?? 'asc';
  if (!(traceCsvColumns as readonly string[]).includes(sort)) {
    throw new InventoryError('INVALID_INPUT', 'sort', `sort: "${sort}" is not a column of the trace CSV; expected one of ${traceCsvColumns.join(', ')}`);
  }
  if (order !== 'asc' && order !== 'desc') throw new InventoryError('INVALID_INPUT', 'order', `order: "${order}" is not an order; expected asc or desc`);
  const rows = rowsOf(result);
  const column = sort as TraceCsvColumn;
  const sign = order === 'asc' ? 1 : -1;
  rows.sort((a, b) => compare(a[column], b[column], sign));
  const lines = [traceCsvColumns.join(',')];
  for (const row of rows) lines.push(traceCsvColumns.map((c) => csvField(timeColumns.has(c) && typeof row[c] === 'number' ? new Date(row[c]).toISOString() : row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function rowsOf(result: LotTraceResult): Row[] {
  const { sku, batch } = result.lot;
  const empty = Object.fromEntries(traceCsvColumns.map((c) => [c, null])) as Row;
  const rows: Row[] = result.moves.map((m) => ({
    ...empty, record: 'move', effectiveAt: m.effectiveAt, moveId: m.id, reason: m.reason, qty: m.qty, from: m.from, fromKind: m.fromKind,
    to: m.to, toKind: m.toKind, docType: m.docType, docId: m.docId, serial: m.serial, actor: m.actor, note: m.note, postedAt: m.postedAt, sku, batch,
  }));
  for (const stay of result.excursions) {
    for (const e of stay.excursions) {
      rows.push({
        ...empty, record: 'excursion', effectiveAt: e.start, sku, batch, location: stay.location, end: e.end, worst: e.worst, unit: stay.unit,
        rangeMin: stay.range.min, rangeMax: stay.range.max, minutes: e.minutes,
      });
    }
  }
  return rows;
}

/** Empty last in either order; numbers by value; text by code point (stable, locale-free). */
function compare(a: Cell, b: Cell, sign: number): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return (a - b) * sign;
  const [x, y] = [String(a), String(b)];
  return (x < y ? -1 : x > y ? 1 : 0) * sign;
}

/** One field, RFC 4180 quoted where needed, text made inert for spreadsheets. */
export function csvField(value: Cell): string {
  if (value === null) return '';
  let text = typeof value === 'number' ? String(value) : value;
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
