import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import { auditCsv, SqliteAuditLog } from './audit-log.ts';

let dir: string;
let db: SqliteDatabase;
let now: number;
let audit: SqliteAuditLog;

beforeEach(() => {
  now = Date.UTC(2026, 10, 24, 9);
  dir = mkdtempSync(join(tmpdir(), 'edgestock-audit-'));
  db = openDatabase(join(dir, 'cloud.sqlite'));
  migrate(db);
  audit = new SqliteAuditLog(db, { now: () => now });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('audit log', () => {
  it('keeps who, when, from where, what, to what, and the state before and after', () => {
    const record = audit.record({
      actor: 'admin', actorKind: 'user', ip: '10.1.2.3', userAgent: 'Firefox', action: 'permissions.update', outcome: 'success',
      target: 'matrix', before: { auditor: ['audit.read'] }, after: { auditor: [] },
    });
    expect(audit.query()).toEqual([record]);
    expect(record).toMatchObject({ at: now, actor: 'admin', ip: '10.1.2.3', userAgent: 'Firefox', before: { auditor: ['audit.read'] }, after: { auditor: [] } });
  });

  it('cannot be changed or deleted, not even with SQL on the database', () => {
    audit.record({ actor: 'eve', actorKind: 'user', action: 'session.login', outcome: 'failure' });
    expect(() => db.prepare("UPDATE audit_log SET actor = 'mallory'").run()).toThrow('audit_log is append-only: rows cannot be updated');
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow('audit_log is append-only: rows cannot be deleted');
    expect(() => db.prepare("INSERT OR REPLACE INTO audit_log (id, at, actor_kind, action, outcome) VALUES (1, 0, 'user', 'session.login', 'success')").run())
      .toThrow('audit_log is append-only: rows cannot be replaced');
    expect(audit.query()).toEqual([expect.objectContaining({ actor: 'eve', outcome: 'failure' })]);
  });

  it('filters by actor, action and time, newest first', () => {
    for (const [actor, action] of [['a', 'session.login'], ['b', 'session.login'], ['a', 'session.logout']] as const) {
      audit.record({ actor, actorKind: 'user', action, outcome: 'success' });
      now += 60_000;
    }
    expect(audit.query({ actor: 'a' }).map((r) => r.action)).toEqual(['session.logout', 'session.login']);
    expect(audit.query({ action: 'session.login' }).map((r) => r.actor)).toEqual(['b', 'a']);
    expect(audit.query({ from: now - 120_000 }).map((r) => r.actor)).toEqual(['a', 'b']);
    expect(audit.query({ to: now - 180_000 }).map((r) => r.actor)).toEqual(['a']);
    expect(audit.query({ limit: 1 })).toHaveLength(1);
  });

  it('exports CSV that a spreadsheet reads as text: quoted, with formulas defused', () => {
    audit.record({ actor: '=HYPERLINK("http://evil")', actorKind: 'anonymous', userAgent: 'a, "b"\nc', action: 'session.login', outcome: 'failure', after: { reason: 'x' } });
    const [header, row] = auditCsv(audit.query()).split('\r\n');
    expect(header).toBe('id,at,actor,actorKind,ip,userAgent,action,outcome,target,before,after');
    expect(row).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(row).toContain('"a, ""b""\nc"');
    expect(row).toContain('2026-11-24T09:00:00.000Z');
    expect(row).toContain('"{""reason"":""x""}"');
  });
});
