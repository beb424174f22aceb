import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import { cloudMigrations, migrate } from '../store/migrations.ts';
import { FactorSetError } from './factor-model.ts';
import { FactorVersionError, FactorVersions } from './factor-versions.ts';

const decay = (multiplier: number) => ({ factors: [{ kind: 'spring-festival-decay', name: 'pre-Spring-Festival decay', daysBefore: 21, multiplier }] });

let dir: string;
let file: string;
let db: SqliteDatabase;
let clockMs: number;
let versions: FactorVersions;

function open(): FactorVersions {
  db = openDatabase(file);
  migrate(db, cloudMigrations);
  return new FactorVersions(db, () => clockMs);
}

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'edgestock-factors-'));
  file = join(dir, 'cloud.sqlite');
  clockMs = Date.parse('2026-01-05T08:00:00Z');
  versions = open();
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Publishes `factors` through a sandbox, as every production change goes. */
function publish(scope: string, factors: unknown, actor: string, reason: string) {
  const sandbox = versions.openSandbox({ scope, actor });
  versions.editSandbox(sandbox.id, { factors, actor });
  return versions.publish(sandbox.id, { actor, reason });
}

describe('factor versions', () => {
  it('records who published each version, when and why', () => {
    expect(versions.production('default')).toBeUndefined();
    const first = versions.openSandbox({ scope: 'default', actor: 'li.planner', note: 'first factors' });
    expect(first).toMatchObject({ scope: 'default', basedOnVersion: null, factors: { factors: [] }, note: 'first factors', createdBy: 'li.planner', createdAt: clockMs });
    versions.editSandbox(first.id, { factors: decay(0.85), actor: 'li.planner' });
    clockMs += 60_000;
    const v1 = versions.publish(first.id, { actor: 'li.planner', reason: 'decay seen in the last two Spring Festivals' });
    expect(v1).toEqual({ scope: 'default', version: 1, factors: decay(0.85), publishedBy: 'li.planner', publishedAt: clockMs, reason: 'decay seen in the last two Spring Festivals', fromSandbox: first.id });

    clockMs += 86_400_000;
    const v2 = publish('default', decay(0.62), 'wang.planner', 'logistics stops a week earlier this year');
    expect(v2).toMatchObject({ version: 2, publishedBy: 'wang.planner', publishedAt: clockMs, reason: 'logistics stops a week earlier this year' });
    expect(versions.history('default').map((v) => [v.version, v.publishedBy, v.factors.factors[0]!.kind === 'spring-festival-decay' && v.factors.factors[0]!.multiplier])).toEqual([
      [2, 'wang.planner', 0.62],
      [1, 'li.planner', 0.85],
    ]);
    expect(versions.production('default')!.version).toBe(2);
    expect(versions.version('default', 1)).toEqual(v1);
    // Scopes are independent.
    expect(versions.production('class:fresh')).toBeUndefined();
  });

  it('never changes production through sandbox edits, even across a reopen', () => {
    const v1 = publish('default', decay(0.85), 'li.planner', 'initial');
    const rowBefore = db.prepare('SELECT * FROM forecast_factor_version').all();
    const sandbox = versions.openSandbox({ scope: 'default', actor: 'wang.planner' });
    expect(sandbox.basedOnVersion).toBe(1);
    expect(sandbox.factors).toEqual(v1.factors);
    for (const multiplier of [0.7, 0.62, 0.5, 0.62]) {
      clockMs += 1_000;
      versions.editSandbox(sandbox.id, { factors: decay(multiplier), actor: 'wang.planner' });
    }
    expect(versions.production('default')).toEqual(v1);
    expect(db.prepare('SELECT * FROM forecast_factor_version').all()).toEqual(rowBefore);

    db.close();
    versions = open();
    expect(versions.production('default')).toEqual(v1);
    expect(versions.sandbox(sandbox.id)).toMatchObject({ factors: decay(0.62), updatedBy: 'wang.planner', updatedAt: clockMs, createdAt: clockMs - 4_000 });
  });

  it('publishing makes the sandbox the next production version and closes it', () => {
    publish('default', decay(0.85), 'li.planner', 'initial');
    const sandbox = versions.openSandbox({ scope: 'default', actor: 'wang.planner' });
    versions.editSandbox(sandbox.id, { factors: decay(0.62), actor: 'wang.planner' });
    const v2 = versions.publish(sandbox.id, { actor: 'wang.planner', reason: 'backtest: WAPE lower with 0.62' });
    expect(versions.production('default')).toEqual(v2);
    expect(v2.factors).toEqual(decay(0.62));
    expect(versions.sandbox(sandbox.id)).toBeUndefined();
    expect(versions.sandboxes('default')).toEqual([]);
    const error = catchError(() => versions.editSandbox(sandbox.id, { factors: decay(0.5), actor: 'wang.planner' }));
    expect(error).toBeInstanceOf(FactorVersionError);
    expect(error).toMatchObject({ code: 'UNKNOWN_SANDBOX', field: 'id' });
    expect(versions.production('default')).toEqual(v2);
  });

  it('refuses a sandbox opened before production moved, and changes nothing', () => {
    publish('default', decay(0.85), 'li.planner', 'initial');
    const first = versions.openSandbox({ scope: 'default', actor: 'li.planner' });
    const second = versions.openSandbox({ scope: 'default', actor: 'wang.planner' });
    versions.editSandbox(first.id, { factors: decay(0.7), actor: 'li.planner' });
    versions.editSandbox(second.id, { factors: decay(0.62), actor: 'wang.planner' });
    const v2 = versions.publish(first.id, { actor: 'li.planner', reason: 'milder decay' });
    const error = catchError(() => versions.publish(second.id, { actor: 'wang.planner', reason: 'stronger decay' }));
    expect(error).toMatchObject({ code: 'STALE_SANDBOX' });
    expect((error as Error).message).toBe(`sandbox ${second.id} copied version 1 of "default" but production is now version 2 (published by li.planner: milder decay); open a new sandbox and redo the edit there`);
    expect(versions.production('default')).toEqual(v2);
    expect(versions.sandbox(second.id)!.factors).toEqual(decay(0.62));
  });

  it('refuses bad edits and bad names without touching anything', () => {
    const sandbox = versions.openSandbox({ scope: 'default', actor: 'li.planner' });
    versions.editSandbox(sandbox.id, { factors: decay(0.85), actor: 'li.planner' });
    expect(catchError(() => versions.editSandbox(sandbox.id, { factors: decay(-1), actor: 'li.planner' }))).toBeInstanceOf(FactorSetError);
    expect(versions.sandbox(sandbox.id)!.factors).toEqual(decay(0.85));
    expect(catchError(() => versions.openSandbox({ scope: ' default', actor: 'li.planner' }))).toMatchObject({ code: 'INVALID_INPUT', field: 'scope' });
    const noReason = catchError(() => versions.publish(sandbox.id, { actor: 'li.planner', reason: '' }));
    expect(noReason).toMatchObject({ code: 'INVALID_INPUT', field: 'reason' });
    expect((noReason as Error).message).toMatch(/^reason: expected why the factors change/);
    expect(versions.production('default')).toBeUndefined();
    versions.discardSandbox(sandbox.id);
    expect(versions.sandboxes()).toEqual([]);
    expect(catchError(() => versions.discardSandbox(sandbox.id))).toMatchObject({ code: 'UNKNOWN_SANDBOX' });
  });

  it('keeps published versions immutable in the database itself', () => {
    publish('default', decay(0.85), 'li.planner', 'initial');
    expect(() => db.prepare("UPDATE forecast_factor_version SET reason = 'rewritten'").run()).toThrow(/immutable/);
    expect(() => db.prepare('DELETE FROM forecast_factor_version').run()).toThrow(/immutable/);
    expect(() =>
      db.prepare("INSERT OR REPLACE INTO forecast_factor_version (scope, version, factors, published_by, published_at, reason) VALUES ('default', 1, '{}', 'x', 0, 'x')").run(),
    ).toThrow(/immutable/);
    expect(versions.production('default')!.reason).toBe('initial');
  });
});
