/**
 * Opens the purchase orders on the cloud's SQLite file (its own connection) with the injected
 * clock deciding "today" (what is overdue): the API the web routes use to list and close them,
 * and the `onOrder` hook replenishment counts open lines with. Lines themselves are opened by
 * accepting a replenishment suggestion (cloud/forecasting/replenishment-suggestions.ts), in the
 * accept's own transaction.
 *
 * Composition (cloud-service.ts): `const purchaseOrders = openPurchaseOrders(file, { clock })`
 * before replenishment; `openReplenishment(file, { ..., onOrder: purchaseOrders.onOrder })`;
 * register cloud/web/routes/purchase-orders.ts with `purchaseOrders.api`; `close` on shutdown.
 */
import type { Clock } from '../../connectors/clock.ts';
import { dayOf } from '../scans/utc-days.ts';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import { PurchaseOrders, type LineFilter, type PurchaseOrderLine } from './purchase-orders.ts';

/** What the web routes (cloud/web/routes/purchase-orders.ts) use; `actor` is the caller's username. */
export interface PurchaseOrdersApi {
  lines(filter?: LineFilter): PurchaseOrderLine[];
  /** Closes the open lines of `ref` (or of one SKU of it) with a reason; answers the lines closed. */
  close(ref: string, input: { reason?: unknown; sku?: unknown }, actor: string): PurchaseOrderLine[];
}

/** Open purchase orders of a SKU at a location as replenishment's `OnOrder` hook expects them. */
export type OnOrderHook = (sku: string, location: string) => { qty: number; text: string } | undefined;

export interface OpenPurchaseOrders {
  api: PurchaseOrdersApi;
  onOrder: OnOrderHook;
  close(): void;
}

/** The clocked API over purchase-order lines on an open database (migrations applied). */
export function purchaseOrdersOn(db: SqliteDatabase, clock: Pick<Clock, 'now'>): { api: PurchaseOrdersApi; onOrder: OnOrderHook } {
  const orders = new PurchaseOrders(db);
  const today = () => dayOf(clock.now());
  return {
    api: {
      lines: (filter = {}) => orders.lines(filter, today()),
      close: (ref, input, actor) => {
        const at = clock.now();
        return orders.close(ref, input, actor, at, dayOf(at));
      },
    },
    onOrder: (sku, location) => orders.onOrder(sku, location, today()),
  };
}

export function openPurchaseOrders(file: string, { clock }: { clock: Pick<Clock, 'now'> }): OpenPurchaseOrders {
  const db = openDatabase(file);
  try {
    migrate(db);
    return { ...purchaseOrdersOn(db, clock), close: () => db.close() };
  } catch (error) {
    db.close();
    throw error;
  }
}
