/**
 * The fusion tables' rows as the store reads them, and their mapping to the contract's types;
 * kept apart from the store so the SQL file reads as what it does, not how columns are named.
 */
import type { BucketName, DictionaryVersion, Report, ReportStatus, Source } from './fusion-types.ts';

export interface SourceRow {
  id: string; name: string; kind: Source['kind']; channel: string | null; trust: number;
  tolerance_pct: number; tolerance_abs: number; updated_at: number; updated_by: string;
}
export const sourceOf = (r: SourceRow): Source => ({
  id: r.id, name: r.name, kind: r.kind, channel: r.channel, trust: r.trust, tolerancePct: r.tolerance_pct, toleranceAbs: r.tolerance_abs,
  updatedAt: r.updated_at, updatedBy: r.updated_by,
});

export interface DictionaryRow { version: number; author: string; created_at: number; why: string; definition: string }
export const dictionaryOf = (r: DictionaryRow): DictionaryVersion => ({
  version: r.version, author: r.author, createdAt: r.created_at, why: r.why, ...JSON.parse(r.definition),
});

export interface ReportRow {
  id: number; source: string; message_id: string; sku: string; figure: string; value: number; raw: string;
  observed_at: number; received_at: number; dictionary_version: number; bucket: string | null; channel: string | null;
  expected: number | null; allowed_deviation: number | null; status: ReportStatus; status_reason: string | null;
  decided_by: string | null; decided_at: number | null; actor: string;
}
export const reportOf = (r: ReportRow): Report => ({
  id: r.id, source: r.source, messageId: r.message_id, sku: r.sku, figure: r.figure, value: r.value, raw: r.raw,
  observedAt: r.observed_at, receivedAt: r.received_at, dictionaryVersion: r.dictionary_version,
  bucket: r.bucket as BucketName | null, channel: r.channel, expected: r.expected, allowedDeviation: r.allowed_deviation,
  status: r.status, statusReason: r.status_reason, decidedBy: r.decided_by, decidedAt: r.decided_at, actor: r.actor,
});

/** A fusion_cell joined with the report that set it. */
export interface CellRow {
  bucket: string; channel: string; source: string; report_id: number; value: number; observed_at: number;
  message_id: string; raw: string; received_at: number; dictionary_version: number;
}

/** The inventory core as a source: it is trusted fully and checked by nobody. */
export const coreSource = (now: number): Source => ({
  id: 'edgestock', name: 'edgestock inventory core (the ledger)', kind: 'core', channel: null, trust: 1, tolerancePct: 0, toleranceAbs: 0,
  updatedAt: now, updatedBy: 'system',
});
