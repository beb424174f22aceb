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
  /**
   * Backlog rows still queued, kept without a COUNT per look (stats() and /metrics ask often):
   * acknowledged rows leave it, and so do rows the byte budget drops, which are always the
   * oldest, hence backlog rows while there are any.
   */
  #remaining: number;
  #droppedSeen: number;
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
    this.#remaining = outbox.count({ throughSeq: this.backlogEnd });
    this.#droppedSeen = outbox.stats().dropped;
    this.#pending = this.#remaining > 0;
    this.#refilledAt = this.#clock.now();
    // One chunk at once: the backlog's oldest rows go in the session's first cycle, before any live row can.
    this.#tokens = this.#chunk(Number.MAX_SAFE_INTEGER);
  }

  /** Whether backlog rows may remain (false once a peek found none). */
  get backlogPending(): boolean {
    return this.#pending;
  }

  backlogRows(): number {
    if (!this.#pending) return 0;
    const { dropped } = this.#outbox.stats();
    this.#remaining = Math.max(0, this.#remaining - (dropped - this.#droppedSeen));
    this.#droppedSeen = dropped;
    return this.#remaining;
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
    this.#minChunk = this.#chunk(limit);
    const allowed = Math.min(limit, Math.floor(this.#tokens));
    if (allowed < this.#minChunk) return [];
    const rows = this.#outbox.peek(allowed, { throughSeq: this.backlogEnd });
    if (rows.length === 0) this.#pending = false;
    this.#tokens -= rows.length;
    return rows;
  }

  /** Removes rows of one lane, published and acknowledged, from the outbox. */
  ack(rows: readonly OutboxRecord[], lane: 'live' | 'backlog'): void {
    if (rows.length === 0) return;
    this.#outbox.ackRange(rows[0].seq, rows[rows.length - 1].seq);
    if (lane === 'backlog') {
      this.backlogRows(); // drops first, then the acknowledged rows leave the count
      this.#remaining = Math.max(0, this.#remaining - rows.length);
    }
  }

  /** At least 50 ms of budget, at most `limit` rows. */
  #chunk(limit: number): number {
    return Math.max(1, Math.min(limit, Math.floor(this.#pointsPerS / 20)));
  }

  /** How long until the budget allows the next backlog chunk (Infinity when there is no backlog). */
  msUntilTokens(): number {
    if (!this.#pending) return Infinity;
    return Math.max(1, Math.ceil(((this.#minChunk - this.#tokens) * 1000) / this.#pointsPerS));
  }
}
