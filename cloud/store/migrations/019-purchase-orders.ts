/**
 * Purchase-order lines (cloud/purchasing/purchase-orders.ts): what purchasing ordered and has not
 * received yet, so replenishment counts it as on order instead of suggesting it again. A line is
 * opened when a replenishment suggestion is accepted. What arrived is not stored here: it is read
 * from the ledger's receipts naming the PO (doc_type 'purchase_order', doc_id = ref), so the
 * stock and the order can never disagree. Only a manual close (cancelled or short-closed, with
 * its reason) is recorded. A reference names one line per SKU x location, for ever: receipts are
 * matched by reference, so a reused one would mix two orders' deliveries.
 */
import type { Migration } from '../migrations.ts';

export const purchaseOrders019: Migration = {
  version: 19,
  name: 'purchase-orders',
  up: `
    CREATE TABLE po_line (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      ref TEXT NOT NULL,
      supplier TEXT NOT NULL REFERENCES repl_supplier(id),
      sku TEXT NOT NULL REFERENCES inv_item(sku),
      location TEXT NOT NULL REFERENCES inv_location(code),
      ordered_qty REAL NOT NULL CHECK (ordered_qty > 0),
      -- YYYY-MM-DD (UTC): the day ordered + the supplier's mean lead time, rounded up to whole days
      expected_day TEXT NOT NULL,
      ordered_by TEXT NOT NULL,
      ordered_at INTEGER NOT NULL,
      suggestion_id INTEGER REFERENCES repl_suggestion(id),
      closed_state TEXT CHECK (closed_state IN ('cancelled', 'short_closed')),
      closed_reason TEXT,
      closed_by TEXT,
      closed_at INTEGER,
      CHECK ((closed_state IS NULL) = (closed_at IS NULL) AND (closed_state IS NULL) = (closed_reason IS NULL))
    ) STRICT;
    CREATE UNIQUE INDEX po_line_key ON po_line (ref, sku, location);
    CREATE INDEX po_line_open ON po_line (sku, location) WHERE closed_state IS NULL;
  `,
};
