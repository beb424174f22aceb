import { describe, expect, it } from 'vitest';
import { normalQuantile, safetyStockOf } from './safety-stock.ts';

describe('normalQuantile', () => {
  it('matches the standard normal table', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.9599640, 6);
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263479, 6);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263479, 6);
    expect(normalQuantile(0.9999)).toBeCloseTo(3.7190165, 5);
  });

  it('refuses probabilities outside (0, 1)', () => {
    expect(() => normalQuantile(1)).toThrow(/between 0 and 1/);
    expect(() => normalQuantile(0)).toThrow(/between 0 and 1/);
  });
});

describe('safetyStockOf', () => {
  it('is z x sqrt(coverage x sd_d² + d² x sd_LT²), raised by the share of late or short deliveries', () => {
    // 1.6448536 x sqrt(7 x 2² + 10² x 1²) = 18.6094; x (1 + (1 - 0.9)) = 20.4703
    const s = safetyStockOf({ serviceLevel: 0.95, coverageDays: 7, errorSdPerDay: 2, meanDailyDemand: 10, leadTimeSdDays: 1, onTimeInFullRate: 0.9 });
    expect(s.base).toBeCloseTo(18.6094, 4);
    expect(s.reliability).toBeCloseTo(1.1, 12);
    expect(s.safetyStock).toBe(20.47);
    expect(s.text).toContain('z 1.645 (95% service)');
    expect(s.text).toContain('reliability 1.1 (on time in full 90%)');
  });

  it('a perfectly reliable supplier with a fixed lead time leaves only the forecast error', () => {
    const s = safetyStockOf({ serviceLevel: 0.5, coverageDays: 9, errorSdPerDay: 3, meanDailyDemand: 50, leadTimeSdDays: 0, onTimeInFullRate: 1 });
    expect(s.safetyStock).toBe(0);
    const t = safetyStockOf({ serviceLevel: 0.99, coverageDays: 9, errorSdPerDay: 3, meanDailyDemand: 50, leadTimeSdDays: 0, onTimeInFullRate: 1 });
    expect(t.safetyStock).toBeCloseTo(2.3263479 * 9, 2); // sqrt(9 x 9) = 9
  });
});
