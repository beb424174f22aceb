/**
 * The body of a `scan.decision` edge event (docs/edge-events.md), checked here: the cloud may not
 * import the gateway's ScanDecisionEventBody (DESIGN.md: no gateway <-> cloud imports), and a
 * gateway's JSON is not trusted anyway. The scan and the decision are the devices/ protocol's own
 * schemas; the envelope is re-declared and kept loose (a newer gateway may add fields).
 *
 * The event's id is `scan-<device>-<scanId>`, unique per gateway.
 */
import { z } from 'zod';
import type { EdgeEvent } from '../../connectors/edge-link/index.ts';
import { decisionSchema, scanSchema, type DecisionReason, type ScanOp, type Verdict } from '../../devices/scan-protocol.ts';

export const SCAN_DECISION_EVENT = 'scan.decision';

export const scanDecisionEventBody = z.object({
  device: z.string().min(1).max(64),
  // Not strict here: the gateway validated the scan strictly; the cloud keeps what it decided on.
  scan: scanSchema.loose(),
  decision: decisionSchema,
  parsed: z.object({
    gtin: z.string().optional(),
    batch: z.string().optional(),
    expiry: z.string().optional(),
    serial: z.string().optional(),
    qty: z.number().optional(),
  }).optional(),
  masterDataVersion: z.number().int().nonnegative(),
  offline: z.boolean(),
});
export type ScanDecisionBody = z.infer<typeof scanDecisionEventBody>;

/** One scan as the cloud stores it: the 4D record (device, operator, location, product/lot, time). */
export interface ScanRecord {
  /** The cloud's arrival order; the live feed pages by it. */
  seq: number;
  /** The event id, `scan-<device>-<scanId>`: unique per gateway. */
  id: string;
  scanId: string;
  group: string;
  edge: string;
  device: string;
  operator: string;
  op: ScanOp;
  code: string;
  location: string | null;
  gtin: string | null;
  batch: string | null;
  serial: string | null;
  qty: number | null;
  verdict: Verdict;
  reasons: DecisionReason[];
  prompt: { en: string; zh: string };
  offline: boolean;
  masterDataVersion: number;
  /** When the scan was taken (the device's time, else when the gateway decided), ms since the epoch. */
  at: number;
  /** When the cloud first received it, ms since the epoch. */
  receivedAt: number;
}

export type NewScanRecord = Omit<ScanRecord, 'seq'>;

/**
 * The record a `scan.decision` event makes, `{ ok: false, problem }` for a body that does not
 * parse (the problem names the field), or undefined for an event of another type.
 */
export function scanRecordOf(group: string, edge: string, event: EdgeEvent, receivedAt: number):
  { ok: true; record: NewScanRecord } | { ok: false; problem: string } | undefined {
  if (event.type !== SCAN_DECISION_EVENT) return undefined;
  const parsed = scanDecisionEventBody.safeParse(event.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, problem: `body.${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  const { device, scan, decision, parsed: ais, masterDataVersion, offline } = parsed.data;
  if (decision.scanId !== scan.scanId) {
    return { ok: false, problem: `body.decision.scanId: "${decision.scanId}" does not answer scan "${scan.scanId}"` };
  }
  return {
    ok: true,
    record: {
      id: event.id,
      scanId: scan.scanId,
      group,
      edge,
      device,
      operator: scan.operator,
      op: scan.op,
      code: scan.code,
      location: scan.location ?? null,
      gtin: ais?.gtin ?? decision.lot?.gtin ?? null,
      batch: ais?.batch ?? decision.lot?.batch ?? null,
      serial: ais?.serial ?? decision.lot?.serial ?? null,
      qty: scan.qty ?? ais?.qty ?? null,
      verdict: decision.verdict,
      reasons: decision.reasons,
      prompt: decision.prompt,
      offline,
      masterDataVersion,
      at: scan.at ?? decision.decidedAt,
      receivedAt,
    },
  };
}
