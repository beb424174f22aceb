/** The rule pack store in the cloud's SQLite file (migration 009). */
import type { Clock } from '../../connectors/clock.ts';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import type {
  Deployment, DesiredRules, GatewayRef, NewPackVersion, PackVersion, RulePackStore, RuleStage, StageAction, StageChange,
} from './rule-pack-store.ts';

interface VersionRow {
  version: number; pack: string; source_json: string; glossary_json: string; glossary_version: number; ast_version: number;
  created_by: string; created_at: number; stage: RuleStage; compiled_json: string; examples_json: string; examples_passed: number;
}
interface StageRow { version: number; action: StageAction; from_stage: RuleStage | null; to_stage: RuleStage; by: string; at: number; gateways_json: string }
interface DeploymentRow {
  grp: string; edge: string; active_version: number | null; shadow_version: number | null; status: Deployment['status']; error: string | null;
  changed_by: string; changed_at: number; settled_at: number | null; reported_json: string | null; reported_at: number | null;
}

const toVersion = (r: VersionRow): PackVersion => {
  const source = JSON.parse(r.source_json) as Pick<PackVersion, 'facts' | 'rules'>;
  return {
    version: r.version, pack: r.pack, facts: source.facts, rules: source.rules, glossary: JSON.parse(r.glossary_json),
    glossaryVersion: r.glossary_version, astVersion: r.ast_version, createdBy: r.created_by, createdAt: r.created_at, stage: r.stage,
    compiled: JSON.parse(r.compiled_json), examples: JSON.parse(r.examples_json), examplesPassed: r.examples_passed === 1,
  };
};
const toChange = (r: StageRow): StageChange => ({
  version: r.version, action: r.action, from: r.from_stage, to: r.to_stage, by: r.by, at: r.at, gateways: JSON.parse(r.gateways_json),
});
const toDeployment = (r: DeploymentRow): Deployment => ({
  group: r.grp, edge: r.edge, activeVersion: r.active_version, shadowVersion: r.shadow_version, status: r.status, error: r.error,
  changedBy: r.changed_by, changedAt: r.changed_at, settledAt: r.settled_at,
  reported: r.reported_json === null ? null : JSON.parse(r.reported_json), reportedAt: r.reported_at,
});

const sameDesired = (d: Deployment, desired: DesiredRules) => d.activeVersion === desired.activeVersion && d.shadowVersion === desired.shadowVersion;

export class SqliteRulePackStore implements RulePackStore {
  readonly #db: SqliteDatabase;
  readonly #clock: Pick<Clock, 'now'>;

  /** `db` must have the cloud migrations applied (the telemetry store applies them). */
  constructor(db: SqliteDatabase, clock: Pick<Clock, 'now'>) {
    this.#db = db;
    this.#clock = clock;
  }

  nextVersion(): number {
    const row = this.#db.prepare('SELECT MAX(version) AS v FROM rule_pack_version').get() as { v: number | null };
    return (row.v ?? 0) + 1;
  }

  create(entry: NewPackVersion, action: 'create' | 'seed'): PackVersion {
    return this.transaction(() => {
      const next = this.nextVersion();
      const version = entry.version ?? next;
      if (version < next) throw new Error(`rule pack version ${version} is taken; the next free version is ${next}`);
      const stage = entry.stage ?? 'sandbox';
      const now = this.#clock.now();
      this.#db.prepare(`INSERT INTO rule_pack_version (version, pack, source_json, glossary_json, glossary_version, ast_version, created_by, created_at,
          stage, compiled_json, examples_json, examples_passed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(version, entry.pack, JSON.stringify({ facts: entry.facts, rules: entry.rules }), JSON.stringify(entry.glossary), entry.glossaryVersion,
          entry.astVersion, entry.createdBy, now, stage, JSON.stringify(entry.compiled), JSON.stringify(entry.examples), entry.examplesPassed ? 1 : 0);
      this.#insertChange(version, action, null, stage, entry.createdBy, now, []);
      return this.get(version)!;
    });
  }

  get(version: number): PackVersion | undefined {
    const row = this.#db.prepare('SELECT * FROM rule_pack_version WHERE version = ?').get(version) as VersionRow | undefined;
    return row && toVersion(row);
  }

  list(): PackVersion[] {
    return (this.#db.prepare('SELECT * FROM rule_pack_version ORDER BY version DESC').all() as VersionRow[]).map(toVersion);
  }

  setStage(version: number, to: RuleStage, change: { action: StageAction; by: string; gateways: GatewayRef[] }): void {
    this.transaction(() => {
      const current = this.get(version);
      if (!current) throw new Error(`rule pack version ${version} does not exist`);
      this.#db.prepare('UPDATE rule_pack_version SET stage = ? WHERE version = ?').run(to, version);
      this.#insertChange(version, change.action, current.stage, to, change.by, this.#clock.now(), change.gateways);
    });
  }

  history(version?: number): StageChange[] {
    const rows = (version === undefined
      ? this.#db.prepare('SELECT * FROM rule_pack_stage ORDER BY seq').all()
      : this.#db.prepare('SELECT * FROM rule_pack_stage WHERE version = ? ORDER BY seq').all(version)) as StageRow[];
    return rows.map(toChange);
  }

  deployments(): Deployment[] {
    return (this.#db.prepare('SELECT * FROM rule_deployment ORDER BY grp, edge').all() as DeploymentRow[]).map(toDeployment);
  }

  deployment(group: string, edge: string): Deployment | undefined {
    const row = this.#db.prepare('SELECT * FROM rule_deployment WHERE grp = ? AND edge = ?').get(group, edge) as DeploymentRow | undefined;
    return row && toDeployment(row);
  }

  setDesired(gateway: GatewayRef, desired: DesiredRules, by: string): Deployment {
    this.#db.prepare(`INSERT INTO rule_deployment (grp, edge, active_version, shadow_version, status, error, changed_by, changed_at, settled_at)
        VALUES (?, ?, ?, ?, 'pending', NULL, ?, ?, NULL)
        ON CONFLICT (grp, edge) DO UPDATE SET active_version = excluded.active_version, shadow_version = excluded.shadow_version,
          status = 'pending', error = NULL, changed_by = excluded.changed_by, changed_at = excluded.changed_at, settled_at = NULL`)
      .run(gateway.group, gateway.edge, desired.activeVersion, desired.shadowVersion, by, this.#clock.now());
    return this.deployment(gateway.group, gateway.edge)!;
  }

  settle(gateway: GatewayRef, desired: DesiredRules, outcome: { status: 'applied'; reported: Deployment['reported'] } | { status: 'failed'; error: string }): void {
    this.transaction(() => {
      const current = this.deployment(gateway.group, gateway.edge);
      if (!current || !sameDesired(current, desired)) return;
      const now = this.#clock.now();
      if (outcome.status === 'applied') {
        this.#db.prepare(`UPDATE rule_deployment SET status = 'applied', error = NULL, settled_at = ?, reported_json = ?, reported_at = ? WHERE grp = ? AND edge = ?`)
          .run(now, JSON.stringify(outcome.reported), now, gateway.group, gateway.edge);
      } else {
        this.#db.prepare(`UPDATE rule_deployment SET status = 'failed', error = ?, settled_at = ? WHERE grp = ? AND edge = ?`)
          .run(outcome.error, now, gateway.group, gateway.edge);
      }
    });
  }

  recordReport(gateway: GatewayRef, reported: NonNullable<Deployment['reported']>): Deployment | undefined {
    return this.transaction(() => {
      const current = this.deployment(gateway.group, gateway.edge);
      if (!current) return undefined;
      const now = this.#clock.now();
      this.#db.prepare('UPDATE rule_deployment SET reported_json = ?, reported_at = ? WHERE grp = ? AND edge = ?')
        .run(JSON.stringify(reported), now, gateway.group, gateway.edge);
      // Its acknowledgement may have been lost with a session: a report of the desired state settles it.
      const runsDesired = (reported.active?.version ?? null) === current.activeVersion && (reported.shadow?.version ?? null) === current.shadowVersion;
      if (runsDesired && current.status === 'pending') {
        this.#db.prepare(`UPDATE rule_deployment SET status = 'applied', error = NULL, settled_at = ? WHERE grp = ? AND edge = ?`).run(now, gateway.group, gateway.edge);
      }
      return this.deployment(gateway.group, gateway.edge);
    });
  }

  transaction<T>(fn: () => T): T {
    // better-sqlite3 nests a transaction inside another as a savepoint.
    return this.#db.transaction(fn)();
  }

  #insertChange(version: number, action: StageAction, from: RuleStage | null, to: RuleStage, by: string, at: number, gateways: GatewayRef[]): void {
    this.#db.prepare('INSERT INTO rule_pack_stage (version, action, from_stage, to_stage, by, at, gateways_json) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(version, action, from, to, by, at, JSON.stringify(gateways));
  }
}

/** Opens the store on the cloud's SQLite file; close() closes its connection. */
export function openRulePackStore(file: string, clock: Pick<Clock, 'now'> = { now: () => Date.now() }): { store: SqliteRulePackStore; db: SqliteDatabase; close(): void } {
  const db = openDatabase(file);
  return { store: new SqliteRulePackStore(db, clock), db, close: () => db.close() };
}
