/**
 * On-hand stock that will still be sellable (issue 8 item 8): the forecast demand, day by day
 * from tomorrow over the coverage period, consumes the location's usable lots first expired,
 * first out, as picking does (cloud/inventory/fefo.ts). A lot whose last sellable day passes
 * with stock left (its expiry date, or the day before its category's near-expiry lock begins,
 * e.g. the drug GSP lock 30 days before expiry) loses that stock: it would expire before it is
 * sold, so it must not stand in for an order (`expiringUnsellable`, each lot named). Stock that
 * is reserved or pending outbound is someone else's and is taken off each lot before the
 * simulation; frozen stock (expired, quarantined, recalled, locked, on a frozen location) never
 * counts. Pure arithmetic over the lots the caller read.
 */
import { formatQty, QTY_EPSILON, roundQty } from '../inventory/quantities.ts';
import { addDays } from '../scans/utc-days.ts';

export interface OnHandLot {
  lotId: number | null;
  lot: string | null;
  /** Last day the lot may be used, YYYY-MM-DD; null: it does not expire. */
  expiry: string | null;
  /** Whole days from today to expiry (0 on its last day). */
  daysLeft: number | null;
  qty: number;
  /** Open order reservations plus pending outbound on this stock (never above qty: the ledger's invariant). */
  reserved: number;
  /** Expired, quarantined, recalled, locked or on a frozen location: not usable at all. */
  frozen: boolean;
}

export interface UnsellableLot {
  lot: string | null;
  expiry: string;
  qty: number;
  /** The first day it can no longer be sold. */
  fromDay: string;
  reason: 'expires' | 'locked';
}

export interface SellableStock {
  onHand: number;
  frozen: number;
  /** Reserved and pending outbound on usable stock. */
  reserved: number;
  /** onHand - frozen - reserved. */
  free: number;
  expiringUnsellable: number;
  /** free - expiringUnsellable. */
  sellable: number;
  unsellableLots: UnsellableLot[];
  /** `sellable on hand 40 = free 80 (on hand 100 - frozen 5 - reserved 15) - expiring before sold 40 (lot L1 30 expires 2026-03-05 ...)`. */
  text: string;
}

export interface SellableInput {
  lots: OnHandLot[];
  /** Forecast demand per day from tomorrow; at least ceil(coverageDays) days. */
  daily: number[];
  coverageDays: number;
  /** The category's near-expiry lock (days before expiry it may no longer ship); null: none. */
  lockDays: number | null;
  /** Today, YYYY-MM-DD. */
  today: string;
}

interface Pool { key: string; lot: string | null; expiry: string | null; lastDay: number; left: number }

/** First expired, first out; stock that does not expire last; then by lot id for a stable order. */
const byFefo = (a: Pool, b: Pool) => (a.expiry === b.expiry ? (a.key < b.key ? -1 : 1) : a.expiry === null ? 1 : b.expiry === null ? -1 : a.expiry < b.expiry ? -1 : 1);

export function sellableStockOf({ lots, daily, coverageDays, lockDays, today }: SellableInput): SellableStock {
  const sum = (pick: (lot: OnHandLot) => number) => roundQty(lots.reduce((total, lot) => total + pick(lot), 0));
  const onHand = sum((l) => l.qty);
  const frozen = sum((l) => (l.frozen ? l.qty : 0));
  // Reservations on frozen stock are already inside `frozen`.
  const reserved = sum((l) => (l.frozen ? 0 : l.reserved));
  // One pool per lot over every location under the replenished one.
  const pools = new Map<string, Pool>();
  for (const lot of lots) {
    if (lot.frozen) continue;
    const free = Math.max(0, roundQty(lot.qty - lot.reserved));
    if (free <= QTY_EPSILON) continue;
    const key = String(lot.lotId ?? 'none');
    const lastDay = lot.daysLeft === null ? Number.POSITIVE_INFINITY : lot.daysLeft - (lockDays ?? 0);
    const pool = pools.get(key) ?? { key, lot: lot.lot, expiry: lot.expiry, lastDay, left: 0 };
    pool.left = roundQty(pool.left + free);
    pools.set(key, pool);
  }
  const ordered = [...pools.values()].sort(byFefo);
  const free = roundQty(ordered.reduce((total, p) => total + p.left, 0));

  const unsellableLots: UnsellableLot[] = [];
  const wholeDays = Math.ceil(coverageDays - 1e-9);
  for (let day = 1; day <= wholeDays; day++) {
    for (const pool of ordered) {
      if (pool.lastDay >= day || pool.left <= QTY_EPSILON) continue;
      unsellableLots.push({ lot: pool.lot, expiry: pool.expiry!, qty: pool.left, fromDay: addDays(today, day), reason: (lockDays ?? 0) > 0 ? 'locked' : 'expires' });
      pool.left = 0;
    }
    // The last day of a fractional coverage counts only its share.
    let demand = (daily[day - 1] ?? 0) * Math.min(1, coverageDays - (day - 1));
    for (const pool of ordered) {
      if (demand <= QTY_EPSILON) break;
      const take = Math.min(pool.left, demand);
      pool.left = roundQty(pool.left - take);
      demand -= take;
    }
  }
  const expiringUnsellable = roundQty(unsellableLots.reduce((total, l) => total + l.qty, 0));
  const sellable = Math.max(0, roundQty(free - expiringUnsellable));
  const q = formatQty;
  const lotWords = unsellableLots.map((l) => `lot ${l.lot ?? '(no lot)'} ${q(l.qty)} ${l.reason === 'expires' ? `expires ${l.expiry}` : `enters its near-expiry lock on ${l.fromDay} (expires ${l.expiry})`}`);
  const text = `sellable on hand ${q(sellable)} = free ${q(free)} (on hand ${q(onHand)} - frozen ${q(frozen)} - reserved and pending outbound ${q(reserved)})`
    + ` - expiring before it would sell ${q(expiringUnsellable)}${lotWords.length > 0 ? ` (${lotWords.join('; ')})` : ''}`;
  return { onHand, frozen, reserved, free, expiringUnsellable, sellable, unsellableLots, text };
}
