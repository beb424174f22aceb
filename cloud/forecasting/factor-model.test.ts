import { describe, expect, it } from 'vitest';
import { decomposeForecast, FactorSetError, parseFactorSet } from './factor-model.ts';

const factors = parseFactorSet({
  factors: [
    { kind: 'spring-festival-decay', name: 'pre-Spring-Festival decay', daysBefore: 21, multiplier: 0.85 },
    { kind: 'holiday', name: 'Spring Festival closure', country: 'CN', holiday: 'Spring Festival', multiplier: 0.3 },
    { kind: 'promotion-uplift', name: 'March promotion', promotion: 'March deals', multiplier: 1.4 },
    { kind: 'near-expiry', name: 'near-expiry de-weighting', withinDays: 3, multiplier: 0.7 },
    { kind: 'supplier-reliability', name: 'ACME reliability', supplier: 'ACME', onTimeInFullRate: 0.8 },
  ],
});

describe('factor model', () => {
  it('decomposes each day into baseline x named factors, numbers worked by hand', () => {
    const days = decomposeForecast(
      [
        { day: '2026-01-20', baseline: 80 },
        { day: '2026-01-26', baseline: 100 },
        { day: '2026-01-27', baseline: 100 },
        { day: '2026-02-10', baseline: 200 },
        { day: '2026-02-16', baseline: 100 },
        { day: '2026-03-03', baseline: 100 },
      ],
      factors,
      { calendar: { ranges: [{ name: 'March deals', kind: 'promotion', from: '2026-03-01', to: '2026-03-03' }] } },
    );
    // Nothing applies on 20 January; 26 January is 22 days before New Year, one past the decay.
    expect(days[0]).toEqual({ day: '2026-01-20', baseline: 80, factors: [], forecast: 80 });
    expect(days[1]).toEqual({ day: '2026-01-26', baseline: 100, factors: [], forecast: 100 });
    expect(days[2]!.factors.map((factor) => [factor.name, factor.value])).toEqual([['pre-Spring-Festival decay', 0.85]]);
    expect(days[2]!.forecast).toBeCloseTo(85, 10);
    // 200 x 0.85 = 170, seven days before 17 February.
    expect(days[3]).toEqual({
      day: '2026-02-10',
      baseline: 200,
      factors: [{ name: 'pre-Spring-Festival decay', kind: 'spring-festival-decay', value: 0.85, why: '7 day(s) before Chinese New Year 2026-02-17: x0.85 on the 21 days before it' }],
      forecast: 170,
    });
    // New Year's Eve inside the official holiday (15-23 February): 100 x 0.85 x 0.3 = 25.5.
    expect(days[4]!.factors.map((factor) => factor.why)).toEqual([
      '1 day(s) before Chinese New Year 2026-02-17: x0.85 on the 21 days before it',
      'CN holiday Spring Festival: x0.3',
    ]);
    expect(days[4]!.forecast).toBeCloseTo(25.5, 10);
    // Without a replenishment context the promotion alone: 100 x 1.4 = 140.
    expect(days[5]!.factors.map((factor) => factor.name)).toEqual(['March promotion']);
    expect(days[5]!.forecast).toBeCloseTo(140, 10);
  });

  it('applies near-expiry and supplier reliability when replenishing', () => {
    const [day] = decomposeForecast([{ day: '2026-03-03', baseline: 100 }], factors, {
      calendar: { ranges: [{ name: 'March deals', kind: 'promotion', from: '2026-03-01', to: '2026-03-03' }] },
      remainingShelfLifeDays: (date) => (date === '2026-03-03' ? 2 : 30),
      supplier: 'ACME',
    });
    // 100 x 1.4 x 0.7 x 1.25 = 122.5
    expect(day!.factors.map((factor) => [factor.name, factor.value])).toEqual([
      ['March promotion', 1.4],
      ['near-expiry de-weighting', 0.7],
      ['ACME reliability', 1.25],
    ]);
    expect(day!.factors[1]!.why).toBe('stock has 2 day(s) of shelf life left (within 3): demand it can serve x0.7');
    expect(day!.factors[2]!.why).toBe('supplier ACME delivers 80% on time in full: order x1.25 (1 / 0.8)');
    expect(day!.forecast).toBeCloseTo(122.5, 10);
    const [otherSupplier] = decomposeForecast([{ day: '2026-03-03', baseline: 100 }], factors, { supplier: 'Other', remainingShelfLifeDays: () => 4 });
    expect(otherSupplier!.factors).toEqual([]);
  });

  it('refuses a bad factor set with every problem named', () => {
    let caught: unknown;
    try {
      parseFactorSet({
        factors: [
          { kind: 'spring-festival-decay', name: 'decay', daysBefore: 0, multiplier: 0 },
          { kind: 'promotion-uplift', name: 'decay', multiplier: 1.2, extra: true },
          { kind: 'weather', name: 'rain', multiplier: 1 },
        ],
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FactorSetError);
    const problems = (caught as FactorSetError).problems.join('\n');
    expect(problems).toMatch(/factors\.0\.daysBefore: /);
    expect(problems).toMatch(/factors\.0\.multiplier: expected a multiplier > 0 \(1 = no effect\)/);
    expect(problems).toMatch(/factors\.1: .*extra/);
    expect(problems).toMatch(/factors\.2\.kind: /);
  });

  it('names duplicate factors and bad baseline days', () => {
    expect(() =>
      parseFactorSet({ factors: [{ kind: 'holiday', name: 'x', country: 'US', multiplier: 0.5 }, { kind: 'holiday', name: 'x', country: 'CN', multiplier: 0.5 }] }),
    ).toThrow('factors.1.name: duplicate factor name "x"');
    expect(() => decomposeForecast([{ day: '2026-02-31', baseline: 1 }, { day: '2026-02-01', baseline: -1 }], factors)).toThrow(
      'baseline.0.day: expected a calendar day as YYYY-MM-DD, found "2026-02-31"; baseline.1.baseline: expected a forecast >= 0, found -1',
    );
  });
});
