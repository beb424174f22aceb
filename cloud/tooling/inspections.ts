/**
 * Inspection reports per asset (date, inspector, result, measurements, notes) with their
 * attachments, and files attached to an asset's certificates. A report and its files are stored
 * in one transaction, so a refused file leaves no report behind. The replacement recommendation
 * shows an asset's last three reports.
 */
import type { SqliteDatabase } from '../store/database.ts';
import { isDay } from './asset-validation.ts';
import { checkAttachment, type CheckedFile } from './attachment-files.ts';
import { invalid, ToolingError } from './tooling-errors.ts';
import type { AttachmentInput, AttachmentMeta, Inspection, InspectionInput, InspectionResult, Measurement } from './tooling-types.ts';

interface InspectionRow { id: number; asset_id: string; date: string; inspector: string; result: InspectionResult; measurements_json: string; notes: string | null; shots_at: number; created_at: number; actor: string }
interface AttachmentRow { id: number; asset_id: string; inspection_id: number | null; certificate: string | null; filename: string; content_type: string; size_bytes: number; sha256: string; created_at: number }

const META = 'id, asset_id, inspection_id, certificate, filename, content_type, size_bytes, sha256, created_at';
const metaOf = (r: AttachmentRow): AttachmentMeta => ({
  id: r.id, assetId: r.asset_id, inspectionId: r.inspection_id, certificate: r.certificate, filename: r.filename, contentType: r.content_type,
  sizeBytes: r.size_bytes, sha256: r.sha256, createdAt: r.created_at,
});
const results: readonly InspectionResult[] = ['ok', 'wear', 'crack', 'other'];
export const MAX_ATTACHMENTS_PER_REPORT = 10;

export class Inspections {
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  readonly #sql;

  /** `db` must have the cloud migrations applied (migration 014). */
  constructor(db: SqliteDatabase, now: () => number) {
    this.#db = db;
    this.#now = now;
    this.#sql = {
      asset: db.prepare('SELECT shots FROM tooling_asset WHERE id = ?').pluck(),
      certificate: db.prepare('SELECT 1 FROM tooling_certificate WHERE asset_id = ? AND number = ?').pluck(),
      insert: db.prepare(`INSERT INTO tooling_inspection (asset_id, date, inspector, result, measurements_json, notes, shots_at, created_at, actor)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`).pluck(),
      insertFile: db.prepare(`INSERT INTO tooling_attachment (asset_id, inspection_id, certificate, filename, content_type, size_bytes, sha256, data, created_at, actor)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`).pluck(),
      latest: db.prepare('SELECT * FROM tooling_inspection WHERE asset_id = ? ORDER BY date DESC, id DESC LIMIT ?'),
      one: db.prepare('SELECT * FROM tooling_inspection WHERE id = ?'),
      filesOf: db.prepare(`SELECT ${META} FROM tooling_attachment WHERE inspection_id = ? ORDER BY id`),
      meta: db.prepare(`SELECT ${META} FROM tooling_attachment WHERE id = ?`),
      data: db.prepare('SELECT data FROM tooling_attachment WHERE id = ?').pluck(),
    };
  }

  #shotsOf(assetId: string): number {
    const shots = this.#sql.asset.get(assetId) as number | undefined;
    if (shots === undefined) throw new ToolingError('UNKNOWN_ASSET', 'id', `id: no asset ${JSON.stringify(assetId)}; GET /api/tooling/assets lists them`);
    return shots;
  }

  #inspection(row: InspectionRow): Inspection {
    return {
      id: row.id, assetId: row.asset_id, date: row.date, inspector: row.inspector, result: row.result,
      measurements: JSON.parse(row.measurements_json) as Measurement[], notes: row.notes, shotsAtInspection: row.shots_at,
      attachments: (this.#sql.filesOf.all(row.id) as AttachmentRow[]).map(metaOf), createdAt: row.created_at, actor: row.actor,
    };
  }

  add(assetId: string, input: InspectionInput, actor: string): Inspection {
    const shots = this.#shotsOf(assetId);
    if (!isDay(input.date)) throw invalid('date', `${JSON.stringify(input.date)} is not a date; send YYYY-MM-DD`);
    const inspector = input.inspector.trim();
    if (inspector.length === 0 || inspector.length > 200) throw invalid('inspector', 'is empty or too long; send the inspector\'s name (1 to 200 characters)');
    if (!results.includes(input.result)) throw invalid('result', `${JSON.stringify(input.result)} is not a result; send ${results.join(', ')}`);
    const measurements = (input.measurements ?? []).map((m, i) => {
      if (m.name.trim() === '') throw invalid(`measurements.${i}.name`, 'is empty; name what was measured (e.g. cavity depth)');
      if (!Number.isFinite(m.value)) throw invalid(`measurements.${i}.value`, `${m.value} is not a number`);
      return { name: m.name.trim(), value: m.value, unit: m.unit ?? null };
    });
    const files = input.attachments ?? [];
    if (files.length > MAX_ATTACHMENTS_PER_REPORT) throw invalid('attachments', `${files.length} files; attach at most ${MAX_ATTACHMENTS_PER_REPORT} per report`);
    const checked = files.map((f, i) => checkAttachment(f, `attachments.${i}`));
    const id = this.#db.transaction(() => {
      const now = this.#now();
      const inspectionId = this.#sql.insert.get(assetId, input.date, inspector, input.result, JSON.stringify(measurements), input.notes?.trim() || null, shots, now, actor) as number;
      for (const file of checked) this.#store(assetId, inspectionId, null, file, now, actor);
      return inspectionId;
    }).immediate();
    return this.#inspection(this.#sql.one.get(id) as InspectionRow);
  }

  #store(assetId: string, inspectionId: number | null, certificate: string | null, file: CheckedFile, now: number, actor: string): number {
    return this.#sql.insertFile.get(assetId, inspectionId, certificate, file.filename, file.contentType, file.data.length, file.sha256, file.data, now, actor) as number;
  }

  /** A file for the asset itself or, with `certificate`, for one of its certificates. */
  attach(assetId: string, file: AttachmentInput & { certificate?: string | null }, actor: string): AttachmentMeta {
    this.#shotsOf(assetId);
    const certificate = file.certificate ?? null;
    if (certificate !== null && !this.#sql.certificate.get(assetId, certificate)) {
      throw invalid('certificate', `${assetId} has no certificate ${JSON.stringify(certificate)}; add it to the asset's certificates first`);
    }
    const checked = checkAttachment(file, '');
    const id = this.#store(assetId, null, certificate, checked, this.#now(), actor);
    return metaOf(this.#sql.meta.get(id) as AttachmentRow);
  }

  /** The asset's reports, newest first (by date, then by when recorded). */
  list(assetId: string, limit = 20): Inspection[] {
    this.#shotsOf(assetId);
    return (this.#sql.latest.all(assetId, limit) as InspectionRow[]).map((r) => this.#inspection(r));
  }

  /** The file and what it is; undefined when unknown. */
  file(id: number): { meta: AttachmentMeta; data: Buffer } | undefined {
    const row = this.#sql.meta.get(id) as AttachmentRow | undefined;
    return row && { meta: metaOf(row), data: this.#sql.data.get(id) as Buffer };
  }
}
