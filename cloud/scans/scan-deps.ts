/**
 * What the scan part reads from its neighbours, as plain functions so it can be tested without
 * them and composed without knowing them: master data (cloud/masterdata/), the telemetry store
 * (cloud/store/) and the rules' location blocks (cloud/inventory/).
 */
import type { LocationRecord, LotRecord, StockRecord } from '../../config/master-data-schema.ts';
import type { Clock } from '../../connectors/clock.ts';
import type { TelemetryStore } from '../store/telemetry-store.ts';

/** A stock row, with when master data first recorded it when the store knows (ms since the epoch). */
export type StockRow = StockRecord & { since?: number };

export interface ScanDeps {
  /** Master data: the lot `gtin/batch`, or undefined when the cloud does not know it. */
  lotOf(gtin: string, batch: string): LotRecord | undefined;
  /** Master data: every location (shelf). */
  locations(): readonly LocationRecord[];
  /** Master data: the stock rows at a location. */
  stockAt(location: string): readonly StockRow[];
  /** Shelf sensor readings arrive as gateway telemetry. */
  telemetry: Pick<TelemetryStore, 'latest' | 'history'>;
  /** Operations blocked at locations by process rules, in force now. */
  activeBlocks(): ReadonlyArray<{ operation: string; location: string }>;
  clock: Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}
