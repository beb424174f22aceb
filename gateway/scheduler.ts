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
  /** Aborted when this connector is removed or the scheduler stops. */
  abort: AbortController;
  group: ReadGroup;
  stats: GroupStats;
  timer: unknown;
  running: Promise<void> | undefined;
  firstTickAt: number;
  ticks: number;
}

export class Scheduler {
  #loops: GroupLoop[];
  readonly #options: SchedulerOptions;
  readonly #clock: Clock;
  #abort = new AbortController();
  #started = false;

  constructor(connectors: readonly SchedulableConnector[], options: SchedulerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#loops = connectors.flatMap((connector) => this.#loopsOf(connector));
  }

  /** Schedules one more connector (hot reload); its groups start at once if the scheduler runs. */
  add(connector: SchedulableConnector): void {
    if (this.#loops.some((loop) => loop.connector.name === connector.name)) throw new Error(`Connector "${connector.name}" is scheduled already`);
    const loops = this.#loopsOf(connector);
    this.#loops.push(...loops);
    if (this.#started && !this.#abort.signal.aborted) this.#startLoops(loops);
  }

  /**
   * Stops one connector's loops (hot reload) and waits for its reads in flight, whose results are
   * dropped; every other connector's loops go on untouched.
   */
  async remove(name: string): Promise<void> {
    const removed = this.#loops.filter((loop) => loop.connector.name === name);
    this.#loops = this.#loops.filter((loop) => loop.connector.name !== name);
    for (const loop of removed) {
      loop.abort.abort(new Error(`connector ${name} removed`));
      this.#clock.clearTimeout(loop.timer);
    }
    await Promise.all(removed.map((loop) => loop.running));
  }

  #loopsOf(connector: SchedulableConnector): GroupLoop[] {
    return connector.groups().map((group) => ({
      connector, group, abort: new AbortController(), timer: undefined, running: undefined, firstTickAt: 0, ticks: 0,
      stats: { connector: connector.name, group: group.name, intervalMs: group.intervalMs, reads: 0, skippedTicks: 0, failures: 0, lastDurationMs: null },
    }));
  }

  #startLoops(loops: readonly GroupLoop[]): void {
    const now = this.#clock.now();
    for (const loop of loops) {
      loop.firstTickAt = now;
      this.#tick(loop);
    }
  }

  /** Starts every loop; the first read of each group happens at once. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#startLoops(this.#loops);
  }

  /** Stops ticking, aborts reads in flight and waits for them to settle. */
  async stop(): Promise<void> {
    this.#abort.abort(new Error('scheduler stopped'));
    for (const loop of this.#loops) {
      loop.abort.abort(this.#abort.signal.reason);
      this.#clock.clearTimeout(loop.timer);
    }
    await Promise.all(this.#loops.map((loop) => loop.running));
  }

  stats(): GroupStats[] {
    return this.#loops.map((loop) => ({ ...loop.stats }));
  }

  #tick(loop: GroupLoop): void {
    if (loop.abort.signal.aborted) return;
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
      values = await loop.connector.read(loop.group, { signal: loop.abort.signal });
    } catch (error) {
      if (loop.abort.signal.aborted) return;
      loop.stats.failures++;
      this.#options.onError?.(error, where);
      return;
    }
    if (loop.abort.signal.aborted) return;
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
