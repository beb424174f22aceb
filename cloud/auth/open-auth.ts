/**
 * Opens the account stores on the cloud's SQLite file (its own connection; WAL lets it share
 * the file with the telemetry store) and wires them into an AuthService.
 */
import { systemClock, type Clock } from '../../connectors/clock.ts';
import { openDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import { SqliteAccountLocks } from './account-locks.ts';
import { SqliteAccountStore } from './account-store.ts';
import { SqliteApiTokenStore } from './api-tokens.ts';
import { SqliteAuditLog } from './audit-log.ts';
import { AuthService } from './auth-service.ts';
import { DEFAULT_THROTTLE, SqliteLoginThrottle, type ThrottlePolicies } from './login-throttle.ts';
import type { ScryptParameters } from './password-hash.ts';
import { SqliteRoleMatrix } from './role-matrix.ts';
import { SqliteSessionStore } from './session-store.ts';

export interface AuthOptions {
  /** Idle timeout of a login session. */
  sessionIdleMinutes: number;
  /** A session ends this long after login however active it is. */
  sessionAbsoluteHours?: number;
  throttle?: ThrottlePolicies;
  clock?: Pick<Clock, 'now'>;
  /** scrypt cost; only tests lower it (password-hash.ts has the production choice and why). */
  hashParameters?: ScryptParameters;
}

export const DEFAULT_SESSION_ABSOLUTE_HOURS = 12;

export interface OpenAuth {
  service: AuthService;
  close(): void;
}

export function openAuth(file: string, options: AuthOptions): OpenAuth {
  const clock = options.clock ?? systemClock;
  const db = openDatabase(file);
  try {
    migrate(db);
    const service = new AuthService({
      accounts: new SqliteAccountStore(db, clock),
      locks: new SqliteAccountLocks(db, clock),
      sessions: new SqliteSessionStore(db, clock, {
        idleMs: options.sessionIdleMinutes * 60_000,
        absoluteMs: (options.sessionAbsoluteHours ?? DEFAULT_SESSION_ABSOLUTE_HOURS) * 3_600_000,
      }),
      tokens: new SqliteApiTokenStore(db, clock),
      throttle: new SqliteLoginThrottle(db, clock, options.throttle ?? DEFAULT_THROTTLE),
      audit: new SqliteAuditLog(db, clock),
      matrix: new SqliteRoleMatrix(db),
    }, { hashParameters: options.hashParameters });
    return { service, close: () => db.close() };
  } catch (error) {
    db.close();
    throw error;
  }
}
