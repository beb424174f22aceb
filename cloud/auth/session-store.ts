/**
 * Login sessions. The id is 256 random bits handed to the browser once, in an HttpOnly cookie;
 * the table keeps only its SHA-256, so a copy of the database logs nobody in. A session ends
 * when idle longer than `idleMs` or older than `absoluteMs`, whichever comes first; each session
 * carries its own CSRF token (synchronizer token), which dies with it.
 */
import type { Clock } from '../../connectors/clock.ts';
import type { SqliteDatabase } from '../store/database.ts';
import { digest, randomSecret } from './secret-digest.ts';

export interface Session {
  idHash: string;
  userId: number;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
}

export interface SessionStore {
  /** Starts a session; the returned id is the only copy of the cookie value. */
  create(userId: number, from: { ip?: string; userAgent?: string }): { id: string; session: Session };
  /** The live session for a cookie value, touched as seen now; undefined when unknown or expired. */
  resolve(id: string): Session | undefined;
  delete(id: string): void;
  /** Ends every session of a user except `keepIdHash` (after a password change). */
  deleteForUser(userId: number, keepIdHash?: string): number;
}

export interface SessionLifetimes {
  idleMs: number;
  absoluteMs: number;
}

/** Touching last_seen on every request would write on every poll; once a minute is precise enough. */
const TOUCH_EVERY_MS = 60_000;

interface SessionRow {
  id_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
}

export class SqliteSessionStore implements SessionStore {
  readonly #clock: Pick<Clock, 'now'>;
  readonly #lifetimes: SessionLifetimes;
  readonly #sql;

  constructor(db: SqliteDatabase, clock: Pick<Clock, 'now'>, lifetimes: SessionLifetimes) {
    this.#clock = clock;
    this.#lifetimes = lifetimes;
    this.#sql = {
      insert: db.prepare(`INSERT INTO session (id_hash, user_id, csrf_token, created_at, last_seen_at, ip, user_agent)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      get: db.prepare('SELECT * FROM session WHERE id_hash = ?'),
      touch: db.prepare('UPDATE session SET last_seen_at = ? WHERE id_hash = ?'),
      delete: db.prepare('DELETE FROM session WHERE id_hash = ?'),
      deleteForUser: db.prepare('DELETE FROM session WHERE user_id = ? AND id_hash IS NOT ?'),
      purge: db.prepare('DELETE FROM session WHERE last_seen_at <= ? OR created_at <= ?'),
    };
  }

  create(userId: number, from: { ip?: string; userAgent?: string }): { id: string; session: Session } {
    const now = this.#clock.now();
    this.#purgeExpired(now);
    const id = randomSecret();
    const session: Session = { idHash: digest(id), userId, csrfToken: randomSecret(), createdAt: now, lastSeenAt: now };
    this.#sql.insert.run(session.idHash, userId, session.csrfToken, now, now, from.ip ?? null, from.userAgent?.slice(0, 512) ?? null);
    return { id, session };
  }

  resolve(id: string): Session | undefined {
    const idHash = digest(id);
    const row = this.#sql.get.get(idHash) as SessionRow | undefined;
    if (!row) return undefined;
    const now = this.#clock.now();
    if (now - row.last_seen_at >= this.#lifetimes.idleMs || now - row.created_at >= this.#lifetimes.absoluteMs) {
      this.#sql.delete.run(idHash);
      return undefined;
    }
    if (now - row.last_seen_at >= TOUCH_EVERY_MS) this.#sql.touch.run(now, idHash);
    return { idHash, userId: row.user_id, csrfToken: row.csrf_token, createdAt: row.created_at, lastSeenAt: now };
  }

  delete(id: string): void {
    this.#sql.delete.run(digest(id));
  }

  deleteForUser(userId: number, keepIdHash?: string): number {
    return this.#sql.deleteForUser.run(userId, keepIdHash ?? null).changes;
  }

  #purgeExpired(now: number): void {
    this.#sql.purge.run(now - this.#lifetimes.idleMs, now - this.#lifetimes.absoluteMs);
  }
}
