import { describe, expect, it } from 'vitest';
// @ts-expect-error plain browser JavaScript without type declarations
import { productionLine } from './rules-production-line.js';

const change = (version: number, action: string, to: string, at: number) => ({ version, action, to, at });

describe('productionLine', () => {
  it('follows promotions and rollbacks, so a rollback after a rollback goes one more step back', () => {
    const seeded = change(1, 'seed', 'production', 1);
    const promoted2 = [change(2, 'production', 'production', 3), change(1, 'retire', 'retired', 3)];
    const promoted3 = [change(3, 'production', 'production', 5), change(2, 'retire', 'retired', 5)];
    expect(productionLine([seeded, ...promoted2, ...promoted3])).toEqual([1, 2, 3]);
    const rolledBack = [change(3, 'rollback', 'retired', 7), change(2, 'rollback', 'production', 7)];
    expect(productionLine([...promoted3, seeded, ...rolledBack, ...promoted2])).toEqual([1, 2]);
    const again = [change(2, 'rollback', 'retired', 9), change(1, 'rollback', 'production', 9)];
    expect(productionLine([seeded, ...promoted2, ...promoted3, ...rolledBack, ...again])).toEqual([1]);
  });

  it('counts a change listed under two versions once', () => {
    const seeded = change(1, 'seed', 'production', 1);
    expect(productionLine([seeded, seeded, change(1, 'shadow', 'shadow', 0)])).toEqual([1]);
  });
});
