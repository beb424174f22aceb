import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { AST_VERSION, withoutPositions, type Action, type CompareOp, type Condition, type RuleAst, type TermRef } from '../ast.ts';
import { parseRule, type ParseResult } from './parse-rule.ts';
import { demoGlossary } from '../testing/demo-glossary.ts';

const glossary = demoGlossary();
const pack = YAML.parse(readFileSync(new URL('../library/demo-plant.rules.yaml', import.meta.url), 'utf8')) as { rules: Array<{ en: string; zh: string }> };
const librarySentences = pack.rules.flatMap((r) => [r.en, r.zh]);

/** parseRule must return, not throw, and place every problem inside the text. */
function assertTotal(text: string, options?: { lang?: 'en' | 'zh' | 'auto' }): ParseResult {
  const result = parseRule(text, glossary, options);
  if (!result.ok) {
    expect(result.problems.length).toBeGreaterThan(0);
    for (const p of result.problems) {
      expect(p.offset).toBeGreaterThanOrEqual(0);
      expect(p.offset).toBeLessThanOrEqual(text.length);
      expect(p.offset + p.length).toBeLessThanOrEqual(text.length);
      expect(p.line).toBeGreaterThanOrEqual(1);
      expect(p.col).toBeGreaterThanOrEqual(1);
      expect(p.message.length).toBeGreaterThan(0);
    }
  }
  return result;
}

describe('parseRule never throws', () => {
  it('on random strings, including emoji, lone surrogates and grammar fragments', () => {
    const pieces = fc.constantFrom('When ', '当', '时', '，', ',', ' and ', '且', '(', ')', '（', '）', '"', '“', '」', ' is ', ' not ', '不', '在', '到', '之间',
      'the temperature of shelf B12', 'B12货位温度', ' 8 °C', '5分钟', ' for 5 minutes', ' on 3 consecutive days', 'alert QA', '通知质检', '😀', '\uD800', '\uDC00', '\n', '-', '1.8', 'mm');
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.array(pieces, { maxLength: 30 }).map((xs) => xs.join('')),
    );
    fc.assert(fc.property(text, fc.constantFrom('en' as const, 'zh' as const, 'auto' as const), (t, lang) => {
      assertTotal(t, { lang });
    }), { numRuns: 1500 });
  });

  it('on mutations of the library sentences', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 6 }) }),
      fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), text: fc.constantFrom('x', '不', '(', '"', '时', '，', ' is ', '8', '😀', '\uD83D') }),
      fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), other: fc.nat() }),
    );
    fc.assert(fc.property(fc.constantFrom(...librarySentences), fc.array(mutation, { minLength: 1, maxLength: 4 }), (sentence, mutations) => {
      let text = sentence;
      for (const m of mutations) {
        const at = m.at % (text.length + 1);
        if (m.kind === 'insert') text = text.slice(0, at) + m.text + text.slice(at);
        else if (m.kind === 'delete') text = text.slice(0, at) + text.slice(at + m.length);
        else if (m.kind === 'replace') text = text.slice(0, at) + m.text + text.slice(at + 1);
        else {
          // Swap two whitespace-separated tokens (or two characters of a Chinese sentence).
          const parts = /\s/.test(text) ? text.split(' ') : [...text];
          const i = at % parts.length;
          const j = m.other % parts.length;
          [parts[i], parts[j]] = [parts[j]!, parts[i]!];
          text = parts.join(/\s/.test(text) ? ' ' : '');
        }
      }
      assertTotal(text);
    }), { numRuns: 1500 });
  });

  it('on huge texts', () => {
    const long = `When ${'the temperature of shelf B12 exceeds 8 °C and '.repeat(220)}the door of shelf B12 is open, alert QA.`;
    expect(long.length).toBeGreaterThan(10_000);
    expect(assertTotal(long).ok).toBe(true);
    assertTotal('当'.repeat(10_000));
    assertTotal('"'.repeat(10_001));
    assertTotal(`When ${'('.repeat(10_000)}`);
    assertTotal(`When ${'not '.repeat(2_500)}the door of shelf B12 is open, alert QA.`);
  });
});

// ---- EN/ZH agreement: random rules written in both surfaces by small templates ---------------

interface Written {
  en: string;
  zh: string;
}
interface Generated<T> extends Written {
  ast: T;
}

const values: Record<string, string[]> = { shelf: ['B10', 'B12', 'B17'], gun: ['G1', 'G3'], machine: ['IMM-01', 'IMM-02'], furnace: ['F1'] };

/** Number terms with their full templates (every parameter written out), and units in both languages' words. */
const numberTerms = glossary.terms.filter((t) => t.type === 'number').map((t) => {
  const params = [...new Set(t.en.flatMap((p) => [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)))];
  const full = (phrases: string[]) => phrases.find((p) => params.every((n) => p.includes(`{${n}}`)))!;
  return { id: t.id, params, en: full(t.en), zh: full(t.zh), unit: t.unit };
});

const unitWords: Record<string, Array<[string, string]>> = {
  '°C': [[' °C', '℃'], [' degrees Celsius', '摄氏度']],
  '%RH': [[' %RH', '%RH']],
  mm: [[' mm', 'mm'], [' millimetres', '毫米']],
  kA: [[' kA', '千安']],
  kg: [[' kg', '公斤'], ['kg', '千克']],
  d: [[' days', '天']],
};

const compareWords: Record<CompareOp, { en: string[]; zh: string[] }> = {
  reaches: { en: ['reaches'], zh: ['达到'] },
  atLeast: { en: ['is at least', 'is not below'], zh: ['不小于', '不低于', '至少'] },
  exceeds: { en: ['exceeds', 'is above', 'is more than', 'is greater than'], zh: ['超过', '大于', '高于'] },
  below: { en: ['is below', 'is less than', 'has fewer than'], zh: ['低于', '小于', '少于', '不足'] },
  atMost: { en: ['is at most', 'is not above'], zh: ['不大于', '不超过', '不高于', '至多'] },
  equals: { en: ['is', 'equals'], zh: ['等于', '为'] },
  differs: { en: ['is not'], zh: ['不等于', '不为'] },
};

const termArb: fc.Arbitrary<Generated<TermRef> & { unit?: string }> = fc.constantFrom(...numberTerms).chain((t) =>
  fc.tuple(...t.params.map((p) => fc.constantFrom(...values[p]!))).map((chosen) => {
    const args = Object.fromEntries(t.params.map((p, i) => [p, chosen[i]!]));
    const fill = (template: string) => template.replace(/\{(\w+)\}/g, (_, n: string) => args[n]!);
    return { en: fill(t.en), zh: fill(t.zh), ast: { kind: 'term' as const, term: t.id, args }, ...(t.unit && { unit: t.unit }) };
  }));

const numberArb = fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 500 }).map((n) => n / 10));

const compareArb: fc.Arbitrary<Generated<Condition>> = fc.tuple(termArb, fc.constantFrom(...(Object.keys(compareWords) as CompareOp[])), numberArb, fc.nat(), fc.nat(), fc.nat())
  .map(([term, op, value, a, b, c]) => {
    const words = unitWords[term.unit ?? ''];
    const [unitEn, unitZh] = words ? words[c % words.length]! : ['', ''];
    const en = compareWords[op].en[a % compareWords[op].en.length]!;
    const zh = compareWords[op].zh[b % compareWords[op].zh.length]!;
    const right = term.unit ? { kind: 'quantity' as const, value, unit: term.unit } : { kind: 'quantity' as const, value };
    return { en: `${term.en} ${en} ${value}${unitEn}`, zh: `${term.zh}${zh}${value}${unitZh}`, ast: { kind: 'compare', op, left: term.ast, right } };
  });

const rangeArb: fc.Arbitrary<Generated<Condition>> = fc.tuple(termArb, fc.boolean(), numberArb, numberArb).map(([term, outside, x, y]) => {
  const [low, high] = [Math.min(x, y), Math.max(x, y)];
  const [unitEn, unitZh] = unitWords[term.unit ?? '']?.[0] ?? ['', ''];
  const q = (value: number) => (term.unit ? { kind: 'quantity' as const, value, unit: term.unit } : { kind: 'quantity' as const, value });
  return {
    en: `${term.en} is ${outside ? 'outside' : 'between'} ${low} ${outside ? 'to' : 'and'} ${high}${unitEn}`,
    zh: `${term.zh}${outside ? '不在' : '在'}${low}到${high}${unitZh}之间`,
    ast: { kind: 'range', outside, value: term.ast, low: q(low), high: q(high) },
  };
});

const paren = (g: Generated<Condition>): Written => (['and', 'or', 'not', 'sustained', 'streak'].includes(g.ast.kind) ? { en: `(${g.en})`, zh: `（${g.zh}）` } : g);

const conditionArb: fc.Arbitrary<Generated<Condition>> = fc.letrec<{ condition: Generated<Condition> }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    compareArb,
    rangeArb,
    fc.tuple(fc.constantFrom('and' as const, 'or' as const), fc.array(tie('condition'), { minLength: 2, maxLength: 3 })).map(([kind, items]) => ({
      en: items.map((i) => paren(i).en).join(` ${kind} `),
      zh: items.map((i) => paren(i).zh).join(kind === 'and' ? '且' : '或'),
      ast: { kind, items: items.map((i) => i.ast) },
    })),
    tie('condition').map((of) => ({ en: `not ${paren(of).en}`, zh: `非${paren(of).zh}`, ast: { kind: 'not' as const, of: of.ast } })),
    fc.tuple(tie('condition'), fc.integer({ min: 1, max: 90 })).map(([of, minutes]) => ({
      en: `${paren(of).en} for ${minutes} minutes`, zh: `${paren(of).zh}持续${minutes}分钟`,
      ast: { kind: 'sustained' as const, of: of.ast, duration: { kind: 'quantity' as const, value: minutes, unit: 'min' } },
    })),
    fc.tuple(tie('condition'), fc.integer({ min: 1, max: 9 })).map(([of, days]) => ({
      en: `${paren(of).en} on ${days} consecutive days`, zh: `${paren(of).zh}连续${days}天`, ast: { kind: 'streak' as const, of: of.ast, days },
    })),
  ),
})).condition;

const actionArb: fc.Arbitrary<Generated<Action>> = fc.oneof(
  fc.constantFrom<Generated<Action>>(
    { en: 'alert QA', zh: '通知质检', ast: { kind: 'alert', role: 'qa' } },
    { en: 'alert maintenance "cap worn"', zh: '通知维修"cap worn"', ast: { kind: 'alert', role: 'maintenance', message: 'cap worn' } },
    { en: 'start approval "re-melt"', zh: '启动审批"回炉"', ast: { kind: 'startApproval', flow: 're-melt' } },
    { en: 'recommend "ship first"', zh: '建议"优先发货"', ast: { kind: 'recommend', recommendation: 'ship-first' } },
  ),
  fc.constantFrom('B10', 'B15').map((at): Generated<Action> => ({ en: `block picking at ${at}`, zh: `阻止${at}拣货`, ast: { kind: 'block', operation: 'picking', location: at } })),
  fc.constantFrom('W3', 'W12').map((at): Generated<Action> => ({ en: `reserve station ${at}`, zh: `预留工位${at}`, ast: { kind: 'reserve', station: at } })),
  fc.integer({ min: 1, max: 9 }).map((n): Generated<Action> => ({
    en: n === 1 ? 'request spare part "electrode cap"' : `request ${n} spare parts "electrode cap"`,
    zh: n === 1 ? '申领备件"电极帽"' : `申领${n}个备件"电极帽"`,
    ast: { kind: 'requestSparePart', item: 'electrode-cap', quantity: n },
  })),
);

const ruleArb: fc.Arbitrary<Generated<RuleAst>> = fc.tuple(conditionArb, fc.array(actionArb, { minLength: 1, maxLength: 3 })).map(([condition, actions]) => ({
  en: `When ${condition.en}, ${actions.length > 1 ? `${actions.slice(0, -1).map((a) => a.en).join(', ')} and ${actions.at(-1)!.en}` : actions[0]!.en}.`,
  zh: `当${condition.zh}时，${actions.map((a) => a.zh).join('、')}`,
  ast: { astVersion: AST_VERSION, condition: condition.ast, actions: actions.map((a) => a.ast) },
}));

describe('English and Chinese agree', () => {
  it('a random rule written in both languages parses to one tree, the one it was written from', () => {
    fc.assert(fc.property(ruleArb, ({ en, zh, ast }) => {
      const english = parseRule(en, glossary);
      const chinese = parseRule(zh, glossary);
      if (!english.ok) throw new Error(`${en}\n${JSON.stringify(english.problems)}`);
      if (!chinese.ok) throw new Error(`${zh}\n${JSON.stringify(chinese.problems)}`);
      expect(withoutPositions(english.ast)).toEqual(ast);
      expect(withoutPositions(chinese.ast)).toEqual(ast);
    }), { numRuns: 400 });
  });
});
