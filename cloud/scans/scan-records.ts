/**
 * The scans the cloud has heard of (the 4D record, issue 6): each `scan.decision` event stored
 * once per (group, edge, event id), however often the gateway's outbox delivers it, and read
 * back for the live feed, a lot's history and a device's last sighting.
 */
import type { SqliteDatabase } from '../store/database.ts';
import type { NewScanRecord, ScanRecord } from './scan-event.ts';

export interface ScanQuery {
  /** Only scans stored after this seq, oldest first (the live feed); without it newest first. */
  after?: number;
  limit: number;
  device?: string;
  verdict?: ScanRecord['verdict'];
  location?: string;
  batch?: string;
}

export interface ScanPage {
  scans: ScanRecord[];
  /** Poll with `after=lastSeq` for what comes next; 0 while there is no scan at all. */
  lastSeq: number;
}

export interface DeviceSighting {
  /** The device's latest scan, ms since the epoch (its own clock, else the gateway's). */
  at: number;
  operator: string;
}

interface Row {
  seq: number; event_id: string; scan_id: string; grp: string; edge: string; device: string; operator: string; op: string; code: string;
  location: string | null; gtin: string | null; batch: string | null; serial: string | null; qty: number | null; verdict: string;
  reasons_json: string; prompt_json: string; offline: number; master_data_version: number; at: number; received_at: number;
}

function recordOf(row: Row): ScanRecord {
  return {
    seq: row.seq, id: row.event_id, scanId: row.scan_id, group: row.grp, edge: row.edge, device: row.device, operator: row.operator,
    op: row.op as ScanRecord['op'], code: row.code, location: row.location, gtin: row.gtin, batch: row.batch, serial: row.serial,
    qty: row.qty, verdict: row.verdict as ScanRecord['verdict'], reasons: JSON.parse(row.reasons_json) as ScanRecord['reasons'],
    prompt: JSON.parse(row.prompt_json) as ScanRecord['prompt'], offline: row.offline === 1, masterDataVersion: row.master_data_version,
    at: row.at, receivedAt: row.received_at,
  };
}

export class ScanRecords {
  readonly #db: SqliteDatabase;

  /** `db` must have the cloud migrations applied (migration 011). */
  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  /** Stores the scan unless this gateway's event id is stored already; the stored record either way. */
  add(scan: NewScanRecord): { added: boolean; record: ScanRecord } {
    const stored = this.#db.prepare('SELECT * FROM scan_record WHERE grp = ? AND edge = ? AND event_id = ?');
    return this.#db.transaction(() => {
      // Looked up first: an INSERT that meets the conflict would still use up a seq, leaving gaps in the feed.
      const existing = stored.get(scan.group, scan.edge, scan.id) as Row | undefined;
      if (existing) return { added: false, record: recordOf(existing) };
      this.#db.prepare(`
        INSERT INTO scan_record (grp, edge, event_id, scan_id, device, operator, op, code, location, gtin, batch, serial, qty, verdict,
          reasons_json, prompt_json, offline, master_data_version, at, received_at)
        VALUES (@group, @edge, @id, @scanId, @device, @operator, @op, @code, @location, @gtin, @batch, @serial, @qty, @verdict,
          @reasons, @prompt, @offline, @masterDataVersion, @at, @receivedAt)`)
        .run({ ...scan, reasons: JSON.stringify(scan.reasons), prompt: JSON.stringify(scan.prompt), offline: scan.offline ? 1 : 0 });
      return { added: true, record: recordOf(stored.get(scan.group, scan.edge, scan.id) as Row) };
    }).immediate();
  }

  list(query: ScanQuery): ScanPage {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: query.limit };
    const filters = { device: query.device, verdict: query.verdict, location: query.location, batch: query.batch } as const;
    for (const [column, value] of Object.entries(filters)) {
      if (value === undefined) continue;
      where.push(`${column} = @${column}`);
      params[column] = value;
    }
    if (query.after !== undefined) {
      where.push('seq > @after');
      params.after = query.after;
    }
    const order = query.after === undefined ? 'DESC' : 'ASC';
    // Read in one transaction so lastSeq and the rows describe the same moment.
    return this.#db.transaction(() => {
      const rows = this.#db.prepare(`SELECT * FROM scan_record ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${order} LIMIT @limit`)
        .all(params) as Row[];
      const newest = (this.#db.prepare('SELECT coalesce(max(seq), 0) FROM scan_record').pluck().get() as number);
      // A full page of the feed may have more behind it: resume after its last row, not after the newest.
      const lastSeq = query.after !== undefined && rows.length === query.limit ? rows.at(-1)!.seq : Math.max(newest, query.after ?? 0);
      return { scans: rows.map(recordOf), lastSeq };
    })();
  }

  /** A lot's scans in the order they were taken. */
  ofLot(gtin: string, batch: string): ScanRecord[] {
    return (this.#db.prepare('SELECT * FROM scan_record WHERE gtin = ? AND batch = ? ORDER BY at, seq').all(gtin, batch) as Row[]).map(recordOf);
  }

  /** The scans with these seqs, in seq order. */
  bySeq(seqs: readonly number[]): ScanRecord[] {
    if (seqs.length === 0) return [];
    const rows = this.#db.prepare(`SELECT * FROM scan_record WHERE seq IN (SELECT value FROM json_each(?)) ORDER BY seq`).all(JSON.stringify(seqs)) as Row[];
    return rows.map(recordOf);
  }

  /** When a device last scanned and who held it, for the device registry; null when it never did. */
  lastSeenOf(device: string): DeviceSighting | null {
    const row = this.#db.prepare('SELECT at, operator FROM scan_record WHERE device = ? ORDER BY at DESC, seq DESC LIMIT 1').get(device) as
      { at: number; operator: string } | undefined;
    return row ? { at: row.at, operator: row.operator } : null;
  }
}
