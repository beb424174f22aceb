/**
 * The device registry routes on the real cloud app over the real master-data store (SQLite file)
 * and the real device password hashing: the password is shown once and verifies against the
 * stored hash, nothing else ever shows it, and every change is audited without it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../connectors/clock.ts';
import { verifyDevicePassword } from '../../../devices/device-credentials.ts';
import { DeviceRegistry } from '../../devices/device-registry.ts';
import { SqliteMasterDataStore } from '../../masterdata/master-data-store.ts';
import { openDatabase, type SqliteDatabase } from '../../store/database.ts';
import { migrate } from '../../store/migrations.ts';
import { openTestCloud, type LoggedIn, type TestCloud } from '../test-fixture.ts';

describe('device registry routes', () => {
  let dir: string;
  let db: SqliteDatabase;
  let store: SqliteMasterDataStore;
  let cloud: TestCloud;
  let engineer: LoggedIn;
  const sightings = new Map<string, { at: number; operator: string }>();
  const passwords: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-device-routes-'));
    db = openDatabase(join(dir, 'master.sqlite'));
    migrate(db);
    store = new SqliteMasterDataStore(db, systemClock);
    const devices = new DeviceRegistry(store, { lastSeen: (id) => sightings.get(id) });
    cloud = await openTestCloud({ demoUsers: true, devices });
    engineer = await cloud.login('engineer');
  }, 30_000);

  afterAll(async () => {
    await cloud?.close();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const hashOf = (id: string) => store.get('device', id)!.value.passwordHash;

  it('provisions a device: 201 with the password once, only its hash stored, and that password verifies', async () => {
    const response = await engineer.inject({ method: 'POST', url: '/api/devices', payload: { id: 'pda-01', kind: 'pda', note: 'cold room' } });
    expect(response.statusCode).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const { id, password } = response.json();
    passwords.push(password);
    expect(id).toBe('pda-01');
    expect(password).toMatch(/^[\w-]{24}$/);
    expect(hashOf('pda-01')).toMatch(/^scrypt\$/);
    expect(await verifyDevicePassword(password, hashOf('pda-01'))).toBe(true);
    expect(await verifyDevicePassword('pda-01-demo', hashOf('pda-01'))).toBe(false);
    // A device is a master record: the change goes to gateways with the rest.
    expect(store.changesSince(0, 10)).toEqual([{ kind: 'device', key: 'pda-01', version: 1, value: expect.objectContaining({ id: 'pda-01', enabled: true }) }]);

    const again = await engineer.inject({ method: 'POST', url: '/api/devices', payload: { id: 'pda-01', kind: 'pda' } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'CONFLICT', field: 'id' });
  });

  it('lists devices with when each last scanned and by whom, never a password or hash', async () => {
    sightings.set('pda-01', { at: 1_800_000_000_000, operator: 'op-ann' });
    await engineer.inject({ method: 'POST', url: '/api/devices', payload: { id: 'shelf-b12', kind: 'shelf-sensor' } });
    const response = await engineer.inject({ method: 'GET', url: '/api/devices' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      devices: [
        { id: 'pda-01', kind: 'pda', enabled: true, note: 'cold room', createdAt: expect.any(Number), lastSeenAt: 1_800_000_000_000, lastOperator: 'op-ann' },
        { id: 'shelf-b12', kind: 'shelf-sensor', enabled: true, note: null, createdAt: expect.any(Number), lastSeenAt: null, lastOperator: null },
      ],
    });
    expect(response.body).not.toMatch(/scrypt|password/i);
  });

  it('rotates a password: the new one verifies, the old one no longer does', async () => {
    const response = await engineer.inject({ method: 'POST', url: '/api/devices/pda-01/rotate' });
    expect(response.statusCode).toBe(200);
    const { password } = response.json();
    passwords.push(password);
    expect(await verifyDevicePassword(password, hashOf('pda-01'))).toBe(true);
    expect(await verifyDevicePassword(passwords[0]!, hashOf('pda-01'))).toBe(false);
    expect((await engineer.inject({ method: 'POST', url: '/api/devices/pda-99/rotate' })).statusCode).toBe(404);
  });

  it('disables, re-enables and annotates a device; 400 names a bad field', async () => {
    const disabled = await engineer.inject({ method: 'PATCH', url: '/api/devices/pda-01', payload: { enabled: false } });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toMatchObject({ id: 'pda-01', enabled: false, note: 'cold room' });
    expect(store.get('device', 'pda-01')!.value.enabled).toBe(false);
    const noted = await engineer.inject({ method: 'PATCH', url: '/api/devices/pda-01', payload: { enabled: true, note: '' } });
    expect(noted.json()).toMatchObject({ enabled: true, note: null });
    const bad = await engineer.inject({ method: 'PATCH', url: '/api/devices/pda-01', payload: { enabled: 'yes' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'INVALID_VALUE', field: 'enabled' });
    const badKind = await engineer.inject({ method: 'POST', url: '/api/devices', payload: { id: 'pda-02', kind: 'phone' } });
    expect(badKind.statusCode).toBe(400);
    expect(badKind.json()).toMatchObject({ field: 'kind', message: expect.stringContaining('pda or shelf-sensor') });
    const badId = await engineer.inject({ method: 'POST', url: '/api/devices', payload: { id: 'pda 02', kind: 'pda' } });
    expect(badId.json()).toMatchObject({ field: 'id' });
    expect((await engineer.inject({ method: 'PATCH', url: '/api/devices/pda-99', payload: { enabled: true } })).statusCode).toBe(404);
  });

  it('audits every change with the caller and never the password', async () => {
    const audit = cloud.auth.service.parts.audit;
    expect(audit.query({ action: 'device.create' }).map((e) => [e.actor, e.outcome, e.target])).toEqual([
      ['engineer', 'success', 'shelf-b12'], ['engineer', 'failure', 'pda-01'], ['engineer', 'success', 'pda-01'],
    ]);
    expect(audit.query({ action: 'device.rotate' }).map((e) => [e.outcome, e.target])).toEqual([['failure', 'pda-99'], ['success', 'pda-01']]);
    const updates = audit.query({ action: 'device.update' }).filter((e) => e.outcome === 'success');
    expect(updates.at(-1)).toMatchObject({ before: { enabled: true, note: 'cold room' }, after: { enabled: false, note: 'cold room' } });
    const everything = JSON.stringify(audit.query());
    for (const password of passwords) expect(everything).not.toContain(password);
    expect(everything).not.toContain('scrypt$');
  });

  it('is refused to roles without devices.manage, and changes nothing', async () => {
    for (const username of ['auditor', 'operator', 'expert']) {
      const who = await cloud.login(username);
      expect((await who.inject({ method: 'GET', url: '/api/devices' })).statusCode, username).toBe(403);
      const response = await who.inject({ method: 'POST', url: '/api/devices/pda-01/rotate' });
      expect(response.statusCode).toBe(403);
      expect(response.json().message).toContain('"devices.manage"');
    }
    expect(await verifyDevicePassword(passwords.at(-1)!, hashOf('pda-01'))).toBe(true);
    const admin = await cloud.login('admin');
    expect((await admin.inject({ method: 'GET', url: '/api/devices' })).statusCode).toBe(200);
  });
});
