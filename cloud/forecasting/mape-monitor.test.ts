import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import { addDays } from './calendar-features.ts';
import { ForecastRuns, type StoredSeriesForecast } from './forecast-runs.ts';
import { ForecastingError } from './forecasting-errors.ts';
import { MapeMonitor, mondayOf } from './mape-monitor.ts';
import { ModelStore } from './model-store.ts';
import { ReviewTasks } from './review-tasks.ts';
import { MemorySalesHistory } from './testing/memory-sales-history.ts';

const W1 = '2026-03-02'; // a Monday
const week = (n: number) => addDays(W1, 7 * (n - 1));
const at = (day: string, hour = 1) => Date.parse(`${day}T0${hour}:00:00Z`);

/** A stored forecast of `value` every day for `days` days from `from`. */
function flat(sku: string, from: string, value: number, days = 14): StoredSeriesForecast {
  return {
    sku, location: 'WH1', madeAt: at(from), from, model: 'ets', demandClass: 'smooth', why: 'hand-built', factorVersion: null, errorSdPerDay: 5,
    days: Array.from({ length: days }, (_, i) => ({ day: addDays(from, i), baseline: value, forecast: value, lower: value - 10, upper: value + 10, factors: [] })),
  };
}

/** Sets `qty` on each of the 7 days of week `n` (with `overrides` by weekday index 0..6). */
function sell(sales: MemorySalesHistory, sku: string, n: number, qty: number, overrides: Record<number, number> = {}) {
  sales.setDays(sku, 'WH1', Object.fromEntries(Array.from({ length: 7 }, (_, i) => [addDays(week(n), i), overrides[i] ?? qty])));
}

describe('MAPE monitor', () => {
  let dir: string;
  let db: SqliteDatabase;
  let sales: MemorySalesHistory;
  let runs: ForecastRuns;
  let reviews: ReviewTasks;
  let monitor: MapeMonitor;
  let now: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-mape-monitor-'));
    db = openDatabase(join(dir, 'cloud.sqlite'));
    migrate(db);
    sales = new MemorySalesHistory();
    now = at(W1);
    runs = new ForecastRuns({ db, salesHistory: sales, models: new ModelStore(db), factors: { production: () => undefined }, clock: { now: () => now } });
    reviews = new ReviewTasks(db, () => now);
    monitor = new MapeMonitor(db, sales, runs, reviews);
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens one review after 3 consecutive weeks above 15% and not before, and closing it needs a note', () => {
    // Weekly runs forecast 100 a day; A sells 130 (23% off) every week, B only in the first two.
    for (const n of [1, 2, 3, 4]) runs.store({ madeAt: at(week(n)), from: week(n), forecasts: [flat('A', week(n), 100), flat('B', week(n), 100)] });
    sell(sales, 'A', 1, 130);
    sell(sales, 'B', 1, 130, { 6: 0 });
    sell(sales, 'A', 2, 130);
    sell(sales, 'B', 2, 130);

    now = at(addDays(week(3), 1));
    expect(monitor.update(now)).toEqual([]);
    const b1 = monitor.week('B', 'WH1', week(1))!;
    expect(b1.mape).toBeCloseTo(30 / 130, 12); // the zero day has no percentage error
    expect(b1.wape).toBeCloseTo((6 * 30 + 100) / (6 * 130), 12);
    expect(b1).toMatchObject({ days: 7, breach: true });
    expect(reviews.list()).toEqual([]);

    sell(sales, 'A', 3, 130);
    sell(sales, 'B', 3, 105);
    now = at(week(4));
    const opened = monitor.update(now);
    expect(opened.map((task) => task.sku)).toEqual(['A']);
    expect(opened[0]).toMatchObject({ location: 'WH1', weeks: [week(1), week(2), week(3)], state: 'open', openedAt: now, closedAt: null, note: null });
    expect(opened[0]!.mapes.every((mape) => Math.abs(mape - 30 / 130) < 1e-12)).toBe(true);
    expect(opened[0]!.reason).toContain('23.1%');
    expect(monitor.update(now + 3_600_000)).toEqual([]); // one open task per series

    const weeks = monitor.weeks(now, { weeks: 3 });
    const pooled = weeks.find((row) => row.sku === '*' && row.week === week(3))!;
    expect(pooled.mape).toBeCloseTo((7 * (30 / 130) + 7 * (5 / 105)) / 14, 12);
    expect(pooled.breach).toBe(false); // 13.9% over both series
    expect(weeks.filter((row) => row.sku === 'B').map((row) => row.breach)).toEqual([true, true, false]);
    expect(monitor.weeks(now, { sku: 'A' }).every((row) => row.sku === 'A')).toBe(true);

    const id = opened[0]!.id;
    for (const note of ['', '   ', undefined, 42]) {
      expect(() => reviews.close(id, { actor: 'purchasing', note })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', field: 'note' }));
    }
    expect(reviews.get(id)!.state).toBe('open');
    const closed = reviews.close(id, { actor: 'purchasing', note: 'promotion was not in the factor set; added it' });
    expect(closed).toMatchObject({ state: 'closed', closedBy: 'purchasing', note: 'promotion was not in the factor set; added it', closedAt: now });
    expect(() => reviews.close(id, { actor: 'purchasing', note: 'again' })).toThrow(ForecastingError);
    expect(() => reviews.close(999, { actor: 'purchasing', note: 'x' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));

    // The same streak does not open a second task; a fourth breaching week does.
    expect(monitor.update(now + 7_200_000)).toEqual([]);
    sell(sales, 'A', 4, 130);
    now = at(addDays(week(4), 7));
    expect(mondayOf(addDays(week(4), 9))).toBe(week(5));
    expect(monitor.update(now).map((task) => [task.sku, task.weeks])).toEqual([['A', [week(2), week(3), week(4)]]]);
  });

  it('scores each day against the forecast current that morning, not a later one', () => {
    runs.store({ madeAt: at(week(1)), from: week(1), forecasts: [flat('C', week(1), 100)] });
    // A run made on Thursday replaces the forecast from Thursday on only.
    runs.store({ madeAt: at(addDays(week(1), 3)), from: addDays(week(1), 3), forecasts: [flat('C', addDays(week(1), 3), 50)] });
    sell(sales, 'C', 1, 100);
    monitor.update(at(week(2)));
    const scored = monitor.week('C', 'WH1', week(1))!;
    expect(scored.wape).toBeCloseTo((4 * 50) / (7 * 100), 12);
    expect(scored.mape).toBeCloseTo(4 * 0.5 / 7, 12);
  });
});
