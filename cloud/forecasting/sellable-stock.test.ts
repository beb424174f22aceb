import { describe, expect, it } from 'vitest';
import { sellableStockOf, type OnHandLot } from './sellable-stock.ts';

const lot = (l: Partial<OnHandLot> & { lot: string; qty: number }): OnHandLot =>
  ({ lotId: Number(l.lot.replace(/\D/g, '')) || 1, expiry: null, daysLeft: null, reserved: 0, frozen: false, ...l });

describe('sellableStockOf', () => {
  it('counts stock that FEFO sells before its expiry and drops what is left on its last day', () => {
    // 10/day from tomorrow: L1 (2 days left) sells 20 of 30, its 10 expire on day 3; L2 lasts.
    const s = sellableStockOf({
      lots: [lot({ lot: 'L2', qty: 10, expiry: '2026-03-31', daysLeft: 30 }), lot({ lot: 'L1', qty: 30, expiry: '2026-03-03', daysLeft: 2 })],
      daily: Array(7).fill(10), coverageDays: 7, lockDays: null, today: '2026-03-01',
    });
    expect(s).toMatchObject({ onHand: 40, frozen: 0, reserved: 0, free: 40, expiringUnsellable: 10, sellable: 30 });
    expect(s.unsellableLots).toEqual([{ lot: 'L1', expiry: '2026-03-03', qty: 10, fromDay: '2026-03-04', reason: 'expires' }]);
    expect(s.text).toContain('lot L1 10 expires 2026-03-03');
  });

  it('nothing expires when demand sells it in time, and stock without expiry goes last', () => {
    const s = sellableStockOf({
      lots: [lot({ lot: 'L9', qty: 100 }), lot({ lot: 'L1', qty: 20, expiry: '2026-03-03', daysLeft: 2 })],
      daily: Array(7).fill(10), coverageDays: 7, lockDays: null, today: '2026-03-01',
    });
    expect(s.expiringUnsellable).toBe(0);
    expect(s.sellable).toBe(120);
  });

  it('a near-expiry lock ends sales lockDays before expiry', () => {
    // 33 days left, lock at 30: sellable on days 1..3 only, 5/day sells 15 of 50.
    const s = sellableStockOf({
      lots: [lot({ lot: 'D1', qty: 50, expiry: '2026-04-03', daysLeft: 33 })],
      daily: Array(10).fill(5), coverageDays: 10, lockDays: 30, today: '2026-03-01',
    });
    expect(s.expiringUnsellable).toBe(35);
    expect(s.unsellableLots[0]).toMatchObject({ lot: 'D1', qty: 35, fromDay: '2026-03-05', reason: 'locked' });
    expect(s.text).toContain('enters its near-expiry lock on 2026-03-05');
  });

  it('takes reservations off each lot first, and frozen stock never counts', () => {
    const s = sellableStockOf({
      lots: [
        lot({ lot: 'L1', qty: 30, expiry: '2026-03-10', daysLeft: 9, reserved: 12 }),
        lot({ lot: 'L3', qty: 8, expiry: '2026-02-27', daysLeft: -2, frozen: true, reserved: 0 }),
      ],
      daily: Array(3).fill(1), coverageDays: 3, lockDays: null, today: '2026-03-01',
    });
    expect(s).toMatchObject({ onHand: 38, frozen: 8, reserved: 12, free: 18, expiringUnsellable: 0, sellable: 18 });
    expect(s.text).toContain('free 18 (on hand 38 - frozen 8 - reserved and pending outbound 12)');
  });

  it('coverage that reaches into a day counts that day\'s expiries', () => {
    // 2.5 days reach into day 3; the lot's last day is day 2, so the 10 left after days 1 and 2 are lost.
    const s = sellableStockOf({
      lots: [lot({ lot: 'L1', qty: 30, expiry: '2026-03-03', daysLeft: 2 })],
      daily: [10, 10, 10], coverageDays: 2.5, lockDays: null, today: '2026-03-01',
    });
    expect(s.expiringUnsellable).toBe(10);
    expect(s.sellable).toBe(20);
  });
});
