/**
 * The window planner against hand-drawn schedules: where the earliest gap is, whether it comes
 * before the insert's life, which order to move when it does not, and the shot rate it rests on.
 */
import { describe, expect, it } from 'vitest';
import { planMaintenanceWindow, type ScheduledOrder, type WindowRequest } from './maintenance-window.ts';
import { HOUR_MS, shotRateFromCounter, shotRateFromCycleTime } from './shot-rate.ts';

const NOW = Date.parse('2026-03-02T06:00:00Z');
const at = (hours: number) => NOW + hours * HOUR_MS;
const order = (id: string, fromH: number, toH: number, status: ScheduledOrder['status'] = 'planned'): ScheduledOrder => ({ id, sku: 'CAP-28', start: at(fromH), end: at(toH), status });
const request = (over: Partial<WindowRequest>): WindowRequest => ({
  now: NOW, assetLabel: 'insert INS-0042', machine: 'IMM-01', remainingShots: 500, lifeShots: 9000,
  rate: { shotsPerHour: 50, basis: 'test' }, orders: [], ...over,
});

describe('planMaintenanceWindow', () => {
  it('starts now on an idle machine, well before the life', () => {
    const w = planMaintenanceWindow(request({}));
    expect(w).toMatchObject({ start: NOW, end: at(4), durationHours: 4, lifeReachedAt: at(10), beforeLife: true, afterOrder: null, beforeOrder: null, orderToMove: null, warning: null });
    expect(w.explanation).toContain('insert INS-0042 has 500 of 9,000 shots left; at 50 shots/h (test) it reaches its life at 2026-03-02 16:00 UTC.');
    expect(w.explanation).toContain('starts now, with no production order scheduled. That is 10 h before the life is reached.');
  });

  it('takes the earliest gap long enough between orders, skipping one too short', () => {
    // running 0-2, gap 2-5 (3 h: too short for 4 h), order 5-7, gap 7-12 (fits), order 12-20
    const orders = [order('PO-3', 12, 20), order('PO-1', -1, 2, 'running'), order('PO-2', 5, 7)];
    const w = planMaintenanceWindow(request({ orders, remainingShots: 1000 }));
    expect([w.start, w.end]).toEqual([at(7), at(11)]);
    expect([w.afterOrder, w.beforeOrder]).toEqual(['PO-2', 'PO-3']);
    expect(w.beforeLife).toBe(true);
    expect(w.explanation).toContain('between order PO-2 (ends 2026-03-02 13:00 UTC) and order PO-3 (starts 2026-03-02 18:00 UTC)');
    // a 3 h window fits the first gap
    expect(planMaintenanceWindow(request({ orders, durationHours: 3 })).start).toBe(at(2));
  });

  it('ignores cancelled and done orders and those already over', () => {
    const orders = [order('PO-X', 0, 8, 'cancelled'), order('PO-D', -2, 3, 'done'), order('PO-OLD', -6, -1)];
    expect(planMaintenanceWindow(request({ orders })).start).toBe(NOW);
  });

  it('when no gap starts before the life, proposes the earliest after and names the order running through it', () => {
    // life at +10 h (500 shots at 50/h); orders back to back 0-8 and 8-30 leave no gap before +30 h
    const orders = [order('PO-1', -1, 8, 'running'), order('PO-2', 8, 30)];
    const w = planMaintenanceWindow(request({ orders }));
    expect([w.start, w.end]).toEqual([at(30), at(34)]);
    expect(w.beforeLife).toBe(false);
    expect(w.orderToMove).toBe('PO-2');
    expect(w.warning).toBe('No 4 h gap on IMM-01 starts before insert INS-0042 reaches its life at 2026-03-02 16:00 UTC: '
      + 'order PO-2 (CAP-28, 2026-03-02 14:00 UTC to 2026-03-03 12:00 UTC) runs through it. Production will run 20 h past the life unless order PO-2 moves.');
    expect(w.explanation).toContain(w.warning!);
  });

  it('names the order that cuts short the gap the life falls in', () => {
    // life at +10 h falls in the gap 8-11, which is too short for 4 h
    const orders = [order('PO-1', 0, 8), order('PO-2', 11, 20)];
    const w = planMaintenanceWindow(request({ orders }));
    expect(w.start).toBe(at(20));
    expect(w.orderToMove).toBe('PO-2');
    expect(w.warning).toContain('order PO-2 (CAP-28) starts 2026-03-02 17:00 UTC, less than 4 h after it');
  });

  it('an insert past its life: now if free, else the order in the way', () => {
    const free = planMaintenanceWindow(request({ remainingShots: -12 }));
    expect(free).toMatchObject({ start: NOW, lifeReachedAt: NOW, beforeLife: true, warning: null });
    expect(free.explanation).toContain('is at or past its 9,000-shot life (9,012 shots)');
    const busy = planMaintenanceWindow(request({ remainingShots: 0, orders: [order('PO-9', -1, 5, 'running')] }));
    expect(busy.start).toBe(at(5));
    expect(busy.orderToMove).toBe('PO-9');
    expect(busy.warning).toContain('Stop or move order PO-9 to replace it now');
  });

  it('without a shot rate the life point is unknown and the earliest gap is proposed without warning', () => {
    const w = planMaintenanceWindow(request({ rate: null, orders: [order('PO-1', 0, 3)] }));
    expect(w).toMatchObject({ start: at(3), lifeReachedAt: null, beforeLife: null, shotsPerHour: null, warning: null, orderToMove: null });
    expect(w.explanation).toContain('shot rate is unknown');
  });

  it('an asset without a life limit gets the earliest gap, with no life point', () => {
    const w = planMaintenanceWindow(request({ remainingShots: null, lifeShots: null, orders: [order('PO-1', 0, 3)] }));
    expect(w).toMatchObject({ start: at(3), lifeReachedAt: null, beforeLife: null, warning: null });
    expect(w.explanation).toContain('has no life limit in shots');
  });

  it('refuses a duration that is not a positive number of hours', () => {
    expect(() => planMaintenanceWindow(request({ durationHours: 0 }))).toThrow(/durationHours: 0/);
    expect(() => planMaintenanceWindow(request({ durationHours: Number.NaN }))).toThrow(RangeError);
  });
});

describe('shot rates', () => {
  it('sums counter steps over the samples in the window, counting a reset as the new value', () => {
    const samples = [
      { ts: at(-30), value: 1 }, // before the 24 h window
      { ts: at(-20), value: 1000 }, { ts: at(-10), value: 1600 }, { ts: at(-5), value: 40 }, { ts: at(0), value: 340 },
    ];
    const rate = shotRateFromCounter(samples, NOW, 24, 'the IMM-01 counter');
    // 600 + 40 (reset) + 300 = 940 shots over 20 h
    expect(rate!.shotsPerHour).toBeCloseTo(47, 6);
    expect(rate!.basis).toBe('940 shots over the last 20 h of the IMM-01 counter');
  });

  it('has no rate from fewer than two samples', () => {
    expect(shotRateFromCounter([{ ts: at(-1), value: 5 }], NOW)).toBeNull();
    expect(shotRateFromCounter([], NOW)).toBeNull();
  });

  it('one shot per cycle', () => {
    expect(shotRateFromCycleTime(30)).toEqual({ shotsPerHour: 120, basis: 'a 30 s cycle time' });
    expect(shotRateFromCycleTime(0)).toBeNull();
  });
});
