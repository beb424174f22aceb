/**
 * The seams between the gateway's scanning parts (issue 6):
 *   device broker (gateway/devices) -> scan service -> decider -> { master-data cache, shelf
 *   environment, permissions, rules } -> decision back to the device + `scan.decision` event.
 * The decider is pure over these ports, so it decides in microseconds and the same way offline.
 */
import type { CategoryRecord, DeviceRecord, ItemRecord, LocationRecord, LotRecord, OperatorRecord, StockRecord } from '../../config/master-data-schema.ts';
import type { Decision, Scan } from '../../devices/scan-protocol.ts';

/** What the decider reads from the master-data cache (gateway/master-data). All lookups are in memory. */
export interface MasterDataView {
  /** The version held (0 = only a seed file or nothing). */
  version(): number;
  item(gtin: string): ItemRecord | undefined;
  category(id: string): CategoryRecord | undefined;
  lot(gtin: string, batch: string): LotRecord | undefined;
  /** Every lot of an item, earliest expiry first. */
  lotsOf(gtin: string): readonly LotRecord[];
  location(code: string): LocationRecord | undefined;
  operator(id: string): OperatorRecord | undefined;
  /** Stock rows of an item (every lot and location), for FEFO. */
  stockOf(gtin: string): readonly StockRecord[];
  device(id: string): DeviceRecord | undefined;
}

/** The latest value of a gateway tag (`device/tag`), from the tag cache or a shelf sensor's reading. */
export interface EnvironmentReading {
  value: number;
  quality: 'good' | 'uncertain' | 'bad';
  ts: number;
}
export interface EnvironmentView {
  latest(tagRef: string): EnvironmentReading | undefined;
}

/** Role -> permission of the scenario permissions the cloud synced (gateway/scenario-permissions.ts). */
export interface PermissionView {
  allows(role: string, permission: string): boolean;
}

/** What the decider asks the rules runtime (gateway/rules/rules-host.ts). */
export interface RulesView {
  /** Sets `scan.remainingShelfLifeDays` etc. and resolves with the recommendations that fired (e.g. `ship-first`). */
  scanFacts(facts: Record<string, number | string | boolean>): Promise<Array<{ ruleId: string; kind: string; detail: Record<string, unknown> }>>;
  isBlocked(operation: string, location: string): boolean;
  /** Whether the active pack has a rule reading fact `name`; when none does, master data's threshold decides. */
  readsFact(name: string): boolean;
}

export interface DecideContext {
  deviceId: string;
  /** The gateway's time (ms); expiry days are counted from this date, UTC. */
  now: number;
}

/** The decision and what the 4D record needs beside it. */
export interface ScanOutcome {
  decision: Decision;
  /** What the code said (GS1 AIs), when it parsed. */
  parsed?: { gtin?: string; batch?: string; expiry?: string; serial?: string; qty?: number };
}

export interface ScanDecider {
  decide(scan: Scan, context: DecideContext): Promise<ScanOutcome>;
}

/** Body of a `scan.decision` edge event (docs/edge-events.md): the 4D record of one scan. */
export interface ScanDecisionEventBody {
  device: string;
  scan: Scan;
  decision: Decision;
  parsed?: ScanOutcome['parsed'];
  /** The master-data version the decision was made with. */
  masterDataVersion: number;
  /** Whether the gateway's link to the cloud was down when it decided. */
  offline: boolean;
}
