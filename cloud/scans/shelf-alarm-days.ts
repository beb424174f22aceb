/**
 * Alarm days: per shelf and UTC day, how many readings were outside the shelf's own limits
 * (DESIGN.md cold chain: a shelf outside 2-8 °C) and the worst of them. Computed from telemetry
 * and kept in `shelf_alarm_day`, so the shelf view and the ticket streaks read a few rows instead
 * of a week of samples.
 *
 * Readings may arrive late (a gateway replays its outbox after an outage), so days are computed
 * again: today and yesterday on every refresh, the whole window once an hour.
 */
import type { LocationRecord } from '../../config/master-data-schema.ts';
import type { SqliteDatabase } from '../store/database.ts';
import { distanceOutside, measureNames, measures, type Measure, type ShelfTelemetry } from './shelf-telemetry.ts';
import { DAY_MS, dayStart, lastDays } from './utc-days.ts';

export interface AlarmDay {
  location: string;
  day: string;
  excursions: number;
  /** The reading furthest outside its range that day. */
  worst: { measure: Measure; value: number; ts: number } | null;
}

/** Days looked back over: the shelf view shows 7, a ticket streak needs at least 3. */
export const ALARM_WINDOW_DAYS = 14;
const RECENT_DAYS = 2;
const FULL_REFRESH_MS = 3_600_000;

interface Row { location: string; day: string; excursions: number; worst_measure: string | null; worst_value: number | null; worst_ts: number | null }

const alarmDayOf = (r: Row): AlarmDay => ({
  location: r.location, day: r.day, excursions: r.excursions,
  worst: r.worst_measure === null ? null : { measure: r.worst_measure as Measure, value: r.worst_value!, ts: r.worst_ts! },
});

/** True when the location has a sensor and a range for at least one measure: only those can alarm. */
export const isWatched = (l: LocationRecord): boolean => measureNames.some((m) => measures[m].tagOf(l) && measures[m].rangeOf(l));

export class ShelfAlarmDays {
  readonly #db: SqliteDatabase;
  readonly #telemetry: ShelfTelemetry;
  #lastFullRefresh = Number.NEGATIVE_INFINITY;

  /** `db` must have the cloud migrations applied (migration 011). */
  constructor(db: SqliteDatabase, telemetry: ShelfTelemetry) {
    this.#db = db;
    this.#telemetry = telemetry;
  }

  /** Computes the days due now for every watched location (all of the window when `full`). */
  refresh(locations: readonly LocationRecord[], now: number, options: { full?: boolean } = {}): void {
    const full = options.full === true || now - this.#lastFullRefresh >= FULL_REFRESH_MS;
    const days = lastDays(now, full ? ALARM_WINDOW_DAYS : RECENT_DAYS);
    for (const location of locations) {
      if (isWatched(location)) this.#compute(location, days, now);
    }
    if (full) this.#lastFullRefresh = now;
  }

  #compute(location: LocationRecord, days: readonly string[], now: number): void {
    const results = days.map((day) => {
      const from = dayStart(day);
      const to = Math.min(from + DAY_MS - 1, now);
      let excursions = 0;
      let worst: { measure: Measure; value: number; ts: number; distance: number } | null = null;
      for (const measure of measureNames) {
        const tag = measures[measure].tagOf(location);
        const range = measures[measure].rangeOf(location);
        if (!tag || !range) continue;
        for (const s of this.#telemetry.samples(tag, from, to)) {
          const distance = distanceOutside(s.value, range);
          if (distance === 0) continue;
          excursions++;
          if (!worst || distance > worst.distance) worst = { measure, value: s.value, ts: s.ts, distance };
        }
      }
      return { day, excursions, worst };
    });
    const upsert = this.#db.prepare(`
      INSERT INTO shelf_alarm_day (location, day, excursions, worst_measure, worst_value, worst_ts, evaluated_at)
      VALUES (@location, @day, @excursions, @measure, @value, @ts, @now)
      ON CONFLICT (location, day) DO UPDATE SET excursions = excluded.excursions, worst_measure = excluded.worst_measure,
        worst_value = excluded.worst_value, worst_ts = excluded.worst_ts, evaluated_at = excluded.evaluated_at`);
    this.#db.transaction(() => {
      for (const r of results) {
        upsert.run({ location: location.code, day: r.day, excursions: r.excursions, measure: r.worst?.measure ?? null,
          value: r.worst?.value ?? null, ts: r.worst?.ts ?? null, now });
      }
    })();
  }

  /** The location's days in [firstDay, lastDay] with at least one excursion, oldest first. */
  alarmDays(location: string, firstDay: string, lastDay: string): AlarmDay[] {
    return (this.#db.prepare(`SELECT * FROM shelf_alarm_day WHERE location = ? AND day >= ? AND day <= ? AND excursions > 0 ORDER BY day`)
      .all(location, firstDay, lastDay) as Row[]).map(alarmDayOf);
  }
}
