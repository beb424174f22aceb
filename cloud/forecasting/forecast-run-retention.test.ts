import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../connectors/clock.ts';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import { addDays, isoWeekdayOfDay } from './calendar-features.ts';
import { checkKeepRunsDays, DEFAULT_KEEP_RUNS_DAYS, MIN_KEEP_RUNS_DAYS, pruneForecastRuns } from './forecast-run-retention.ts';
import { ForecastRuns, type StoredSeriesForecast } from './forecast-runs.ts';
import { MapeMonitor } from './mape-monitor.ts';
import { ModelStore } from './model-store.ts';
import { openForecasting } from './open-forecasting.ts';
import { ReviewTasks } from './review-tasks.ts';
import { MemorySalesHistory } from './testing/memory-sales-history.ts';

const TODAY = '2026-09-27'; // a Sunday: the monitor reaches furthest back (its window starts 90 days ago)
const NOW = Date.parse(`${TODAY}T01:00:00Z`);
const SKUS = ['A', 'B'];
/** Runs every 14 days, so the oldest monitored day's forecast comes from a run 13 days older (103). */
const OFFSETS = [145, 131, 117, 104, 103, 89, 75, 61, 47, 33, 19, 5];

/** A stored forecast from `from` whose value tells the run apart. */
function flat(sku: string, from: string, value: number): StoredSeriesForecast {
  return {
    sku, location: 'WH1', madeAt: Date.parse(`${from}T01:00:00Z`), from, model: 'ets', demandClass: 'smooth', why: 'hand-built', factorVersion: null, errorSdPerDay: 5,
    days: Array.from({ length: 14 }, (_, i) => ({ day: addDays(from, i), baseline: value, forecast: value, lower: value - 10, upper: value + 10, factors: [] })),
  };
}

const count = (db: SqliteDatabase, sql: string) => (db.prepare(sql).get() as { n: number }).n;

describe('forecast run retention', () => {
  let dir: string;
  let db: SqliteDatabase;
  let sales: MemorySalesHistory;
  let runs: ForecastRuns;
  let monitor: MapeMonitor;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-forecast-retention-'));
    db = openDatabase(join(dir, 'cloud.sqlite'));
    migrate(db);
    sales = new MemorySalesHistory();
    // Sales that differ day to day, so each run's forecast scores differently.
    for (const [k, sku] of SKUS.entries()) sales.set(sku, 'WH1', addDays(TODAY, -160), Array.from({ length: 160 }, (_, day) => 60 + ((day * (7 + k)) % 41)));
    runs = new ForecastRuns({ db, salesHistory: sales, models: new ModelStore(db), factors: { production: () => undefined }, clock: { now: () => NOW } });
    monitor = new MapeMonitor(db, sales, runs, new ReviewTasks(db, () => NOW));
    for (const offset of OFFSETS) {
      const from = addDays(TODAY, -offset);
      runs.store({ madeAt: Date.parse(`${from}T01:00:00Z`), from, forecasts: SKUS.map((sku) => flat(sku, from, 50 + offset)) });
    }
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const monitorRows = () => db.prepare('SELECT sku, location, week, days, nonzero_days, ape_sum, abs_error, abs_actual FROM forecast_monitor_week ORDER BY sku, location, week').all();
  const monitoredForecasts = () => SKUS.map((sku) => [...runs.forecastsFor(sku, 'WH1', addDays(TODAY, -90), TODAY)]);

  it('deletes exactly the runs made before today - keepRunsDays with all their rows, and the monitor scores the same', () => {
    expect(isoWeekdayOfDay(TODAY)).toBe(7);
    // A table added later that hangs off a run is pruned too.
    db.exec('CREATE TABLE forecast_run_note (run_id INTEGER NOT NULL REFERENCES forecast_run(id), note TEXT NOT NULL)');
    db.prepare('INSERT INTO forecast_run_note (run_id, note) SELECT id, from_day FROM forecast_run').run();
    monitor.update(NOW);
    const scoredBefore = monitorRows();
    const forecastsBefore = monitoredForecasts();
    expect(scoredBefore.length).toBeGreaterThanOrEqual(2 * 12);
    // The oldest monitored day is forecast by the run 103 days old: the floor is needed.
    expect(forecastsBefore[0]![0]).toEqual([addDays(TODAY, -90), 50 + 103]);

    const outcome = pruneForecastRuns(db, TODAY, MIN_KEEP_RUNS_DAYS);

    const kept = OFFSETS.filter((offset) => offset <= MIN_KEEP_RUNS_DAYS).map((offset) => addDays(TODAY, -offset));
    expect(outcome).toEqual({ pruned: OFFSETS.length - kept.length, before: addDays(TODAY, -103) });
    expect(outcome.pruned).toBe(4);
    expect((db.prepare('SELECT from_day FROM forecast_run ORDER BY from_day').all() as Array<{ from_day: string }>).map((row) => row.from_day)).toEqual(kept);
    for (const table of ['forecast_series', 'forecast_value', 'forecast_run_note']) {
      expect(count(db, `SELECT COUNT(*) AS n FROM ${table} WHERE run_id NOT IN (SELECT id FROM forecast_run)`), table).toBe(0);
    }
    expect(count(db, 'SELECT COUNT(*) AS n FROM forecast_series')).toBe(kept.length * SKUS.length);
    expect(count(db, 'SELECT COUNT(*) AS n FROM forecast_value')).toBe(kept.length * SKUS.length * 14);
    expect(count(db, 'SELECT COUNT(*) AS n FROM forecast_run_note')).toBe(kept.length);

    expect(monitoredForecasts()).toEqual(forecastsBefore);
    db.exec('DELETE FROM forecast_monitor_week');
    monitor.update(NOW);
    expect(monitorRows()).toEqual(scoredBefore);

    // Nothing more is old enough a second time.
    expect(pruneForecastRuns(db, TODAY, MIN_KEEP_RUNS_DAYS).pruned).toBe(0);
  });

  it('refuses a retention shorter than the monitor reads back, naming the field and the floor', () => {
    expect(MIN_KEEP_RUNS_DAYS).toBe(103);
    expect(DEFAULT_KEEP_RUNS_DAYS).toBeGreaterThanOrEqual(MIN_KEEP_RUNS_DAYS);
    for (const bad of [102, 30, 103.5, -1, '120', null]) {
      expect(() => checkKeepRunsDays(bad), String(bad)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', field: 'keepRunsDays', message: expect.stringMatching(/^keepRunsDays: expected a whole number of days >= 103 .*raise it to at least 103$/) }));
    }
    expect(() => pruneForecastRuns(db, TODAY, 90)).toThrow(/keepRunsDays: expected a whole number of days >= 103/);
    expect(count(db, 'SELECT COUNT(*) AS n FROM forecast_run')).toBe(OFFSETS.length);
    const elsewhere = join(dir, 'other', 'cloud.sqlite');
    const clock: Clock = { now: () => NOW, setTimeout: () => 0, clearTimeout: () => {} };
    expect(() => openForecasting(elsewhere, { salesHistory: sales, clock, logger: { info: () => {}, warn: () => {} }, dailyRunMinute: null, keepRunsDays: 60 }))
      .toThrow(expect.objectContaining({ code: 'INVALID_INPUT', field: 'keepRunsDays' }));
    expect(existsSync(elsewhere)).toBe(false);
  });

  it('the forecast job prunes after its run and says how many in its final message', async () => {
    const file = join(dir, 'cloud.sqlite');
    const clock: Clock = { now: () => NOW, setTimeout: () => 0, clearTimeout: () => {} };
    const service = openForecasting(file, { salesHistory: sales, clock, logger: { info: () => {}, warn: () => {} }, dailyRunMinute: null, keepRunsDays: 110 });
    try {
      const job = service.api.startJob('forecast', 'admin');
      await service.jobs.settled(job.id);
      const done = service.api.job(job.id)!;
      expect(done.state, done.error ?? '').toBe('done');
      // Made before today - 110 days: the runs 145, 131 and 117 days old.
      expect(done.message).toMatch(/^run \d+: 2 series from 2026-09-27(; \d+ review task\(s\) opened)?; 3 run\(s\) older than 110 days pruned$/);
      expect(count(db, 'SELECT COUNT(*) AS n FROM forecast_run')).toBe(OFFSETS.length - 3 + 1);
      expect(count(db, `SELECT COUNT(*) AS n FROM forecast_run WHERE from_day < '${addDays(TODAY, -110)}'`)).toBe(0);
    } finally {
      await service.close();
    }
  }, 30_000);
});
