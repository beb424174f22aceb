import { describe, expect, it } from 'vitest';
import { nelderMead } from './nelder-mead.ts';

describe('Nelder-Mead', () => {
  it('finds the minimum of the Rosenbrock valley at (1, 1)', () => {
    const rosenbrock = (x: Float64Array) => (1 - x[0]!) ** 2 + 100 * (x[1]! - x[0]! ** 2) ** 2;
    const found = nelderMead(rosenbrock, [-1.2, 1], { maxEvaluations: 2000, tolerance: 1e-14 });
    expect(found.point[0]).toBeCloseTo(1, 3);
    expect(found.point[1]).toBeCloseTo(1, 3);
    expect(found.evaluations).toBeLessThanOrEqual(2000 + 3);
  });

  it('treats a non-finite objective as worse than any finite one', () => {
    const found = nelderMead((x) => (x[0]! < 0 ? Number.NaN : (x[0]! - 2) ** 2), [1]);
    expect(found.point[0]).toBeCloseTo(2, 4);
  });
});
