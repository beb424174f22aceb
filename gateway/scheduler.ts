/**
 * Poll cadence: one loop per connector and read group at the group's interval. Ticks are on a
 * fixed grid (start + n * interval) so reads do not drift; a tick that finds the previous read of
 * the same group still running is skipped and counted rather than piling reads onto a slow device.
 * Connectors only report (STYLE.md rule 5); results go to one callback.
 */
import type { Connector, ReadGroup, TagValue } from '../connectors/connector.ts';
import { systemClock, type Clock } from '../connectors/clock.ts';

export interface ReadResult {
  connector: string;
  group: string;
  values: TagValue[];
  startedAt: number;
  durationMs: number;
}

/** The part of a connector the scheduler uses. */
export type SchedulableConnector = Pick<Connector, 'name' | 'groups' | 'read'>;

export interface SchedulerOptions {
  onResult: (result: ReadResult) => void;
  /** A read rejected (a connector bug: device errors come back as 'bad' values) or onResult threw. */
  onError?: (error: unknown, where: { connector: string; group: string }) => void;
  clock?: Clock;
}

export interface GroupStats {
  connector: string;
  group: string;
  intervalMs: number;
  reads: number;
  skippedTicks: number;
  failures: number;
  lastDurationMs: number | null;
}

interface GroupLoop {
  connector: SchedulableConnector;
  group: ReadGroup;
  stats: GroupStats;
  timer: unknown;
  running: Promise<void> | undefined;
  firstTickAt: number;
  ticks: number;
}

export class Scheduler {
  readonly #loops: GroupLoop[];
  readonly #options: SchedulerOptions;
  readonly #clock: Clock;
  #abort = new AbortController();
  #started = false;

  constructor(connectors: readonly SchedulableConnector[], options: SchedulerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#loops = connectors.flatMap((connector) => connector.groups().map((group) => ({
      connector, group, timer: undefined, running: undefined, firstTickAt: 0, ticks: 0,
      stats: { connector: connector.name, group: group.name, intervalMs: group.intervalMs, reads: 0, skippedTicks: 0, failures: 0, lastDurationMs: null },
    })));
  }

  /** Starts every loop; the first read of each group happens at once. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const now = this.#clock.now();
    for (const loop of this.#loops) {
      loop.firstTickAt = now;
      this.#tick(loop);
    }
  }

  /** Stops ticking, aborts reads in flight and waits for them to settle. */
  async stop(): Promise<void> {
    this.#abort.abort(new Error('scheduler stopped'));
    for (const loop of this.#loops) this.#clock.clearTimeout(loop.timer);
    await Promise.all(this.#loops.map((loop) => loop.running));
  }

  stats(): GroupStats[] {
    return this.#loops.map((loop) => ({ ...loop.stats }));
  }

  #tick(loop: GroupLoop): void {
    if (this.#abort.signal.aborted) return;
    if (loop.running) loop.stats.skippedTicks++;
    else loop.running = this.#read(loop).finally(() => { loop.running = undefined; });
    loop.ticks++;
    // Next grid point after now: a tick delayed by a busy event loop does not shift later ones.
    const interval = loop.group.intervalMs;
    const now = this.#clock.now();
    let next = loop.firstTickAt + loop.ticks * interval;
    if (next < now) {
      const missed = Math.ceil((now - next) / interval);
      loop.stats.skippedTicks += missed;
      loop.ticks += missed;
      next = loop.firstTickAt + loop.ticks * interval;
    }
    loop.timer = this.#clock.setTimeout(() => this.#tick(loop), next - now);
  }

  async #read(loop: GroupLoop): Promise<void> {
    const where = { connector: loop.connector.name, group: loop.group.name };
    const startedAt = this.#clock.now();
    let values: TagValue[];
    try {
      values = await loop.connector.read(loop.group, { signal: this.#abort.signal });
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      loop.stats.failures++;
      this.#options.onError?.(error, where);
      return;
    }
    if (this.#abort.signal.aborted) return;
    const durationMs = this.#clock.now() - startedAt;
    loop.stats.reads++;
    loop.stats.lastDurationMs = durationMs;
    try {
      this.#options.onResult({ ...where, values, startedAt, durationMs });
    } catch (error) {
      this.#options.onError?.(error, where);
    }
  }
}
