/**
 * The weekly MAPE monitor (issue 8, item 5): per series and complete ISO week, the stored forecast
 * that was current each morning (forecast-runs.ts forecastsFor) against what was then sold, as
 * MAPE (non-zero days) and WAPE. The sums are stored, so the pooled '*' row of a week is exact.
 * When a series' MAPE is above 15% in each of the 3 newest complete weeks, one review task opens
 * (review-tasks.ts); the same streak never opens a second one, even after the first is closed.
 */
import type { SqliteDatabase } from '../store/database.ts';
import { addDays, dayOfMs, isoWeekdayOfDay } from './calendar-features.ts';
import type { ForecastRuns } from './forecast-runs.ts';
import type { MonitorWeek, ReviewTask, SalesHistory } from './forecasting-types.ts';
import type { ReviewTasks } from './review-tasks.ts';

export const MAPE_THRESHOLD = 0.15;
export const BREACH_WEEKS = 3;
/** Weeks recomputed on each update (late corrections to sales are picked up within these). */
export const MONITORED_WEEKS = 12;

interface WeekRow { sku: string; location: string; week: string; days: number; nonzero_days: number; ape_sum: number; abs_error: number; abs_actual: number }

/** The Monday of the ISO week of `day`. */
export const mondayOf = (day: string): string => addDays(day, 1 - isoWeekdayOfDay(day));

const weekOf = (row: Omit<WeekRow, 'week'> & { week: string }): MonitorWeek => {
  const mape = row.nonzero_days === 0 ? null : row.ape_sum / row.nonzero_days;
  return { sku: row.sku, location: row.location, week: row.week, mape, wape: row.abs_actual === 0 ? null : row.abs_error / row.abs_actual, days: row.days, breach: mape !== null && mape > MAPE_THRESHOLD };
};

export class MapeMonitor {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly salesHistory: SalesHistory,
    private readonly runs: ForecastRuns,
    private readonly reviews: ReviewTasks,
  ) {}

  /** Scores the complete weeks before `now` and opens reviews for new streaks; returns those opened. */
  update(now: number, weeks = MONITORED_WEEKS): ReviewTask[] {
    const thisMonday = mondayOf(dayOfMs(now));
    const from = addDays(thisMonday, -7 * weeks);
    const to = addDays(thisMonday, -1);
    const upsert = this.db.prepare(`INSERT INTO forecast_monitor_week (sku, location, week, days, nonzero_days, ape_sum, abs_error, abs_actual, updated_at)
      VALUES (@sku, @location, @week, @days, @nonzero_days, @ape_sum, @abs_error, @abs_actual, @updated_at)
      ON CONFLICT (sku, location, week) DO UPDATE SET days = excluded.days, nonzero_days = excluded.nonzero_days, ape_sum = excluded.ape_sum,
        abs_error = excluded.abs_error, abs_actual = excluded.abs_actual, updated_at = excluded.updated_at`);
    const rows: WeekRow[] = [];
    for (const { sku, location } of this.runs.forecastedSeries()) {
      const forecasts = this.runs.forecastsFor(sku, location, from, to);
      if (forecasts.size === 0) continue;
      const actual = this.salesHistory.series({ sku, location, from, to }).find((one) => one.sku === sku && one.location === location)?.days ?? [];
      const byWeek = new Map<string, WeekRow>();
      for (const day of actual) {
        const forecast = forecasts.get(day.day);
        if (forecast === undefined) continue;
        const week = mondayOf(day.day);
        const row = byWeek.get(week) ?? { sku, location, week, days: 0, nonzero_days: 0, ape_sum: 0, abs_error: 0, abs_actual: 0 };
        const error = Math.abs(day.qty - forecast);
        row.days++;
        row.abs_error += error;
        row.abs_actual += Math.abs(day.qty);
        if (day.qty !== 0) {
          row.nonzero_days++;
          row.ape_sum += error / Math.abs(day.qty);
        }
        byWeek.set(week, row);
      }
      rows.push(...byWeek.values());
    }
    const opened: ReviewTask[] = [];
    this.db.transaction(() => {
      for (const row of rows) upsert.run({ ...row, updated_at: now });
      const lastWeeks = Array.from({ length: BREACH_WEEKS }, (_, k) => addDays(thisMonday, -7 * (BREACH_WEEKS - k)));
      for (const { sku, location } of this.runs.forecastedSeries()) {
        const streak = lastWeeks.map((week) => this.week(sku, location, week));
        if (!streak.every((week) => week?.breach === true)) continue;
        const task = this.reviews.openFor({ sku, location, weeks: lastWeeks, mapes: streak.map((week) => week!.mape!), now });
        if (task !== undefined) opened.push(task);
      }
    }).immediate();
    return opened;
  }

  /** The last `weeks` complete weeks before `now`, oldest first; with no series filter, '*' rows pool all series. */
  weeks(now: number, filter: { sku?: string; location?: string; weeks?: number } = {}): MonitorWeek[] {
    const thisMonday = mondayOf(dayOfMs(now));
    const from = addDays(thisMonday, -7 * (filter.weeks ?? MONITORED_WEEKS));
    const conditions = ['week >= ?', 'week < ?'];
    const values: string[] = [from, thisMonday];
    if (filter.sku !== undefined) { conditions.push('sku = ?'); values.push(filter.sku); }
    if (filter.location !== undefined) { conditions.push('location = ?'); values.push(filter.location); }
    const rows = this.db.prepare(`SELECT * FROM forecast_monitor_week WHERE ${conditions.join(' AND ')} ORDER BY week, sku, location`).all(...values) as WeekRow[];
    const result = rows.map(weekOf);
    if (filter.sku !== undefined || filter.location !== undefined) return result;
    const pooled = this.db.prepare(`SELECT '*' AS sku, '*' AS location, week, SUM(days) AS days, SUM(nonzero_days) AS nonzero_days, SUM(ape_sum) AS ape_sum, SUM(abs_error) AS abs_error, SUM(abs_actual) AS abs_actual
      FROM forecast_monitor_week WHERE week >= ? AND week < ? GROUP BY week ORDER BY week`).all(from, thisMonday) as WeekRow[];
    return [...pooled.map(weekOf), ...result].sort((a, b) => a.week.localeCompare(b.week));
  }

  /** One series' week, if it was scored. */
  week(sku: string, location: string, week: string): MonitorWeek | undefined {
    const row = this.db.prepare('SELECT * FROM forecast_monitor_week WHERE sku = ? AND location = ? AND week = ?').get(sku, location, week) as WeekRow | undefined;
    return row === undefined ? undefined : weekOf(row);
  }
}
