/**
 * The master-data routes on the real cloud app (accounts, sessions, access control, error
 * handler, audit log) over a real store on a SQLite file and the sync's gateway overview.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../connectors/clock.ts';
import { GatewaySyncStates } from '../../masterdata/gateway-sync-states.ts';
import { SqliteMasterDataStore } from '../../masterdata/master-data-store.ts';
import { MasterDataSync } from '../../masterdata/master-data-sync.ts';
import { openDatabase, type SqliteDatabase } from '../../store/database.ts';
import { migrate } from '../../store/migrations.ts';
import { openTestCloud, type LoggedIn, type TestCloud } from '../test-fixture.ts';

const MILK = '06901234000016';
const item = { gtin: MILK, sku: 'MILK-1L', name: 'Fresh milk 1 L', category: 'fresh', temperatureC: { min: 2, max: 8 } };
const lot = { gtin: MILK, batch: 'M2401', expiry: '2031-05-01' };

describe('master-data routes', () => {
  let dir: string;
  let db: SqliteDatabase;
  let store: SqliteMasterDataStore;
  let sync: MasterDataSync;
  let cloud: TestCloud;
  let engineer: LoggedIn;
  let auditor: LoggedIn;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-master-data-routes-'));
    db = openDatabase(join(dir, 'master.sqlite'));
    migrate(db);
    store = new SqliteMasterDataStore(db, systemClock);
    const states = new GatewaySyncStates(db);
    states.recordReport({ group: 'demo-plant', edge: 'gw-cold-room-1' }, 0, Date.now());
    sync = new MasterDataSync({
      store, states, link: () => undefined, clock: systemClock, logger: pino({ level: 'silent' }),
      gateways: () => [{ group: 'demo-plant', edge: 'gw-cold-room-1' }, { group: 'demo-plant', edge: 'gw-press-hall' }],
    });
    cloud = await openTestCloud({ demoUsers: true, masterData: { store, gateways: () => sync.overview() } });
    engineer = await cloud.login('engineer');
    auditor = await cloud.login('auditor');
  }, 30_000);

  afterAll(async () => {
    sync?.close();
    await cloud?.close();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const put = (who: LoggedIn, kind: string, key: string, payload: unknown) => who.inject({ method: 'PUT', url: `/api/master-data/${kind}/${encodeURIComponent(key)}`, payload: payload as object });

  it('puts records in reference order, each with the next version, and lists them by kind', async () => {
    expect((await put(engineer, 'category', 'fresh', { id: 'fresh', name: 'Fresh dairy', nearExpiryDays: 30 })).json()).toEqual({ key: 'fresh', version: 1 });
    expect((await put(engineer, 'item', MILK, item)).json()).toEqual({ key: MILK, version: 2 });
    const lotPut = await put(engineer, 'lot', `${MILK}/M2401`, lot);
    expect(lotPut.statusCode).toBe(200);
    expect(lotPut.json()).toEqual({ key: `${MILK}/M2401`, version: 3 });

    const lots = await auditor.inject({ method: 'GET', url: '/api/master-data/lot' });
    expect(lots.json()).toEqual({ kind: 'lot', version: 3, records: [{ key: `${MILK}/M2401`, version: 3, value: { ...lot, status: 'released' } }] });
    const summary = (await auditor.inject({ method: 'GET', url: '/api/master-data' })).json();
    expect(summary).toEqual({
      version: 3,
      counts: { category: 1, item: 1, lot: 1, location: 0, operator: 0, stock: 0 },
      gateways: [
        { group: 'demo-plant', edge: 'gw-cold-room-1', online: false, heldVersion: 0, status: 'behind', lastError: null },
        { group: 'demo-plant', edge: 'gw-press-hall', online: false, heldVersion: null, status: 'unknown', lastError: null },
      ],
    });
    const [entry] = cloud.auth.service.parts.audit.query({ action: 'masterdata.put', actor: 'engineer' });
    expect(entry).toMatchObject({ outcome: 'success', target: `lot/${MILK}/M2401`, before: null, after: { version: 3, value: { ...lot, status: 'released' } } });
  });

  it('answers 400 naming the field for a bad record, a wrong key or a missing reference, and stores nothing', async () => {
    const swapped = await put(engineer, 'item', MILK, { ...item, temperatureC: { min: 9, max: 2 } });
    expect(swapped.statusCode).toBe(400);
    expect(swapped.json()).toEqual({
      error: 'INVALID_VALUE', field: 'temperatureC.min', message: 'temperatureC.min: min is above max; swap them',
      problems: [{ path: 'temperatureC.min', message: 'min is above max; swap them' }],
    });
    const wrongKey = await put(engineer, 'lot', `${MILK}/M9999`, lot);
    expect(wrongKey.statusCode).toBe(400);
    expect(wrongKey.json()).toMatchObject({ field: 'key', message: expect.stringContaining(`is not this record's key "${MILK}/M2401"`) });
    const orphan = await put(engineer, 'stock', `${MILK}/M2401@B12`, { gtin: MILK, batch: 'M2401', location: 'B12', qty: 5 });
    expect(orphan.statusCode).toBe(400);
    expect(orphan.json()).toMatchObject({ error: 'INVALID_VALUE', field: 'location', message: expect.stringContaining('there is no location "B12"') });
    const device = await put(engineer, 'device', 'pda-09', { id: 'pda-09' });
    expect(device.statusCode).toBe(400);
    expect(device.json()).toMatchObject({ field: 'kind', message: expect.stringContaining('devices are under /api/devices') });
    expect(store.version()).toBe(3);
    expect(cloud.auth.service.parts.audit.query({ action: 'masterdata.put', actor: 'engineer' }).filter((e) => e.outcome === 'failure')).toHaveLength(3);
  });

  it('refuses deleting an item that has lots, naming them, then deletes once they are gone', async () => {
    const refused = await engineer.inject({ method: 'DELETE', url: `/api/master-data/item/${MILK}` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: 'CONFLICT', message: expect.stringContaining(`used by 1 lot record(s): ${MILK}/M2401`) });
    const missing = await engineer.inject({ method: 'DELETE', url: '/api/master-data/category/nothing' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'NOT_FOUND', field: 'key' });
    await put(engineer, 'lot', `${MILK}/M2402`, { ...lot, batch: 'M2402' });
    const deleted = await engineer.inject({ method: 'DELETE', url: `/api/master-data/lot/${encodeURIComponent(`${MILK}/M2402`)}` });
    expect(deleted.json()).toEqual({ key: `${MILK}/M2402`, version: 5 });
    expect(store.changesSince(4, 10)).toEqual([{ kind: 'lot', key: `${MILK}/M2402`, version: 5 }]);
  });

  it('quarantines a lot with a reason and releases it, both audited', async () => {
    const quarantined = await engineer.inject({ method: 'POST', url: `/api/lots/${MILK}/M2401/quarantine`, payload: { reason: 'listeria suspected' } });
    expect(quarantined.statusCode).toBe(200);
    const { quarantinedAt, ...rest } = quarantined.json();
    expect(rest).toEqual({ key: `${MILK}/M2401`, version: 6 });
    expect(store.get('lot', `${MILK}/M2401`)!.value).toMatchObject({ status: 'quarantined', reason: 'listeria suspected', quarantinedAt });
    const noReason = await engineer.inject({ method: 'POST', url: `/api/lots/${MILK}/M2401/quarantine`, payload: {} });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json()).toMatchObject({ error: 'MISSING_FIELD', field: 'reason' });
    const released = await engineer.inject({ method: 'POST', url: `/api/lots/${MILK}/M2401/release` });
    expect(released.json()).toEqual({ key: `${MILK}/M2401`, version: 7 });
    expect(store.get('lot', `${MILK}/M2401`)!.value).toEqual({ ...lot, status: 'released' });
    expect((await engineer.inject({ method: 'POST', url: `/api/lots/${MILK}/NOPE/release` })).statusCode).toBe(404);
    const [release] = cloud.auth.service.parts.audit.query({ action: 'lot.release' }).filter((e) => e.outcome === 'success');
    expect(release).toMatchObject({ actor: 'engineer', target: `${MILK}/M2401`, before: { status: 'quarantined' }, after: { version: 7 } });
    expect(cloud.auth.service.parts.audit.query({ action: 'lot.quarantine', actor: 'engineer' })[0]).toMatchObject({ after: { value: { reason: 'listeria suspected' } } });
  });

  it('lets inventory.read holders read and only masterdata.manage holders change', async () => {
    for (const reader of ['auditor', 'operator', 'sales', 'purchasing', 'admin']) {
      expect((await (await cloud.login(reader)).inject({ method: 'GET', url: '/api/master-data/lot' })).statusCode, reader).toBe(200);
    }
    for (const other of ['expert', 'finance']) {
      const response = await (await cloud.login(other)).inject({ method: 'GET', url: '/api/master-data' });
      expect(response.statusCode, other).toBe(403);
    }
    for (const changer of ['auditor', 'operator', 'sales']) {
      const who = await cloud.login(changer);
      const response = await put(who, 'category', 'fresh', { id: 'fresh', name: 'Changed' });
      expect(response.statusCode, changer).toBe(403);
      expect(response.json().message).toContain('"masterdata.manage"');
      expect((await who.inject({ method: 'POST', url: `/api/lots/${MILK}/M2401/quarantine`, payload: { reason: 'x' } })).statusCode).toBe(403);
    }
    expect(store.get('category', 'fresh')!.value.name).toBe('Fresh dairy');
    expect((await put(await cloud.login('admin'), 'category', 'fresh', { id: 'fresh', name: 'Changed by admin' })).statusCode).toBe(200);
    expect(cloud.app.routeTable.filter((r) => r.method !== 'HEAD').filter((r) => r.url.startsWith('/api/master-data') || /^\/api\/lots\/.*\/(quarantine|release)$/.test(r.url)).map((r) => `${r.method} ${r.permission}`).sort())
      .toEqual(['DELETE masterdata.manage', 'GET inventory.read', 'GET inventory.read', 'POST masterdata.manage', 'POST masterdata.manage', 'PUT masterdata.manage']);
  });
});
