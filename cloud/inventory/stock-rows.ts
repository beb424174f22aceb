/**
 * The one read every stock figure starts from: the non-zero balances (item x location x lot)
 * with their lot's expiry and status, the item's category rules, and how much of each key open
 * reservations hold ('order' -> reserved, 'outbound' -> pending outbound). Each row is judged on
 * the day of `now` (expired, locked for GSP, quarantined, recalled, or on a frozen location), so
 * reservations, stock states, FEFO and the expiry warnings all agree on what is usable.
 */
import type { SqliteDatabase } from '../store/database.ts';
import type { Compliance, LotStatus, StoredLotStatus } from './inventory-types.ts';
import type { LocationTree } from './location-tree.ts';
import { daysLeftOf, isLotLocked, lotStatusOf } from './lot-dates.ts';

/** Why a key's stock cannot be used; null when it can. */
export type FrozenReason = 'expired' | 'quarantined' | 'recalled' | 'locked' | 'frozen_location';

export interface StockRow {
  sku: string; location: string; lotKey: number; lotId: number | null; batch: string | null; expiry: string | null;
  storedStatus: StoredLotStatus | null; statusReason: string | null;
  qty: number;
  /** Open (qty - fulfilled) line quantity of active reservations on this key, by kind. */
  orderOpen: number; outboundOpen: number;
  category: string; compliance: Compliance; nearExpiryDays: number; lockDays: number | null;
  /** Judged on the day of `now`. */
  status: LotStatus; daysLeft: number | null; locked: boolean; frozenReason: FrozenReason | null;
}

interface Row {
  sku: string; location: string; lot_key: number; batch: string | null; expiry: string | null; lot_status: StoredLotStatus | null; status_reason: string | null;
  qty: number; order_open: number | null; outbound_open: number | null;
  category: string; compliance: Compliance; near_expiry_days: number; lock_days: number | null;
}

const select = (skuFilter: boolean) => `
  SELECT b.sku, b.location, b.lot_key, l.batch, l.expiry, l.status AS lot_status, l.status_reason, b.qty,
    o.order_open, o.outbound_open, c.id AS category, c.compliance, c.near_expiry_days, c.lock_days
  FROM inv_balance b
  JOIN inv_item i ON i.sku = b.sku
  JOIN inv_category c ON c.id = i.category
  LEFT JOIN inv_lot l ON l.id = b.lot_key
  LEFT JOIN (
    SELECT rl.sku, rl.location, rl.lot_key,
      ROUND(SUM(CASE WHEN r.kind = 'order' THEN rl.qty - rl.fulfilled ELSE 0 END), 3) AS order_open,
      ROUND(SUM(CASE WHEN r.kind = 'outbound' THEN rl.qty - rl.fulfilled ELSE 0 END), 3) AS outbound_open
    FROM inv_reservation_line rl JOIN inv_reservation r ON r.id = rl.reservation_id
    WHERE r.status = 'active' ${skuFilter ? 'AND rl.sku = ?' : ''}
    GROUP BY rl.sku, rl.location, rl.lot_key
  ) o ON o.sku = b.sku AND o.location = b.location AND o.lot_key = b.lot_key
  WHERE b.qty <> 0 ${skuFilter ? 'AND b.sku = ?' : ''}
  ORDER BY b.sku, b.location, b.lot_key`;

/** Where a reason comes from, in the order a lot is judged: a stored status wins over the dates. */
function frozenReasonOf(status: LotStatus, locked: boolean, onFrozenLocation: boolean): FrozenReason | null {
  if (status !== 'released') return status;
  if (locked) return 'locked';
  return onFrozenLocation ? 'frozen_location' : null;
}

export class StockRowsReader {
  readonly #all;
  readonly #bySku;

  constructor(db: SqliteDatabase) {
    this.#all = db.prepare(select(false));
    this.#bySku = db.prepare(select(true));
  }

  /** Every non-zero balance (of one SKU with `sku`), judged on the day of `now`. */
  read(tree: LocationTree, now: number, sku?: string): StockRow[] {
    const rows = (sku === undefined ? this.#all.all() : this.#bySku.all(sku, sku)) as Row[];
    return rows.map((r) => {
      const stored = r.lot_key === 0 ? 'released' : (r.lot_status ?? 'released');
      const status = lotStatusOf(stored, r.expiry, now);
      // Any category with lockDays locks (drug GSP sets it), as the ledger's shipping check does:
      // a reservation must never hold a lot the ledger would refuse to ship.
      const locked = isLotLocked(r.expiry, r.lock_days, now);
      return {
        sku: r.sku, location: r.location, lotKey: r.lot_key, lotId: r.lot_key === 0 ? null : r.lot_key, batch: r.batch, expiry: r.expiry,
        storedStatus: r.lot_key === 0 ? null : r.lot_status, statusReason: r.status_reason, qty: r.qty,
        orderOpen: r.order_open ?? 0, outboundOpen: r.outbound_open ?? 0,
        category: r.category, compliance: r.compliance, nearExpiryDays: r.near_expiry_days, lockDays: r.lock_days,
        status, daysLeft: daysLeftOf(r.expiry, now), locked, frozenReason: frozenReasonOf(status, locked, tree.isFrozen(r.location)),
      };
    });
  }
}
