/**
 * Maintenance tickets (DESIGN.md cold chain: three days in a row of alarms at one shelf raise a
 * maintenance ticket). A streak is a run of consecutive UTC alarm days; its third day opens one
 * ticket, later days of the same run only extend the ticket's `last_day`, and a clean day ends
 * the run, so the next three alarm days open another.
 */
import type { LocationRecord } from '../../config/master-data-schema.ts';
import type { SqliteDatabase } from '../store/database.ts';
import { ALARM_WINDOW_DAYS, type AlarmDay, type ShelfAlarmDays } from './shelf-alarm-days.ts';
import { measures } from './shelf-telemetry.ts';
import { addDays, dayOf, utcMinute } from './utc-days.ts';

export const STREAK_DAYS = 3;

export interface MaintenanceTicket {
  id: number;
  location: string;
  reason: string;
  /** The three alarm days that opened it, YYYY-MM-DD. */
  days: string[];
  openedAt: number;
  status: 'open' | 'closed';
}

interface Row { id: number; location: string; reason: string; days_json: string; last_day: string; status: string; opened_at: number }

const ticketOf = (r: Row): MaintenanceTicket => ({
  id: r.id, location: r.location, reason: r.reason, days: JSON.parse(r.days_json) as string[], openedAt: r.opened_at, status: r.status as MaintenanceTicket['status'],
});

/** Runs of consecutive days, oldest first. */
function runsOf(days: readonly AlarmDay[]): AlarmDay[][] {
  const runs: AlarmDay[][] = [];
  for (const day of days) {
    const run = runs.at(-1);
    if (run && addDays(run.at(-1)!.day, 1) === day.day) run.push(day);
    else runs.push([day]);
  }
  return runs;
}

function reasonFor(location: LocationRecord, days: readonly AlarmDay[]): string {
  let worst: AlarmDay['worst'] = null;
  for (const { worst: w } of days) {
    if (w && (!worst || distance(location, w) > distance(location, worst))) worst = w;
  }
  const head = `Shelf ${location.code} had readings outside its range on ${days.length} days in a row (${days.map((d) => d.day).join(', ')})`;
  if (!worst) return head;
  const m = measures[worst.measure];
  const range = m.rangeOf(location);
  return `${head}; worst reading ${worst.value} ${m.unit} ${worst.measure} at ${utcMinute(worst.ts)}${range ? ` (range ${range.min} to ${range.max} ${m.unit})` : ''}`;
}

function distance(location: LocationRecord, w: NonNullable<AlarmDay['worst']>): number {
  const range = measures[w.measure].rangeOf(location);
  return range ? Math.max(range.min - w.value, w.value - range.max, 0) : 0;
}

export class MaintenanceTickets {
  readonly #db: SqliteDatabase;
  readonly #alarmDays: ShelfAlarmDays;

  /** `db` must have the cloud migrations applied (migration 011). */
  constructor(db: SqliteDatabase, alarmDays: ShelfAlarmDays) {
    this.#db = db;
    this.#alarmDays = alarmDays;
  }

  /**
   * Opens a ticket for every streak of STREAK_DAYS alarm days that has none yet, from the alarm
   * days as last refreshed (ShelfAlarmDays.refresh); returns the tickets opened now.
   */
  evaluate(locations: readonly LocationRecord[], now: number): MaintenanceTicket[] {
    const today = dayOf(now);
    const firstDay = addDays(today, 1 - ALARM_WINDOW_DAYS);
    const opened: MaintenanceTicket[] = [];
    for (const location of locations) {
      const runs = runsOf(this.#alarmDays.alarmDays(location.code, firstDay, today));
      this.#db.transaction(() => {
        let latest = this.#db.prepare('SELECT * FROM maintenance_ticket WHERE location = ? ORDER BY last_day DESC, id DESC LIMIT 1').get(location.code) as Row | undefined;
        for (const run of runs) {
          const first = run[0]!.day;
          const last = run.at(-1)!.day;
          // Touching the latest ticket's streak (no clean day between): the same streak goes on.
          if (latest && first <= addDays(latest.last_day, 1)) {
            if (last > latest.last_day) {
              this.#db.prepare('UPDATE maintenance_ticket SET last_day = ? WHERE id = ?').run(last, latest.id);
              latest = { ...latest, last_day: last };
            }
            continue;
          }
          if (run.length < STREAK_DAYS) continue;
          const streak = run.slice(0, STREAK_DAYS);
          const days = streak.map((d) => d.day);
          const reason = reasonFor(location, streak);
          const row = this.#db.prepare(`INSERT INTO maintenance_ticket (location, reason, days_json, last_day, status, opened_at)
            VALUES (?, ?, ?, ?, 'open', ?) RETURNING *`).get(location.code, reason, JSON.stringify(days), last, now) as Row;
          latest = row;
          opened.push(ticketOf(row));
        }
      })();
    }
    return opened;
  }

  /** Newest first. */
  list(options: { location?: string; limit?: number } = {}): MaintenanceTicket[] {
    return (this.#db.prepare(`SELECT * FROM maintenance_ticket WHERE (@location IS NULL OR location = @location) ORDER BY opened_at DESC, id DESC LIMIT @limit`)
      .all({ location: options.location ?? null, limit: options.limit ?? 500 }) as Row[]).map(ticketOf);
  }

  /** The newest open ticket of a shelf, or null. */
  openTicketOf(location: string): { id: number; openedAt: number } | null {
    const row = this.#db.prepare(`SELECT id, opened_at FROM maintenance_ticket WHERE location = ? AND status = 'open' ORDER BY opened_at DESC, id DESC LIMIT 1`)
      .get(location) as { id: number; opened_at: number } | undefined;
    return row ? { id: row.id, openedAt: row.opened_at } : null;
  }
}
