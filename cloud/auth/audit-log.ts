/**
 * The audit log: append and read, nothing else. Migration 004's triggers make the table
 * append-only in SQLite itself; this module has no update or delete to offer either.
 */
import type { Clock } from '../../connectors/clock.ts';
import type { SqliteDatabase } from '../store/database.ts';

/** Every action the log records; stable names, clients filter on them. */
export const auditActions = [
  'session.login', 'session.logout', 'session.password_change', 'token.create', 'token.revoke',
  'permissions.update', 'user.create', 'user.bootstrap', 'user.update', 'user.password_reset', 'gateway.credential.rotate',
  'gateway.config.push', 'gateway.config.rollback', 'gateway.certificate.trust', 'tag.write',
  'rules.pack.create', 'rules.pack.shadow', 'rules.pack.promote', 'rules.pack.rollback',
  'masterdata.seed', 'masterdata.put', 'masterdata.delete', 'lot.quarantine', 'lot.release', 'device.create', 'device.rotate', 'device.update',
] as const;
export type AuditAction = (typeof auditActions)[number];

export interface AuditEntry {
  actor: string | null;
  actorKind: 'user' | 'token' | 'anonymous' | 'system';
  ip?: string | null;
  userAgent?: string | null;
  action: AuditAction;
  outcome: 'success' | 'failure';
  target?: string | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditRecord extends Required<Omit<AuditEntry, 'before' | 'after'>> {
  id: number;
  at: number;
  before: unknown;
  after: unknown;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  from?: number;
  to?: number;
  limit?: number;
}

export interface AuditLog {
  record(entry: AuditEntry): AuditRecord;
  query(q?: AuditQuery): AuditRecord[];
}

interface AuditRow {
  id: number;
  at: number;
  actor: string | null;
  actor_kind: AuditEntry['actorKind'];
  ip: string | null;
  user_agent: string | null;
  action: AuditAction;
  outcome: AuditEntry['outcome'];
  target: string | null;
  before_json: string | null;
  after_json: string | null;
}

const toRecord = (row: AuditRow): AuditRecord => ({
  id: row.id,
  at: row.at,
  actor: row.actor,
  actorKind: row.actor_kind,
  ip: row.ip,
  userAgent: row.user_agent,
  action: row.action,
  outcome: row.outcome,
  target: row.target,
  before: row.before_json === null ? null : JSON.parse(row.before_json),
  after: row.after_json === null ? null : JSON.parse(row.after_json),
});

export const DEFAULT_AUDIT_LIMIT = 1000;

export class SqliteAuditLog implements AuditLog {
  readonly #clock: Pick<Clock, 'now'>;
  readonly #sql;

  constructor(db: SqliteDatabase, clock: Pick<Clock, 'now'>) {
    this.#clock = clock;
    this.#sql = {
      insert: db.prepare(`INSERT INTO audit_log (at, actor, actor_kind, ip, user_agent, action, outcome, target, before_json, after_json)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`),
      query: db.prepare(`SELECT * FROM audit_log
        WHERE (@actor IS NULL OR actor = @actor) AND (@action IS NULL OR action = @action)
          AND at >= @from AND at <= @to
        ORDER BY id DESC LIMIT @limit`),
    };
  }

  record(entry: AuditEntry): AuditRecord {
    const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
    const row = this.#sql.insert.get(
      this.#clock.now(), entry.actor, entry.actorKind, entry.ip ?? null, entry.userAgent?.slice(0, 512) ?? null,
      entry.action, entry.outcome, entry.target ?? null, json(entry.before), json(entry.after),
    ) as AuditRow;
    return toRecord(row);
  }

  /** Newest first. */
  query(q: AuditQuery = {}): AuditRecord[] {
    return (this.#sql.query.all({
      actor: q.actor ?? null, action: q.action ?? null,
      from: q.from ?? Number.MIN_SAFE_INTEGER, to: q.to ?? Number.MAX_SAFE_INTEGER, limit: q.limit ?? DEFAULT_AUDIT_LIMIT,
    }) as AuditRow[]).map(toRecord);
  }
}

const CSV_COLUMNS = ['id', 'at', 'actor', 'actorKind', 'ip', 'userAgent', 'action', 'outcome', 'target', 'before', 'after'] as const;

/**
 * RFC 4180 CSV, time as ISO-8601. A cell starting with = + - @ (or tab/CR) gets a leading quote
 * so a spreadsheet does not run it as a formula (OWASP "CSV injection"): user agents and
 * usernames are attacker-chosen.
 */
export function auditCsv(records: readonly AuditRecord[]): string {
  const cell = (value: unknown): string => {
    let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [CSV_COLUMNS.join(',')];
  for (const record of records) {
    lines.push(CSV_COLUMNS.map((column) => cell(column === 'at' ? new Date(record.at).toISOString() : record[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
