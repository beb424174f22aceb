/**
 * Review tasks the MAPE monitor opens (issue 8, item 5): at most one open per series (the table
 * enforces it too), never a second one for the same streak of weeks, and closing one needs a note
 * saying what was done, so the record explains itself.
 */
import type { SqliteDatabase } from '../store/database.ts';
import { ForecastingError } from './forecasting-errors.ts';
import type { ReviewTask } from './forecasting-types.ts';

export const MAX_NOTE_LENGTH = 2000;

interface ReviewRow { id: number; sku: string; location: string; weeks: string; mapes: string; reason: string; state: 'open' | 'closed'; opened_at: number; closed_at: number | null; closed_by: string | null; note: string | null }

const reviewOf = (row: ReviewRow): ReviewTask => ({
  id: row.id, sku: row.sku, location: row.location, weeks: JSON.parse(row.weeks) as string[], mapes: JSON.parse(row.mapes) as number[], reason: row.reason,
  state: row.state, openedAt: row.opened_at, closedAt: row.closed_at, closedBy: row.closed_by, note: row.note,
});

const pct = (value: number) => `${Math.round(value * 1000) / 10}%`;

export class ReviewTasks {
  constructor(private readonly db: SqliteDatabase, private readonly now: () => number) {}

  /**
   * Opens a review for a breaching streak; undefined when the series has one open already or one
   * (open or closed) was opened for the streak's newest week.
   */
  openFor(input: { sku: string; location: string; weeks: string[]; mapes: number[]; now: number }): ReviewTask | undefined {
    const newest = input.weeks.at(-1)!;
    const existing = this.db.prepare(`SELECT * FROM forecast_review WHERE sku = ? AND location = ? AND (state = 'open' OR EXISTS (SELECT 1 FROM json_each(weeks) WHERE value = ?))`).get(input.sku, input.location, newest);
    if (existing !== undefined) return undefined;
    const reason = `MAPE above 15% for ${input.weeks.length} consecutive weeks: ${input.weeks.map((week, k) => `${week} ${pct(input.mapes[k]!)}`).join(', ')}`;
    const id = Number(this.db
      .prepare(`INSERT INTO forecast_review (sku, location, weeks, mapes, reason, state, opened_at) VALUES (?, ?, ?, ?, ?, 'open', ?)`)
      .run(input.sku, input.location, JSON.stringify(input.weeks), JSON.stringify(input.mapes), reason, input.now).lastInsertRowid);
    return this.get(id);
  }

  get(id: number): ReviewTask | undefined {
    const row = this.db.prepare('SELECT * FROM forecast_review WHERE id = ?').get(id) as ReviewRow | undefined;
    return row === undefined ? undefined : reviewOf(row);
  }

  /** Newest first; of one state or all. */
  list(state?: 'open' | 'closed'): ReviewTask[] {
    const rows = state === undefined
      ? this.db.prepare('SELECT * FROM forecast_review ORDER BY id DESC').all()
      : this.db.prepare('SELECT * FROM forecast_review WHERE state = ? ORDER BY id DESC').all(state);
    return (rows as ReviewRow[]).map(reviewOf);
  }

  /** The open review of a series, if any. */
  openOf(sku: string, location: string): ReviewTask | undefined {
    const row = this.db.prepare(`SELECT * FROM forecast_review WHERE sku = ? AND location = ? AND state = 'open'`).get(sku, location) as ReviewRow | undefined;
    return row === undefined ? undefined : reviewOf(row);
  }

  close(id: number, input: { actor: string; note: unknown }): ReviewTask {
    const note = typeof input.note === 'string' ? input.note.trim() : '';
    if (note === '' || note.length > MAX_NOTE_LENGTH) {
      throw new ForecastingError('INVALID_INPUT', `note: expected what was found and done (1-${MAX_NOTE_LENGTH} characters), found ${JSON.stringify(input.note)}`, 'note');
    }
    const close = this.db.transaction(() => {
      const task = this.get(id);
      if (task === undefined) throw new ForecastingError('NOT_FOUND', `id: no review task ${id}; list them with GET /api/forecasting/reviews`, 'id');
      if (task.state === 'closed') throw new ForecastingError('CONFLICT', `id: review task ${id} was closed by ${task.closedBy}; it stays as it is`, 'id');
      this.db.prepare(`UPDATE forecast_review SET state = 'closed', closed_at = ?, closed_by = ?, note = ? WHERE id = ?`).run(this.now(), input.actor, note, id);
      return this.get(id)!;
    });
    return close.immediate();
  }
}
