/**
 * Where a lot sat and when, from its moves alone: replayed in the order they happened
 * (effective time, then id, so a back-dated move lands where it belongs), a stay on a location
 * opens when the lot's balance there turns positive and closes when it is back to zero. Only
 * locations that hold goods physically count (storage, transit, inspection): a customer or a
 * supplier is a destination or an origin, not a place the lot sat on.
 */
import type { LocationKind } from './inventory-types.ts';
import type { LotStay, TraceMove } from './lot-trace-types.ts';
import { QTY_EPSILON, roundQty } from './quantities.ts';

const sitKinds: ReadonlySet<LocationKind> = new Set(['warehouse', 'zone', 'shelf', 'transit', 'inspection']);

export function lotStays(moves: readonly TraceMove[]): LotStay[] {
  const ordered = [...moves].sort((a, b) => a.effectiveAt - b.effectiveAt || a.id - b.id);
  const held = new Map<string, number>();
  const open = new Map<string, LotStay>();
  const stays: LotStay[] = [];
  const change = (location: string, kind: LocationKind, delta: number, at: number) => {
    if (!sitKinds.has(kind)) return;
    const qty = roundQty((held.get(location) ?? 0) + delta);
    held.set(location, qty);
    let stay = open.get(location);
    if (!stay && qty > QTY_EPSILON) {
      stay = { location, locationKind: kind, from: at, to: null, qty: 0, qtyIn: 0 };
      open.set(location, stay);
      stays.push(stay);
    }
    if (!stay) return;
    if (delta > 0) stay.qtyIn = roundQty(stay.qtyIn + delta);
    stay.qty = Math.max(stay.qty, qty);
    if (qty <= QTY_EPSILON) {
      stay.to = at;
      open.delete(location);
    }
  };
  for (const move of ordered) {
    change(move.from, move.fromKind, -move.qty, move.effectiveAt);
    change(move.to, move.toKind, move.qty, move.effectiveAt);
  }
  return stays;
}
