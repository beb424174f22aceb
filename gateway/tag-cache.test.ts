import { describe, expect, it } from 'vitest';
import type { TagValue } from '../connectors/connector.ts';
import { TagCache } from './tag-cache.ts';

const value = (tag: string, v: TagValue['value'], ts: number, quality: TagValue['quality'] = 'good'): TagValue =>
  ({ device: 'shelf-sensors', tag, value: v, quality, ts });

describe('TagCache', () => {
  it('keeps the last value, quality and timestamp per device and tag', () => {
    const cache = new TagCache();
    cache.update([value('B10/temperature', 4.1, 1), value('B10/door-open', false, 1)]);
    cache.update([value('B10/temperature', null, 2, 'bad')]);
    expect(cache.get('shelf-sensors', 'B10/temperature')).toMatchObject({ value: null, quality: 'bad', ts: 2 });
    expect(cache.get('shelf-sensors', 'B10/door-open')).toMatchObject({ value: false, ts: 1 });
    expect(cache.get('other', 'B10/door-open')).toBeUndefined();
    expect(cache.device('shelf-sensors')).toHaveLength(2);
    expect(cache.size).toBe(2);
  });

  it('ignores a value older than the one it holds', () => {
    const cache = new TagCache();
    cache.update([value('t', 2, 20)]);
    cache.update([value('t', 1, 10)]);
    expect(cache.get('shelf-sensors', 't')?.value).toBe(2);
  });

  it('hands out values callers cannot mutate', () => {
    const cache = new TagCache();
    const input = value('t', 1, 1);
    cache.update([input]);
    input.value = 99;
    expect(cache.get('shelf-sensors', 't')?.value).toBe(1);
    expect(Object.isFrozen(cache.get('shelf-sensors', 't'))).toBe(true);
  });
});
