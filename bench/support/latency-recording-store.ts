/**
 * A TelemetryStore decorator that times the whole way from a device read to the cloud store:
 * after each insertSamples commits, `now() - point.ts` for every accepted point, where `ts` is
 * the gateway's read time. Meaningful only where both ends read the same clock (one machine).
 *
 * The store reports counts, not which points were new; a batch with duplicates (a birth repeating
 * a stored value, a redelivered frame) is left out whole and counted, so every recorded latency
 * is a first store. Historical (replayed) points carry no flag in TelemetryPoint: the caller
 * keeps them out with `accept` and a start mark, and checks the ingest's historical count.
 */
import type {
  HistoryPoint, HistoryQuery, LatestFilter, LatestValue, MetricDefinition, TelemetryPoint, TelemetryStore,
} from '../../cloud/store/telemetry-store.ts';

export interface LatencyRecordingOptions {
  /** Which points are timed (e.g. one device's, read after the warm-up). */
  accept: (point: TelemetryPoint) => boolean;
  now?: () => number;
}

export class LatencyRecordingStore implements TelemetryStore {
  readonly #inner: TelemetryStore;
  readonly #accept: (point: TelemetryPoint) => boolean;
  readonly #now: () => number;
  #latenciesMs: number[] = [];
  #batches = 0;
  #skippedForDuplicates = 0;

  constructor(inner: TelemetryStore, options: LatencyRecordingOptions) {
    this.#inner = inner;
    this.#accept = options.accept;
    this.#now = options.now ?? Date.now;
  }

  /** Latencies recorded so far (ms, in arrival order), batches they came in, points left out. */
  recorded(): { latenciesMs: readonly number[]; batches: number; skippedForDuplicates: number } {
    return { latenciesMs: this.#latenciesMs, batches: this.#batches, skippedForDuplicates: this.#skippedForDuplicates };
  }

  /** Forgets everything recorded (between runs, or after a warm-up). */
  reset(): void {
    this.#latenciesMs = [];
    this.#batches = 0;
    this.#skippedForDuplicates = 0;
  }

  insertSamples(points: TelemetryPoint[]): { inserted: number; duplicates: number } {
    const result = this.#inner.insertSamples(points);
    const storedAt = this.#now();
    const timed = points.filter(this.#accept);
    if (timed.length === 0) return result;
    if (result.duplicates > 0) {
      this.#skippedForDuplicates += timed.length;
      return result;
    }
    this.#batches++;
    for (const point of timed) this.#latenciesMs.push(storedAt - point.ts);
    return result;
  }

  defineMetrics(defs: MetricDefinition[]): void {
    this.#inner.defineMetrics(defs);
  }

  resolveAlias(group: string, edge: string, alias: number): MetricDefinition | undefined {
    return this.#inner.resolveAlias(group, edge, alias);
  }

  latest(filter?: LatestFilter): LatestValue[] {
    return this.#inner.latest(filter);
  }

  history(q: HistoryQuery): HistoryPoint[] {
    return this.#inner.history(q);
  }

  counts(): { samples: number; tags: number } {
    return this.#inner.counts();
  }

  close(): void {
    this.#inner.close();
  }
}
