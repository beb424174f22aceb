/**
 * Gateway credential rotation over HTTP against the real cloud broker (embedded, with its
 * credentials in SQLite), wired as cloud-service.ts wires it; and the external broker's refusal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cloudConfigSchema } from '../../../config/cloud-schema.ts';
import { startCloudBroker, type CloudBroker } from '../../broker/cloud-broker.ts';
import { openTestCloud, type TestCloud } from '../test-fixture.ts';

const coldRoom = { username: 'gw-cold-room-1', password: 'gw-cold-room-1-demo', group: 'demo-plant', edge: 'gw-cold-room-1' };
const pressHall = { username: 'gw-press-hall', password: 'gw-press-hall-demo', group: 'demo-plant', edge: 'gw-press-hall' };

const asAdminPart = (broker: CloudBroker) => ({ list: () => broker.listGateways(), rotate: (username: string) => broker.rotateGatewayCredential(username) });

describe('with the embedded broker', () => {
  let dir: string;
  let broker: CloudBroker;
  let cloud: TestCloud;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-gw-rotate-'));
    const { broker: config } = cloudConfigSchema.parse({ broker: { mode: 'embedded', port: 0, users: [coldRoom, pressHall] } });
    broker = await startCloudBroker({ config, storeFile: join(dir, 'broker.sqlite'), logger: pino({ level: 'silent' }) });
    cloud = await openTestCloud({ demoUsers: true, gatewayCredentials: asAdminPart(broker) });
  }, 30_000);

  afterAll(async () => {
    await cloud?.close();
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the gateways with their Sparkplug identity and rotation time, never a password or hash', async () => {
    const response = await (await cloud.login('engineer')).inject({ method: 'GET', url: '/api/gateways/credentials' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([
      { username: 'gw-cold-room-1', group: 'demo-plant', edge: 'gw-cold-room-1', rotatedAt: null },
      { username: 'gw-press-hall', group: 'demo-plant', edge: 'gw-press-hall', rotatedAt: null },
    ]);
    expect(response.body).not.toMatch(/scrypt|hash|password|-demo/i);
  });

  it('rotates: the answer shows the new password once, the live gateway is dropped, only the new password logs in, and the audit log has it without the password', async () => {
    const login = (password: string) =>
      mqtt.connectAsync(broker.mqttUrl, { protocolVersion: 4, username: coldRoom.username, password, reconnectPeriod: 0, connectTimeout: 5000 });
    const gateway = await login(coldRoom.password);
    const dropped = new Promise<void>((resolve) => gateway.once('close', () => resolve()));

    const engineer = await cloud.login('engineer');
    const response = await engineer.inject({ method: 'POST', url: '/api/gateways/credentials/gw-cold-room-1/rotate' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const { password, ...rest } = response.json();
    expect(password).toMatch(/^[\w-]{32}$/);
    expect(rest).toEqual({ username: 'gw-cold-room-1', group: 'demo-plant', edge: 'gw-cold-room-1', rotatedAt: expect.any(Number) });

    await dropped;
    await expect(login(coldRoom.password)).rejects.toThrow(/Bad username or password/i);
    const again = await login(password);
    expect(again.connected).toBe(true);
    again.end(true);

    const listed = (await engineer.inject({ method: 'GET', url: '/api/gateways/credentials' })).json();
    expect(listed[0]).toMatchObject({ username: 'gw-cold-room-1', rotatedAt: rest.rotatedAt });
    expect(listed[1]).toMatchObject({ username: 'gw-press-hall', rotatedAt: null });

    const [entry] = cloud.auth.service.parts.audit.query({ action: 'gateway.credential.rotate' });
    expect(entry).toMatchObject({
      actor: 'engineer', actorKind: 'user', outcome: 'success', target: 'gw-cold-room-1',
      after: { group: 'demo-plant', edge: 'gw-cold-room-1', rotatedAt: rest.rotatedAt },
    });
    expect(JSON.stringify(cloud.auth.service.parts.audit.query())).not.toContain(password);
  }, 30_000);

  it('answers 404 naming the username for a gateway it does not know', async () => {
    const response = await (await cloud.login('admin')).inject({ method: 'POST', url: '/api/gateways/credentials/gw-nowhere/rotate' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: 'NOT_FOUND', field: 'username',
      message: 'username: no gateway logs in as "gw-nowhere"; GET /api/gateways/credentials lists those whose credentials this cloud keeps',
    });
    expect(cloud.auth.service.parts.audit.query({ action: 'gateway.credential.rotate', actor: 'admin' })).toEqual([]);
  });

  it('is refused to a role without devices.manage, and rotates nothing', async () => {
    const auditor = await cloud.login('auditor');
    const response = await auditor.inject({ method: 'POST', url: '/api/gateways/credentials/gw-press-hall/rotate' });
    expect(response.statusCode).toBe(403);
    expect(response.json().message).toContain('"devices.manage"');
    expect(broker.listGateways().find((gateway) => gateway.username === 'gw-press-hall')!.rotatedAt).toBeNull();
  });
});

describe('with an external broker', () => {
  let cloud: TestCloud | undefined;
  afterEach(async () => {
    await cloud?.close();
  });

  it('lists none and answers 409 saying to rotate on the external broker', async () => {
    const { broker: config } = cloudConfigSchema.parse({ broker: { mode: 'external', url: 'mqtt://broker.example:1883' } });
    const broker = await startCloudBroker({ config, storeFile: '/nonexistent/unused.sqlite', logger: pino({ level: 'silent' }) });
    cloud = await openTestCloud({ demoUsers: true, gatewayCredentials: asAdminPart(broker) });
    const engineer = await cloud.login('engineer');
    expect((await engineer.inject({ method: 'GET', url: '/api/gateways/credentials' })).json()).toEqual([]);
    const response = await engineer.inject({ method: 'POST', url: '/api/gateways/credentials/gw-cold-room-1/rotate' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      error: 'CONFLICT', field: null,
      message: "gateway credentials live on the external broker (broker.mode: external), not in this cloud; rotate the password on that broker and put it in the gateway's config",
    });
  });
});
