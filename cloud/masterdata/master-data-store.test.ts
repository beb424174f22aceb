/**
 * The master-data store on a real SQLite file: one version counter for every kind, tombstones,
 * validation naming the field, references kept whole, lot quarantine, seeding once, listeners.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { masterDataChangeSchema } from '../../connectors/edge-link/index.ts';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import { MasterDataInUseError, MasterDataInvalidError, MasterDataReferenceError, UnknownMasterRecordError } from './master-data-errors.ts';
import { SqliteMasterDataStore, type MasterRecordInput } from './master-data-store.ts';

const MILK = '06901234000016';
const by = { by: 'engineer' };
const category = { id: 'fresh', name: 'Fresh dairy', nearExpiryDays: 30 };
const item = { gtin: MILK, sku: 'MILK-1L', name: 'Fresh milk 1 L', category: 'fresh', unit: 'bottle', temperatureC: { min: 2, max: 8 } };
const lot = { gtin: MILK, batch: 'M2401', expiry: '2031-05-01', status: 'released' as const };
const shelf = { code: 'B12', name: 'Cold room shelf 12', temperatureC: { min: 2, max: 8 } };
const stock = { gtin: MILK, batch: 'M2401', location: 'B12', qty: 24 };

describe('the master-data store', () => {
  let dir: string;
  let db: SqliteDatabase;
  let now: number;
  let store: SqliteMasterDataStore;

  const open = () => {
    db = openDatabase(join(dir, 'cloud.sqlite'));
    migrate(db);
    store = new SqliteMasterDataStore(db, { now: () => now });
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-master-data-'));
    now = 1_800_000_000_000;
    open();
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const fill = () => {
    store.put('category', category, by);
    store.put('item', item, by);
    store.put('lot', lot, by);
    store.put('location', shelf, by);
    store.put('stock', stock, by);
  };

  it('gives every change of any kind the next version of one counter, and keeps deleted records as tombstones', () => {
    expect(store.version()).toBe(0);
    fill();
    expect(store.version()).toBe(5);
    expect(store.put('stock', { ...stock, qty: 20 }, by)).toMatchObject({ key: `${MILK}/M2401@B12`, version: 6, changed: true });
    expect(store.delete('stock', `${MILK}/M2401@B12`, by)).toEqual({ key: `${MILK}/M2401@B12`, version: 7 });
    expect(store.get('stock', `${MILK}/M2401@B12`)).toBeUndefined();
    expect(store.list('stock')).toEqual([]);
    expect(store.counts()).toMatchObject({ category: 1, item: 1, lot: 1, location: 1, stock: 0, device: 0 });

    const changes = store.changesSince(3, 100);
    expect(changes.map((c) => [c.kind, c.version, c.value === undefined])).toEqual([['location', 4, false], ['stock', 7, true]]);
    for (const change of changes) expect(masterDataChangeSchema.safeParse(change).success).toBe(true);
    expect(store.changesSince(0, 2).map((c) => c.version)).toEqual([1, 2]);

    // Reopening the file: the counter goes on past the tombstone, never giving version 7 again.
    db.close();
    open();
    expect(store.put('stock', stock, by).version).toBe(8);
    expect(store.get('stock', `${MILK}/M2401@B12`)).toMatchObject({ version: 8, value: stock, updatedBy: 'engineer' });
  });

  it('takes no version for a put that changes nothing', () => {
    fill();
    expect(store.put('item', { ...item }, by)).toMatchObject({ version: 2, changed: false });
    expect(store.version()).toBe(5);
  });

  it('stores records with their defaults and keeps when the key was created', () => {
    store.put('category', { id: 'dairy', name: 'Dairy' }, by);
    expect(store.get('category', 'dairy')!.value).toEqual({ id: 'dairy', name: 'Dairy', nearExpiryDays: 60 });
    const created = store.get('category', 'dairy')!.createdAt;
    now += 5000;
    store.put('category', { id: 'dairy', name: 'Chilled dairy' }, by);
    expect(store.get('category', 'dairy')).toMatchObject({ createdAt: created, updatedAt: created + 5000 });
  });

  it('refuses an invalid record naming the field and what to do, and stores nothing', () => {
    store.put('category', category, by);
    const attempt = () => store.put('item', { ...item, temperatureC: { min: 9, max: 2 } }, by);
    expect(attempt).toThrow(MasterDataInvalidError);
    try {
      attempt();
    } catch (error) {
      expect((error as MasterDataInvalidError).problems).toEqual([{ path: 'temperatureC.min', message: 'min is above max; swap them' }]);
    }
    expect(() => store.put('lot', { ...lot, expiry: '1 May' }, by)).toThrow(/expiry: expected a date as YYYY-MM-DD/);
    expect(() => store.put('item', { ...item, colour: 'white' }, by)).toThrow(/colour/);
    expect(store.version()).toBe(1);
  });

  it('refuses a key that is not the record\'s own, naming the right one', () => {
    fill();
    expect(() => store.put('lot', lot, { by: 'engineer', key: `${MILK}/OTHER` })).toThrow(new RegExp(`key: "${MILK}/OTHER" is not this record's key "${MILK}/M2401"`));
  });

  it('refuses records that refer to nothing: a lot without its item, stock without its lot or location, an item without its category', () => {
    expect(() => store.put('item', item, by)).toThrow(MasterDataReferenceError);
    store.put('category', category, by);
    store.put('item', item, by);
    expect(() => store.put('lot', { ...lot, gtin: '06901234000023' }, by)).toThrow(/gtin: there is no item "06901234000023"/);
    store.put('lot', lot, by);
    expect(() => store.put('stock', stock, by)).toThrow(/location: there is no location "B12"/);
    store.put('location', shelf, by);
    expect(() => store.put('stock', { ...stock, batch: 'M9999' }, by)).toThrow(/batch: there is no lot/);
    expect(store.put('stock', stock, by).changed).toBe(true);
  });

  it('refuses deleting an item that still has lots, naming them, and a lot or location that still has stock', () => {
    fill();
    store.put('lot', { ...lot, batch: 'M2402/B' }, by);
    expect(() => store.delete('item', MILK, by)).toThrow(MasterDataInUseError);
    expect(() => store.delete('item', MILK, by)).toThrow(`item "${MILK}" is still used by 2 lot record(s): ${MILK}/M2401, ${MILK}/M2402/B; delete or change those first`);
    expect(() => store.delete('lot', `${MILK}/M2401`, by)).toThrow(new RegExp(`still used by 1 stock record\\(s\\): ${MILK}/M2401@B12`));
    expect(() => store.delete('location', 'B12', by)).toThrow(/still used by 1 stock/);
    expect(() => store.delete('category', 'fresh', by)).toThrow(/still used by 1 item/);
    // A batch with a '/' has no stock: it goes.
    expect(store.delete('lot', `${MILK}/M2402/B`, by).version).toBe(7);
    expect(() => store.delete('lot', `${MILK}/M2402/B`, by)).toThrow(UnknownMasterRecordError);
  });

  it('quarantines a lot with a reason and the time, and releases it again', () => {
    fill();
    now = 1_800_000_123_000;
    const quarantined = store.quarantineLot(MILK, 'M2401', 'listeria suspected', by);
    expect(quarantined.record.value).toEqual({ ...lot, status: 'quarantined', reason: 'listeria suspected', quarantinedAt: now });
    expect(quarantined.version).toBe(6);
    const released = store.releaseLot(MILK, 'M2401', by);
    expect(released.record.value).toEqual(lot);
    expect(released.version).toBe(7);
    expect(() => store.quarantineLot(MILK, 'NOPE', 'x', by)).toThrow(UnknownMasterRecordError);
  });

  it('tells listeners what changed after each commit, and not for refused changes', () => {
    const heard: Array<Array<[string, number]>> = [];
    const stop = store.onChange((changes) => heard.push(changes.map((c) => [c.key, c.version])));
    fill();
    expect(() => store.put('lot', { ...lot, gtin: '06901234000023' }, by)).toThrow();
    store.delete('stock', `${MILK}/M2401@B12`, by);
    stop();
    store.put('stock', stock, by);
    expect(heard).toEqual([[['fresh', 1]], [[MILK, 2]], [[`${MILK}/M2401`, 3]], [['B12', 4]], [[`${MILK}/M2401@B12`, 5]], [[`${MILK}/M2401@B12`, 6]]]);
  });

  it('seeds in reference order on a first start only, all or nothing', () => {
    const records: MasterRecordInput[] = [
      { kind: 'stock', value: stock }, { kind: 'lot', value: lot }, { kind: 'item', value: item },
      { kind: 'location', value: shelf }, { kind: 'category', key: 'fresh', value: category },
    ];
    const broken = [...records, { kind: 'lot' as const, key: `${MILK}/M2402`, value: { ...lot, batch: 'M2402', expiry: 'soon' } }];
    expect(() => store.seed(broken, { by: 'system' })).toThrow(new RegExp(`${MILK}/M2402.expiry: expected a date`));
    expect(store.version()).toBe(0);
    expect(store.seed(records, { by: 'system' })).toEqual({ version: 5, records: 5 });
    expect(store.list('stock')).toHaveLength(1);
    expect(store.seed(records, { by: 'system' })).toBeUndefined();
    store.delete('stock', `${MILK}/M2401@B12`, by);
    db.close();
    open();
    expect(store.seed(records, { by: 'system' })).toBeUndefined();
    expect(store.list('stock')).toEqual([]);
  });
});
