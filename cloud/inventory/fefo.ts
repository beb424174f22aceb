/**
 * First expired, first out: the order stock is taken in, and the allocation of a quantity over
 * it. Earliest expiry first, stock that does not expire last, then the oldest lot (lowest id),
 * then the location code so equal candidates always come out the same way. Only what is free
 * counts: a released, unexpired, unlocked lot on a storage location that is not frozen, minus
 * what open reservations already hold there. Reservations allocate with it and the picking
 * suggestions (GET /api/inventory/fefo) show the same picks.
 */
import type { FefoPick } from './inventory-types.ts';
import type { LocationTree } from './location-tree.ts';
import { QTY_EPSILON, roundQty } from './quantities.ts';
import type { StockRow } from './stock-rows.ts';

/** A key with stock free to allocate. */
export interface FreeStock { row: StockRow; free: number }

/** What a key holds beyond its open reservations (never below 0). */
export const unreservedOf = (row: StockRow): number => Math.max(0, roundQty(row.qty - row.orderOpen - row.outboundOpen));

export function compareFefo(a: StockRow, b: StockRow): number {
  if (a.expiry !== b.expiry) {
    if (a.expiry === null) return 1;
    if (b.expiry === null) return -1;
    return a.expiry < b.expiry ? -1 : 1;
  }
  if (a.lotKey !== b.lotKey) return a.lotKey - b.lotKey;
  return a.location < b.location ? -1 : a.location > b.location ? 1 : 0;
}

/** The usable, unreserved stock among `rows` (storage locations only), in FEFO order. */
export function freeStockFefo(rows: StockRow[], tree: LocationTree): FreeStock[] {
  return rows
    .filter((row) => tree.isStorage(row.location) && row.frozenReason === null)
    .map((row) => ({ row, free: unreservedOf(row) }))
    .filter((candidate) => candidate.free > QTY_EPSILON)
    .sort((a, b) => compareFefo(a.row, b.row));
}

/** Takes `qty` from the candidates in their order; what is missing is `shortBy`. */
export function allocateFefo(candidates: FreeStock[], qty: number): { picks: FefoPick[]; shortBy: number } {
  const picks: FefoPick[] = [];
  let left = qty;
  for (const { row, free } of candidates) {
    if (left <= QTY_EPSILON) break;
    const take = roundQty(Math.min(free, left));
    picks.push({ location: row.location, lotId: row.lotId, lot: row.batch, expiry: row.expiry, daysLeft: row.daysLeft, qty: take });
    left = roundQty(left - take);
  }
  return { picks, shortBy: Math.max(0, left) };
}
