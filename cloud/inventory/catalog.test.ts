/**
 * The catalogue on a real SQLite file: upserts, the location tree and its guards, lots with
 * derived expiry status and days left, and the refusals that keep posted moves valid.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InventoryError } from './inventory-errors.ts';
import { DAY, openInventoryFixture, SKU, type InventoryFixture } from './testing/inventory-fixture.ts';

let f: InventoryFixture;
beforeEach(() => { f = openInventoryFixture(); });
afterEach(() => f.close());

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof InventoryError) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected an InventoryError');
};

describe('inventory catalogue', () => {
  it('lists locations in tree order with their path from the root', () => {
    const locations = f.catalog.locations();
    const index = (code: string) => locations.findIndex((l) => l.code === code);
    for (const l of locations) if (l.parent) expect(index(l.parent), l.code).toBeLessThan(index(l.code));
    expect(f.catalog.location('B12')).toMatchObject({ kind: 'shelf', parent: 'COLD', path: ['WH1', 'COLD', 'B12'], temperatureC: { min: 2, max: 8 }, allowNegative: false });
    expect(f.catalog.location('SUP-1')).toMatchObject({ kind: 'supplier', allowNegative: true, path: ['SUP-1'] });
  });

  it('upserts by key, keeping what an update leaves out', () => {
    f.catalog.putCategory({ id: 'drug', name: 'Drugs (GSP)' });
    expect(f.catalog.category('drug')).toEqual({ id: 'drug', name: 'Drugs (GSP)', nearExpiryDays: 90, compliance: 'drug_gsp', lockDays: 30 });
    f.catalog.putItem({ sku: SKU.milk, name: 'Whole milk 1 l', category: 'chilled' });
    expect(f.catalog.item(SKU.milk)).toMatchObject({ name: 'Whole milk 1 l', gtin: '09506000134352', temperatureC: { min: 2, max: 8 }, shelfLifeDays: 21, lotTracked: true });
    expect(f.catalog.itemByGtin('09506000134352')!.sku).toBe(SKU.milk);
    expect(f.catalog.putChannel({ id: 'douyin', name: 'Douyin', quotaPct: 60 })).toEqual({ id: 'douyin', name: 'Douyin', quotaPct: 60 });
    expect(f.catalog.putChannel({ id: 'douyin', name: 'Douyin shop' }).quotaPct).toBe(60);
    expect(f.catalog.items()).toHaveLength(4);
  });

  it('refuses a parent cycle, an unknown parent and negative stock on storage locations', () => {
    expect(refusal(() => f.catalog.putLocation({ code: 'WH1', kind: 'warehouse', parent: 'B10' }))).toMatchObject({ code: 'INVALID_INPUT', field: 'parent', message: expect.stringContaining('cycle') });
    expect(refusal(() => f.catalog.putLocation({ code: 'B10', kind: 'shelf', parent: 'B10' }))).toMatchObject({ code: 'INVALID_INPUT', field: 'parent' });
    expect(refusal(() => f.catalog.putLocation({ code: 'B13', kind: 'shelf', parent: 'CLD' }))).toMatchObject({ code: 'UNKNOWN_LOCATION', field: 'parent', message: expect.stringContaining('did you mean "COLD"') });
    expect(refusal(() => f.catalog.putLocation({ code: 'B13', kind: 'shelf', parent: 'COLD', allowNegative: true }))).toMatchObject({ code: 'INVALID_INPUT', field: 'allowNegative' });
    expect(refusal(() => f.catalog.putLocation({ code: 'B 13', kind: 'shelf' }))).toMatchObject({ code: 'INVALID_INPUT', field: 'code' });
    expect(f.catalog.location('B13')).toBeUndefined();
    expect(f.catalog.location('WH1')!.parent).toBeNull();
  });

  it('refuses to change the kind of a location holding stock, or the tracking of an item with moves', () => {
    f.receive({ sku: SKU.bolt, qty: 5, to: 'A01' });
    expect(refusal(() => f.catalog.putLocation({ code: 'A01', kind: 'inspection' }))).toMatchObject({ code: 'CONFLICT', field: 'kind', message: expect.stringContaining('holds stock') });
    expect(refusal(() => f.catalog.putItem({ sku: SKU.bolt, name: 'Bolt', category: 'general', lotTracked: true }))).toMatchObject({ code: 'CONFLICT', field: 'lotTracked' });
    expect(refusal(() => f.catalog.putLocation({ code: 'SUP-1', kind: 'supplier', allowNegative: false }))).toMatchObject({ code: 'CONFLICT', field: 'allowNegative' });
    // An empty location may change kind.
    expect(f.catalog.putLocation({ code: 'A02', kind: 'inspection' }).kind).toBe('inspection');
  });

  it('derives expired status and whole UTC days left from the clock, and records status changes', () => {
    f.catalog.putLot({ sku: SKU.milk, batch: 'L1', expiry: '2026-03-10' });
    expect(f.catalog.lot(SKU.milk, 'L1')).toMatchObject({ status: 'released', storedStatus: 'released', daysLeft: 9 });
    f.clock.set(Date.parse('2026-03-10T23:59:00Z'));
    expect(f.catalog.lot(SKU.milk, 'L1')).toMatchObject({ status: 'released', daysLeft: 0 });
    f.clock.advance(2 * 60_000);
    expect(f.catalog.lot(SKU.milk, 'L1')).toMatchObject({ status: 'expired', storedStatus: 'released', daysLeft: -1 });
    const at = f.clock.now();
    const recalled = f.catalog.setLotStatus(SKU.milk, 'L1', 'recalled', 'supplier recall R-12', 'qa');
    expect(recalled).toMatchObject({ status: 'recalled', statusReason: 'supplier recall R-12' });
    expect(f.db.prepare('SELECT status_changed_at FROM inv_lot WHERE id = ?').pluck().get(recalled.id)).toBe(at);
    f.clock.advance(DAY);
    expect(f.catalog.lots({ sku: SKU.milk }).map((l) => l.status)).toEqual(['recalled']);
    expect(refusal(() => f.catalog.setLotStatus(SKU.milk, 'L2', 'released', null, 'qa'))).toMatchObject({ code: 'UNKNOWN_LOT', field: 'batch', message: expect.stringContaining('did you mean "L1"') });
    expect(refusal(() => f.catalog.putLot({ sku: SKU.bolt, batch: 'X' }))).toMatchObject({ code: 'INVALID_INPUT', field: 'sku' });
    expect(refusal(() => f.catalog.putLot({ sku: SKU.milk, batch: 'L3', expiry: '31.12.2026' }))).toMatchObject({ code: 'INVALID_INPUT', field: 'expiry' });
  });

  it('refuses an item in an unknown category and a GTIN another item holds', () => {
    expect(refusal(() => f.catalog.putItem({ sku: 'YOG-1', name: 'Yoghurt', category: 'chiled' }))).toMatchObject({ code: 'UNKNOWN_CATEGORY', field: 'category', message: expect.stringContaining('did you mean "chilled"') });
    expect(refusal(() => f.catalog.putItem({ sku: 'YOG-1', name: 'Yoghurt', category: 'chilled', gtin: '09506000134352' }))).toMatchObject({ code: 'CONFLICT', field: 'gtin' });
    expect(f.catalog.item('YOG-1')).toBeUndefined();
  });
});
