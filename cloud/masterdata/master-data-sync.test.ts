/**
 * masterdata.sync against the real edge link: the cloud's embedded broker (aedes, with per-gateway
 * logins and ACLs), the cloud's edge-link client, the store on a SQLite file, and a gateway played
 * by an MQTT client holding a model of the cache that keeps the contract of
 * connectors/edge-link/master-data-sync.ts (apply a chunk only at the version held, reset clears,
 * VERSION_GAP names the version held). bin/system/master-data-sync.test.ts does the same against
 * the gateway's real cache.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../bin/support/wait-for.ts';
import { cloudConfigSchema } from '../../config/cloud-schema.ts';
import { systemClock } from '../../connectors/clock.ts';
import { MAX_SYNC_CHANGES, type MasterDataSyncArgs } from '../../connectors/edge-link/index.ts';
import { startCloudBroker, type CloudBroker } from '../broker/cloud-broker.ts';
import { startEdgeLinkClient, type EdgeLinkClient } from '../rollout/edge-link-client.ts';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import { GatewaySyncStates } from './gateway-sync-states.ts';
import { SqliteMasterDataStore } from './master-data-store.ts';
import { heldVersionOf, MasterDataSync } from './master-data-sync.ts';
import { LinkGateway, type SyncAnswer } from './testing/link-gateway.ts';

const logger = pino({ level: 'silent' });
const GROUP = 'test-plant';
const until = <T>(what: string, check: () => T | undefined | false) => waitFor(what, async () => check() || undefined, { timeoutMs: 10_000, intervalMs: 20 });

/** What a gateway's cache does with a chunk, per the contract. */
class ModelCache {
  held = 0;
  readonly records = new Map<string, unknown>();
  apply(args: MasterDataSyncArgs): SyncAnswer {
    if (!args.reset && args.fromVersion !== this.held) {
      return { ok: false, code: 'VERSION_GAP', message: `this gateway holds master data version ${this.held}; send the changes after ${this.held}` };
    }
    if (args.reset) this.records.clear();
    for (const change of args.changes) {
      if (change.value === undefined) this.records.delete(`${change.kind}:${change.key}`);
      else this.records.set(`${change.kind}:${change.key}`, change.value);
    }
    this.held = args.toVersion;
    return { ok: true, result: { version: this.held, applied: args.changes.length } };
  }
}

const users = ['gw-1', 'gw-2', 'gw-3'].map((edge) => ({ username: edge, password: `${edge}-password`, group: GROUP, edge }));

describe('masterdata.sync to gateways over the edge link', { timeout: 60_000 }, () => {
  let dir: string;
  let db: SqliteDatabase;
  let broker: CloudBroker;
  let link: EdgeLinkClient;
  let store: SqliteMasterDataStore;
  let sync: MasterDataSync;
  const caches = new Map<string, ModelCache>();
  const gateways = new Map<string, LinkGateway>();
  const gateway = (edge: string) => gateways.get(edge)!;
  const cache = (edge: string) => caches.get(edge)!;
  const view = (edge: string) => sync.overview().find((g) => g.edge === edge);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-master-data-sync-'));
    const file = join(dir, 'cloud.sqlite');
    db = openDatabase(file);
    migrate(db);
    const { broker: config } = cloudConfigSchema.parse({ broker: { mode: 'embedded', host: '127.0.0.1', port: 0, users } });
    broker = await startCloudBroker({ config, storeFile: file, logger });
    store = new SqliteMasterDataStore(db, systemClock);
    link = await startEdgeLinkClient({ ...broker.ingest, logger, timeoutMs: 5000, onConfigReport: (g, e, r) => sync.onReport(g, e, r) });
    sync = new MasterDataSync({
      store, states: new GatewaySyncStates(db), link: () => link, gateways: () => [], clock: systemClock, logger, timeoutMs: 1500,
    });
    // 1,200 records: three chunks for a gateway that holds nothing.
    store.seed(Array.from({ length: 1200 }, (_, i) => ({ kind: 'category' as const, value: { id: `cat-${String(i).padStart(4, '0')}`, name: `Category ${i}` } })), { by: 'system' });
    for (const user of users) {
      caches.set(user.edge, new ModelCache());
      const gw = new LinkGateway({
        url: broker.mqttUrl, ...user,
        apply: (args) => cache(user.edge).apply(args),
        held: () => (user.edge === 'gw-3' ? undefined : cache(user.edge).held),
      });
      await gw.connect();
      gateways.set(user.edge, gw);
    }
  });

  afterAll(async () => {
    sync?.close();
    for (const gw of gateways.values()) await gw.close();
    await link?.close();
    await broker?.close();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await sync.idle();
    for (const gw of gateways.values()) {
      gw.commands.length = 0;
      gw.silent = false;
    }
  });

  it('brings a gateway that holds nothing up to date in chunks of MAX_SYNC_CHANGES, the first a reset', async () => {
    await gateway('gw-1').report();
    await until('gw-1 in sync', () => view('gw-1')?.status === 'in-sync');
    expect(gateway('gw-1').commands.map((c) => [c.fromVersion, c.toVersion, c.reset, c.changes.length])).toEqual([
      [0, 500, true, MAX_SYNC_CHANGES], [500, 1000, false, 500], [1000, 1200, false, 200],
    ]);
    expect(cache('gw-1').records.size).toBe(1200);
    expect(view('gw-1')).toEqual({ group: GROUP, edge: 'gw-1', online: false, heldVersion: 1200, status: 'in-sync', lastError: null });
  });

  it('leaves alone a gateway that reports no master data (no scanning)', async () => {
    await gateway('gw-3').report();
    await gateway('gw-1').report(); // reports are handled in order: once gw-1's is, gw-3's was
    await until('gw-1 report handled', () => view('gw-1')?.status === 'in-sync');
    await new Promise((r) => setTimeout(r, 300));
    expect(gateway('gw-3').commands).toEqual([]);
    expect(view('gw-3')).toBeUndefined();
  });

  it('pushes a change to every gateway with scanning within the debounce, a burst of edits as one chunk, deletes as tombstones', async () => {
    const before = store.version();
    store.put('category', { id: 'cat-new', name: 'New' }, { by: 'engineer' });
    store.put('category', { id: 'cat-0001', name: 'Renamed' }, { by: 'engineer' });
    store.delete('category', 'cat-0002', { by: 'engineer' });
    await until('gw-1 has the burst', () => cache('gw-1').held === before + 3);
    expect(gateway('gw-1').commands.map((c) => [c.fromVersion, c.toVersion, c.changes.length])).toEqual([[before, before + 3, 3]]);
    expect(cache('gw-1').records.get('category:cat-0001')).toEqual({ id: 'cat-0001', name: 'Renamed', nearExpiryDays: 60 });
    expect(cache('gw-1').records.has('category:cat-0002')).toBe(false);
    expect(gateway('gw-3').commands).toEqual([]);
  });

  it('answers a VERSION_GAP by sending again from the version the gateway holds', async () => {
    // gw-1 lost its last sync (restored from a backup): it holds less than the cloud thinks.
    const cloudThinks = store.version();
    const model = cache('gw-1');
    const restored = new ModelCache();
    restored.apply({ fromVersion: 0, toVersion: 1000, reset: true, changes: store.changesSince(0, 1000) });
    model.records.clear();
    for (const [k, v] of restored.records) model.records.set(k, v);
    model.held = 1000;

    store.put('category', { id: 'cat-after-gap', name: 'After the gap' }, { by: 'engineer' });
    await until('gw-1 recovered', () => view('gw-1')?.status === 'in-sync' && cache('gw-1').held === store.version());
    const commands = gateway('gw-1').commands.map((c) => [c.fromVersion, c.reset]);
    expect(commands).toEqual([[cloudThinks, false], [1000, false]]);
    expect(cache('gw-1').records.size).toBe(store.list('category').length);
    expect(cache('gw-1').records.has('category:cat-0002')).toBe(false);
  });

  it('keeps a gateway that does not answer as behind with the error, and sends again when it reports', async () => {
    await gateway('gw-2').report();
    await until('gw-2 in sync', () => view('gw-2')?.status === 'in-sync');
    gateway('gw-2').silent = true;
    gateway('gw-2').commands.length = 0;
    store.put('category', { id: 'cat-while-away', name: 'While away' }, { by: 'engineer' });
    await until('gw-2 timed out', () => view('gw-2')?.lastError?.includes('did not acknowledge masterdata.sync'));
    expect(view('gw-2')).toMatchObject({ status: 'behind', heldVersion: store.version() - 1 });

    gateway('gw-2').silent = false;
    await gateway('gw-2').report();
    await until('gw-2 caught up', () => view('gw-2')?.status === 'in-sync');
    expect(view('gw-2')!.lastError).toBeNull();
    expect(cache('gw-2').records.has('category:cat-while-away')).toBe(true);
  });

  it('resets a gateway that holds more than the store ever gave (the cloud file was replaced)', async () => {
    const model = cache('gw-2');
    model.held = store.version() + 50;
    model.records.set('category:ghost', { id: 'ghost', name: 'Ghost' });
    gateway('gw-2').commands.length = 0;
    await gateway('gw-2').report();
    await until('gw-2 reset', () => model.held === store.version() && view('gw-2')?.status === 'in-sync');
    expect(gateway('gw-2').commands[0]).toMatchObject({ fromVersion: 0, reset: true });
    expect(model.records.has('category:ghost')).toBe(false);
    expect(model.records.size).toBe(store.list('category').length);
  });
});

describe('reading the version a VERSION_GAP names', () => {
  const gap = (message: string, problems?: Array<{ path: string; message: string }>) =>
    ({ id: 'x', type: 'masterdata.sync', ok: false as const, at: 0, error: { code: 'VERSION_GAP', message, problems } });
  it('finds it in the message or a problem, and nothing when none is named', () => {
    expect(heldVersionOf(gap('this gateway holds master data version 42; send the changes after 42 (this chunk starts after 40)'))).toBe(42);
    expect(heldVersionOf(gap('gap', [{ path: 'args.fromVersion', message: 'holds 7' }]))).toBe(7);
    expect(heldVersionOf(gap('the chunk starts after 40'))).toBeUndefined();
  });
});
