/**
 * Opens the master-data part on the cloud's SQLite file (migrations are applied by the store):
 * the record store, its seed on a first start, the sync to gateways and the device registry.
 *
 * Composition (cloud-service.ts): hand every configuration report to `sync.onReport`; parts that
 * follow master data (the scan part's quarantine reconciliation) listen with `store.onChange`.
 */
import { ConfigError } from '../../config/config-error.ts';
import { systemClock, type Clock } from '../../connectors/clock.ts';
import type { AuditLog } from '../auth/audit-log.ts';
import { DeviceRegistry, type LastSeen } from '../devices/device-registry.ts';
import type { EdgeLinkClient } from '../rollout/edge-link-client.ts';
import { openDatabase } from '../store/database.ts';
import { GatewaySyncStates, type GatewayRef } from './gateway-sync-states.ts';
import { MasterDataInvalidError, MasterDataReferenceError } from './master-data-errors.ts';
import { SqliteMasterDataStore, type MasterRecordInput } from './master-data-store.ts';
import { MasterDataSync } from './master-data-sync.ts';

export interface OpenMasterDataOptions {
  link: () => EdgeLinkClient | undefined;
  gateways: () => GatewayRef[];
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** Where the seed is recorded (by `system`). */
  audit?: AuditLog;
  /** A device's last scan, for the registry (the scan part's lastSeenOf); may be set later with setLastSeen. */
  lastSeen?: LastSeen;
  clock?: Clock;
  syncTimeoutMs?: number;
  debounceMs?: number;
}

export interface OpenMasterData {
  store: SqliteMasterDataStore;
  sync: MasterDataSync;
  devices: DeviceRegistry;
  /**
   * On a first start (an empty store) stores the seed file's records, loaded only then (device
   * passwords are hashed on load, which is slow on purpose); throws ConfigError for a seed with
   * problems, so the cloud does not start on them.
   */
  seed(source: string, load: () => Promise<readonly MasterRecordInput[]>): Promise<void>;
  /** Plugs in where device sightings come from once that part is open. */
  setLastSeen(lastSeen: LastSeen): void;
  close(): void;
}

export function openMasterData(file: string, options: OpenMasterDataOptions): OpenMasterData {
  const clock = options.clock ?? systemClock;
  const db = openDatabase(file);
  try {
    const store = new SqliteMasterDataStore(db, clock, {
      onListenerError: (error) => options.logger.warn({ err: error }, 'a master-data listener failed'),
    });
    const sync = new MasterDataSync({
      store, states: new GatewaySyncStates(db), link: options.link, gateways: options.gateways, clock, logger: options.logger,
      timeoutMs: options.syncTimeoutMs, debounceMs: options.debounceMs,
    });
    let lastSeen: LastSeen = options.lastSeen ?? (() => null);
    const devices = new DeviceRegistry(store, { lastSeen: (id) => lastSeen(id) });
    return {
      store, sync, devices,
      seed: async (source, load) => {
        if (store.version() > 0) return;
        seed(store, { source, records: await load() }, options);
      },
      setLastSeen: (next) => { lastSeen = next; },
      close: () => {
        sync.close();
        db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

function seed(store: SqliteMasterDataStore, { source, records }: { source: string; records: readonly MasterRecordInput[] }, options: OpenMasterDataOptions): void {
  try {
    const seeded = store.seed(records, { by: 'system' });
    if (!seeded) return;
    options.logger.info({ version: seeded.version, records: seeded.records, source }, 'seeded master data');
    options.audit?.record({
      actor: 'system', actorKind: 'system', action: 'masterdata.seed', outcome: 'success', target: source,
      after: { version: seeded.version, records: seeded.records },
    });
  } catch (error) {
    if (error instanceof MasterDataInvalidError) {
      throw new ConfigError(source, error.problems.map((p) => ({ path: `${error.kind}.${p.path}`, message: p.message })));
    }
    if (error instanceof MasterDataReferenceError) throw new ConfigError(source, [{ path: `${error.kind}.${error.field}`, message: error.message }]);
    throw error;
  }
}
