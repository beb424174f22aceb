/**
 * Per gateway with scanning: the master-data version it holds (from its configuration reports
 * and `masterdata.sync` acknowledgements), whether a sync is under way or failed, and the last
 * error. Table `master_data_gateway` (migration 010).
 */
import type { SqliteDatabase } from '../store/database.ts';

export interface GatewayRef {
  group: string;
  edge: string;
}

export type SyncState = 'idle' | 'syncing' | 'failed';

export interface GatewaySyncState extends GatewayRef {
  heldVersion: number;
  syncState: SyncState;
  lastError: string | null;
  reportedAt: number | null;
  syncedAt: number | null;
}

interface Row {
  grp: string;
  edge: string;
  held_version: number;
  sync_state: SyncState;
  last_error: string | null;
  reported_at: number | null;
  synced_at: number | null;
}

const toState = (row: Row): GatewaySyncState => ({
  group: row.grp, edge: row.edge, heldVersion: row.held_version, syncState: row.sync_state,
  lastError: row.last_error, reportedAt: row.reported_at, syncedAt: row.synced_at,
});

export class GatewaySyncStates {
  readonly #sql;

  constructor(db: SqliteDatabase) {
    this.#sql = {
      get: db.prepare('SELECT * FROM master_data_gateway WHERE grp = ? AND edge = ?'),
      all: db.prepare('SELECT * FROM master_data_gateway ORDER BY grp, edge'),
      report: db.prepare(`INSERT INTO master_data_gateway (grp, edge, held_version, sync_state, reported_at)
        VALUES (?, ?, ?, 'idle', ?) ON CONFLICT (grp, edge) DO UPDATE SET held_version = excluded.held_version, reported_at = excluded.reported_at`),
      settle: db.prepare(`UPDATE master_data_gateway SET held_version = COALESCE(@held, held_version), sync_state = @state, last_error = @error,
        synced_at = COALESCE(@syncedAt, synced_at) WHERE grp = @group AND edge = @edge`),
    };
  }

  get({ group, edge }: GatewayRef): GatewaySyncState | undefined {
    const row = this.#sql.get.get(group, edge) as Row | undefined;
    return row && toState(row);
  }

  all(): GatewaySyncState[] {
    return (this.#sql.all.all() as Row[]).map(toState);
  }

  /** The gateway said it holds `version` (its configuration report's masterData). */
  recordReport({ group, edge }: GatewayRef, version: number, at: number): GatewaySyncState {
    this.#sql.report.run(group, edge, version, at);
    return this.get({ group, edge })!;
  }

  /** How a sync step went; `held` when the gateway's version is known anew, `syncedAt` when it acknowledged. */
  settle({ group, edge }: GatewayRef, change: { held?: number; state: SyncState; error: string | null; syncedAt?: number }): void {
    this.#sql.settle.run({ group, edge, held: change.held ?? null, state: change.state, error: change.error, syncedAt: change.syncedAt ?? null });
  }
}
