/**
 * The rules host with its real parts: the real compiler (rules/compile-pack.ts) and engine, the
 * library glossary, rule states and location blocks in SQLite files, events through the real
 * EdgeEvents into a SQLite outbox. Time is a manual clock, so a 5-minute duration takes no time.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TagValue } from '../../connectors/connector.ts';
import type { RuleActionEventBody } from '../../connectors/edge-link/index.ts';
import { EdgeEvents } from '../events/edge-events.ts';
import { EdgeLinkOutbox } from '../events/edge-link-outbox.ts';
import { SqliteOutbox } from '../outbox/sqlite-outbox.ts';
import { SqliteLocationBlocks } from './location-blocks.ts';
import { pushedRulesPath, readPushedRules } from './pushed-rules.ts';
import { RulesHost } from './rules-host.ts';
import { SqliteRuleStateStore } from './sqlite-rule-state-store.ts';
import { deployedPack, ManualClock, sentences } from './rules-test-fixtures.ts';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const silent = { info() {}, warn() {}, error() {} };
const dirs: string[] = [];
const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-rules-host-'));
  dirs.push(dir);
  return dir;
}

interface Setup {
  host: RulesHost;
  outbox: SqliteOutbox;
  states: SqliteRuleStateStore;
  blocks: SqliteLocationBlocks;
  writes: Array<{ device: string; tag: string; value: number | boolean }>;
  /** Closes the host and its files, as a stopped gateway does. */
  stop(): Promise<void>;
}

/** A host on the files of `dir` (open it again on the same dir for a restart). */
function openHost(dir: string, clock: ManualClock, options: { states?: SqliteRuleStateStore; writeTag?: (device: string, tag: string, value: number | boolean) => Promise<void> } = {}): Setup {
  const outbox = new SqliteOutbox({ path: join(dir, 'outbox.sqlite'), maxBytes: 1 << 24 });
  const states = options.states ?? new SqliteRuleStateStore({ path: join(dir, 'rule-states.sqlite'), clock });
  const blocks = new SqliteLocationBlocks(join(dir, 'location-blocks.sqlite'));
  const events = new EdgeEvents({ link: new EdgeLinkOutbox({ outbox, notify: () => {}, clock }), clock });
  const writes: Setup['writes'] = [];
  const host = new RulesHost({
    states, blocks, events, dataDir: dir, clock, logger: silent,
    writeTag: options.writeTag ?? (async (device, tag, value) => { writes.push({ device, tag, value }); }),
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await host.close();
    try {
      states.close();
    } catch {
      // A store made to fail (the crash test) fails its last flush too.
    }
    blocks.close();
    outbox.close();
  };
  closers.push(stop);
  return { host, outbox, states, blocks, writes, stop };
}

interface SeenEvent {
  id: string;
  type: string;
  at: number;
  body: RuleActionEventBody;
}

function eventsIn(outbox: SqliteOutbox): SeenEvent[] {
  return outbox.peek(10_000).filter((r) => r.kind === 'event' && r.device === 'event').map((r) => JSON.parse(String(r.value)) as SeenEvent);
}

const value = (device: string, tag: string, v: number | boolean | null, ts: number, quality: TagValue['quality'] = 'good'): TagValue => ({ device, tag, value: v, quality, ts });

async function feed(setup: Setup, clock: ManualClock, at: number, values: Array<[string, number]>): Promise<void> {
  await clock.advanceTo(at, () => setup.host.idle());
  setup.host.onValues(values.map(([key, v]) => {
    const slash = key.indexOf('/');
    return value(key.slice(0, slash), key.slice(slash + 1), v, at);
  }));
  await setup.host.idle();
}

describe('RulesHost', () => {
  it('turns read values into rule.action events in the outbox, one per effect, with outcome and inputs', async () => {
    const clock = new ManualClock(T0);
    const setup = openHost(dataDir(), clock);
    expect(await setup.host.apply({ active: deployedPack(1, [{ id: 'electrode-cap-g1', en: sentences.electrodeCap }]), shadow: null }, { source: 'pushed', persist: true }))
      .toEqual({ ok: true, report: { active: { pack: 'demo-plant', version: 1 }, shadow: null } });
    await feed(setup, clock, T0, [['weld-cell/G1/weld-count', 1246], ['weld-cell/G1/sheet-thickness', 1.8]]);
    expect(eventsIn(setup.outbox)).toEqual([]);
    await feed(setup, clock, T0 + 2000, [['weld-cell/G1/weld-count', 1247]]);
    await feed(setup, clock, T0 + 4000, [['weld-cell/G1/weld-count', 1248]]);
    const inputs = { 'weld-cell/G1/weld-count': 1247, 'weld-cell/G1/sheet-thickness': 1.8 };
    expect(eventsIn(setup.outbox)).toEqual([
      {
        id: 'rule-demo-plant-v1-electrode-cap-g1-r1-0', type: 'rule.action', at: T0 + 2000,
        body: { pack: 'demo-plant', version: 1, rule: 'electrode-cap-g1', effect: { kind: 'requestSparePart', item: 'electrode-cap', quantity: 1 }, outcome: 'done', inputs },
      },
      {
        id: 'rule-demo-plant-v1-electrode-cap-g1-r1-1', type: 'rule.action', at: T0 + 2000,
        body: { pack: 'demo-plant', version: 1, rule: 'electrode-cap-g1', effect: { kind: 'reserve', station: 'W3' }, outcome: 'done', inputs },
      },
    ]);
    expect(setup.host.health()).toMatchObject({ active: { pack: 'demo-plant', version: 1, rules: 1 }, shadow: null, source: 'pushed', firings: { active: 1, shadow: 0 }, effectsFailed: 0 });
    expect(setup.host.health().evaluations).toBeGreaterThanOrEqual(3);
  });

  it('runs the 5-minute duration on its own timer, blocks put-away in the persisted list and releases it', async () => {
    const clock = new ManualClock(T0);
    const dir = dataDir();
    const setup = openHost(dir, clock);
    await setup.host.apply({ active: deployedPack(1, [{ id: 'cold-chain-b12', en: sentences.coldChain }]), shadow: null }, { source: 'pushed', persist: true });
    await feed(setup, clock, T0, [['shelf-sensors/B12/temperature', 9.5]]);
    await clock.advanceTo(T0 + 5 * 60_000 - 1, () => setup.host.idle());
    expect(eventsIn(setup.outbox)).toEqual([]);
    await clock.advanceTo(T0 + 5 * 60_000, () => setup.host.idle());
    const fired = eventsIn(setup.outbox);
    expect(fired.map((e) => [e.type, e.at, e.body.effect, e.body.outcome])).toEqual([
      ['rule.action', T0 + 5 * 60_000, { kind: 'block', operation: 'put-away', location: 'B12' }, 'done'],
      ['rule.action', T0 + 5 * 60_000, { kind: 'alert', role: 'qa' }, 'done'],
    ]);
    expect(setup.host.isBlocked('put-away', 'B12')).toBe(true);
    expect(setup.host.health().blocks).toEqual([{ operation: 'put-away', location: 'B12', pack: 'demo-plant', rule: 'cold-chain-b12', since: T0 + 5 * 60_000 }]);

    // The block survives a restart; back in range releases it.
    await setup.stop();
    const restarted = openHost(dir, clock);
    expect(restarted.host.isBlocked('put-away', 'B12')).toBe(true);
    await restarted.host.apply(readPushedRules(dir)!.rules, { source: 'pushed', persist: false });
    await feed(restarted, clock, T0 + 6 * 60_000, [['shelf-sensors/B12/temperature', 9.0]]);
    await feed(restarted, clock, T0 + 7 * 60_000, [['shelf-sensors/B12/temperature', 5.0]]);
    expect(restarted.host.isBlocked('put-away', 'B12')).toBe(false);
    const released = eventsIn(restarted.outbox).slice(2);
    expect(released.map((e) => [e.type, e.body.effect])).toEqual([['rule.action', { kind: 'block', operation: 'put-away', location: 'B12', released: true }]]);
    expect(released[0]!.id).not.toBe(fired[0]!.id);
  });

  it('keeps a running 5-minute timer across a restart: fires at the original +5 min', async () => {
    const clock = new ManualClock(T0);
    const dir = dataDir();
    const first = openHost(dir, clock);
    await first.host.apply({ active: deployedPack(1, [{ id: 'cold-chain-b12', en: sentences.coldChain }]), shadow: null }, { source: 'pushed', persist: true });
    await feed(first, clock, T0, [['shelf-sensors/B12/temperature', 9.5]]);
    await feed(first, clock, T0 + 2 * 60_000, [['shelf-sensors/B12/temperature', 9.8]]);
    await first.stop();
    expect(clock.pendingTimers).toBe(0); // close cancelled the timer

    await clock.advanceTo(T0 + 3 * 60_000, async () => {});
    const second = openHost(dir, clock);
    await second.host.apply(readPushedRules(dir)!.rules, { source: 'pushed', persist: false });
    await feed(second, clock, T0 + 3 * 60_000, [['shelf-sensors/B12/temperature', 9.9]]);
    await clock.advanceTo(T0 + 10 * 60_000, () => second.host.idle());
    const events = eventsIn(second.outbox);
    expect(events.map((e) => [e.body.effect.kind, e.at])).toEqual([['block', T0 + 5 * 60_000], ['alert', T0 + 5 * 60_000]]);
  });

  it('keeps the shot count state across restarts: 8499 then 8500 after a restart fires once, a restart at 8600 does not fire again', async () => {
    const clock = new ManualClock(T0);
    const dir = dataDir();
    const pack = { active: deployedPack(1, [{ id: 'insert-life-imm-01', en: sentences.insertLife }]), shadow: null };
    const first = openHost(dir, clock);
    await first.host.apply(pack, { source: 'pushed', persist: true });
    await feed(first, clock, T0, [['press-plc/IMM-01/shot-counter', 8498]]);
    await feed(first, clock, T0 + 30_000, [['press-plc/IMM-01/shot-counter', 8499]]);
    await first.stop();

    const second = openHost(dir, clock);
    await second.host.apply(pack, { source: 'pushed', persist: false });
    await feed(second, clock, T0 + 60_000, [['press-plc/IMM-01/shot-counter', 8500]]);
    await feed(second, clock, T0 + 90_000, [['press-plc/IMM-01/shot-counter', 8501]]);
    const fired = eventsIn(second.outbox);
    expect(fired.map((e) => e.body.effect)).toEqual([{ kind: 'alert', role: 'tooling' }, { kind: 'recommend', recommendation: 'replace-insert' }]);
    expect(fired[0]!.body.inputs).toEqual({ 'fact:tooling.IMM-01.insertLifeShots': 9000, 'press-plc/IMM-01/shot-counter': 8500 });
    await second.stop();

    const third = openHost(dir, clock);
    await third.host.apply(pack, { source: 'pushed', persist: false });
    await feed(third, clock, T0 + 120_000, [['press-plc/IMM-01/shot-counter', 8600]]);
    expect(eventsIn(third.outbox)).toHaveLength(2); // the two of the second run, nothing new
    expect(third.host.health().firings.active).toBe(0);
  });

  it('repeats the same event ids when the gateway dies after the events but before the states are saved', async () => {
    const clock = new ManualClock(T0);
    const dir = dataDir();
    const pack = { active: deployedPack(1, [{ id: 'remnant-weight-f1', en: sentences.remnant }]), shadow: null };
    class DiskFullStore extends SqliteRuleStateStore {
      override flush(): number {
        throw new Error('SQLITE_FULL: database or disk is full');
      }
    }
    const crashing = openHost(dir, clock, { states: new DiskFullStore({ path: join(dir, 'rule-states.sqlite'), clock }) });
    await crashing.host.apply(pack, { source: 'pushed', persist: true });
    await feed(crashing, clock, T0, [['press-plc/F1/remnant-weight', 15.3]]);
    const before = eventsIn(crashing.outbox);
    expect(before.map((e) => e.body.effect)).toEqual([{ kind: 'startApproval', flow: 're-melt' }]);
    await crashing.stop();

    const restarted = openHost(dir, clock);
    await restarted.host.apply(pack, { source: 'pushed', persist: false });
    await feed(restarted, clock, T0 + 10_000, [['press-plc/F1/remnant-weight', 15.3]]);
    const after = eventsIn(restarted.outbox);
    expect(after).toHaveLength(2);
    expect(after[1]!.id).toBe(before[0]!.id); // the cloud stores it once
  });

  it('logs shadow effects as rule.shadow events and carries none of them out', async () => {
    const clock = new ManualClock(T0);
    const setup = openHost(dataDir(), clock);
    await setup.host.apply({
      active: deployedPack(1, [{ id: 'remnant-weight-f1', en: sentences.remnant }]),
      shadow: deployedPack(2, [{ id: 'cold-chain-b12', en: sentences.coldChain }]),
    }, { source: 'pushed', persist: true });
    await feed(setup, clock, T0, [['shelf-sensors/B12/temperature', 12], ['press-plc/F1/remnant-weight', 10]]);
    await clock.advanceTo(T0 + 6 * 60_000, () => setup.host.idle());
    const events = eventsIn(setup.outbox);
    expect(events.map((e) => [e.id, e.type, e.body.version, e.body.effect.kind, e.body.outcome])).toEqual([
      ['shadow-demo-plant-v2-cold-chain-b12-r1-0', 'rule.shadow', 2, 'block', 'logged'],
      ['shadow-demo-plant-v2-cold-chain-b12-r1-1', 'rule.shadow', 2, 'alert', 'logged'],
    ]);
    expect(setup.host.isBlocked('put-away', 'B12')).toBe(false);
    expect(setup.host.health()).toMatchObject({ firings: { active: 0, shadow: 1 }, blocks: [] });
  });

  it('refuses a pack with a bad rule, naming the rule and line:col, and changes nothing', async () => {
    const clock = new ManualClock(T0);
    const dir = dataDir();
    const setup = openHost(dir, clock);
    await setup.host.apply({ active: deployedPack(1, [{ id: 'remnant-weight-f1', en: sentences.remnant }]), shadow: null }, { source: 'pushed', persist: true });
    const stored = readFileSync(pushedRulesPath(dir), 'utf8');
    const outcome = await setup.host.apply({
      active: deployedPack(2, [{ id: 'remnant-weight-f1', en: sentences.remnant }, { id: 'cold-chain-b12', en: sentences.coldChain.replace('temperature', 'temprature') }]),
      shadow: null,
    }, { source: 'pushed', persist: true });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problems).toEqual([{ path: 'active.rules.cold-chain-b12', message: expect.stringMatching(/^1:\d+: .*temprature.* \(en text\)$/) }]);
    expect(setup.host.report()).toEqual({ active: { pack: 'demo-plant', version: 1 }, shadow: null });
    expect(readFileSync(pushedRulesPath(dir), 'utf8')).toBe(stored);
    // Still running version 1.
    await feed(setup, clock, T0, [['press-plc/F1/remnant-weight', 16]]);
    expect(eventsIn(setup.outbox).map((e) => e.body.version)).toEqual([1]);
  });

  it('reports a tag write the device refuses as a failed rule.action and keeps running', async () => {
    const clock = new ManualClock(T0);
    const setup = openHost(dataDir(), clock, { writeTag: async () => { throw new Error('illegal data value: setpoint must be -300..200 tenths of °C'); } });
    await setup.host.apply({ active: deployedPack(1, [{ id: 'setpoint-b12', en: 'When the temperature of shelf B12 exceeds 8 °C, set setpoint of shelf B12 to 4 °C.' }]), shadow: null }, { source: 'pushed', persist: true });
    await feed(setup, clock, T0, [['shelf-sensors/B12/temperature', 9]]);
    const [event] = eventsIn(setup.outbox);
    expect(event!.body).toMatchObject({ effect: { kind: 'writeTag', device: 'shelf-sensors', tag: 'B12/setpoint', value: 4 }, outcome: 'failed', error: expect.stringMatching(/illegal data value/) });
    expect(setup.host.health().effectsFailed).toBe(1);
  });

  it('decides a scan fact afresh on every scan through setFact', async () => {
    const clock = new ManualClock(T0);
    const setup = openHost(dataDir(), clock);
    await setup.host.apply({ active: deployedPack(1, [{ id: 'near-expiry', en: 'When the remaining shelf life of the scanned batch is below 60 days, recommend "ship first".' }]), shadow: null }, { source: 'pushed', persist: true });
    expect((await setup.host.setFact('scan.remainingShelfLifeDays', 59)).map((f) => f.effects)).toEqual([[{ kind: 'recommend', recommendation: 'ship-first' }]]);
    expect(await setup.host.setFact('scan.remainingShelfLifeDays', 60)).toEqual([]);
    expect((await setup.host.setFact('scan.remainingShelfLifeDays', 45))).toHaveLength(1);
    expect(eventsIn(setup.outbox).map((e) => e.body.inputs)).toEqual([{ 'fact:scan.remainingShelfLifeDays': 59 }, { 'fact:scan.remainingShelfLifeDays': 45 }]);
  });

  it('tells two scans with the same days left in the same millisecond apart, and says which facts the pack reads', async () => {
    const clock = new ManualClock(T0);
    const setup = openHost(dataDir(), clock);
    expect(setup.host.readsFact('scan.remainingShelfLifeDays')).toBe(false);
    await setup.host.apply({ active: deployedPack(1, [{ id: 'near-expiry', en: 'When the remaining shelf life of the scanned batch is below 60 days, recommend "ship first".' }]), shadow: null }, { source: 'pushed', persist: true });
    expect(setup.host.readsFact('scan.remainingShelfLifeDays')).toBe(true);
    expect(setup.host.readsFact('tooling.IMM-01.insertLifeShots')).toBe(false);
    expect(await setup.host.setFact('scan.remainingShelfLifeDays', 30)).toHaveLength(1);
    expect(await setup.host.setFact('scan.remainingShelfLifeDays', 30)).toHaveLength(1); // same value, same millisecond
  });
});
