import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReadGroup, TagValue } from '../connectors/connector.ts';
import { Scheduler, type ReadResult, type SchedulableConnector } from './scheduler.ts';

function fakeConnector(groups: ReadGroup[], readDelayMs = 0, fail?: (n: number) => boolean) {
  const startedAt: Record<string, number[]> = {};
  let n = 0;
  const connector: SchedulableConnector = {
    name: 'plc',
    groups: () => groups,
    read: (group, opts) => new Promise<TagValue[]>((resolve, reject) => {
      (startedAt[group.name] ??= []).push(Date.now());
      const call = n++;
      const done = () => (fail?.(call) ? reject(new Error('bug')) : resolve(group.tags.map((tag) => ({ device: 'plc', tag, value: call, quality: 'good', ts: Date.now() }))));
      if (readDelayMs === 0) return done();
      const timer = setTimeout(done, readDelayMs);
      opts?.signal?.addEventListener('abort', () => { clearTimeout(timer); reject(opts.signal!.reason); });
    }),
  };
  return { connector, startedAt };
}

describe('Scheduler', () => {
  beforeEach(() => { vi.useFakeTimers({ now: 0 }); });
  afterEach(() => { vi.useRealTimers(); });

  it('reads every group at its own interval, first at once', async () => {
    const { connector, startedAt } = fakeConnector([
      { name: 'fast', intervalMs: 100, tags: ['a'] },
      { name: 'slow', intervalMs: 250, tags: ['b'] },
    ]);
    const results: ReadResult[] = [];
    const scheduler = new Scheduler([connector], { onResult: (r) => results.push(r) });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(startedAt.fast).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(startedAt.slow).toEqual([0, 250, 500, 750, 1000]);
    expect(results.filter((r) => r.group === 'slow').map((r) => r.values[0].tag)).toEqual(['b', 'b', 'b', 'b', 'b']);
    expect(results[0]).toMatchObject({ connector: 'plc', group: 'fast', startedAt: 0, durationMs: 0 });
    await scheduler.stop();
  });

  it('never overlaps reads of one group: a tick during a read is skipped and counted', async () => {
    const { connector, startedAt } = fakeConnector([{ name: 'g', intervalMs: 100, tags: ['a'] }], 250);
    const results: ReadResult[] = [];
    const scheduler = new Scheduler([connector], { onResult: (r) => results.push(r) });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(startedAt.g).toEqual([0, 300, 600, 900]);
    expect(results.map((r) => r.durationMs)).toEqual([250, 250, 250]);
    expect(scheduler.stats()[0]).toMatchObject({ reads: 3, skippedTicks: 7, lastDurationMs: 250 });
    await scheduler.stop();
  });

  it('keeps polling after a read rejects, and reports the failure', async () => {
    const { connector } = fakeConnector([{ name: 'g', intervalMs: 100, tags: ['a'] }], 0, (n) => n === 1);
    const errors: unknown[] = [];
    const results: ReadResult[] = [];
    const scheduler = new Scheduler([connector], { onResult: (r) => results.push(r), onError: (e) => errors.push(e) });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(300);
    expect(results).toHaveLength(3);
    expect(errors).toHaveLength(1);
    expect(scheduler.stats()[0]).toMatchObject({ reads: 3, failures: 1 });
    await scheduler.stop();
  });

  it('keeps polling when the result callback throws', async () => {
    const { connector, startedAt } = fakeConnector([{ name: 'g', intervalMs: 100, tags: ['a'] }]);
    const errors: unknown[] = [];
    const scheduler = new Scheduler([connector], { onResult: () => { throw new Error('consumer bug'); }, onError: (e) => errors.push(e) });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(200);
    expect(startedAt.g).toHaveLength(3);
    expect(errors).toHaveLength(3);
    await scheduler.stop();
  });

  it('stop aborts the reads in flight, waits for them and ticks no more', async () => {
    const { connector, startedAt } = fakeConnector([{ name: 'g', intervalMs: 100, tags: ['a'] }], 10_000);
    const results: ReadResult[] = [];
    const errors: unknown[] = [];
    const scheduler = new Scheduler([connector], { onResult: (r) => results.push(r), onError: (e) => errors.push(e) });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(50);
    await scheduler.stop();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(startedAt.g).toEqual([0]);
    expect(results).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('takes time from an injected clock', async () => {
    vi.useRealTimers();
    const timers: { fn: () => void; at: number }[] = [];
    let now = 1_000;
    const clock = {
      now: () => now,
      setTimeout: (fn: () => void, ms: number) => { const t = { fn, at: now + ms }; timers.push(t); return t; },
      clearTimeout: (t: unknown) => { const i = timers.indexOf(t as never); if (i >= 0) timers.splice(i, 1); },
    };
    const reads: number[] = [];
    const connector: SchedulableConnector = {
      name: 'plc', groups: () => [{ name: 'g', intervalMs: 500, tags: ['a'] }],
      read: async () => { reads.push(now); return []; },
    };
    const scheduler = new Scheduler([connector], { onResult: () => {}, clock });
    scheduler.start();
    for (let step = 0; step < 3; step++) {
      await new Promise((resolve) => setImmediate(resolve));
      const next = timers.shift()!;
      now = next.at;
      next.fn();
    }
    expect(reads).toEqual([1000, 1500, 2000, 2500]);
    await scheduler.stop();
  });

  it('adds and removes a connector while running; the others keep their grid and counters', async () => {
    const { connector: plc, startedAt: plcStarts } = fakeConnector([{ name: 'g', intervalMs: 100, tags: ['a'] }]);
    const other = fakeConnector([{ name: 'h', intervalMs: 100, tags: ['b'] }], 30);
    const newcomer: SchedulableConnector = { ...other.connector, name: 'newcomer' };
    const results: ReadResult[] = [];
    const scheduler = new Scheduler([plc], { onResult: (r) => results.push(r) });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(250);
    scheduler.add(newcomer);
    expect(() => scheduler.add(newcomer)).toThrow('Connector "newcomer" is scheduled already');
    await vi.advanceTimersByTimeAsync(310); // newcomer reads start at 250, 350, 450, 550 and take 30 ms each
    const removing = scheduler.remove('newcomer'); // at 560: its read started at 550 is in flight
    await vi.advanceTimersByTimeAsync(500);
    await removing;
    expect(results.filter((r) => r.connector === 'newcomer').map((r) => r.startedAt)).toEqual([250, 350, 450]);
    expect(other.startedAt.h).toEqual([250, 350, 450, 550]); // nothing after removal; the read in flight was aborted and dropped
    expect(plcStarts.g).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]); // t = 1060 now
    expect(scheduler.stats().map((s) => [s.connector, s.reads])).toEqual([['plc', 11]]);
    await scheduler.stop();
  });
});
