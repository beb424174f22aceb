/**
 * When the host asks an edge node to rebirth: at most once per node per interval, and never before
 * the host's own STATE birth, which must be its first message [tck-id-host-topic-phid-birth-message];
 * a request made earlier waits for it.
 */
export interface RebirthRequestsOptions {
  /** At most one request per edge node in this period. */
  intervalMs: number;
  now: () => number;
  /** Publishes the NCMD. */
  send: (group: string, edge: string, why: string) => void;
}

export class RebirthRequests {
  readonly #options: RebirthRequestsOptions;
  readonly #last = new Map<string, number>();
  readonly #deferred = new Map<string, { group: string; edge: string; why: string }>();
  #online = false;

  constructor(options: RebirthRequestsOptions) {
    this.#options = options;
  }

  /** Whether the host's STATE says online on this connection; going online sends what waited. */
  setOnline(online: boolean): void {
    this.#online = online;
    if (!online) return;
    const waiting = [...this.#deferred.values()];
    this.#deferred.clear();
    for (const { group, edge, why } of waiting) this.request(group, edge, why);
  }

  /** Returns whether a request went out now. */
  request(group: string, edge: string, why: string): boolean {
    const nodeKey = `${group}\u0000${edge}`;
    if (!this.#online) {
      this.#deferred.set(nodeKey, { group, edge, why });
      return false;
    }
    const now = this.#options.now();
    if (now - (this.#last.get(nodeKey) ?? -Infinity) < this.#options.intervalMs) return false;
    this.#last.set(nodeKey, now);
    this.#options.send(group, edge, why);
    return true;
  }
}
