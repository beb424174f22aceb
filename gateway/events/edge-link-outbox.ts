/**
 * Everything the gateway says on the edge link (acknowledgements, configuration reports, events)
 * goes through the outbox, like telemetry (docs/edge-events.md): one committed row per message,
 * published by the edge node at QoS 1 on `edgestock/v1/{group}/{edge}/{channel}` after the births,
 * in outbox order, and removed only after the PUBACK. So a message said while the broker or the
 * cloud is away is delivered when they are back, and survives a kill -9 of the gateway.
 */
import type { Clock } from '../../connectors/clock.ts';
import type { EdgeLinkChannel } from '../../connectors/edge-link/index.ts';
import type { Outbox } from '../outbox/outbox.ts';

/** The channels a gateway publishes on (`cmd` is the cloud's). */
export type GatewayChannel = Exclude<EdgeLinkChannel, 'cmd'>;

/** How gateway parts hand a message to the edge link. */
export interface EdgeLinkSender {
  /**
   * Appends `message` as JSON in one committed outbox row and wakes the edge node. Throws when the
   * row could not be committed (the caller decides what that means); returns once it is durable.
   */
  send(channel: GatewayChannel, id: string, message: object): void;
}

export interface EdgeLinkOutboxOptions {
  outbox: Pick<Outbox, 'append'>;
  /** Wakes the publisher (SparkplugEdgeNode.notify). */
  notify: () => void;
  clock: Clock;
}

export class EdgeLinkOutbox implements EdgeLinkSender {
  readonly #o: EdgeLinkOutboxOptions;

  constructor(options: EdgeLinkOutboxOptions) {
    this.#o = options;
  }

  send(channel: GatewayChannel, id: string, message: object): void {
    // The row layout of outbox.ts for kind 'event': device = channel, tag = message id, value = the JSON text.
    this.#o.outbox.append([{ kind: 'event', device: channel, tag: id, value: JSON.stringify(message), quality: 'good', ts: this.#o.clock.now() }]);
    this.#o.notify();
  }
}
