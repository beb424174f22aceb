import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestCloud, type LoggedIn, type TestCloud } from './test-fixture.ts';

let cloud: TestCloud;
let admin: LoggedIn;

beforeAll(async () => {
  cloud = await openTestCloud({ demoUsers: true });
  admin = await cloud.login('admin');
});

afterAll(async () => {
  await cloud?.close();
});

describe('request bodies are validated as sent, without type coercion', () => {
  it('refuses a number where a body field takes text, naming the field and what to send', async () => {
    const response = await admin.inject({ method: 'POST', url: '/api/users', payload: { username: 5, role: 'auditor' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: 'INVALID_VALUE', field: 'username',
      message: 'username: 5 is not text; expected lower-case letters, digits, dot, dash or underscore, 2 to 64 characters, starting with a letter',
    });
    expect(cloud.auth.service.parts.accounts.byUsername('5')).toBeUndefined();
  });

  it('refuses text where a body field takes true or false, and a list where it takes one value', async () => {
    const text = await admin.inject({ method: 'PATCH', url: '/api/users/engineer', payload: { locked: 'true' } });
    expect(text.json()).toMatchObject({ error: 'INVALID_VALUE', field: 'locked', message: expect.stringContaining('locked: "true" is not true or false') });
    const list = await admin.inject({ method: 'POST', url: '/api/users', payload: { username: ['eve'], role: 'auditor' } });
    expect(list.json()).toMatchObject({ error: 'INVALID_VALUE', field: 'username', message: expect.stringContaining('username: ["eve"] is not text') });
    expect(cloud.auth.service.parts.audit.query({ action: 'user.update' })).toEqual([]);
  });

  it('says what to send when the body is missing or not an object, without quoting it', async () => {
    const missing = await admin.inject({ method: 'PATCH', url: '/api/users/engineer' });
    expect(missing.json()).toEqual({
      error: 'MISSING_FIELD', field: 'body', message: 'body: missing; send a JSON object with the fields role, locked, as content-type: application/json',
    });
    const notObject = await admin.inject({ method: 'PATCH', url: '/api/users/engineer', payload: '"hunter2"', headers: { 'content-type': 'application/json' } });
    expect(notObject.json()).toEqual({ error: 'INVALID_VALUE', field: 'body', message: 'body: is text, not a JSON object; send a JSON object with the fields role, locked' });
  });
});

describe('query strings still arrive as text and are coerced', () => {
  it('reads limit=2 as the number 2', async () => {
    const response = await admin.inject({ method: 'GET', url: '/api/audit?limit=2' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toHaveLength(2);
  });

  it('still names a query value that is not a number', async () => {
    const response = await admin.inject({ method: 'GET', url: '/api/audit?limit=two' });
    expect(response.json()).toMatchObject({ error: 'INVALID_VALUE', field: 'limit', message: expect.stringContaining('limit: "two" is not a whole number') });
  });
});
