/**
 * Versioned forecast factor sets and the planners' sandboxes (cloud/forecasting/
 * factor-versions.ts, issue 8 item 4).
 *
 * - `forecast_factor_version`: what production uses for a scope ('default', a SKU class, one SKU
 *   at one location...) is its newest version. A version records who published it, when and why,
 *   and is never changed or deleted (triggers): going back means publishing the old factors again.
 * - `forecast_factor_sandbox`: a planner's editable copy of the production version it was opened
 *   from (`based_on_version`, NULL when the scope had none). Edits touch only this table, so
 *   production cannot change through them; publishing inserts the next version and removes the
 *   sandbox, in one transaction, and is refused when production moved since the copy was taken.
 */
import type { Migration } from '../migrations.ts';

export const forecastFactors016: Migration = {
  version: 16,
  name: 'forecast-factors',
  up: `
    CREATE TABLE forecast_factor_version (
      scope TEXT NOT NULL CHECK (length(scope) BETWEEN 1 AND 120),
      version INTEGER NOT NULL CHECK (version >= 1),
      factors TEXT NOT NULL CHECK (json_valid(factors)),
      published_by TEXT NOT NULL CHECK (length(published_by) > 0),
      published_at INTEGER NOT NULL,
      reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
      from_sandbox TEXT,
      PRIMARY KEY (scope, version)
    ) STRICT;

    CREATE TRIGGER forecast_factor_version_no_update BEFORE UPDATE ON forecast_factor_version
    BEGIN SELECT RAISE(ABORT, 'forecast_factor_version is immutable: publish a new version'); END;
    CREATE TRIGGER forecast_factor_version_no_delete BEFORE DELETE ON forecast_factor_version
    BEGIN SELECT RAISE(ABORT, 'forecast_factor_version is immutable: publish a new version'); END;
    -- INSERT OR REPLACE would delete the old row without firing the DELETE trigger.
    CREATE TRIGGER forecast_factor_version_no_replace BEFORE INSERT ON forecast_factor_version
    WHEN EXISTS (SELECT 1 FROM forecast_factor_version WHERE scope = NEW.scope AND version = NEW.version)
    BEGIN SELECT RAISE(ABORT, 'forecast_factor_version is immutable: publish a new version'); END;

    CREATE TABLE forecast_factor_sandbox (
      id TEXT PRIMARY KEY,
      scope TEXT NOT NULL CHECK (length(scope) BETWEEN 1 AND 120),
      based_on_version INTEGER,
      factors TEXT NOT NULL CHECK (json_valid(factors)),
      note TEXT,
      created_by TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_by TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX forecast_factor_sandbox_scope ON forecast_factor_sandbox(scope, created_at);
  `,
};
