/**
 * The inventory core as a fusion source (`edgestock`): its own stock states for a SKU
 * (StockStates.summary) as bucket cells. The fusion takes them through a function it is given,
 * so it works from reports alone where the core is not wired, and never writes to the ledger.
 */
import type { StockSummary } from '../inventory-types.ts';
import type { BucketName } from './fusion-types.ts';

export interface CoreBucketValue { bucket: BucketName; channel: string | null; value: number; explain: string }

/** The core's bucket cells for a SKU; undefined or empty when it holds nothing for it. */
export type CoreBuckets = (sku: string) => CoreBucketValue[] | undefined;

const totals: Array<[BucketName, keyof StockSummary & ('physical' | 'available' | 'reserved' | 'pendingOutbound' | 'presaleLock' | 'inTransit' | 'inInspection' | 'frozen'), string]> = [
  ['physical', 'physical', 'physical'], ['available', 'available', 'available'], ['reserved', 'reserved', 'reserved'],
  ['pending_outbound', 'pendingOutbound', 'pendingOutbound'], ['presale_lock', 'presaleLock', 'presaleLock'],
  ['in_transit', 'inTransit', 'inTransit'], ['in_inspection', 'inInspection', 'inInspection'], ['frozen', 'frozen', 'frozen'],
];

/** A StockSummary as bucket cells: the totals, and per channel the presale lock and sellable. */
export function bucketsOfSummary(summary: StockSummary): CoreBucketValue[] {
  const explain = (key: string) => summary.explain[key] ?? `the inventory core's ${key} for ${summary.sku}`;
  const cells: CoreBucketValue[] = totals.map(([bucket, key, explainKey]) => ({ bucket, channel: null, value: summary[key], explain: explain(explainKey) }));
  for (const [channel, value] of Object.entries(summary.presaleLockByChannel)) {
    cells.push({ bucket: 'presale_lock', channel, value, explain: explain('presaleLock') });
  }
  for (const [channel, value] of Object.entries(summary.sellable)) {
    cells.push({ bucket: 'sellable', channel, value, explain: summary.explain[`sellable.${channel}`] ?? explain('sellable') });
  }
  return cells;
}
