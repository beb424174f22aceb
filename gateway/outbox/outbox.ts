/**
 * The durable, ordered store between reading and publishing (DESIGN.md "Nothing acknowledged is
 * lost"): a value enters in a committed transaction before anything depends on it and leaves only
 * when the north link acknowledges it. Implementations run `describeOutboxConformance`.
 */
import type { TagValue } from '../../connectors/connector.ts';

/**
 * What a record carries. 'sample' is telemetry: device/tag name the Sparkplug device and metric.
 * 'event' is an edge event or command acknowledgement (docs/edge-events.md): `device` holds the
 * edge-link channel (the last topic level, e.g. 'ack', 'event', 'config'), `tag` the message id
 * and `value` the JSON text published as is.
 */
export type OutboxKind = 'sample' | 'event';

/** One record to append. */
export interface OutboxInput extends TagValue {
  /** Defaults to 'sample'. */
  kind?: OutboxKind;
}

/** A stored record: the input plus its position in the outbox. */
export interface OutboxRecord extends Required<Omit<OutboxInput, 'error'>> {
  /** Strictly increasing, never reused, even after the outbox empties. */
  seq: number;
  error?: string;
}

export interface OutboxStats {
  rows: number;
  /** Accounted size of the queued rows (see the implementation for what is counted). */
  bytes: number;
  maxBytes: number;
  /** Rows dropped by the byte budget over the outbox's whole life (persisted). */
  dropped: number;
  /** Rows appended since this instance was opened. */
  appended: number;
  /** Rows removed by ack since this instance was opened. */
  acked: number;
  /** Timestamp of the oldest queued record, or null when empty. */
  oldestTs: number | null;
}

/** A window of seqs: afterSeq < seq <= throughSeq; either bound may be left open. */
export interface SeqRange {
  afterSeq?: number;
  throughSeq?: number;
}

export interface Outbox {
  /** Appends in order in one committed transaction; returns the seq of the last record (or the current last seq when `records` is empty). */
  append(records: readonly OutboxInput[]): number;
  /** Up to `limit` records (within `range`, when given), oldest first. Does not remove them. */
  peek(limit: number, range?: SeqRange): OutboxRecord[];
  /** Removes every record with seq <= uptoSeq. Acking an already acked seq is a no-op. */
  ack(uptoSeq: number): void;
  /**
   * Removes every record with fromSeq <= seq <= throughSeq, leaving older ones queued: how live
   * data is acknowledged while a backlog is still being replayed.
   */
  ackRange(fromSeq: number, throughSeq: number): void;
  /** Queued records within `range` (all when omitted). */
  count(range?: SeqRange): number;
  /** The seq of the newest record ever appended (0 before the first); survives reopening. */
  lastSeq(): number;
  stats(): OutboxStats;
  /** Small durable key/value store for state that must survive restarts (e.g. Sparkplug bdSeq). */
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  /** Idempotent. */
  close(): void;
}
