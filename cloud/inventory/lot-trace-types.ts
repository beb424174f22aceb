/**
 * What a lot trace answers (issue 7, item 5): the questions a regulator asks about one lot
 * within 24 hours, in a shape a UI can show without more calls. Where did it come from
 * (suppliers, receipt documents, the input lots of the production order that made it), where did
 * it go (customers with quantities and documents, scrap, what is still on hand, the lots made
 * from it), where did it sit and when, and what did the shelves measure meanwhile.
 * Computed by lot-trace.ts; re-exported there as LotTraceResult.
 */
import type { LocationKind, Lot, LotStatus, MoveReason } from './inventory-types.ts';

export type TraceDirection = 'forward' | 'backward' | 'both';
export const traceDirections: readonly TraceDirection[] = ['forward', 'backward', 'both'];

export interface TemperatureRange { min: number; max: number }

/** A location's temperature readings in [from, to], oldest first, and the range they must keep. */
export interface TemperatureEvidence { unit: string; range: TemperatureRange; points: Array<[ts: number, value: number]> }
/** Where readings come from (trace-evidence.ts builds one over the telemetry store); undefined: the location has no sensor or no range. */
export type TemperatureOf = (location: string, from: number, to: number) => TemperatureEvidence | undefined;

/** A move of the traced lot with the kinds of both its locations. */
export interface TraceMove {
  id: number; effectiveAt: number; postedAt: number; reason: MoveReason; qty: number;
  from: string; fromKind: LocationKind; to: string; toKind: LocationKind;
  docType: string | null; docId: string | null; serial: string | null; reverses: number | null; actor: string; note: string | null;
}

/** The lot sat on `location` from `from` (its balance there turned positive) to `to` (back to zero; null: still there). */
export interface LotStay {
  location: string; locationKind: LocationKind; from: number; to: number | null;
  /** The most of the lot held there at once during the stay. */
  qty: number;
  /** Everything moved in during the stay. */
  qtyIn: number;
}

/** One source document (a PO, a delivery note, a production order) and the net quantity it moved. */
export interface TraceDocument { docType: string | null; docId: string | null; qty: number; firstAt: number; moveIds: number[] }

/** A supplier, customer, scrap or adjustment location the lot went to or came from. */
export interface TraceParty {
  location: string; name: string | null; kind: LocationKind;
  /** What went the way of the trace: delivered to a customer, received from a supplier, scrapped. */
  qty: number;
  /** What came back the other way (a customer return, a return to the supplier, a reversal). */
  returned: number;
  documents: TraceDocument[];
}

export interface OnHand { location: string; locationKind: LocationKind; qty: number }

export interface LotDestinations { customers: TraceParty[]; scrapped: TraceParty[]; onHand: OnHand[] }

export interface TraceLotRef { lotId: number; sku: string; batch: string; expiry: string | null; status: LotStatus }

/** A lot linked to the traced one through a production order (same docType and docId). */
export interface TraceLink {
  /** 1: made from (or into) the traced lot directly; 2: one production order further, ... */
  depth: number;
  lot: TraceLotRef;
  /** The lot one step closer to the traced lot. */
  via: TraceLotRef;
  docType: string | null; docId: string;
  /** Of the input lot in this order. */
  consumedQty: number;
  /** Of the output lot in this order. */
  producedQty: number;
}

export interface ForwardLink extends TraceLink { destinations: LotDestinations }
export interface BackwardLink extends TraceLink { suppliers: TraceParty[] }

export interface ForwardTrace extends LotDestinations {
  /** Lots made from this one, breadth first. */
  produced: ForwardLink[];
  /** True when the production links went past the depth or count limit and some are left out. */
  truncated: boolean;
}

export interface BackwardTrace {
  suppliers: TraceParty[];
  /** Opening balances and count gains (adjustment locations) it came from. */
  adjustments: TraceParty[];
  /** Lots this one was made from, breadth first. */
  inputs: BackwardLink[];
  truncated: boolean;
}

/** A maximal run of readings outside the range. */
export interface TraceExcursion {
  /** The first reading outside. */
  start: number;
  /** The first reading back inside; the last reading outside when none came (`ongoing`). */
  end: number;
  /** The reading furthest outside the range. */
  worst: number;
  minutes: number;
  /** Readings outside in the run. */
  samples: number;
  ongoing: boolean;
}

/** The temperature record of one stay on a monitored location. */
export interface StayTemperature {
  location: string; from: number; to: number | null; unit: string; range: TemperatureRange;
  samples: number; min: number | null; max: number | null;
  excursions: TraceExcursion[];
}

export interface LotTraceResult {
  tracedAt: number;
  direction: TraceDirection;
  lot: Lot;
  item: { sku: string; name: string; unit: string; category: string; temperatureC: TemperatureRange | null };
  /** Every move of the lot, in ledger order (by id). */
  moves: TraceMove[];
  /** Storage, transit and inspection locations the lot sat on, by effective time. */
  stays: LotStay[];
  forward: ForwardTrace | null;
  backward: BackwardTrace | null;
  /** Per stay on a monitored location: its readings summed up and the excursions while the lot was there. */
  excursions: StayTemperature[];
  /** False when no temperature source is composed: `excursions` is then empty for want of evidence, not for want of excursions. */
  temperatureEvidence: boolean;
}
