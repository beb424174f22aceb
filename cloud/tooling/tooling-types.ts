/**
 * The tooling part's contract (issue 7 item 6, DESIGN.md "Tooling"): serialized mold assets in a
 * multi-level BOM (mold -> sub-mold -> insert), molding machines with the Sparkplug tags of their
 * shot counter and mold id, mount history, life warnings, inspections with attachments and the
 * replacement recommendation. Tables: store/migrations/014-tooling.ts. The HTTP shapes in
 * docs/inventory-api.md ("Tooling") are these types as JSON; the schedule part and the tooling
 * screen code against them.
 *
 * Times are epoch milliseconds; dates (certificate issued, inspection date) are YYYY-MM-DD.
 * Thermal expansion coefficients are µm/(m·K) (= 1e-6/K), temperatures °C, hardness HRC.
 */
import type { MaintenanceWindow } from './maintenance-window.ts';

export type AssetKind = 'mold' | 'sub_mold' | 'insert';
export const assetKinds: readonly AssetKind[] = ['mold', 'sub_mold', 'insert'];
export type AssetStatus = 'in_service' | 'spare' | 'maintenance' | 'scrapped';
export const assetStatuses: readonly AssetStatus[] = ['in_service', 'spare', 'maintenance', 'scrapped'];

/** A material certificate (EN 10204 3.1 style) of the steel an asset is made of. */
export interface MaterialCertificate {
  number: string;
  /** e.g. `1.2343 ESR`, `H13`. */
  materialGrade: string;
  supplier: string;
  /** YYYY-MM-DD. */
  issued: string;
  /** Ids of attachments (scans of the certificate) posted with `certificate: number`. */
  attachmentIds: number[];
}
export type MaterialCertificateInput = Omit<MaterialCertificate, 'attachmentIds'>;

export interface HeatTreatment {
  hardnessHrc: number;
  temperingTemperatureC: number;
  /** How many tempering cycles; null when not recorded. */
  temperingCycles: number | null;
  /** Hours per tempering cycle; null when not recorded. */
  temperingHours: number | null;
}

/** PUT /api/tooling/assets/:id. Fields left out keep their value on an update (new: the defaults). */
export interface ToolingAssetInput {
  id: string;
  kind: AssetKind;
  serial: string;
  name: string;
  /**
   * The asset it sits in: a sub-mold in a mold or sub-mold, an insert in a mold or sub-mold; a mold
   * has none. An in-service sub-mold or insert needs one; a spare, one in maintenance or scrapped
   * has none (its `location` says where it is).
   */
  parent?: string | null;
  /** Where in the parent (e.g. `cavity-2`); kept on a spare as the slot it was made for. */
  position?: string | null;
  /** Interchangeable parts share a part number (drawing); a replacement must have the same. */
  partNumber?: string | null;
  /** Default `in_service` with a parent or for a mold, `spare` otherwise. */
  status?: AssetStatus;
  /** Where a spare (or an asset in maintenance) is kept, e.g. `TOOL-ROOM/R3`. */
  location?: string | null;
  certificates?: MaterialCertificateInput[];
  heatTreatment?: HeatTreatment | null;
  /** Thermal expansion coefficient, µm/(m·K); >= 0. */
  cteUmPerMK?: number | null;
  /** Life in shots (e.g. 9000); null: no life limit. */
  lifeShots?: number | null;
  /** Warn from this many shots (e.g. 8500); <= lifeShots. Null: warn only when over life. */
  warnAtShots?: number | null;
  /** Only when creating: shots made before it was registered (default 0). Counted by the edge after. */
  openingShots?: number;
}

export interface ToolingAsset {
  id: string;
  kind: AssetKind;
  serial: string;
  name: string;
  parent: string | null;
  position: string | null;
  partNumber: string | null;
  status: AssetStatus;
  location: string | null;
  certificates: MaterialCertificate[];
  heatTreatment: HeatTreatment | null;
  cteUmPerMK: number | null;
  lifeShots: number | null;
  warnAtShots: number | null;
  /** Shots so far (opening shots plus what the edge counted). */
  shots: number;
  /** round(100 * shots / lifeShots); null without a life. */
  lifePct: number | null;
  /** ok | warning (shots >= warnAtShots) | over_life (shots >= lifeShots); ok without a life. */
  lifeState: LifeState;
  /** The root mold of its tree (itself for a mold); null for an asset outside any mold. */
  motherMold: string | null;
  /** The machine its mother mold is mounted on now; null when not mounted. */
  machine: string | null;
  updatedAt: number;
}
export type LifeState = 'ok' | 'warning' | 'over_life';

/** GET /api/tooling/assets: roots (molds, then assets outside any mold) with children nested. */
export interface ToolingAssetNode extends ToolingAsset {
  children: ToolingAssetNode[];
}

/** A Sparkplug metric: group / edge node / device / metric name (e.g. demo-plant / gw-cold-room-1 / press-plc / IMM-01/shot-counter). */
export interface TagRef {
  group: string;
  edge: string;
  device: string;
  tag: string;
}

/** PUT /api/tooling/machines/:id. */
export interface MachineInput {
  id: string;
  name?: string | null;
  /** The shot counter (a number that only grows, except when reset); null: counted by nobody. */
  counter: TagRef | null;
  /** A string tag naming the mold on the machine; when it names a known mold it is mounted. */
  moldIdTag?: TagRef | null;
  /** The nominal cycle time, s; the schedule's fallback for the shot rate. */
  cycleTimeS?: number | null;
}

export interface Machine {
  id: string;
  name: string | null;
  counter: TagRef | null;
  moldIdTag: TagRef | null;
  cycleTimeS: number | null;
  /** The mold mounted now; null when none. */
  mold: string | null;
  mountedAt: number | null;
  /** The counter feed's cursor: the last counter sample taken into account; null before the first. */
  lastCounter: { ts: number; value: number } | null;
}

export type MountSource = 'api' | 'tag';
/** One stay of a mold on a machine; `to` null while it is still there. */
export interface Mount {
  id: number;
  machine: string;
  mold: string;
  from: number;
  to: number | null;
  source: MountSource;
  actor: string;
}

export interface LifeWarning {
  assetId: string;
  kind: AssetKind;
  serial: string;
  state: Exclude<LifeState, 'ok'>;
  shots: number;
  lifeShots: number;
  warnAtShots: number | null;
  lifePct: number;
  motherMold: string | null;
  machine: string | null;
  /** e.g. `insert INS-0042 on mold M-100 (IMM-01) has 8,512 of 9,000 shots (95%): plan its replacement`. */
  message: string;
  recommendation: ReplacementRecommendation;
}

export type InspectionResult = 'ok' | 'wear' | 'crack' | 'other';
export interface Measurement {
  name: string;
  value: number;
  unit?: string | null;
}

/** A file as JSON: the bytes in base64. PDF, PNG, JPEG or WebP; the bytes must match the type. */
export interface AttachmentInput {
  filename: string;
  contentType: string;
  dataBase64: string;
}
export interface AttachmentMeta {
  id: number;
  assetId: string;
  inspectionId: number | null;
  certificate: string | null;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  createdAt: number;
}

export interface InspectionInput {
  /** YYYY-MM-DD. */
  date: string;
  inspector: string;
  result: InspectionResult;
  measurements?: Measurement[];
  notes?: string | null;
  attachments?: AttachmentInput[];
}
export interface Inspection {
  id: number;
  assetId: string;
  date: string;
  inspector: string;
  result: InspectionResult;
  measurements: Measurement[];
  notes: string | null;
  /** The asset's shots when the report was recorded. */
  shotsAtInspection: number;
  attachments: AttachmentMeta[];
  createdAt: number;
  actor: string;
}

/** A spare that could replace the asset. */
export interface ReplacementCandidate {
  id: string;
  serial: string;
  name: string;
  location: string | null;
  cteUmPerMK: number;
  /** |candidate CTE - mother mold CTE|, µm/(m·K). */
  deltaCteUmPerMK: number;
  shots: number;
  lifeShots: number | null;
  /** lifeShots - shots; null without a life (ranked after those with one). */
  remainingShots: number | null;
}

/** A spare of the right kind left out, and why (wrong part number, CTE outside tolerance, no life left, no CTE). */
export interface ExcludedSpare {
  id: string;
  reason: string;
}

/**
 * What to replace an asset with: spares of the same kind and part number whose CTE matches the
 * MOTHER MOLD's within the tolerance, with life left, ranked by |delta CTE| then remaining life.
 */
export interface ReplacementRecommendation {
  assetId: string;
  motherMold: { id: string; cteUmPerMK: number | null } | null;
  toleranceUmPerMK: number;
  candidates: ReplacementCandidate[];
  excluded: ExcludedSpare[];
  /** In words: which spare and why, or that none fits and what to buy. */
  advice: string;
  /** The asset's last three inspection reports, newest first. */
  lastInspections: Inspection[];
  /** From the schedule part (F): when to do it without stopping planned production; null without it. */
  maintenanceWindow: MaintenanceWindow | null;
}

/** POST /api/tooling/assets/:id/replace: the spare takes the worn asset's place in one transaction. */
export interface ReplaceInput {
  with: string;
  /** What the removed asset becomes: default `maintenance`. */
  retiredStatus?: Exclude<AssetStatus, 'in_service'>;
  /** Where the removed asset goes (default: where the spare was). */
  location?: string | null;
  /** When, default now; not before the last change of either asset. */
  at?: number;
}

/** What the counter feed has done since start (GET /api/tooling/feed). */
export interface FeedStats {
  polls: number;
  samplesRead: number;
  shotsCounted: number;
  resets: number;
  badSkipped: number;
  /** Counter steps while no mold was mounted: made, but credited to no asset. */
  unattributedShots: number;
  autoMounts: number;
  errors: number;
  lastPollAt: number | null;
  lastError: string | null;
}
