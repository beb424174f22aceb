import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloudMigrations, migrate, MigrationError, type Migration } from './migrations.ts';
import { openTelemetryStore, type TelemetryPoint, type TelemetryStore } from './telemetry-store.ts';

let dir: string;
let file: string;
let store: TelemetryStore | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'edgestock-store-'));
  file = join(dir, 'cloud.sqlite');
});
afterEach(() => {
  store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const at = 1_700_000_000_000;
function point(tag: string, ts: number, value: TelemetryPoint['value'], quality: TelemetryPoint['quality'] = 'good', error?: string): TelemetryPoint {
  return { group: 'plant-1', edge: 'gw-01', device: 'press-4', tag, value, quality, ts, ...(error === undefined ? {} : { error }) };
}

describe('migrations', () => {
  it('applies each migration once and nothing on reopen', () => {
    const db = new Database(file);
    expect(migrate(db)).toEqual(cloudMigrations.map((m) => m.version));
    expect(migrate(db)).toEqual([]);
    db.close();
    store = openTelemetryStore(file);
    store.insertSamples([point('t', at, 1)]);
    store.close();
    store = openTelemetryStore(file); // reopen: schema kept, data kept
    expect(store.counts()).toEqual({ samples: 1, tags: 1 });
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all())
      .toEqual(cloudMigrations.map(({ version, name }) => ({ version, name })));
    // versions are never reused: the ones shipped keep their number and name
    expect(cloudMigrations.slice(0, 7).map(({ version, name }) => `${version} ${name}`)).toEqual([
      '1 telemetry', '2 sample-error', '3 accounts', '4 audit-log', '5 gateway-credentials', '6 gateway-configs', '7 edge-sessions',
    ]);
    check.close();
  });

  it('applies pending migrations in order, all or nothing', () => {
    const db = new Database(file);
    const ok: Migration = { version: 1, name: 'a', up: 'CREATE TABLE a (x INTEGER)' };
    const broken: Migration = { version: 2, name: 'b', up: 'CREATE TABLE b (x INTEGER); THIS IS NOT SQL' };
    expect(() => migrate(db, [ok, broken])).toThrow();
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'a'").pluck().get()).toBe(0);
    expect(migrate(db, [ok])).toEqual([1]);
    db.close();
  });

  it('adds the error column to a version 1 database, whose samples read back with error null', () => {
    const v1 = new Database(file);
    expect(migrate(v1, cloudMigrations.filter((m) => m.version === 1))).toEqual([1]);
    v1.prepare("INSERT INTO metric (id, grp, edge, device, tag, datatype, unit, defined_at) VALUES (1, 'plant-1', 'gw-01', 'press-4', 'temp', 'Double', '°C', ?)").run(at);
    const insert = v1.prepare('INSERT INTO sample (metric_id, ts, vtype, value, quality) VALUES (1, ?, ?, ?, ?)');
    insert.run(at, 1, 21.5, 0);
    insert.run(at + 1000, 0, null, 2); // a bad reading stored before errors were kept
    v1.close();

    store = openTelemetryStore(file);
    expect(store.latest({ tag: 'temp' })).toEqual([expect.objectContaining({ value: null, quality: 'bad', error: null, ts: at + 1000, unit: '°C' })]);
    expect(store.history({ edge: 'gw-01', device: 'press-4', tag: 'temp' })).toEqual([
      { ts: at, value: 21.5, quality: 'good', error: null },
      { ts: at + 1000, value: null, quality: 'bad', error: null },
    ]);
    expect(store.insertSamples([point('temp', at + 2000, null, 'bad', 'LINK_DOWN')])).toEqual({ inserted: 1, duplicates: 0 });
    expect(store.latest({ tag: 'temp' })[0]).toMatchObject({ quality: 'bad', error: 'LINK_DOWN' });
    expect(store.counts()).toEqual({ samples: 3, tags: 1 });
  });

  it('refuses a database newer than the code', () => {
    const db = new Database(file);
    migrate(db, [{ version: 1, name: 'a', up: 'SELECT 1' }, { version: 2, name: 'b', up: 'SELECT 1' }]);
    expect(() => migrate(db, [{ version: 1, name: 'a', up: 'SELECT 1' }])).toThrow(MigrationError);
    db.close();
  });
});

describe('telemetry store', () => {
  beforeEach(() => {
    store = openTelemetryStore(file);
  });

  it('stores a batch once: the same samples again are counted as duplicates', () => {
    const batch = [point('speed', at, 1.5), point('speed', at + 1000, 2.5), point('count', at, 7)];
    expect(store!.insertSamples(batch)).toEqual({ inserted: 3, duplicates: 0 });
    expect(store!.insertSamples(batch)).toEqual({ inserted: 0, duplicates: 3 });
    expect(store!.insertSamples([...batch, point('speed', at + 2000, 3.5)])).toEqual({ inserted: 1, duplicates: 3 });
    expect(store!.counts()).toEqual({ samples: 4, tags: 2 });
    expect(store!.history({ edge: 'gw-01', device: 'press-4', tag: 'speed' }).map((p) => p.value)).toEqual([1.5, 2.5, 3.5]);
  });

  it('moves the latest value only forward in time', () => {
    store!.insertSamples([point('temp', at + 5000, 20)]);
    store!.insertSamples([point('temp', at + 1000, 10, 'bad')]); // late arrival: history only
    expect(store!.latest({ tag: 'temp' })[0]).toMatchObject({ value: 20, quality: 'good', ts: at + 5000 });
    store!.insertSamples([point('temp', at + 9000, 30, 'uncertain'), point('temp', at + 7000, 25)]);
    expect(store!.latest({ tag: 'temp' })[0]).toMatchObject({ value: 30, quality: 'uncertain', ts: at + 9000 });
    expect(store!.history({ edge: 'gw-01', device: 'press-4', tag: 'temp' }).map((p) => p.ts))
      .toEqual([at + 1000, at + 5000, at + 7000, at + 9000]);
  });

  it('round-trips booleans, strings, nulls and numbers exactly', () => {
    const values: TelemetryPoint['value'][] = [true, false, '', '42', 'héllo', null, 0, 1, -1.25, 2 ** 53 - 1];
    store!.insertSamples(values.map((value, i) => point('mixed', at + i, value)));
    expect(store!.history({ edge: 'gw-01', device: 'press-4', tag: 'mixed' }).map((p) => p.value)).toEqual(values);
    store!.insertSamples([point('flag', at, true), point('label', at, '1'), point('empty', at, null, 'bad')]);
    const latest = Object.fromEntries(store!.latest().map((v) => [v.tag, v.value]));
    expect(latest).toMatchObject({ flag: true, label: '1', empty: null, mixed: 2 ** 53 - 1 });
  });

  it('returns history in ascending time within a range, keeping the newest when limited', () => {
    store!.insertSamples(Array.from({ length: 100 }, (_, i) => point('level', at + i * 1000, i)));
    const q = { group: 'plant-1', edge: 'gw-01', device: 'press-4', tag: 'level' };
    expect(store!.history(q)).toHaveLength(100);
    expect(store!.history({ ...q, from: at + 10_000, to: at + 19_000 }).map((p) => p.value)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(store!.history({ ...q, limit: 3 }).map((p) => p.value)).toEqual([97, 98, 99]);
    expect(store!.history({ ...q, from: at, to: at + 50_000, limit: 2 }).map((p) => p.value)).toEqual([49, 50]);
    expect(store!.history({ ...q, tag: 'nothing' })).toEqual([]);
    expect(store!.history({ ...q, limit: 1 })[0]).toEqual({ ts: at + 99_000, value: 99, quality: 'good', error: null });
  });

  it('keeps definitions and aliases across a restart', () => {
    store!.defineMetrics([
      { group: 'plant-1', edge: 'gw-01', device: 'press-4', tag: 'speed', alias: 10, datatype: 'Float', unit: 'rpm', protocol: 'modbus' },
      { group: 'plant-1', edge: 'gw-01', device: 'press-4', tag: 'running', alias: 11, datatype: 'Boolean', protocol: 'modbus' },
    ]);
    store!.close();
    store = openTelemetryStore(file);
    expect(store.resolveAlias('plant-1', 'gw-01', 10)).toEqual({
      group: 'plant-1', edge: 'gw-01', device: 'press-4', tag: 'speed', alias: 10, datatype: 'Float', unit: 'rpm', protocol: 'modbus',
    });
    expect(store.resolveAlias('plant-1', 'gw-01', 11)?.tag).toBe('running');
    expect(store.resolveAlias('plant-1', 'gw-01', 12)).toBeUndefined();
    expect(store.resolveAlias('plant-1', 'gw-02', 10)).toBeUndefined();
  });

  it('moves an alias to the metric a newer birth gives it', () => {
    const base = { group: 'plant-1', edge: 'gw-01', device: 'press-4', datatype: 'Int32' };
    store!.defineMetrics([{ ...base, tag: 'a', alias: 1 }, { ...base, tag: 'b', alias: 2 }]);
    store!.defineMetrics([{ ...base, tag: 'b', alias: 1 }]);
    expect(store!.resolveAlias('plant-1', 'gw-01', 1)?.tag).toBe('b');
    expect(store!.resolveAlias('plant-1', 'gw-01', 2)).toBeUndefined();
    store!.close();
    store = openTelemetryStore(file);
    expect(store.resolveAlias('plant-1', 'gw-01', 1)?.tag).toBe('b');
  });

  it('keeps the error code of a reading that is not good, in latest and history', () => {
    store!.insertSamples([
      point('temp', at, 21.5),
      point('temp', at + 1000, null, 'bad', 'TIMEOUT'),
      point('temp', at + 2000, 22, 'good', 'TIMEOUT'), // a good reading has no error: not stored
      point('temp', at + 3000, null, 'bad', 'LINK_DOWN'),
    ]);
    expect(store!.history({ edge: 'gw-01', device: 'press-4', tag: 'temp' }).map((p) => [p.quality, p.error])).toEqual([
      ['good', null], ['bad', 'TIMEOUT'], ['good', null], ['bad', 'LINK_DOWN'],
    ]);
    expect(store!.latest({ tag: 'temp' })[0]).toMatchObject({ value: null, quality: 'bad', error: 'LINK_DOWN' });
    store!.insertSamples([point('temp', at + 4000, 23)]);
    expect(store!.latest({ tag: 'temp' })[0]).toMatchObject({ value: 23, quality: 'good', error: null });
  });

  it('lists defined tags without samples as null and uncertain', () => {
    store!.defineMetrics([{ group: 'g', edge: 'e', device: 'd', tag: 'never', datatype: 'Double', unit: 'bar', protocol: 's7' }]);
    const [value] = store!.latest({ group: 'g' });
    expect(value).toMatchObject({ group: 'g', edge: 'e', device: 'd', tag: 'never', value: null, quality: 'uncertain', error: null, unit: 'bar', protocol: 's7', datatype: 'Double' });
    expect(typeof value.ts).toBe('number');
  });

  it('filters latest values by any of group, edge, device and tag', () => {
    store!.insertSamples([
      { group: 'g1', edge: 'e1', device: 'd1', tag: 't1', value: 1, quality: 'good', ts: at },
      { group: 'g1', edge: 'e1', device: 'd2', tag: 't1', value: 2, quality: 'good', ts: at },
      { group: 'g2', edge: 'e1', device: 'd1', tag: 't2', value: 3, quality: 'good', ts: at },
    ]);
    expect(store!.latest().map((v) => v.value)).toEqual([1, 2, 3]);
    expect(store!.latest({ group: 'g1' }).map((v) => v.value)).toEqual([1, 2]);
    expect(store!.latest({ device: 'd1' }).map((v) => v.value)).toEqual([1, 3]);
    expect(store!.latest({ group: 'g1', device: 'd2', tag: 't1' }).map((v) => v.value)).toEqual([2]);
    expect(store!.latest({ edge: 'nope' })).toEqual([]);
  });

  it('rejects a bad point and rolls back its whole batch', () => {
    const bad = { ...point('x', at, 1), quality: 'excellent' } as unknown as TelemetryPoint;
    expect(() => store!.insertSamples([point('ok', at, 1), bad])).toThrow(/quality must be good, uncertain or bad/);
    expect(store!.counts()).toEqual({ samples: 0, tags: 0 });
    expect(store!.insertSamples([point('ok', at, 1)])).toEqual({ inserted: 1, duplicates: 0 });
  });

  // Speed is the benches' business (bench/, on a quiet machine); this checks that big batches all land.
  it('stores every one of 100,000 samples inserted in batches of 5,000', () => {
    const batches = Array.from({ length: 20 }, (_, b) =>
      Array.from({ length: 5000 }, (_, i) => point(`tag-${i % 500}`, at + b * 100 + Math.floor(i / 500), i)));
    for (const batch of batches) store!.insertSamples(batch);
    expect(store!.counts().samples).toBe(100_000);
    expect(store!.history({ edge: 'gw-01', device: 'press-4', tag: 'tag-7' }).map((p) => p.value)).toHaveLength(200);
  });
});
