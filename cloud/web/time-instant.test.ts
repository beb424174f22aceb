import { describe, expect, it } from 'vitest';
import { parseTimeInstant } from './time-instant.ts';

describe('parseTimeInstant', () => {
  it('reads epoch milliseconds', () => {
    expect(parseTimeInstant('1795514400000')).toBe(1795514400000);
    expect(parseTimeInstant('0')).toBe(0);
  });

  it('reads ISO-8601 with Z or an offset, and bare dates as UTC midnight', () => {
    expect(parseTimeInstant('2026-11-24T10:00:00Z')).toBe(Date.UTC(2026, 10, 24, 10));
    expect(parseTimeInstant('2026-11-24T10:00Z')).toBe(Date.UTC(2026, 10, 24, 10));
    expect(parseTimeInstant('2026-11-24T11:00:00.250+01:00')).toBe(Date.UTC(2026, 10, 24, 10, 0, 0, 250));
    expect(parseTimeInstant('2026-11-24')).toBe(Date.UTC(2026, 10, 24));
  });

  it('refuses words, zone-less date-times, impossible dates and negative numbers', () => {
    for (const text of ['yesterday', '', '2026-11-24T10:00:00', '2026-02-30', '2026-11-24T25:00Z', '-5', '1.5', '1e12']) {
      expect(parseTimeInstant(text), text).toBeUndefined();
    }
  });
});
