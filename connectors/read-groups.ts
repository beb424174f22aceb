import type { ReadGroup } from './connector.ts';

/** One read group per poll interval, named like "1000ms", fastest first; each connector says which interval a tag has. */
export function groupTagsByInterval<T>(tags: ReadonlyMap<string, T>, intervalOf: (tag: T) => number): ReadGroup[] {
  const byInterval = new Map<number, string[]>();
  for (const [name, tag] of tags) {
    const intervalMs = intervalOf(tag);
    byInterval.set(intervalMs, [...(byInterval.get(intervalMs) ?? []), name]);
  }
  return [...byInterval.entries()]
    .sort(([a], [b]) => a - b)
    .map(([intervalMs, names]) => ({ name: `${intervalMs}ms`, intervalMs, tags: names }));
}
