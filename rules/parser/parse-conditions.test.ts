import { describe, expect, it } from 'vitest';
import { withoutPositions, type CompareOp, type Condition, type Expr, type Quantity, type TermRef } from '../ast.ts';
import { type Glossary } from '../glossary.ts';
import { parseRule } from './parse-rule.ts';
import { demoGlossary } from '../testing/demo-glossary.ts';

const glossary = demoGlossary();

const term = (id: string, args: Record<string, string> = {}): TermRef => ({ kind: 'term', term: id, args });
const q = (value: number, unit?: string): Quantity => (unit === undefined ? { kind: 'quantity', value } : { kind: 'quantity', value, unit });
const cmp = (op: CompareOp, left: Expr, right: Expr): Condition => ({ kind: 'compare', op, left, right });
const temp = term('shelf-temperature', { shelf: 'B12' });
const humidity = term('shelf-humidity', { shelf: 'B12' });
const door = term('shelf-door', { shelf: 'B12' });
const running = term('machine-running', { machine: 'IMM-01' });

/** The condition of `When <en>, alert QA.` and of `当<zh>时，通知质检`. */
function conditionOf(text: string): Condition {
  const zh = /^\p{Script=Han}|^[A-Z0-9-]+\p{Script=Han}/u.test(text) || /[\u4e00-\u9fff]/u.test(text);
  const sentence = zh ? `当${text}时，通知质检` : `When ${text}, alert QA.`;
  const result = parseRule(sentence, glossary);
  if (!result.ok) throw new Error(`${sentence}\n${result.problems.map((p) => `${p.line}:${p.col}: ${p.message}`).join('\n')}`);
  return withoutPositions(result.ast.condition);
}

describe('every comparison of the language table', () => {
  const rows: Array<[CompareOp, string[], string[]]> = [
    ['reaches', ['reaches'], ['达到']],
    ['atLeast', ['is at least', 'is not below'], ['不小于', '不低于', '至少', '至少为']],
    ['exceeds', ['exceeds', 'is above', 'is more than', 'is greater than'], ['超过', '大于', '高于']],
    ['below', ['is below', 'is less than', 'is fewer than', 'has fewer than'], ['低于', '小于', '少于', '不足']],
    ['atMost', ['is at most', 'is not above'], ['不大于', '不超过', '不高于', '至多']],
    ['equals', ['is', 'equals'], ['等于', '为']],
    ['differs', ['is not'], ['不等于', '不为']],
  ];
  for (const [op, english, chinese] of rows) {
    for (const words of english) {
      it(`reads "${words}" as ${op}`, () => {
        expect(conditionOf(`the temperature of shelf B12 ${words} 8 °C`)).toEqual(cmp(op, temp, q(8, '°C')));
      });
    }
    for (const words of chinese) {
      it(`reads "${words}" as ${op}`, () => {
        expect(conditionOf(`B12货位温度${words}8℃`)).toEqual(cmp(op, temp, q(8, '°C')));
      });
    }
  }

  const between = { kind: 'range', outside: false, value: temp, low: q(2, '°C'), high: q(8, '°C') } as const;
  const outside = { ...between, outside: true } as const;
  it.each([
    ['the temperature of shelf B12 is between 2 and 8 °C', between],
    ['the temperature of shelf B12 is between 2 to 8 °C', between],
    ['the temperature of shelf B12 is between 2 °C and 8 °C', between],
    ['the temperature of shelf B12 is outside 2 to 8 °C', outside],
    ['the temperature of shelf B12 is outside 2 and 8 °C', outside],
    ['the temperature of shelf B12 is not between 2 and 8 °C', outside],
    ['B12货位温度在2到8℃之间', between],
    ['B12货位温度介于2和8℃之间', between],
    ['B12货位温度在2至8℃之间', between],
    ['B12货位温度不在2到8℃之间', outside],
    ['B12货位温度超出2到8℃', outside],
  ])('reads the range "%s"', (text, expected) => {
    expect(conditionOf(text)).toEqual(expected);
  });

  it('keeps a unit written at each end of a range as written', () => {
    expect(conditionOf('the temperature of shelf B12 is between 35.6 °F and 8 °C')).toEqual({ kind: 'range', outside: false, value: temp, low: q(35.6, '°F'), high: q(8, '°C') });
  });

  it.each([
    ['the door of shelf B12 is open', { kind: 'is', value: door, expected: true }],
    ['the door of shelf B12 is closed', { kind: 'is', value: door, expected: false }],
    ['the door of shelf B12 is true', { kind: 'is', value: door, expected: true }],
    ['the door of shelf B12 is off', { kind: 'is', value: door, expected: false }],
    ['machine IMM-01 is running', { kind: 'is', value: running, expected: true }],
    ['B12货位门打开', { kind: 'is', value: door, expected: true }],
    ['B12货位门为真', { kind: 'is', value: door, expected: true }],
    ['B12货位门为假', { kind: 'is', value: door, expected: false }],
    ['B12货位门处于关闭状态', { kind: 'is', value: door, expected: false }],
    ['IMM-01注塑机停机', { kind: 'is', value: running, expected: false }],
  ])('reads the state "%s"', (text, expected) => {
    expect(conditionOf(text)).toEqual(expected);
  });

  it.each([
    ['machine IMM-01 starts', { kind: 'edge', edge: 'rising', of: { kind: 'is', value: running, expected: true } }],
    ['machine IMM-01 stops', { kind: 'edge', edge: 'falling', of: { kind: 'is', value: running, expected: true } }],
    ['the door of shelf B12 becomes open', { kind: 'edge', edge: 'rising', of: { kind: 'is', value: door, expected: true } }],
    ['the door of shelf B12 becomes closed', { kind: 'edge', edge: 'rising', of: { kind: 'is', value: door, expected: false } }],
    ['IMM-01注塑机开始', { kind: 'edge', edge: 'rising', of: { kind: 'is', value: running, expected: true } }],
    ['IMM-01注塑机停止', { kind: 'edge', edge: 'falling', of: { kind: 'is', value: running, expected: true } }],
    ['B12货位门变为打开', { kind: 'edge', edge: 'rising', of: { kind: 'is', value: door, expected: true } }],
    ['B12货位门变为关闭', { kind: 'edge', edge: 'rising', of: { kind: 'is', value: door, expected: false } }],
  ])('reads the edge "%s"', (text, expected) => {
    expect(conditionOf(text)).toEqual(expected);
  });

  it('reads the edge of a parenthesised condition in both languages', () => {
    const expected = { kind: 'edge', edge: 'rising', of: cmp('exceeds', temp, q(8, '°C')) };
    expect(conditionOf('(the temperature of shelf B12 exceeds 8 °C) starts')).toEqual(expected);
    expect(conditionOf('（B12货位温度超过8℃）开始')).toEqual(expected);
  });
});

describe('and, or, not and parentheses', () => {
  const a = cmp('exceeds', temp, q(8, '°C'));
  const b = cmp('exceeds', humidity, q(80, '%RH'));
  const c = { kind: 'is', value: door, expected: true } as const;
  const A = 'the temperature of shelf B12 exceeds 8 °C';
  const B = 'the humidity of shelf B12 exceeds 80 %RH';
  const C = 'the door of shelf B12 is open';
  const zA = 'B12货位温度超过8℃';
  const zB = 'B12货位湿度超过80%RH';
  const zC = 'B12货位门打开';

  it('binds and tighter than or', () => {
    const expected = { kind: 'or', items: [a, { kind: 'and', items: [b, c] }] };
    expect(conditionOf(`${A} or ${B} and ${C}`)).toEqual(expected);
    expect(conditionOf(`${zA}或${zB}且${zC}`)).toEqual(expected);
  });

  it('lets parentheses regroup, in ASCII and full-width forms', () => {
    const expected = { kind: 'and', items: [{ kind: 'or', items: [a, b] }, c] };
    expect(conditionOf(`(${A} or ${B}) and ${C}`)).toEqual(expected);
    expect(conditionOf(`（${zA}或${zB}）并且${zC}`)).toEqual(expected);
    expect(conditionOf(`(${zA}或${zB})而且${zC}`)).toEqual(expected);
  });

  it('collects a chain of and into one list, but keeps a parenthesised one apart', () => {
    expect(conditionOf(`${A} and ${B} and ${C}`)).toEqual({ kind: 'and', items: [a, b, c] });
    expect(conditionOf(`${A} and (${B} and ${C})`)).toEqual({ kind: 'and', items: [a, { kind: 'and', items: [b, c] }] });
  });

  it('binds not tighter than and', () => {
    const expected = { kind: 'and', items: [{ kind: 'not', of: a }, b] };
    expect(conditionOf(`not ${A} and ${B}`)).toEqual(expected);
    expect(conditionOf(`非${zA}且${zB}`)).toEqual(expected);
    expect(conditionOf(`并非${zA}且${zB}`)).toEqual(expected);
    expect(conditionOf(`not (${A} and ${B})`)).toEqual({ kind: 'not', of: { kind: 'and', items: [a, b] } });
  });
});

describe('arithmetic', () => {
  const life = term('insert-life', { machine: 'IMM-01' });
  const shots = term('shot-count', { machine: 'IMM-01' });
  it('binds times tighter than minus and reads left to right', () => {
    const expected = cmp('atMost', { kind: 'arithmetic', op: '-', left: { kind: 'arithmetic', op: '-', left: life, right: { kind: 'arithmetic', op: '*', left: shots, right: q(2) } }, right: q(10) }, q(500));
    expect(conditionOf('insert life of machine IMM-01 minus shot count of machine IMM-01 times 2 minus 10 is at most 500')).toEqual(expected);
    expect(conditionOf('IMM-01镶件寿命减IMM-01注塑机模次乘以2减去10不大于500')).toEqual(expected);
  });

  it('groups with parentheses on the left of a comparison', () => {
    const expected = cmp('atMost', { kind: 'arithmetic', op: '/', left: { kind: 'arithmetic', op: '+', left: life, right: shots }, right: q(2) }, q(500));
    expect(conditionOf('(insert life of machine IMM-01 plus shot count of machine IMM-01) divided by 2 is at most 500')).toEqual(expected);
    expect(conditionOf('（IMM-01镶件寿命加IMM-01注塑机模次）除以2不大于500')).toEqual(expected);
  });

  it('reads a parenthesised value that a comparison follows directly', () => {
    expect(conditionOf('(the temperature of shelf B12) exceeds 8 °C')).toEqual(cmp('exceeds', temp, q(8, '°C')));
  });

  it('reads negative numbers and terms on the right', () => {
    expect(conditionOf('the temperature of shelf B12 is below -5 °C')).toEqual(cmp('below', temp, q(-5, '°C')));
    expect(conditionOf('the temperature of shelf B12 exceeds setpoint of shelf B12 plus 2 °C'))
      .toEqual(cmp('exceeds', temp, { kind: 'arithmetic', op: '+', left: term('shelf-setpoint', { shelf: 'B12' }), right: q(2, '°C') }));
  });
});

describe('durations, streaks and units', () => {
  const a = cmp('exceeds', temp, q(8, '°C'));
  it.each([
    ['the temperature of shelf B12 exceeds 8 °C for 90 seconds', { kind: 'sustained', of: a, duration: q(90, 's') }],
    ['the temperature of shelf B12 exceeds 8 °C for 2 h', { kind: 'sustained', of: a, duration: q(2, 'h') }],
    ['the temperature of shelf B12 exceeds 8 °C for 1 hour', { kind: 'sustained', of: a, duration: q(1, 'h') }],
    ['B12货位温度超过8℃持续2小时', { kind: 'sustained', of: a, duration: q(2, 'h') }],
    ['B12货位温度超过8℃持续30秒', { kind: 'sustained', of: a, duration: q(30, 's') }],
    ['the temperature of shelf B12 exceeds 8 °C on 1 consecutive day', { kind: 'streak', of: a, days: 1 }],
    ['B12货位温度超过8℃连续2天', { kind: 'streak', of: a, days: 2 }],
    ['B12货位温度超过8℃连续2日', { kind: 'streak', of: a, days: 2 }],
  ])('reads "%s"', (text, expected) => {
    expect(conditionOf(text)).toEqual(expected);
  });

  it('binds a duration to the comparison before it, and to a group when parenthesised', () => {
    const b = cmp('exceeds', humidity, q(80, '%RH'));
    expect(conditionOf('the temperature of shelf B12 exceeds 8 °C and the humidity of shelf B12 exceeds 80 %RH for 5 minutes'))
      .toEqual({ kind: 'and', items: [a, { kind: 'sustained', of: b, duration: q(5, 'min') }] });
    expect(conditionOf('(the temperature of shelf B12 exceeds 8 °C and the humidity of shelf B12 exceeds 80 %RH) for 5 minutes'))
      .toEqual({ kind: 'sustained', of: { kind: 'and', items: [a, b] }, duration: q(5, 'min') });
    expect(conditionOf('not the temperature of shelf B12 exceeds 8 °C for 5 minutes'))
      .toEqual({ kind: 'not', of: { kind: 'sustained', of: a, duration: q(5, 'min') } });
  });

  it.each([
    ['remnant weight of furnace F1 exceeds 0.5 t', '余', q(0.5, 't')],
    ['the temperature of shelf B12 exceeds 46.4 °F', '', q(46.4, '°F')],
    ['the temperature of shelf B12 exceeds 46.4 degrees Fahrenheit', '', q(46.4, '°F')],
    ['the temperature of shelf B12 exceeds 8 degC', '', q(8, '°C')],
    ['sheet thickness of weld gun G1 exceeds 1.8mm', '', q(1.8, 'mm')],
    ['sheet thickness of weld gun G1 exceeds 2 millimetres', '', q(2, 'mm')],
    ['remnant weight of furnace F1 exceeds 15 kilograms', '', q(15, 'kg')],
    ['weld gun G1 weld count reaches 1247 welds', '', q(1247, 'count')],
  ])('reads the unit in "%s"', (text, _unused, right) => {
    const result = conditionOf(text) as Extract<Condition, { kind: 'compare' }>;
    expect(result.right).toEqual(right);
  });

  it.each([
    ['F1熔炉余料重量超过0.5吨', q(0.5, 't')],
    ['F1熔炉余料重量超过15千克', q(15, 'kg')],
    ['B12货位温度超过46.4℉', q(46.4, '°F')],
    ['B12货位温度超过8摄氏度', q(8, '°C')],
    ['焊枪G1板材厚度超过1.8毫米', q(1.8, 'mm')],
    ['焊枪G1板材厚度超过1.8 mm', q(1.8, 'mm')],
    ['批次剩余保质期少于60天', q(60, 'd')],
    ['焊枪G1焊点数达到1247点', q(1247, 'count')],
  ])('reads the unit in "%s"', (text, right) => {
    const result = conditionOf(text) as Extract<Condition, { kind: 'compare' }>;
    expect(result.right).toEqual(right);
  });
});

describe('terms', () => {
  it('matches every template of a term, with or without a leading "the", in any case', () => {
    for (const text of ['temperature of shelf B12 exceeds 8 °C', 'shelf B12 temperature exceeds 8 °C', 'The Temperature of Shelf B12 exceeds 8 °C', '货位B12温度超过8℃', 'B12 货位温度超过8℃']) {
      expect((conditionOf(text) as Extract<Condition, { kind: 'compare' }>).left).toEqual(temp);
    }
  });

  it('prefers the longest template: "melt temperature of furnace F1" is not "temperature"', () => {
    expect(conditionOf('melt temperature of furnace F1 exceeds 700 °C')).toEqual(cmp('exceeds', term('melt-temperature', { furnace: 'F1' }), q(700, '°C')));
  });

  it('infers a left-out parameter from the other terms of the rule, in either order', () => {
    expect(conditionOf('sheet thickness is at least 1.8 mm and weld gun G2 weld count reaches 10')).toEqual({
      kind: 'and',
      items: [cmp('atLeast', term('sheet-thickness', { gun: 'G2' }), q(1.8, 'mm')), cmp('reaches', term('weld-count', { gun: 'G2' }), q(10))],
    });
    expect(conditionOf('温度超过8℃且B13货位湿度超过80%RH')).toEqual({
      kind: 'and',
      items: [cmp('exceeds', term('shelf-temperature', { shelf: 'B13' }), q(8, '°C')), cmp('exceeds', term('shelf-humidity', { shelf: 'B13' }), q(80, '%RH'))],
    });
  });

  it('lexes a term holding grammar words (时, 在, 不, at) as the term', () => {
    const dwell = {
      id: 'dwell-time', en: ['time at temperature of shelf {shelf}'], zh: ['{shelf}货位在库时长', '不合格在库时长'],
      source: { device: 'shelf-sensors', tag: '{shelf}/dwell' }, type: 'number' as const, unit: 'h', writable: false, event: false,
    };
    const extended: Glossary = { ...glossary, terms: [...glossary.terms, dwell] };
    const expected = cmp('exceeds', term('dwell-time', { shelf: 'B12' }), q(2, 'h'));
    for (const text of ['When time at temperature of shelf B12 exceeds 2 h, alert QA.', '当B12货位在库时长超过2小时时，通知质检']) {
      const result = parseRule(text, extended);
      expect(result.ok && withoutPositions(result.ast.condition)).toEqual(expected);
    }
    const inferred = parseRule('当不合格在库时长超过2小时且B12货位温度超过8℃时，通知质检', extended);
    expect(inferred.ok && withoutPositions(inferred.ast.condition)).toEqual({ kind: 'and', items: [expected, cmp('exceeds', temp, q(8, '°C'))] });
  });
});
