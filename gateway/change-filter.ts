/**
 * Report by exception: decides which reads are worth queueing. A value is reported when its
 * quality or error code changes, when a number moved by more than the tag's deadband since the
 * last *reported* value (so slow drift still gets through), when a boolean or string changed, and
 * at least every heartbeat so a flat line still shows the tag is alive.
 */
import type { TagScalar, TagValue } from '../connectors/connector.ts';

export const DEFAULT_HEARTBEAT_MS = 60_000;

export interface ChangeFilterOptions {
  /** Deadband in engineering units; 0 reports every change. */
  deadbandOf?: (device: string, tag: string) => number;
  /** Report an unchanged value again after this long; 0 disables. Default 60 s. */
  heartbeatMs?: number;
}

interface Reported {
  value: TagScalar;
  quality: TagValue['quality'];
  error: string | undefined;
  ts: number;
}

export class ChangeFilter {
  readonly #deadbandOf: (device: string, tag: string) => number;
  readonly #heartbeatMs: number;
  readonly #reported = new Map<string, Reported>();

  constructor(options: ChangeFilterOptions = {}) {
    this.#deadbandOf = options.deadbandOf ?? (() => 0);
    this.#heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  }

  /** The values to report, in input order; remembers them as the last reported. */
  filter(values: readonly TagValue[]): TagValue[] {
    const out: TagValue[] = [];
    for (const v of values) {
      const key = `${v.device}\u0000${v.tag}`;
      const last = this.#reported.get(key);
      if (last && !this.#worthReporting(v, last)) continue;
      this.#reported.set(key, { value: v.value, quality: v.quality, error: v.error, ts: v.ts });
      out.push(v);
    }
    return out;
  }

  /** Forget what was reported (all, or one device), so its next values are reported. */
  reset(device?: string): void {
    if (device === undefined) return this.#reported.clear();
    for (const key of this.#reported.keys()) if (key.startsWith(`${device}\u0000`)) this.#reported.delete(key);
  }

  #worthReporting(v: TagValue, last: Reported): boolean {
    if (v.quality !== last.quality || v.error !== last.error) return true;
    if (this.#heartbeatMs > 0 && v.ts - last.ts >= this.#heartbeatMs) return true;
    return valueChanged(v.value, last.value, this.#deadbandOf(v.device, v.tag));
  }
}

function valueChanged(now: TagScalar, before: TagScalar, deadband: number): boolean {
  if (typeof now === 'number' && typeof before === 'number') {
    if (Number.isNaN(now) || Number.isNaN(before)) return Number.isNaN(now) !== Number.isNaN(before);
    return deadband > 0 ? Math.abs(now - before) > deadband : now !== before;
  }
  return now !== before;
}
