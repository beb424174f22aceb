/**
 * Master data from the cloud's store to a gateway's real master-data cache over the real edge
 * link: the cloud's master-data part opened as cloud-service.ts opens it (seeded from the demo
 * plant's seed file), its embedded broker and edge-link client, and the gateway's SQLite cache
 * (gateway/master-data) answering masterdata.sync through an MQTT client logged in as the
 * gateway. Chunking 1,200+ records, a gap after the gateway's cache was restored from an older
 * copy, and a quarantine pushed without waiting for a report.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloudBroker, type CloudBroker } from '../../cloud/broker/cloud-broker.ts';
import { openMasterData, type OpenMasterData } from '../../cloud/masterdata/open-master-data.ts';
import { LinkGateway } from '../../cloud/masterdata/testing/link-gateway.ts';
import { startEdgeLinkClient, type EdgeLinkClient } from '../../cloud/rollout/edge-link-client.ts';
import { openTelemetryStore, type TelemetryStore } from '../../cloud/store/telemetry-store.ts';
import { cloudConfigSchema } from '../../config/cloud-schema.ts';
import { masterRecordsOf, readMasterDataFile } from '../../config/master-data-file.ts';
import { MAX_SYNC_CHANGES } from '../../connectors/edge-link/index.ts';
import { hashDevicePassword, verifyDevicePassword } from '../../devices/device-credentials.ts';
import { openMasterDataCache, type MasterDataCache } from '../../gateway/master-data/master-data-cache.ts';
import { waitFor } from '../support/wait-for.ts';

const logger = pino({ level: 'silent' });
const SEED = resolve('config/examples/demo-plant.master-data.yaml');
const gw = { username: 'gw-cold-room-1', password: 'gw-cold-room-1-test', group: 'demo-plant', edge: 'gw-cold-room-1' };
const until = <T>(what: string, check: () => T | undefined | false) => waitFor(what, async () => check() || undefined, { timeoutMs: 15_000, intervalMs: 20 });

describe('master data from the cloud to a gateway\'s cache', { timeout: 90_000 }, () => {
  let dir: string;
  let telemetry: TelemetryStore;
  let broker: CloudBroker;
  let link: EdgeLinkClient;
  let masterData: OpenMasterData;
  let cache: MasterDataCache;
  let gateway: LinkGateway;
  const cacheFile = () => join(dir, 'gateway-master-data.sqlite');
  const openCache = () => openMasterDataCache({ path: cacheFile(), logger });
  const view = () => masterData.sync.overview().find((g) => g.edge === gw.edge);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-master-data-system-'));
    const file = join(dir, 'cloud.sqlite');
    telemetry = openTelemetryStore(file); // applies the migrations, as at the cloud's start
    const { broker: config } = cloudConfigSchema.parse({ broker: { mode: 'embedded', host: '127.0.0.1', port: 0, users: [gw] } });
    broker = await startCloudBroker({ config, storeFile: file, logger });
    masterData = openMasterData(file, { link: () => link, gateways: () => [], logger, syncTimeoutMs: 5000 });
    await masterData.seed(SEED, () => masterRecordsOf(readMasterDataFile(SEED), hashDevicePassword));
    link = await startEdgeLinkClient({ ...broker.ingest, logger, timeoutMs: 5000, onConfigReport: (g, e, r) => masterData.sync.onReport(g, e, r) });
    cache = openCache();
    gateway = new LinkGateway({ url: broker.mqttUrl, ...gw, apply: (args) => {
      const outcome = cache.applySync(args);
      return outcome.ok ? { ok: true, result: outcome.result } : { ok: false, code: outcome.code, message: outcome.message };
    }, held: () => cache.version() });
    await gateway.connect();
  });

  afterAll(async () => {
    masterData?.close();
    await gateway?.close();
    await link?.close();
    await broker?.close();
    cache?.close();
    telemetry?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('seeds the cloud once from the seed file and brings an empty cache up to date in chunks', async () => {
    const seeded = masterData.store.version();
    expect(seeded).toBeGreaterThan(20);
    await masterData.seed(SEED, () => { throw new Error('a second start must not read the seed file'); });
    // 1,200 more shelves: more than two chunks' worth in all.
    for (let i = 0; i < 1200; i++) masterData.store.put('location', { code: `R${String(i).padStart(4, '0')}`, zone: 'racking' }, { by: 'engineer' });
    const total = masterData.store.version();
    await masterData.sync.idle();

    await gateway.report();
    await until('the cache holds everything', () => cache.version() === total && view()?.status === 'in-sync');
    expect(gateway.commands.map((c) => [c.reset, c.changes.length])).toEqual([
      [true, MAX_SYNC_CHANGES], [false, MAX_SYNC_CHANGES], [false, total - 2 * MAX_SYNC_CHANGES],
    ]);
    expect(cache.location('R1199')).toEqual({ code: 'R1199', zone: 'racking' });
    const lot = masterData.store.list('lot')[0]!.value;
    expect(cache.lot(lot.gtin, lot.batch)).toEqual(lot);
    // The demo scanner's password reaches the gateway as a hash that verifies.
    expect(await verifyDevicePassword('pda-01-demo', cache.device('pda-01')!.passwordHash)).toBe(true);
  });

  it('pushes a quarantine without waiting for a report, and resends from the version a restored cache holds', async () => {
    const lot = masterData.store.list('lot').find((l) => l.value.status === 'released')!.value;
    masterData.store.quarantineLot(lot.gtin, lot.batch, 'recall 2026-17', { by: 'engineer' });
    await until('the quarantine reached the cache', () => cache.lot(lot.gtin, lot.batch)?.status === 'quarantined');
    expect(cache.lot(lot.gtin, lot.batch)).toMatchObject({ reason: 'recall 2026-17' });

    // The gateway's cache file is restored from a copy taken now; the cloud goes on meanwhile.
    const restoredAt = cache.version();
    cache.close();
    copyFileSync(cacheFile(), join(dir, 'backup.sqlite'));
    cache = openCache();
    masterData.store.releaseLot(lot.gtin, lot.batch, { by: 'engineer' });
    await until('release synced', () => cache.lot(lot.gtin, lot.batch)?.status === 'released');
    cache.close();
    copyFileSync(join(dir, 'backup.sqlite'), cacheFile());
    cache = openCache();
    expect(cache.version()).toBe(restoredAt);

    gateway.commands.length = 0;
    masterData.store.put('location', { code: 'R9999', zone: 'racking' }, { by: 'engineer' });
    await until('the restored cache caught up', () => cache.version() === masterData.store.version() && view()?.status === 'in-sync');
    expect(gateway.commands.map((c) => c.fromVersion)).toEqual([restoredAt + 1, restoredAt]);
    expect(cache.lot(lot.gtin, lot.batch)!.status).toBe('released');
    expect(cache.location('R9999')).toBeDefined();
    expect(view()!.lastError).toBeNull();
  });
});
