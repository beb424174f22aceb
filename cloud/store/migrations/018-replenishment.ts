/**
 * Replenishment (cloud/forecasting/replenishment*, issue 8 item 8): suppliers with lead time and
 * its variability, which supplier delivers which SKU to which location (with the review period
 * and the service level aimed at), and the suggestions purchasing turns into purchase orders.
 * Suggestions keep every number that went into them, so an old one explains itself after the
 * stock has moved on; a run replaces only the open ones (accepted and dismissed stay as history).
 */
import type { Migration } from '../migrations.ts';

export const replenishment018: Migration = {
  version: 18,
  name: 'replenishment',
  up: `
    CREATE TABLE repl_supplier (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      lead_time_mean_days REAL NOT NULL CHECK (lead_time_mean_days >= 0),
      lead_time_sd_days REAL NOT NULL CHECK (lead_time_sd_days >= 0),
      on_time_in_full_rate REAL NOT NULL CHECK (on_time_in_full_rate >= 0 AND on_time_in_full_rate <= 1),
      min_order_qty REAL NOT NULL CHECK (min_order_qty >= 0),
      pack_size REAL NOT NULL CHECK (pack_size > 0),
      updated_at INTEGER NOT NULL,
      updated_by TEXT NOT NULL
    ) STRICT;

    CREATE TABLE repl_sourcing (
      sku TEXT NOT NULL REFERENCES inv_item(sku),
      location TEXT NOT NULL REFERENCES inv_location(code),
      supplier TEXT NOT NULL REFERENCES repl_supplier(id),
      review_period_days INTEGER NOT NULL CHECK (review_period_days >= 1),
      service_level REAL NOT NULL CHECK (service_level > 0 AND service_level < 1),
      updated_at INTEGER NOT NULL,
      updated_by TEXT NOT NULL,
      PRIMARY KEY (sku, location)
    ) STRICT;
    CREATE INDEX repl_sourcing_supplier ON repl_sourcing (supplier);

    CREATE TABLE repl_suggestion (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      sku TEXT NOT NULL,
      location TEXT NOT NULL,
      supplier TEXT,
      created_at INTEGER NOT NULL,
      suggested_qty REAL NOT NULL CHECK (suggested_qty >= 0),
      demand_over_coverage REAL NOT NULL,
      coverage_days REAL NOT NULL,
      safety_stock REAL NOT NULL,
      sellable_on_hand REAL NOT NULL,
      expiring_unsellable REAL NOT NULL,
      in_transit REAL NOT NULL,
      reserved REAL NOT NULL,
      explanation TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('open', 'accepted', 'dismissed')),
      decided_by TEXT,
      decided_at INTEGER,
      purchase_order TEXT
    ) STRICT;
    CREATE INDEX repl_suggestion_state ON repl_suggestion (state, sku, location);
  `,
};
