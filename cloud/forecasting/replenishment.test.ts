/**
 * Replenishment over the real inventory core (a SQLite file with the cloud migrations, the real
 * ledger, lots and reservations) with a ForecastSource of fixed daily numbers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InventoryError } from '../inventory/inventory-errors.ts';
import { SqliteReservations } from '../inventory/reservations.ts';
import { DAY, openInventoryFixture, SKU, type InventoryFixture } from '../inventory/testing/inventory-fixture.ts';
import { openReplenishment, type OpenReplenishment } from './replenishment.ts';
import { ReplenishmentError } from './replenishment-errors.ts';
import { FixedForecasts } from './testing/fixed-forecasts.ts';

let f: InventoryFixture;
let part: OpenReplenishment;
let forecasts: FixedForecasts;

/** Dairy: lead time 3 ± 1 days, 90% on time in full, minimum 50, packs of 12; milk at WH1 reviewed every 4 days at 95%. */
function open(): void {
  f = openInventoryFixture();
  forecasts = new FixedForecasts().set(SKU.milk, 'WH1', { daily: 10, errorSdPerDay: 2, model: 'ets' });
  part = openReplenishment(f.file, { clock: f.clock, forecasts });
  part.api.putSupplier({ id: 'DAIRY', name: 'Dairy co-op', leadTimeMeanDays: 3, leadTimeSdDays: 1, onTimeInFullRate: 0.9, minOrderQty: 50, packSize: 12 }, 'buyer');
  part.api.putSourcing({ sku: SKU.milk, location: 'WH1', supplier: 'DAIRY', reviewPeriodDays: 4 }, 'buyer');
}

afterEach(() => {
  part?.close();
  f?.close();
});

// Hand computation shared by the cases: coverage 3 + 4 = 7 days, demand 7 x 10 = 70;
// safety = 1.6449 x sqrt(7 x 2² + 10² x 1²) x (1 + 0.1) = 18.6094 x 1.1 = 20.47.

describe('a suggestion, computed by hand', () => {
  it('orders demand + safety - sellable, in whole packs', () => {
    open();
    f.receive({ sku: SKU.milk, lot: 'L-LONG', expiry: '2026-03-31', qty: 40, to: 'B10' });
    const { suggestions, skipped } = part.api.run();
    expect(skipped).toEqual([]);
    // 70 + 20.47 - 40 - 0 = 50.47 -> 5 packs of 12 = 60 (above the minimum 50)
    expect(suggestions).toHaveLength(1);
    expect(suggestions[0]).toMatchObject({
      sku: SKU.milk, location: 'WH1', supplier: 'DAIRY', createdAt: f.clock.now(), suggestedQty: 60, demandOverCoverage: 70, coverageDays: 7,
      safetyStock: 20.47, sellableOnHand: 40, expiringUnsellable: 0, inTransit: 0, reserved: 0, state: 'open', decidedBy: null, purchaseOrder: null,
    });
    const words = suggestions[0]!.explanation;
    for (const part of ['order 60', 'demand 70 over 7 days + safety 20.47 - sellable on hand 40 - in transit 0 = 50.47', 'whole packs of 12', 'minimum order 50',
      'lead time 3 + review period 4', 'ets forecast', 'z 1.645 (95% service)', 'reliability 1.1 (on time in full 90%)']) {
      expect(words, part).toContain(part);
    }
    expect(forecasts.calls.at(-1)).toEqual({ sku: SKU.milk, location: 'WH1', days: 7 });
  });

  it('a need below the minimum order is raised to it, in whole packs', () => {
    open();
    f.receive({ sku: SKU.milk, lot: 'L-LONG', expiry: '2026-03-31', qty: 70, to: 'B10' });
    // 70 + 20.47 - 70 = 20.47 -> minimum 50 -> 5 packs = 60
    expect(part.api.run().suggestions[0]!.suggestedQty).toBe(60);
    f.receive({ sku: SKU.milk, lot: 'L-LONG', qty: 30, to: 'B11' });
    const none = part.api.run().suggestions[0]!;
    expect(none.suggestedQty).toBe(0);
    expect(none.explanation).toContain('nothing to order');
  });
});

describe('stock that expires before it would sell', () => {
  it('does not count: the same 40 on hand orders more when 10 of them would expire', () => {
    open();
    // 30 expire on 2026-03-03 (2 days left): at 10/day 20 sell, 10 are lost; 10 more last.
    f.receive({ sku: SKU.milk, lot: 'L-SOON', expiry: '2026-03-03', qty: 30, to: 'B10' });
    f.receive({ sku: SKU.milk, lot: 'L-LONG', expiry: '2026-03-31', qty: 10, to: 'B11' });
    const s = part.api.run().suggestions[0]!;
    // 70 + 20.47 - 30 = 60.47 -> 6 packs = 72 (against 60 when all 40 last)
    expect(s).toMatchObject({ sellableOnHand: 30, expiringUnsellable: 10, suggestedQty: 72 });
    expect(s.explanation).toContain('lot L-SOON 10 expires 2026-03-03');
    expect(s.explanation).toContain('sellable on hand 30 = free 40');
  });
});

describe('near-expiry locks and frozen stock', () => {
  it('a drug lot sells only until its GSP lock; a quarantined lot never counts', () => {
    open();
    forecasts.set(SKU.drug, 'WH1', { daily: 5, errorSdPerDay: 0, model: 'croston' });
    part.api.putSupplier({ id: 'PHARMA', name: 'Pharma wholesale', leadTimeMeanDays: 5, leadTimeSdDays: 0, onTimeInFullRate: 1 }, 'buyer');
    part.api.putSourcing({ sku: SKU.drug, location: 'WH1', supplier: 'PHARMA', reviewPeriodDays: 5 }, 'buyer');
    // 33 days left, the drug category locks at 30: sells on days 1 to 3 only (15 of 50).
    f.receive({ sku: SKU.drug, lot: 'D-SHORT', expiry: '2026-04-03', qty: 50, to: 'A01' });
    f.receive({ sku: SKU.drug, lot: 'D-HOLD', expiry: '2027-01-31', qty: 20, to: 'A02' });
    f.catalog.setLotStatus(SKU.drug, 'D-HOLD', 'quarantined', 'supplier complaint', 'qa');
    const milk = part.api.run().suggestions.find((x) => x.sku === SKU.milk)!;
    const s = part.api.run({ sku: SKU.drug }).suggestions[0]!;
    // coverage 10 days, demand 50, safety 0 (no forecast error, fixed lead time) - sellable 15 = 35, packs of 1
    expect(s).toMatchObject({ coverageDays: 10, demandOverCoverage: 50, safetyStock: 0, sellableOnHand: 15, expiringUnsellable: 35, suggestedQty: 35 });
    expect(s.explanation).toContain('lot D-SHORT 35 enters its near-expiry lock on 2026-03-05 (expires 2026-04-03)');
    expect(s.explanation).toContain('on hand 70 - frozen 20');
    // A run scoped to the drug leaves milk's open suggestion alone.
    expect(part.api.suggestions({ state: 'open' }).map((x) => x.id).sort()).toEqual([milk.id, s.id].sort());
  });
});

describe('in transit and reserved', () => {
  it('reserved and pending outbound stock is not sellable; transit stock coming here counts', () => {
    open();
    const reservations = new SqliteReservations(f.db, f.clock);
    f.receive({ sku: SKU.milk, lot: 'L-LONG', expiry: '2026-03-31', qty: 40, to: 'B10' });
    reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 15, orderRef: 'SO-1' }, { actor: 'sales' });
    reservations.reserve({ sku: SKU.milk, kind: 'outbound', qty: 5 }, { actor: 'sales' });
    f.receive({ sku: SKU.milk, lot: 'L-LONG', qty: 12, to: 'TRANSIT' });
    const s = part.api.run().suggestions[0]!;
    // 70 + 20.47 - (40 - 20) - 12 = 58.47 -> 5 packs = 60
    expect(s).toMatchObject({ reserved: 20, sellableOnHand: 20, inTransit: 12, suggestedQty: 60 });
    expect(s.explanation).toContain('in transit 12 = at TRANSIT 12');
    expect(s.explanation).toContain('reserved and pending outbound 20');
  });

  it('transit stock outside every warehouse is not counted when two warehouses are replenished; transit under one counts there', () => {
    open();
    f.catalog.putLocation({ code: 'WH2', name: 'Second warehouse', kind: 'warehouse' });
    f.catalog.putLocation({ code: 'WH2-IN', name: 'Inbound to WH2', kind: 'transit', parent: 'WH2' });
    forecasts.set(SKU.milk, 'WH2', { daily: 10, errorSdPerDay: 2 });
    part.api.putSourcing({ sku: SKU.milk, location: 'WH2', supplier: 'DAIRY', reviewPeriodDays: 4 }, 'buyer');
    f.receive({ sku: SKU.milk, lot: 'L-LONG', expiry: '2026-03-31', qty: 12, to: 'TRANSIT' });
    f.receive({ sku: SKU.milk, lot: 'L-LONG', qty: 24, to: 'WH2-IN' });
    const bySite = Object.fromEntries(part.api.run().suggestions.map((s) => [s.location, s]));
    expect(bySite.WH1).toMatchObject({ inTransit: 0 });
    expect(bySite.WH1!.explanation).toContain('12 at TRANSIT: it cannot be told which of WH1, WH2 it goes to');
    expect(bySite.WH2).toMatchObject({ inTransit: 24 });
  });

  it('open purchase orders count as in transit when a purchasing part supplies them', () => {
    f = openInventoryFixture();
    forecasts = new FixedForecasts().set(SKU.milk, 'WH1', { daily: 10, errorSdPerDay: 2 });
    part = openReplenishment(f.file, { clock: f.clock, forecasts, onOrder: (sku) => (sku === SKU.milk ? { qty: 24, text: 'PO-7 24' } : undefined) });
    part.api.putSupplier({ id: 'DAIRY', name: 'Dairy co-op', leadTimeMeanDays: 3, leadTimeSdDays: 1, onTimeInFullRate: 0.9, minOrderQty: 50, packSize: 12 }, 'buyer');
    part.api.putSourcing({ sku: SKU.milk, location: 'WH1', supplier: 'DAIRY', reviewPeriodDays: 4 }, 'buyer');
    const s = part.api.run().suggestions[0]!;
    // 70 + 20.47 - 0 - 24 = 66.47 -> 6 packs = 72
    expect(s).toMatchObject({ inTransit: 24, suggestedQty: 72 });
    expect(s.explanation).toContain('on order 24 (PO-7 24)');
  });
});

describe('runs, decisions and stock', () => {
  it('a run replaces open suggestions, keeps decided ones, and never changes stock', () => {
    open();
    f.receive({ sku: SKU.milk, lot: 'L-LONG', expiry: '2026-03-31', qty: 40, to: 'B10' });
    const before = { counts: f.ledger.counts(), balances: f.ledger.balances({}) };
    const first = part.api.run().suggestions[0]!;
    f.clock.advance(DAY);
    const second = part.api.run().suggestions[0]!;
    expect(part.api.suggestion(first.id)).toBeUndefined();
    const accepted = part.api.accept(second.id, 'buyer', 'PO-2026-031');
    expect(accepted).toMatchObject({ state: 'accepted', decidedBy: 'buyer', decidedAt: f.clock.now(), purchaseOrder: 'PO-2026-031' });
    const third = part.api.run().suggestions[0]!;
    expect(part.api.suggestions().map((s) => [s.id, s.state])).toEqual([[third.id, 'open'], [second.id, 'accepted']]);
    expect(part.api.dismiss(third.id, 'buyer')).toMatchObject({ state: 'dismissed', decidedBy: 'buyer', purchaseOrder: null });
    expect({ counts: f.ledger.counts(), balances: f.ledger.balances({}) }).toEqual(before);
  });

  it('a decided suggestion cannot be decided again; one that orders nothing cannot be accepted', () => {
    open();
    const s = part.api.run().suggestions[0]!;
    part.api.dismiss(s.id, 'buyer');
    expect(() => part.api.accept(s.id, 'buyer')).toThrow(/was dismissed by buyer/);
    f.receive({ sku: SKU.milk, lot: 'L-LONG', expiry: '2026-03-31', qty: 500, to: 'B10' });
    const zero = part.api.run().suggestions[0]!;
    expect(zero.suggestedQty).toBe(0);
    expect(() => part.api.accept(zero.id, 'buyer')).toThrow(/ordering nothing/);
    expect(() => part.api.dismiss(999, 'buyer')).toThrow(/no replenishment suggestion 999/);
    expect(part.api.suggestion(zero.id)!.state).toBe('open');
  });

  it('a SKU x location without a forecast is skipped with the reason, and its old open suggestion goes', () => {
    open();
    const old = part.api.run().suggestions[0]!;
    const withoutForecasts = openReplenishment(f.file, { clock: f.clock, forecasts: new FixedForecasts() });
    const run = withoutForecasts.api.run();
    withoutForecasts.close();
    expect(run.suggestions).toEqual([]);
    expect(run.skipped).toEqual([{ sku: SKU.milk, location: 'WH1', reason: expect.stringMatching(/no forecast for MILK-1L at WH1: run the forecast job/) }]);
    expect(part.api.suggestion(old.id)).toBeUndefined();
  });
});

describe('bad input', () => {
  it('unknown SKUs, locations and suppliers are refused by name, with what exists', () => {
    open();
    const refusal = (fn: () => unknown) => {
      try { fn(); } catch (error) { return error as InventoryError | ReplenishmentError; }
      throw new Error('expected a refusal');
    };
    const sku = refusal(() => part.api.putSourcing({ sku: 'MILK-1', location: 'WH1', supplier: 'DAIRY', reviewPeriodDays: 4 }, 'buyer'));
    expect(sku).toBeInstanceOf(InventoryError);
    expect(sku).toMatchObject({ code: 'UNKNOWN_SKU', field: 'sku', message: expect.stringContaining('did you mean') });
    expect(refusal(() => part.api.putSourcing({ sku: SKU.milk, location: 'WH9', supplier: 'DAIRY', reviewPeriodDays: 4 }, 'buyer'))).toMatchObject({ code: 'UNKNOWN_LOCATION', field: 'location' });
    expect(refusal(() => part.api.putSourcing({ sku: SKU.milk, location: 'TRANSIT', supplier: 'DAIRY', reviewPeriodDays: 4 }, 'buyer')))
      .toMatchObject({ code: 'INVALID_INPUT', field: 'location', message: expect.stringContaining('is a transit location') });
    expect(refusal(() => part.api.putSourcing({ sku: SKU.milk, location: 'WH1', supplier: 'DIARY', reviewPeriodDays: 4 }, 'buyer')))
      .toMatchObject({ code: 'UNKNOWN_SUPPLIER', field: 'supplier', message: expect.stringContaining('"DAIRY"') });
    expect(refusal(() => part.api.run({ sku: 'NOPE' }))).toMatchObject({ code: 'UNKNOWN_SKU', field: 'sku' });
    expect(part.api.sourcing()).toEqual([expect.objectContaining({ sku: SKU.milk, location: 'WH1', supplier: 'DAIRY', reviewPeriodDays: 4, serviceLevel: 0.95, updatedBy: 'buyer' })]);
  });

  it('bad numbers name the field and the fix, and change nothing', () => {
    open();
    const good = { id: 'DAIRY', name: 'Dairy co-op', leadTimeMeanDays: 3, leadTimeSdDays: 1, onTimeInFullRate: 0.9, minOrderQty: 50, packSize: 12 };
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ leadTimeMeanDays: -1 }, 'leadTimeMeanDays', /mean lead time in days, from 0 to 365/],
      [{ leadTimeSdDays: Number.NaN }, 'leadTimeSdDays', /standard deviation/],
      [{ onTimeInFullRate: 92 }, 'onTimeInFullRate', /from 0 to 1, e.g. 0.92/],
      [{ packSize: 0 }, 'packSize', /above 0/],
      [{ minOrderQty: 1.23456 }, 'minOrderQty', /at most 3 decimals/],
      [{ name: '' }, 'name', /1 to 200 characters/],
      [{ id: 'bad id' }, 'id', /not a supplier id/],
    ];
    for (const [change, field, message] of cases) {
      expect(() => part.api.putSupplier({ ...good, ...change } as never, 'buyer'), field).toThrow(message);
      try { part.api.putSupplier({ ...good, ...change } as never, 'buyer'); } catch (error) { expect((error as ReplenishmentError).field).toBe(field); }
    }
    for (const [change, field] of [[{ reviewPeriodDays: 0 }, 'reviewPeriodDays'], [{ reviewPeriodDays: 2.5 }, 'reviewPeriodDays'], [{ serviceLevel: 1 }, 'serviceLevel'], [{ serviceLevel: 0.2 }, 'serviceLevel']] as const) {
      expect(() => part.api.putSourcing(Object.assign({ sku: SKU.milk, location: 'WH1', supplier: 'DAIRY', reviewPeriodDays: 4 }, change), 'buyer'), field).toThrow(new RegExp(`^${field}:`));
    }
    expect(part.api.suppliers()).toEqual([expect.objectContaining({ ...good, updatedBy: 'buyer' })]);
    expect(part.api.sourcing()[0]).toMatchObject({ reviewPeriodDays: 4, serviceLevel: 0.95 });
    expect(() => part.api.accept(1, 'buyer', '')).toThrow(/purchaseOrder/);
  });
});
