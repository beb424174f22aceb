/**
 * Reconciling what gateways decided offline with what the cloud knew (issue 6, Build 5): a lot
 * the cloud quarantined at 10:05 that a gateway still allowed at 10:07 (its master data had not
 * caught up, e.g. while its link was down) raises a `lot-quarantined-meanwhile` alert naming the
 * lot and every such scan. Checked both ways: when the scan arrives (the lot is quarantined
 * already) and when the lot becomes quarantined (its scans are stored already).
 *
 * One open alert per lot; later scans are appended to it. Idempotent: a scan is linked to an
 * alert once, so replayed events and repeated lot changes add nothing.
 */
import type { LotRecord } from '../../config/master-data-schema.ts';
import type { SqliteDatabase } from '../store/database.ts';
import type { ScanRecord } from './scan-event.ts';
import type { ScanRecords } from './scan-records.ts';
import { utcMinute } from './utc-days.ts';

export const alertKinds = ['lot-quarantined-meanwhile'] as const;
export type ScanAlertKind = (typeof alertKinds)[number];

export interface ScanAlert {
  id: number;
  kind: ScanAlertKind;
  gtin: string;
  batch: string;
  message: string;
  /** The scans' ids (`scan-<device>-<scanId>`), in the order the cloud stored them. */
  scans: string[];
  createdAt: number;
  updatedAt: number;
}

/** Scans named one by one in a message; the rest are counted. */
const NAMED_IN_MESSAGE = 10;

const KIND: ScanAlertKind = 'lot-quarantined-meanwhile';

interface AlertRow { id: number; kind: string; gtin: string; batch: string; message: string; created_at: number; updated_at: number }

/** The scans a quarantine makes suspect: let through (allow or warn) at or after it. */
function affectedBy(lot: LotRecord, scans: readonly ScanRecord[]): ScanRecord[] {
  if (lot.status !== 'quarantined' || lot.quarantinedAt === undefined) return [];
  const since = lot.quarantinedAt;
  return scans.filter((s) => s.verdict !== 'block' && s.at >= since && s.gtin === lot.gtin && s.batch === lot.batch);
}

function describeScan(s: ScanRecord): string {
  return `${s.device} (${s.operator}) ${s.op}${s.location ? ` at ${s.location}` : ''} ${utcMinute(s.at)} [${s.verdict}${s.offline ? ', offline' : ''}]`;
}

function messageFor(lot: LotRecord, scans: readonly ScanRecord[]): string {
  const named = scans.slice(0, NAMED_IN_MESSAGE).map(describeScan).join('; ');
  const more = scans.length > NAMED_IN_MESSAGE ? `; and ${scans.length - NAMED_IN_MESSAGE} more` : '';
  const reason = lot.reason ? ` (${lot.reason})` : '';
  const count = scans.length === 1 ? '1 scan' : `${scans.length} scans`;
  return `Lot ${lot.gtin}/${lot.batch} was quarantined at ${utcMinute(lot.quarantinedAt!)}${reason}; ${count} allowed it afterwards: ${named}${more}`;
}

export class QuarantineReconciliation {
  readonly #db: SqliteDatabase;
  readonly #records: ScanRecords;
  readonly #now: () => number;

  /** `db` must have the cloud migrations applied (migration 011). */
  constructor(db: SqliteDatabase, records: ScanRecords, now: () => number) {
    this.#db = db;
    this.#records = records;
    this.#now = now;
  }

  /** A scan just stored, with its lot as the cloud knows it now; the alert it joined, if any. */
  onScan(scan: ScanRecord, lot: LotRecord | undefined): ScanAlert | undefined {
    return lot ? this.#raise(lot, affectedBy(lot, [scan])) : undefined;
  }

  /** A lot changed in master data; the alert its stored scans raise, if any. */
  onLotChanged(lot: LotRecord): ScanAlert | undefined {
    if (lot.status !== 'quarantined') return undefined;
    return this.#raise(lot, affectedBy(lot, this.#records.ofLot(lot.gtin, lot.batch)));
  }

  #raise(lot: LotRecord, affected: readonly ScanRecord[]): ScanAlert | undefined {
    if (affected.length === 0) return undefined;
    return this.#db.transaction(() => {
      const now = this.#now();
      let alert = this.#db.prepare(`SELECT * FROM scan_alert WHERE kind = ? AND gtin = ? AND batch = ? AND status = 'open'`).get(KIND, lot.gtin, lot.batch) as AlertRow | undefined;
      alert ??= this.#db.prepare(`INSERT INTO scan_alert (kind, gtin, batch, status, quarantined_at, reason, message, created_at, updated_at)
        VALUES (?, ?, ?, 'open', ?, ?, '', ?, ?) RETURNING *`).get(KIND, lot.gtin, lot.batch, lot.quarantinedAt!, lot.reason ?? null, now, now) as AlertRow;
      const link = this.#db.prepare('INSERT OR IGNORE INTO scan_alert_scan (alert_id, scan_seq) VALUES (?, ?)');
      let linked = 0;
      for (const scan of affected) linked += link.run(alert.id, scan.seq).changes;
      const scans = this.#linkedScans(alert.id);
      const message = messageFor(lot, scans);
      if (linked > 0 || message !== alert.message) {
        this.#db.prepare('UPDATE scan_alert SET message = ?, quarantined_at = ?, reason = ?, updated_at = ? WHERE id = ?')
          .run(message, lot.quarantinedAt!, lot.reason ?? null, now, alert.id);
        alert = { ...alert, message, updated_at: now };
      }
      return this.#alertOf(alert, scans);
    })();
  }

  #linkedScans(alertId: number): ScanRecord[] {
    const seqs = this.#db.prepare('SELECT scan_seq FROM scan_alert_scan WHERE alert_id = ? ORDER BY scan_seq').pluck().all(alertId) as number[];
    return this.#records.bySeq(seqs);
  }

  #alertOf(row: AlertRow, scans: readonly ScanRecord[]): ScanAlert {
    return {
      id: row.id, kind: row.kind as ScanAlertKind, gtin: row.gtin, batch: row.batch, message: row.message,
      scans: scans.map((s) => s.id), createdAt: row.created_at, updatedAt: row.updated_at,
    };
  }

  /** Newest first (by last change). */
  list(limit = 500): ScanAlert[] {
    const rows = this.#db.prepare('SELECT * FROM scan_alert ORDER BY updated_at DESC, id DESC LIMIT ?').all(limit) as AlertRow[];
    return rows.map((row) => this.#alertOf(row, this.#linkedScans(row.id)));
  }
}
