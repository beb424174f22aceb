/**
 * Multi-source fusion's contract (issue 7, item 4): sources that report stock figures with their
 * own meaning, a versioned semantic dictionary that defines every source figure and every target
 * figure as a formula over the inventory buckets, arbitration rules for buckets several sources
 * report, a trust check that holds doubtful reports for confirmation, and the lineage every
 * derived figure keeps (which report, which source, which rule, which dictionary version).
 * Tables: store/migrations/013-fusion.ts; HTTP: docs/inventory-api.md, "Fusion".
 */

/** The inventory states a formula may name (DESIGN.md, domain vocabulary). */
export const bucketNames = [
  'physical', 'available', 'reserved', 'pending_outbound', 'presale_lock', 'in_transit', 'in_inspection', 'frozen', 'sellable',
] as const;
export type BucketName = (typeof bucketNames)[number];

export const sourceKinds = ['ecommerce', 'pos', 'wms', 'erp', 'manual'] as const;
export type SourceKind = (typeof sourceKinds)[number];

/** The inventory core itself as a source (wired with `coreBuckets`); it cannot be posted to. */
export const CORE_SOURCE = 'edgestock';

export interface SourceInput {
  id: string;
  name: string;
  kind: SourceKind;
  /** The sales channel it speaks for (douyin, meituan, store-12), if any. */
  channel?: string | null;
  /** 0..1: how far the fusion believes it. The allowed deviation is scaled by it. */
  trust: number;
  /** Allowed deviation from the expected value, percent of it ... */
  tolerancePct?: number;
  /** ... but never less than this many units. */
  toleranceAbs?: number;
}
export interface Source {
  id: string; name: string; kind: SourceKind | 'core'; channel: string | null; trust: number;
  tolerancePct: number; toleranceAbs: number; updatedAt: number; updatedBy: string;
}

/** `douyin.sellable = available - presale_lock + presale_lock[douyin]` as data. */
export interface FigureDefinition { figure: string; formula: string; note?: string | null }

/**
 * Which source's value sets a bucket several sources report. Rules are tried in order; the first
 * whose `buckets` names the bucket (or '*') decides: candidates rank by the first `prefer` entry
 * they match (a source id or `kind:<kind>`; unmatched ones rank last), ties go to `tieBreak`.
 */
export interface ArbitrationRule {
  id: string;
  buckets: Array<BucketName | '*'>;
  prefer: string[];
  tieBreak?: 'newest' | 'trust';
  why?: string | null;
}

export interface DictionaryDefinition {
  /** Source figures: `<source>.<figure>`. A single bucket (`pending_outbound[meituan]`) is set by the report; any other formula is kept as reported and checked against its definition. */
  sources: FigureDefinition[];
  /** Target figures: `<system>.<figure>`, derived for every SKU. */
  targets: FigureDefinition[];
  arbitration: ArbitrationRule[];
}

export interface DictionaryVersion extends DictionaryDefinition {
  version: number; author: string; createdAt: number; why: string;
}

export interface ReportInput {
  source: string;
  /** The source's own id for the message; the same (source, messageId) again changes nothing. */
  messageId: string;
  sku: string;
  /** The source figure, without the source prefix (`sellable` for douyin.sellable). */
  figure: string;
  value: number;
  /** The message as received; default: this input as JSON. */
  raw?: string | null;
  /** When the source observed it; default: when it arrived. Orders "newest". */
  observedAt?: number | null;
}

export type ReportStatus = 'applied' | 'pending' | 'rejected';
export interface Report {
  id: number; source: string; messageId: string; sku: string; figure: string; value: number; raw: string;
  observedAt: number; receivedAt: number; dictionaryVersion: number;
  /** The bucket cell it sets; null: a composite figure, kept as reported. */
  bucket: BucketName | null; channel: string | null;
  /** What the fusion expected (null: nothing to compare with) and the deviation it allowed. */
  expected: number | null; allowedDeviation: number | null;
  status: ReportStatus; statusReason: string | null; decidedBy: string | null; decidedAt: number | null; actor: string;
}

/** One bucket value that went into a figure, with where it came from. */
export interface CellLineage {
  bucket: BucketName; channel: string | null; value: number;
  source: string; sourceKind: Source['kind']; trust: number;
  /** null for the inventory core's own values. */
  reportId: number | null; messageId: string | null; raw: string; observedAt: number; receivedAt: number;
  /** The dictionary version that mapped the report to this bucket. */
  mappingVersion: number | null;
  rule: { id: string; why: string };
  /** The other sources' values for the same cell, not chosen. */
  outranked: Array<{ source: string; value: number; reportId: number | null }>;
}

/** One name in a formula, resolved. */
export interface InputLineage {
  ref: string; bucket: BucketName; channel: string | null; value: number | null;
  /** `cell`: one bucket cell; `total`: the unqualified total a source reported; `sum-of-channels`: the channel cells added up. */
  how: 'cell' | 'total' | 'sum-of-channels' | 'missing';
  cells: CellLineage[];
}

export interface FigureLineage {
  sku: string; figure: string; value: number | null; formula: string;
  /** The formula with the numbers filled in: `168 - 12 + 8`. */
  filled: string;
  dictionaryVersion: number; computedAt: number;
  inputs: InputLineage[];
  /** Buckets no source has a value for (value is null then). */
  missing: string[];
  problem: string | null;
}

/** A composite source figure as reported, with its own lineage and the check against its definition. */
export interface ObservedFigure {
  sku: string; figure: string; value: number; report: Report;
  check: { expected: number | null; difference: number | null; formula: string; filled: string; inputs: InputLineage[]; missing: string[] };
}

export interface SkuFusion {
  sku: string;
  buckets: Array<{ bucket: BucketName; channel: string | null; value: number; source: string; reportId: number | null; rule: string }>;
  figures: FigureLineage[];
  observed: ObservedFigure[];
  pending: Report[];
}

export interface ReportOutcome {
  report: Report;
  /** true: the same (source, messageId) was reported before; nothing changed. */
  duplicate: boolean;
  /** Target figures whose value changed, with the value before. */
  changed: Array<FigureLineage & { previous: number | null }>;
}

/** The fusion store (sqlite-fusion.ts). Writes run in one IMMEDIATE transaction; refusals are InventoryErrors and change nothing. */
export interface Fusion {
  sources(): Source[];
  putSource(input: SourceInput, actor: string): Source;
  dictionary(): DictionaryVersion | undefined;
  dictionaryVersion(version: number): DictionaryVersion | undefined;
  dictionaryVersions(): Array<Omit<DictionaryVersion, keyof DictionaryDefinition>>;
  /** Checks every formula and rule (all problems at once), saves a new version and recomputes every SKU's figures. */
  putDictionary(definition: DictionaryDefinition, options: { actor: string; why: string }): DictionaryVersion;
  report(input: ReportInput, actor: string): ReportOutcome;
  confirm(reportId: number, actor: string): ReportOutcome;
  reject(reportId: number, actor: string, reason: string | null): Report;
  reportById(id: number): Report | undefined;
  reports(filter: { sku?: string; status?: ReportStatus; limit?: number }): Report[];
  skus(): string[];
  /** The SKU's buckets, target figures (recomputed now), composite figures and pending reports. */
  figures(sku: string): SkuFusion;
  /** One target figure's lineage now, or as it stood at `at` (epoch ms). */
  lineage(sku: string, figure: string, at?: number): FigureLineage | undefined;
}

/** The SKUs the inventory knows (the catalogue's items); reports for any other SKU are refused. */
export interface SkuDirectory {
  has(sku: string): boolean;
  /** For "did you mean" and the UI's SKU list. */
  all(): string[];
}
