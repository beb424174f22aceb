/**
 * The Sparkplug 3.0 host application STATE (spec 4.2.3): a retained JSON message on
 * spBv1.0/STATE/<host_id> saying whether the host is online and since when. Edge nodes configured
 * with this host as their primary host (north.primaryHostId) publish only while it says online.
 *
 * One host session = one MQTT connection. Its timestamp is taken when the CONNECT is sent: the
 * Will (offline) carries it [tck-id-host-topic-phid-death-payload-timestamp-connect], the birth
 * (online) after the subscriptions carries the same
 * [tck-id-host-topic-phid-birth-payload-timestamp], and so does the offline published before a clean disconnect
 * [tck-id-host-topic-phid-death-payload-timestamp-disconnect-clean]. An edge node ignores a STATE
 * older than the newest it has seen, so a Will from an earlier connection cannot undo a later
 * birth.
 */
import { decodeHostState, encodeHostState, sparkplugStateTopic } from '../../connectors/sparkplug/index.ts';

export { decodeHostState, encodeHostState, type HostStatePayload } from '../../connectors/sparkplug/index.ts';

/** What the ingest does with a STATE message it receives (it subscribes to spBv1.0/#). */
export type StateVerdict = 'other_host' | 'malformed' | 'own_echo' | 'republish';

/** MQTT 'publish' options for every STATE we send: [tck-id-host-topic-phid-birth-qos] [tck-id-host-topic-phid-birth-retain] [tck-id-host-topic-phid-death-qos] [tck-id-host-topic-phid-death-retain]. */
export const STATE_PUBLISH = { qos: 1, retain: true } as const;

/** The host's STATE across its connections: which timestamp each message carries. */
export class HostState {
  /** [tck-id-host-topic-phid-birth-topic] [tck-id-host-topic-phid-death-topic] */
  readonly topic: string;
  #connectTimestamp: number;
  #onlineTimestamp: number;

  constructor(readonly hostId: string, now: number) {
    this.topic = sparkplugStateTopic(hostId);
    this.#connectTimestamp = now;
    this.#onlineTimestamp = now;
  }

  /** A new connection: call just before its CONNECT goes out, then take its will(). */
  connecting(now: number): void {
    this.#connectTimestamp = now;
    this.#onlineTimestamp = now;
  }

  /** [tck-id-host-topic-phid-death-required] The Will registered in the CONNECT. */
  will(): { topic: string; payload: Buffer; qos: 1; retain: true } {
    return { topic: this.topic, payload: encodeHostState({ online: false, timestamp: this.#connectTimestamp }), ...STATE_PUBLISH };
  }

  /**
   * The birth, published once subscribed [tck-id-message-flow-phid-sparkplug-state-publish]; births
   * and deaths are encodeHostState's JSON [tck-id-host-topic-phid-birth-payload] [tck-id-host-topic-phid-death-payload].
   */
  online(): Buffer {
    return encodeHostState({ online: true, timestamp: this.#onlineTimestamp });
  }

  /** The death published before a clean disconnect: the timestamp of the birth it ends. */
  offline(): Buffer {
    return encodeHostState({ online: false, timestamp: this.#onlineTimestamp });
  }

  /**
   * Reads a STATE message this host received. An offline about itself, delivered live (not the
   * retained copy the broker hands over at subscribe time, which our birth already replaced)
   * and no older than this connection, means someone else put it there: the broker's retained
   * STATE now says offline, so the host republishes its birth at the current time
   * [tck-id-message-flow-hid-sparkplug-state-message-delivered]. Older ones are our own earlier
   * deaths and edge nodes ignore them anyway.
   */
  receive(hostId: string, payload: Uint8Array, retained: boolean, now: number): { verdict: StateVerdict; error?: string } {
    if (hostId !== this.hostId) return { verdict: 'other_host' };
    const state = decodeHostState(payload);
    if ('error' in state) return { verdict: 'malformed', error: state.error };
    if (state.online || retained || state.timestamp < this.#connectTimestamp) return { verdict: 'own_echo' };
    this.#onlineTimestamp = Math.max(now, state.timestamp);
    return { verdict: 'republish' };
  }
}
