import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import YAML from 'yaml';
import { AST_VERSION, type Action, type Condition, type Expr, type Quantity, type RuleAst, type SourceSpan, type TermRef } from '../ast.ts';
import { parseRule } from '../parser/parse-rule.ts';
import { ruleArbitrary } from '../render/rule-arbitrary.ts';
import { checkRule } from './check-rule.ts';
import { demoGlossary } from '../testing/demo-glossary.ts';

const glossary = demoGlossary();

const at = (col: number, length: number): SourceSpan => ({ line: 1, col, offset: col - 1, length });
const term = (id: string, args: Record<string, string> = {}, span?: SourceSpan): TermRef => ({ kind: 'term', term: id, args, ...(span && { at: span }) });
const q = (value: number, unit?: string, span?: SourceSpan): Quantity => ({ kind: 'quantity', value, ...(unit !== undefined && { unit }), ...(span && { at: span }) });
const rule = (condition: Condition, actions: Action[] = [{ kind: 'alert', role: 'qa' }]): RuleAst => ({ astVersion: AST_VERSION, condition, actions });
const check = (condition: Condition, actions?: Action[]) => checkRule(rule(condition, actions), glossary);

const temperature = term('shelf-temperature', { shelf: 'B12' });
const cmp = (op: 'reaches' | 'atLeast' | 'exceeds' | 'below' | 'atMost' | 'equals' | 'differs', left: Expr, right: Expr, span?: SourceSpan): Condition =>
  ({ kind: 'compare', op, left, right, ...(span && { at: span }) });

describe('checkRule on sound rules', () => {
  it('finds nothing wrong with the library rules', () => {
    const rules: Condition[] = [
      { kind: 'and', items: [cmp('reaches', term('weld-count', { gun: 'G1' }), q(1247)), cmp('atLeast', term('sheet-thickness', { gun: 'G1' }), q(1.8, 'mm'))] },
      { kind: 'sustained', of: { kind: 'range', outside: true, value: temperature, low: q(2, '°C'), high: q(8, '°C') }, duration: q(5, 'min') },
      { kind: 'streak', of: { kind: 'range', outside: true, value: temperature, low: q(2, '°C'), high: q(8, '°C') }, days: 3 },
      cmp('atMost', { kind: 'arithmetic', op: '-', left: term('insert-life', { machine: 'IMM-01' }), right: term('shot-count', { machine: 'IMM-01' }) }, q(500)),
      cmp('exceeds', term('remnant-weight', { furnace: 'F1' }), q(15, 'kg')),
      cmp('below', term('remaining-shelf-life'), q(60, 'd')),
    ];
    expect(rules.map((c) => check(c))).toEqual(rules.map(() => []));
  });

  it('accepts a temperature in °F, a count unit on a count term and a plain number on a °C term', () => {
    expect(check(cmp('exceeds', temperature, q(46.4, '°F')))).toEqual([]);
    expect(check(cmp('reaches', term('weld-count', { gun: 'G2' }), q(1000, 'count')))).toEqual([]);
    expect(check(cmp('exceeds', temperature, q(8)))).toEqual([]);
  });
});

describe('UNIT problems', () => {
  it('refuses a length compared with a temperature, at the quantity', () => {
    expect(check(cmp('exceeds', temperature, q(1.8, 'mm', at(40, 6)), at(10, 36)))).toEqual([{
      code: 'UNIT',
      message: '"1.8 mm" is a length but the temperature of shelf B12 is in °C; compare it with a temperature such as 8 °C',
      line: 1, col: 40, offset: 39, length: 6,
    }]);
  });

  it('refuses a unit other than a count on a term without a unit', () => {
    const [problem] = check(cmp('reaches', term('weld-count', { gun: 'G1' }), q(1247, 'kg', at(30, 7))));
    expect(problem).toMatchObject({ code: 'UNIT', col: 30, message: '"1247 kg" is a mass but the weld gun G1 weld count is a plain count without a unit; compare it with a plain number such as 10' });
  });

  it('refuses adding a length to a temperature', () => {
    const sum: Expr = { kind: 'arithmetic', op: '+', left: temperature, right: q(5, 'mm', at(33, 4)) };
    expect(check(cmp('exceeds', sum, q(8, '°C')))).toEqual([expect.objectContaining({
      code: 'UNIT', col: 33, message: '"5 mm" is a length but the temperature of shelf B12 is in °C; add only values of one kind, such as 8 °C',
    })]);
  });

  it('refuses a duration that is not a time', () => {
    const c: Condition = { kind: 'sustained', of: cmp('exceeds', temperature, q(8, '°C')), duration: q(5, 'kg', at(50, 4)) };
    expect(check(c)).toEqual([expect.objectContaining({ code: 'UNIT', col: 50, message: '"for 5 kg" needs a duration but "5 kg" is not a time; write a time such as 5 minutes (ms, s, min, h or d)' })]);
    const plain: Condition = { kind: 'sustained', of: cmp('exceeds', temperature, q(8, '°C')), duration: q(5) };
    expect(check(plain)).toEqual([expect.objectContaining({ code: 'UNIT', line: 1, col: 1, length: 1 })]);
  });

  it('refuses a streak of a fractional or zero number of days', () => {
    const of = cmp('exceeds', temperature, q(8, '°C'));
    expect(check({ kind: 'streak', of, days: 2.5, at: at(1, 30) })).toEqual([expect.objectContaining({ code: 'UNIT', col: 1, length: 30, message: '"on 2.5 consecutive days" needs a whole number of days of at least 1, such as 3' })]);
    expect(check({ kind: 'streak', of, days: 0 }).map((p) => p.code)).toEqual(['UNIT']);
  });

  it('refuses a range end in another dimension', () => {
    const c: Condition = { kind: 'range', outside: false, value: temperature, low: q(2, '°C'), high: q(8, 'mm', at(20, 4)) };
    expect(check(c)).toEqual([expect.objectContaining({ code: 'UNIT', col: 20, message: '"8 mm" is a length but the temperature of shelf B12 is in °C; compare it with a temperature such as 8 °C' })]);
  });
});

describe('TYPE problems', () => {
  const door = term('shelf-door', { shelf: 'B12' }, at(6, 17));

  it('refuses ordering a boolean term', () => {
    expect(check(cmp('exceeds', door, q(1)))).toEqual([expect.objectContaining({
      code: 'TYPE', col: 6, length: 17,
      message: '"exceeds" compares numbers but the door of shelf B12 is a boolean; test it with its state words instead, e.g. "is open" or "is true"',
    })]);
  });

  it('refuses equating a number with a boolean', () => {
    expect(check(cmp('equals', temperature, { kind: 'boolean', value: true, at: at(30, 4) }))).toEqual([expect.objectContaining({
      code: 'TYPE', col: 30, message: 'the temperature of shelf B12 is in °C but "true" is a boolean; compare values of one type',
    })]);
  });

  it('refuses a state test on a number term', () => {
    expect(check({ kind: 'is', value: term('shelf-temperature', { shelf: 'B12' }, at(6, 24)), expected: true })).toEqual([expect.objectContaining({
      code: 'TYPE', col: 6,
      message: '"temperature of shelf B12 is true" needs a value that is true or false, but the temperature of shelf B12 is in °C; compare it instead, e.g. "temperature of shelf B12 exceeds 8 °C"',
    })]);
  });

  it('refuses arithmetic on a boolean', () => {
    const sum: Expr = { kind: 'arithmetic', op: '+', left: temperature, right: door };
    expect(check(cmp('exceeds', sum, q(8)))).toEqual([expect.objectContaining({ code: 'TYPE', col: 6, message: '"plus" needs numbers but the door of shelf B12 is a boolean; use a number term or a number there' })]);
  });

  it('refuses writing a boolean to a number tag', () => {
    const write: Action = { kind: 'writeTag', target: term('shelf-setpoint', { shelf: 'B12' }), value: { kind: 'boolean', value: true, at: at(40, 4) } };
    expect(check(cmp('exceeds', temperature, q(8)), [write])).toEqual([expect.objectContaining({
      code: 'TYPE', col: 40, message: 'cannot set the setpoint of shelf B12 (a number) to "true", which is a boolean; write a number such as 8 °C',
    })]);
  });

  it('refuses writing a length to a temperature tag', () => {
    const write: Action = { kind: 'writeTag', target: term('shelf-setpoint', { shelf: 'B12' }), value: q(4, 'mm', at(45, 4)) };
    expect(check(cmp('exceeds', temperature, q(8)), [write])).toEqual([expect.objectContaining({ code: 'UNIT', col: 45 })]);
  });
});

describe('READ_ONLY problems', () => {
  it('refuses writing a tag the glossary does not mark writable, naming the flag', () => {
    const write: Action = { kind: 'writeTag', target: term('shelf-temperature', { shelf: 'B12' }, at(36, 24)), value: q(4, '°C') };
    expect(check(cmp('exceeds', temperature, q(8)), [write])).toEqual([{
      code: 'READ_ONLY', line: 1, col: 36, offset: 35, length: 24,
      message: 'cannot set the temperature of shelf B12: the glossary entry "shelf-temperature" is read-only; set writable: true on it if the gateway may write shelf-sensors/B12/temperature',
    }]);
  });

  it('refuses writing a fact', () => {
    const write: Action = { kind: 'writeTag', target: term('insert-life', { machine: 'IMM-01' }), value: q(9000), at: at(30, 30) };
    expect(check(cmp('exceeds', temperature, q(8)), [write])).toEqual([expect.objectContaining({
      code: 'READ_ONLY', col: 30,
      message: 'cannot set the insert life of machine IMM-01: it is the fact tooling.{machine}.insertLifeShots, which the gateway is given, not a tag; only terms with a tag source and writable: true can be set',
    })]);
  });

  it('allows writing a writable tag', () => {
    const write: Action = { kind: 'writeTag', target: term('cap-life', { gun: 'G1' }), value: q(5000) };
    expect(check(cmp('exceeds', temperature, q(8)), [write])).toEqual([]);
  });
});

describe('NEVER_FIRES problems', () => {
  it('refuses a range whose low end is above its high end, converting units first', () => {
    const c: Condition = { kind: 'range', outside: true, value: temperature, low: q(8, '°C', at(30, 1)), high: q(2, '°C') };
    expect(check(c)).toEqual([expect.objectContaining({
      code: 'NEVER_FIRES', col: 30, message: 'the range 8 °C to 2 °C is empty: its low end 8 °C is above its high end 2 °C; write the smaller value first (2 °C to 8 °C)',
    })]);
    // 40 °F is 4.4 °C: in order.
    expect(check({ kind: 'range', outside: false, value: temperature, low: q(40, '°F'), high: q(8, '°C') })).toEqual([]);
    expect(check({ kind: 'range', outside: false, value: temperature, low: q(50, '°F'), high: q(8, '°C') }).map((p) => p.code)).toEqual(['NEVER_FIRES']);
  });

  it('refuses a comparison the term range rules out', () => {
    expect(check(cmp('exceeds', temperature, q(100, '°C'), at(6, 40)))).toEqual([expect.objectContaining({
      code: 'NEVER_FIRES', col: 6,
      message: '"temperature of shelf B12 exceeds 100 °C" can never be true: the glossary gives the temperature of shelf B12 the values -40 to 60 °C; check the number, or the range of "shelf-temperature" in the glossary',
    })]);
    expect(check(cmp('below', temperature, q(-50, '°C'))).map((p) => p.code)).toEqual(['NEVER_FIRES']);
    expect(check(cmp('below', temperature, q(-40, '°C'))).map((p) => p.code)).toEqual(['NEVER_FIRES']);
    expect(check(cmp('atMost', temperature, q(-40, '°C')))).toEqual([]);
    // 150 °F is 65.6 °C, above the sensor's 60 °C.
    expect(check(cmp('exceeds', temperature, q(150, '°F'))).map((p) => p.code)).toEqual(['NEVER_FIRES']);
    // Constant on the left: 70 °C is below the temperature.
    expect(check(cmp('below', q(70, '°C'), temperature)).map((p) => p.code)).toEqual(['NEVER_FIRES']);
  });

  it('refuses a range outside the term range, and an outside covering all of it', () => {
    expect(check({ kind: 'range', outside: false, value: temperature, low: q(70, '°C'), high: q(80, '°C') }).map((p) => p.code)).toEqual(['NEVER_FIRES']);
    expect(check({ kind: 'range', outside: true, value: temperature, low: q(-50, '°C'), high: q(70, '°C') }).map((p) => p.code)).toEqual(['NEVER_FIRES']);
  });

  it('refuses an and of comparisons on one term that cannot both hold', () => {
    const c: Condition = { kind: 'and', items: [cmp('below', temperature, q(2, '°C')), cmp('exceeds', temperature, q(8, '°C'), at(38, 34))] };
    expect(check(c)).toEqual([expect.objectContaining({
      code: 'NEVER_FIRES', col: 38,
      message: '"temperature of shelf B12 exceeds 8 °C" and "temperature of shelf B12 is below 2 °C" cannot both be true, so the rule can never fire; check the numbers, or join them with "or"',
    })]);
    const count = term('weld-count', { gun: 'G1' });
    expect(check({ kind: 'and', items: [cmp('reaches', count, q(10)), cmp('atMost', count, q(5))] }).map((p) => p.code)).toEqual(['NEVER_FIRES']);
    expect(check({ kind: 'and', items: [cmp('atLeast', count, q(5)), cmp('atMost', count, q(5))] })).toEqual([]);
    expect(check({ kind: 'and', items: [cmp('atLeast', count, q(5)), cmp('below', count, q(5))] }).map((p) => p.code)).toEqual(['NEVER_FIRES']);
    expect(check({ kind: 'and', items: [{ kind: 'range', outside: false, value: temperature, low: q(3, '°C'), high: q(5, '°C') }, { kind: 'range', outside: true, value: temperature, low: q(2, '°C'), high: q(8, '°C') }] })
      .map((p) => p.code)).toEqual(['NEVER_FIRES']);
  });

  it('does not confuse the same term with other parameters, or an or', () => {
    const other = term('shelf-temperature', { shelf: 'B13' });
    expect(check({ kind: 'and', items: [cmp('below', temperature, q(2, '°C')), cmp('exceeds', other, q(8, '°C'))] })).toEqual([]);
    expect(check({ kind: 'or', items: [cmp('below', temperature, q(2, '°C')), cmp('exceeds', temperature, q(8, '°C'))] })).toEqual([]);
  });

  it('refuses a held duration of zero or less', () => {
    const c: Condition = { kind: 'sustained', of: cmp('exceeds', temperature, q(8, '°C')), duration: q(0, 'min', at(44, 9)) };
    expect(check(c)).toEqual([expect.objectContaining({ code: 'NEVER_FIRES', col: 44, message: '"for 0 minutes" is no time for a condition to hold: expected a duration above 0, such as 5 minutes' })]);
  });
});

describe('names', () => {
  it('reports an unknown term id and an unknown vocabulary id', () => {
    const problems = check(cmp('exceeds', term('shelf-temp', { shelf: 'B12' }), q(8)), [{ kind: 'alert', role: 'qa-team' }]);
    expect(problems.map((p) => p.code)).toEqual(['UNKNOWN_TERM', 'UNKNOWN_NAME']);
    expect(problems[1]!.message).toBe('unknown role "qa-team"; expected one of qa, maintenance, tooling, foundry, warehouse');
  });
});

describe('checkRule on generated rules', () => {
  it('finds no type, unit or write problem in any rule the generator builds from the glossary', () => {
    fc.assert(fc.property(ruleArbitrary(glossary), (ast) => {
      // NEVER_FIRES is expected: random numbers fall outside the terms' ranges.
      expect(checkRule(ast, glossary).filter((p) => p.code !== 'NEVER_FIRES')).toEqual([]);
    }), { numRuns: 300 });
  });
});

describe('checkRule on parsed sentences', () => {
  /** The problems of a sentence, each with the text it points at. */
  function problemsOf(text: string) {
    const parsed = parseRule(text, glossary);
    if (!parsed.ok) throw new Error(`${text} does not parse: ${JSON.stringify(parsed.problems)}`);
    return checkRule(parsed.ast, glossary).map((p) => ({ code: p.code, message: p.message, line: p.line, col: p.col, text: text.slice(p.offset, p.offset + p.length) }));
  }

  it('finds nothing wrong with the library sentences in either language', () => {
    const pack = YAML.parse(readFileSync(new URL('../library/demo-plant.rules.yaml', import.meta.url), 'utf8')) as { rules: Array<{ en: string; zh: string }> };
    for (const rule of pack.rules) {
      expect(problemsOf(rule.en), rule.en).toEqual([]);
      expect(problemsOf(rule.zh), rule.zh).toEqual([]);
    }
  });

  it('points a unit problem at the quantity, in English and in Chinese', () => {
    const message = '"1.8 mm" is a length but the temperature of shelf B12 is in °C; compare it with a temperature such as 8 °C';
    expect(problemsOf('When the temperature of shelf B12 exceeds 1.8 mm, alert QA.')).toEqual([{ code: 'UNIT', message, line: 1, col: 43, text: '1.8 mm' }]);
    expect(problemsOf('当B12货位温度超过1.8mm时，通知质检')).toEqual([{ code: 'UNIT', message, line: 1, col: 11, text: '1.8mm' }]);
    expect(problemsOf('When weld gun G1 weld count reaches 1247 kg, alert QA.')).toEqual([expect.objectContaining({ code: 'UNIT', text: '1247 kg' })]);
    expect(problemsOf('When the temperature of shelf B12 plus 5 mm exceeds 8 °C, alert QA.')).toEqual([expect.objectContaining({ code: 'UNIT', text: '5 mm' })]);
    expect(problemsOf('When the temperature of shelf B12 exceeds 8 °C for 5 kg, alert QA.')).toEqual([expect.objectContaining({ code: 'UNIT', text: '5 kg' })]);
  });

  it('points a type problem at the boolean term or value', () => {
    expect(problemsOf('When the door of shelf B12 exceeds 3, alert QA.')).toEqual([expect.objectContaining({ code: 'TYPE', text: 'the door of shelf B12' })]);
    expect(problemsOf('When the temperature of shelf B12 exceeds 8 °C, set setpoint of shelf B12 to true.')).toEqual([expect.objectContaining({ code: 'TYPE', text: 'true' })]);
  });

  it('points a read-only write at its target', () => {
    expect(problemsOf('When the temperature of shelf B12 exceeds 8 °C, set the temperature of shelf B12 to 4 °C.'))
      .toEqual([expect.objectContaining({ code: 'READ_ONLY', text: 'the temperature of shelf B12' })]);
    expect(problemsOf('When the temperature of shelf B12 exceeds 8 °C, set insert life of machine IMM-01 to 4.'))
      .toEqual([expect.objectContaining({ code: 'READ_ONLY', text: 'insert life of machine IMM-01' })]);
  });

  it('points never-firing conditions at the part that cannot hold', () => {
    expect(problemsOf('When the temperature of shelf B12 is outside 8 to 2 °C, alert QA.')).toEqual([expect.objectContaining({ code: 'NEVER_FIRES', text: '8' })]);
    expect(problemsOf('When the temperature of shelf B12 exceeds 100 °C, alert QA.')).toEqual([expect.objectContaining({ code: 'NEVER_FIRES', text: 'the temperature of shelf B12 exceeds 100 °C' })]);
    expect(problemsOf('当B12货位温度低于2℃且B12货位温度超过8℃时，通知质检')).toEqual([expect.objectContaining({ code: 'NEVER_FIRES', text: 'B12货位温度超过8℃' })]);
    expect(problemsOf('When the temperature of shelf B12 exceeds 8 °C for 0 minutes, alert QA.')).toEqual([expect.objectContaining({ code: 'NEVER_FIRES', text: '0 minutes' })]);
  });
});
