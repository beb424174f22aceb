/**
 * Serialized mold tooling (cloud/tooling/, issue 7 item 6): assets in a multi-level BOM, their
 * certificates, the history of which asset sat in which (so shots counted late still go to the
 * inserts that were in the mold at the time), machines with their counter tags, mount history,
 * the counter feed's cursor, inspections and attachments.
 *
 * - `tooling_asset`: one serialized mold, sub-mold or insert. `shots` is kept here (opening shots
 *   plus what the feed added); the feed adds and moves its cursor in one transaction.
 * - `tooling_placement`: asset X sat in parent P from `from_at` to `to_at` (NULL: still there).
 *   The BOM rules (a mold has no parent, inserts hold nothing, no cycles) are checked by
 *   cloud/tooling/asset-validation.ts in the writing transaction.
 * - `tooling_mount`: mold M on machine X from `from_at` to `to_at`; at most one open mount per
 *   machine and per mold (partial unique indexes).
 * - `tooling_counter_cursor`: per machine, the last counter sample taken into account (its ts and
 *   value) and the last mold-id sample read: a restart neither loses nor double counts.
 * - `tooling_attachment`: file bytes as a BLOB, for an inspection or a certificate.
 */
import type { Migration } from '../migrations.ts';

export const tooling014: Migration = {
  version: 14,
  name: 'tooling',
  up: `
    CREATE TABLE tooling_asset (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('mold', 'sub_mold', 'insert')),
      serial TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      parent TEXT REFERENCES tooling_asset(id),
      position TEXT,
      part_number TEXT,
      status TEXT NOT NULL CHECK (status IN ('in_service', 'spare', 'maintenance', 'scrapped')),
      location TEXT,
      heat_treatment_json TEXT,
      cte_um_per_mk REAL CHECK (cte_um_per_mk IS NULL OR cte_um_per_mk >= 0),
      life_shots INTEGER CHECK (life_shots IS NULL OR life_shots > 0),
      warn_at_shots INTEGER CHECK (warn_at_shots IS NULL OR (warn_at_shots >= 0 AND life_shots IS NOT NULL AND warn_at_shots <= life_shots)),
      shots INTEGER NOT NULL DEFAULT 0 CHECK (shots >= 0),
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      CHECK (parent IS NULL OR parent <> id),
      CHECK (kind <> 'mold' OR parent IS NULL)
    ) STRICT;
    CREATE INDEX tooling_asset_parent ON tooling_asset(parent);

    CREATE TABLE tooling_certificate (
      asset_id TEXT NOT NULL REFERENCES tooling_asset(id),
      number TEXT NOT NULL,
      material_grade TEXT NOT NULL,
      supplier TEXT NOT NULL,
      issued TEXT NOT NULL,
      PRIMARY KEY (asset_id, number)
    ) STRICT;

    CREATE TABLE tooling_placement (
      id INTEGER PRIMARY KEY,
      asset_id TEXT NOT NULL REFERENCES tooling_asset(id),
      parent TEXT NOT NULL REFERENCES tooling_asset(id),
      from_at INTEGER NOT NULL,
      to_at INTEGER,
      CHECK (to_at IS NULL OR to_at >= from_at)
    ) STRICT;
    CREATE INDEX tooling_placement_parent ON tooling_placement(parent, from_at);
    CREATE UNIQUE INDEX tooling_placement_open ON tooling_placement(asset_id) WHERE to_at IS NULL;

    CREATE TABLE tooling_machine (
      id TEXT PRIMARY KEY,
      name TEXT,
      counter_json TEXT,
      mold_tag_json TEXT,
      cycle_time_s REAL CHECK (cycle_time_s IS NULL OR cycle_time_s > 0),
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      actor TEXT NOT NULL
    ) STRICT;

    CREATE TABLE tooling_mount (
      id INTEGER PRIMARY KEY,
      machine TEXT NOT NULL REFERENCES tooling_machine(id),
      mold TEXT NOT NULL REFERENCES tooling_asset(id),
      from_at INTEGER NOT NULL,
      to_at INTEGER,
      source TEXT NOT NULL CHECK (source IN ('api', 'tag')),
      actor TEXT NOT NULL,
      CHECK (to_at IS NULL OR to_at >= from_at)
    ) STRICT;
    CREATE INDEX tooling_mount_machine ON tooling_mount(machine, from_at);
    CREATE UNIQUE INDEX tooling_mount_open_machine ON tooling_mount(machine) WHERE to_at IS NULL;
    CREATE UNIQUE INDEX tooling_mount_open_mold ON tooling_mount(mold) WHERE to_at IS NULL;

    CREATE TABLE tooling_counter_cursor (
      machine TEXT PRIMARY KEY REFERENCES tooling_machine(id),
      counter_ts INTEGER,
      counter_value REAL,
      mold_tag_ts INTEGER
    ) STRICT;

    CREATE TABLE tooling_inspection (
      id INTEGER PRIMARY KEY,
      asset_id TEXT NOT NULL REFERENCES tooling_asset(id),
      date TEXT NOT NULL,
      inspector TEXT NOT NULL,
      result TEXT NOT NULL CHECK (result IN ('ok', 'wear', 'crack', 'other')),
      measurements_json TEXT NOT NULL,
      notes TEXT,
      shots_at INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      actor TEXT NOT NULL
    ) STRICT;
    CREATE INDEX tooling_inspection_asset ON tooling_inspection(asset_id, date, id);

    CREATE TABLE tooling_attachment (
      id INTEGER PRIMARY KEY,
      asset_id TEXT NOT NULL REFERENCES tooling_asset(id),
      inspection_id INTEGER REFERENCES tooling_inspection(id),
      certificate TEXT,
      filename TEXT NOT NULL,
      content_type TEXT NOT NULL,
      size_bytes INTEGER NOT NULL,
      sha256 TEXT NOT NULL,
      data BLOB NOT NULL,
      created_at INTEGER NOT NULL,
      actor TEXT NOT NULL
    ) STRICT;
    CREATE INDEX tooling_attachment_asset ON tooling_attachment(asset_id);
    CREATE INDEX tooling_attachment_inspection ON tooling_attachment(inspection_id);
  `,
};
