/**
 * The gateway's events API (docs/edge-events.md): whatever happens at the edge that is not
 * telemetry (a link going down, a rule action, an alert, a scan decision) is emitted here as
 * `{ id, type, at, body }` and published on `edgestock/v1/{group}/{edge}/event` from the outbox.
 * emit() returns only after the event is committed, so a caller may act on it at once: the event
 * is delivered even if the broker is away or the gateway is killed right after (the outbox's byte
 * budget and its drop-oldest policy apply to events as to values). The cloud stores each id once.
 */
import type { Clock } from '../../connectors/clock.ts';
import { edgeEventSchema, MAX_EDGE_EVENT_BYTES, type EdgeEvent } from '../../connectors/edge-link/index.ts';
import type { EdgeLinkSender } from './edge-link-outbox.ts';
import { sortableIds, type IdSource } from './edge-link-ids.ts';

export interface EdgeEventsOptions {
  link: EdgeLinkSender;
  clock: Pick<Clock, 'now'>;
  /** Default: sortableIds(clock). */
  ids?: IdSource;
}

export interface EdgeEventStats {
  /** Events committed to the outbox since start. */
  emitted: number;
  /** emit() calls that threw (bad event, or the outbox could not commit it). */
  failed: number;
}

/** Thrown for an event the cloud would reject: say what to fix in the producer. */
export class EdgeEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EdgeEventError';
  }
}

export class EdgeEvents {
  readonly #o: EdgeEventsOptions;
  readonly #ids: IdSource;
  readonly #stats: EdgeEventStats = { emitted: 0, failed: 0 };

  constructor(options: EdgeEventsOptions) {
    this.#o = options;
    this.#ids = options.ids ?? sortableIds(options.clock);
  }

  /**
   * Commits one event and returns its id. Give `id` when the event must not be recorded twice even
   * if the producer runs twice for the same cause (e.g. `scan-<scan id>`); by default a new sortable
   * id. Throws EdgeEventError for an event the cloud would reject, or the outbox's error when the
   * row could not be committed; in both cases nothing was queued.
   */
  emit(type: string, body: unknown, options: { id?: string } = {}): string {
    try {
      const event = this.#check({ id: options.id ?? this.#ids('ev'), type, at: this.#o.clock.now(), body: body ?? null });
      this.#o.link.send('event', event.id, event);
      this.#stats.emitted++;
      return event.id;
    } catch (error) {
      this.#stats.failed++;
      throw error;
    }
  }

  stats(): EdgeEventStats {
    return { ...this.#stats };
  }

  /** The same schema the cloud reads with, so a bad event fails in its producer, not in the cloud. */
  #check(event: EdgeEvent): EdgeEvent {
    const parsed = edgeEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new EdgeEventError(`Cannot emit event "${event.type}": ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    }
    const bytes = Buffer.byteLength(JSON.stringify(event));
    if (bytes > MAX_EDGE_EVENT_BYTES) {
      throw new EdgeEventError(`Cannot emit event "${event.type}": it is ${bytes} bytes as JSON, expected at most ${MAX_EDGE_EVENT_BYTES}; send a reference to large data instead`);
    }
    return event;
  }
}
