/**
 * Property test (fast-check) of the ledger: random sequences of receipts, transfers, shipments,
 * scraps and reversals, many of them impossible. Whatever the sequence, storage locations never
 * go negative, a refused post changes nothing, the balances equal a model kept beside it, and
 * the drift check finds nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InventoryError } from './inventory-errors.ts';
import type { MoveInput } from './inventory-types.ts';
import { openInventoryFixture, SKU } from './testing/inventory-fixture.ts';

const shelves = ['RECV', 'B10', 'B11', 'A01'] as const;
const lots = ['L1', 'L2'] as const;

type Step =
  | { kind: 'receipt'; lot: string; qty: number; to: string }
  | { kind: 'transfer'; lot: string; qty: number; from: string; to: string }
  | { kind: 'ship'; lot: string; qty: number; from: string }
  | { kind: 'scrap'; lot: string; qty: number; from: string }
  | { kind: 'reverse'; back: number };

const qty = fc.integer({ min: 1, max: 4000 }).map((n) => n / 100);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('receipt' as const), lot: fc.constantFrom(...lots), qty, to: fc.constantFrom(...shelves) }),
  fc.record({ kind: fc.constant('transfer' as const), lot: fc.constantFrom(...lots), qty, from: fc.constantFrom(...shelves), to: fc.constantFrom(...shelves) }),
  fc.record({ kind: fc.constant('ship' as const), lot: fc.constantFrom(...lots), qty, from: fc.constantFrom(...shelves) }),
  fc.record({ kind: fc.constant('scrap' as const), lot: fc.constantFrom(...lots), qty, from: fc.constantFrom(...shelves) }),
  fc.record({ kind: fc.constant('reverse' as const), back: fc.integer({ min: 1, max: 5 }) }),
);

const moveOf = (s: Exclude<Step, { kind: 'reverse' }>): MoveInput => {
  const base = { sku: SKU.milk, lot: s.lot, qty: s.qty };
  if (s.kind === 'receipt') return { ...base, expiry: '2099-12-31', from: 'SUP-1', to: s.to, reason: 'receipt' };
  if (s.kind === 'transfer') return { ...base, from: s.from, to: s.to, reason: 'transfer' };
  if (s.kind === 'ship') return { ...base, from: s.from, to: 'CUST-1', reason: 'shipment' };
  return { ...base, from: s.from, to: 'SCRAP', reason: 'scrap' };
};

describe('ledger properties', () => {
  it('keeps every invariant over random sequences, refusals changing nothing', () => {
    fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
      const f = openInventoryFixture();
      try {
        const model = new Map<string, number>();
        const add = (location: string, lot: string, delta: number) => {
          const key = `${location}/${lot}`;
          model.set(key, Math.round(((model.get(key) ?? 0) + delta) * 1000) / 1000);
        };
        for (const s of steps) {
          const before = f.ledger.balances({ includeZero: true });
          try {
            if (s.kind === 'reverse') {
              const id = f.ledger.counts().moves - s.back + 1;
              if (id < 1) continue;
              const reversal = f.ledger.reverse(id, { actor: 'prop' });
              add(reversal.from, reversal.lot!, -reversal.qty);
              add(reversal.to, reversal.lot!, reversal.qty);
            } else {
              const [move] = f.ledger.post([moveOf(s)], { actor: 'prop' });
              add(move!.from, move!.lot!, -move!.qty);
              add(move!.to, move!.lot!, move!.qty);
            }
          } catch (error) {
            if (!(error instanceof InventoryError)) throw error;
            expect(f.ledger.balances({ includeZero: true })).toEqual(before);
          }
        }
        const balances = f.ledger.balances({});
        for (const b of balances) {
          if (!f.catalog.location(b.location)!.allowNegative) expect(b.qty, `${b.location}/${b.lot}`).toBeGreaterThanOrEqual(0);
          expect(b.qty, `${b.location}/${b.lot}`).toBe(model.get(`${b.location}/${b.lot}`));
        }
        expect(balances.length).toBe([...model.values()].filter((q) => q !== 0).length);
        const drift = f.ledger.driftCheck();
        expect(drift.findings).toEqual([]);
        expect(drift.serialFindings).toEqual([]);
      } finally {
        f.close();
      }
    }), { numRuns: 60 });
  }, 60_000);
});
