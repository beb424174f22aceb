import { describe, expect, it } from 'vitest';
import { classifyDemand } from './demand-class.ts';

describe('Syntetos-Boylan demand classes', () => {
  it('calls steady daily demand smooth', () => {
    const result = classifyDemand([10, 12, 11, 9, 10, 12, 11, 10]);
    expect(result.demandClass).toBe('smooth');
    expect(result.adi).toBe(1);
  });

  it('calls rare demand of steady size intermittent, with ADI and CV^2 by hand', () => {
    // 12 days, 3 with demand (4, 5, 6): ADI = 4; mean 5, population variance 2/3 -> CV^2 = (2/3)/25.
    const result = classifyDemand([0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 6, 0]);
    expect(result).toEqual({ demandClass: 'intermittent', adi: 4, cv2: expect.closeTo(2 / 3 / 25, 12) });
  });

  it('calls rare demand of wildly varying size lumpy, and frequent varying demand erratic', () => {
    expect(classifyDemand([0, 0, 1, 0, 0, 0, 40, 0, 0, 0, 2, 0]).demandClass).toBe('lumpy');
    expect(classifyDemand([1, 40, 2, 35, 1, 50, 3, 45]).demandClass).toBe('erratic');
  });

  it('gives a history with no demand its own class', () => {
    expect(classifyDemand([0, 0, 0])).toEqual({ demandClass: 'no-demand', adi: null, cv2: null });
    expect(() => classifyDemand([])).toThrow(/at least one day/);
  });
});
