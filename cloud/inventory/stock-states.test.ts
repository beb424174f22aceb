/**
 * The inventory states of a worked example computed by hand: stock on shelves, a quarantined
 * lot, a frozen quarantine cage, stock in transit and in inspection, an order reservation, an
 * outbound reservation and a presale lock, on a real SQLite file through the real ledger.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteReservations } from './reservations.ts';
import { SqliteStockStates } from './stock-states.ts';
import { openInventoryFixture, SKU, type InventoryFixture } from './testing/inventory-fixture.ts';

let f: InventoryFixture;
let states: SqliteStockStates;
let reservations: SqliteReservations;
const sales = { actor: 'sally' };

beforeEach(() => {
  f = openInventoryFixture();
  states = new SqliteStockStates(f.db, f.clock);
  reservations = new SqliteReservations(f.db, f.clock);
});
afterEach(() => f.close());

/**
 * Milk: B10 lot L1 100, B11 lot L2 70, B12 lot L3 12 (quarantined), QA-1 (in the frozen QA cage)
 * lot L2 8, TRANSIT lot L2 10, INSPECT lot L1 5. Order reservation 6 and outbound 4 both land on
 * B10 L1 (earliest expiry). Douyin presale lock 8. Channels: douyin 50 %, meituan 100 %.
 */
function workedExample() {
  f.catalog.putLocation({ code: 'QA', name: 'Quarantine cage', kind: 'zone', parent: 'WH1', frozen: true });
  f.catalog.putLocation({ code: 'QA-1', kind: 'shelf', parent: 'QA' });
  f.catalog.putChannel({ id: 'douyin', name: 'Douyin', quotaPct: 50 });
  f.catalog.putChannel({ id: 'meituan', name: 'Meituan' });
  f.receive({ sku: SKU.milk, lot: 'L1', expiry: '2026-03-20', qty: 100, to: 'B10' });
  f.receive({ sku: SKU.milk, lot: 'L2', expiry: '2026-03-25', qty: 70, to: 'B11' });
  f.receive({ sku: SKU.milk, lot: 'L3', expiry: '2026-03-18', qty: 12, to: 'B12' });
  f.receive({ sku: SKU.milk, lot: 'L2', qty: 8, to: 'QA-1' });
  f.receive({ sku: SKU.milk, lot: 'L2', qty: 10, to: 'TRANSIT' });
  f.receive({ sku: SKU.milk, lot: 'L1', qty: 5, to: 'INSPECT' });
  f.catalog.setLotStatus(SKU.milk, 'L3', 'quarantined', 'lab sample pending', 'qa');
  reservations.reserve({ sku: SKU.milk, kind: 'order', qty: 6 }, sales);
  reservations.reserve({ sku: SKU.milk, kind: 'outbound', qty: 4 }, sales);
  reservations.reserve({ sku: SKU.milk, kind: 'presale', qty: 8, channel: 'douyin' }, sales);
}

const figures = (s: { location: string; physical: number; frozen: number; reserved: number; pendingOutbound: number; available: number; inTransit: number; inInspection: number }) =>
  [s.location, s.physical, s.frozen, s.reserved, s.pendingOutbound, s.available, s.inTransit, s.inInspection];

describe('stock states per SKU x location', () => {
  it('computes every bucket of the worked example', () => {
    workedExample();
    //        location   physical frozen reserved pending available transit inspection
    expect(states.byLocation({ sku: SKU.milk, includeVirtual: true }).map(figures)).toEqual([
      ['B10', 100, 0, 6, 4, 90, 0, 0],
      ['B11', 70, 0, 0, 0, 70, 0, 0],
      ['B12', 12, 12, 0, 0, 0, 0, 0],
      ['INSPECT', 0, 0, 0, 0, 0, 0, 5],
      ['QA-1', 8, 8, 0, 0, 0, 0, 0],
      ['TRANSIT', 0, 0, 0, 0, 0, 10, 0],
    ]);
    const b12 = states.byLocation({ location: 'B12' })[0]!;
    expect(b12).toMatchObject({ sku: SKU.milk, locationKind: 'shelf' });
    expect(b12.lots).toEqual([{ lotId: f.catalog.lot(SKU.milk, 'L3')!.id, lot: 'L3', expiry: '2026-03-18', status: 'quarantined', daysLeft: 17, qty: 12, reserved: 0, pendingOutbound: 0, frozen: true }]);
    expect(states.byLocation({ location: 'B10' })[0]!.lots).toMatchObject([{ lot: 'L1', status: 'released', qty: 100, reserved: 6, pendingOutbound: 4, frozen: false }]);
  });

  it('leaves out virtual locations unless asked, and filters by a location with everything under it', () => {
    workedExample();
    f.receive({ sku: SKU.bolt, qty: 7.5, to: 'A01' });
    expect(states.byLocation({}).map((s) => [s.sku, s.location])).toEqual([
      [SKU.bolt, 'A01'], [SKU.milk, 'B10'], [SKU.milk, 'B11'], [SKU.milk, 'B12'], [SKU.milk, 'QA-1'],
    ]);
    expect(states.byLocation({ location: 'COLD' }).map((s) => s.location)).toEqual(['B10', 'B11', 'B12']);
    expect(states.byLocation({ location: 'WH1', sku: SKU.bolt }).map(figures)).toEqual([['A01', 7.5, 0, 0, 0, 7.5, 0, 0]]);
    expect(states.byLocation({ location: 'TRANSIT' })).toEqual([]);
    expect(states.byLocation({ location: 'TRANSIT', includeVirtual: true }).map((s) => s.inTransit)).toEqual([10]);
  });

  it('counts an expired lot as frozen from the day after its last day', () => {
    f.receive({ sku: SKU.milk, lot: 'L1', expiry: '2026-03-02', qty: 10, to: 'B10' });
    expect(states.byLocation({ location: 'B10' }).map(figures)).toEqual([['B10', 10, 0, 0, 0, 10, 0, 0]]);
    f.clock.set(Date.parse('2026-03-02T23:59:59Z'));
    expect(states.byLocation({ location: 'B10' })[0]!.frozen).toBe(0);
    f.clock.set(Date.parse('2026-03-03T00:00:00Z'));
    expect(states.byLocation({ location: 'B10' }).map(figures)).toEqual([['B10', 10, 10, 0, 0, 0, 0, 0]]);
    expect(states.byLocation({ location: 'B10' })[0]!.lots[0]).toMatchObject({ status: 'expired', daysLeft: -1, frozen: true });
  });

  it('refuses an unknown SKU or location with a hint', () => {
    expect(() => states.byLocation({ sku: 'MILK-1' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_SKU', field: 'sku', message: expect.stringContaining('(did you mean "MILK-1L"?)') }));
    expect(() => states.byLocation({ location: 'B1O' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_LOCATION', field: 'location' }));
    expect(() => states.summary('NOPE')).toThrow(expect.objectContaining({ code: 'UNKNOWN_SKU', field: 'sku' }));
  });
});

describe('stock summary per SKU with the channel figures', () => {
  it('sums the locations, adds presale locks and sellable per channel, and explains each figure', () => {
    workedExample();
    const summary = states.summary(SKU.milk);
    expect(summary).toMatchObject({
      sku: SKU.milk, physical: 190, frozen: 20, reserved: 6, pendingOutbound: 4, available: 160, inTransit: 10, inInspection: 5,
      presaleLock: 8, presaleLockByChannel: { douyin: 8 },
      // douyin: floor((160 - 8) x 50 %) + its own lock 8 = 76 + 8; meituan: floor(152 x 100 %) + 0
      sellable: { douyin: 84, meituan: 152 },
    });
    expect(summary.explain).toEqual({
      physical: 'physical 190 = on hand at B10 100 + B11 70 + B12 12 + QA-1 8',
      frozen: 'frozen 20 = lot L3 quarantined 12 + on frozen QA-1 8',
      reserved: 'reserved 6 = open lines of active order reservations',
      pendingOutbound: 'pending 4 = open lines of active outbound reservations (released to the warehouse)',
      available: 'available 160 = physical 190 - frozen 20 - reserved 6 - pending 4',
      inTransit: 'in transit 10 = at transit locations',
      inInspection: 'in inspection 5 = at inspection locations',
      presaleLock: 'presale lock 8 = douyin 8',
      'sellable.douyin': "sellable on douyin 84 = floor(max(0, available 160 - presale lock 8) x 50%) + douyin's presale lock 8 = 76 + 8",
      'sellable.meituan': "sellable on meituan 152 = floor(max(0, available 160 - presale lock 8) x 100%) + meituan's presale lock 0 = 152 + 0",
    });
  });

  it('follows a shipment against a reservation and a release', () => {
    workedExample();
    const order = reservations.list({ kind: 'order' })[0]!;
    f.ledger.post([{ sku: SKU.milk, lot: 'L1', qty: 6, from: 'B10', to: 'CUST-1', reason: 'shipment', reservationId: order.id }], { actor: 'wes' });
    expect(states.summary(SKU.milk)).toMatchObject({ physical: 184, reserved: 0, pendingOutbound: 4, available: 160 });
    reservations.release(reservations.list({ kind: 'outbound' })[0]!.id, sales);
    expect(states.summary(SKU.milk)).toMatchObject({ physical: 184, pendingOutbound: 0, available: 164 });
  });

  it('lists every item, zeros for one without stock', () => {
    workedExample();
    const all = states.summaries();
    expect(all.map((s) => s.sku)).toEqual([SKU.drug, SKU.bolt, SKU.milk, SKU.pda].sort());
    expect(all.find((s) => s.sku === SKU.bolt)).toMatchObject({ physical: 0, available: 0, presaleLock: 0, sellable: { douyin: 0, meituan: 0 } });
    expect(all.find((s) => s.sku === SKU.milk)).toEqual(states.summary(SKU.milk));
  });
});
