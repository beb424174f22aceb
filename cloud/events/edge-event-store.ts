/**
 * Where the cloud keeps gateways' edge events (docs/edge-events.md). Idempotent by (group, edge,
 * id): the gateway's outbox may deliver an event again after a reconnect or a kill -9, and the
 * second copy changes nothing. sqlite-edge-event-store.ts keeps them in the cloud's SQLite file.
 *
 * Its own folder rather than rollout/: rollout sends configuration down to gateways, while events
 * come up from them and will be read by the domains (inventory, tooling, ...) as rules and
 * scanners start emitting them.
 */
import type { EdgeEvent } from '../../connectors/edge-link/index.ts';

export interface StoredEdgeEvent {
  group: string;
  edge: string;
  id: string;
  type: string;
  /** Gateway time of the event, ms since the epoch. */
  at: number;
  body: unknown;
  /** Cloud time of its first arrival, ms since the epoch. */
  receivedAt: number;
}

export interface EdgeEventQuery {
  /** At most this many, newest (by `at`) first. */
  limit: number;
  /** Only events of this type. */
  type?: string;
}

export interface EdgeEventStore {
  /** Stores the event unless this gateway's id is stored already; true when it was new. */
  add(group: string, edge: string, event: EdgeEvent, receivedAt: number): boolean;
  /** One gateway's events, newest first (by `at`, then id). */
  list(group: string, edge: string, query: EdgeEventQuery): StoredEdgeEvent[];
}

/** For an app built without a store (tests, tools): there are no events to show. */
export const noEdgeEvents: EdgeEventStore = {
  add: () => false,
  list: () => [],
};
