import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestCloud, type LoggedIn, type TestCloud } from '../test-fixture.ts';

let cloud: TestCloud;
let auditor: LoggedIn;
beforeAll(async () => {
  cloud = await openTestCloud({ demoUsers: true });
  await cloud.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'sales', password: 'wrong' }, headers: { 'user-agent': 'curl/8' } });
  auditor = await cloud.login('auditor');
}, 30_000);
afterAll(async () => {
  await cloud?.close();
});

describe('GET /api/audit', () => {
  it('lists logins with who, when, from where and the outcome, filtered by actor and action', async () => {
    const response = await auditor.inject({ method: 'GET', url: '/api/audit?actor=sales&action=session.login' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([expect.objectContaining({
      actor: 'sales', actorKind: 'anonymous', ip: '127.0.0.1', userAgent: 'curl/8', action: 'session.login', outcome: 'failure',
    })]);
    const all = (await auditor.inject({ method: 'GET', url: '/api/audit' })).json();
    expect(all.map((r: { action: string }) => r.action)).toEqual(expect.arrayContaining(['session.login', 'user.bootstrap']));
  });

  it('filters by time and names a bad filter', async () => {
    const future = await auditor.inject({ method: 'GET', url: `/api/audit?from=${Date.now() + 3_600_000}` });
    expect(future.json()).toEqual([]);
    const bad = await auditor.inject({ method: 'GET', url: '/api/audit?action=session.hijack' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'INVALID_VALUE', field: 'action', message: expect.stringContaining('session.login') });
    const backwards = await auditor.inject({ method: 'GET', url: '/api/audit?from=2026-11-24&to=2026-11-23' });
    expect(backwards.json()).toMatchObject({ field: 'to' });
  });

  it('exports the same entries as a CSV download', async () => {
    const response = await auditor.inject({ method: 'GET', url: '/api/audit/export.csv?actor=sales' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="edgestock-audit.csv"');
    const lines = response.body.trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(',sales,anonymous,127.0.0.1,curl/8,session.login,failure,');
  });
});
