/** Bodies the API must refuse with a 4xx naming the problem, changing nothing (DESIGN "Bad input"). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultMatrix } from '../auth/permissions.ts';
import { BODY_LIMIT_BYTES } from './app.ts';
import { openTestCloud, type LoggedIn, type TestCloud } from './test-fixture.ts';

let cloud: TestCloud;
let admin: LoggedIn;
beforeAll(async () => {
  cloud = await openTestCloud({ demoUsers: true });
  admin = await cloud.login('admin');
}, 30_000);
afterAll(async () => {
  await cloud?.close();
});

const put = (payload: string, contentType = 'application/json') =>
  admin.inject({ method: 'PUT', url: '/api/permissions', payload, headers: { 'content-type': contentType } });

describe('request bodies', () => {
  it('refuses a body over 64 KiB with 413 and changes nothing', async () => {
    const huge = JSON.stringify({ matrix: { ...defaultMatrix, auditor: [] }, pad: 'x'.repeat(BODY_LIMIT_BYTES) });
    const response = await put(huge);
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('65536 bytes') });
    expect(cloud.auth.service.parts.matrix.get()).toEqual(defaultMatrix);
  });

  it('refuses malformed JSON, an empty body, a body that is not an object, and prototype pollution', async () => {
    for (const [payload, error] of [
      ['{"matrix": {', 'BAD_REQUEST'], ['', 'BAD_REQUEST'], ['[]', 'INVALID_VALUE'], ['"matrix"', 'INVALID_VALUE'],
      ['{"__proto__": {"admin": true}, "matrix": {}}', 'BAD_REQUEST'],
    ] as const) {
      const response = await put(payload);
      expect(response.statusCode, payload).toBe(400);
      expect(response.json().error, payload).toBe(error);
    }
    expect(cloud.auth.service.parts.matrix.get()).toEqual(defaultMatrix);
  });

  it('refuses unknown fields, naming each, on every body', async () => {
    const login = await cloud.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'admin', password: 'admin-demo', remember: true } });
    expect(login.statusCode).toBe(400);
    expect(login.json()).toMatchObject({ error: 'UNKNOWN_FIELD', field: 'remember' });
    expect(login.headers['set-cookie']).toBeUndefined();
    const token = await admin.inject({ method: 'POST', url: '/api/tokens', payload: { name: 'x', permissions: ['audit.read'], expires: 'never' } });
    expect(token.json()).toMatchObject({ error: 'UNKNOWN_FIELD', field: 'expires' });
    expect(cloud.auth.service.parts.tokens.list()).toEqual([]);
  });

  it('names a missing field and never echoes a password back', async () => {
    const missing = await cloud.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'admin' } });
    expect(missing.json()).toMatchObject({ error: 'MISSING_FIELD', field: 'password' });
    const secret = 'p'.repeat(300);
    const tooLong = await cloud.app.inject({ method: 'POST', url: '/api/session', payload: { username: 'admin', password: secret } });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json()).toMatchObject({ error: 'INVALID_VALUE', field: 'password', message: expect.stringContaining('(value hidden) is too long') });
    expect(tooLong.body).not.toContain('ppppp');
  });
});
