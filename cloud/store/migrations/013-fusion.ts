/**
 * Multi-source fusion (cloud/inventory/fusion/, issue 7): sources with their trust, the semantic
 * dictionary's versions, raw reports, each source's latest value per bucket cell, and derived
 * figures with their lineage.
 *
 * - `fusion_source`: a channel, POS, WMS, ERP or manual source with trust 0..1 and a tolerance.
 * - `fusion_dictionary`: append-only versions (who, when, why) of the definitions as JSON:
 *   source figures, target figures and arbitration rules.
 * - `fusion_report`: every report as received (raw message kept), unique by (source,
 *   message_id) so a retried message adds nothing; `bucket`/`channel` is the cell it sets under
 *   the dictionary version it arrived under (NULL bucket: a composite figure kept as reported).
 *   'pending' reports wait for confirmation and change nothing until then.
 * - `fusion_cell`: per SKU x bucket x channel ('' = the total) x source, the latest applied report.
 * - `fusion_observed`: per SKU x composite source figure, the latest applied report.
 * - `fusion_figure_value`: append-only history of each target figure per SKU: a row whenever its
 *   value or the reports it reads change, with the whole lineage as JSON.
 */
import type { Migration } from '../migrations.ts';

export const fusion013: Migration = {
  version: 13,
  name: 'fusion',
  up: `
    CREATE TABLE fusion_source (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('ecommerce', 'pos', 'wms', 'erp', 'manual')),
      channel TEXT,
      trust REAL NOT NULL CHECK (trust >= 0 AND trust <= 1),
      tolerance_pct REAL NOT NULL CHECK (tolerance_pct >= 0),
      tolerance_abs REAL NOT NULL CHECK (tolerance_abs >= 0),
      updated_at INTEGER NOT NULL,
      updated_by TEXT NOT NULL
    ) STRICT;

    CREATE TABLE fusion_dictionary (
      version INTEGER PRIMARY KEY,
      author TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      why TEXT NOT NULL,
      -- { sources: FigureDefinition[], targets: FigureDefinition[], arbitration: ArbitrationRule[] }
      definition TEXT NOT NULL
    ) STRICT;

    CREATE TABLE fusion_report (
      id INTEGER PRIMARY KEY,
      source TEXT NOT NULL REFERENCES fusion_source(id),
      message_id TEXT NOT NULL,
      sku TEXT NOT NULL,
      figure TEXT NOT NULL,
      value REAL NOT NULL,
      raw TEXT NOT NULL,
      observed_at INTEGER NOT NULL,
      received_at INTEGER NOT NULL,
      dictionary_version INTEGER NOT NULL REFERENCES fusion_dictionary(version),
      bucket TEXT,
      channel TEXT,
      expected REAL,
      allowed_deviation REAL,
      status TEXT NOT NULL CHECK (status IN ('applied', 'pending', 'rejected')),
      status_reason TEXT,
      decided_by TEXT,
      decided_at INTEGER,
      actor TEXT NOT NULL,
      UNIQUE (source, message_id)
    ) STRICT;
    CREATE INDEX fusion_report_sku ON fusion_report(sku, id);
    CREATE INDEX fusion_report_pending ON fusion_report(status, id) WHERE status = 'pending';

    CREATE TABLE fusion_cell (
      sku TEXT NOT NULL,
      bucket TEXT NOT NULL,
      channel TEXT NOT NULL,
      source TEXT NOT NULL REFERENCES fusion_source(id),
      report_id INTEGER NOT NULL REFERENCES fusion_report(id),
      value REAL NOT NULL,
      observed_at INTEGER NOT NULL,
      PRIMARY KEY (sku, bucket, channel, source)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE fusion_observed (
      sku TEXT NOT NULL,
      figure TEXT NOT NULL,
      report_id INTEGER NOT NULL REFERENCES fusion_report(id),
      observed_at INTEGER NOT NULL,
      PRIMARY KEY (sku, figure)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE fusion_figure_value (
      id INTEGER PRIMARY KEY,
      sku TEXT NOT NULL,
      figure TEXT NOT NULL,
      value REAL,
      dictionary_version INTEGER NOT NULL,
      computed_at INTEGER NOT NULL,
      -- what made it change: 'report 12', 'confirm 12', 'dictionary 3', 'sources', 'core'
      cause TEXT NOT NULL,
      signature TEXT NOT NULL,
      lineage TEXT NOT NULL
    ) STRICT;
    CREATE INDEX fusion_figure_value_key ON fusion_figure_value(sku, figure, id);
  `,
};
