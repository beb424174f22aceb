/**
 * A fleet of PDAs with their operators scanning against a site's device broker: each PDA its own
 * MQTT session and seeded stream, all sharing one picture of the stock (warehouse-stock.ts).
 */
import { loadCatalog, mayOverride, type Catalog } from './catalog.ts';
import { FleetStats, type FleetStatsSnapshot } from './fleet-stats.ts';
import { ScanPlanner } from './scan-planner.ts';
import { ScannerDevice, type DecisionEvent, type DeviceLogin, type FleetLogger } from './scanner-device.ts';
import { seededRandom } from './seeded-random.ts';
import { WarehouseStock } from './warehouse-stock.ts';

export interface ScannerFleetOptions {
  /** The device broker, e.g. mqtt://127.0.0.1:1884. */
  url: string;
  devices: readonly DeviceLogin[];
  /** A `*.master-data.yaml` path, or a catalog already read. */
  catalog: string | Catalog;
  /** Mean scans per second each PDA starts (reactions to decisions come on top). */
  ratePerDevice: number;
  seed?: number;
  /** No decision after this long: the same scan again (default 2000). */
  resendAfterMs?: number;
  /** Resends before a scan is given up (default 3). */
  maxResends?: number;
  /** An operator's time to react to a decision (default 800). */
  reactionDelayMs?: number;
  /** How long start waits for the PDAs' sessions before returning anyway (they keep retrying); default 10000. */
  connectTimeoutMs?: number;
  logger?: FleetLogger;
  onDecision?: (event: DecisionEvent) => void;
}

export interface ScannerFleet {
  readonly devices: readonly ScannerDevice[];
  stats(): FleetStatsSnapshot;
  close(): Promise<void>;
}

/** Parses `pda-01:pda-01-demo:op-anna,pda-02:...` (the CLI's --devices). */
export function parseDeviceList(text: string): DeviceLogin[] {
  return text.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    const [id, password, operator, ...rest] = entry.split(':');
    if (!id || !password || !operator || rest.length > 0) {
      throw new Error(`--devices: "${entry}" is not id:password:operator; expected e.g. pda-01:pda-01-demo:op-anna, comma-separated`);
    }
    return { id, password, operator };
  });
}

export async function startScannerFleet(opts: ScannerFleetOptions): Promise<ScannerFleet> {
  if (opts.devices.length === 0) throw new Error('devices: give at least one PDA (id, password, operator)');
  if (!(opts.ratePerDevice >= 0) || !Number.isFinite(opts.ratePerDevice)) throw new Error(`ratePerDevice: expected scans per second >= 0, found ${opts.ratePerDevice}`);
  const ids = new Set<string>();
  for (const device of opts.devices) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(device.id)) throw new Error(`devices: "${device.id}" is not a device id; use 1 to 64 letters, digits and . _ -`);
    if (ids.has(device.id)) throw new Error(`devices: ${device.id} is listed twice; each PDA needs its own id`);
    ids.add(device.id);
  }
  const catalog = typeof opts.catalog === 'string' ? loadCatalog(opts.catalog) : opts.catalog;
  const unknownOperators = opts.devices.filter((d) => !catalog.operators.has(d.operator));
  if (unknownOperators.length > 0) {
    opts.logger?.warn({ operators: unknownOperators.map((d) => d.operator) }, 'operators not in the catalog: the gateway will refuse their scans');
  }
  const stock = new WarehouseStock(catalog.stock, catalog.lots);
  const stats = new FleetStats();
  const seed = opts.seed ?? 1;
  const devices = opts.devices.map((login, i) => {
    // One stream per PDA, so a PDA's scans do not depend on how the others' decisions interleave.
    const random = seededRandom(seed * 7919 + i);
    return new ScannerDevice({
      url: opts.url, login, random, stats,
      planner: new ScanPlanner(catalog, stock, random),
      ratePerSecond: opts.ratePerDevice,
      resendAfterMs: opts.resendAfterMs ?? 2000,
      maxResends: opts.maxResends ?? 3,
      reactionDelayMs: opts.reactionDelayMs ?? 800,
      mayOverride: (operator, override) => mayOverride(catalog, operator, override),
      ...(opts.logger ? { logger: opts.logger } : {}),
      ...(opts.onDecision ? { onDecision: opts.onDecision } : {}),
    });
  });
  const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  const allUp = await Promise.race([
    Promise.all(devices.map((d) => d.whenConnected())).then(() => true),
    new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), connectTimeoutMs); }),
  ]);
  clearTimeout(timer);
  if (!allUp) {
    opts.logger?.warn({ url: opts.url, down: devices.filter((d) => !d.connected).map((d) => d.id) }, `not every PDA connected within ${connectTimeoutMs / 1000} s; they keep retrying`);
  }
  return {
    devices,
    stats: () => stats.snapshot(devices.filter((d) => d.connected).length),
    async close() {
      await Promise.all(devices.map((d) => d.close()));
    },
  };
}
