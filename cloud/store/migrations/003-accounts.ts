/**
 * Accounts: roles, the permission catalogue and the role x permission matrix (seeded with the
 * shipped defaults, then edited by admins), users, sessions, API tokens and login throttling.
 * Secrets are never stored: passwords as scrypt hashes, session ids and token secrets as SHA-256
 * (they are 256-bit random, so a fast hash cannot be brute-forced).
 *
 * The seed is written out here, not generated from cloud/auth/permissions.ts: a migration must do
 * the same thing forever, while the catalogue grows. A test checks that the two agree today;
 * permissions added later come with a later migration.
 */
import type { Migration } from '../migrations.ts';

const permissions = [
  'telemetry.read', 'connectors.manage', 'devices.manage', 'tags.write', 'rules.edit', 'rules.test',
  'rules.release.sandbox', 'rules.release.grey', 'rules.release.production.approve', 'scans.perform',
  'override.force_ship_near_expiry', 'override.putaway_on_alarm_shelf', 'purchasing.manage', 'sales.manage',
  'finance.manage', 'audit.read', 'users.read', 'users.manage', 'permissions.manage',
];

const roles = ['admin', 'plant_engineer', 'process_expert', 'warehouse_operator', 'purchasing', 'sales', 'finance', 'auditor'];

const matrix: Record<string, string[]> = {
  admin: permissions,
  plant_engineer: [
    'telemetry.read', 'connectors.manage', 'devices.manage', 'tags.write', 'rules.test',
    'rules.release.production.approve', 'override.putaway_on_alarm_shelf',
  ],
  process_expert: ['telemetry.read', 'rules.edit', 'rules.test', 'rules.release.sandbox', 'rules.release.grey'],
  warehouse_operator: ['scans.perform'],
  purchasing: ['purchasing.manage'],
  sales: ['sales.manage', 'override.force_ship_near_expiry'],
  finance: ['finance.manage'],
  auditor: ['telemetry.read', 'audit.read', 'users.read'],
};

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

export const accounts003: Migration = {
  version: 3,
  name: 'accounts',
  up: `
    CREATE TABLE role (id TEXT PRIMARY KEY) STRICT;
    CREATE TABLE permission (id TEXT PRIMARY KEY) STRICT;
    CREATE TABLE role_permission (
      role TEXT NOT NULL REFERENCES role (id),
      permission TEXT NOT NULL REFERENCES permission (id),
      PRIMARY KEY (role, permission)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE app_user (
      id INTEGER PRIMARY KEY,
      username TEXT NOT NULL UNIQUE COLLATE NOCASE,
      role TEXT NOT NULL REFERENCES role (id),
      password_hash TEXT NOT NULL,
      must_change_password INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      password_changed_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE session (
      id_hash TEXT PRIMARY KEY,
      user_id INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
      csrf_token TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      last_seen_at INTEGER NOT NULL,
      ip TEXT,
      user_agent TEXT
    ) STRICT;
    CREATE INDEX session_user ON session (user_id);

    CREATE TABLE api_token (
      id TEXT PRIMARY KEY,
      user_id INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      secret_hash TEXT NOT NULL,
      permissions TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      last_used_at INTEGER,
      revoked_at INTEGER
    ) STRICT;

    CREATE TABLE login_throttle (
      key TEXT PRIMARY KEY,
      failures INTEGER NOT NULL,
      last_failure_at INTEGER NOT NULL,
      blocked_until INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;

    INSERT INTO role (id) VALUES ${roles.map((r) => `(${quote(r)})`).join(', ')};
    INSERT INTO permission (id) VALUES ${permissions.map((p) => `(${quote(p)})`).join(', ')};
    INSERT INTO role_permission (role, permission) VALUES
      ${Object.entries(matrix).flatMap(([role, ids]) => ids.map((id) => `(${quote(role)}, ${quote(id)})`)).join(',\n      ')};
  `,
};
