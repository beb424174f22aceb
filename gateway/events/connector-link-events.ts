/**
 * `connector.link` events (docs/edge-events.md): one when a connector's link to its device goes
 * up or down, as seen at each of its read results. `connecting` (not reached yet) and `closed`
 * (removed by a configuration change) are not link changes and say nothing. The first state seen
 * after a start is reported too, so the cloud learns how each link came up after a restart.
 */
import type { LinkState, TagValue } from '../../connectors/connector.ts';
import type { ConnectorLinkEventBody } from '../../connectors/edge-link/index.ts';
import type { EdgeEvents } from './edge-events.ts';

export const CONNECTOR_LINK_EVENT = 'connector.link';

export interface ConnectorLinkEventsOptions {
  events: Pick<EdgeEvents, 'emit'>;
  logger: { error(obj: object, msg?: string): void };
}

export class ConnectorLinkEvents {
  readonly #o: ConnectorLinkEventsOptions;
  /** The last state reported per connector. */
  readonly #reported = new Map<string, 'up' | 'down'>();

  constructor(options: ConnectorLinkEventsOptions) {
    this.#o = options;
  }

  /** Called with each read result: emits when `state` differs from the last one reported. */
  observe(connector: string, state: LinkState | undefined, values: readonly TagValue[]): void {
    if (state !== 'up' && state !== 'down') return;
    if (this.#reported.get(connector) === state) return;
    const error = state === 'down' ? values.find((v) => v.error !== undefined)?.error : undefined;
    const body: ConnectorLinkEventBody = { connector, state, ...(error !== undefined ? { error } : {}) };
    try {
      this.#o.events.emit(CONNECTOR_LINK_EVENT, body);
      this.#reported.set(connector, state);
    } catch (err) {
      // Not marked as reported: the next read result tries again.
      this.#o.logger.error({ err, connector, state }, 'cannot queue a connector.link event');
    }
  }
}
