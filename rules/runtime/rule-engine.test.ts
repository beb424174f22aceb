import { describe, expect, it } from 'vitest';
import { AST_VERSION, type Action, type CompareOp, type Condition, type Expr, type Quantity, type RuleAst, type TermRef } from '../ast.ts';
import type { CompiledRule, InputValue, RuleState } from '../compiled-rule.ts';
import { compileRule } from '../compile-js/compile-rule.ts';
import { RuleEngine, ruleKeyOf } from './rule-engine.ts';
import { InMemoryRuleStateStore, type RuleStateStore } from './rule-state-store.ts';
import { demoGlossary } from '../testing/demo-glossary.ts';

const glossary = demoGlossary();

const term = (id: string, args: Record<string, string> = {}): TermRef => ({ kind: 'term', term: id, args });
const q = (value: number, unit?: string): Quantity => ({ kind: 'quantity', value, ...(unit !== undefined && { unit }) });
const cmp = (op: CompareOp, left: Expr, right: Expr): Condition => ({ kind: 'compare', op, left, right });
const rule = (condition: Condition, actions: Action[] = [{ kind: 'alert', role: 'qa' }]): RuleAst => ({ astVersion: AST_VERSION, condition, actions });

const coldChain = compileRule(rule(
  { kind: 'sustained', of: { kind: 'range', outside: true, value: term('shelf-temperature', { shelf: 'B12' }), low: q(2, '°C'), high: q(8, '°C') }, duration: q(5, 'min') },
  [{ kind: 'block', operation: 'put-away', location: 'B12' }, { kind: 'alert', role: 'qa' }],
), glossary, { id: 'cold-chain-b12', version: 1 });
const insertLifeAst = rule(
  cmp('atMost', { kind: 'arithmetic', op: '-', left: term('insert-life', { machine: 'IMM-01' }), right: term('shot-count', { machine: 'IMM-01' }) }, q(500)),
  [{ kind: 'alert', role: 'tooling' }, { kind: 'recommend', recommendation: 'replace-insert' }],
);
const insertLife = (version = 1) => compileRule(insertLifeAst, glossary, { id: 'insert-life-imm-01', version, facts: { 'tooling.IMM-01.insertLifeShots': 9000 } });
const remnant = compileRule(rule(cmp('exceeds', term('remnant-weight', { furnace: 'F1' }), q(15, 'kg')), [{ kind: 'startApproval', flow: 're-melt' }]), glossary, { id: 'remnant', version: 1 });

const MIN = 60_000;
const value = (v: number | boolean | string | null, ts: number, quality: InputValue['quality'] = 'good'): InputValue => ({ value: v, quality, ts });
const temperature = (t: number, ts: number) => [{ key: 'shelf-sensors/B12/temperature', value: value(t, ts) }];
const shots = (n: number, ts: number) => [{ key: 'press-plc/IMM-01/shot-counter', value: value(n, ts) }];
const kinds = (firings: ReturnType<RuleEngine['onValues']>) => firings.flatMap((f) => f.effects.map((e) => e.kind));

/** Counts saves, to show unchanged states are not written. */
class CountingStore extends InMemoryRuleStateStore {
  saves = 0;
  override save(ruleKey: string, state: RuleState): void {
    this.saves++;
    super.save(ruleKey, state);
  }
}

describe('RuleEngine', () => {
  it('evaluates only the rules that read a changed input', () => {
    const engine = new RuleEngine({ store: new InMemoryRuleStateStore() });
    engine.load([coldChain, insertLife(), remnant], 'active');
    engine.onValues(shots(10, 0), 0);
    expect(engine.stats()).toMatchObject({ rules: 3, evaluations: 1 });
    engine.onValues([{ key: 'somewhere/else', value: value(1, 0) }], 0);
    expect(engine.stats().evaluations).toBe(1);
    engine.onValues([...temperature(5, 0), { key: 'press-plc/F1/remnant-weight', value: value(3, 0) }], 0);
    expect(engine.stats()).toMatchObject({ evaluations: 3, inputs: 4, values: 4 });
  });

  it('returns what fired with the rule, its inputs and its firing counter', () => {
    const engine = new RuleEngine({ store: new InMemoryRuleStateStore() });
    engine.load([remnant], 'active');
    const [firing] = engine.onValues([{ key: 'press-plc/F1/remnant-weight', value: value(15.3, 10) }], 10);
    expect(firing).toMatchObject({
      namespace: 'active', effects: [{ kind: 'startApproval', flow: 're-melt' }], firings: 1, atMs: 10,
      inputs: { 'press-plc/F1/remnant-weight': { value: 15.3, quality: 'good', ts: 10 } },
    });
    expect(firing!.rule.id).toBe('remnant');
    expect(engine.stats().firings).toBe(1);
  });

  it('fires a 5-minute duration at exactly +5 min through tick, and releases the block when back in range', () => {
    const engine = new RuleEngine({ store: new InMemoryRuleStateStore() });
    engine.load([coldChain], 'active');
    engine.onValues(temperature(9.5, MIN), MIN);
    expect(engine.nextWakeAt()).toBe(6 * MIN);
    expect(engine.tick(6 * MIN - 1)).toEqual([]);
    expect(kinds(engine.tick(6 * MIN))).toEqual(['block', 'alert']);
    expect(engine.nextWakeAt()).toBeUndefined();
    expect(engine.onValues(temperature(5, 8 * MIN), 8 * MIN)[0]!.effects).toEqual([{ kind: 'block', operation: 'put-away', location: 'B12', released: true }]);
  });

  it('keeps a running timer across a restart: the new engine fires at the original +5 min', () => {
    const store = new InMemoryRuleStateStore();
    const before = new RuleEngine({ store });
    before.load([coldChain], 'active');
    before.onValues(temperature(9.5, MIN), MIN);
    before.onValues(temperature(9.8, 2 * MIN), 2 * MIN);

    const after = new RuleEngine({ store });
    after.load([coldChain], 'active');
    // Not woken before the sensor has been read again: an unknown value would reset the timer.
    expect(after.nextWakeAt()).toBeUndefined();
    expect(after.onValues(temperature(9.9, 3 * MIN), 3 * MIN)).toEqual([]);
    expect(after.nextWakeAt()).toBe(6 * MIN);
    expect(kinds(after.tick(6 * MIN))).toEqual(['block', 'alert']);
  });

  it('fires once at shot 8500 after a restart at 8499, and not again after a restart at 8600', () => {
    const store = new InMemoryRuleStateStore();
    const first = new RuleEngine({ store });
    first.load([insertLife()], 'active');
    expect(first.onValues(shots(8499, 0), 0)).toEqual([]);

    const second = new RuleEngine({ store });
    second.load([insertLife()], 'active');
    expect(kinds(second.onValues(shots(8500, 1000), 1000))).toEqual(['alert', 'recommend']);
    expect(second.onValues(shots(8600, 2000), 2000)).toEqual([]);

    const third = new RuleEngine({ store });
    third.load([insertLife()], 'active');
    expect(third.onValues(shots(8600, 3000), 3000)).toEqual([]);
    expect(third.onValues(shots(8601, 4000), 4000)).toEqual([]);
    expect(third.stateOf('active', 'insert-life-imm-01')).toMatchObject({ firings: 1, holding: true });
  });

  it('keeps the state of an unchanged rule in a new pack version and starts a changed rule fresh', () => {
    const store = new InMemoryRuleStateStore();
    const v1 = new RuleEngine({ store });
    v1.load([insertLife(1)], 'active');
    expect(v1.onValues(shots(8600, 0), 0)).toHaveLength(1);

    const v2 = new RuleEngine({ store });
    v2.load([insertLife(2)], 'active');
    expect(v2.onValues(shots(8601, 1000), 1000)).toEqual([]);

    const changed = compileRule({ ...insertLifeAst, actions: [{ kind: 'alert', role: 'maintenance' }] }, glossary, { id: 'insert-life-imm-01', version: 3, facts: { 'tooling.IMM-01.insertLifeShots': 9000 } });
    expect(ruleKeyOf('active', changed)).not.toBe(ruleKeyOf('active', insertLife(1)));
    const v3 = new RuleEngine({ store });
    v3.load([changed], 'active');
    expect(kinds(v3.onValues(shots(8602, 2000), 2000))).toEqual(['alert']);
  });

  it('keeps the active and the shadow namespace apart', () => {
    const engine = new RuleEngine({ store: new InMemoryRuleStateStore() });
    engine.load([remnant], 'active');
    engine.load([remnant], 'shadow');
    const firings = engine.onValues([{ key: 'press-plc/F1/remnant-weight', value: value(20, 0) }], 0);
    expect(firings.map((f) => f.namespace)).toEqual(['active', 'shadow']);
    expect(new Set(firings.map((f) => f.ruleKey)).size).toBe(2);
    engine.unload('shadow');
    expect(engine.stats().rules).toBe(1);
  });

  it('saves a state only when an evaluation changed it', () => {
    const store = new CountingStore();
    const engine = new RuleEngine({ store });
    engine.load([remnant], 'active');
    engine.onValues([{ key: 'press-plc/F1/remnant-weight', value: value(3, 0) }], 0);
    const afterFirst = store.saves;
    engine.onValues([{ key: 'press-plc/F1/remnant-weight', value: value(4, 1) }], 1);
    engine.onValues([{ key: 'press-plc/F1/remnant-weight', value: value(5, 2) }], 2);
    expect(store.saves).toBe(afterFirst);
    engine.onValues([{ key: 'press-plc/F1/remnant-weight', value: value(16, 3) }], 3);
    expect(store.saves).toBe(afterFirst + 1);
  });

  it('with autoSave off, saves nothing until save() is called', () => {
    const store = new InMemoryRuleStateStore();
    const engine = new RuleEngine({ store, autoSave: false });
    engine.load([remnant], 'active');
    engine.onValues([{ key: 'press-plc/F1/remnant-weight', value: value(16, 0) }], 0);
    expect(store.keys()).toEqual([]);
    engine.save();
    expect(store.load(ruleKeyOf('active', remnant))).toMatchObject({ firings: 1, holding: true });
  });

  it('feeds a fact to the rules reading it, a scan being decided every time', () => {
    const nearExpiry = compileRule(rule(cmp('below', term('remaining-shelf-life'), q(60, 'd')), [{ kind: 'recommend', recommendation: 'ship-first' }]), glossary, { id: 'near-expiry', version: 1 });
    const engine = new RuleEngine({ store: new InMemoryRuleStateStore() });
    engine.load([nearExpiry], 'active');
    expect(engine.setFact('scan.remainingShelfLifeDays', 59, 0)).toHaveLength(1);
    expect(engine.setFact('fact:scan.remainingShelfLifeDays', 45, 1)).toHaveLength(1);
    expect(engine.setFact('scan.remainingShelfLifeDays', 90, 2)).toEqual([]);
    expect(engine.setFact('scan.remainingShelfLifeDays', 30, 3)).toHaveLength(1);
    expect(engine.setFact('scan.remainingShelfLifeDays', 30, 3)).toHaveLength(1);
  });

  it('isolates a rule that throws: it keeps its state, the others still run, onError hears of it', () => {
    const broken: CompiledRule = {
      ...remnant, id: 'broken',
      evaluate(_inputs, state) {
        state.firings = 99;
        throw new Error('bug');
      },
    };
    const errors: string[] = [];
    const engine = new RuleEngine({ store: new InMemoryRuleStateStore(), onError: (e) => errors.push(`${e.rule.id}: ${(e.error as Error).message}`) });
    engine.load([broken, remnant], 'active');
    const firings = engine.onValues([{ key: 'press-plc/F1/remnant-weight', value: value(16, 0) }], 0);
    expect(firings.map((f) => f.rule.id)).toEqual(['remnant']);
    expect(errors).toEqual(['broken: bug']);
    expect(engine.stateOf('active', 'broken')).toMatchObject({ firings: 0 });
    expect(engine.stats().errors).toBe(1);
  });

  it('refuses two rules with one id in a namespace', () => {
    const engine = new RuleEngine({ store: new InMemoryRuleStateStore() });
    expect(() => engine.load([remnant, remnant], 'active')).toThrow(/two rules with id "remnant"/);
  });

  it('falls back to save() one by one for a store without saveMany', () => {
    const saved: string[] = [];
    const store: RuleStateStore = { load: () => undefined, save: (key) => saved.push(key) };
    const engine = new RuleEngine({ store });
    engine.load([remnant, coldChain], 'active');
    engine.onValues([{ key: 'press-plc/F1/remnant-weight', value: value(16, 0) }, ...temperature(9, 0)], 0);
    expect(saved).toHaveLength(2);
  });

  it('handles 1,000 rules over 10,000 tags, evaluating only the readers of each value', () => {
    const rules = Array.from({ length: 1000 }, (_, i) => compileRule(
      rule(cmp('exceeds', term('weld-count', { gun: 'G1' }), q(i))),
      { ...glossary, terms: [{ ...glossary.terms.find((t) => t.id === 'weld-count')!, source: { device: 'cell', tag: `t${i}` } }] },
      { id: `r${i}`, version: 1 },
    ));
    const engine = new RuleEngine({ store: new InMemoryRuleStateStore() });
    engine.load(rules, 'active');
    let fired = 0;
    for (let round = 0; round < 10; round++) {
      const values = Array.from({ length: 10_000 }, (_, i) => ({ key: `cell/t${i}`, value: value(round * 100, round) }));
      fired += engine.onValues(values, round).length;
    }
    expect(engine.stats().evaluations).toBe(10 * 1000);
    expect(fired).toBe(900);
  });
});
