/** Opens the rollout part on the cloud's SQLite file (migrations are applied by the store). */
import { addressChecks } from '../../connectors/address-checks.ts';
import { systemClock, type Clock } from '../../connectors/clock.ts';
import { openDatabase } from '../store/database.ts';
import type { ScenarioPermissions } from '../../connectors/edge-link/index.ts';
import type { EdgeLinkClient } from './edge-link-client.ts';
import { GatewayConfigs } from './gateway-configs.ts';
import { GatewayRollout } from './gateway-rollout.ts';

export interface OpenRollout {
  rollout: GatewayRollout;
  configs: GatewayConfigs;
  close(): void;
}

export function openRollout(file: string, options: {
  link: () => EdgeLinkClient | undefined;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  clock?: Clock;
  applyTimeoutMs?: number;
  scenarioPermissions?: () => ScenarioPermissions;
}): OpenRollout {
  const db = openDatabase(file);
  const configs = new GatewayConfigs(db, options.clock ?? systemClock);
  const rollout = new GatewayRollout({ configs, link: options.link, addressChecks, logger: options.logger, applyTimeoutMs: options.applyTimeoutMs, scenarioPermissions: options.scenarioPermissions });
  return { rollout, configs, close: () => db.close() };
}
