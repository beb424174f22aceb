/**
 * Secrets scan: drives every kind of request that carries a password, a session id, a CSRF
 * token or an API token through an app whose logger captures every line at trace level, then
 * asserts that none of those values appears in any line. The first-start admin password goes to
 * the console channel, never to the log.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPassword, demoUsernames, openTestCloud, type TestCloud } from './test-fixture.ts';

const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});
const secrets = new Set<string>();
const printed: string[] = [];
let cloud: TestCloud;
let bootstrap: TestCloud;

beforeAll(async () => {
  const logger = pino({ level: 'trace' }, sink);
  cloud = await openTestCloud({ demoUsers: true, logger });
  bootstrap = await openTestCloud({ demoUsers: false, logger, announce: (text) => printed.push(text) });
}, 30_000);
afterAll(async () => {
  await cloud?.close();
  await bootstrap?.close();
});

describe('secrets scan', () => {
  it('logs no password, session id, CSRF token or API token, whatever the requests do', async () => {
    for (const username of Object.values(demoUsernames)) secrets.add(demoPassword(username));

    // logins that work, that fail, that are malformed, and a throttled one
    const admin = await cloud.login('admin');
    secrets.add(admin.cookie.split('=')[1]!).add(admin.csrfToken);
    for (const password of ['Wrong-Password-1', 'Wrong-Password-2']) {
      secrets.add(password);
      await cloud.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'finance', password } });
    }
    const overlong = `Overlong-${'z'.repeat(300)}`;
    secrets.add(overlong);
    await cloud.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'admin', password: overlong } });
    await cloud.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'admin', password: 42 } });
    await cloud.app.inject({ method: 'POST', url: '/api/session', payload: `{"username":"admin","password":"${demoPassword('admin')}"`, headers: { 'content-type': 'application/json' } });

    // password changes, good and bad
    const engineer = await cloud.login('engineer');
    secrets.add(engineer.cookie.split('=')[1]!).add(engineer.csrfToken);
    await engineer.inject({ method: 'POST', url: '/api/session/password', payload: { currentPassword: 'Not-The-Current-1', newPassword: 'Fresh-Passphrase-2026' } });
    await engineer.inject({ method: 'POST', url: '/api/session/password', payload: { currentPassword: 'engineer-demo', newPassword: 'short' } });
    await engineer.inject({ method: 'POST', url: '/api/session/password', payload: { currentPassword: 'engineer-demo', newPassword: 'Fresh-Passphrase-2026' } });
    secrets.add('Not-The-Current-1').add('Fresh-Passphrase-2026');

    // tokens: created, used, misused, revoked
    const created = (await admin.inject({ method: 'POST', url: '/api/tokens', payload: { name: 'scan', permissions: ['telemetry.read'] } })).json();
    secrets.add(created.token).add(created.token.split('_').slice(2).join('_'));
    await cloud.app.inject({ method: 'GET', url: '/api/telemetry/latest', headers: { authorization: `Bearer ${created.token}` } });
    await cloud.app.inject({ method: 'GET', url: '/api/telemetry/latest?nope=1', headers: { authorization: `Bearer ${created.token}` } });
    await cloud.app.inject({ method: 'PUT', url: '/api/permissions', headers: { authorization: `Bearer ${created.token}` }, payload: {} });
    await admin.inject({ method: 'DELETE', url: `/api/tokens/${created.id}` });
    await cloud.app.inject({ method: 'GET', url: '/api/telemetry/latest', headers: { authorization: `Bearer ${created.token}` } });

    // a new account's one-time password
    const user = (await admin.inject({ method: 'POST', url: '/api/users', payload: { username: 'new-operator', role: 'warehouse_operator' } })).json();
    secrets.add(user.oneTimePassword);
    await cloud.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'new-operator', password: user.oneTimePassword } });

    // CSRF failures and logout
    await cloud.app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie: admin.cookie, 'x-csrf-token': engineer.csrfToken } });
    await admin.inject({ method: 'DELETE', url: '/api/session' });
    await cloud.app.inject({ method: 'GET', url: '/api/session', headers: { cookie: admin.cookie } });

    // the first-start admin password: printed to the console channel, never logged
    const oneTime = /one-time password:\s+(\S+)/.exec(printed.join('\n'))![1]!;
    secrets.add(oneTime);
    await bootstrap.login('admin', oneTime);

    expect(lines.length).toBeGreaterThan(40); // the scan saw real traffic
    const leaks = lines.flatMap((line) => [...secrets].filter((secret) => line.includes(secret)).map((secret) => `${secret.slice(0, 12)}… in ${line.slice(0, 200)}`));
    expect(leaks).toEqual([]);
  }, 30_000);
});
