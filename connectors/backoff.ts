/** Jittered exponential backoff for reconnects (PLC, server or broker restarts). */
export interface BackoffPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** 0..1: the delay is multiplied by a random factor in [1 - jitter, 1 + jitter]. */
  jitter: number;
}

/** Delay before reconnect attempt `attempt` (0-based). Jitter spreads a fleet's reconnects apart. */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt, 30));
  const factor = 1 - policy.jitter + 2 * policy.jitter * random();
  return Math.max(0, Math.round(Math.min(policy.maxDelayMs, base * factor)));
}
