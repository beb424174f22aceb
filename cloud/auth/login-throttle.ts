/**
 * Slows password guessing, per username and per client address: after each failed login beyond
 * `freeFailures` the next attempt must wait `baseDelayMs * 2^(n-1)` for the n-th such failure
 * (capped at `maxDelayMs`); at
 * `lockAfter` failures the key is locked for `lockMs`. Attempts while waiting or locked are
 * refused before the password is checked, so they reveal nothing and cost no scrypt. A
 * success clears the username's count (not the address's: one valid account must not reset a
 * password-spraying address). Counts live in SQLite, so a restart does not forgive them.
 */
import type { Clock } from '../../connectors/clock.ts';
import type { SqliteDatabase } from '../store/database.ts';

export interface ThrottlePolicy {
  /** Failures that cost no wait (a mistyped password or two). */
  freeFailures: number;
  lockAfter: number;
  baseDelayMs: number;
  maxDelayMs: number;
  lockMs: number;
}

export interface ThrottlePolicies {
  username: ThrottlePolicy;
  ip: ThrottlePolicy;
}

export const DEFAULT_THROTTLE: ThrottlePolicies = {
  username: { freeFailures: 0, lockAfter: 5, baseDelayMs: 1000, maxDelayMs: 30_000, lockMs: 15 * 60_000 },
  // An address may carry a whole shift behind one NAT: a few typos cost nobody a wait, and it
  // takes many failures to lock it.
  ip: { freeFailures: 5, lockAfter: 20, baseDelayMs: 1000, maxDelayMs: 30_000, lockMs: 15 * 60_000 },
};

export type ThrottleVerdict =
  | { allowed: true }
  | { allowed: false; by: 'username' | 'ip'; locked: boolean; retryAfterMs: number };

export interface ThrottleStats {
  failures: number;
  refusedWhileWaiting: number;
  refusedWhileLocked: number;
  locks: number;
}

export interface LoginThrottle {
  check(username: string, ip: string): ThrottleVerdict;
  recordFailure(username: string, ip: string): void;
  recordSuccess(username: string): void;
  /** The username's lock from failed logins while it is in force (not a mere wait between attempts). */
  lockOf(username: string): { until: number } | undefined;
  /** Forgets the username's failures, lifting its lock (an admin's unlock); true when there were any. */
  forgive(username: string): boolean;
  stats(): ThrottleStats;
}

interface ThrottleRow {
  failures: number;
  last_failure_at: number;
  blocked_until: number;
}

export class SqliteLoginThrottle implements LoginThrottle {
  readonly #clock: Pick<Clock, 'now'>;
  readonly #policies: ThrottlePolicies;
  readonly #sql;
  readonly #stats: ThrottleStats = { failures: 0, refusedWhileWaiting: 0, refusedWhileLocked: 0, locks: 0 };

  constructor(db: SqliteDatabase, clock: Pick<Clock, 'now'>, policies: ThrottlePolicies = DEFAULT_THROTTLE) {
    this.#clock = clock;
    this.#policies = policies;
    this.#sql = {
      get: db.prepare('SELECT failures, last_failure_at, blocked_until FROM login_throttle WHERE key = ?'),
      put: db.prepare(`INSERT INTO login_throttle (key, failures, last_failure_at, blocked_until) VALUES (?, ?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at,
          blocked_until = excluded.blocked_until`),
      clear: db.prepare('DELETE FROM login_throttle WHERE key = ?'),
    };
  }

  /** Failures still counting: a served lock, or a quiet spell as long as a lock, forgives them. */
  #current(key: string, policy: ThrottlePolicy, now: number): ThrottleRow | undefined {
    const row = this.#sql.get.get(key) as ThrottleRow | undefined;
    if (!row) return undefined;
    const lockServed = row.failures >= policy.lockAfter && now >= row.blocked_until;
    if (lockServed || now - row.last_failure_at >= policy.lockMs) return undefined;
    return row;
  }

  check(username: string, ip: string): ThrottleVerdict {
    const now = this.#clock.now();
    for (const [by, key] of [['username', userKey(username)], ['ip', `ip:${ip}`]] as const) {
      const policy = this.#policies[by];
      const row = this.#current(key, policy, now);
      if (row && now < row.blocked_until) {
        const locked = row.failures >= policy.lockAfter;
        if (locked) this.#stats.refusedWhileLocked++;
        else this.#stats.refusedWhileWaiting++;
        return { allowed: false, by, locked, retryAfterMs: row.blocked_until - now };
      }
    }
    return { allowed: true };
  }

  recordFailure(username: string, ip: string): void {
    const now = this.#clock.now();
    this.#stats.failures++;
    for (const [by, key] of [['username', userKey(username)], ['ip', `ip:${ip}`]] as const) {
      const policy = this.#policies[by];
      const failures = (this.#current(key, policy, now)?.failures ?? 0) + 1;
      const locked = failures >= policy.lockAfter;
      if (locked) this.#stats.locks++;
      const paying = failures - policy.freeFailures;
      const waitMs = locked ? policy.lockMs : paying <= 0 ? 0 : Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (paying - 1));
      this.#sql.put.run(key, failures, now, now + waitMs);
    }
  }

  recordSuccess(username: string): void {
    this.#sql.clear.run(userKey(username));
  }

  lockOf(username: string): { until: number } | undefined {
    const now = this.#clock.now();
    const policy = this.#policies.username;
    const row = this.#current(userKey(username), policy, now);
    return row && row.failures >= policy.lockAfter && now < row.blocked_until ? { until: row.blocked_until } : undefined;
  }

  forgive(username: string): boolean {
    return this.#sql.clear.run(userKey(username)).changes > 0;
  }

  stats(): ThrottleStats {
    return { ...this.#stats };
  }
}

const userKey = (username: string) => `user:${username.toLowerCase()}`;
