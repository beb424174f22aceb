/**
 * Master data in the cloud (cloud/masterdata/, issue 6) and what each gateway holds of it.
 *
 * - `master_record`: one row per (kind, key), the record as it is now. Every put or delete takes
 *   the next version of one counter for all kinds (the highest `version` in the table, tombstones
 *   included, so a deleted record's version is never given again); a delete keeps the row as a
 *   tombstone (`deleted` 1, no value) so `masterdata.sync` can tell gateways about it.
 * - `master_data_gateway`: per gateway with scanning, the version it holds (as it last reported
 *   or acknowledged), how the last `masterdata.sync` went and its error.
 * - The permissions this part's routes need, `inventory.read` and `masterdata.manage`, join the
 *   catalogue, and the roles cloud/auth/permissions.ts gives them by default are granted them here,
 *   on existing matrices too (an admin's other edits stay as they are).
 */
import type { Migration } from '../migrations.ts';

const grants: Record<string, string[]> = {
  'inventory.read': ['admin', 'auditor', 'warehouse_operator', 'plant_engineer', 'sales', 'purchasing'],
  'masterdata.manage': ['admin', 'plant_engineer'],
};

export const masterData010: Migration = {
  version: 10,
  name: 'master-data',
  up: `
    CREATE TABLE master_record (
      -- 'category', 'item', 'lot', 'location', 'operator', 'stock', 'device'
      kind TEXT NOT NULL,
      key TEXT NOT NULL,
      version INTEGER NOT NULL UNIQUE,
      -- the record (config/master-data-schema.ts); NULL for a tombstone
      value_json TEXT,
      deleted INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      updated_by TEXT NOT NULL,
      PRIMARY KEY (kind, key)
    ) STRICT;

    CREATE TABLE master_data_gateway (
      grp TEXT NOT NULL,
      edge TEXT NOT NULL,
      held_version INTEGER NOT NULL,
      -- 'idle', 'syncing', 'failed'
      sync_state TEXT NOT NULL,
      last_error TEXT,
      reported_at INTEGER,
      synced_at INTEGER,
      PRIMARY KEY (grp, edge)
    ) STRICT;

    INSERT OR IGNORE INTO permission (id) VALUES ${Object.keys(grants).map((id) => `('${id}')`).join(', ')};
    INSERT OR IGNORE INTO role_permission (role, permission)
      SELECT role.id, grant_row.permission FROM role JOIN (
        ${Object.entries(grants).flatMap(([permission, roles]) => roles.map((role) => `SELECT '${role}' AS role, '${permission}' AS permission`)).join('\n        UNION ALL ')}
      ) AS grant_row ON grant_row.role = role.id;
  `,
};
