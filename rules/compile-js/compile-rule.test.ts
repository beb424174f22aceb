import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AST_VERSION, type Action, type CompareOp, type Condition, type Expr, type Quantity, type RuleAst, type TermRef } from '../ast.ts';
import type { InputValue, Quality, RuleEffect, RuleState } from '../compiled-rule.ts';
import { ruleArbitrary } from '../render/rule-arbitrary.ts';
import { compileRule } from './compile-rule.ts';
import { demoGlossary } from '../testing/demo-glossary.ts';

const glossary = demoGlossary();

const term = (id: string, args: Record<string, string> = {}): TermRef => ({ kind: 'term', term: id, args });
const q = (value: number, unit?: string): Quantity => ({ kind: 'quantity', value, ...(unit !== undefined && { unit }) });
const cmp = (op: CompareOp, left: Expr, right: Expr): Condition => ({ kind: 'compare', op, left, right });
const rule = (condition: Condition, actions: Action[] = [{ kind: 'alert', role: 'qa' }]): RuleAst => ({ astVersion: AST_VERSION, condition, actions });

const temperatureB12 = term('shelf-temperature', { shelf: 'B12' });
const electrodeCap = rule(
  { kind: 'and', items: [cmp('reaches', term('weld-count', { gun: 'G1' }), q(1247)), cmp('atLeast', term('sheet-thickness', { gun: 'G1' }), q(1.8, 'mm'))] },
  [{ kind: 'requestSparePart', item: 'electrode-cap', quantity: 1 }, { kind: 'reserve', station: 'W3' }],
);
const coldChain = rule(
  { kind: 'sustained', of: { kind: 'range', outside: true, value: temperatureB12, low: q(2, '°C'), high: q(8, '°C') }, duration: q(5, 'min') },
  [{ kind: 'block', operation: 'put-away', location: 'B12' }, { kind: 'alert', role: 'qa' }],
);

/** Feeds values one evaluation at a time, like the engine does, keeping the latest of each key. */
class Driver {
  readonly values = new Map<string, InputValue>();
  readonly state: RuleState;
  constructor(readonly compiled: ReturnType<typeof compileRule>, state?: RuleState) {
    this.state = state ?? compiled.initialState();
  }
  set(nowMs: number, values: Record<string, number | boolean | string | null>, quality: Quality = 'good'): RuleEffect[] {
    for (const [key, value] of Object.entries(values)) this.values.set(key, { value, quality, ts: nowMs });
    return this.compiled.evaluate(this.values, this.state, nowMs);
  }
  at(nowMs: number): RuleEffect[] {
    return this.compiled.evaluate(this.values, this.state, nowMs);
  }
}

const MIN = 60_000;
const capEffects: RuleEffect[] = [{ kind: 'requestSparePart', item: 'electrode-cap', quantity: 1 }, { kind: 'reserve', station: 'W3' }];

describe('compileRule: firing on the rising edge', () => {
  it('lists the input keys the rule reads', () => {
    expect(compileRule(electrodeCap, glossary, { id: 'cap', version: 1 }).inputs).toEqual(['weld-cell/G1/weld-count', 'weld-cell/G1/sheet-thickness']);
  });

  it('fires once at 1247 welds on 1.8 mm sheet and not again at 1248', () => {
    const d = new Driver(compileRule(electrodeCap, glossary, { id: 'cap', version: 1 }));
    expect(d.set(0, { 'weld-cell/G1/weld-count': 1246, 'weld-cell/G1/sheet-thickness': 1.8 })).toEqual([]);
    expect(d.set(1000, { 'weld-cell/G1/weld-count': 1247 })).toEqual(capEffects);
    expect(d.set(2000, { 'weld-cell/G1/weld-count': 1248 })).toEqual([]);
    expect(d.state.firings).toBe(1);
  });

  it('stays quiet on 1.5 mm sheet', () => {
    const d = new Driver(compileRule(electrodeCap, glossary, { id: 'cap', version: 1 }));
    expect(d.set(0, { 'weld-cell/G1/weld-count': 1247, 'weld-cell/G1/sheet-thickness': 1.5 })).toEqual([]);
    expect(d.set(1000, { 'weld-cell/G1/weld-count': 1300 })).toEqual([]);
  });

  it('fires again after the count is reset below 1247 and reaches it again', () => {
    const d = new Driver(compileRule(electrodeCap, glossary, { id: 'cap', version: 1 }));
    d.set(0, { 'weld-cell/G1/weld-count': 1246, 'weld-cell/G1/sheet-thickness': 2 });
    expect(d.set(1000, { 'weld-cell/G1/weld-count': 1247 })).toEqual(capEffects);
    expect(d.set(2000, { 'weld-cell/G1/weld-count': 0 })).toEqual([]);
    expect(d.set(3000, { 'weld-cell/G1/weld-count': 1247 })).toEqual(capEffects);
    expect(d.state.firings).toBe(2);
  });

  it('counts the first evaluation with the condition true as a rising edge', () => {
    const d = new Driver(compileRule(electrodeCap, glossary, { id: 'cap', version: 1 }));
    expect(d.set(0, { 'weld-cell/G1/weld-count': 1250, 'weld-cell/G1/sheet-thickness': 2 })).toEqual(capEffects);
  });

  it('does not fire again when the persisted state says the condition already held', () => {
    const compiled = compileRule(electrodeCap, glossary, { id: 'cap', version: 1 });
    const first = new Driver(compiled);
    first.set(0, { 'weld-cell/G1/weld-count': 1250, 'weld-cell/G1/sheet-thickness': 2 });
    const restarted = new Driver(compiled, JSON.parse(JSON.stringify(first.state)) as RuleState);
    expect(restarted.set(5000, { 'weld-cell/G1/weld-count': 1251, 'weld-cell/G1/sheet-thickness': 2 })).toEqual([]);
  });
});

describe('compileRule: unknown values', () => {
  const fresh = () => new Driver(compileRule(electrodeCap, glossary, { id: 'cap', version: 1 }));

  it('treats a bad-quality value as unknown, so the rule does not fire', () => {
    const d = fresh();
    d.set(0, { 'weld-cell/G1/weld-count': 1247 });
    expect(d.set(0, { 'weld-cell/G1/sheet-thickness': 2.0 }, 'bad')).toEqual([]);
  });

  it('counts an uncertain value as known', () => {
    const d = fresh();
    d.set(0, { 'weld-cell/G1/weld-count': 1247 });
    expect(d.set(0, { 'weld-cell/G1/sheet-thickness': 2.0 }, 'uncertain')).toEqual(capEffects);
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['NaN', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
    ['a string', '2.0'],
    ['a boolean', true],
  ])('treats a %s thickness as unknown', (_, value) => {
    const d = fresh();
    const values: Record<string, number | boolean | string | null> = { 'weld-cell/G1/weld-count': 1247 };
    if (value !== undefined) values['weld-cell/G1/sheet-thickness'] = value;
    expect(d.set(0, values)).toEqual([]);
  });

  it('does not re-fire after a bad reading in between (unknown leaves the memory alone)', () => {
    const d = fresh();
    expect(d.set(0, { 'weld-cell/G1/weld-count': 1247, 'weld-cell/G1/sheet-thickness': 2 })).toEqual(capEffects);
    expect(d.set(1000, { 'weld-cell/G1/sheet-thickness': 2 }, 'bad')).toEqual([]);
    expect(d.set(2000, { 'weld-cell/G1/sheet-thickness': 2 })).toEqual([]);
  });

  it('keeps "not" of an unknown value unknown', () => {
    const d = new Driver(compileRule(rule({ kind: 'not', of: { kind: 'is', value: term('shelf-door', { shelf: 'B12' }), expected: true } }), glossary, { id: 'door', version: 1 }));
    expect(d.set(0, { 'shelf-sensors/B12/door-open': true }, 'bad')).toEqual([]);
    expect(d.set(1000, { 'shelf-sensors/B12/door-open': false })).toEqual([{ kind: 'alert', role: 'qa' }]);
  });

  it('decides "or" as soon as one item is true even when another is unknown', () => {
    const either = rule({ kind: 'or', items: [cmp('exceeds', term('remnant-weight', { furnace: 'F1' }), q(15, 'kg')), cmp('exceeds', temperatureB12, q(8, '°C'))] });
    const d = new Driver(compileRule(either, glossary, { id: 'either', version: 1 }));
    expect(d.set(0, { 'press-plc/F1/remnant-weight': 16 })).toEqual([{ kind: 'alert', role: 'qa' }]);
  });
});

describe('compileRule: units are converted at compile time', () => {
  it('compares a °F constant with a °C sensor (46.4 °F = 8 °C)', () => {
    const d = new Driver(compileRule(rule(cmp('exceeds', temperatureB12, q(46.4, '°F'))), glossary, { id: 'f', version: 1 }));
    expect(d.set(0, { 'shelf-sensors/B12/temperature': 7.99 })).toEqual([]);
    expect(d.set(1000, { 'shelf-sensors/B12/temperature': 8.01 })).toEqual([{ kind: 'alert', role: 'qa' }]);
  });

  it('compares a 0.5 t constant with a kg scale', () => {
    const d = new Driver(compileRule(rule(cmp('exceeds', term('remnant-weight', { furnace: 'F1' }), q(0.5, 't'))), glossary, { id: 't', version: 1 }));
    expect(d.set(0, { 'press-plc/F1/remnant-weight': 499 })).toEqual([]);
    expect(d.set(1000, { 'press-plc/F1/remnant-weight': 501 })).toEqual([{ kind: 'alert', role: 'qa' }]);
  });

  it('compares two terms of different units through a linear map', () => {
    const meltVsShelf = rule(cmp('exceeds', { kind: 'arithmetic', op: '-', left: term('melt-temperature', { furnace: 'F1' }), right: q(1000, '°C') }, temperatureB12));
    const d = new Driver(compileRule(meltVsShelf, glossary, { id: 'melt', version: 1 }));
    expect(d.set(0, { 'press-plc/F1/melt-temp': 1010, 'shelf-sensors/B12/temperature': 10 })).toEqual([]);
    expect(d.set(1000, { 'press-plc/F1/melt-temp': 1011 })).toEqual([{ kind: 'alert', role: 'qa' }]);
  });

  it('reads a fact from the options, and lets a live input of the same key override it', () => {
    const insertLife = rule(cmp('atMost', { kind: 'arithmetic', op: '-', left: term('insert-life', { machine: 'IMM-01' }), right: term('shot-count', { machine: 'IMM-01' }) }, q(500)));
    const d = new Driver(compileRule(insertLife, glossary, { id: 'insert', version: 1, facts: { 'tooling.IMM-01.insertLifeShots': 9000 } }));
    expect(d.set(0, { 'press-plc/IMM-01/shot-counter': 8499 })).toEqual([]);
    expect(d.set(1000, { 'press-plc/IMM-01/shot-counter': 8500 })).toHaveLength(1);
    const live = new Driver(compileRule(insertLife, glossary, { id: 'insert', version: 1, facts: { 'tooling.IMM-01.insertLifeShots': 9000 } }));
    expect(live.set(0, { 'press-plc/IMM-01/shot-counter': 8500, 'fact:tooling.IMM-01.insertLifeShots': 20000 })).toEqual([]);
  });

  it('writes a tag with the value converted into the target unit at firing time', () => {
    const write = rule(cmp('exceeds', temperatureB12, q(8, '°C')), [{ kind: 'writeTag', target: term('shelf-setpoint', { shelf: 'B12' }), value: q(35.6, '°F') }]);
    const d = new Driver(compileRule(write, glossary, { id: 'w', version: 1 }));
    const [effect] = d.set(0, { 'shelf-sensors/B12/temperature': 9 });
    expect(effect).toMatchObject({ kind: 'writeTag', device: 'shelf-sensors', tag: 'B12/setpoint' });
    expect((effect as { value: number }).value).toBeCloseTo(2, 9);
  });

  it('writes a value computed from a live reading', () => {
    const write = rule(cmp('exceeds', term('weld-count', { gun: 'G2' }), q(100)), [{ kind: 'writeTag', target: term('cap-life', { gun: 'G2' }), value: { kind: 'arithmetic', op: '+', left: term('weld-count', { gun: 'G2' }), right: q(10) } }]);
    const d = new Driver(compileRule(write, glossary, { id: 'w', version: 1 }));
    expect(d.set(0, { 'weld-cell/G2/weld-count': 101 })).toEqual([{ kind: 'writeTag', device: 'weld-cell', tag: 'G2/cap-life', value: 111 }]);
  });

  it('refuses to compile a comparison of °C with mm, naming both units', () => {
    expect(() => compileRule(rule(cmp('exceeds', temperatureB12, q(3, 'mm'))), glossary, { id: 'bad', version: 1 })).toThrow(/°C.*mm|mm.*°C/);
  });
});

describe('compileRule: time', () => {
  const outside = (temperature: number) => ({ 'shelf-sensors/B12/temperature': temperature });

  it('becomes true at exactly since + 5 min and asks to be woken then', () => {
    const d = new Driver(compileRule(coldChain, glossary, { id: 'cold', version: 1 }));
    expect(d.set(1 * MIN, outside(9.5))).toEqual([]);
    expect(d.compiled.nextWakeAt(d.state)).toBe(6 * MIN);
    expect(d.set(3 * MIN, outside(10.2))).toEqual([]);
    expect(d.at(6 * MIN - 1)).toEqual([]);
    expect(d.at(6 * MIN)).toEqual([{ kind: 'block', operation: 'put-away', location: 'B12' }, { kind: 'alert', role: 'qa' }]);
    expect(d.compiled.nextWakeAt(d.state)).toBeUndefined();
    expect(d.set(8 * MIN, outside(5))).toEqual([{ kind: 'block', operation: 'put-away', location: 'B12', released: true }]);
  });

  it('resets the timer when the temperature returns inside the range at 4:59', () => {
    const d = new Driver(compileRule(coldChain, glossary, { id: 'cold', version: 1 }));
    d.set(0, outside(9));
    expect(d.set(4 * MIN + 59_000, outside(7.9))).toEqual([]);
    expect(d.compiled.nextWakeAt(d.state)).toBeUndefined();
    expect(d.set(5 * MIN, outside(9))).toEqual([]);
    expect(d.compiled.nextWakeAt(d.state)).toBe(10 * MIN);
  });

  it('resets the timer on an unknown reading', () => {
    const d = new Driver(compileRule(coldChain, glossary, { id: 'cold', version: 1 }));
    d.set(0, outside(9));
    d.set(2 * MIN, { 'shelf-sensors/B12/temperature': 9 }, 'bad');
    expect(d.compiled.nextWakeAt(d.state)).toBeUndefined();
  });

  it('runs a timer inside "and" even while another item is false (no short circuit)', () => {
    const doorAndWarm = rule({
      kind: 'and',
      items: [
        { kind: 'is', value: term('shelf-door', { shelf: 'B12' }), expected: true },
        { kind: 'sustained', of: cmp('exceeds', temperatureB12, q(8, '°C')), duration: q(5, 'min') },
      ],
    });
    const d = new Driver(compileRule(doorAndWarm, glossary, { id: 'door', version: 1 }));
    d.set(0, { 'shelf-sensors/B12/door-open': false, 'shelf-sensors/B12/temperature': 9 });
    expect(d.compiled.nextWakeAt(d.state)).toBe(5 * MIN);
    expect(d.set(6 * MIN, { 'shelf-sensors/B12/door-open': true })).toEqual([{ kind: 'alert', role: 'qa' }]);
  });

  it('fires rising and falling edges of a sub-condition', () => {
    const starts = rule({ kind: 'edge', edge: 'rising', of: { kind: 'is', value: term('machine-running', { machine: 'IMM-01' }), expected: true } });
    const stops = rule({ kind: 'edge', edge: 'falling', of: { kind: 'is', value: term('machine-running', { machine: 'IMM-01' }), expected: true } });
    const up = new Driver(compileRule(starts, glossary, { id: 'up', version: 1 }));
    const down = new Driver(compileRule(stops, glossary, { id: 'down', version: 1 }));
    const run = (d: Driver) => [false, true, true, false, true].map((v, i) => d.set(i * 1000, { 'press-plc/IMM-01/running': v }).length);
    expect(run(up)).toEqual([0, 1, 0, 0, 1]);
    expect(run(down)).toEqual([0, 0, 0, 1, 0]);
  });

  const DAY = 86_400_000;
  const start = Date.UTC(2026, 0, 5);
  const streak = rule({ kind: 'streak', of: { kind: 'range', outside: true, value: temperatureB12, low: q(2, '°C'), high: q(8, '°C') }, days: 3 }, [{ kind: 'alert', role: 'maintenance' }]);

  it('fires when the condition was true on 3 consecutive UTC days, the last being today', () => {
    const d = new Driver(compileRule(streak, glossary, { id: 'streak', version: 1 }));
    const h = (hours: number) => start + hours * 3_600_000;
    expect(d.set(h(10), outside(9))).toEqual([]);
    expect(d.set(h(11), outside(5))).toEqual([]);
    expect(d.compiled.nextWakeAt(d.state)).toBe(start + DAY);
    expect(d.set(h(34), outside(1.5))).toEqual([]);
    expect(d.set(h(35), outside(5))).toEqual([]);
    expect(d.set(h(58), outside(8.5))).toEqual([{ kind: 'alert', role: 'maintenance' }]);
  });

  it('breaks the streak on a day without truth, noticed at the midnight wake', () => {
    const d = new Driver(compileRule(streak, glossary, { id: 'streak', version: 1 }));
    const h = (hours: number) => start + hours * 3_600_000;
    d.set(h(10), outside(9));
    d.set(h(11), outside(5));
    expect(d.at(start + DAY)).toEqual([]);
    expect(d.compiled.nextWakeAt(d.state)).toBe(start + 2 * DAY);
    expect(d.at(start + 2 * DAY)).toEqual([]);
    expect(d.compiled.nextWakeAt(d.state)).toBeUndefined();
    expect(d.set(h(58), outside(9))).toEqual([]);
    d.set(h(59), outside(5));
    expect(d.set(h(82), outside(9))).toEqual([]);
  });

  it('counts a day on which the condition held across midnight without any new value', () => {
    const d = new Driver(compileRule(streak, glossary, { id: 'streak', version: 1 }));
    d.set(start + 23 * 3_600_000, outside(9));
    expect(d.at(start + DAY)).toEqual([]);
    expect(d.at(start + 2 * DAY)).toEqual([{ kind: 'alert', role: 'maintenance' }]);
  });
});

describe('compileRule: events', () => {
  const nearExpiry = rule(cmp('below', term('remaining-shelf-life'), q(60, 'd')), [{ kind: 'recommend', recommendation: 'ship-first' }]);

  it('decides every new value of an event input afresh', () => {
    const d = new Driver(compileRule(nearExpiry, glossary, { id: 'expiry', version: 1 }));
    const scan = (ms: number, days: number) => d.set(ms, { 'fact:scan.remainingShelfLifeDays': days }).length;
    expect([scan(0, 60), scan(5000, 59), scan(9000, 45), scan(12000, 61)]).toEqual([0, 1, 1, 0]);
  });

  it('does not fire on an evaluation without a new event value', () => {
    const d = new Driver(compileRule(nearExpiry, glossary, { id: 'expiry', version: 1 }));
    expect(d.set(0, { 'fact:scan.remainingShelfLifeDays': 10 })).toHaveLength(1);
    expect(d.at(1000)).toEqual([]);
  });
});

describe('compileRule on any rule', () => {
  it('evaluates every generated rule without throwing and keeps its state plain JSON', () => {
    const keys = ['shelf-sensors/B12/temperature', 'weld-cell/G1/weld-count', 'press-plc/IMM-01/running'];
    fc.assert(
      fc.property(ruleArbitrary(glossary), fc.array(fc.oneof(fc.double(), fc.boolean(), fc.constant(null)), { minLength: 1, maxLength: 6 }), (ast, values) => {
        const compiled = compileRule(ast, glossary, { id: 'any', version: 1 });
        const inputs = new Map<string, InputValue>();
        const state = compiled.initialState();
        values.forEach((value, i) => {
          for (const key of [...compiled.inputs, ...keys]) inputs.set(key, { value, quality: 'good', ts: i * 60_000 });
          compiled.evaluate(inputs, state, i * 60_000);
          expect(JSON.parse(JSON.stringify(state))).toEqual(state);
        });
      }),
      { numRuns: 300 },
    );
  });
});
