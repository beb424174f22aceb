import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { withoutPositions } from './ast.ts';
import type { CompiledRule, InputValue } from './compiled-rule.ts';
import { compilePack, runPackExamples } from './compile-pack.ts';
import { libraryAsts } from './examples/library-asts.ts';
import { rulePackSchema, type RulePackSource } from './rule-pack.ts';
import { RuleEngine } from './runtime/rule-engine.ts';
import { InMemoryRuleStateStore } from './runtime/rule-state-store.ts';
import { demoGlossary } from './testing/demo-glossary.ts';

const read = (name: string): unknown => YAML.parse(readFileSync(new URL(`./library/${name}`, import.meta.url), 'utf8'));
const glossary = demoGlossary();
const library = rulePackSchema.parse(read('demo-plant.rules.yaml'));

/** The library sentences, as the team agreed them (common brief), by rule id. */
const sentences: Record<string, { en: string; zh: string }> = {
  'electrode-cap-g1': {
    en: 'When weld gun G1 weld count reaches 1247 and sheet thickness is at least 1.8 mm, request spare part "electrode cap" and reserve station W3.',
    zh: '当焊枪G1焊点数达到1247且板材厚度不小于1.8mm时，申领备件"电极帽"并预留工位W3',
  },
  'cold-chain-b12': {
    en: 'When the temperature of shelf B12 is outside 2 to 8 °C for 5 minutes, block put-away at B12 and alert QA.',
    zh: '当B12货位温度不在2到8℃之间持续5分钟时，阻止上架并通知质检',
  },
  'cold-chain-b12-streak': {
    en: 'When the temperature of shelf B12 is outside 2 to 8 °C on 3 consecutive days, alert maintenance.',
    zh: '当B12货位温度不在2到8℃之间连续3天时，通知维修',
  },
  'insert-life-imm-01': {
    en: 'When insert life of machine IMM-01 minus shot count of machine IMM-01 is at most 500, alert tooling and recommend "replace insert".',
    zh: '当IMM-01镶件寿命减IMM-01注塑机模次不大于500时，通知模具并建议"更换镶件"',
  },
  'remnant-weight-f1': {
    en: 'When remnant weight of furnace F1 exceeds 15 kg, start approval "re-melt".',
    zh: '当F1熔炉余料重量超过15公斤时，启动审批"回炉"',
  },
  'near-expiry-ship-first': {
    en: 'When the remaining shelf life of the scanned batch is below 60 days, recommend "ship first".',
    zh: '当扫描批次的剩余保质期少于60天时，建议"优先发货"',
  },
};

const packOf = (rules: RulePackSource['rules'], facts: RulePackSource['facts'] = {}): RulePackSource => ({ pack: 'test', version: 1, facts, rules });

/** One library sentence compiled on its own, in one language. */
function compiledSentence(id: string, lang: 'en' | 'zh'): CompiledRule {
  const result = compilePack(packOf([{ id, [lang]: sentences[id]![lang], examples: [] }], { 'tooling.IMM-01.insertLifeShots': 9000 }), glossary);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.rules[0]!;
}

const good = (value: number | boolean | string, ts: number): InputValue => ({ value, quality: 'good', ts });

describe('compilePack on the library', () => {
  it('compiles the demo-plant pack, both languages agreeing, to the agreed ASTs', () => {
    const result = compilePack(library, glossary);
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (!result.ok) return;
    expect(result.rules.map((r) => r.id)).toEqual(library.rules.map((r) => r.id));
    for (const { rule, ast } of result.asts) expect(withoutPositions(ast), rule).toEqual(libraryAsts[rule]);
  });

  it('uses the library sentences of the team brief', () => {
    for (const rule of library.rules) expect({ en: rule.en, zh: rule.zh }).toEqual(sentences[rule.id]);
  });

  it('passes every example of the library pack', () => {
    const results = runPackExamples(library, glossary);
    const failures = results.flatMap(({ rule, results: r }) => r.filter((e) => !e.ok).map((e) => `${rule} › ${e.name}: ${e.problems.join('; ')}`));
    expect(failures).toEqual([]);
    expect(results.flatMap((r) => r.results)).toHaveLength(library.rules.reduce((n, r) => n + r.examples.length, 0));
  });
});

describe('compilePack problems', () => {
  it('reports LANGUAGES_DIFFER, placed in the Chinese text, naming the difference', () => {
    const result = compilePack(packOf([{ id: 'cap', en: sentences['electrode-cap-g1']!.en, zh: '当焊枪G1焊点数达到1247且板材厚度不小于1.5mm时，申领备件"电极帽"并预留工位W3', examples: [] }]), glossary);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ code: 'LANGUAGES_DIFFER', rule: 'cap', lang: 'zh', line: 1, col: 1 });
    expect(result.problems[0]!.message).toMatch(/1\.8 vs 1\.5/);
  });

  it('tags parse problems with the rule id and language, all rules at once', () => {
    const result = compilePack(packOf([
      { id: 'one', en: 'When the temprature of shelf B12 exceeds 8 °C, alert QA.', examples: [] },
      { id: 'two', zh: '当B12货位温度超过8℃时，通知质检', examples: [] },
      { id: 'three', zh: '当B12货位温度超过8毫米时，通知质检', examples: [] },
    ]), glossary);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.rule, p.lang])).toEqual([['one', 'en'], ['three', 'zh']]);
    expect(result.problems[0]!.code).toBe('UNKNOWN_TERM');
    expect(result.problems[1]!.code).toBe('UNIT');
  });

  it('refuses a pack that uses one rule id twice', () => {
    const result = compilePack(packOf([
      { id: 'same', en: sentences['remnant-weight-f1']!.en, examples: [] },
      { id: 'same', en: sentences['near-expiry-ship-first']!.en, examples: [] },
    ]), glossary);
    expect(result.ok ? [] : result.problems.map((p) => [p.code, p.rule])).toEqual([['PACK', 'same']]);
  });

  it('fails the examples of a rule that does not compile, saying why', () => {
    const [entry] = runPackExamples(packOf([{ id: 'bad', en: 'When nonsense, alert QA.', examples: [{ name: 'x', given: [{ at: 0, values: {} }], expect: [] }] }]), glossary);
    expect(entry!.results[0]).toMatchObject({ name: 'x', ok: false });
    expect(entry!.results[0]!.problems[0]).toMatch(/^the rule does not compile \(en 1:\d+\)/);
  });
});

describe.each(['en', 'zh'] as const)('the library sentences at run time (%s)', (lang) => {
  const engineWith = (id: string, store = new InMemoryRuleStateStore()) => {
    const engine = new RuleEngine({ store });
    engine.load([compiledSentence(id, lang)], 'active');
    return engine;
  };
  const kinds = (firings: ReturnType<RuleEngine['onValues']>) => firings.flatMap((f) => f.effects.map((e) => e.kind + ('released' in e && e.released ? ':released' : '')));
  const MIN = 60_000;

  it('electrode cap: fires once at 1247 on 1.8 mm, not at 1248, again after a reset, never on 1.5 mm', () => {
    const engine = engineWith('electrode-cap-g1');
    const weld = (count: number, thickness: number, ts: number) => kinds(engine.onValues([
      { key: 'weld-cell/G1/weld-count', value: good(count, ts) }, { key: 'weld-cell/G1/sheet-thickness', value: good(thickness, ts) }], ts));
    expect(weld(1246, 1.8, 0)).toEqual([]);
    expect(weld(1247, 1.8, 1)).toEqual(['requestSparePart', 'reserve']);
    expect(weld(1248, 1.8, 2)).toEqual([]);
    expect(weld(3, 1.8, 3)).toEqual([]);
    expect(weld(1247, 1.8, 4)).toEqual(['requestSparePart', 'reserve']);
    const thin = engineWith('electrode-cap-g1');
    expect(kinds(thin.onValues([{ key: 'weld-cell/G1/weld-count', value: good(1247, 0) }, { key: 'weld-cell/G1/sheet-thickness', value: good(1.5, 0) }], 0))).toEqual([]);
  });

  it('cold chain: fires at exactly +5 min via tick, not if back in range at 4:59, released when back in range', () => {
    const engine = engineWith('cold-chain-b12');
    const temp = (t: number, ts: number) => kinds(engine.onValues([{ key: 'shelf-sensors/B12/temperature', value: good(t, ts) }], ts));
    temp(9, 0);
    expect(temp(7, 4 * MIN + 59_000)).toEqual([]);
    expect(engine.nextWakeAt()).toBeUndefined();
    temp(1, 10 * MIN);
    expect(engine.nextWakeAt()).toBe(15 * MIN);
    expect(kinds(engine.tick(15 * MIN))).toEqual(['block', 'alert']);
    expect(temp(4, 16 * MIN)).toEqual(['block:released']);
  });

  it('cold chain: a restart in the middle of the 5 minutes keeps the timer', () => {
    const store = new InMemoryRuleStateStore();
    engineWith('cold-chain-b12', store).onValues([{ key: 'shelf-sensors/B12/temperature', value: good(9, 0) }], 0);
    const restarted = engineWith('cold-chain-b12', store);
    restarted.onValues([{ key: 'shelf-sensors/B12/temperature', value: good(9.2, 3 * MIN) }], 3 * MIN);
    expect(restarted.nextWakeAt()).toBe(5 * MIN);
    expect(kinds(restarted.tick(5 * MIN))).toEqual(['block', 'alert']);
  });

  it('streak: alerts maintenance on the third consecutive day', () => {
    const engine = engineWith('cold-chain-b12-streak');
    const day = 86_400_000;
    const temp = (t: number, ts: number) => kinds(engine.onValues([{ key: 'shelf-sensors/B12/temperature', value: good(t, ts) }], ts));
    expect([temp(9, 10 * 3_600_000), temp(5, 11 * 3_600_000), temp(1, day + 3_600_000), temp(5, day + 7_200_000)]).toEqual([[], [], [], []]);
    expect(temp(8.5, 2 * day + 60_000)).toEqual(['alert']);
  });

  it('insert life: with the fact 9000 fires at 8500; a restart at 8499 fires once at 8500, a restart at 8600 does not', () => {
    const store = new InMemoryRuleStateStore();
    const shot = (engine: RuleEngine, n: number, ts: number) => kinds(engine.onValues([{ key: 'press-plc/IMM-01/shot-counter', value: good(n, ts) }], ts));
    const first = engineWith('insert-life-imm-01', store);
    expect(shot(first, 8499, 0)).toEqual([]);
    const second = engineWith('insert-life-imm-01', store);
    expect(shot(second, 8500, 1)).toEqual(['alert', 'recommend']);
    expect(shot(second, 8600, 2)).toEqual([]);
    const third = engineWith('insert-life-imm-01', store);
    expect(shot(third, 8600, 3)).toEqual([]);
  });

  it('remnant weight: 15.3 kg starts the approval, 15 kg does not', () => {
    const engine = engineWith('remnant-weight-f1');
    expect(kinds(engine.onValues([{ key: 'press-plc/F1/remnant-weight', value: good(15, 0) }], 0))).toEqual([]);
    expect(kinds(engine.onValues([{ key: 'press-plc/F1/remnant-weight', value: good(15.3, 1) }], 1))).toEqual(['startApproval']);
  });

  it('near expiry: every scan below 60 days is recommended to ship first', () => {
    const engine = engineWith('near-expiry-ship-first');
    expect([60, 59, 45, 80, 10].map((days, i) => kinds(engine.setFact('scan.remainingShelfLifeDays', days, i)).length)).toEqual([0, 1, 1, 0, 1]);
  });

  it('a bad-quality reading makes its comparison false', () => {
    const engine = engineWith('remnant-weight-f1');
    expect(engine.onValues([{ key: 'press-plc/F1/remnant-weight', value: { value: 40, quality: 'bad', ts: 0 } }], 0)).toEqual([]);
  });
});
