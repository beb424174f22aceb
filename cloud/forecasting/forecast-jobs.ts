/**
 * Long forecasting jobs (training, backtests, the daily forecast run) as rows a UI can poll: state,
 * progress 0..1, what is happening now, and the points of the progress chart (epoch -> loss,
 * model -> WAPE). One job of a kind runs at a time, which the table enforces too (a partial unique
 * index), so two racing requests cannot both start one. A failing job stores its message and
 * never escapes as an unhandled rejection; a job a crash left running is marked failed on open.
 */
import type { Clock } from '../../connectors/clock.ts';
import type { SqliteDatabase } from '../store/database.ts';
import { ForecastingError } from './forecasting-errors.ts';
import type { ForecastJob, JobKind, JobState } from './forecasting-types.ts';

export const JOB_KINDS: readonly JobKind[] = ['train', 'backtest', 'forecast'];
export const INTERRUPTED_MESSAGE = 'interrupted by a restart';

export interface JobPoint { x: number; y: number; label?: string }

/** What a running task reports through. */
export interface JobContext {
  readonly jobId: number;
  /** Aborted when the job is cancelled or the service closes. */
  readonly signal: AbortSignal;
  /** Stores progress (clamped to 0..1), the message and, when given, one more chart point. */
  report(progress: number, message: string, point?: JobPoint): void;
}

/** A job's work; resolves with its final message. */
export type JobTask = (context: JobContext) => Promise<string>;

interface JobRow {
  id: number;
  kind: JobKind;
  state: JobState;
  progress: number;
  message: string;
  started_at: number | null;
  finished_at: number | null;
  started_by: string;
  error: string | null;
  points: string;
}

const jobOf = (row: JobRow): ForecastJob => ({
  id: row.id,
  kind: row.kind,
  state: row.state,
  progress: row.progress,
  message: row.message,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  startedBy: row.started_by,
  error: row.error,
  points: JSON.parse(row.points) as JobPoint[],
});

export interface JobLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export class ForecastJobs {
  private readonly running = new Map<number, { controller: AbortController; done: Promise<void> }>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: Pick<Clock, 'now'>,
    private readonly logger: JobLogger,
  ) {}

  /** Marks jobs a crash left queued or running as failed; returns how many. */
  recoverInterrupted(): number {
    const now = this.clock.now();
    return this.db
      .prepare(`UPDATE forecast_job SET state = 'failed', error = ?, message = ?, finished_at = ? WHERE state IN ('queued', 'running')`)
      .run(INTERRUPTED_MESSAGE, INTERRUPTED_MESSAGE, now).changes;
  }

  /** Starts `task` as a job of `kind`; refused with CONFLICT while one of that kind runs. */
  start(kind: JobKind, actor: string, task: JobTask): ForecastJob {
    if (!JOB_KINDS.includes(kind)) throw new ForecastingError('INVALID_INPUT', `kind: expected one of ${JOB_KINDS.join(', ')}, found ${JSON.stringify(kind)}`, 'kind');
    if (typeof actor !== 'string' || actor.trim() === '') throw new ForecastingError('INVALID_INPUT', 'actor: expected the user starting the job', 'actor');
    const now = this.clock.now();
    const insert = this.db.transaction(() => {
      const active = this.db.prepare(`SELECT id FROM forecast_job WHERE kind = ? AND state IN ('queued', 'running')`).get(kind) as { id: number } | undefined;
      if (active !== undefined) throw new ForecastingError('CONFLICT', `kind: a ${kind} job (id ${active.id}) is already running; wait for it (GET /api/forecasting/jobs/${active.id}) or cancel it`, 'kind');
      return Number(this.db
        .prepare(`INSERT INTO forecast_job (kind, state, progress, message, created_at, started_at, started_by) VALUES (?, 'running', 0, 'starting', ?, ?, ?)`)
        .run(kind, now, now, actor).lastInsertRowid);
    });
    let id: number;
    try {
      id = insert.immediate();
    } catch (error) {
      // Another process on the same file won the race: the partial unique index refused this one.
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new ForecastingError('CONFLICT', `kind: a ${kind} job is already running; wait for it or cancel it`, 'kind');
      throw error;
    }
    const controller = new AbortController();
    const done = this.execute(id, kind, task, controller).finally(() => this.running.delete(id));
    this.running.set(id, { controller, done });
    return this.get(id)!;
  }

  get(id: number): ForecastJob | undefined {
    const row = this.db.prepare('SELECT * FROM forecast_job WHERE id = ?').get(id) as JobRow | undefined;
    return row === undefined ? undefined : jobOf(row);
  }

  /** The newest jobs first. */
  list(limit = 20): ForecastJob[] {
    return (this.db.prepare('SELECT * FROM forecast_job ORDER BY id DESC LIMIT ?').all(limit) as JobRow[]).map(jobOf);
  }

  /** The newest job of `kind` that finished with `done`. */
  lastDone(kind: JobKind): ForecastJob | undefined {
    const row = this.db.prepare(`SELECT * FROM forecast_job WHERE kind = ? AND state = 'done' ORDER BY id DESC LIMIT 1`).get(kind) as JobRow | undefined;
    return row === undefined ? undefined : jobOf(row);
  }

  isRunning(kind: JobKind): boolean {
    return this.db.prepare(`SELECT 1 FROM forecast_job WHERE kind = ? AND state IN ('queued', 'running')`).get(kind) !== undefined;
  }

  /** Asks a running job to stop; it ends 'cancelled'. Finished jobs are returned as they are. */
  cancel(id: number): ForecastJob {
    const job = this.get(id);
    if (job === undefined) throw new ForecastingError('NOT_FOUND', `id: no forecasting job ${id}; list them with GET /api/forecasting/status`, 'id');
    this.running.get(id)?.controller.abort(new Error('cancelled'));
    return job;
  }

  /** Resolves when the job (or every job, without an id) has finished. */
  async settled(id?: number): Promise<void> {
    const waits = id === undefined ? [...this.running.values()].map((one) => one.done) : [this.running.get(id)?.done];
    await Promise.all(waits);
  }

  /** Cancels every running job and waits for them to end. */
  async close(): Promise<void> {
    for (const one of this.running.values()) one.controller.abort(new Error('the forecasting service is closing'));
    await this.settled();
  }

  private async execute(id: number, kind: JobKind, task: JobTask, controller: AbortController): Promise<void> {
    const points: JobPoint[] = [];
    const update = this.db.prepare('UPDATE forecast_job SET progress = ?, message = ?, points = ? WHERE id = ?');
    const context: JobContext = {
      jobId: id,
      signal: controller.signal,
      report: (progress, message, point) => {
        if (point !== undefined) points.push(point);
        const clamped = Number.isFinite(progress) ? Math.min(1, Math.max(0, progress)) : 0;
        update.run(clamped, message, JSON.stringify(points), id);
      },
    };
    const finish = this.db.prepare('UPDATE forecast_job SET state = ?, progress = ?, message = ?, error = ?, finished_at = ? WHERE id = ?');
    try {
      // A task starts on a later turn, so start() has returned the row before any work happens.
      await Promise.resolve();
      const message = await task(context);
      controller.signal.throwIfAborted();
      finish.run('done', 1, message, null, this.clock.now(), id);
      this.logger.info({ job: id, kind }, `forecasting ${kind} job done: ${message}`);
    } catch (error) {
      const cancelled = controller.signal.aborted;
      const text = error instanceof Error ? error.message : String(error);
      try {
        const current = this.get(id);
        finish.run(cancelled ? 'cancelled' : 'failed', current?.progress ?? 0, cancelled ? `cancelled: ${text}` : `failed: ${text}`, cancelled ? null : text, this.clock.now(), id);
      } catch (storeError) {
        // The store itself failed (closed under us): the next open marks the job interrupted.
        this.logger.warn({ job: id, kind, err: storeError }, `could not store the end of forecasting ${kind} job ${id}`);
      }
      if (!cancelled) this.logger.warn({ job: id, kind, err: error }, `forecasting ${kind} job failed: ${text}`);
    }
  }
}
