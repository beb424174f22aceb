/**
 * GET /api/gateways/:group/:edge/events on the real cloud app, wired as cloud-service.ts wires it:
 * the SQLite event store on the cloud's file, accounts with sessions, the access control.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAccounts, demoPassword } from '../../auth/bootstrap-accounts.ts';
import { openAuth, type OpenAuth } from '../../auth/open-auth.ts';
import { openEdgeEventStore } from '../../events/sqlite-edge-event-store.ts';
import { openRollout, type OpenRollout } from '../../rollout/open-rollout.ts';
import { openTelemetryStore, type TelemetryStore } from '../../store/telemetry-store.ts';
import { buildCloudApp } from '../app.ts';
import { TEST_SCRYPT } from '../test-fixture.ts';

const logger = pino({ level: 'silent' });

describe('GET /api/gateways/:group/:edge/events', () => {
  let dir: string;
  let store: TelemetryStore;
  let auth: OpenAuth;
  let rollout: OpenRollout;
  let events: ReturnType<typeof openEdgeEventStore>;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-events-route-'));
    const file = join(dir, 'cloud.sqlite');
    store = openTelemetryStore(file);
    auth = openAuth(file, { sessionIdleMinutes: 30, hashParameters: TEST_SCRYPT });
    await bootstrapAccounts(auth.service, { demoUsers: true, announce: () => {} });
    rollout = openRollout(file, { link: () => undefined, logger });
    events = openEdgeEventStore(file);
    app = buildCloudApp({ store, auth: auth.service, logger, secureCookies: false, rollout: rollout.rollout, events: events.events });
    await app.ready();
    const add = (id: string, type: string, at: number, body: unknown) => events.events.add('plant', 'gw1', { id, type, at, body }, at + 5);
    add('ev-1', 'connector.link', 100, { connector: 'shelf', state: 'down', error: 'LINK_DOWN' });
    add('ev-2', 'connector.link', 200, { connector: 'shelf', state: 'up' });
    add('ev-3', 'rule.action', 300, { rule: 'cold-chain', action: 'block-putaway' });
  }, 30_000);

  afterAll(async () => {
    await app?.close();
    events?.close();
    rollout?.close();
    auth?.close();
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (username: string, url: string) => {
    const login = await app.inject({ method: 'POST', url: '/api/session', payload: { username, password: demoPassword(username) } });
    const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    return app.inject({ method: 'GET', url, headers: { cookie } });
  };

  it('answers newest first, with a limit and a type filter', async () => {
    const all = await get('auditor', '/api/gateways/plant/gw1/events');
    expect(all.statusCode).toBe(200);
    expect(all.json().events.map((e: { id: string }) => e.id)).toEqual(['ev-3', 'ev-2', 'ev-1']);
    expect(all.json().events[2]).toEqual({ id: 'ev-1', type: 'connector.link', at: 100, receivedAt: 105, body: { connector: 'shelf', state: 'down', error: 'LINK_DOWN' } });
    const links = await get('auditor', '/api/gateways/plant/gw1/events?type=connector.link&limit=1');
    expect(links.json()).toEqual({ events: [{ id: 'ev-2', type: 'connector.link', at: 200, receivedAt: 205, body: { connector: 'shelf', state: 'up' } }] });
  });

  it('answers an empty list for a gateway without events', async () => {
    const response = await get('auditor', '/api/gateways/plant/gw-unknown/events');
    expect(response.json()).toEqual({ events: [] });
  });

  it('refuses a bad limit or type naming the field, and a role without telemetry.read', async () => {
    const badLimit = await get('auditor', '/api/gateways/plant/gw1/events?limit=0');
    expect(badLimit.statusCode).toBe(400);
    expect(badLimit.json()).toMatchObject({ field: 'limit' });
    const badType = await get('auditor', '/api/gateways/plant/gw1/events?type=Link%20Down');
    expect(badType.statusCode).toBe(400);
    expect(badType.json()).toMatchObject({ field: 'type' });
    expect((await get('operator', '/api/gateways/plant/gw1/events')).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/gateways/plant/gw1/events' })).statusCode).toBe(401);
  });
});
