/**
 * The last value read for every device/tag: what births report as the current value, what the
 * health API and (later) the rules runtime read. Holds reads, not reports: the change filter decides
 * what is worth publishing, the cache always has the latest.
 */
import type { TagValue } from '../connectors/connector.ts';

export class TagCache {
  readonly #devices = new Map<string, Map<string, TagValue>>();

  /** Keeps the newest value per tag; an older timestamp never overwrites a newer one. */
  update(values: readonly TagValue[]): void {
    for (const value of values) {
      let tags = this.#devices.get(value.device);
      if (!tags) this.#devices.set(value.device, (tags = new Map()));
      const previous = tags.get(value.tag);
      if (!previous || previous.ts <= value.ts) tags.set(value.tag, Object.freeze({ ...value }));
    }
  }

  get(device: string, tag: string): TagValue | undefined {
    return this.#devices.get(device)?.get(tag);
  }

  /** Every cached value of one device, in no particular order. */
  device(device: string): TagValue[] {
    return [...(this.#devices.get(device)?.values() ?? [])];
  }

  /** Forgets a device's values (it was removed or reconfigured). */
  forget(device: string): void {
    this.#devices.delete(device);
  }

  get size(): number {
    let n = 0;
    for (const tags of this.#devices.values()) n += tags.size;
    return n;
  }
}
