import { describe, expect, it } from 'vitest';
import { AST_VERSION, withoutPositions, type Action, type Condition, type Expr, type Logical, type Quantity, type RuleAst, type TermRef } from '../ast.ts';
import { detectLanguage, parseRule } from './parse-rule.ts';
import { demoGlossary } from '../testing/demo-glossary.ts';

const glossary = demoGlossary();

const term = (id: string, args: Record<string, string> = {}): TermRef => ({ kind: 'term', term: id, args });
const q = (value: number, unit?: string): Quantity => (unit === undefined ? { kind: 'quantity', value } : { kind: 'quantity', value, unit });
const cmp = (op: 'reaches' | 'atLeast' | 'exceeds' | 'below' | 'atMost' | 'equals' | 'differs', left: Expr, right: Expr): Condition => ({ kind: 'compare', op, left, right });
const rule = (condition: Condition, actions: Action[]): RuleAst => ({ astVersion: AST_VERSION, condition, actions });

function parsed(text: string): RuleAst {
  const result = parseRule(text, glossary);
  if (!result.ok) throw new Error(`${text}\n${result.problems.map((p) => `${p.line}:${p.col}: ${p.message}`).join('\n')}`);
  return withoutPositions(result.ast);
}

const b12Outside: Condition = { kind: 'range', outside: true, value: term('shelf-temperature', { shelf: 'B12' }), low: q(2, '°C'), high: q(8, '°C') };

const library: Array<{ name: string; en: string; zh: string; ast: RuleAst }> = [
  {
    name: 'electrode cap',
    en: 'When weld gun G1 weld count reaches 1247 and sheet thickness is at least 1.8 mm, request spare part "electrode cap" and reserve station W3.',
    zh: '当焊枪G1焊点数达到1247且板材厚度不小于1.8mm时，申领备件"电极帽"并预留工位W3',
    ast: rule(
      { kind: 'and', items: [cmp('reaches', term('weld-count', { gun: 'G1' }), q(1247)), cmp('atLeast', term('sheet-thickness', { gun: 'G1' }), q(1.8, 'mm'))] },
      [{ kind: 'requestSparePart', item: 'electrode-cap', quantity: 1 }, { kind: 'reserve', station: 'W3' }],
    ),
  },
  {
    name: 'cold chain',
    en: 'When the temperature of shelf B12 is outside 2 to 8 °C for 5 minutes, block put-away at B12 and alert QA.',
    zh: '当B12货位温度不在2到8℃之间持续5分钟时，阻止上架并通知质检',
    ast: rule({ kind: 'sustained', of: b12Outside, duration: q(5, 'min') }, [{ kind: 'block', operation: 'put-away', location: 'B12' }, { kind: 'alert', role: 'qa' }]),
  },
  {
    name: 'cold-chain streak',
    en: 'When the temperature of shelf B12 is outside 2 to 8 °C on 3 consecutive days, alert maintenance.',
    zh: '当B12货位温度不在2到8℃之间连续3天时，通知维修',
    ast: rule({ kind: 'streak', of: b12Outside, days: 3 }, [{ kind: 'alert', role: 'maintenance' }]),
  },
  {
    name: 'insert life',
    en: 'When insert life of machine IMM-01 minus shot count of machine IMM-01 is at most 500, alert tooling and recommend "replace insert".',
    zh: '当IMM-01镶件寿命减IMM-01注塑机模次不大于500时，通知模具并建议"更换镶件"',
    ast: rule(
      cmp('atMost', { kind: 'arithmetic', op: '-', left: term('insert-life', { machine: 'IMM-01' }), right: term('shot-count', { machine: 'IMM-01' }) }, q(500)),
      [{ kind: 'alert', role: 'tooling' }, { kind: 'recommend', recommendation: 'replace-insert' }],
    ),
  },
  {
    name: 'remnant weight',
    en: 'When remnant weight of furnace F1 exceeds 15 kg, start approval "re-melt".',
    zh: '当F1熔炉余料重量超过15公斤时，启动审批"回炉"',
    ast: rule(cmp('exceeds', term('remnant-weight', { furnace: 'F1' }), q(15, 'kg')), [{ kind: 'startApproval', flow: 're-melt' }]),
  },
  {
    name: 'near expiry',
    en: 'When the remaining shelf life of the scanned batch is below 60 days, recommend "ship first".',
    zh: '当扫描批次的剩余保质期少于60天时，建议"优先发货"',
    ast: rule(cmp('below', term('remaining-shelf-life'), q(60, 'd')), [{ kind: 'recommend', recommendation: 'ship-first' }]),
  },
];

describe('parseRule on the library rules', () => {
  for (const { name, en, zh, ast } of library) {
    it(`reads the ${name} rule in English`, () => {
      expect(parsed(en)).toEqual(ast);
    });
    it(`reads the ${name} rule in Chinese to the same tree`, () => {
      expect(parsed(zh)).toEqual(ast);
    });
  }

  it('gives every library rule the language it is written in', () => {
    for (const { en, zh } of library) {
      const english = parseRule(en, glossary);
      const chinese = parseRule(zh, glossary);
      expect(english.ok && english.lang).toBe('en');
      expect(chinese.ok && chinese.lang).toBe('zh');
    }
  });
});

describe('positions', () => {
  it('places terms, numbers and actions in the text', () => {
    const text = library[0]!.en;
    const result = parseRule(text, glossary);
    if (!result.ok) throw new Error('expected the rule to parse');
    const and = result.ast.condition as Logical;
    const first = and.items[0] as Extract<Condition, { kind: 'compare' }>;
    const second = and.items[1] as Extract<Condition, { kind: 'compare' }>;
    const slice = (at: { offset: number; length: number } | undefined) => (at ? text.slice(at.offset, at.offset + at.length) : undefined);
    expect(slice(first.left.at)).toBe('weld gun G1 weld count');
    expect(first.left.at).toMatchObject({ line: 1, col: 6 });
    expect(slice(first.right.at)).toBe('1247');
    expect(slice(second.left.at)).toBe('sheet thickness');
    expect(slice(second.right.at)).toBe('1.8 mm');
    expect(slice(first.at)).toBe('weld gun G1 weld count reaches 1247');
    expect(slice(and.at)).toBe('weld gun G1 weld count reaches 1247 and sheet thickness is at least 1.8 mm');
    expect(slice(result.ast.actions[0]!.at)).toBe('request spare part "electrode cap"');
    expect(slice(result.ast.actions[1]!.at)).toBe('reserve station W3');
    expect(result.ast.at).toMatchObject({ line: 1, col: 1, offset: 0, length: text.length });
  });

  it('counts lines and columns across line breaks', () => {
    const text = 'When the temperature of shelf B12\n  exceeds 8 °C,\r\n  alert QA.';
    const result = parseRule(text, glossary);
    if (!result.ok) throw new Error('expected the rule to parse');
    const compare = result.ast.condition as Extract<Condition, { kind: 'compare' }>;
    expect(compare.right.at).toMatchObject({ line: 2, col: 11, length: 4 });
    expect(result.ast.actions[0]!.at).toMatchObject({ line: 3, col: 3, length: 8 });
  });

  it('places the Chinese terms on their characters', () => {
    const text = library[1]!.zh;
    const result = parseRule(text, glossary);
    if (!result.ok) throw new Error('expected the rule to parse');
    const sustained = result.ast.condition as Extract<Condition, { kind: 'sustained' }>;
    const range = sustained.of as Extract<Condition, { kind: 'range' }>;
    expect(range.value.at).toMatchObject({ col: 2, length: 'B12货位温度'.length });
    expect(sustained.duration.at).toMatchObject({ col: text.indexOf('5分钟') + 1, length: 3 });
  });
});

describe('language choice', () => {
  it('picks Chinese when the text starts with 当, after blanks', () => {
    expect(detectLanguage('  \n当温度超过8℃时，通知质检')).toBe('zh');
    expect(detectLanguage('When 当 ...')).toBe('en');
  });

  it('honours an explicit language', () => {
    const result = parseRule(library[0]!.zh, glossary, { lang: 'en' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]!.message).toMatch(/^expected "When" at the start of the rule/);
  });
});
