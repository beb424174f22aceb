/**
 * The location tree as the stock states and reservations read it: each location's kind, whether
 * it is frozen (a quarantine area freezes everything under it too, so a shelf inside a frozen
 * zone is frozen), and "this location and everything under it" for the `location` filters.
 * Locations are few (hundreds), so the tree is read whole once per call, inside the caller's
 * transaction when it has one.
 */
import type { SqliteDatabase } from '../store/database.ts';
import { storageKinds, type LocationKind } from './inventory-types.ts';

interface LocationRow { code: string; kind: LocationKind; parent: string | null; frozen: number }

export interface TreeLocation { code: string; kind: LocationKind; parent: string | null; frozen: boolean }

export class LocationTree {
  readonly #byCode = new Map<string, TreeLocation>();
  readonly #children = new Map<string, string[]>();

  constructor(rows: LocationRow[]) {
    for (const row of rows) {
      this.#byCode.set(row.code, { code: row.code, kind: row.kind, parent: row.parent, frozen: row.frozen === 1 });
      if (row.parent !== null) this.#children.set(row.parent, [...(this.#children.get(row.parent) ?? []), row.code]);
    }
  }

  static read(db: SqliteDatabase): LocationTree {
    return new LocationTree(db.prepare('SELECT code, kind, parent, frozen FROM inv_location').all() as LocationRow[]);
  }

  get(code: string): TreeLocation | undefined {
    return this.#byCode.get(code);
  }

  codes(): string[] {
    return [...this.#byCode.keys()];
  }

  isStorage(code: string): boolean {
    const location = this.#byCode.get(code);
    return location !== undefined && storageKinds.includes(location.kind);
  }

  /** Frozen itself or under a frozen location (the tree has no cycles: parents exist before children). */
  isFrozen(code: string): boolean {
    for (let at = this.#byCode.get(code), hops = 0; at !== undefined && hops < 64; at = at.parent === null ? undefined : this.#byCode.get(at.parent), hops++) {
      if (at.frozen) return true;
    }
    return false;
  }

  /** The frozen location that freezes `code` (itself or an ancestor), for messages. */
  frozenBy(code: string): string | null {
    for (let at = this.#byCode.get(code), hops = 0; at !== undefined && hops < 64; at = at.parent === null ? undefined : this.#byCode.get(at.parent), hops++) {
      if (at.frozen) return at.code;
    }
    return null;
  }

  /** `root` and every location under it. */
  subtree(root: string): Set<string> {
    const found = new Set<string>();
    const queue = [root];
    while (queue.length > 0) {
      const code = queue.pop()!;
      if (found.has(code)) continue;
      found.add(code);
      queue.push(...(this.#children.get(code) ?? []));
    }
    return found;
  }
}
