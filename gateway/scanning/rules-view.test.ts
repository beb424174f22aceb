/**
 * The scan decider's rules view over a real RulesHost running the demo plant's library: the
 * real compiler and engine, rule states, location blocks and the outbox in SQLite files.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { rulesViewOf } from './rules-view.ts';
import { demoPack, openDemoRulesHost, type DemoRulesHost } from './testing/demo-rules-host.ts';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const hosts: DemoRulesHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
});

async function open(options: Parameters<typeof openDemoRulesHost>[0]): Promise<DemoRulesHost> {
  const h = await openDemoRulesHost(options);
  hosts.push(h);
  return h;
}

describe('rulesViewOf', () => {
  it('answers a shelf-life fact under 60 days with the demo pack\'s ship-first recommendation, and nothing at 60', async () => {
    const h = await open({ now: T0, active: demoPack() });
    const view = rulesViewOf(h.host);
    expect(await view.scanFacts({ 'scan.remainingShelfLifeDays': 45 })).toEqual([
      { ruleId: 'near-expiry-ship-first', kind: 'recommend', detail: { recommendation: 'ship-first', pack: 'demo-plant', version: 1 } },
    ]);
    await h.advanceTo(T0 + 1000);
    expect(await view.scanFacts({ 'scan.remainingShelfLifeDays': 60 })).toEqual([]);
    await h.advanceTo(T0 + 2000);
    expect(await view.scanFacts({ 'scan.remainingShelfLifeDays': 59 })).toHaveLength(1);
    // The host reported each firing as a rule.action event, as for any other rule.
    const events = h.outbox.peek(100).filter((r) => r.kind === 'event').map((r) => JSON.parse(String(r.value)) as { type: string; body: { rule: string } });
    expect(events.map((e) => [e.type, e.body.rule])).toEqual([['rule.action', 'near-expiry-ship-first'], ['rule.action', 'near-expiry-ship-first']]);
  });

  it('reports nothing for a pack without a shelf-life rule', async () => {
    const h = await open({ now: T0, active: demoPack(['cold-chain-b12', 'remnant-weight-f1']) });
    expect(await rulesViewOf(h.host).scanFacts({ 'scan.remainingShelfLifeDays': 3 })).toEqual([]);
  });

  it('ignores what a shadow pack fired: it is logged, never acted on', async () => {
    const h = await open({ now: T0, active: demoPack(['remnant-weight-f1']), shadow: { ...demoPack(['near-expiry-ship-first']), version: 2 } });
    expect(await rulesViewOf(h.host).scanFacts({ 'scan.remainingShelfLifeDays': 10 })).toEqual([]);
    const events = h.outbox.peek(100).filter((r) => r.kind === 'event').map((r) => JSON.parse(String(r.value)) as { type: string });
    expect(events.map((e) => e.type)).toEqual(['rule.shadow']);
  });

  it('tells put-away at B12 blocked once cold-chain-b12 held it out of 2-8 °C for 5 minutes, and free again when back in range', async () => {
    const h = await open({ now: T0, active: demoPack(['cold-chain-b12']) });
    const view = rulesViewOf(h.host);
    await h.feed('shelf-sensors', 'B12/temperature', 9.5);
    await h.advanceTo(T0 + 5 * 60_000 - 1);
    expect(view.isBlocked('put-away', 'B12')).toBe(false);
    await h.advanceTo(T0 + 5 * 60_000);
    expect(view.isBlocked('put-away', 'B12')).toBe(true);
    expect(view.isBlocked('put-away', 'B13')).toBe(false);
    await h.feed('shelf-sensors', 'B12/temperature', 5.0);
    expect(view.isBlocked('put-away', 'B12')).toBe(false);
  });
});
