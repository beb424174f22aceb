import { afterEach, describe, expect, it } from 'vitest';
import { staysOf } from './lot-history.ts';
import { coldShelf, DAY1, GTIN, openScanWorld, scanEvent, type ScanWorld } from './testing/scan-fixture.ts';

const H = 3_600_000;

describe('a lot\'s cold-chain evidence', () => {
  let world: ScanWorld;
  afterEach(() => world?.close());

  it('gives each stay of the lot with its shelf\'s temperature readings, min, max and excursions', () => {
    world = openScanWorld({ start: DAY1 + 30 * H });
    world.locations.set('B12', coldShelf('B12'));
    world.locations.set('C03', coldShelf('C03'));
    world.lots.set(`${GTIN}/L2403`, { gtin: GTIN, batch: 'L2403', expiry: '2026-09-30', status: 'released' });
    // B12: 4.0 before the lot came, then 5.0, 9.5 (excursion), 6.0 while it was there, 11 after it left.
    world.readings('B12', 'temperature', [[DAY1 + 9 * H, 4], [DAY1 + 10 * H, 5], [DAY1 + 11 * H, 9.5], [DAY1 + 13 * H, 6], [DAY1 + 15 * H, 11]]);
    // C03 is reported by another gateway; 1.5 is below its range.
    world.readings('C03', 'temperature', [[DAY1 + 14 * H, 3], [DAY1 + 20 * H, 1.5], [DAY1 + 29 * H, 4]], { edge: 'gw2' });
    world.readings('C03', 'temperature', [[DAY1 + 21 * H, 99]], { edge: 'gw2', quality: 'bad' });

    world.scans.onEvent('plant', 'gw1', scanEvent({ scanId: 'in', op: 'putaway', location: 'B12', at: DAY1 + 10 * H }));
    world.scans.onEvent('plant', 'gw1', scanEvent({ scanId: 'no', op: 'putaway', location: 'D01', at: DAY1 + 12 * H, verdict: 'block' }));
    world.scans.onEvent('plant', 'gw1', scanEvent({ scanId: 'mv', op: 'move', location: 'C03', at: DAY1 + 14 * H }));

    const history = world.scans.api.lotHistory(GTIN, 'L2403')!;
    expect(history.scans.map((s) => s.scanId)).toEqual(['in', 'no', 'mv']);
    expect(history.stays).toEqual([
      { location: 'B12', from: DAY1 + 10 * H, to: DAY1 + 14 * H, temperature: [[DAY1 + 10 * H, 5], [DAY1 + 11 * H, 9.5], [DAY1 + 13 * H, 6]], excursions: 1, min: 5, max: 9.5 },
      { location: 'C03', from: DAY1 + 14 * H, to: null, temperature: [[DAY1 + 14 * H, 3], [DAY1 + 20 * H, 1.5], [DAY1 + 29 * H, 4]], excursions: 1, min: 1.5, max: 4 },
    ]);

    // Picked from C03: the second stay ends there.
    world.scans.onEvent('plant', 'gw1', scanEvent({ scanId: 'out', op: 'pick', location: 'C03', at: DAY1 + 22 * H }));
    const after = world.scans.api.lotHistory(GTIN, 'L2403')!;
    expect(after.stays[1]).toMatchObject({ location: 'C03', to: DAY1 + 22 * H, excursions: 1, min: 1.5, max: 3 });
  });

  it('without scans, takes the stay from master-data stock since the row was first recorded', () => {
    world = openScanWorld({ start: DAY1 + 5 * H });
    world.locations.set('B12', coldShelf('B12'));
    world.lots.set(`${GTIN}/L2410`, { gtin: GTIN, batch: 'L2410', expiry: '2026-09-30', status: 'released' });
    world.stock.push({ gtin: GTIN, batch: 'L2410', location: 'B12', qty: 40, since: DAY1 + 2 * H });
    world.readings('B12', 'temperature', [[DAY1 + H, 4], [DAY1 + 3 * H, 8.5]]);
    const history = world.scans.api.lotHistory(GTIN, 'L2410')!;
    expect(history.stays).toEqual([{ location: 'B12', from: DAY1 + 2 * H, to: null, temperature: [[DAY1 + 3 * H, 8.5]], excursions: 1, min: 8.5, max: 8.5 }]);
    expect(world.scans.api.lotHistory(GTIN, 'NOPE')).toBeUndefined();
  });

  it('a pick ends only the stay at its own location; a move ends every other', () => {
    const scan = (op: 'putaway' | 'pick' | 'move', location: string, at: number) => ({ op, location, at, seq: at, verdict: 'allow' }) as Parameters<typeof staysOf>[0][number];
    expect(staysOf([scan('putaway', 'A', 1), scan('putaway', 'B', 2), scan('pick', 'A', 3), scan('move', 'C', 4)])).toEqual([
      { location: 'A', from: 1, to: 3 }, { location: 'B', from: 2, to: 4 }, { location: 'C', from: 4, to: null },
    ]);
  });
});
