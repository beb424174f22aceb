/**
 * The lot trace over a real ledger file: moves in ledger order with location kinds, stays by
 * effective time (a back-dated move lands where it happened), customers and suppliers with their
 * documents net of returns and reversals, scrap, stock on hand as the ledger holds it, and the
 * links through production orders both ways, several orders deep.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Move, MoveInput } from './inventory-types.ts';
import { LotTrace, MAX_TRACE_DEPTH } from './lot-trace.ts';
import { DAY, DAY1, openInventoryFixture, SKU, type InventoryFixture } from './testing/inventory-fixture.ts';

const HOUR = 3_600_000;
const at = (hours: number) => DAY1 + hours * HOUR;

describe('lot trace', () => {
  let f: InventoryFixture;
  let trace: LotTrace;
  const ids: Record<string, Move> = {};
  const post = (name: string, move: MoveInput) => {
    ids[name] = f.ledger.post([move], { actor: 'test' })[0]!;
    return ids[name];
  };

  beforeAll(() => {
    f = openInventoryFixture({ start: DAY1 + 10 * DAY });
    f.catalog.putLocation({ code: 'CUST-2', name: 'Corner shop', kind: 'customer', allowNegative: true });
    f.catalog.putItem({ sku: 'YOG-1', name: 'Yogurt', category: 'chilled' });
    f.catalog.putItem({ sku: 'DES-1', name: 'Dessert', category: 'chilled' });
    const milk = { sku: SKU.milk, lot: 'L1' };
    post('receipt', { ...milk, expiry: '2026-03-30', qty: 100, from: 'SUP-1', to: 'RECV', reason: 'receipt', docType: 'PO', docId: 'PO-1', effectiveAt: at(1) });
    post('putB10', { ...milk, qty: 60, from: 'RECV', to: 'B10', reason: 'putaway', effectiveAt: at(2) });
    post('putB11', { ...milk, qty: 40, from: 'RECV', to: 'B11', reason: 'putaway', effectiveAt: at(3) });
    post('ship1', { ...milk, qty: 10, from: 'B10', to: 'CUST-1', reason: 'shipment', docType: 'SO', docId: 'SO-1', effectiveAt: at(4) });
    post('ship2', { ...milk, qty: 5, from: 'B10', to: 'CUST-2', reason: 'shipment', docType: 'SO', docId: 'SO-2', effectiveAt: at(5) });
    post('return1', { ...milk, qty: 2, from: 'CUST-1', to: 'B10', reason: 'return', docType: 'SO', docId: 'SO-1', effectiveAt: at(6) });
    post('scrap', { ...milk, qty: 3, from: 'B11', to: 'SCRAP', reason: 'scrap', effectiveAt: at(7) });
    post('consume', { ...milk, qty: 37, from: 'B11', to: 'PROD', reason: 'production_consume', docType: 'MO', docId: 'MO-7', effectiveAt: at(8) });
    post('output', { sku: 'YOG-1', lot: 'Y1', expiry: '2026-04-10', qty: 30, from: 'PROD', to: 'B12', reason: 'production_output', docType: 'MO', docId: 'MO-7', effectiveAt: at(9) });
    post('shipY', { sku: 'YOG-1', lot: 'Y1', qty: 12, from: 'B12', to: 'CUST-1', reason: 'shipment', docType: 'SO', docId: 'SO-9', effectiveAt: at(10) });
    post('consumeY', { sku: 'YOG-1', lot: 'Y1', qty: 5, from: 'B12', to: 'PROD', reason: 'production_consume', docType: 'MO', docId: 'MO-8', effectiveAt: at(11) });
    post('outputZ', { sku: 'DES-1', lot: 'Z1', expiry: '2026-04-20', qty: 8, from: 'PROD', to: 'A01', reason: 'production_output', docType: 'MO', docId: 'MO-8', effectiveAt: at(12) });
    // Booked late, happened early: B10 -> A02 between the first and the second shipment.
    post('late', { ...milk, qty: 4, from: 'B10', to: 'A02', reason: 'transfer', effectiveAt: at(4.5) });
    ids.reversal = f.ledger.reverse(ids.ship2!.id, { actor: 'test', note: 'wrong customer' });
    trace = new LotTrace(f.db, f.clock);
  });

  afterAll(() => f?.close());

  it('answers undefined for a lot the item does not have, and for an unknown SKU', () => {
    expect(trace.trace(SKU.milk, 'NOPE')).toBeUndefined();
    expect(trace.trace('NO-SUCH-SKU', 'L1')).toBeUndefined();
  });

  it('lists every move of the lot in ledger order with the kinds of both locations and the documents', () => {
    const result = trace.trace(SKU.milk, 'L1')!;
    expect(result.lot).toMatchObject({ sku: SKU.milk, batch: 'L1', expiry: '2026-03-30', status: 'released' });
    expect(result.item).toMatchObject({ sku: SKU.milk, category: 'chilled', temperatureC: { min: 2, max: 8 } });
    const own = ['receipt', 'putB10', 'putB11', 'ship1', 'ship2', 'return1', 'scrap', 'consume', 'late', 'reversal'].map((n) => ids[n]!.id);
    expect(result.moves.map((m) => m.id)).toEqual(own);
    expect(result.moves[0]).toMatchObject({ from: 'SUP-1', fromKind: 'supplier', to: 'RECV', toKind: 'zone', reason: 'receipt', docType: 'PO', docId: 'PO-1', qty: 100 });
    expect(result.moves.at(-1)).toMatchObject({ from: 'CUST-2', fromKind: 'customer', to: 'B10', reason: 'reversal', reverses: ids.ship2!.id, docId: 'SO-2' });
  });

  it('gives the stays by effective time: a back-dated move counts when it happened, not when it was booked', () => {
    const stays = trace.trace(SKU.milk, 'L1')!.stays;
    expect(stays).toEqual([
      { location: 'RECV', locationKind: 'zone', from: at(1), to: at(3), qty: 100, qtyIn: 100 },
      { location: 'B10', locationKind: 'shelf', from: at(2), to: null, qty: 60, qtyIn: 67 },
      { location: 'B11', locationKind: 'shelf', from: at(3), to: at(8), qty: 40, qtyIn: 40 },
      { location: 'A02', locationKind: 'shelf', from: at(4.5), to: null, qty: 4, qtyIn: 4 },
    ]);
  });

  it('shows where it went: customers net of returns and reversals with their documents, scrap, and what is on hand as the ledger holds it', () => {
    const forward = trace.trace(SKU.milk, 'L1', { direction: 'forward' })!.forward!;
    expect(forward.customers).toEqual([
      { location: 'CUST-1', name: 'Customer', kind: 'customer', qty: 10, returned: 2, documents: [{ docType: 'SO', docId: 'SO-1', qty: 8, firstAt: at(4), moveIds: [ids.ship1!.id, ids.return1!.id] }] },
      { location: 'CUST-2', name: 'Corner shop', kind: 'customer', qty: 5, returned: 5, documents: [{ docType: 'SO', docId: 'SO-2', qty: 0, firstAt: at(5), moveIds: [ids.ship2!.id, ids.reversal!.id] }] },
    ]);
    expect(forward.scrapped).toEqual([{ location: 'SCRAP', name: null, kind: 'scrap', qty: 3, returned: 0, documents: [{ docType: null, docId: null, qty: 3, firstAt: at(7), moveIds: [ids.scrap!.id] }] }]);
    const ledgerOnHand = f.ledger.balances({ lotId: ids.receipt!.lotId! }).filter((b) => !['SUP-1', 'CUST-1', 'CUST-2', 'SCRAP', 'PROD'].includes(b.location));
    expect(forward.onHand).toEqual(ledgerOnHand.map((b) => ({ location: b.location, locationKind: 'shelf', qty: b.qty })));
    expect(forward.onHand).toEqual([{ location: 'A02', locationKind: 'shelf', qty: 4 }, { location: 'B10', locationKind: 'shelf', qty: 48 }]);
  });

  it('follows production orders forward, several orders deep, with what each derived lot did', () => {
    const result = trace.trace(SKU.milk, 'L1', { direction: 'forward' })!;
    expect(result.backward).toBeNull();
    const { produced, truncated } = result.forward!;
    expect(truncated).toBe(false);
    expect(produced.map((l) => [l.depth, l.lot.sku, l.lot.batch, l.via.batch, l.docId, l.consumedQty, l.producedQty])).toEqual([
      [1, 'YOG-1', 'Y1', 'L1', 'MO-7', 37, 30],
      [2, 'DES-1', 'Z1', 'Y1', 'MO-8', 5, 8],
    ]);
    expect(produced[0]!.destinations.customers.map((c) => [c.location, c.qty])).toEqual([['CUST-1', 12]]);
    expect(produced[0]!.destinations.onHand).toEqual([{ location: 'B12', locationKind: 'shelf', qty: 13 }]);
    expect(produced[1]!.destinations.onHand).toEqual([{ location: 'A01', locationKind: 'shelf', qty: 8 }]);
  });

  it('follows production orders backward to the input lots and their suppliers', () => {
    const result = trace.trace('DES-1', 'Z1', { direction: 'backward' })!;
    expect(result.forward).toBeNull();
    const backward = result.backward!;
    expect(backward.suppliers).toEqual([]);
    expect(backward.inputs.map((l) => [l.depth, l.lot.batch, l.via.batch, l.docId, l.consumedQty, l.producedQty])).toEqual([
      [1, 'Y1', 'Z1', 'MO-8', 5, 8],
      [2, 'L1', 'Y1', 'MO-7', 37, 30],
    ]);
    expect(backward.inputs[1]!.suppliers).toEqual([
      { location: 'SUP-1', name: 'Dairy supplier', kind: 'supplier', qty: 100, returned: 0, documents: [{ docType: 'PO', docId: 'PO-1', qty: 100, firstAt: at(1), moveIds: [ids.receipt!.id] }] },
    ]);
    const milk = trace.trace(SKU.milk, 'L1', { direction: 'backward' })!.backward!;
    expect(milk.suppliers.map((s) => [s.location, s.qty])).toEqual([['SUP-1', 100]]);
    expect(milk.inputs).toEqual([]);
  });

  it('drops a production link whose moves were reversed', () => {
    const consume = f.ledger.post([{ sku: SKU.milk, lot: 'L1', qty: 1, from: 'B10', to: 'PROD', reason: 'production_consume', docType: 'MO', docId: 'MO-9' }], { actor: 'test' })[0]!;
    f.ledger.post([{ sku: 'YOG-1', lot: 'Y9', expiry: '2026-04-30', qty: 1, from: 'PROD', to: 'B12', reason: 'production_output', docType: 'MO', docId: 'MO-9' }], { actor: 'test' });
    expect(trace.trace(SKU.milk, 'L1')!.forward!.produced.map((l) => l.lot.batch)).toEqual(['Y1', 'Y9', 'Z1']);
    f.ledger.reverse(consume.id, { actor: 'test' });
    expect(trace.trace(SKU.milk, 'L1')!.forward!.produced.map((l) => l.lot.batch)).toEqual(['Y1', 'Z1']);
  });

  it(`stops at ${MAX_TRACE_DEPTH} orders deep and says the trace is truncated`, () => {
    f.catalog.putItem({ sku: 'CHAIN', name: 'Chain', category: 'chilled' });
    f.receive({ sku: 'CHAIN', lot: 'C0', expiry: '2027-01-01', qty: 1, to: 'A01' });
    for (let i = 0; i <= MAX_TRACE_DEPTH; i++) {
      f.ledger.post([
        { sku: 'CHAIN', lot: `C${i}`, qty: 1, from: 'A01', to: 'PROD', reason: 'production_consume', docType: 'MO', docId: `CH-${i}` },
        { sku: 'CHAIN', lot: `C${i + 1}`, expiry: '2027-01-01', qty: 1, from: 'PROD', to: 'A01', reason: 'production_output', docType: 'MO', docId: `CH-${i}` },
      ], { actor: 'test' });
    }
    const forward = trace.trace('CHAIN', 'C0')!.forward!;
    expect(forward.produced).toHaveLength(MAX_TRACE_DEPTH);
    expect(forward.produced.at(-1)!.depth).toBe(MAX_TRACE_DEPTH);
    expect(forward.truncated).toBe(true);
    const shorter = trace.trace('CHAIN', 'C5')!;
    expect(shorter.forward!.truncated).toBe(false);
    expect(shorter.backward!.inputs.map((l) => l.lot.batch)).toEqual(['C4', 'C3', 'C2', 'C1', 'C0']);
  });

  it('has no temperature evidence without a temperature source', () => {
    const result = trace.trace(SKU.milk, 'L1')!;
    expect(result.temperatureEvidence).toBe(false);
    expect(result.excursions).toEqual([]);
  });
});
