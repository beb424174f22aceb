import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { loadCloudConfig, loadSiteConfig } from '../../config/load-config.ts';
import { createLogger } from './logger.ts';

function capture() {
  const lines: string[] = [];
  return { lines, logger: createLogger('test', { level: 'debug', destination: { write: (line: string) => { lines.push(line); } } }) };
}

const secrets = {
  gateway: 'gw-pass-3f9a', ingest: 'ingest-pass-77c1', bearer: 'tok-0c5e1d', cookie: 'sid-9b2f44', setCookie: 'sid-new-41aa', apiKey: 'key-d00d',
};

function expectNoSecret(output: string): void {
  for (const [name, secret] of Object.entries(secrets)) expect(output, `${name} leaked`).not.toContain(secret);
}

describe('log redaction', () => {
  it('logs config objects without their passwords, however they are nested', () => {
    const { lines, logger } = capture();
    const cloud = loadCloudConfig('config/examples/cloud.yaml', { EDGESTOCK_GATEWAY_PASSWORD: secrets.gateway });
    const site = loadSiteConfig('config/examples/demo-plant.yaml', { EDGESTOCK_GATEWAY_PASSWORD: secrets.gateway });
    logger.info({ config: cloud }, 'cloud config');
    logger.info({ config: site }, 'site config');
    logger.info(cloud, 'cloud config as the log object');
    logger.info({ broker: { mode: 'external', url: 'mqtt://b', username: 'cloud-ingest', password: secrets.ingest } }, 'external broker');
    logger.child({ part: 'x' }).warn({ options: { credentials: { users: [{ username: 'u', password: secrets.ingest, token: secrets.bearer }] } } }, 'deep');
    const output = lines.join('');
    expectNoSecret(output);
    expect(output).toContain('gw-cold-room-1'); // usernames and the rest of the config stay visible
    expect(output.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(6);
  });

  it("redacts child loggers' bindings and an error's own secret fields, and keeps the error readable", () => {
    const { lines, logger } = capture();
    logger.child({ part: 'north', token: secrets.bearer }).child({ cookie: secrets.cookie })
      .error({ err: Object.assign(new Error('connect failed'), { password: secrets.gateway }) }, 'login failed');
    const output = lines.join('');
    expectNoSecret(output);
    expect(JSON.parse(output)).toMatchObject({ part: 'north', token: '[redacted]', cookie: '[redacted]', err: { type: 'Error', message: 'connect failed', password: '[redacted]' } });
  });

  it('logs a Fastify request and response without Authorization, Cookie, Set-Cookie or API key headers', async () => {
    const { lines, logger } = capture();
    const app = Fastify({ loggerInstance: logger });
    app.get('/probe', async (request, reply) => {
      request.log.info({ headers: request.headers }, 'headers');
      // Fastify's own req/res serializers keep only method, url, host and status; the rest is ours.
      request.log.info({ req: { method: request.method, url: request.url, headers: request.headers } }, 'request with headers');
      request.log.info({ request: { raw: { headers: request.raw.headers } } }, 'raw headers');
      reply.header('set-cookie', `sid=${secrets.setCookie}; HttpOnly`);
      request.log.info({ response: { headers: reply.getHeaders() } }, 'response headers');
      return { ok: true };
    });
    const response = await app.inject({
      method: 'GET', url: '/probe',
      headers: { authorization: `Bearer ${secrets.bearer}`, cookie: `sid=${secrets.cookie}`, 'x-api-key': secrets.apiKey, 'proxy-authorization': `Basic ${secrets.bearer}` },
    });
    expect(response.statusCode).toBe(200);
    await app.close();
    const output = lines.join('');
    expectNoSecret(output);
    expect(output).toContain('"url":"/probe"');
    expect(output.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(9);
  });
});
