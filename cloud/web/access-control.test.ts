/**
 * The attack suite, generated from the app's own route table: every route that is not public
 * refuses a caller without credentials (401), with a dead token (401), and with a role or token
 * lacking its permission (403), each with the `{ error, field, message }` body. A route added
 * later is covered without touching this file; one added without a declared permission stops
 * the app from starting.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultMatrix, isPermissionId, roleIds, type RoleId } from '../auth/permissions.ts';
import type { RouteRecord } from './openapi.ts';
import { ADMIN_SCREENS } from './routes/admin-page.ts';
import { demoUsernames, openTestCloud, type LoggedIn, type TestCloud } from './test-fixture.ts';

let cloud: TestCloud;
const sessions = new Map<RoleId, LoggedIn>();

beforeAll(async () => {
  cloud = await openTestCloud({ demoUsers: true });
  for (const role of roleIds) sessions.set(role, await cloud.login(demoUsernames[role]));
}, 60_000);

afterAll(async () => {
  await cloud?.close();
});

/** A request that reaches `route`: path parameters filled with well-formed values, a JSON body where one is taken. */
function requestFor(route: RouteRecord): InjectOptions {
  const url = route.url.replace(/:id\b/g, '0123456789abcdef').replace(/\*$/, 'admin.js');
  const withBody = route.method === 'POST' || route.method === 'PUT';
  return { method: route.method as InjectOptions['method'], url, ...(withBody ? { payload: {} } : {}) };
}

const routes = () => cloud.app.routeTable;
const guarded = () => routes().filter((route) => route.permission !== 'public');
const label = (route: RouteRecord) => `${route.method} ${route.url} (${route.permission})`;

function expectErrorBody(response: Awaited<ReturnType<FastifyInstance['inject']>>, status: number, error: string, what: string) {
  expect(response.statusCode, what).toBe(status);
  if (response.body === '' && what.startsWith('HEAD ')) return; // HEAD answers carry no body
  const body = response.json();
  expect(Object.keys(body).sort(), what).toEqual(['error', 'field', 'message']);
  expect(body.error, what).toBe(error);
}

describe('the route table', () => {
  it('declares who may call every route, and guards the data routes', () => {
    expect(routes().length).toBeGreaterThan(20);
    for (const route of routes()) {
      expect(route.permission === 'public' || route.permission === 'authenticated' || isPermissionId(String(route.permission)), label(route)).toBe(true);
    }
    const publicRoutes = routes().filter((r) => r.permission === 'public').map((r) => `${r.method} ${r.url}`);
    // Deliberately public: liveness, logging in, and the static pages and files (they hold no data).
    const adminPages = Object.keys(ADMIN_SCREENS).flatMap((path) => [`GET ${path}`, `HEAD ${path}`]);
    expect(publicRoutes.sort()).toEqual([
      'GET /api/health', 'GET /docs', 'GET /login', 'GET /ui/*', 'HEAD /api/health', 'HEAD /docs', 'HEAD /login', 'HEAD /ui/*', 'POST /api/session', ...adminPages,
    ].sort());
  });

  it('refuses to build an app with a route that declares no permission, or an unknown one', async () => {
    const missing = await openTestCloud({ beforeReady: (app) => app.get('/api/forgotten', async () => 'data') }).catch((error: Error) => error);
    expect(String(missing)).toContain("Route GET /api/forgotten: config.permission is missing; declare 'public', 'authenticated' or a permission id");
    const unknown = await openTestCloud({
      beforeReady: (app) => app.register(async (scope) => {
        scope.post('/api/typo', { config: { permission: 'telemetry.raed' as never } }, async () => 'x');
      }),
    }).catch((error: Error) => error);
    expect(String(unknown)).toContain('Route POST /api/typo: config.permission "telemetry.raed" is not known');
  });
});

describe('every guarded route', () => {
  it('answers 401 without credentials', async () => {
    for (const route of guarded()) {
      expectErrorBody(await cloud.app.inject(requestFor(route)), 401, 'UNAUTHENTICATED', label(route));
    }
  });

  it('answers 401 to a malformed, unknown or revoked token, and to a session cookie that is not live', async () => {
    const token = cloud.tokenFor('admin');
    const revokedId = /^es_([0-9a-f]{16})_/.exec(token)![1]!;
    cloud.auth.service.parts.tokens.revoke(revokedId);
    const wrongSecret = token.replace(/_[^_]{43}$/, `_${'A'.repeat(43)}`);
    for (const route of guarded()) {
      for (const authorization of [`Bearer ${token}`, `Bearer ${wrongSecret}`, 'Bearer es_0123456789abcdef_nope', 'Basic YWRtaW46YWRtaW4tZGVtbw==']) {
        const request = requestFor(route);
        expectErrorBody(await cloud.app.inject({ ...request, headers: { authorization } }), 401, 'UNAUTHENTICATED', `${label(route)} with ${authorization.slice(0, 12)}`);
      }
      const forged = await cloud.app.inject({ ...requestFor(route), headers: { cookie: `${cloud.cookieName}=${'x'.repeat(43)}` } });
      expectErrorBody(forged, 401, 'UNAUTHENTICATED', `${label(route)} with a forged cookie`);
    }
  });

  it('answers 403 to each demo role that lacks the permission, with a valid CSRF token so only the permission decides', async () => {
    let checked = 0;
    for (const route of guarded()) {
      const permission = route.permission!;
      if (!isPermissionId(permission)) continue;
      for (const role of roleIds.filter((r) => !defaultMatrix[r].includes(permission))) {
        expectErrorBody(await sessions.get(role)!.inject(requestFor(route)), 403, 'FORBIDDEN', `${label(route)} as ${role}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('answers 403 to a token not scoped for the permission, even when its owner holds it', async () => {
    const narrow = cloud.tokenFor('admin', ['audit.read']);
    for (const route of guarded().filter((r) => isPermissionId(String(r.permission)) && r.permission !== 'audit.read')) {
      expectErrorBody(await cloud.app.inject({ ...requestFor(route), headers: { authorization: `Bearer ${narrow}` } }), 403, 'FORBIDDEN', label(route));
    }
  });

  it('lets each role that holds the permission through (reads only: nothing is changed here)', async () => {
    for (const route of guarded().filter((r) => r.method === 'GET' || r.method === 'HEAD')) {
      const holders = route.permission === 'authenticated' ? roleIds : roleIds.filter((r) => defaultMatrix[r].includes(route.permission as never));
      for (const role of holders) {
        const response = await sessions.get(role)!.inject(requestFor(route));
        // 400 is fine here: some reads need query parameters; what matters is that access was granted.
        expect([200, 400], `${label(route)} as ${role}: ${response.body.slice(0, 200)}`).toContain(response.statusCode);
      }
    }
  });
});

describe('CSRF', () => {
  it('refuses every state-changing request made with the session cookie but without the token, or with a wrong one', async () => {
    const admin = sessions.get('admin')!;
    const mutating = routes().filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method) && r.permission !== 'public');
    expect(mutating.length).toBeGreaterThan(4);
    for (const route of mutating) {
      for (const headers of [{ cookie: admin.cookie }, { cookie: admin.cookie, 'x-csrf-token': 'guessed' }]) {
        const response = await cloud.app.inject({ ...requestFor(route), headers });
        expectErrorBody(response, 403, 'CSRF_TOKEN_INVALID', label(route));
        expect(response.json().field).toBe('x-csrf-token');
      }
    }
    // another session's token does not fit this one
    const other = await cloud.login('admin');
    const crossed = await cloud.app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie: admin.cookie, 'x-csrf-token': other.csrfToken } });
    expect(crossed.statusCode).toBe(403);
    // the session still works: nothing was changed
    expect((await admin.inject({ method: 'GET', url: '/api/session' })).statusCode).toBe(200);
  });

  it('exempts requests authenticated by a bearer token (no cookie can ride along)', async () => {
    const token = cloud.tokenFor('admin');
    const matrix = cloud.auth.service.parts.matrix.get();
    const response = await cloud.app.inject({ method: 'PUT', url: '/api/permissions', headers: { authorization: `Bearer ${token}` }, payload: { matrix } });
    expect(response.statusCode).toBe(200);
  });

  it('refuses a form post from another site before it reaches any route: bodies are JSON only', async () => {
    const admin = sessions.get('admin')!;
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const response = await cloud.app.inject({
        method: 'PUT', url: '/api/permissions', payload: 'matrix=x', headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'content-type': contentType },
      });
      expectErrorBody(response, 415, 'UNSUPPORTED_MEDIA_TYPE', contentType);
    }
  });
});

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Strict, Path=/, and Secure with the __Host- prefix unless turned off', async () => {
    const secure = await openTestCloud({ demoUsers: false, secureCookies: true });
    try {
      const { accounts } = secure.auth.service.parts;
      accounts.create({ username: 'eve', role: 'auditor', passwordHash: await secure.auth.service.hashPassword('eve-password-1'), mustChangePassword: false });
      const response = await secure.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'eve', password: 'eve-password-1' } });
      const setCookie = String(response.headers['set-cookie']);
      expect(setCookie).toMatch(/^__Host-es_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
      expect(response.headers['strict-transport-security']).toContain('max-age=');
    } finally {
      await secure.close();
    }
    const plain = await cloud.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'auditor', password: 'auditor-demo' } });
    expect(String(plain.headers['set-cookie'])).toMatch(/^es_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
  });
});
