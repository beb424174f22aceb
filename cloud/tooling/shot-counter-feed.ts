/**
 * Shot counters fed by the edge (issue 7 item 6): reads each machine's counter tag (and mold-id
 * tag) from the cloud's telemetry store past a cursor kept per machine, and adds every positive
 * step of the counter to the mold mounted at that sample's time and to every sub-mold and insert
 * that sat in it then. The shots and the cursor move in one transaction, so a restart neither
 * loses nor double counts.
 *
 * Counter rules: the first sample ever only sets the base; a step down is a counter reset (the
 * PLC was reloaded or the counter wrapped) and the new value is the shots made since; samples of
 * bad quality are skipped (the base stays). A sample arriving later with a ts before the cursor is
 * not read, which loses nothing: the counter is cumulative, so the next step still holds it
 * (unless a reset fell in between).
 *
 * Runs on an injected timer (`pollEveryMs`); tests call `poll()`. Never throws: a failure is
 * logged and counted, and the machine is tried again at the next poll.
 */
import type { Clock } from '../../connectors/clock.ts';
import type { SqliteDatabase } from '../store/database.ts';
import type { HistoryPoint, TelemetryStore } from '../store/telemetry-store.ts';
import type { Machines } from './machines.ts';
import type { ToolingAssets } from './tooling-assets.ts';
import type { FeedStats, Machine, TagRef } from './tooling-types.ts';

export const DEFAULT_POLL_EVERY_MS = 2_000;
/** Samples read per query; a longer backlog is read in time slices. */
const PAGE = 5_000;
/** The actor recorded on mounts the feed makes from the mold-id tag. */
export const FEED_ACTOR = 'edge:mold-id';

export interface ShotCounterFeedDeps {
  db: SqliteDatabase;
  telemetry: Pick<TelemetryStore, 'history'>;
  assets: Pick<ToolingAssets, 'treeAt' | 'addShots'>;
  machines: Pick<Machines, 'list' | 'cursor' | 'saveCursor' | 'moldAt' | 'mountInTransaction'>;
  clock: Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** Default DEFAULT_POLL_EVERY_MS; 0: no timer (call poll()). */
  pollEveryMs?: number;
}

interface Event { ts: number; kind: 'mold' | 'counter'; point: HistoryPoint }

export class ShotCounterFeed {
  readonly #deps: ShotCounterFeedDeps;
  readonly #stats: FeedStats = { polls: 0, samplesRead: 0, shotsCounted: 0, resets: 0, badSkipped: 0, unattributedShots: 0, autoMounts: 0, errors: 0, lastPollAt: null, lastError: null };
  #timer: unknown;
  #stopped = true;

  constructor(deps: ShotCounterFeedDeps) {
    this.#deps = deps;
  }

  start(): void {
    const everyMs = this.#deps.pollEveryMs ?? DEFAULT_POLL_EVERY_MS;
    if (everyMs <= 0 || !this.#stopped) return;
    this.#stopped = false;
    const tick = () => {
      if (this.#stopped) return;
      this.poll();
      this.#timer = this.#deps.clock.setTimeout(tick, everyMs);
    };
    this.#timer = this.#deps.clock.setTimeout(tick, 0);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#deps.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  stats(): FeedStats {
    return { ...this.#stats };
  }

  /** Reads every machine's new samples and counts them; returns the shots counted now. Never throws. */
  poll(): number {
    let counted = 0;
    this.#stats.polls++;
    this.#stats.lastPollAt = this.#deps.clock.now();
    let machines: Machine[];
    try {
      machines = this.#deps.machines.list();
    } catch (error) {
      this.#failed(error, null);
      return 0;
    }
    for (const machine of machines) {
      if (!machine.counter && !machine.moldIdTag) continue;
      try {
        counted += this.#pollMachine(machine);
      } catch (error) {
        this.#failed(error, machine.id);
      }
    }
    return counted;
  }

  #failed(error: unknown, machine: string | null): void {
    this.#stats.errors++;
    this.#stats.lastError = `${machine ?? 'machines'}: ${(error as Error)?.message ?? String(error)}`;
    this.#deps.logger.warn({ err: error, machine }, 'shot counter feed: could not read or count; trying again at the next poll');
  }

  /** Samples of `tag` after `afterTs`, oldest first; at most PAGE, the oldest ones when there are more. */
  #after(tag: TagRef, afterTs: number | null): HistoryPoint[] {
    // The first read ever takes the newest page: its first sample sets the base, and older
    // shots were made before the machine was registered, so no mount could take them anyway.
    if (afterTs === null) return this.#deps.telemetry.history({ ...tag, limit: PAGE });
    const from = afterTs + 1;
    let to = Number.MAX_SAFE_INTEGER;
    // history() keeps the newest when more than `limit` match: halve the range until it fits.
    for (;;) {
      const points = this.#deps.telemetry.history({ ...tag, from, to, limit: PAGE + 1 });
      if (points.length <= PAGE || to <= from) return points.slice(0, PAGE);
      to = from + Math.floor((Math.min(to, points.at(-1)!.ts) - from) / 2);
    }
  }

  #pollMachine(machine: Machine): number {
    const { db, machines, assets, logger } = this.#deps;
    let counted = 0;
    db.transaction(() => {
      const cursor = machines.cursor(machine.id);
      const counterPoints = machine.counter ? this.#after(machine.counter, cursor.counterTs) : [];
      const moldPoints = machine.moldIdTag ? this.#after(machine.moldIdTag, cursor.moldTagTs) : [];
      // When one page is full, the other tag is read no further than it, so mounts and shots stay in time order.
      const horizon = Math.min(
        counterPoints.length === PAGE ? counterPoints.at(-1)!.ts : Infinity,
        moldPoints.length === PAGE ? moldPoints.at(-1)!.ts : Infinity,
      );
      const events: Event[] = [
        ...moldPoints.filter((p) => p.ts <= horizon).map((point) => ({ ts: point.ts, kind: 'mold' as const, point })),
        ...counterPoints.filter((p) => p.ts <= horizon).map((point) => ({ ts: point.ts, kind: 'counter' as const, point })),
      ].sort((a, b) => a.ts - b.ts || (a.kind === b.kind ? 0 : a.kind === 'mold' ? -1 : 1));
      if (events.length === 0) return;

      const increments = new Map<string, number>();
      let base = cursor.counterValue;
      let { counterTs, moldTagTs } = cursor;
      for (const { ts, kind, point } of events) {
        this.#stats.samplesRead++;
        if (kind === 'mold') {
          moldTagTs = ts;
          if (point.quality === 'bad' || typeof point.value !== 'string' || point.value.trim() === '') continue;
          const mold = point.value.trim();
          if (machines.moldAt(machine.id, ts) === mold) continue;
          try {
            machines.mountInTransaction(machine.id, mold, ts, 'tag', FEED_ACTOR);
            this.#stats.autoMounts++;
            logger.info({ machine: machine.id, mold, ts }, 'mold mounted from the mold-id tag');
          } catch (error) {
            // Not a known mold, or older than the last mount: the tag is evidence, not an order.
            logger.info({ machine: machine.id, value: mold, reason: (error as Error).message }, 'mold-id tag names no mold that can be mounted; ignored');
          }
          continue;
        }
        counterTs = ts;
        if (point.quality === 'bad' || typeof point.value !== 'number' || !Number.isFinite(point.value)) {
          this.#stats.badSkipped++;
          continue;
        }
        const value = point.value;
        if (base === null) {
          base = value;
          continue;
        }
        let step = value - base;
        if (step < 0) {
          step = value;
          this.#stats.resets++;
          logger.info({ machine: machine.id, from: base, to: value, ts }, 'shot counter went down: counted as a reset');
        }
        base = value;
        const shots = Math.round(step);
        if (shots <= 0) continue;
        const mold = machines.moldAt(machine.id, ts);
        if (mold === null) {
          this.#stats.unattributedShots += shots;
          continue;
        }
        for (const id of assets.treeAt(mold, ts)) increments.set(id, (increments.get(id) ?? 0) + shots);
        counted += shots;
      }
      assets.addShots(increments);
      machines.saveCursor(machine.id, { counterTs, counterValue: base, moldTagTs });
    }).immediate();
    this.#stats.shotsCounted += counted;
    return counted;
  }
}
