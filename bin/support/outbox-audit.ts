/**
 * Every row a gateway's outbox ever committed, for tests that must prove each one reached the
 * cloud. The outbox deletes a row once it is acknowledged, so the test prepares the outbox file
 * before the gateway first opens it: the gateway's own schema plus an audit table that an AFTER
 * INSERT trigger fills inside the same transaction as the row. A row is in the audit table exactly
 * when it was committed: a transaction cut by kill -9 leaves neither. The gateway's code is not
 * touched; its reads of the outbox table see nothing of the audit.
 */
import Database from 'better-sqlite3';
import type { OutboxKind } from '../../gateway/outbox/outbox.ts';
import { openSqliteOutbox } from '../../gateway/outbox/sqlite-outbox.ts';

export interface CommittedRow {
  seq: number;
  kind: OutboxKind;
  /** Sample: the device; event: the edge-link channel (event, config, ack). */
  device: string;
  /** Sample: the tag; event: the message id. */
  tag: string;
  value: number | boolean | string | null;
  quality: string;
  ts: number;
  error: string | null;
}

const AUDIT_SCHEMA = `
  CREATE TABLE outbox_audit (seq INTEGER PRIMARY KEY, kind TEXT, device TEXT, tag TEXT, value, vtype TEXT, quality TEXT, ts INTEGER, error TEXT);
  CREATE TRIGGER outbox_audit_insert AFTER INSERT ON outbox BEGIN
    INSERT INTO outbox_audit VALUES (NEW.seq, NEW.kind, NEW.device, NEW.tag, NEW.value, NEW.vtype, NEW.quality, NEW.ts, NEW.error);
  END;
`;

/** Creates the outbox file at `path` (its directory must exist) with the audit trigger. */
export function prepareAuditedOutbox(path: string): void {
  openSqliteOutbox({ path, maxBytes: 1024 * 1024 }).close(); // the gateway's own schema
  const db = new Database(path);
  try {
    db.exec(AUDIT_SCHEMA);
  } finally {
    db.close();
  }
}

interface AuditRow { seq: number; kind: OutboxKind; device: string; tag: string; value: number | string | null; vtype: string; quality: string; ts: number; error: string | null }

/** The stored value as the outbox decodes it (sqlite-outbox.ts: n number, b boolean, s string, z null). */
function decode(value: number | string | null, vtype: string): CommittedRow['value'] {
  if (vtype === 'z') return null;
  if (vtype === 'b') return value === 1;
  if (vtype === 's') return String(value);
  return value === null ? null : Number(value); // NaN is stored as NULL
}

/** Every row committed so far, oldest first (the gateway may be running: WAL readers see committed data). */
export function committedRows(path: string): CommittedRow[] {
  const db = new Database(path, { fileMustExist: true });
  try {
    const rows = db.prepare('SELECT * FROM outbox_audit ORDER BY seq').all() as AuditRow[];
    return rows.map(({ vtype, value, ...row }) => ({ ...row, value: decode(value, vtype) }));
  } finally {
    db.close();
  }
}

/** The seqs of the rows queued in the outbox now (not yet acknowledged); the gateway may be running. */
export function queuedSeqs(path: string): Set<number> {
  const db = new Database(path, { fileMustExist: true });
  try {
    return new Set((db.prepare('SELECT seq FROM outbox').all() as Array<{ seq: number }>).map((r) => r.seq));
  } finally {
    db.close();
  }
}
