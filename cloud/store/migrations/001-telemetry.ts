/**
 * Telemetry: one row per metric (tag) learnt from births, and one row per sample. A sample is
 * identified by its metric and source timestamp, so a replayed frame adds nothing (INSERT OR
 * IGNORE on the primary key). The latest value of a tag is its sample with the greatest ts, one
 * index seek on that key: no second write per sample, and it can only move forward in time.
 *
 * Values keep their JS type: `vtype` says how to read `value` (0 null, 1 number, 2 boolean
 * stored as 0/1, 3 string); `value` is declared ANY in a STRICT table so SQLite stores it as given.
 * Quality: 0 good, 1 uncertain, 2 bad.
 */
import type { Migration } from '../migrations.ts';

export const telemetry001: Migration = {
  version: 1,
  name: 'telemetry',
  up: `
    CREATE TABLE metric (
      id INTEGER PRIMARY KEY,
      grp TEXT NOT NULL,
      edge TEXT NOT NULL,
      device TEXT NOT NULL,
      tag TEXT NOT NULL,
      alias INTEGER,
      datatype TEXT NOT NULL,
      unit TEXT,
      protocol TEXT,
      defined_at INTEGER NOT NULL,
      UNIQUE (grp, edge, device, tag)
    ) STRICT;

    -- [tck-id-payloads-alias-uniqueness] an alias names one metric of an edge node
    CREATE UNIQUE INDEX metric_alias ON metric (grp, edge, alias) WHERE alias IS NOT NULL;

    CREATE TABLE sample (
      metric_id INTEGER NOT NULL REFERENCES metric (id),
      ts INTEGER NOT NULL,
      vtype INTEGER NOT NULL,
      value ANY,
      quality INTEGER NOT NULL,
      PRIMARY KEY (metric_id, ts)
    ) STRICT, WITHOUT ROWID;
  `,
};
