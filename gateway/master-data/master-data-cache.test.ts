import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { masterRecordsOf, readMasterDataFile } from '../../config/master-data-file.ts';
import { masterKeyOf, type MasterDataKind, type MasterRecordOf } from '../../config/master-data-schema.ts';
import type { Clock } from '../../connectors/clock.ts';
import type { MasterDataChange } from '../../connectors/edge-link/index.ts';
import { hashDevicePassword, verifyDevicePassword } from '../../devices/device-credentials.ts';
import { CommandError } from '../commands/command-channel.ts';
import { createCommandHandlers, type CommandHandlerDeps } from '../commands/command-handlers.ts';
import { openMasterDataCache, type MasterDataCache, type MasterDataChangeNotice } from './master-data-cache.ts';
import { masterDataSyncHandler } from './master-data-command.ts';

const logger = pino({ level: 'silent' });
const demoFile = fileURLToPath(new URL('../../config/examples/demo-plant.master-data.yaml', import.meta.url));

const MILK = '06901234000016';
const BUTTER = '06901234000030';

let now = 1_700_000_000_000;
const clock: Clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => {} };

/** A change that sets `value` (its key computed as the cloud does). */
function set<K extends MasterDataKind>(kind: K, version: number, value: MasterRecordOf[K] | Record<string, unknown>): MasterDataChange {
  return { kind, key: masterKeyOf(kind, value as MasterRecordOf[K]), version, value: value as Record<string, unknown> };
}
const drop = (kind: MasterDataKind, key: string, version: number): MasterDataChange => ({ kind, key, version });

const dairy = { id: 'dairy', name: 'Chilled dairy', nearExpiryDays: 60 };
const milk = { gtin: MILK, sku: 'MILK-1L', name: 'Fresh milk 1 L', category: 'dairy', temperatureC: { min: 2, max: 8 } };
const lot = (batch: string, expiry: string, status: 'released' | 'quarantined' = 'released') => ({ gtin: MILK, batch, expiry, status });
const shelf = (code: string) => ({ code, temperatureTag: `shelf-sensors/${code}/temperature`, temperatureC: { min: 2, max: 8 } });
const stock = (batch: string, location: string, qty: number) => ({ gtin: MILK, batch, location, qty });

/** The first chunk of a reset: a category, an item, three lots on three shelves. */
function firstChunk() {
  return {
    fromVersion: 0, toVersion: 9, reset: true,
    changes: [
      set('category', 1, dairy), set('item', 2, milk),
      set('lot', 3, lot('M3', '2031-03-01')), set('lot', 4, lot('M1', '2031-01-01')), set('lot', 5, lot('M2', '2031-02-01')),
      set('location', 6, shelf('B10')), set('location', 7, shelf('B11')),
      set('stock', 8, stock('M1', 'B10', 24)), set('stock', 9, stock('M2', 'B11', 48)),
    ],
  };
}

describe('master-data cache on a real SQLite file', () => {
  const dirs: string[] = [];
  const open: MasterDataCache[] = [];
  const pathIn = () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgestock-master-data-'));
    dirs.push(dir);
    return join(dir, 'master-data.sqlite');
  };
  const openAt = (path: string) => {
    const cache = openMasterDataCache({ path, logger, clock });
    open.push(cache);
    return cache;
  };
  afterEach(() => {
    for (const cache of open.splice(0)) cache.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('applies chunks in order and answers lookups from them, lots earliest expiry first', () => {
    const cache = openAt(pathIn());
    expect(cache.version()).toBe(0);
    expect(cache.applySync(firstChunk())).toEqual({ ok: true, result: { version: 9, applied: 9 } });
    now += 1000;
    const second = cache.applySync({ fromVersion: 9, toVersion: 12, changes: [set('lot', 10, lot('M0', '2030-12-01', 'quarantined')), set('stock', 12, stock('M0', 'B11', 5))] });
    expect(second).toEqual({ ok: true, result: { version: 12, applied: 2 } });

    expect(cache.version()).toBe(12);
    expect(cache.report()).toEqual({ version: 12 });
    expect(cache.item(MILK)?.unit).toBe('ea');                   // the schema's default, filled on apply
    expect(cache.category('dairy')?.nearExpiryDays).toBe(60);
    expect(cache.lot(MILK, 'M0')?.status).toBe('quarantined');
    expect(cache.lotsOf(MILK).map((l) => l.batch)).toEqual(['M0', 'M1', 'M2', 'M3']);
    expect(cache.stockOf(MILK).map((s) => `${s.batch}@${s.location}`).sort()).toEqual(['M0@B11', 'M1@B10', 'M2@B11']);
    expect(cache.location('B10')?.temperatureTag).toBe('shelf-sensors/B10/temperature');
    expect(cache.lotsOf('00000000000000')).toEqual([]);
    expect(cache.stats()).toMatchObject({ version: 12, lastSyncAt: now, applied: 2, refused: 0, counts: { category: 1, item: 1, lot: 4, location: 2, stock: 3, operator: 0, device: 0 } });
  });

  it('refuses a chunk that does not start at the version held, naming that version, and changes nothing', () => {
    const cache = openAt(pathIn());
    cache.applySync(firstChunk());
    const gap = cache.applySync({ fromVersion: 12, toVersion: 14, changes: [set('lot', 14, lot('M9', '2032-01-01'))] });
    expect(gap).toMatchObject({ ok: false, code: 'VERSION_GAP' });
    expect(gap.ok === false && gap.message).toContain('this gateway holds master data version 9; send the changes after 9');
    const replay = cache.applySync({ fromVersion: 0, toVersion: 9, changes: firstChunk().changes });
    expect(replay).toMatchObject({ ok: false, code: 'VERSION_GAP' });
    expect(cache.version()).toBe(9);
    expect(cache.lot(MILK, 'M9')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ applied: 1, refused: 2 });
  });

  it('refuses a chunk with a bad record, naming its path, and applies none of it', () => {
    const cache = openAt(pathIn());
    cache.applySync(firstChunk());
    const changes = [
      set('lot', 10, lot('M5', '2031-05-01')),
      drop('lot', `${MILK}/M1`, 11),
      set('stock', 12, stock('M2', 'B10', 3)),
      set('lot', 13, { ...lot('M6', '2031-06-01'), expiry: '1 June 2031' }),
    ];
    const outcome = cache.applySync({ fromVersion: 9, toVersion: 13, changes });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.code).toBe('BAD_ARGS');
    expect(outcome.problems).toEqual([{ path: 'changes[3].value.expiry', message: 'found "1 June 2031"; expected a date as YYYY-MM-DD' }]);
    expect(outcome.message).toContain('nothing changed: changes[3].value.expiry');
    expect(cache.version()).toBe(9);
    expect(cache.lot(MILK, 'M5')).toBeUndefined();
    expect(cache.lot(MILK, 'M1')).toBeDefined();
  });

  it('refuses versions out of order, a key that is not its value\'s and malformed args', () => {
    const cache = openAt(pathIn());
    const disordered = cache.applySync({ fromVersion: 0, toVersion: 3, changes: [set('category', 2, dairy), set('item', 2, milk), set('lot', 4, lot('M1', '2031-01-01'))] });
    expect(disordered.ok === false && disordered.problems?.map((p) => p.path)).toEqual(['changes[1].version', 'changes[2].version']);
    const wrongKey = cache.applySync({ fromVersion: 0, toVersion: 1, changes: [{ kind: 'item', key: '06901234000023', version: 1, value: milk }] });
    expect(wrongKey.ok === false && wrongKey.problems).toEqual([{ path: 'changes[0].key', message: `found "06901234000023"; the key of this item is "${MILK}"` }]);
    for (const args of [null, 'sync', {}, { fromVersion: -1, toVersion: 0, changes: [] }, { fromVersion: 0, toVersion: 1, changes: [{ kind: 'pallet', key: 'p', version: 1 }] }]) {
      expect(cache.applySync(args), JSON.stringify(args)).toMatchObject({ ok: false, code: 'BAD_ARGS' });
    }
    expect(cache.applySync({ fromVersion: 5, toVersion: 6, reset: true, changes: [] })).toMatchObject({ ok: false, code: 'BAD_ARGS', problems: [{ path: 'fromVersion' }] });
    expect(cache.version()).toBe(0);
    expect(cache.stats().counts.category).toBe(0);
  });

  it('a reset replaces everything held and tells listeners what went away', () => {
    const cache = openAt(pathIn());
    cache.applySync(firstChunk());
    const heard: MasterDataChangeNotice[][] = [];
    cache.onChange((changes) => heard.push(changes));
    const reset = cache.applySync({ fromVersion: 0, toVersion: 3, reset: true, changes: [set('category', 1, dairy), set('item', 2, milk), set('lot', 3, lot('N1', '2033-01-01'))] });
    expect(reset).toEqual({ ok: true, result: { version: 3, applied: 3 } });
    expect(cache.lotsOf(MILK).map((l) => l.batch)).toEqual(['N1']);
    expect(cache.stockOf(MILK)).toEqual([]);
    expect(cache.location('B10')).toBeUndefined();
    expect(cache.stats().counts).toMatchObject({ lot: 1, location: 0, stock: 0 });
    const notice = heard[0]!;
    expect(notice.filter((c) => !c.value).map((c) => `${c.kind}:${c.key}`).sort()).toEqual([
      'location:B10', 'location:B11', `lot:${MILK}/M1`, `lot:${MILK}/M2`, `lot:${MILK}/M3`, `stock:${MILK}/M1@B10`, `stock:${MILK}/M2@B11`,
    ]);
    expect(notice.filter((c) => c.value).map((c) => c.key)).toEqual(['dairy', MILK, `${MILK}/N1`]);
  });

  it('keeps the version, the records and the last sync time across a reopen', () => {
    const path = pathIn();
    const first = openAt(path);
    first.applySync(firstChunk());
    const syncedAt = now;
    first.applySync({ fromVersion: 9, toVersion: 10, changes: [drop('lot', `${MILK}/M3`, 10)] });
    first.close();
    now += 60_000;
    const again = openAt(path);
    expect(again.version()).toBe(10);
    expect(again.stats()).toMatchObject({ version: 10, lastSyncAt: syncedAt, counts: { lot: 2, stock: 2, location: 2 } });
    expect(again.lotsOf(MILK).map((l) => l.batch)).toEqual(['M1', 'M2']);
    expect(again.applySync({ fromVersion: 10, toVersion: 11, changes: [set('lot', 11, lot('M4', '2031-04-01'))] })).toMatchObject({ ok: true });
  });

  it('keeps the by-item lookups right after deletes, moves and expiry changes', () => {
    const cache = openAt(pathIn());
    cache.applySync(firstChunk());
    expect(cache.lotsOf(MILK).map((l) => l.batch)).toEqual(['M1', 'M2', 'M3']);   // built and cached
    const heard: MasterDataChangeNotice[][] = [];
    cache.onChange((changes) => heard.push(changes));
    cache.applySync({
      fromVersion: 9, toVersion: 13, changes: [
        drop('lot', `${MILK}/M1`, 10),
        drop('stock', `${MILK}/M1@B10`, 11),
        set('lot', 12, lot('M3', '2030-06-01')),          // M3's expiry corrected: now first
        set('stock', 13, stock('M2', 'B10', 10)),         // part of M2 moved to B10
      ],
    });
    expect(cache.lot(MILK, 'M1')).toBeUndefined();
    expect(cache.lotsOf(MILK).map((l) => `${l.batch} ${l.expiry}`)).toEqual(['M3 2030-06-01', 'M2 2031-02-01']);
    expect(cache.stockOf(MILK).map((s) => `${s.batch}@${s.location}:${s.qty}`).sort()).toEqual(['M2@B10:10', 'M2@B11:48']);
    expect(heard).toEqual([[
      { kind: 'lot', key: `${MILK}/M1` }, { kind: 'stock', key: `${MILK}/M1@B10` },
      { kind: 'lot', key: `${MILK}/M3`, value: lot('M3', '2030-06-01') }, { kind: 'stock', key: `${MILK}/M2@B10`, value: stock('M2', 'B10', 10) },
    ]]);
    expect(Object.isFrozen(cache.lotsOf(MILK)[0])).toBe(true);
    // A listener that throws does not undo or block the sync.
    cache.onChange(() => { throw new Error('listener bug'); });
    expect(cache.applySync({ fromVersion: 13, toVersion: 14, changes: [drop('stock', `${MILK}/M2@B10`, 14)] })).toMatchObject({ ok: true });
    expect(cache.stockOf(MILK)).toHaveLength(1);
  });

  it('seeds an empty cache from the demo file, once, and a sync from version 0 goes on from there', async () => {
    const cache = openAt(pathIn());
    const file = readMasterDataFile(demoFile, { now: Date.UTC(2026, 0, 10) });
    const records = await masterRecordsOf(file, hashDevicePassword);
    expect(cache.seed(records)).toBe(records.length);
    expect(cache.version()).toBe(0);
    expect(cache.lotsOf(BUTTER).map((l) => `${l.batch} ${l.expiry}`)).toEqual(['B2403 2026-01-07', 'B2401 2026-02-24', 'B2402 2026-07-29']);
    expect(cache.operator('op-chen')?.roles).toEqual(['warehouse_operator', 'sales']);
    const pda = cache.device('pda-01')!;
    expect(await verifyDevicePassword('pda-01-demo', pda.passwordHash)).toBe(true);
    expect(cache.seed(records)).toBe(0);                  // not empty any more

    const disable = { ...pda, enabled: false };
    expect(cache.applySync({ fromVersion: 0, toVersion: 1, changes: [set('device', 1, disable)] })).toEqual({ ok: true, result: { version: 1, applied: 1 } });
    expect(cache.device('pda-01')?.enabled).toBe(false);
    expect(cache.stats().counts).toMatchObject({ category: 3, item: 8, lot: 18, location: 13, operator: 4, stock: 18, device: 4 });
    expect(() => openAt(pathIn()).seed([{ kind: 'lot', key: 'x', value: { gtin: MILK } }])).toThrow(/records\[0\]\.value\.batch/);
  });

  it('applies 20,000 records in chunks of 500 and reopens with all of them', () => {
    const path = pathIn();
    const cache = openAt(path);
    const gtins = Array.from({ length: 200 }, (_, i) => `0690123${String(i).padStart(6, '0')}0`);
    const all: MasterDataChange[] = [];
    for (let i = 0; all.length < 20_000; i++) {
      const gtin = gtins[i % gtins.length]!;
      const batch = `L${i}`;
      const day = String(1 + (i * 7) % 28).padStart(2, '0');
      all.push(set('lot', all.length + 1, { gtin, batch, expiry: `2031-${String(1 + (i % 12)).padStart(2, '0')}-${day}` }));
      all.push(set('stock', all.length + 1, { gtin, batch, location: `S${i % 50}`, qty: i % 100 }));
    }
    const started = performance.now();
    for (let from = 0; from < all.length; from += 500) {
      const outcome = cache.applySync({ fromVersion: from, toVersion: from + 500, reset: from === 0, changes: all.slice(from, from + 500) });
      expect(outcome.ok).toBe(true);
    }
    const elapsedMs = performance.now() - started;
    console.log(`master-data cache: 20,000 records in 40 chunks applied in ${elapsedMs.toFixed(0)} ms (${Math.round(20_000 / (elapsedMs / 1000))} records/s)`);
    expect(cache.version()).toBe(20_000);
    const lots = cache.lotsOf(gtins[7]!);
    expect(lots).toHaveLength(50);
    expect(lots.every((l, i) => i === 0 || lots[i - 1]!.expiry <= l.expiry)).toBe(true);
    cache.close();
    const reopenedAt = performance.now();
    const again = openAt(path);
    console.log(`master-data cache: reopened with 20,000 records in ${(performance.now() - reopenedAt).toFixed(0)} ms`);
    expect(again.stats().counts).toMatchObject({ lot: 10_000, stock: 10_000 });
    expect(again.stockOf(gtins[7]!)).toHaveLength(50);
  });
});

describe('masterdata.sync command', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const cacheIn = () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgestock-master-data-'));
    dirs.push(dir);
    return openMasterDataCache({ path: join(dir, 'master-data.sqlite'), logger, clock });
  };
  const command = { id: 'cmd-00000001', type: 'masterdata.sync' as const, args: {}, issuedAt: 0 };
  const refusalOf = async (run: Promise<unknown>) => run.then(() => undefined, (error: unknown) => error as CommandError);

  it('acknowledges the version now held, or refuses with VERSION_GAP and BAD_ARGS at args paths', async () => {
    const cache = cacheIn();
    const handlers = createCommandHandlers({ masterData: cache } as unknown as CommandHandlerDeps);
    const sync = handlers['masterdata.sync'];
    expect(await sync(firstChunk(), command)).toEqual({ version: 9, applied: 9 });

    const gap = await refusalOf(sync({ fromVersion: 3, toVersion: 4, changes: [] }, command));
    expect(gap).toBeInstanceOf(CommandError);
    expect(gap).toMatchObject({ code: 'VERSION_GAP', message: expect.stringContaining('holds master data version 9') });

    const bad = await refusalOf(masterDataSyncHandler(cache)({ fromVersion: 9, toVersion: 10, changes: [set('lot', 10, { ...lot('X1', '2031-01-01'), status: 'lost' })] }, command));
    expect(bad).toMatchObject({ code: 'BAD_ARGS', problems: [{ path: 'args.changes[0].value.status' }] });
    expect(bad?.message).toMatch(/^1 problem, nothing changed: args\.changes\[0\]\.value\.status: found "lost"/);
    expect(cache.version()).toBe(9);
    cache.close();
  });

  it('refuses with NO_SCANNING when the gateway keeps no master data', async () => {
    const handlers = createCommandHandlers({} as CommandHandlerDeps);
    const refusal = await refusalOf(handlers['masterdata.sync'](firstChunk(), command));
    expect(refusal).toMatchObject({ code: 'NO_SCANNING', message: expect.stringContaining('no scanning section') });
  });
});
