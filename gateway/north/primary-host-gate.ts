/**
 * The primary host application's STATE, as an edge node sees it (Sparkplug 3.0 "Primary Host
 * Application STATE"): retained JSON `{"online": boolean, "timestamp": ms}` on
 * `spBv1.0/STATE/<host_id>`. The edge node publishes its births only once the host says online
 * [tck-id-operational-behavior-edge-node-birth-sequence-wait] and ends its session when the host
 * goes offline [tck-id-operational-behavior-primary-application-state-with-multiple-servers-walk].
 */
import { decodeHostState, sparkplugStateTopic, type HostStatePayload } from '../../connectors/sparkplug/index.ts';

export type StateVerdict = 'online' | 'offline' | 'stale' | 'invalid';

export class PrimaryHostGate {
  readonly topic: string;
  #latest: HostStatePayload | undefined;
  #waiters = new Set<() => void>();

  constructor(readonly hostId: string) {
    this.topic = sparkplugStateTopic(hostId);
  }

  /** Online only on a STATE whose 'online' is true [tck-id-message-flow-edge-node-birth-publish-phid-wait-online]. */
  get online(): boolean {
    return this.#latest?.online === true;
  }

  get latest(): HostStatePayload | undefined {
    return this.#latest;
  }

  /**
   * Applies one STATE message. A message older than the newest one seen is 'stale' and changes
   * nothing: a retained STATE from a host's previous session must not undo its current one.
   * Deviation: this TCK version compares the STATE's bdSeq, which the released 3.0 STATE no longer
   * carries; its timestamp stands in [tck-id-message-flow-edge-node-birth-publish-phid-wait-bdSeq],
   * and any newer offline STATE ends the session [tck-id-operational-behavior-edge-node-termination-host-offline-bdSeq].
   */
  apply(payload: Uint8Array): StateVerdict {
    const state = decodeHostState(payload);
    if ('error' in state) return 'invalid';
    if (this.#latest && state.timestamp < this.#latest.timestamp) return 'stale';
    this.#latest = state;
    if (state.online) for (const wake of this.#waiters) wake();
    return state.online ? 'online' : 'offline';
  }

  /**
   * Resolves once the host is online: the births wait for it [tck-id-message-flow-edge-node-birth-publish-phid-wait].
   * Rejects when `ended` rejects first.
   */
  async waitOnline(ended: Promise<never>): Promise<void> {
    if (this.online) return;
    let wake = () => {};
    const online = new Promise<void>((resolve) => {
      wake = resolve;
      this.#waiters.add(wake);
    });
    try {
      await Promise.race([online, ended]);
    } finally {
      this.#waiters.delete(wake);
    }
  }
}
