/**
 * Store and forward for one MQTT session: the rows queued before the session's birth are the
 * backlog, replayed oldest first under a token-bucket budget (at most one second of tokens), while
 * rows appended after the birth are live and never wait for it. The backlog goes in chunks of at
 * least 50 ms of budget (or the batch size), so replayed frames stay full rather than carrying the
 * few rows each loop turn's elapsed milliseconds would allow.
 */
import type { Clock } from '../../connectors/clock.ts';
import type { Outbox, OutboxRecord } from '../outbox/outbox.ts';

export class ReplayLanes {
  /** Rows with seq <= backlogEnd were queued before this session's birth. */
  readonly backlogEnd: number;
  #pending: boolean;
  #tokens = 0;
  #refilledAt: number;
  readonly #outbox: Outbox;
  readonly #clock: Clock;
  readonly #pointsPerS: number;
  #minChunk = 1;

  /** Draws the line between backlog and live at the outbox's newest row, now. */
  constructor(outbox: Outbox, options: { clock: Clock; pointsPerS: number }) {
    this.#outbox = outbox;
    this.#clock = options.clock;
    this.#pointsPerS = options.pointsPerS;
    this.backlogEnd = outbox.lastSeq();
    this.#pending = outbox.count({ throughSeq: this.backlogEnd }) > 0;
    this.#refilledAt = this.#clock.now();
  }

  /** Whether backlog rows may remain (false once a peek found none). */
  get backlogPending(): boolean {
    return this.#pending;
  }

  backlogRows(): number {
    return this.#pending ? this.#outbox.count({ throughSeq: this.backlogEnd }) : 0;
  }

  live(limit: number): OutboxRecord[] {
    return this.#outbox.peek(limit, { afterSeq: this.backlogEnd });
  }

  /** The next backlog rows the budget allows now, at most `limit`; spends their tokens. */
  takeBacklog(limit: number): OutboxRecord[] {
    if (!this.#pending) return [];
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#pointsPerS, this.#tokens + ((now - this.#refilledAt) * this.#pointsPerS) / 1000);
    this.#refilledAt = now;
    this.#minChunk = Math.max(1, Math.min(limit, Math.floor(this.#pointsPerS / 20)));
    const allowed = Math.min(limit, Math.floor(this.#tokens));
    if (allowed < this.#minChunk) return [];
    const rows = this.#outbox.peek(allowed, { throughSeq: this.backlogEnd });
    if (rows.length === 0) this.#pending = false;
    this.#tokens -= rows.length;
    return rows;
  }

  /** How long until the budget allows the next backlog chunk (Infinity when there is no backlog). */
  msUntilTokens(): number {
    if (!this.#pending) return Infinity;
    return Math.max(1, Math.ceil(((this.#minChunk - this.#tokens) * 1000) / this.#pointsPerS));
  }
}
