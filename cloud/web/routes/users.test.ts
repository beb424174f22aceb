import { afterEach, describe, expect, it } from 'vitest';
import { openTestCloud, type TestCloud } from '../test-fixture.ts';

let cloud: TestCloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

const open = async () => (cloud = await openTestCloud({ demoUsers: true }));
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const passwordLogin = (c: TestCloud, username: string, password: string) =>
  c.app.inject({ method: 'POST', url: '/api/session', payload: { username, password } });
const lastAudit = (c: TestCloud, action: string) => c.auth.service.parts.audit.query({ action, limit: 1 })[0];

describe('GET /api/users', () => {
  it('lists every account with its role and lock, never a password or hash', async () => {
    const c = await open();
    const response = await (await c.login('auditor')).inject({ method: 'GET', url: '/api/users' });
    expect(response.statusCode).toBe(200);
    const engineer = response.json().find((account: { username: string }) => account.username === 'engineer');
    expect(engineer).toEqual({ username: 'engineer', role: 'plant_engineer', mustChangePassword: false, createdAt: expect.any(Number), lock: null });
    expect(response.body).not.toMatch(/scrypt|hash|"password"/i);
  });
});

describe('PATCH /api/users/:username', () => {
  it("changes a role: the account's live session has the new role's permissions at its very next request, and the change is audited", async () => {
    const c = await open();
    const admin = await c.login('admin');
    const engineer = await c.login('engineer');
    expect((await engineer.inject({ method: 'GET', url: '/api/gateways/credentials' })).statusCode).toBe(200);

    const changed = await admin.inject({ method: 'PATCH', url: '/api/users/engineer', payload: { role: 'auditor' } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ username: 'engineer', role: 'auditor', lock: null });

    const denied = await engineer.inject({ method: 'GET', url: '/api/gateways/credentials' });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().message).toContain('role "auditor" does not hold "devices.manage"');
    expect((await engineer.inject({ method: 'GET', url: '/api/session' })).json()).toMatchObject({ role: 'auditor', permissions: ['telemetry.read', 'inventory.read', 'audit.read', 'users.read'] });

    expect(lastAudit(c, 'user.update')).toMatchObject({
      actor: 'admin', actorKind: 'user', outcome: 'success', target: 'engineer',
      before: { role: 'plant_engineer', lock: null }, after: { role: 'auditor', lock: null },
    });
  });

  it("narrows the account's API tokens with its role", async () => {
    const c = await open();
    const engineer = await c.login('engineer');
    const created = await engineer.inject({ method: 'POST', url: '/api/tokens', payload: { name: 'script', permissions: ['devices.manage'] } });
    const token = created.json().token as string;
    expect((await c.app.inject({ method: 'GET', url: '/api/gateways/credentials', headers: bearer(token) })).statusCode).toBe(200);
    await (await c.login('admin')).inject({ method: 'PATCH', url: '/api/users/engineer', payload: { role: 'process_expert' } });
    expect((await c.app.inject({ method: 'GET', url: '/api/gateways/credentials', headers: bearer(token) })).statusCode).toBe(403);
  });

  it('locks an account: its sessions and tokens stop at once, its login says so (only with the right password), and unlocking lets it back in', async () => {
    const c = await open();
    const admin = await c.login('admin');
    const engineer = await c.login('engineer');
    const token = (await engineer.inject({ method: 'POST', url: '/api/tokens', payload: { name: 'script', permissions: ['telemetry.read'] } })).json().token as string;

    const locked = await admin.inject({ method: 'PATCH', url: '/api/users/engineer', payload: { locked: true } });
    expect(locked.statusCode).toBe(200);
    expect(locked.json().lock).toEqual({ by: 'admin', since: expect.any(Number), until: null });
    expect((await engineer.inject({ method: 'GET', url: '/api/session' })).statusCode).toBe(401);
    expect((await c.app.inject({ method: 'GET', url: '/api/telemetry/latest', headers: bearer(token) })).statusCode).toBe(401);

    const refused = await passwordLogin(c, 'engineer', 'engineer-demo');
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({ error: 'ACCOUNT_LOCKED', field: 'username', message: 'an admin has locked this account; ask an admin to unlock it' });
    // a wrong password learns nothing about the lock
    expect((await passwordLogin(c, 'engineer', 'guess-guess-guess')).json().error).toBe('INVALID_CREDENTIALS');
    expect(lastAudit(c, 'user.update')).toMatchObject({ target: 'engineer', before: { lock: null }, after: { lock: { by: 'admin' }, sessionsEnded: 1 } });

    // the throttle counted the wrong guess above; unlocking forgives that too
    const unlocked = await admin.inject({ method: 'PATCH', url: '/api/users/engineer', payload: { locked: false } });
    expect(unlocked.json().lock).toBeNull();
    expect((await passwordLogin(c, 'engineer', 'engineer-demo')).statusCode).toBe(200);
    expect((await c.app.inject({ method: 'GET', url: '/api/telemetry/latest', headers: bearer(token) })).statusCode).toBe(200);
  });

  it('unlocks an account that failed logins locked', async () => {
    const c = await open();
    const { throttle } = c.auth.service.parts;
    for (let i = 0; i < 5; i++) throttle.recordFailure('finance', '203.0.113.7');
    expect((await passwordLogin(c, 'finance', 'finance-demo')).json().error).toBe('ACCOUNT_LOCKED');

    const admin = await c.login('admin');
    const listed = (await admin.inject({ method: 'GET', url: '/api/users' })).json().find((a: { username: string }) => a.username === 'finance');
    expect(listed.lock).toEqual({ by: 'failed_logins', since: null, until: expect.any(Number) });

    const unlocked = await admin.inject({ method: 'PATCH', url: '/api/users/finance', payload: { locked: false } });
    expect(unlocked.statusCode).toBe(200);
    expect(unlocked.json().lock).toBeNull();
    expect((await passwordLogin(c, 'finance', 'finance-demo')).statusCode).toBe(200);
    expect(lastAudit(c, 'user.update')).toMatchObject({ target: 'finance', before: { lock: { by: 'failed_logins' } }, after: { lock: null } });
  });

  it('refuses to demote or lock the last unlocked admin, and to lock yourself, saying why', async () => {
    const c = await open();
    const admin = await c.login('admin');
    const demoted = await admin.inject({ method: 'PATCH', url: '/api/users/admin', payload: { role: 'auditor' } });
    expect(demoted.statusCode).toBe(409);
    expect(demoted.json()).toEqual({
      error: 'CONFLICT', field: 'role',
      message: 'role: "admin" is the last unlocked admin; make another account admin first, or nobody could manage accounts and permissions any more',
    });
    const self = await admin.inject({ method: 'PATCH', url: '/api/users/admin', payload: { locked: true } });
    expect(self.json()).toMatchObject({ error: 'CONFLICT', field: 'locked', message: expect.stringContaining('your own account') });

    // a second admin (here: a script's token) may lock the first; then it is the last one itself
    const second = c.tokenFor('admin');
    expect((await c.app.inject({ method: 'PATCH', url: '/api/users/admin', headers: bearer(second), payload: { locked: true } })).statusCode).toBe(200);
    const last = await c.app.inject({ method: 'PATCH', url: '/api/users/token-user-1', headers: bearer(second), payload: { role: 'finance' } });
    expect(last.json()).toMatchObject({ error: 'CONFLICT', field: 'role', message: expect.stringContaining('"token-user-1" is the last unlocked admin') });
    expect(c.auth.service.parts.accounts.byUsername('token-user-1')!.role).toBe('admin');
    expect(lastAudit(c, 'user.update')).toMatchObject({ actor: 'token-user-1', actorKind: 'token', target: 'admin' });
  });

  it('names the field and the fix for a body it cannot use, and 404s an unknown account', async () => {
    const c = await open();
    const admin = await c.login('admin');
    const patch = (url: string, payload: unknown) => admin.inject({ method: 'PATCH', url, payload: payload as object });
    expect((await patch('/api/users/engineer', {})).json()).toEqual({
      error: 'MISSING_FIELD', field: 'role',
      message: 'role: missing, and so is locked; send {"role": one of admin, plant_engineer, process_expert, warehouse_operator, purchasing, sales, finance, auditor} and/or {"locked": true or false}',
    });
    expect((await patch('/api/users/engineer', { rol: 'auditor' })).json()).toMatchObject({ error: 'UNKNOWN_FIELD', field: 'rol', message: expect.stringContaining('did you mean "role"') });
    expect((await patch('/api/users/engineer', { role: 'king' })).json()).toMatchObject({ error: 'INVALID_VALUE', field: 'role', message: expect.stringContaining('expected one of admin, plant_engineer') });
    // no coercion of bodies: the text "false" is not false
    expect((await patch('/api/users/engineer', { locked: 'false' })).json()).toEqual({
      error: 'INVALID_VALUE', field: 'locked',
      message: 'locked: "false" is not true or false; expected true to lock the account until an admin unlocks it, false to unlock it',
    });
    const unknown = await patch('/api/users/nobody', { locked: false });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: 'NOT_FOUND', field: 'username', message: 'username: no account "nobody"; GET /api/users lists them' });
    expect(c.auth.service.parts.audit.query({ action: 'user.update' })).toEqual([]);
  });
});

describe('POST /api/users/:username/password-reset', () => {
  it('gives a one-time password once (not cached), ends the sessions, and the next login must choose a new one', async () => {
    const c = await open();
    const admin = await c.login('admin');
    const engineer = await c.login('engineer');
    const reset = await admin.inject({ method: 'POST', url: '/api/users/engineer/password-reset' });
    expect(reset.statusCode).toBe(200);
    expect(reset.headers['cache-control']).toBe('no-store');
    const { oneTimePassword, ...account } = reset.json();
    expect(oneTimePassword).toMatch(/^[\w-]{20}$/);
    expect(account).toMatchObject({ username: 'engineer', role: 'plant_engineer', mustChangePassword: true, lock: null });

    expect((await engineer.inject({ method: 'GET', url: '/api/session' })).statusCode).toBe(401);
    const fresh = await c.login('engineer', oneTimePassword);
    expect((await fresh.inject({ method: 'GET', url: '/api/telemetry/latest' })).json().error).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await passwordLogin(c, 'engineer', 'engineer-demo')).statusCode).toBe(401);

    const entry = lastAudit(c, 'user.password_reset')!;
    expect(entry).toMatchObject({ actor: 'admin', target: 'engineer', before: { mustChangePassword: false }, after: { mustChangePassword: true, sessionsEnded: 1 } });
    expect(JSON.stringify(c.auth.service.parts.audit.query())).not.toContain(oneTimePassword);
  });

  it('refuses your own account (change it with your current password) and 404s an unknown one', async () => {
    const c = await open();
    const admin = await c.login('admin');
    const own = await admin.inject({ method: 'POST', url: '/api/users/admin/password-reset' });
    expect(own.statusCode).toBe(409);
    expect(own.json()).toMatchObject({ field: 'username', message: expect.stringContaining('POST /api/session/password') });
    const unknown = await admin.inject({ method: 'POST', url: '/api/users/nobody/password-reset' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().field).toBe('username');
  });

  it('is refused to a role without users.manage', async () => {
    const c = await open();
    const auditor = await c.login('auditor');
    for (const request of [
      { method: 'POST' as const, url: '/api/users/engineer/password-reset' },
      { method: 'PATCH' as const, url: '/api/users/engineer', payload: { locked: true } },
    ]) {
      const response = await auditor.inject(request);
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ error: 'FORBIDDEN', message: expect.stringContaining('"users.manage"') });
    }
    expect(c.auth.service.parts.accounts.byUsername('engineer')!.mustChangePassword).toBe(false);
  });
});
