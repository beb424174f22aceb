/**
 * The audit log: who did what, when, from where, to what, with the state before and after.
 * Append-only in the database itself: triggers refuse every UPDATE, DELETE and REPLACE, so
 * neither a bug nor a compromised web process can rewrite history through SQL.
 */
import type { Migration } from '../migrations.ts';

export const auditLog004: Migration = {
  version: 4,
  name: 'audit-log',
  up: `
    CREATE TABLE audit_log (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      actor TEXT,
      actor_kind TEXT NOT NULL,
      ip TEXT,
      user_agent TEXT,
      action TEXT NOT NULL,
      outcome TEXT NOT NULL,
      target TEXT,
      before_json TEXT,
      after_json TEXT
    ) STRICT;
    CREATE INDEX audit_log_at ON audit_log (at);
    CREATE INDEX audit_log_actor ON audit_log (actor, at);
    CREATE INDEX audit_log_action ON audit_log (action, at);

    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be updated'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be deleted'); END;
    -- INSERT OR REPLACE deletes the old row without firing DELETE triggers (recursive_triggers
    -- is off): refuse any insert that names an id already taken.
    CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
    WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be replaced'); END;
  `,
};
