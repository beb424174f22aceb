/**
 * The forecasting service (cloud/forecasting/, issue 8): models, jobs with progress, forecast
 * runs and their values, backtest results, the weekly MAPE monitor and review tasks.
 *
 * - `forecast_job`: one row per training, backtest or forecast job, its state and progress points;
 *   the partial unique index lets only one job of a kind be queued or running at a time, so two
 *   requests racing cannot both start one.
 * - `forecast_model`: the trained global LSTM as ONNX bytes with its series scales and metadata;
 *   the newest row is the one used.
 * - `forecast_backtest`: each backtest's result (JSON) and the error spread per model and horizon
 *   step that forecast intervals are built from.
 * - `forecast_run` / `forecast_value`: every forecast run and its days per series, explained
 *   (baseline, factors, interval); the monitor compares them with what was then sold.
 * - `forecast_monitor_week`: per series and ISO week, the sums MAPE and WAPE are made of.
 * - `forecast_review`: review tasks; at most one open per series (partial unique index).
 */
import type { Migration } from '../migrations.ts';

const grants: Record<string, string[]> = {
  'forecasting.manage': ['admin', 'purchasing'],
};

export const forecasting017: Migration = {
  version: 17,
  name: 'forecasting',
  up: `
    INSERT OR IGNORE INTO permission (id) VALUES ${Object.keys(grants).map((id) => `('${id}')`).join(', ')};
    INSERT OR IGNORE INTO role_permission (role, permission)
      SELECT role.id, grant_row.permission FROM role JOIN (
        ${Object.entries(grants).flatMap(([permission, roles]) => roles.map((role) => `SELECT '${role}' AS role, '${permission}' AS permission`)).join('\n        UNION ALL ')}
      ) AS grant_row ON grant_row.role = role.id;

    CREATE TABLE forecast_job (
      id INTEGER PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('train', 'backtest', 'forecast')),
      state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
      progress REAL NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
      message TEXT NOT NULL DEFAULT '',
      created_at INTEGER NOT NULL,
      started_at INTEGER,
      finished_at INTEGER,
      started_by TEXT NOT NULL CHECK (length(started_by) > 0),
      error TEXT,
      points TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(points))
    ) STRICT;
    CREATE UNIQUE INDEX forecast_job_one_active ON forecast_job(kind) WHERE state IN ('queued', 'running');

    CREATE TABLE forecast_model (
      id INTEGER PRIMARY KEY,
      trained_at INTEGER NOT NULL,
      job_id INTEGER REFERENCES forecast_job(id),
      onnx BLOB NOT NULL,
      metadata TEXT NOT NULL CHECK (json_valid(metadata)),
      scales TEXT NOT NULL CHECK (json_valid(scales))
    ) STRICT;

    CREATE TABLE forecast_backtest (
      id INTEGER PRIMARY KEY,
      made_at INTEGER NOT NULL,
      job_id INTEGER REFERENCES forecast_job(id),
      result TEXT NOT NULL CHECK (json_valid(result)),
      error_spread TEXT NOT NULL CHECK (json_valid(error_spread))
    ) STRICT;

    CREATE TABLE forecast_run (
      id INTEGER PRIMARY KEY,
      made_at INTEGER NOT NULL,
      from_day TEXT NOT NULL CHECK (from_day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
      series INTEGER NOT NULL CHECK (series >= 0),
      job_id INTEGER REFERENCES forecast_job(id)
    ) STRICT;

    CREATE TABLE forecast_series (
      run_id INTEGER NOT NULL REFERENCES forecast_run(id),
      sku TEXT NOT NULL,
      location TEXT NOT NULL,
      model TEXT NOT NULL,
      demand_class TEXT NOT NULL,
      why TEXT NOT NULL,
      factor_version INTEGER,
      error_sd_per_day REAL NOT NULL CHECK (error_sd_per_day >= 0),
      PRIMARY KEY (run_id, sku, location)
    ) STRICT;
    CREATE INDEX forecast_series_newest ON forecast_series(sku, location, run_id);

    CREATE TABLE forecast_value (
      run_id INTEGER NOT NULL REFERENCES forecast_run(id),
      sku TEXT NOT NULL,
      location TEXT NOT NULL,
      day TEXT NOT NULL,
      step INTEGER NOT NULL CHECK (step >= 0),
      baseline REAL NOT NULL,
      forecast REAL NOT NULL,
      lower REAL NOT NULL,
      upper REAL NOT NULL,
      factors TEXT NOT NULL CHECK (json_valid(factors)),
      PRIMARY KEY (run_id, sku, location, day)
    ) STRICT;
    CREATE INDEX forecast_value_series_day ON forecast_value(sku, location, day);

    CREATE TABLE forecast_monitor_week (
      sku TEXT NOT NULL,
      location TEXT NOT NULL,
      week TEXT NOT NULL,
      days INTEGER NOT NULL CHECK (days >= 0),
      nonzero_days INTEGER NOT NULL CHECK (nonzero_days >= 0),
      ape_sum REAL NOT NULL,
      abs_error REAL NOT NULL,
      abs_actual REAL NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (sku, location, week)
    ) STRICT;

    CREATE TABLE forecast_review (
      id INTEGER PRIMARY KEY,
      sku TEXT NOT NULL,
      location TEXT NOT NULL,
      weeks TEXT NOT NULL CHECK (json_valid(weeks)),
      mapes TEXT NOT NULL CHECK (json_valid(mapes)),
      reason TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
      opened_at INTEGER NOT NULL,
      closed_at INTEGER,
      closed_by TEXT,
      note TEXT,
      CHECK (state = 'open' OR (closed_at IS NOT NULL AND closed_by IS NOT NULL AND length(trim(note)) > 0))
    ) STRICT;
    CREATE UNIQUE INDEX forecast_review_one_open ON forecast_review(sku, location) WHERE state = 'open';
  `,
};
