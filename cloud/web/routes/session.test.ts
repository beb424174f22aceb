import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_THROTTLE } from '../../auth/login-throttle.ts';
import { openTestCloud, type TestCloud } from '../test-fixture.ts';

let cloud: TestCloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

const login = (c: TestCloud, username: string, password: string, remoteAddress = '10.0.0.1') =>
  c.app.inject({ method: 'POST', url: '/api/session', payload: { username, password }, remoteAddress });

describe('log in, who am I, log out', () => {
  it('logs in, reports the role and its permissions, and after logout the cookie is dead', async () => {
    cloud = await openTestCloud({ demoUsers: true });
    const auditor = await cloud.login('auditor');
    const me = await auditor.inject({ method: 'GET', url: '/api/session' });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      username: 'auditor', role: 'auditor', via: 'session', mustChangePassword: false,
      permissions: ['telemetry.read', 'inventory.read', 'audit.read', 'users.read'], csrfToken: auditor.csrfToken,
    });
    const out = await auditor.inject({ method: 'DELETE', url: '/api/session' });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toContain('es_session=;');
    const after = await auditor.inject({ method: 'GET', url: '/api/telemetry/latest' });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ error: 'UNAUTHENTICATED', field: 'cookie', message: expect.stringContaining('log in again') });
    const actions = cloud.auth.service.parts.audit.query({ actor: 'auditor' }).map((r) => `${r.action}:${r.outcome}`);
    expect(actions).toEqual(['session.logout:success', 'session.login:success']);
  });

  it('answers a wrong password and an unknown user alike, and records both failures', async () => {
    cloud = await openTestCloud({ demoUsers: true });
    const wrong = await login(cloud, 'engineer', 'not-it');
    const unknown = await login(cloud, 'nobody', 'not-it', '10.0.0.2');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json()).toEqual({ error: 'INVALID_CREDENTIALS', field: null, message: 'the username or password is wrong; check both and try again' });
    const failures = cloud.auth.service.parts.audit.query({ action: 'session.login' });
    expect(failures.map((r) => [r.actor, r.outcome, r.ip])).toEqual([['nobody', 'failure', '10.0.0.2'], ['engineer', 'failure', '10.0.0.1']]);
  });
});

describe('first start', () => {
  it('creates admin with a one-time password printed once, which must be changed before anything else', async () => {
    const printed: string[] = [];
    let now = Date.UTC(2026, 10, 24, 12);
    cloud = await openTestCloud({ demoUsers: false, announce: (text) => printed.push(text), clock: { now: () => now } });
    expect(printed).toHaveLength(1);
    const password = /one-time password:\s+(\S+)/.exec(printed[0]!)![1]!;
    expect(password.length).toBeGreaterThanOrEqual(20);

    const first = await cloud.login('admin', password);
    expect((await first.inject({ method: 'GET', url: '/api/session' })).json().mustChangePassword).toBe(true);
    const blocked = await first.inject({ method: 'GET', url: '/api/permissions' });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error).toBe('PASSWORD_CHANGE_REQUIRED');

    const short = await first.inject({ method: 'POST', url: '/api/session/password', payload: { currentPassword: password, newPassword: 'short' } });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toMatchObject({ error: 'INVALID_VALUE', field: 'newPassword' });
    const wrongCurrent = await first.inject({ method: 'POST', url: '/api/session/password', payload: { currentPassword: 'guess', newPassword: 'a much better passphrase' } });
    expect(wrongCurrent.json()).toMatchObject({ error: 'INVALID_VALUE', field: 'currentPassword' });

    const changed = await first.inject({ method: 'POST', url: '/api/session/password', payload: { currentPassword: password, newPassword: 'a much better passphrase' } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().mustChangePassword).toBe(false);
    expect((await first.inject({ method: 'GET', url: '/api/permissions' })).statusCode).toBe(200);
    expect((await login(cloud, 'admin', password)).statusCode).toBe(401);
    now += DEFAULT_THROTTLE.username.baseDelayMs; // the failure above makes the next attempt wait
    expect((await login(cloud, 'admin', 'a much better passphrase')).statusCode).toBe(200);
    expect(cloud.auth.service.parts.audit.query({ action: 'session.password_change' }).map((r) => r.outcome)).toEqual(['success', 'failure']);
  });

  it('creates nothing on a second start, and with demo users on seeds one per role', async () => {
    const printed: string[] = [];
    cloud = await openTestCloud({ demoUsers: true, announce: (text) => printed.push(text) });
    expect(printed).toEqual([]);
    expect(cloud.auth.service.parts.accounts.list().map((a) => `${a.username}:${a.role}`).sort()).toEqual([
      'admin:admin', 'auditor:auditor', 'engineer:plant_engineer', 'expert:process_expert', 'finance:finance',
      'operator:warehouse_operator', 'purchasing:purchasing', 'sales:sales',
    ]);
  });
});

describe('brute force', () => {
  it('delays after each failed login, then locks the account, refusing even the right password until the lock ends', async () => {
    let now = Date.UTC(2026, 10, 24, 12);
    cloud = await openTestCloud({ demoUsers: true, clock: { now: () => now } });
    const policy = DEFAULT_THROTTLE.username;
    for (let failure = 1; failure < policy.lockAfter; failure++) {
      expect((await login(cloud, 'engineer', `guess-${failure}`)).statusCode).toBe(401);
      const early = await login(cloud, 'engineer', 'engineer-demo');
      expect(early.statusCode).toBe(429);
      expect(early.json()).toMatchObject({ error: 'TOO_MANY_ATTEMPTS', field: 'username' });
      const waitMs = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failure - 1));
      expect(Number(early.headers['retry-after'])).toBe(Math.ceil(waitMs / 1000));
      now += waitMs;
    }
    expect((await login(cloud, 'engineer', 'last-guess')).statusCode).toBe(401);
    const locked = await login(cloud, 'engineer', 'engineer-demo');
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ error: 'ACCOUNT_LOCKED', field: 'username', message: expect.stringContaining('locked for 15 more minute(s)') });
    now += policy.lockMs - 1000;
    expect((await login(cloud, 'engineer', 'engineer-demo')).statusCode).toBe(429);
    now += 1000;
    expect((await login(cloud, 'engineer', 'engineer-demo')).statusCode).toBe(200);
    expect(cloud.auth.service.parts.throttle.stats()).toMatchObject({ failures: policy.lockAfter, locks: 1 });
    const reasons = cloud.auth.service.parts.audit.query({ action: 'session.login', actor: 'engineer' }).map((r) => (r.after as { reason?: string } | null)?.reason ?? r.outcome);
    expect(reasons.filter((r) => r === 'locked')).toHaveLength(2);
  });

  it('locks an address that sprays passwords over many usernames', async () => {
    let now = Date.UTC(2026, 10, 24, 12);
    cloud = await openTestCloud({ demoUsers: true, clock: { now: () => now } });
    const policy = DEFAULT_THROTTLE.ip;
    for (let i = 0; i < policy.lockAfter; i++) {
      expect((await login(cloud, `user-${i}`, 'Winter2026!', '192.0.2.9')).statusCode).toBe(401);
      now += policy.maxDelayMs;
    }
    const sprayer = await login(cloud, 'auditor', 'auditor-demo', '192.0.2.9');
    expect(sprayer.json()).toMatchObject({ error: 'ACCOUNT_LOCKED', field: null, message: expect.stringContaining('your address') });
    expect((await login(cloud, 'auditor', 'auditor-demo', '198.51.100.1')).statusCode).toBe(200);
  }, 30_000);
});

describe('session lifetime', () => {
  it('ends a session idle for longer than the TTL, and any session 12 h after login', async () => {
    let now = Date.UTC(2026, 10, 24, 6);
    cloud = await openTestCloud({ demoUsers: true, clock: { now: () => now } });
    const idle = await cloud.login('auditor');
    now += 31 * 60_000;
    expect((await idle.inject({ method: 'GET', url: '/api/session' })).statusCode).toBe(401);

    const busy = await cloud.login('auditor');
    for (let minutes = 0; minutes < 12 * 60 - 20; minutes += 20) {
      now += 20 * 60_000;
      expect((await busy.inject({ method: 'GET', url: '/api/session' })).statusCode, `${minutes} min`).toBe(200);
    }
    now += 20 * 60_000;
    expect((await busy.inject({ method: 'GET', url: '/api/session' })).statusCode).toBe(401);
  });

  it('stores only a hash of the session id', async () => {
    cloud = await openTestCloud({ demoUsers: true });
    const session = await cloud.login('auditor');
    const id = session.cookie.split('=')[1]!;
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(cloud.file, { readonly: true });
    const rows = db.prepare('SELECT * FROM session').all();
    db.close();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(id);
  });
});
