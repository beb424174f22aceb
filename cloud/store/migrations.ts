/**
 * Schema migrations: numbered, applied in order, each recorded in `schema_migrations`, all
 * pending ones in one transaction. Reopening an up-to-date file applies nothing.
 */
import type { SqliteDatabase } from './database.ts';
import { telemetry001 } from './migrations/001-telemetry.ts';
import { sampleError002 } from './migrations/002-sample-error.ts';
import { accounts003 } from './migrations/003-accounts.ts';
import { auditLog004 } from './migrations/004-audit-log.ts';
import { gatewayCredentials005 } from './migrations/005-gateway-credentials.ts';
import { gatewayConfigs006 } from './migrations/006-gateway-configs.ts';
import { edgeSessions007 } from './migrations/007-edge-sessions.ts';
import { edgeEvents008 } from './migrations/008-edge-events.ts';
import { rulePacks009 } from './migrations/009-rule-packs.ts';
import { masterData010 } from './migrations/010-master-data.ts';
import { scans011 } from './migrations/011-scans.ts';
import { inventory012 } from './migrations/012-inventory.ts';
import { fusion013 } from './migrations/013-fusion.ts';
import { tooling014 } from './migrations/014-tooling.ts';
import { productionSchedule015 } from './migrations/015-production-schedule.ts';
import { forecastFactors016 } from './migrations/016-forecast-factors.ts';
import { forecasting017 } from './migrations/017-forecasting.ts';
import { replenishment018 } from './migrations/018-replenishment.ts';
import { purchaseOrders019 } from './migrations/019-purchase-orders.ts';
import { reservationMoves020 } from './migrations/020-reservation-moves.ts';

export interface Migration {
  /** 1, 2, 3, ... in the order they must run; never reused. */
  readonly version: number;
  readonly name: string;
  /** SQL run once, inside the migration transaction. */
  readonly up: string;
}

/** Every migration of the cloud store, oldest first. */
export const cloudMigrations: readonly Migration[] = [telemetry001, sampleError002, accounts003, auditLog004, gatewayCredentials005, gatewayConfigs006, edgeSessions007, edgeEvents008, rulePacks009, masterData010, scans011, inventory012, fusion013, tooling014, productionSchedule015, forecastFactors016, forecasting017, replenishment018, purchaseOrders019, reservationMoves020];

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** Apply the migrations not yet recorded; returns the versions applied now. */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[] = cloudMigrations): number[] {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i].version <= migrations[i - 1].version) {
      throw new MigrationError(`Migration ${migrations[i].version} (${migrations[i].name}) is listed after ${migrations[i - 1].version}: keep them in ascending order`);
    }
  }
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((row) => row.version),
  );
  const newest = migrations.at(-1)?.version ?? 0;
  const unknown = [...applied].filter((version) => version > newest);
  if (unknown.length > 0) {
    throw new MigrationError(`The database has schema version ${Math.max(...unknown)} but this build knows up to ${newest}: run a newer edgestock or restore a matching backup`);
  }
  const pending = migrations.filter((migration) => !applied.has(migration.version));
  if (pending.length === 0) return [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (const migration of pending) {
      db.exec(migration.up);
      record.run(migration.version, migration.name, Date.now());
    }
  }).immediate();
  return pending.map((migration) => migration.version);
}
