/**
 * The gateway's scanning side composed (issue 6): the offline master-data cache, the local device
 * broker that logs devices in against it, the scan service and the decider over the cache, the
 * shelf environment, the permissions and the rules. The daemon opens it before its command
 * handlers (which apply `masterdata.sync` to the cache) and starts the broker last, once
 * everything a scan touches exists.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { readMasterDataFile, masterRecordsOf, seedPermissionsOf } from '../../config/master-data-file.ts';
import { readServerTlsFiles } from '../../config/read-tls-files.ts';
import type { ScanningConfig } from '../../config/site-schema.ts';
import type { Clock } from '../../connectors/clock.ts';
import { hashDevicePassword, verifyDevicePassword } from '../../devices/device-credentials.ts';
import { openMasterDataCache, type MasterDataCache, type MasterDataStats } from '../master-data/master-data-cache.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { ScenarioPermissionStore } from '../scenario-permissions.ts';
import { DeviceReadings, environmentView } from '../scanning/environment.ts';
import { rulesViewOf } from '../scanning/rules-view.ts';
import { createScanDecider } from '../scanning/scan-decider.ts';
import type { PermissionView } from '../scanning/scan-ports.ts';
import { createScanService, type ScanObserver, type ScanServiceStats } from '../scanning/scan-service.ts';
import type { TagCache } from '../tag-cache.ts';
import { startDeviceBroker, type DeviceBroker, type DeviceBrokerStats } from './device-broker.ts';

export interface ScanStationOptions {
  config: ScanningConfig;
  dataDir: string;
  tagCache: Pick<TagCache, 'get'>;
  /** The cloud's permission matrix once it sent one; the seed file's `permissions` before. */
  permissions: Pick<ScenarioPermissionStore, 'current' | 'allows'>;
  rules: Parameters<typeof rulesViewOf>[0];
  outbox: Pick<Outbox, 'append'>;
  /** Wakes the edge node's publisher. */
  notify(): void;
  /** Whether the north link is down (scan events say `offline`). */
  offline(): boolean;
  clock: Clock;
  logger: Logger;
  observer?: ScanObserver;
}

export interface ScanningStats {
  broker: DeviceBrokerStats | null;
  scans: ScanServiceStats;
  masterData: MasterDataStats;
  /** Where the decider's permissions come from: the cloud's matrix or the seed file's. */
  permissions: 'cloud' | 'seed' | 'none';
}

export interface ScanStation {
  /** The offline master data: for `masterdata.sync` and the config report. */
  readonly masterData: MasterDataCache;
  /** Starts the device broker; scans are answered from then on. */
  start(): Promise<void>;
  /** The broker, once started. */
  broker(): DeviceBroker | undefined;
  stats(): ScanningStats;
  close(): Promise<void>;
}

/** Opens the cache (seeding it from the site's file when it holds nothing) and builds the scan path. */
export async function openScanStation(options: ScanStationOptions): Promise<ScanStation> {
  const { config, clock } = options;
  const logger = options.logger.child({ part: 'scanning' });
  // Read before anything is opened: a bad seed or PEM file leaves nothing to clean up.
  const seedFile = config.masterData ? readMasterDataFile(config.masterData, { now: clock.now() }) : undefined;
  const tls = config.broker.tls ? { port: config.broker.tls.port, ...readServerTlsFiles(config.broker.tls, 'scanning.broker.tls') } : undefined;
  const seedPermissions = seedFile ? seedPermissionsOf(seedFile) : {};

  const cache = openMasterDataCache({ path: join(options.dataDir, 'master-data.sqlite'), logger, clock });
  try {
    // Hashing the seed's clear passwords costs a scrypt each: only when the cache is empty.
    const held = Object.values(cache.stats().counts).reduce((sum, n) => sum + n, 0);
    if (seedFile && cache.version() === 0 && held === 0) {
      const seeded = cache.seed(await masterRecordsOf(seedFile, hashDevicePassword, clock.now()));
      logger.info({ file: config.masterData, records: seeded }, 'master data seeded from the site file');
    }
  } catch (error) {
    cache.close();
    throw error;
  }

  const permissions: PermissionView = {
    allows: (role, permission) => (options.permissions.current()
      ? options.permissions.allows(role, permission)
      : seedPermissions[role]?.includes(permission) ?? false),
  };
  const rolesHolding = (permission: string): string[] => {
    const roles = options.permissions.current()?.roles ?? seedPermissions;
    return Object.entries(roles).filter(([, granted]) => granted.includes(permission)).map(([role]) => role).sort();
  };

  const readings = new DeviceReadings();
  const decider = createScanDecider({
    masterData: cache,
    environment: environmentView(options.tagCache, readings),
    permissions,
    rules: rulesViewOf(options.rules),
    locations: () => cache.locations(),
    rolesHolding,
    logger,
  });

  let broker: DeviceBroker | undefined;
  let closed = false;
  const service = createScanService({
    decider,
    outbox: options.outbox,
    notify: options.notify,
    publish: (topic, payload) => (broker && !closed ? broker.publish(topic, payload) : Promise.reject(new Error('the device broker is not running'))),
    readings,
    masterDataVersion: () => cache.version(),
    offline: options.offline,
    clock,
    logger,
    ...(options.observer ? { observer: options.observer } : {}),
  });

  // A device record changed (password, disabled, deleted): its sessions and remembered login go.
  const unsubscribe = cache.onChange((changes) => {
    for (const change of changes) {
      if (change.kind !== 'device') continue;
      const dropped = broker?.disconnectDevice(change.key) ?? 0;
      if (dropped > 0) logger.info({ device: change.key, sessions: dropped }, 'device record changed: its sessions were closed');
    }
  });

  const verify = async (username: string, password: string): Promise<boolean> => {
    const device = cache.device(username);
    if (!device || !device.enabled) return false;
    return verifyDevicePassword(password, device.passwordHash);
  };

  let closing: Promise<void> | undefined;
  return {
    masterData: cache,
    async start() {
      broker = await startDeviceBroker({
        host: config.broker.host,
        port: config.broker.port,
        ...(tls ? { tls } : {}),
        verify,
        logger: logger.child({ part: 'device-broker' }),
        onMessage: (deviceId, channel, payload) => service.onMessage(deviceId, channel, payload),
      });
      logger.info({ port: broker.port, tlsPort: broker.tlsPort, masterDataVersion: cache.version() }, 'device broker listening');
    },
    broker: () => broker,
    stats: () => ({
      broker: broker?.stats() ?? null,
      scans: service.stats(),
      masterData: cache.stats(),
      permissions: options.permissions.current() ? 'cloud' : Object.keys(seedPermissions).length > 0 ? 'seed' : 'none',
    }),
    close() {
      closing ??= (async () => {
        // Devices first, so no new scan arrives; then the scans in hand (their events are committed,
        // their answers are not sent: a device repeats the scan, the event id makes it count once).
        closed = true;
        await broker?.close();
        await service.idle();
        unsubscribe();
        cache.close();
      })();
      return closing;
    },
  };
}
