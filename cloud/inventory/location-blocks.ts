/**
 * Locations where an operation is blocked by a process rule (a `block` effect: put-away at
 * shelf B12 while it is out of 2-8 °C for 5 minutes), as the cloud learns them from `rule.action`
 * events. The gateway holds the block itself for scans it decides offline; this is the cloud's
 * view for the admin UI and for stock moves booked in the cloud.
 *
 * A block is keyed by the event that set it and released by a later `block` effect with
 * `released: true` from the same gateway and rule; replayed events change nothing (the block's
 * id exists, or no active block is left to release).
 */
import type { Clock } from '../../connectors/clock.ts';
import type { SqliteDatabase } from '../store/database.ts';

export interface LocationBlock {
  /** `<group>/<edge>/<event id>` of the rule action that set it. */
  id: string;
  operation: string;
  location: string;
  group: string;
  edge: string;
  rule: string;
  packVersion: number;
  /** When the gateway set it (the event's time), ms since the epoch. */
  since: number;
  released: boolean;
  releasedAt: number | null;
}

export interface BlockEffect {
  eventId: string;
  group: string;
  edge: string;
  rule: string;
  packVersion: number;
  operation: string;
  location: string;
  released: boolean;
  at: number;
}

interface Row {
  id: string; grp: string; edge: string; operation: string; location: string; rule: string; pack_version: number; since: number; released_at: number | null;
}

export class LocationBlocks {
  readonly #db: SqliteDatabase;

  /** `db` must have the cloud migrations applied (migration 009). The clock is unused: times are the gateway's. */
  constructor(db: SqliteDatabase, _clock?: Pick<Clock, 'now'>) {
    this.#db = db;
  }

  /** Sets or releases a block; true when something changed. */
  apply(effect: BlockEffect): boolean {
    const id = `${effect.group}/${effect.edge}/${effect.eventId}`;
    return this.#db.transaction(() => {
      const active = this.#db.prepare(`SELECT id FROM location_block WHERE grp = ? AND edge = ? AND operation = ? AND location = ? AND rule = ? AND released_at IS NULL`)
        .get(effect.group, effect.edge, effect.operation, effect.location, effect.rule) as { id: string } | undefined;
      if (effect.released) {
        // A replayed release must not release a block set after it.
        const seen = this.#db.prepare('SELECT 1 FROM location_block WHERE release_event = ?').get(id);
        if (!active || seen) return false;
        this.#db.prepare('UPDATE location_block SET released_at = ?, release_event = ? WHERE id = ?').run(effect.at, id, active.id);
        return true;
      }
      // Still blocked by an earlier firing of the same rule: one block, not two.
      if (active) return false;
      return this.#db.prepare(`INSERT INTO location_block (id, grp, edge, operation, location, rule, pack_version, since) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (id) DO NOTHING`)
        .run(id, effect.group, effect.edge, effect.operation, effect.location, effect.rule, effect.packVersion, effect.at).changes === 1;
    })();
  }

  /** Newest first; only those still in force with `activeOnly`. */
  list(options: { activeOnly?: boolean; limit?: number } = {}): LocationBlock[] {
    const rows = this.#db.prepare(`SELECT * FROM location_block ${options.activeOnly ? 'WHERE released_at IS NULL' : ''} ORDER BY since DESC, id DESC LIMIT ?`)
      .all(options.limit ?? 500) as Row[];
    return rows.map((r) => ({
      id: r.id, operation: r.operation, location: r.location, group: r.grp, edge: r.edge, rule: r.rule, packVersion: r.pack_version,
      since: r.since, released: r.released_at !== null, releasedAt: r.released_at,
    }));
  }
}
