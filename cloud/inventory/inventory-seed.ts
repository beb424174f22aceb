/**
 * Applies an inventory seed file (config/inventory-seed-schema.ts) to the parts that are still
 * empty: sales channels to a catalogue without channels, assets, machines and production orders to
 * a tooling part without assets, sources, dictionary and reports to a fusion without sources,
 * suppliers and sourcing to replenishment without suppliers. A
 * restart, or a part an engineer has filled meanwhile, is left as it is.
 *
 * Each record goes through its part's own checks; the first refusal stops the start with the
 * record's path in the message (`tooling.assets[3]: ...`), so a broken seed is seen at once.
 */
import type { InventorySeedFile } from '../../config/inventory-seed-schema.ts';
import type { ReplenishmentApi } from '../forecasting/replenishment.ts';
import type { ToolingApi } from '../tooling/open-tooling.ts';
import type { ProductionSchedule } from '../tooling/production-schedule.ts';
import type { DictionaryDefinition } from './fusion/fusion-types.ts';
import type { InventoryApi } from './open-inventory.ts';

const ACTOR = 'seed';
const HOUR_MS = 3_600_000;

export interface SeedTargets {
  inventory: Pick<InventoryApi, 'catalog' | 'fusion'>;
  tooling: Pick<ToolingApi, 'tree' | 'putAsset' | 'putMachine'>;
  schedule: Pick<ProductionSchedule, 'put'>;
  replenishment?: Pick<ReplenishmentApi, 'suppliers' | 'putSupplier' | 'putSourcing'>;
  now: number;
}

/** What was applied, per part (false: it already had data). */
export interface SeedOutcome { channels: boolean; tooling: boolean; fusion: boolean; replenishment: boolean }

export function applyInventorySeed(seed: InventorySeedFile, { inventory, tooling, schedule, replenishment, now }: SeedTargets): SeedOutcome {
  const outcome: SeedOutcome = { channels: false, tooling: false, fusion: false, replenishment: false };
  if (replenishment && replenishment.suppliers().length === 0 && seed.replenishment.suppliers.length > 0) {
    seed.replenishment.suppliers.forEach((supplier, i) => at(`replenishment.suppliers[${i}]`, () => replenishment.putSupplier(supplier, ACTOR)));
    seed.replenishment.sourcing.forEach((row, i) => at(`replenishment.sourcing[${i}]`, () => replenishment.putSourcing(row, ACTOR)));
    outcome.replenishment = true;
  }
  if (inventory.catalog.channels().length === 0 && seed.channels.length > 0) {
    seed.channels.forEach((channel, i) => at(`channels[${i}]`, () => inventory.catalog.putChannel(channel)));
    outcome.channels = true;
  }
  if (tooling.tree().length === 0 && seed.tooling.assets.length > 0) {
    seed.tooling.assets.forEach((asset, i) => at(`tooling.assets[${i}]`, () => tooling.putAsset(asset, ACTOR)));
    seed.tooling.machines.forEach((machine, i) => at(`tooling.machines[${i}]`, () => tooling.putMachine(machine, ACTOR)));
    seed.tooling.productionOrders.forEach(({ id, startsInHours, durationHours, ...order }, i) => at(`tooling.productionOrders[${i}]`, () => {
      const start = Math.ceil((now + startsInHours * HOUR_MS) / 60_000) * 60_000;
      schedule.put(id, { ...order, start, end: start + durationHours * HOUR_MS }, ACTOR);
    }));
    outcome.tooling = true;
  }
  // The core's own `edgestock` source is always there; only reporting sources count.
  if (inventory.fusion.sources().every((s) => s.kind === 'core') && seed.fusion.sources.length > 0) {
    seed.fusion.sources.forEach((source, i) => at(`fusion.sources[${i}]`, () => inventory.fusion.putSource(source, ACTOR)));
    const { dictionary } = seed.fusion;
    // Bucket names are the fusion's to check (with "did you mean"), not the config schema's.
    if (dictionary) at('fusion.dictionary', () => inventory.fusion.putDictionary(dictionary as DictionaryDefinition, { actor: ACTOR, why: 'seeded on a first start' }));
    seed.fusion.reports.forEach((report, i) => at(`fusion.reports[${i}]`, () => inventory.fusion.report(report, ACTOR)));
    outcome.fusion = true;
  }
  return outcome;
}

function at<T>(path: string, apply: () => T): T {
  try {
    return apply();
  } catch (error) {
    throw new Error(`inventory seed ${path}: ${(error as Error).message}`, { cause: error });
  }
}
