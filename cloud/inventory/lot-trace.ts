/**
 * Lot trace (issue 7, item 5): forward (where did lot X go) and backward (where did it come
 * from), through production orders, with the temperature record of every shelf it sat on. All of
 * it is read from the ledger (inv_move by lot, inv_balance by lot, moves by document: the indexes
 * of migration 012), so a trace is a handful of indexed queries per lot whatever the ledger's size.
 *
 * Production links: a production_consume move of lot A with document D and a production_output
 * move of lot B with the same docType and docId make B "made from" A; quantities are net of the
 * reversals of those moves (a reversal keeps the original's document). Links are followed
 * breadth first up to MAX_TRACE_DEPTH orders deep and MAX_TRACE_LINKS lots, each lot once.
 */
import type { Clock } from '../../connectors/clock.ts';
import type { SqliteDatabase } from '../store/database.ts';
import { lotOf, type LotRow } from './catalog.ts';
import type { LocationKind, Move, MoveReason } from './inventory-types.ts';
import { MOVE_SELECT, moveOf, type MoveRow } from './ledger-rows.ts';
import { lotStays } from './lot-stays.ts';
import type {
  BackwardLink, BackwardTrace, ForwardLink, ForwardTrace, LotDestinations, LotStay, LotTraceResult, StayTemperature, TemperatureOf,
  TraceDirection, TraceLotRef, TraceMove,
} from './lot-trace-types.ts';
import { roundQty } from './quantities.ts';
import { excursionsIn } from './temperature-excursions.ts';
import { partiesOf } from './trace-parties.ts';

export type * from './lot-trace-types.ts';
export { traceDirections } from './lot-trace-types.ts';

export const MAX_TRACE_DEPTH = 10;
export const MAX_TRACE_LINKS = 500;

const onHandKinds: ReadonlySet<LocationKind> = new Set(['warehouse', 'zone', 'shelf', 'transit', 'inspection']);

interface LocationInfo { kind: LocationKind; name: string | null }
interface ItemRow { sku: string; name: string; unit: string; category: string; temperature_min_c: number | null; temperature_max_c: number | null }

export interface LotTraceOptions {
  /** The temperature record of a location; without it `excursions` stays empty and `temperatureEvidence` is false. */
  temperatureOf?: TemperatureOf;
}

export class LotTrace {
  readonly #clock: Pick<Clock, 'now'>;
  readonly #temperatureOf: TemperatureOf | undefined;
  readonly #lotByKey;
  readonly #lotById;
  readonly #item;
  readonly #movesOfLot;
  readonly #movesOfDoc;
  readonly #balancesOfLot;
  readonly #locations;

  /** `db` must have the cloud migrations applied (012). */
  constructor(db: SqliteDatabase, clock: Pick<Clock, 'now'>, options: LotTraceOptions = {}) {
    this.#clock = clock;
    this.#temperatureOf = options.temperatureOf;
    this.#lotByKey = db.prepare('SELECT * FROM inv_lot WHERE sku = ? AND batch = ?');
    this.#lotById = db.prepare('SELECT * FROM inv_lot WHERE id = ?');
    this.#item = db.prepare('SELECT sku, name, unit, category, temperature_min_c, temperature_max_c FROM inv_item WHERE sku = ?');
    this.#movesOfLot = db.prepare(`${MOVE_SELECT} WHERE m.lot_id = ? ORDER BY m.id`);
    this.#movesOfDoc = db.prepare(`${MOVE_SELECT} WHERE m.doc_type IS ? AND m.doc_id = ? ORDER BY m.id`);
    this.#balancesOfLot = db.prepare('SELECT location, qty FROM inv_balance WHERE lot_key = ? AND qty <> 0 ORDER BY location');
    this.#locations = db.prepare('SELECT code, kind, name FROM inv_location');
  }

  /** The trace of the item's lot `batch`; undefined when the item has no such lot. */
  trace(sku: string, batch: string, options: { direction?: TraceDirection } = {}): LotTraceResult | undefined {
    const row = this.#lotByKey.get(sku, batch) as LotRow | undefined;
    if (!row) return undefined;
    const now = this.#clock.now();
    const direction = options.direction ?? 'both';
    const locations = new Map((this.#locations.all() as Array<{ code: string } & LocationInfo>).map((l) => [l.code, { kind: l.kind, name: l.name }]));
    const moves = this.#traceMoves(row.id, locations);
    const stays = lotStays(moves);
    const item = this.#item.get(sku) as ItemRow;
    return {
      tracedAt: now, direction, lot: lotOf(row, now),
      item: {
        sku: item.sku, name: item.name, unit: item.unit, category: item.category,
        temperatureC: item.temperature_min_c === null || item.temperature_max_c === null ? null : { min: item.temperature_min_c, max: item.temperature_max_c },
      },
      moves, stays,
      forward: direction === 'backward' ? null : this.#forward(row, moves, locations, now),
      backward: direction === 'forward' ? null : this.#backward(row, moves, locations, now),
      excursions: this.#excursions(stays, now),
      temperatureEvidence: this.#temperatureOf !== undefined,
    };
  }

  #traceMoves(lotId: number, locations: Map<string, LocationInfo>): TraceMove[] {
    return (this.#movesOfLot.all(lotId) as MoveRow[]).map((row) => toTraceMove(row, locations));
  }

  #destinations(lotId: number, moves: readonly TraceMove[], locations: Map<string, LocationInfo>): LotDestinations {
    const nameOf = (code: string) => locations.get(code)?.name ?? null;
    const onHand = (this.#balancesOfLot.all(lotId) as Array<{ location: string; qty: number }>)
      .map((b) => ({ location: b.location, locationKind: locations.get(b.location)?.kind ?? 'shelf', qty: b.qty }))
      .filter((b) => onHandKinds.has(b.locationKind));
    return { customers: partiesOf(moves, 'customer', 'to', nameOf), scrapped: partiesOf(moves, 'scrap', 'to', nameOf), onHand };
  }

  #forward(root: LotRow, moves: TraceMove[], locations: Map<string, LocationInfo>, now: number): ForwardTrace {
    const produced: ForwardLink[] = [];
    const truncated = this.#follow(root, moves, locations, now, 'forward', (link, linkMoves) => {
      produced.push({ ...link, destinations: this.#destinations(link.lot.lotId, linkMoves, locations) });
    });
    return { ...this.#destinations(root.id, moves, locations), produced, truncated };
  }

  #backward(root: LotRow, moves: TraceMove[], locations: Map<string, LocationInfo>, now: number): BackwardTrace {
    const nameOf = (code: string) => locations.get(code)?.name ?? null;
    const inputs: BackwardLink[] = [];
    const truncated = this.#follow(root, moves, locations, now, 'backward', (link, linkMoves) => {
      inputs.push({ ...link, suppliers: partiesOf(linkMoves, 'supplier', 'from', nameOf) });
    });
    return { suppliers: partiesOf(moves, 'supplier', 'from', nameOf), adjustments: partiesOf(moves, 'adjustment', 'from', nameOf), inputs, truncated };
  }

  /**
   * Breadth first through production orders: forward from the orders that consumed a lot to the
   * lots they output, backward from the orders that output it to the lots they consumed. Returns
   * true when a limit left links out.
   */
  #follow(
    root: LotRow, rootMoves: TraceMove[], locations: Map<string, LocationInfo>, now: number, way: 'forward' | 'backward',
    add: (link: Omit<ForwardLink, 'destinations'>, moves: TraceMove[]) => void,
  ): boolean {
    const [ownReason, otherReason]: MoveReason[] = way === 'forward' ? ['production_consume', 'production_output'] : ['production_output', 'production_consume'];
    const seen = new Set([root.id]);
    const docsSeen = new Set<string>();
    let frontier: Array<{ lot: TraceLotRef; moves: TraceMove[]; depth: number }> = [{ lot: refOf(root, now), moves: rootMoves, depth: 0 }];
    let links = 0;
    while (frontier.length > 0) {
      const next: typeof frontier = [];
      for (const { lot, moves, depth } of frontier) {
        for (const doc of documentsOf(moves, ownReason)) {
          const docKey = JSON.stringify([doc.docType, doc.docId, lot.lotId]);
          if (docsSeen.has(docKey)) continue;
          docsSeen.add(docKey);
          const docMoves = (this.#movesOfDoc.all(doc.docType, doc.docId) as MoveRow[]).map(moveOf);
          const ownQty = netOf(docMoves, ownReason).get(lot.lotId) ?? 0;
          if (ownQty <= 0) continue; // all of it reversed: the order did not use (or make) this lot
          for (const [otherId, otherQty] of netOf(docMoves, otherReason)) {
            if (otherQty <= 0 || seen.has(otherId)) continue;
            if (depth + 1 > MAX_TRACE_DEPTH || links >= MAX_TRACE_LINKS) return true;
            seen.add(otherId);
            links++;
            const otherRow = this.#lotById.get(otherId) as LotRow;
            const other = refOf(otherRow, now);
            const otherMoves = this.#traceMoves(otherId, locations);
            const [consumedQty, producedQty] = way === 'forward' ? [ownQty, otherQty] : [otherQty, ownQty];
            add({ depth: depth + 1, lot: other, via: lot, docType: doc.docType, docId: doc.docId, consumedQty, producedQty }, otherMoves);
            next.push({ lot: other, moves: otherMoves, depth: depth + 1 });
          }
        }
      }
      frontier = next;
    }
    return false;
  }

  #excursions(stays: readonly LotStay[], now: number): StayTemperature[] {
    const temperatureOf = this.#temperatureOf;
    if (!temperatureOf) return [];
    const out: StayTemperature[] = [];
    for (const stay of stays) {
      const evidence = temperatureOf(stay.location, stay.from, stay.to ?? now);
      if (!evidence) continue;
      let min: number | null = null;
      let max: number | null = null;
      for (const [, value] of evidence.points) {
        min = min === null || value < min ? value : min;
        max = max === null || value > max ? value : max;
      }
      out.push({
        location: stay.location, from: stay.from, to: stay.to, unit: evidence.unit, range: evidence.range,
        samples: evidence.points.length, min, max, excursions: excursionsIn(evidence.points, evidence.range),
      });
    }
    return out;
  }
}

function toTraceMove(row: MoveRow, locations: Map<string, LocationInfo>): TraceMove {
  const m = moveOf(row);
  return {
    id: m.id, effectiveAt: m.effectiveAt, postedAt: m.postedAt, reason: m.reason, qty: m.qty,
    from: m.from, fromKind: locations.get(m.from)?.kind ?? 'shelf', to: m.to, toKind: locations.get(m.to)?.kind ?? 'shelf',
    docType: m.docType, docId: m.docId, serial: m.serial, reverses: m.reverses, actor: m.actor, note: m.note,
  };
}

function refOf(row: LotRow, now: number): TraceLotRef {
  const lot = lotOf(row, now);
  return { lotId: lot.id, sku: lot.sku, batch: lot.batch, expiry: lot.expiry, status: lot.status };
}

/** The documents (with an id) of the lot's moves for `reason`, in first-use order. */
function documentsOf(moves: readonly TraceMove[], reason: MoveReason): Array<{ docType: string | null; docId: string }> {
  const docs = new Map<string, { docType: string | null; docId: string }>();
  for (const m of moves) {
    if (m.reason !== reason || m.docId === null) continue;
    docs.set(JSON.stringify([m.docType, m.docId]), { docType: m.docType, docId: m.docId });
  }
  return [...docs.values()];
}

/** Per lot, the quantity of an order's `reason` moves less the reversals of those moves. */
function netOf(docMoves: readonly Move[], reason: MoveReason): Map<number, number> {
  const ofReason = new Set<number>();
  const net = new Map<number, number>();
  for (const m of docMoves) {
    const lotId = m.lotId;
    if (lotId === null) continue;
    if (m.reason === reason) {
      ofReason.add(m.id);
      net.set(lotId, roundQty((net.get(lotId) ?? 0) + m.qty));
    } else if (m.reason === 'reversal' && m.reverses !== null && ofReason.has(m.reverses)) {
      net.set(lotId, roundQty((net.get(lotId) ?? 0) - m.qty));
    }
  }
  return net;
}
