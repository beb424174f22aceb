import { afterEach, describe, expect, it } from 'vitest';
import { coldShelf, DAY, DAY1, openScanWorld, type ScanWorld } from './testing/scan-fixture.ts';

const H = 3_600_000;

/** A clean reading every 6 hours of `days` days from DAY1, and one excursion on each day in `alarmOn` (day indexes). */
function fill(world: ScanWorld, shelf: string, days: number, alarmOn: Record<number, number>): void {
  const points: Array<[number, number]> = [];
  for (let d = 0; d < days; d++) {
    for (let h = 0; h < 24; h += 6) points.push([DAY1 + d * DAY + h * H, 5]);
    if (alarmOn[d] !== undefined) points.push([DAY1 + d * DAY + 13 * H, alarmOn[d]!]);
  }
  world.readings(shelf, 'temperature', points);
}

describe('maintenance tickets from alarm days', () => {
  let world: ScanWorld;
  afterEach(() => world?.close());

  it('opens one ticket on the third alarm day in a row, naming the days and the worst reading', () => {
    world = openScanWorld({ start: DAY1 + 2 * DAY + 14 * H });
    world.locations.set('B12', coldShelf('B12'));
    world.locations.set('C03', coldShelf('C03'));
    fill(world, 'B12', 3, { 0: 9, 1: 11.5, 2: 8.4 });
    fill(world, 'C03', 3, {});
    const opened = world.scans.evaluate();
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ location: 'B12', days: ['2026-03-01', '2026-03-02', '2026-03-03'], status: 'open' });
    expect(opened[0]!.reason).toBe('Shelf B12 had readings outside its range on 3 days in a row (2026-03-01, 2026-03-02, 2026-03-03); '
      + 'worst reading 11.5 °C temperature at 2026-03-02 13:00 UTC (range 2 to 8 °C)');
    // Evaluated again, and the streak goes on a fourth day: still one ticket.
    expect(world.scans.evaluate()).toEqual([]);
    world.clock.set(DAY1 + 3 * DAY + 14 * H);
    world.readings('B12', 'temperature', [[DAY1 + 3 * DAY + 13 * H, 10]]);
    expect(world.scans.evaluate()).toEqual([]);
    expect(world.scans.api.tickets()).toHaveLength(1);
    const shelves = world.scans.api.shelves();
    expect(shelves.find((s) => s.code === 'B12')).toMatchObject({
      alarmDays: ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04'], openTicket: { id: opened[0]!.id, openedAt: DAY1 + 2 * DAY + 14 * H },
    });
    expect(shelves.find((s) => s.code === 'C03')).toMatchObject({ alarmDays: [], openTicket: null });
  });

  it('opens none after two alarm days, nor after three with a clean day between', () => {
    world = openScanWorld({ start: DAY1 + 3 * DAY + 14 * H });
    world.locations.set('B12', coldShelf('B12'));
    world.locations.set('C03', coldShelf('C03'));
    fill(world, 'B12', 4, { 2: 9, 3: 9 });
    fill(world, 'C03', 4, { 0: 1, 1: 1, 3: 1 });
    expect(world.scans.evaluate(undefined, { full: true })).toEqual([]);
    expect(world.scans.api.tickets()).toEqual([]);
  });

  it('opens another ticket for a new streak after a clean day, and counts readings that arrive late', () => {
    world = openScanWorld({ start: DAY1 + 2 * DAY + 14 * H });
    world.locations.set('B12', coldShelf('B12'));
    fill(world, 'B12', 7, { 0: 9, 1: 9, 2: 9, 4: 9, 5: 9 });
    expect(world.scans.evaluate()).toHaveLength(1);
    world.clock.set(DAY1 + 5 * DAY + 14 * H);
    expect(world.scans.evaluate()).toEqual([]); // day 4 (the 5th) and 5: two days of the new streak
    world.clock.set(DAY1 + 6 * DAY + 14 * H);
    expect(world.scans.evaluate()).toEqual([]); // day 6 is clean so far
    // A gateway back from an outage delivers an excursion of this morning.
    world.readings('B12', 'temperature', [[DAY1 + 6 * DAY + 2 * H, 12]]);
    const [second, ...more] = world.scans.evaluate();
    expect(more).toEqual([]);
    expect(second!.days).toEqual(['2026-03-05', '2026-03-06', '2026-03-07']);
    expect(world.scans.api.tickets().map((t) => t.days[0])).toEqual(['2026-03-05', '2026-03-01']);
  });

  it('evaluates every minute on the injected clock, and stops when closed', () => {
    world = openScanWorld({ start: DAY1 + 2 * DAY + 14 * H, evaluateEveryMs: 60_000 });
    world.locations.set('B12', coldShelf('B12'));
    fill(world, 'B12', 3, { 0: 9, 1: 9 });
    expect(world.clock.runDue()).toBe(1); // the first evaluation runs at start
    expect(world.scans.api.tickets()).toEqual([]);
    world.readings('B12', 'temperature', [[DAY1 + 2 * DAY + 14 * H, 9]]);
    world.clock.set(DAY1 + 2 * DAY + 14 * H + 60_000);
    expect(world.clock.runDue()).toBe(1);
    expect(world.scans.api.tickets()).toHaveLength(1);
    world.scans.close();
    expect(world.clock.pending()).toBe(0);
    world.reopen(); // the fixture closes it again at the end
  });
});
