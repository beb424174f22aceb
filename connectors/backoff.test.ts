import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff.ts';

const policy = { initialDelayMs: 100, maxDelayMs: 5000, jitter: 0.2 };

describe('backoffDelayMs', () => {
  it('doubles from the initial delay up to the cap', () => {
    const mid = () => 0.5; // factor exactly 1
    expect([0, 1, 2, 3, 10].map((a) => backoffDelayMs(a, policy, mid))).toEqual([100, 200, 400, 800, 5000]);
  });
  it('spreads delays by the jitter fraction and never exceeds the cap', () => {
    expect(backoffDelayMs(0, policy, () => 0)).toBe(80);
    expect(backoffDelayMs(0, policy, () => 1)).toBe(120);
    expect(backoffDelayMs(20, policy, () => 1)).toBe(5000);
  });
});
