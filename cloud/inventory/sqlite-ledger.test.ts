/**
 * The move ledger on a real SQLite file: posting, every refusal leaving the ledger exactly as it
 * was, idempotent retries, reversals, serials, reservations fulfilled by picks, shipping checks
 * and back-dated moves.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InventoryError, type InventoryErrorCode } from './inventory-errors.ts';
import type { MoveInput } from './inventory-types.ts';
import { DAY, openInventoryFixture, SKU, type InventoryFixture } from './testing/inventory-fixture.ts';

let f: InventoryFixture;
beforeEach(() => { f = openInventoryFixture(); });
afterEach(() => f.close());

/** Everything a refused post must leave untouched. */
function snapshot() {
  return {
    counts: f.ledger.counts(),
    balances: f.ledger.balances({ includeZero: true }),
    lots: f.db.prepare('SELECT * FROM inv_lot ORDER BY id').all(),
    serials: f.db.prepare('SELECT * FROM inv_serial ORDER BY sku, serial').all(),
    reservations: f.db.prepare('SELECT * FROM inv_reservation_line ORDER BY reservation_id, location').all(),
    reservationStatus: f.db.prepare('SELECT id, status FROM inv_reservation ORDER BY id').all(),
  };
}

/** Posts, expects the refusal, and checks that nothing changed. */
function expectRefused(moves: MoveInput[], code: InventoryErrorCode, field: string | null, message?: RegExp | string): InventoryError {
  const before = snapshot();
  let caught: unknown;
  try {
    f.ledger.post(moves, { actor: 'tester' });
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InventoryError);
  const error = caught as InventoryError;
  expect({ code: error.code, field: error.field }).toEqual({ code, field });
  if (message !== undefined) expect(error.message).toMatch(message);
  expect(snapshot()).toEqual(before);
  return error;
}

const qtyAt = (location: string, sku: string = SKU.milk) => f.ledger.balances({ sku, location }).reduce((sum, b) => sum + b.qty, 0);

function receiveMilk(qty = 10, lot = 'L1', expiry = '2026-03-20') {
  return f.ledger.post([
    { sku: SKU.milk, lot, expiry, qty, from: 'SUP-1', to: 'RECV', reason: 'receipt', docType: 'PO', docId: 'PO-1' },
    { sku: SKU.milk, lot, qty, from: 'RECV', to: 'B10', reason: 'putaway' },
  ], { actor: 'anna' });
}

/** A reservation as the reservations part writes it: one active order line. */
function reserve(location: string, lot: string, qty: number): number {
  const lotId = f.catalog.lot(SKU.milk, lot)!.id;
  const id = Number(f.db.prepare(`INSERT INTO inv_reservation (sku, kind, qty, status, created_at, updated_at, actor) VALUES (?, 'order', ?, 'active', 0, 0, 'sales')`)
    .run(SKU.milk, qty).lastInsertRowid);
  f.db.prepare('INSERT INTO inv_reservation_line (reservation_id, sku, location, lot_key, qty) VALUES (?, ?, ?, ?, ?)').run(id, SKU.milk, location, lotId, qty);
  return id;
}

describe('posting moves', () => {
  it('posts a receipt that creates the lot and a putaway in one transaction, double-entry', () => {
    const [receipt, putaway] = receiveMilk(10);
    expect(receipt).toMatchObject({ sku: SKU.milk, lot: 'L1', qty: 10, from: 'SUP-1', to: 'RECV', reason: 'receipt', docType: 'PO', docId: 'PO-1', actor: 'anna' });
    expect(putaway!.id).toBe(receipt!.id + 1);
    expect(f.catalog.lot(SKU.milk, 'L1')).toMatchObject({ expiry: '2026-03-20', status: 'released', supplier: 'SUP-1', daysLeft: 19 });
    expect(f.ledger.balances({ sku: SKU.milk }).map((b) => [b.location, b.qty])).toEqual([['B10', 10], ['SUP-1', -10]]);
    expect(f.ledger.balances({ sku: SKU.milk, includeZero: true }).map((b) => [b.location, b.qty])).toEqual([['B10', 10], ['RECV', 0], ['SUP-1', -10]]);
    expect(f.ledger.move(putaway!.id)).toEqual(putaway);
    expect(f.ledger.counts()).toEqual({ moves: 2, balances: 3 });
  });

  it('keeps balances at 3 decimals however many fractions are added', () => {
    for (let i = 0; i < 10; i++) f.ledger.post([{ sku: SKU.bolt, qty: 0.1, from: 'SUP-1', to: 'A01', reason: 'receipt' }], { actor: 'anna' });
    f.ledger.post([{ sku: SKU.bolt, qty: 0.3, from: 'A01', to: 'PROD', reason: 'production_consume' }], { actor: 'anna' });
    expect(qtyAt('A01', SKU.bolt)).toBe(0.7);
    expect(f.ledger.driftCheck().findings).toEqual([]);
  });

  it('lists moves newest first, by location on either side, paged with beforeId', () => {
    receiveMilk(10);
    f.ledger.post([{ sku: SKU.milk, lot: 'L1', qty: 3, from: 'B10', to: 'B11', reason: 'transfer' }], { actor: 'anna' });
    expect(f.ledger.moves({ location: 'B10' }).map((m) => m.id)).toEqual([3, 2]);
    expect(f.ledger.moves({ sku: SKU.milk, limit: 2 }).map((m) => m.id)).toEqual([3, 2]);
    expect(f.ledger.moves({ sku: SKU.milk, beforeId: 2 }).map((m) => m.id)).toEqual([1]);
    expect(f.ledger.moves({ docType: 'PO', docId: 'PO-1' }).map((m) => m.id)).toEqual([1]);
    expect(f.ledger.moves({ lotId: f.catalog.lot(SKU.milk, 'L1')!.id }).length).toBe(3);
  });

  it('takes a back-dated move as a plain sum: balances change by its quantity and nothing else is recomputed', () => {
    receiveMilk(10);
    const lastWeek = f.clock.now() - 7 * DAY;
    const [late] = f.ledger.post([{ sku: SKU.milk, lot: 'L1', qty: 2, from: 'B10', to: 'SCRAP', reason: 'scrap', effectiveAt: lastWeek }], { actor: 'anna' });
    expect(late).toMatchObject({ effectiveAt: lastWeek, postedAt: f.clock.now() });
    expect(qtyAt('B10')).toBe(8);
    expect(f.ledger.moves({ sku: SKU.milk })[0]!.id).toBe(late!.id);
    expect(f.ledger.driftCheck().findings).toEqual([]);
  });

  it('refuses UPDATE and DELETE on inv_move: the ledger is immutable', () => {
    receiveMilk(10);
    expect(() => f.db.prepare('UPDATE inv_move SET qty = 99 WHERE id = 1').run()).toThrow(/immutable/);
    expect(() => f.db.prepare('DELETE FROM inv_move WHERE id = 1').run()).toThrow(/immutable/);
    expect(f.ledger.move(1)!.qty).toBe(10);
  });
});

describe('refusals leave the ledger unchanged', () => {
  beforeEach(() => { receiveMilk(10); });

  it('names an unknown SKU or location with the nearest known code', () => {
    expectRefused([{ sku: 'MILK-1I', lot: 'L1', qty: 1, from: 'B10', to: 'B11', reason: 'transfer' }], 'UNKNOWN_SKU', 'moves.0.sku', /no item "MILK-1I" \(did you mean "MILK-1L"\?\)/);
    expectRefused([{ sku: SKU.milk, lot: 'L1', qty: 1, from: 'B10', to: 'B13X', reason: 'transfer' }], 'UNKNOWN_LOCATION', 'moves.0.to', /no location "B13X"(?!.*did you mean)/);
    expectRefused([{ sku: SKU.milk, lot: 'L1', qty: 1, from: 'AO1', to: 'B11', reason: 'transfer' }], 'UNKNOWN_LOCATION', 'moves.0.from', /did you mean "A01"/);
    // Equally near to B10, B11 and B12: no guess.
    expectRefused([{ sku: SKU.milk, lot: 'L1', qty: 1, from: 'B1O', to: 'B11', reason: 'transfer' }], 'UNKNOWN_LOCATION', 'moves.0.from', /"B1O"; GET/);
  });

  it('refuses quantities that are not positive with at most 3 decimals', () => {
    for (const qty of [-1, 0, 1.2345, Number.NaN]) {
      expectRefused([{ sku: SKU.milk, lot: 'L1', qty, from: 'B10', to: 'B11', reason: 'transfer' }], 'INVALID_QUANTITY', 'moves.0.qty', /above 0 with at most 3 decimals/);
    }
  });

  it('names the first bad move of a post, and rolls back the good ones before it', () => {
    const error = expectRefused([
      { sku: SKU.milk, lot: 'L2', expiry: '2026-04-01', qty: 5, from: 'SUP-1', to: 'RECV', reason: 'receipt' },
      { sku: SKU.milk, lot: 'L1', qty: 1, from: 'B10', to: 'B10', reason: 'transfer' },
    ], 'INVALID_INPUT', 'moves.1.to');
    expect(error.message).toContain('leaves and enters B10');
    expect(f.catalog.lot(SKU.milk, 'L2')).toBeUndefined();
  });

  it('asks for a lot exactly when the item is lot-tracked, and knows its lots', () => {
    expectRefused([{ sku: SKU.milk, qty: 1, from: 'B10', to: 'B11', reason: 'transfer' }], 'LOT_REQUIRED', 'moves.0.lot');
    expectRefused([{ sku: SKU.bolt, lot: 'X', qty: 1, from: 'SUP-1', to: 'A01', reason: 'receipt' }], 'INVALID_INPUT', 'moves.0.lot', /not lot-tracked/);
    expectRefused([{ sku: SKU.milk, lot: 'L9', qty: 1, from: 'B10', to: 'B11', reason: 'transfer' }], 'UNKNOWN_LOT', 'moves.0.lot', /has no lot "L9" \(did you mean "L1"\?\)/);
    // A receipt creates a lot only when it says the lot's expiry.
    expectRefused([{ sku: SKU.milk, lot: 'L2', qty: 1, from: 'SUP-1', to: 'RECV', reason: 'receipt' }], 'UNKNOWN_LOT', 'moves.0.lot', /gives its expiry/);
    expectRefused([{ sku: SKU.milk, lot: 'L1', expiry: '2026-05-01', qty: 1, from: 'SUP-1', to: 'RECV', reason: 'receipt' }], 'INVALID_INPUT', 'moves.0.expiry', /expires 2026-03-20, not 2026-05-01/);
    expectRefused([{ sku: SKU.milk, lot: 'L2', expiry: '2026-02-30', qty: 1, from: 'SUP-1', to: 'RECV', reason: 'receipt' }], 'INVALID_INPUT', 'moves.0.expiry');
  });

  it('refuses a move from a location that does not hold enough, naming location, SKU, lot, held and needed', () => {
    expectRefused([{ sku: SKU.milk, lot: 'L1', qty: 1, from: 'B11', to: 'B12', reason: 'transfer' }], 'INSUFFICIENT_STOCK', 'moves.0.qty', 'B11 holds 0 of MILK-1L lot L1, and the post takes 1; 1 short');
    expectRefused([
      { sku: SKU.milk, lot: 'L1', qty: 6, from: 'B10', to: 'B11', reason: 'transfer' },
      { sku: SKU.milk, lot: 'L1', qty: 6, from: 'B10', to: 'B12', reason: 'transfer' },
    ], 'INSUFFICIENT_STOCK', 'moves.0.qty', 'B10 holds 10 of MILK-1L lot L1, and the post takes 12; 2 short');
    // Virtual locations that are no counterparty (transit, inspection, scrap) cannot go negative either.
    expectRefused([{ sku: SKU.milk, lot: 'L1', qty: 1, from: 'TRANSIT', to: 'B12', reason: 'transfer' }], 'INSUFFICIENT_STOCK', 'moves.0.qty');
  });

  it('judges a post by where it ends: stock brought in earlier in the same post may leave again', () => {
    const moves = f.ledger.post([
      { sku: SKU.milk, lot: 'L1', qty: 10, from: 'B10', to: 'TRANSIT', reason: 'transfer' },
      { sku: SKU.milk, lot: 'L1', qty: 10, from: 'TRANSIT', to: 'B12', reason: 'transfer' },
    ], { actor: 'anna' });
    expect(moves).toHaveLength(2);
    expect([qtyAt('B10'), qtyAt('TRANSIT'), qtyAt('B12')]).toEqual([0, 0, 10]);
  });

  it('refuses to post a reversal directly or an unknown reason', () => {
    expectRefused([{ sku: SKU.milk, lot: 'L1', qty: 1, from: 'B10', to: 'B11', reason: 'reversal' }], 'INVALID_INPUT', 'moves.0.reason', /moves\/:id\/reverse/);
    expectRefused([{ sku: SKU.milk, lot: 'L1', qty: 1, from: 'B10', to: 'B11', reason: 'teleport' as never }], 'INVALID_INPUT', 'moves.0.reason');
  });
});

describe('idempotent posts', () => {
  it('answers a retry with the same request key with the moves first posted, posting nothing', () => {
    const move: MoveInput = { sku: SKU.bolt, qty: 5, from: 'SUP-1', to: 'A01', reason: 'receipt' };
    const first = f.ledger.post([move, { ...move, qty: 2 }], { actor: 'anna', requestKey: 'po-7' });
    const retry = f.ledger.post([move, { ...move, qty: 2 }], { actor: 'anna', requestKey: 'po-7' });
    expect(retry).toEqual(first);
    expect(f.ledger.counts().moves).toBe(2);
    expect(qtyAt('A01', SKU.bolt)).toBe(7);
    // A key that merely starts like another is a different request.
    f.ledger.post([move], { actor: 'anna', requestKey: 'po-7#1' });
    expect(f.ledger.post([move], { actor: 'anna', requestKey: 'po-7' })).toEqual(first);
    expect(qtyAt('A01', SKU.bolt)).toBe(12);
  });
});

describe('reversals', () => {
  it('posts the mirror move, refuses a second reversal and the reversal of a reversal', () => {
    const [, putaway] = receiveMilk(10);
    const reversal = f.ledger.reverse(putaway!.id, { actor: 'lead', note: 'wrong shelf', requestKey: 'undo-2' });
    expect(reversal).toMatchObject({ reason: 'reversal', reverses: putaway!.id, from: 'B10', to: 'RECV', qty: 10, lot: 'L1', note: 'wrong shelf', actor: 'lead' });
    expect([qtyAt('B10'), qtyAt('RECV')]).toEqual([0, 10]);
    expect(f.ledger.reverse(putaway!.id, { actor: 'lead', requestKey: 'undo-2' })).toEqual(reversal);
    const before = snapshot();
    expect(() => f.ledger.reverse(putaway!.id, { actor: 'lead' })).toThrow(expect.objectContaining({ code: 'ALREADY_REVERSED', field: 'id' }));
    expect(() => f.ledger.reverse(reversal.id, { actor: 'lead' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('post a new move') }));
    expect(() => f.ledger.reverse(999, { actor: 'lead' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_MOVE' }));
    expect(snapshot()).toEqual(before);
  });

  it('refuses a reversal the stock no longer allows', () => {
    const [, putaway] = receiveMilk(10);
    f.ledger.post([{ sku: SKU.milk, lot: 'L1', qty: 4, from: 'B10', to: 'B11', reason: 'transfer' }], { actor: 'anna' });
    const before = snapshot();
    expect(() => f.ledger.reverse(putaway!.id, { actor: 'lead' })).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_STOCK', message: expect.stringContaining('B10 holds 6') }));
    expect(snapshot()).toEqual(before);
  });
});

describe('serials', () => {
  it('tracks where each serial is and refuses a serial not at the move\'s source', () => {
    f.ledger.post([{ sku: SKU.pda, serial: 'S1', qty: 1, from: 'SUP-1', to: 'RECV', reason: 'receipt' }], { actor: 'anna' });
    f.ledger.post([{ sku: SKU.pda, serial: 'S1', qty: 1, from: 'RECV', to: 'A01', reason: 'putaway' }], { actor: 'anna' });
    expect(f.db.prepare('SELECT location, last_move FROM inv_serial WHERE serial = ?').get('S1')).toEqual({ location: 'A01', last_move: 2 });
    expectRefused([{ sku: SKU.pda, serial: 'S1', qty: 1, from: 'RECV', to: 'A02', reason: 'transfer' }], 'SERIAL_CONFLICT', 'moves.0.serial', 'is at A01, not at RECV');
    expectRefused([{ sku: SKU.pda, serial: 'S1', qty: 1, from: 'SUP-1', to: 'RECV', reason: 'receipt' }], 'SERIAL_CONFLICT', 'moves.0.serial');
    expectRefused([{ sku: SKU.pda, serial: 'S2', qty: 1, from: 'A01', to: 'A02', reason: 'transfer' }], 'SERIAL_CONFLICT', 'moves.0.serial', /not in the ledger/);
    expectRefused([{ sku: SKU.pda, qty: 1, from: 'A01', to: 'A02', reason: 'transfer' }], 'SERIAL_REQUIRED', 'moves.0.serial');
    expectRefused([{ sku: SKU.pda, serial: 'S1', qty: 2, from: 'A01', to: 'A02', reason: 'transfer' }], 'INVALID_QUANTITY', 'moves.0.qty', /serialized/);
    expectRefused([{ sku: SKU.bolt, serial: 'S1', qty: 2, from: 'SUP-1', to: 'A02', reason: 'receipt' }], 'INVALID_INPUT', 'moves.0.serial');
    const reversal = f.ledger.reverse(2, { actor: 'lead' });
    expect(reversal).toMatchObject({ serial: 'S1', from: 'A01', to: 'RECV' });
    expect(f.db.prepare('SELECT location FROM inv_serial WHERE serial = ?').pluck().get('S1')).toBe('RECV');
  });
});

describe('reservations and shipping', () => {
  it('refuses to take reserved stock unless the move fulfils the reservation, then closes it', () => {
    receiveMilk(10);
    const id = reserve('B10', 'L1', 8);
    expectRefused([{ sku: SKU.milk, lot: 'L1', qty: 3, from: 'B10', to: 'B11', reason: 'transfer' }], 'RESERVED_STOCK', 'moves.0.qty', /8 of it reserved.*only 7 would be left/);
    expectRefused([{ sku: SKU.milk, lot: 'L1', qty: 3, from: 'B11', to: 'CUST-1', reason: 'shipment', reservationId: id }], 'INVALID_INPUT', 'moves.0.reservationId', /holds nothing of MILK-1L lot L1 at B11/);
    expectRefused([{ sku: SKU.milk, lot: 'L1', qty: 3, from: 'B10', to: 'CUST-1', reason: 'shipment', reservationId: 999 }], 'UNKNOWN_RESERVATION', 'moves.0.reservationId');
    expectRefused([{ sku: SKU.milk, lot: 'L1', qty: 3, from: 'B10', to: 'B11', reason: 'transfer', reservationId: id }], 'INVALID_INPUT', 'moves.0.reservationId', /pick or shipment/);

    f.ledger.post([{ sku: SKU.milk, lot: 'L1', qty: 5, from: 'B10', to: 'CUST-1', reason: 'shipment', reservationId: id }], { actor: 'anna' });
    expect(f.db.prepare('SELECT fulfilled FROM inv_reservation_line WHERE reservation_id = ?').pluck().get(id)).toBe(5);
    // 5 left, 3 still reserved: 2 are free to move, 3 are not.
    f.ledger.post([{ sku: SKU.milk, lot: 'L1', qty: 2, from: 'B10', to: 'B11', reason: 'transfer' }], { actor: 'anna' });
    expectRefused([{ sku: SKU.milk, lot: 'L1', qty: 1, from: 'B10', to: 'B11', reason: 'transfer' }], 'RESERVED_STOCK', 'moves.0.qty');
    f.ledger.post([{ sku: SKU.milk, lot: 'L1', qty: 3, from: 'B10', to: 'CUST-1', reason: 'shipment', reservationId: id }], { actor: 'anna' });
    expect(f.db.prepare('SELECT status FROM inv_reservation WHERE id = ?').pluck().get(id)).toBe('fulfilled');
    expectRefused([{ sku: SKU.milk, lot: 'L1', qty: 1, from: 'B11', to: 'CUST-1', reason: 'shipment', reservationId: id }], 'RESERVATION_CLOSED', 'moves.0.reservationId');
  });

  it('refuses to ship a quarantined, recalled or expired lot, and a drug lot inside its GSP lock', () => {
    receiveMilk(10, 'L1', '2026-03-20');
    const ship = (lot: string, sku: string = SKU.milk): MoveInput => ({ sku, lot, qty: 1, from: 'B10', to: 'CUST-1', reason: 'shipment' });
    f.catalog.setLotStatus(SKU.milk, 'L1', 'quarantined', 'lab check', 'qa');
    expectRefused([ship('L1')], 'LOT_NOT_RESERVABLE', 'moves.0.lot', /is quarantined/);
    f.catalog.setLotStatus(SKU.milk, 'L1', 'released', null, 'qa');
    f.ledger.post([ship('L1')], { actor: 'anna' });
    // Moving it inside the warehouse stays allowed; only shipping out is refused.
    f.clock.set(Date.parse('2026-03-21T08:00:00Z'));
    expectRefused([ship('L1')], 'LOT_NOT_RESERVABLE', 'moves.0.lot', /is expired \(last day 2026-03-20\)/);
    f.ledger.post([{ sku: SKU.milk, lot: 'L1', qty: 9, from: 'B10', to: 'SCRAP', reason: 'scrap' }], { actor: 'anna' });

    f.ledger.post([
      { sku: SKU.drug, lot: 'D1', expiry: '2026-04-10', qty: 5, from: 'SUP-1', to: 'B10', reason: 'receipt' },
      { sku: SKU.drug, lot: 'D2', expiry: '2026-06-30', qty: 5, from: 'SUP-1', to: 'B10', reason: 'receipt' },
    ], { actor: 'anna' });
    expectRefused([ship('D1', SKU.drug)], 'LOT_NOT_RESERVABLE', 'moves.0.lot', /within its category's lock of 30 days/);
    f.ledger.post([ship('D2', SKU.drug)], { actor: 'anna' });
    expect(qtyAt('CUST-1', SKU.drug)).toBe(1);
  });
});
