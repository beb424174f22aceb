/**
 * GET /docs through the real app: the page for a logged-in visitor, /login (coming back to /docs)
 * for one without a session, its script and style under /ui/, and its own entry in the OpenAPI
 * document it draws.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestCloud, type TestCloud } from '../test-fixture.ts';

let cloud: TestCloud;

beforeAll(async () => {
  cloud = await openTestCloud({ demoUsers: true });
});

afterAll(async () => {
  await cloud?.close();
});

describe('GET /docs', () => {
  it('sends a visitor without a session to the login page, which returns to /docs', async () => {
    const response = await cloud.app.inject({ method: 'GET', url: '/docs' });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('/login?next=%2Fdocs');
  });

  it('answers a logged-in user with the HTML page that loads only same-origin files', async () => {
    const auditor = await cloud.login('auditor');
    const response = await auditor.inject({ method: 'GET', url: '/docs' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.body).toContain('<script type="module" src="/ui/docs.js"></script>');
    expect(response.body).toContain('href="/api/openapi.json"');
    // no inline script or style: the CSP would refuse them
    expect(response.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=/);

    const again = await auditor.inject({ method: 'GET', url: '/docs', headers: { 'if-none-match': response.headers.etag as string } });
    expect(again.statusCode).toBe(304);
  });

  it('serves the page\'s scripts and style under /ui/', async () => {
    const operator = await cloud.login('operator');
    for (const [file, type] of [['docs.js', 'text/javascript'], ['docs-operations.js', 'text/javascript'], ['docs-operation.js', 'text/javascript'],
      ['docs-schema-tree.js', 'text/javascript'], ['docs.css', 'text/css']] as const) {
      const response = await operator.inject({ method: 'GET', url: `/ui/${file}` });
      expect(response.statusCode, file).toBe(200);
      expect(response.headers['content-type'], file).toBe(`${type}; charset=utf-8`);
    }
  });

  it('is listed in the OpenAPI document as a public page', async () => {
    const sales = await cloud.login('sales');
    const document = (await sales.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(document.paths['/docs'].get).toMatchObject({ 'x-permission': 'public', responses: { 200: { content: { 'text/html': {} } }, 302: {} } });
  });
});
