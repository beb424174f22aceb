/**
 * Retention of forecast runs: each run stores 14 days per series, so a daily run over thousands of
 * series grows the cloud file without bound. After each run, runs made from a day more than
 * `keepRunsDays` before today are deleted in one transaction, with their rows in every table that
 * references forecast_run (found from the schema's foreign keys, so a table added later is pruned
 * too). The MAPE monitor reads back the forecast current on each day of its newest
 * MONITORED_WEEKS weeks (mape-monitor.ts), and a day's forecast can come from a run up to
 * HORIZON_DAYS - 1 days older: a shorter retention would silently change what it scores, so it
 * is refused.
 */
import type { SqliteDatabase } from '../store/database.ts';
import { addDays } from './calendar-features.ts';
import { HORIZON_DAYS } from './forecast-runs.ts';
import { ForecastingError } from './forecasting-errors.ts';
import { MONITORED_WEEKS } from './mape-monitor.ts';

export const DEFAULT_KEEP_RUNS_DAYS = 120;
/**
 * The oldest run the monitor can read: on a Sunday its window starts 6 + 7 x MONITORED_WEEKS days
 * back, and that day's forecast may come from a run HORIZON_DAYS - 1 days older still (103 days).
 */
export const MIN_KEEP_RUNS_DAYS = 6 + 7 * MONITORED_WEEKS + HORIZON_DAYS - 1;

/** `keepRunsDays` as given, or a refusal naming the field, the floor and why. */
export function checkKeepRunsDays(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_KEEP_RUNS_DAYS) {
    throw new ForecastingError(
      'INVALID_INPUT',
      `keepRunsDays: expected a whole number of days >= ${MIN_KEEP_RUNS_DAYS} (the MAPE monitor reads back ${MONITORED_WEEKS} weeks of forecasts, each from a run up to ${HORIZON_DAYS - 1} days older), found ${JSON.stringify(value) ?? String(value)}; raise it to at least ${MIN_KEEP_RUNS_DAYS}`,
      'keepRunsDays',
    );
  }
  return value;
}

export interface PruneOutcome {
  /** Runs deleted. */
  readonly pruned: number;
  /** Runs made from a day before this one were deleted. */
  readonly before: string;
}

/** Deletes the runs made from a day more than `keepRunsDays` before `today`, and their rows. */
export function pruneForecastRuns(db: SqliteDatabase, today: string, keepRunsDays: number): PruneOutcome {
  checkKeepRunsDays(keepRunsDays);
  const before = addDays(today, -keepRunsDays);
  const children = db
    .prepare(`SELECT m.name AS child, f."from" AS key FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
              WHERE m.type = 'table' AND f."table" = 'forecast_run' ORDER BY m.name`)
    .all() as Array<{ child: string; key: string }>;
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const prune = db.transaction(() => {
    // Children first: foreign keys are enforced (database.ts).
    for (const { child, key } of children) {
      db.prepare(`DELETE FROM ${quote(child)} WHERE ${quote(key)} IN (SELECT id FROM forecast_run WHERE from_day < ?)`).run(before);
    }
    return db.prepare('DELETE FROM forecast_run WHERE from_day < ?').run(before).changes;
  });
  return { pruned: prune.immediate(), before };
}
