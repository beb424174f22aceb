/**
 * The shot counter feed over a real telemetry store file (samples written as the Sparkplug ingest
 * writes them) and the real tooling tables: base, steps, resets, bad quality, restarts, late
 * polling across a replacement, mounts from the mold-id tag, a long backlog, failures.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COUNTER, openToolingWorld, seedPlant, T0, type ToolingWorld } from './testing/tooling-fixture.ts';

const S = 1000;

describe('ShotCounterFeed', () => {
  let world: ToolingWorld;
  const shots = (id: string) => world.tooling.api.asset(id)!.shots;

  beforeEach(() => {
    world = openToolingWorld();
    seedPlant(world);
  });
  afterEach(() => world.close());

  it('takes the first sample as the base, then adds each step to the mold, its sub-mold and its insert, and to no spare', () => {
    world.counter([[T0 + 1 * S, 40_000], [T0 + 2 * S, 40_001], [T0 + 3 * S, 40_003], [T0 + 4 * S, 40_003]]);
    expect(world.tooling.feed.poll()).toBe(3);
    expect([shots('M-100'), shots('SM-1'), shots('INS-0042')]).toEqual([3, 3, 3]);
    expect([shots('INS-0107'), shots('INS-0110'), shots('SM-9')]).toEqual([1000, 0, 0]);
    expect(world.tooling.api.machine('IMM-01')!.lastCounter).toEqual({ ts: T0 + 4 * S, value: 40_003 });
    expect(world.tooling.feed.poll()).toBe(0);
    world.counter([[T0 + 5 * S, 40_010]]);
    expect(world.tooling.feed.poll()).toBe(7);
    expect(shots('INS-0042')).toBe(10);
  });

  it('counts the new value after a reset and skips bad-quality samples without moving the base', () => {
    world.counter([[T0 + S, 100], [T0 + 2 * S, 0, 'bad'], [T0 + 3 * S, 105], [T0 + 4 * S, 3], [T0 + 5 * S, 8]]);
    expect(world.tooling.feed.poll()).toBe(5 + 3 + 5);
    expect(shots('INS-0042')).toBe(13);
    const stats = world.tooling.feed.stats();
    expect(stats).toMatchObject({ resets: 1, badSkipped: 1, shotsCounted: 13, samplesRead: 5, errors: 0 });
  });

  it('neither loses nor double counts across a restart of the cloud', () => {
    world.counter([[T0 + S, 10], [T0 + 2 * S, 20]]);
    expect(world.tooling.feed.poll()).toBe(10);
    world.counter([[T0 + 3 * S, 25]]); // arrives while the cloud is down
    const reopened = world.reopen();
    expect(reopened.api.asset('INS-0042')!.shots).toBe(10);
    expect(reopened.feed.poll()).toBe(5);
    expect(reopened.feed.poll()).toBe(0);
    expect(reopened.api.asset('INS-0042')!.shots).toBe(15);
  });

  it('credits shots made before a replacement to the old insert even when polled after it', () => {
    world.counter([[T0 + S, 0], [T0 + 10 * S, 40]]);
    world.clock.set(T0 + 20 * S);
    const { removed, installed } = world.tooling.api.replace('INS-0042', { with: 'INS-0107', retiredStatus: 'maintenance', location: 'TOOL-ROOM/R3' }, 'toolmaker');
    expect([removed.status, removed.parent, installed.status, installed.parent, installed.position]).toEqual(['maintenance', null, 'in_service', 'SM-1', 'cavity-1']);
    world.counter([[T0 + 30 * S, 50]]);
    expect(world.tooling.feed.poll()).toBe(50);
    expect(shots('INS-0042')).toBe(40);
    expect(shots('INS-0107')).toBe(1000 + 10);
    expect(shots('SM-1')).toBe(50);
  });

  it('credits nobody while no mold is mounted, and mounts the mold the mold-id tag names', () => {
    world.tooling.api.putAsset({ id: 'M-200', kind: 'mold', serial: 'M200-01', name: 'lid mold' }, 'test');
    world.tooling.api.mount('IMM-01', null, 'test', T0 + 5 * S);
    world.counter([[T0 + S, 0], [T0 + 4 * S, 4], [T0 + 8 * S, 9], [T0 + 12 * S, 15], [T0 + 14 * S, 20]]);
    world.moldId([[T0 + 10 * S, 'M-200'], [T0 + 11 * S, 'NO-SUCH-MOLD'], [T0 + 13 * S, 'M-200']]);
    expect(world.tooling.feed.poll()).toBe(4 + 6 + 5);
    expect(shots('M-100')).toBe(4);
    expect(shots('M-200')).toBe(11);
    expect(world.tooling.feed.stats()).toMatchObject({ unattributedShots: 5, autoMounts: 1 });
    const mounts = world.tooling.api.mounts('IMM-01');
    expect(mounts.map((m) => [m.mold, m.from, m.to, m.source])).toEqual([
      ['M-200', T0 + 10 * S, null, 'tag'],
      ['M-100', T0, T0 + 5 * S, 'api'],
    ]);
    expect(world.tooling.api.asset('M-200')!.machine).toBe('IMM-01');
    expect(world.tooling.api.asset('INS-0042')!.machine).toBeNull();
  });

  it('reads a backlog longer than one page in order, exactly once', () => {
    const points: Array<[number, number]> = [];
    for (let i = 0; i <= 12_000; i++) points.push([T0 + i * S, 1_000 + i]);
    world.counter(points.slice(0, 1)); // the base
    expect(world.tooling.feed.poll()).toBe(0);
    world.counter(points.slice(1));
    let total = 0;
    for (let i = 0; i < 5; i++) total += world.tooling.feed.poll();
    expect(total).toBe(12_000);
    expect(shots('INS-0042')).toBe(12_000);
    expect(world.tooling.api.machine('IMM-01')!.lastCounter).toEqual({ ts: T0 + 12_000 * S, value: 13_000 });
  });

  it('starts over from the new tag when the counter tag changes', () => {
    world.counter([[T0 + S, 500], [T0 + 2 * S, 510]]);
    expect(world.tooling.feed.poll()).toBe(10);
    const other = { ...COUNTER, tag: 'IMM-01/shot-counter-2' };
    world.tooling.api.putMachine({ id: 'IMM-01', counter: other }, 'test');
    world.counter([[T0 + 3 * S, 7], [T0 + 4 * S, 9]], other);
    expect(world.tooling.feed.poll()).toBe(2);
    expect(world.tooling.api.machine('IMM-01')!.moldIdTag).not.toBeNull();
  });

  it('never throws: a failing store is logged and counted, and the next poll counts what was missed', () => {
    world.counter([[T0 + S, 1], [T0 + 2 * S, 2]]);
    const broken = world.reopen({ telemetry: { history: () => { throw new Error('disk I/O error'); } } });
    expect(() => broken.feed.poll()).not.toThrow();
    expect(broken.feed.stats()).toMatchObject({ errors: 1, lastError: 'IMM-01: disk I/O error' });
    expect(world.logs.some((l) => l.level === 'warn' && /shot counter feed/.test(l.msg ?? ''))).toBe(true);
    const healed = world.reopen();
    expect(healed.feed.poll()).toBe(1);
  });

  it('polls on its own timer', () => {
    const timed = world.reopen({ pollEveryMs: 2000 });
    world.counter([[T0 + S, 1], [T0 + 2 * S, 4]]);
    world.clock.runDue();
    expect(timed.feed.stats().polls).toBe(1);
    expect(shots('INS-0042')).toBe(3);
    world.clock.set(T0 + 2000);
    world.clock.runDue();
    expect(timed.feed.stats().polls).toBe(2);
  });
});
