import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import { SqliteAccountLocks } from './account-locks.ts';
import { DEFAULT_THROTTLE, SqliteLoginThrottle } from './login-throttle.ts';

let dir: string;
let file: string;
let db: SqliteDatabase;
let now: number;
const clock = { now: () => now };

beforeEach(() => {
  now = Date.UTC(2026, 10, 24, 9);
  dir = mkdtempSync(join(tmpdir(), 'edgestock-locks-'));
  file = join(dir, 'cloud.sqlite');
  db = openDatabase(file);
  migrate(db);
});
afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('admin account locks', () => {
  it('last until unlocked, however much time passes, and survive a restart', () => {
    new SqliteAccountLocks(db, clock).lock(7);
    now += 365 * 24 * 3_600_000;
    db.close();
    db = openDatabase(file);
    const locks = new SqliteAccountLocks(db, clock);
    expect(locks.lockedAt(7)).toBe(Date.UTC(2026, 10, 24, 9));
    expect(locks.unlock(7)).toBe(true);
    expect(locks.lockedAt(7)).toBeUndefined();
    expect(locks.unlock(7)).toBe(false);
  });

  it('keep the first lock time when locked again', () => {
    const locks = new SqliteAccountLocks(db, clock);
    locks.lock(3);
    now += 60_000;
    locks.lock(3);
    expect(locks.lockedAt(3)).toBe(Date.UTC(2026, 10, 24, 9));
  });

  it('and the login throttle share a table without touching each other', () => {
    const locks = new SqliteAccountLocks(db, clock);
    const throttle = new SqliteLoginThrottle(db, clock);
    for (let i = 0; i < DEFAULT_THROTTLE.username.lockAfter; i++) throttle.recordFailure('7', '10.0.0.1');
    expect(throttle.lockOf('7')).toEqual({ until: now + DEFAULT_THROTTLE.username.lockMs });
    locks.lock(7);
    expect(throttle.forgive('7')).toBe(true);
    expect(throttle.lockOf('7')).toBeUndefined();
    expect(locks.lockedAt(7)).toBe(now);
    expect(throttle.check('7', '10.0.0.2')).toEqual({ allowed: true });
  });
});

describe('the throttle lock of a username', () => {
  it('is a lock only after lockAfter failures, not during the wait between attempts, and ends on time', () => {
    const throttle = new SqliteLoginThrottle(db, clock);
    throttle.recordFailure('finance', '10.0.0.1');
    expect(throttle.check('finance', '10.0.0.1').allowed).toBe(false); // waiting
    expect(throttle.lockOf('finance')).toBeUndefined();
    for (let i = 1; i < DEFAULT_THROTTLE.username.lockAfter; i++) throttle.recordFailure('finance', '10.0.0.1');
    expect(throttle.lockOf('FINANCE')).toEqual({ until: now + DEFAULT_THROTTLE.username.lockMs });
    now += DEFAULT_THROTTLE.username.lockMs;
    expect(throttle.lockOf('finance')).toBeUndefined();
    expect(throttle.forgive('nobody')).toBe(false);
  });
});
