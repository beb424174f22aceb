/**
 * Accounts an admin has locked: no login, and no session or token of the account is honoured,
 * until an admin unlocks it. Unlike a lock from failed logins (login-throttle.ts) it has no end.
 *
 * Kept in the login throttle's table (migration 003) under `account-lock:<user id>`, because it
 * is the same kind of fact (why logins are refused) and needs no schema change:
 * `last_failure_at` holds when the account was locked, `blocked_until` "never ends" and
 * `failures` 0. Keyed by id, not name, so the throttle's `user:`/`ip:` keys never meet it.
 */
import type { Clock } from '../../connectors/clock.ts';
import type { SqliteDatabase } from '../store/database.ts';

export interface AccountLocks {
  /** When an admin locked the account, or undefined when no admin lock is on it. */
  lockedAt(userId: number): number | undefined;
  /** Locks the account; locking a locked account keeps its first time. */
  lock(userId: number): void;
  /** True when there was a lock to lift. */
  unlock(userId: number): boolean;
}

const NO_END = Number.MAX_SAFE_INTEGER;
const keyOf = (userId: number) => `account-lock:${userId}`;

export class SqliteAccountLocks implements AccountLocks {
  readonly #clock: Pick<Clock, 'now'>;
  readonly #sql;

  constructor(db: SqliteDatabase, clock: Pick<Clock, 'now'>) {
    this.#clock = clock;
    this.#sql = {
      get: db.prepare('SELECT last_failure_at FROM login_throttle WHERE key = ?').pluck(),
      insert: db.prepare(`INSERT INTO login_throttle (key, failures, last_failure_at, blocked_until) VALUES (?, 0, ?, ${NO_END})
        ON CONFLICT (key) DO NOTHING`),
      delete: db.prepare('DELETE FROM login_throttle WHERE key = ?'),
    };
  }

  lockedAt(userId: number): number | undefined {
    return this.#sql.get.get(keyOf(userId)) as number | undefined;
  }

  lock(userId: number): void {
    this.#sql.insert.run(keyOf(userId), this.#clock.now());
  }

  unlock(userId: number): boolean {
    return this.#sql.delete.run(keyOf(userId)).changes === 1;
  }
}
