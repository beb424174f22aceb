import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestCloud, type LoggedIn, type TestCloud } from '../test-fixture.ts';

let cloud: TestCloud;
let engineer: LoggedIn;
beforeAll(async () => {
  cloud = await openTestCloud({ demoUsers: true });
  engineer = await cloud.login('engineer');
}, 30_000);
afterAll(async () => {
  await cloud?.close();
});

describe('API tokens', () => {
  it('shows the secret once, at creation; lists it later without; stores only a hash', async () => {
    const created = await engineer.inject({ method: 'POST', url: '/api/tokens', payload: { name: 'grafana', permissions: ['telemetry.read'] } });
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const { token, id } = created.json();
    expect(token).toMatch(new RegExp(`^es_${id}_[A-Za-z0-9_-]{43}$`));
    const secret = token.split('_').slice(2).join('_');

    const listed = await engineer.inject({ method: 'GET', url: '/api/tokens' });
    expect(listed.json()).toEqual([expect.objectContaining({ id, name: 'grafana', owner: 'engineer', permissions: ['telemetry.read'], revokedAt: null })]);
    expect(listed.body).not.toContain(secret);
    const db = new Database(cloud.file, { readonly: true });
    expect(JSON.stringify(db.prepare('SELECT * FROM api_token').all())).not.toContain(secret);
    db.close();

    const read = await cloud.app.inject({ method: 'GET', url: '/api/telemetry/latest', headers: { authorization: `Bearer ${token}` } });
    expect(read.statusCode).toBe(200);
    const me = await cloud.app.inject({ method: 'GET', url: '/api/session', headers: { authorization: `Bearer ${token}` } });
    expect(me.json()).toMatchObject({ username: 'engineer', via: 'token', permissions: ['telemetry.read'], csrfToken: null });
  });

  it('stops working the moment it is revoked, and the revocation is audited', async () => {
    const { token, id } = (await engineer.inject({ method: 'POST', url: '/api/tokens', payload: { name: 'script', permissions: ['telemetry.read'] } })).json();
    const use = () => cloud.app.inject({ method: 'GET', url: '/api/telemetry/latest', headers: { authorization: `Bearer ${token}` } });
    expect((await use()).statusCode).toBe(200);
    const revoked = await engineer.inject({ method: 'DELETE', url: `/api/tokens/${id}` });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).toEqual(expect.any(Number));
    expect((await use()).statusCode).toBe(401);
    expect((await engineer.inject({ method: 'DELETE', url: `/api/tokens/${id}` })).json()).toMatchObject({ error: 'INVALID_VALUE', field: 'id' });
    const actions = cloud.auth.service.parts.audit.query({ actor: 'engineer' }).map((r) => `${r.action}:${r.target ?? ''}`);
    expect(actions).toContain(`token.revoke:${id}`);
    expect(actions).toContain(`token.create:${id}`);
  });

  it('carries only permissions its creator holds, and cannot create or revoke tokens of others', async () => {
    const beyond = await engineer.inject({ method: 'POST', url: '/api/tokens', payload: { name: 'x', permissions: ['users.manage'] } });
    expect(beyond.statusCode).toBe(400);
    expect(beyond.json()).toMatchObject({ error: 'INVALID_VALUE', field: 'permissions', message: expect.stringContaining('users.manage') });
    const unknown = await engineer.inject({ method: 'POST', url: '/api/tokens', payload: { name: 'x', permissions: ['telemetry.write'] } });
    expect(unknown.json()).toMatchObject({ error: 'INVALID_VALUE', field: 'permissions.0' });

    const { token } = (await engineer.inject({ method: 'POST', url: '/api/tokens', payload: { name: 'ci', permissions: ['telemetry.read'] } })).json();
    const minted = await cloud.app.inject({ method: 'POST', url: '/api/tokens', headers: { authorization: `Bearer ${token}` }, payload: { name: 'y', permissions: ['telemetry.read'] } });
    expect(minted.json()).toMatchObject({ error: 'FORBIDDEN', field: 'authorization' });

    const auditor = await cloud.login('auditor');
    const mine = (await engineer.inject({ method: 'GET', url: '/api/tokens' })).json()[0].id;
    expect((await auditor.inject({ method: 'DELETE', url: `/api/tokens/${mine}` })).statusCode).toBe(404);
  });

  it('narrows with its owner: a permission taken from the role is taken from the token too', async () => {
    const { token } = (await engineer.inject({ method: 'POST', url: '/api/tokens', payload: { name: 'narrow', permissions: ['telemetry.read'] } })).json();
    const { matrix } = cloud.auth.service.parts;
    const before = matrix.get();
    matrix.replace({ ...before, plant_engineer: before.plant_engineer.filter((id) => id !== 'telemetry.read') });
    try {
      const read = await cloud.app.inject({ method: 'GET', url: '/api/telemetry/latest', headers: { authorization: `Bearer ${token}` } });
      expect(read.statusCode).toBe(403);
    } finally {
      matrix.replace(before);
    }
  });
});
