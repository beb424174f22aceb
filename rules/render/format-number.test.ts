import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatNumber } from './format-number.ts';

describe('formatNumber', () => {
  it('writes ordinary numbers as JavaScript does', () => {
    expect(formatNumber(1247)).toBe('1247');
    expect(formatNumber(1.8)).toBe('1.8');
    expect(formatNumber(-50)).toBe('-50');
    expect(formatNumber(-0)).toBe('0');
  });

  it('writes very small and very large numbers without an exponent', () => {
    expect(formatNumber(1e-7)).toBe('0.0000001');
    expect(formatNumber(-2.5e-8)).toBe('-0.000000025');
    expect(formatNumber(1.5e21)).toBe('1500000000000000000000');
    expect(formatNumber(1e21)).toBe('1000000000000000000000');
  });

  it('reads back as the same double for any finite number', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
      const text = formatNumber(n);
      expect(text).not.toMatch(/e/i);
      expect(Number(text)).toBe(Object.is(n, -0) ? 0 : n);
    }));
  });

  it('refuses infinity with a message naming the value', () => {
    expect(() => formatNumber(Infinity)).toThrow(/Infinity.*finite/);
  });
});
