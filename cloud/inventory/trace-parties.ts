/**
 * Groups a lot's moves by the party at the other end: the customers it went to, the suppliers it
 * came from, the scrap and adjustment locations. Quantities are split into what went the way of
 * the trace (`qty`) and what came back (`returned`: a customer return, a return to the supplier,
 * a reversal, which keeps the original's document), per location and per source document.
 */
import type { LocationKind } from './inventory-types.ts';
import type { TraceDocument, TraceMove, TraceParty } from './lot-trace-types.ts';
import { roundQty } from './quantities.ts';

/**
 * The parties of `kind` in `moves`. `towards`: 'to' when the trace's way is into the party (a
 * customer, scrap), 'from' when it is out of it (a supplier, an opening balance).
 */
export function partiesOf(moves: readonly TraceMove[], kind: LocationKind, towards: 'to' | 'from', nameOf: (code: string) => string | null): TraceParty[] {
  const parties = new Map<string, TraceParty & { firstAt: number }>();
  const ordered = [...moves].sort((a, b) => a.effectiveAt - b.effectiveAt || a.id - b.id);
  for (const move of ordered) {
    const forward = towards === 'to' ? move.toKind === kind : move.fromKind === kind;
    const back = towards === 'to' ? move.fromKind === kind : move.toKind === kind;
    if (!forward && !back) continue;
    const location = forward === (towards === 'to') ? move.to : move.from;
    let party = parties.get(location);
    if (!party) {
      party = { location, name: nameOf(location), kind, qty: 0, returned: 0, documents: [], firstAt: move.effectiveAt };
      parties.set(location, party);
    }
    if (forward) party.qty = roundQty(party.qty + move.qty);
    else party.returned = roundQty(party.returned + move.qty);
    addToDocument(party.documents, move, forward ? move.qty : -move.qty);
  }
  return [...parties.values()].map(({ firstAt: _firstAt, ...party }) => party);
}

function addToDocument(documents: TraceDocument[], move: TraceMove, qty: number): void {
  let document = documents.find((d) => d.docType === move.docType && d.docId === move.docId);
  if (!document) {
    document = { docType: move.docType, docId: move.docId, qty: 0, firstAt: move.effectiveAt, moveIds: [] };
    documents.push(document);
  }
  document.qty = roundQty(document.qty + qty);
  document.moveIds.push(move.id);
}
