import { describe, expect, it } from 'vitest';
import { sortableIds } from './edge-link-ids.ts';

describe('sortableIds', () => {
  it('makes ids that are unique and sort in the order they were made, within one millisecond and after the clock steps back', () => {
    let now = 1_700_000_000_000;
    const next = sortableIds({ now: () => now });
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push(next('ev'));
    now -= 60_000; // NTP sets the clock back a minute
    for (let i = 0; i < 5; i++) ids.push(next('ev'));
    now += 120_000;
    ids.push(next('ev'));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^ev-[0-9a-z]{9}-0000-[0-9a-z]{4}$/);
    expect(ids[1]).toMatch(/^ev-[0-9a-z]{9}-0001-[0-9a-z]{4}$/);
  });

  it('borrows the next millisecond when the counter of one millisecond is used up, keeping the order', () => {
    const next = sortableIds({ now: () => 1_700_000_000_000 });
    const ids = Array.from({ length: 36 ** 4 + 2 }, () => next('ev'));
    expect(ids.at(-2)! > ids.at(-3)!).toBe(true);
    expect(ids.at(-2)).toMatch(/-0000-[0-9a-z]{4}$/);
  });

  it('keeps ids of two sources in the same millisecond apart (a restart), by their random tail', () => {
    const clock = { now: () => 1_700_000_000_000 };
    let draws = 0;
    const first = sortableIds(clock, () => draws++);
    const second = sortableIds(clock, () => draws++);
    expect(first('ev')).not.toBe(second('ev'));
  });
});
