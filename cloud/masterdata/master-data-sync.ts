/**
 * Bringing each gateway's master-data cache up to the cloud's version with `masterdata.sync`
 * (connectors/edge-link/master-data-sync.ts, docs/gateway-commands.md): the changes after the
 * version the gateway holds, in version order, MAX_SYNC_CHANGES per command, each settled by the
 * gateway's acknowledgement before the next goes out (one gateway at a time is serial; gateways
 * run side by side).
 *
 * When: a configuration report saying a lower version than the store's (a gateway that reports no
 * `masterData` has no scanning and is left alone), and ~200 ms after any change to the store, for
 * every gateway with scanning that is not known to be offline. A gateway holding 0, or more than
 * the store has (the cloud's file was replaced), gets everything again with `reset`. A chunk the
 * gateway refuses with VERSION_GAP is sent again from the version it says it holds; without a
 * number in the refusal, its next report says. Anything else unanswered or refused waits for the
 * next report or change, as rules.apply does (cloud/rules/rule-release.ts).
 */
import type { Clock } from '../../connectors/clock.ts';
import {
  MAX_SYNC_CHANGES, type ConfigReport, type EdgeAck, type MasterDataSyncArgs,
} from '../../connectors/edge-link/index.ts';
import type { EdgeLinkClient } from '../rollout/edge-link-client.ts';
import type { GatewayRef, GatewaySyncStates } from './gateway-sync-states.ts';
import type { MasterDataStore } from './master-data-store.ts';

export interface MasterDataSyncOptions {
  store: MasterDataStore;
  states: GatewaySyncStates;
  link: () => EdgeLinkClient | undefined;
  /** Every gateway this cloud knows (rollout.configs.gateways()), for the overview. */
  gateways: () => GatewayRef[];
  clock: Clock;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** Quiet time after a change before pushing; default 200 ms, so a burst of edits is one sync. */
  debounceMs?: number;
  /** Wait for each chunk's acknowledgement; default 15 s (a reset chunk is a large transaction). */
  timeoutMs?: number;
  /** Changes per command; default (and at most) MAX_SYNC_CHANGES. */
  chunkSize?: number;
}

export type GatewaySyncStatus = 'in-sync' | 'behind' | 'unknown';

export interface GatewaySyncView extends GatewayRef {
  online: boolean;
  /** Null for a gateway that never reported master data (no scanning, or an older gateway). */
  heldVersion: number | null;
  status: GatewaySyncStatus;
  lastError: string | null;
}

/** How many VERSION_GAP answers one run follows before waiting for the gateway's next report. */
const MAX_GAPS_PER_RUN = 3;

const keyOf = (g: GatewayRef) => `${g.group}/${g.edge}`;

/** The version a VERSION_GAP refusal says the gateway holds: "holds 42", "holds version 42". */
export function heldVersionOf(ack: Extract<EdgeAck, { ok: false }>): number | undefined {
  const texts = [...(ack.error.problems ?? []).map((p) => p.message), ack.error.message];
  for (const text of texts) {
    const match = /\bholds?\s+(?:master[- ]data\s+)?(?:version\s+)?(\d+)\b/i.exec(text);
    if (match) return Number(match[1]);
  }
  return undefined;
}

export class MasterDataSync {
  readonly #o: MasterDataSyncOptions;
  readonly #chunkSize: number;
  readonly #running = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();
  readonly #stopListening: () => void;
  #timer: unknown;
  #closed = false;

  constructor(options: MasterDataSyncOptions) {
    this.#o = options;
    this.#chunkSize = Math.min(options.chunkSize ?? MAX_SYNC_CHANGES, MAX_SYNC_CHANGES);
    this.#stopListening = options.store.onChange(() => this.#schedulePush());
  }

  /** A gateway's configuration report: note the version it holds and sync it when it is behind. */
  onReport(group: string, edge: string, report: ConfigReport): void {
    if (this.#closed || report.masterData === undefined) return;
    const gateway = { group, edge };
    try {
      this.#o.states.recordReport(gateway, report.masterData.version, this.#o.clock.now());
      if (report.masterData.version !== this.#o.store.version()) this.#kick(gateway);
    } catch (error) {
      this.#o.logger.warn({ err: error, ...gateway }, 'could not act on a gateway\'s master-data report');
    }
  }

  /** Every known gateway with what it holds. */
  overview(): GatewaySyncView[] {
    const version = this.#o.store.version();
    const states = new Map(this.#o.states.all().map((s) => [keyOf(s), s]));
    const all = new Map<string, GatewayRef>();
    for (const g of [...this.#o.gateways(), ...states.values()]) all.set(keyOf(g), { group: g.group, edge: g.edge });
    return [...all.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b))).map((g) => {
      const state = states.get(keyOf(g));
      const heldVersion = state?.heldVersion ?? null;
      return {
        ...g,
        online: this.#o.link()?.session(g.group, g.edge)?.online ?? false,
        heldVersion,
        status: heldVersion === null ? 'unknown' : heldVersion === version ? 'in-sync' : 'behind',
        lastError: state?.lastError ?? null,
      };
    });
  }

  /** Syncs one gateway now (after any run under way) and resolves when it is done; for tests and tools. */
  async syncNow(gateway: GatewayRef): Promise<void> {
    this.#kick(gateway);
    await this.idle();
  }

  /** Resolves when no sync is under way or scheduled. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running.values());
  }

  close(): void {
    this.#closed = true;
    this.#stopListening();
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
  }

  #schedulePush(): void {
    if (this.#closed) return;
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined;
      const link = this.#o.link();
      for (const state of this.#o.states.all()) {
        if (link?.session(state.group, state.edge)?.online === false) continue; // it gets everything when it reports again
        this.#kick(state);
      }
    }, this.#o.debounceMs ?? 200);
  }

  /** Runs the gateway's sync, or asks the run under way to go round once more. */
  #kick(gateway: GatewayRef): void {
    const key = keyOf(gateway);
    if (this.#running.has(key)) {
      this.#again.add(key);
      return;
    }
    const run = this.#run({ group: gateway.group, edge: gateway.edge })
      .catch((error: unknown) => this.#o.logger.warn({ err: error, ...gateway }, 'master-data sync failed'))
      .finally(() => {
        this.#running.delete(key);
        if (this.#again.delete(key) && !this.#closed) this.#kick(gateway);
      });
    this.#running.set(key, run);
  }

  async #run(gateway: GatewayRef): Promise<void> {
    const { states, store, logger } = this.#o;
    let gaps = 0;
    while (!this.#closed) {
      const state = states.get(gateway);
      if (!state) return;
      const target = store.version();
      if (state.heldVersion === target) {
        if (state.syncState !== 'idle' || state.lastError !== null) states.settle(gateway, { state: 'idle', error: null });
        return;
      }
      const link = this.#o.link();
      if (!link) return;
      // Holding 0, or more than this store ever gave: start over from nothing.
      const reset = state.heldVersion === 0 || state.heldVersion > target;
      const fromVersion = reset ? 0 : state.heldVersion;
      const changes = store.changesSince(fromVersion, this.#chunkSize);
      const toVersion = changes.at(-1)?.version ?? fromVersion;
      const args: MasterDataSyncArgs = { fromVersion, toVersion, reset, changes };
      states.settle(gateway, { state: 'syncing', error: state.lastError });
      let ack: EdgeAck;
      try {
        ack = await link.send(gateway.group, gateway.edge, 'masterdata.sync', args as unknown as Record<string, unknown>, {
          by: 'system', timeoutMs: this.#o.timeoutMs ?? 15_000,
        });
      } catch (error) {
        states.settle(gateway, { state: 'failed', error: (error as Error).message });
        logger.warn({ err: error, ...gateway, fromVersion, toVersion }, 'masterdata.sync not acknowledged; sent again when the gateway reports or master data changes');
        return;
      }
      if (ack.ok) {
        const version = (ack.result as { version?: unknown } | null)?.version;
        const held = typeof version === 'number' && Number.isInteger(version) && version >= 0 ? version : toVersion;
        states.settle(gateway, { held, state: 'syncing', error: null, syncedAt: this.#o.clock.now() });
        if (held !== toVersion) logger.warn({ ...gateway, toVersion, held }, 'the gateway acknowledged masterdata.sync at another version than sent');
        continue;
      }
      const error = `${ack.error.code}: ${ack.error.message}`;
      const held = ack.error.code === 'VERSION_GAP' ? heldVersionOf(ack) : undefined;
      if (held !== undefined && ++gaps <= MAX_GAPS_PER_RUN) {
        logger.info({ ...gateway, fromVersion, held }, 'the gateway holds another master-data version; sending from there');
        states.settle(gateway, { held, state: 'syncing', error });
        continue;
      }
      states.settle(gateway, { state: 'failed', error });
      logger.warn({ ...gateway, fromVersion, toVersion, error }, 'the gateway refused masterdata.sync; sent again when it reports or master data changes');
      return;
    }
  }
}
