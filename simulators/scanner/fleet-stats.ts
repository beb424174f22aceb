/**
 * What the fleet counts: scans sent, decisions by verdict, scan -> decision latency at the
 * device (first publish to the decision's arrival, resends included: what the operator waits),
 * resends, scans given up on, and how the PDAs reacted to decisions.
 */

export type Verdict = 'allow' | 'warn' | 'block';
export type Reaction = 'fefoRescans' | 'putawayRetries' | 'putawaysAbandoned' | 'overrides' | 'nearExpirySkipped';

export interface FleetStatsSnapshot {
  /** Scans sent (a resend of the same scanId is not counted again). */
  sent: number;
  decided: Record<Verdict, number>;
  /** Over the last `latencyWindow` decisions, ms. */
  latencyMs: { p50: number | null; p99: number | null; max: number | null; samples: number };
  resends: number;
  /** Scans given up on after the last resend went unanswered. */
  unanswered: number;
  /** Decisions for a scan no longer waited for (answered after it was given up, or twice). */
  late: number;
  /** Decision messages that were not the protocol's JSON. */
  badDecisions: number;
  reactions: Record<Reaction, number>;
  /** PDAs with a live MQTT session. */
  connected: number;
}

const latencyWindow = 10_000;

export class FleetStats {
  sent = 0;
  resends = 0;
  unanswered = 0;
  late = 0;
  badDecisions = 0;
  readonly decided: Record<Verdict, number> = { allow: 0, warn: 0, block: 0 };
  readonly reactions: Record<Reaction, number> = { fefoRescans: 0, putawayRetries: 0, putawaysAbandoned: 0, overrides: 0, nearExpirySkipped: 0 };
  readonly #latencies: number[] = [];
  #next = 0;

  decision(verdict: Verdict, latencyMs: number): void {
    this.decided[verdict]++;
    if (this.#latencies.length < latencyWindow) this.#latencies.push(latencyMs);
    else this.#latencies[this.#next] = latencyMs;
    this.#next = (this.#next + 1) % latencyWindow;
  }

  snapshot(connected: number): FleetStatsSnapshot {
    const sorted = [...this.#latencies].sort((a, b) => a - b);
    const at = (p: number) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);
    return {
      sent: this.sent, decided: { ...this.decided },
      latencyMs: { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? null, samples: sorted.length },
      resends: this.resends, unanswered: this.unanswered, late: this.late, badDecisions: this.badDecisions,
      reactions: { ...this.reactions }, connected,
    };
  }
}

/** One line for a console: `sent 120, allow 90 warn 20 block 8, p50 3 ms p99 12 ms, ...`. */
export function formatFleetStats(s: FleetStatsSnapshot): string {
  const ms = (v: number | null) => (v === null ? '-' : `${Math.round(v * 10) / 10} ms`);
  const r = s.reactions;
  return `${s.connected} connected, sent ${s.sent}, allow ${s.decided.allow} warn ${s.decided.warn} block ${s.decided.block}, `
    + `p50 ${ms(s.latencyMs.p50)} p99 ${ms(s.latencyMs.p99)}, resends ${s.resends}, unanswered ${s.unanswered}, `
    + `reactions: FEFO rescans ${r.fefoRescans}, put-away retries ${r.putawayRetries}, overrides ${r.overrides}, near-expiry skipped ${r.nearExpirySkipped}`;
}
