/**
 * The inventory core (cloud/inventory/, issue 7): one immutable ledger from which every stock
 * figure is derived and can be rebuilt.
 *
 * - `inv_category`, `inv_item`, `inv_lot`, `inv_serial`, `inv_location`: the catalogue. Locations
 *   form a tree (warehouse -> zone -> shelf) and include virtual ones: supplier, customer,
 *   transit, inspection, scrap, production, adjustment. Only virtual locations may allow
 *   negative stock (a supplier "has" minus what it delivered).
 * - `inv_move`: immutable, double-entry: `qty` leaves `from_location` and enters `to_location`,
 *   with a reason and a source document. Triggers refuse UPDATE and DELETE; a mistake is undone
 *   by posting a reversal (`reverses`). `request_key` makes a retried post add nothing.
 * - `inv_balance`: per item x location x lot (`lot_key` 0 = no lot), the sum of the moves,
 *   maintained in the posting transaction and rebuildable from `inv_move` (the drift check).
 * - `inv_reservation` and `inv_reservation_line`: an order's hard allocation ('order' -> the
 *   reserved bucket), work released to the warehouse ('outbound' -> pending outbound), both
 *   allocated to location x lot lines; and a channel's presale lock ('presale', SKU level, no
 *   lines). Open line quantity (qty - fulfilled) of active reservations never exceeds the
 *   balance it is allocated on: checked inside every transaction that could break it.
 * - `inv_channel`: the sales channels sellable figures are computed for.
 * - The permissions the inventory, tooling and fusion routes need join the catalogue here.
 */
import type { Migration } from '../migrations.ts';

const grants: Record<string, string[]> = {
  'inventory.manage': ['admin', 'warehouse_operator', 'plant_engineer'],
  'tooling.manage': ['admin', 'plant_engineer'],
};

export const inventory012: Migration = {
  version: 12,
  name: 'inventory',
  up: `
    CREATE TABLE inv_category (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      -- a lot with fewer days left gets a near-expiry warning ("ship first")
      near_expiry_days INTEGER NOT NULL DEFAULT 60,
      -- 'none', 'drug_gsp' (computerised expiry warning and lock), 'cold_chain_food' (stock linked to temperature records)
      compliance TEXT NOT NULL DEFAULT 'none' CHECK (compliance IN ('none', 'drug_gsp', 'cold_chain_food')),
      -- drug GSP: a lot with fewer days left is locked (not reservable, not shippable); NULL: no lock
      lock_days INTEGER,
      created_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE inv_item (
      sku TEXT PRIMARY KEY,
      gtin TEXT UNIQUE,
      name TEXT NOT NULL,
      category TEXT NOT NULL REFERENCES inv_category(id),
      unit TEXT NOT NULL DEFAULT 'ea',
      shelf_life_days INTEGER,
      temperature_min_c REAL,
      temperature_max_c REAL,
      humidity_min_pct REAL,
      humidity_max_pct REAL,
      -- 1: every move names a lot; 0: stock has no lot (lot_key 0)
      lot_tracked INTEGER NOT NULL DEFAULT 1,
      -- 1: every move names a serial and moves qty 1
      serialized INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE inv_location (
      code TEXT PRIMARY KEY,
      name TEXT,
      kind TEXT NOT NULL CHECK (kind IN ('warehouse', 'zone', 'shelf', 'supplier', 'customer', 'transit', 'inspection', 'scrap', 'production', 'adjustment')),
      parent TEXT REFERENCES inv_location(code),
      allow_negative INTEGER NOT NULL DEFAULT 0,
      -- a quarantine area: everything on it counts as frozen
      frozen INTEGER NOT NULL DEFAULT 0,
      temperature_min_c REAL,
      temperature_max_c REAL,
      created_at INTEGER NOT NULL,
      CHECK (allow_negative = 0 OR kind IN ('supplier', 'customer', 'transit', 'inspection', 'scrap', 'production', 'adjustment'))
    ) STRICT;
    CREATE INDEX inv_location_parent ON inv_location(parent);

    CREATE TABLE inv_lot (
      id INTEGER PRIMARY KEY,
      sku TEXT NOT NULL REFERENCES inv_item(sku),
      batch TEXT NOT NULL,
      -- YYYY-MM-DD, the last day it may be used; NULL: does not expire. 'expired' is derived from it.
      expiry TEXT,
      produced TEXT,
      status TEXT NOT NULL DEFAULT 'released' CHECK (status IN ('released', 'quarantined', 'recalled')),
      status_reason TEXT,
      status_changed_at INTEGER,
      supplier TEXT,
      created_at INTEGER NOT NULL,
      UNIQUE (sku, batch)
    ) STRICT;
    CREATE INDEX inv_lot_expiry ON inv_lot(sku, expiry);

    CREATE TABLE inv_serial (
      sku TEXT NOT NULL REFERENCES inv_item(sku),
      serial TEXT NOT NULL,
      lot_id INTEGER REFERENCES inv_lot(id),
      -- where it is now: the to_location of its latest move (maintained in the posting transaction)
      location TEXT NOT NULL REFERENCES inv_location(code),
      last_move INTEGER NOT NULL,
      PRIMARY KEY (sku, serial)
    ) STRICT;

    CREATE TABLE inv_move (
      id INTEGER PRIMARY KEY,
      -- when it was booked, and when it happened (a back-dated entry changes no balance arithmetic:
      -- balances are sums, so nothing is recomputed)
      posted_at INTEGER NOT NULL,
      effective_at INTEGER NOT NULL,
      sku TEXT NOT NULL REFERENCES inv_item(sku),
      lot_id INTEGER REFERENCES inv_lot(id),
      serial TEXT,
      qty REAL NOT NULL CHECK (qty > 0),
      from_location TEXT NOT NULL REFERENCES inv_location(code),
      to_location TEXT NOT NULL REFERENCES inv_location(code),
      reason TEXT NOT NULL CHECK (reason IN ('opening', 'receipt', 'putaway', 'transfer', 'pick', 'shipment', 'return', 'adjustment', 'count', 'scrap', 'inspection', 'release', 'production_consume', 'production_output', 'reversal')),
      doc_type TEXT,
      doc_id TEXT,
      -- the reservation a pick or shipment fulfils (its line at from_location is reduced)
      reservation_id INTEGER REFERENCES inv_reservation(id),
      reverses INTEGER REFERENCES inv_move(id),
      actor TEXT NOT NULL,
      note TEXT,
      request_key TEXT UNIQUE,
      CHECK (from_location <> to_location)
    ) STRICT;
    CREATE INDEX inv_move_lot ON inv_move(lot_id, id);
    CREATE INDEX inv_move_sku ON inv_move(sku, id);
    CREATE INDEX inv_move_from ON inv_move(from_location, id);
    CREATE INDEX inv_move_to ON inv_move(to_location, id);
    CREATE INDEX inv_move_doc ON inv_move(doc_type, doc_id);
    CREATE INDEX inv_move_serial ON inv_move(sku, serial) WHERE serial IS NOT NULL;
    CREATE TRIGGER inv_move_no_update BEFORE UPDATE ON inv_move
      BEGIN SELECT RAISE(ABORT, 'inv_move is immutable: post a reversal instead'); END;
    CREATE TRIGGER inv_move_no_delete BEFORE DELETE ON inv_move
      BEGIN SELECT RAISE(ABORT, 'inv_move is immutable: post a reversal instead'); END;

    CREATE TABLE inv_balance (
      sku TEXT NOT NULL,
      location TEXT NOT NULL,
      -- the lot's id, 0 for stock without a lot
      lot_key INTEGER NOT NULL,
      qty REAL NOT NULL,
      last_move INTEGER NOT NULL,
      PRIMARY KEY (sku, location, lot_key)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX inv_balance_location ON inv_balance(location, sku);
    CREATE INDEX inv_balance_lot ON inv_balance(lot_key);

    CREATE TABLE inv_reservation (
      id INTEGER PRIMARY KEY,
      sku TEXT NOT NULL REFERENCES inv_item(sku),
      kind TEXT NOT NULL CHECK (kind IN ('order', 'outbound', 'presale')),
      channel TEXT,
      order_ref TEXT,
      qty REAL NOT NULL CHECK (qty > 0),
      status TEXT NOT NULL CHECK (status IN ('active', 'fulfilled', 'released')),
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      note TEXT,
      request_key TEXT UNIQUE
    ) STRICT;
    CREATE INDEX inv_reservation_open ON inv_reservation(sku, status, kind);

    CREATE TABLE inv_reservation_line (
      reservation_id INTEGER NOT NULL REFERENCES inv_reservation(id),
      sku TEXT NOT NULL,
      location TEXT NOT NULL REFERENCES inv_location(code),
      lot_key INTEGER NOT NULL,
      qty REAL NOT NULL CHECK (qty > 0),
      fulfilled REAL NOT NULL DEFAULT 0 CHECK (fulfilled >= 0 AND fulfilled <= qty),
      PRIMARY KEY (reservation_id, location, lot_key)
    ) STRICT;
    CREATE INDEX inv_reservation_line_key ON inv_reservation_line(sku, location, lot_key);

    CREATE TABLE inv_channel (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      -- the share of the unlocked available stock this channel may sell, 0-100
      quota_pct REAL NOT NULL DEFAULT 100 CHECK (quota_pct >= 0 AND quota_pct <= 100),
      created_at INTEGER NOT NULL
    ) STRICT;

    INSERT OR IGNORE INTO permission (id) VALUES ${Object.keys(grants).map((id) => `('${id}')`).join(', ')};
    INSERT OR IGNORE INTO role_permission (role, permission)
      SELECT role.id, grant_row.permission FROM role JOIN (
        ${Object.entries(grants).flatMap(([permission, roles]) => roles.map((role) => `SELECT '${role}' AS role, '${permission}' AS permission`)).join('\n        UNION ALL ')}
      ) AS grant_row ON grant_row.role = role.id;
  `,
};
