/**
 * Connector configurations per gateway as numbered versions (migration 006). Version 0 is what a
 * gateway ran from its own site file when it first reported; every push makes the next version,
 * pending until the gateway acknowledges it (applied or failed). A rollback is a push of an old
 * version's connectors as a new version, so history only grows.
 */
import type { Clock } from '../../connectors/clock.ts';
import type { ConfigReport } from '../../connectors/edge-link/index.ts';
import type { SqliteDatabase } from '../store/database.ts';

export type ConfigStatus = 'reported' | 'pending' | 'applied' | 'failed';

export interface ConfigVersion {
  group: string;
  edge: string;
  version: number;
  connectors: unknown[];
  author: string;
  comment: string | null;
  createdAt: number;
  status: ConfigStatus;
  /** The gateway's acknowledgement (result or error). */
  result: unknown;
  settledAt: number | null;
}

export interface ReportedConfig {
  group: string;
  edge: string;
  version: number;
  source: 'file' | 'pushed';
  connectors: unknown[];
  reportedAt: number;
}

interface VersionRow {
  grp: string; edge: string; version: number; connectors_json: string; author: string; comment: string | null;
  created_at: number; status: ConfigStatus; result_json: string | null; settled_at: number | null;
}
interface ReportedRow { grp: string; edge: string; version: number; source: 'file' | 'pushed'; connectors_json: string; reported_at: number }

const toVersion = (r: VersionRow): ConfigVersion => ({
  group: r.grp, edge: r.edge, version: r.version, connectors: JSON.parse(r.connectors_json), author: r.author, comment: r.comment,
  createdAt: r.created_at, status: r.status, result: r.result_json === null ? null : JSON.parse(r.result_json), settledAt: r.settled_at,
});
const toReported = (r: ReportedRow): ReportedConfig => ({
  group: r.grp, edge: r.edge, version: r.version, source: r.source, connectors: JSON.parse(r.connectors_json), reportedAt: r.reported_at,
});

export class GatewayConfigs {
  readonly #db: SqliteDatabase;
  readonly #clock: Clock;

  constructor(db: SqliteDatabase, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** Every gateway that ever reported or was configured, sorted. */
  gateways(): Array<{ group: string; edge: string }> {
    return this.#db.prepare(`SELECT grp AS "group", edge FROM gateway_reported UNION SELECT grp, edge FROM gateway_config_version ORDER BY 1, 2`).all() as Array<{ group: string; edge: string }>;
  }

  latest(group: string, edge: string): ConfigVersion | undefined {
    const row = this.#db.prepare('SELECT * FROM gateway_config_version WHERE grp = ? AND edge = ? ORDER BY version DESC LIMIT 1').get(group, edge) as VersionRow | undefined;
    return row && toVersion(row);
  }

  get(group: string, edge: string, version: number): ConfigVersion | undefined {
    const row = this.#db.prepare('SELECT * FROM gateway_config_version WHERE grp = ? AND edge = ? AND version = ?').get(group, edge, version) as VersionRow | undefined;
    return row && toVersion(row);
  }

  /** Newest first. */
  versions(group: string, edge: string, limit = 100): ConfigVersion[] {
    return (this.#db.prepare('SELECT * FROM gateway_config_version WHERE grp = ? AND edge = ? ORDER BY version DESC LIMIT ?').all(group, edge, limit) as VersionRow[]).map(toVersion);
  }

  reported(group: string, edge: string): ReportedConfig | undefined {
    const row = this.#db.prepare('SELECT * FROM gateway_reported WHERE grp = ? AND edge = ?').get(group, edge) as ReportedRow | undefined;
    return row && toReported(row);
  }

  /**
   * What a gateway says it runs. The first report of a gateway (or one ahead of every stored
   * version, after the cloud lost its store) becomes a version of its own; a report of a pending
   * version settles it as applied (its acknowledgement may have been lost with a session).
   */
  recordReport(group: string, edge: string, report: ConfigReport): void {
    const now = this.#clock.now();
    this.#db.transaction(() => {
      this.#db.prepare(`INSERT INTO gateway_reported (grp, edge, version, source, connectors_json, reported_at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (grp, edge) DO UPDATE SET version = excluded.version, source = excluded.source, connectors_json = excluded.connectors_json, reported_at = excluded.reported_at`)
        .run(group, edge, report.version, report.source, JSON.stringify(report.connectors), now);
      const latest = this.latest(group, edge);
      if (!latest || report.version > latest.version) {
        this.#db.prepare(`INSERT INTO gateway_config_version (grp, edge, version, connectors_json, author, comment, created_at, status, settled_at)
          VALUES (?, ?, ?, ?, 'gateway', ?, ?, 'reported', ?)`)
          .run(group, edge, report.version, JSON.stringify(report.connectors), report.source === 'file' ? 'as read from the gateway\'s site file' : 'reported by the gateway', now, now);
        return;
      }
      const same = this.get(group, edge, report.version);
      if (same?.status === 'pending') this.settle(group, edge, report.version, 'applied', { reportedBy: 'gateway' });
    })();
  }

  /** A new pending version after the latest; throws when `baseVersion` is not the latest (someone pushed meanwhile). */
  create(group: string, edge: string, entry: { connectors: unknown[]; author: string; comment?: string; baseVersion: number }): ConfigVersion {
    return this.#db.transaction(() => {
      const latest = this.latest(group, edge);
      const latestVersion = latest?.version ?? 0;
      if (entry.baseVersion !== latestVersion) throw new StaleBaseVersionError(entry.baseVersion, latestVersion);
      const version = latest ? latest.version + 1 : 1;
      this.#db.prepare(`INSERT INTO gateway_config_version (grp, edge, version, connectors_json, author, comment, created_at, status)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')`)
        .run(group, edge, version, JSON.stringify(entry.connectors), entry.author, entry.comment ?? null, this.#clock.now());
      return this.get(group, edge, version)!;
    })();
  }

  settle(group: string, edge: string, version: number, status: 'applied' | 'failed', result: unknown): void {
    this.#db.prepare(`UPDATE gateway_config_version SET status = ?, result_json = ?, settled_at = ? WHERE grp = ? AND edge = ? AND version = ? AND status = 'pending'`)
      .run(status, JSON.stringify(result ?? null), this.#clock.now(), group, edge, version);
  }
}

export class StaleBaseVersionError extends Error {
  constructor(readonly baseVersion: number, readonly latestVersion: number) {
    super(`baseVersion ${baseVersion} is not the latest version (${latestVersion}); reload the configuration and make the change again`);
    this.name = 'StaleBaseVersionError';
  }
}
