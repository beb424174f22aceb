import { describe, expect, it } from 'vitest';
import { arbitrate } from './arbitration.ts';
import { compileDictionary } from './dictionary.ts';
import { evaluateFormula, parseFormula, referencesOf, renderFormula, singleBucket, type Formula } from './formula.ts';
import type { Source } from './fusion-types.ts';
import { trustCheck } from './sources.ts';
import { workedDictionary, workedSources } from './worked-case.ts';

const parsed = (text: string): Formula => {
  const result = parseFormula(text);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.formula;
};
const values: Record<string, number> = { physical: 168, pending_outbound: 12, presale_lock: 8, 'presale_lock[douyin]': 8 };
const lookup = (bucket: string, channel: string | null) => values[channel ? `${bucket}[${channel}]` : bucket] ?? null;
const source = (id: string, kind: Source['kind'], trust: number, tolerancePct = 10, toleranceAbs = 2): Source =>
  ({ id, name: id, kind, channel: null, trust, tolerancePct, toleranceAbs, updatedAt: 0, updatedBy: 'test' });

describe('formula', () => {
  it('evaluates the ERP available of the worked case and fills in the numbers', () => {
    const f = parsed('physical - pending_outbound + presale_lock');
    expect(evaluateFormula(f, lookup)).toEqual({ value: 164, problem: null });
    expect(renderFormula(f, (b, c) => String(lookup(b, c)))).toBe('168 - 12 + 8');
  });

  it('keeps precedence, parentheses, unary minus and min/max', () => {
    const f = parsed('max(0, physical - (pending_outbound + presale_lock) * 2) / 4');
    expect(evaluateFormula(f, lookup).value).toBe((168 - 20 * 2) / 4);
    expect(renderFormula(f)).toBe('max(0, physical - (pending_outbound + presale_lock) * 2) / 4');
    expect(evaluateFormula(parsed('-physical + 200'), lookup).value).toBe(32);
    expect(renderFormula(parsed('physical - (pending_outbound - presale_lock)'))).toBe('physical - (pending_outbound - presale_lock)');
  });

  it('reads channel qualifiers and knows a single bucket from a composite figure', () => {
    const f = parsed('pending_outbound[meituan]');
    expect(singleBucket(f)).toEqual({ bucket: 'pending_outbound', channel: 'meituan' });
    expect(singleBucket(parsed('physical - frozen'))).toBeNull();
    expect(referencesOf(parsed('sellable[douyin] + sellable[douyin] + physical')).map((r) => `${r.bucket}:${r.channel}`)).toEqual(['sellable:douyin', 'physical:null']);
  });

  it('names an unknown bucket with the nearest one and its column', () => {
    const result = parseFormula('physcal - pending_outbound + presale_lok');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(2);
    expect(result.problems[0]).toMatchObject({ column: 1, message: expect.stringContaining('unknown bucket "physcal" (did you mean "physical"?)') });
    expect(result.problems[1]!.message).toContain('did you mean "presale_lock"?');
    expect(result.problems[1]!.column).toBe(30);
  });

  it('says what was expected where the syntax breaks', () => {
    const dangling = parseFormula('physical - ');
    expect(dangling.ok || dangling.problems[0]!.message).toBe('expected a bucket name, a number or "(" but found the end of the formula');
    const twoNames = parseFormula('physical frozen');
    expect(twoNames.ok || twoNames.problems[0]).toEqual({ column: 10, message: 'expected + - * / or the end of the formula but found "frozen"' });
    const odd = parseFormula('physical % 2');
    expect(odd.ok || odd.problems[0]!.message).toContain('unexpected character "%"');
    expect(parseFormula('  ').ok).toBe(false);
    const bracket = parseFormula('sellable[douyin');
    expect(bracket.ok || bracket.problems[0]!.message).toBe('expected "]" but found the end of the formula');
  });

  it('gives null for a missing input and for a division by zero', () => {
    expect(evaluateFormula(parsed('physical - frozen'), lookup)).toEqual({ value: null, problem: null });
    expect(evaluateFormula(parsed('physical / (presale_lock - 8)'), lookup)).toEqual({ value: null, problem: 'division by zero' });
  });
});

describe('dictionary check', () => {
  const sources = workedSources.map((s) => source(s.id, s.kind, s.trust)).map((s, i) => ({ ...s, channel: workedSources[i]!.channel ?? null }));

  it('compiles the worked dictionary: a single-bucket source figure sets its cell, a composite one does not', () => {
    const result = compileDictionary(workedDictionary, 1, sources);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.dictionary.sourceFigures.get('meituan.pending_outbound')!.sets).toEqual({ bucket: 'pending_outbound', channel: 'meituan' });
    expect(result.dictionary.sourceFigures.get('douyin.sellable')!.sets).toBeNull();
    expect(result.dictionary.targets.map((t) => t.name)).toEqual(['erp.available', 'erp.physical']);
  });

  it('reports every problem at once with its path', () => {
    const result = compileDictionary({
      sources: [{ figure: 'douyn.sellable', formula: 'sellable[douyin]' }, { figure: 'meituan.pending_outbound', formula: 'pending_outbound[meituna]' }, { figure: 'bad name', formula: 'physical' }],
      targets: [{ figure: 'erp.available', formula: 'phisical - pending_outbound' }, { figure: 'erp.available', formula: 'physical' }],
      arbitration: [{ id: 'r1', buckets: ['physicl' as never], prefer: ['wmss', 'kind:ecomerce'] }],
    }, 2, sources);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byPath = result.problems.map((p) => `${p.path}: ${p.message}`);
    expect(byPath).toEqual([
      expect.stringMatching(/^sources\.0\.figure: .*unknown source "douyn" \(did you mean "douyin"\?\)/),
      expect.stringMatching(/^sources\.1\.formula: .*column 1: unknown channel "meituna" \(did you mean "meituan"\?\)/),
      expect.stringMatching(/^sources\.2\.figure: .*is not a figure name; expected <source>\.<figure>/),
      expect.stringMatching(/^targets\.0\.formula: .*unknown bucket "phisical" \(did you mean "physical"\?\)/),
      expect.stringMatching(/^targets\.1\.figure: .*defined twice/),
      expect.stringMatching(/^arbitration\.0\.buckets\.0: .*unknown bucket "physicl" \(did you mean "physical"\?\)/),
      expect.stringMatching(/^arbitration\.0\.prefer\.0: .*unknown source "wmss" \(did you mean "wms"\?\)/),
      expect.stringMatching(/^arbitration\.0\.prefer\.1: .*unknown source kind "ecomerce" \(did you mean "ecommerce"\?\)/),
    ]);
  });
});

describe('arbitration and trust', () => {
  const wms = source('wms', 'wms', 0.95);
  const pos = source('pos', 'pos', 0.7);
  const douyin = source('douyin', 'ecommerce', 0.8);
  const meituan = source('meituan', 'ecommerce', 0.8);
  const rules = workedDictionary.arbitration;

  it('prefers e-commerce over a newer POS value for sales figures, and the newest within e-commerce', () => {
    const choice = arbitrate('pending_outbound', [
      { source: pos, value: 30, reportId: 3, observedAt: 300 },
      { source: douyin, value: 10, reportId: 1, observedAt: 100 },
      { source: meituan, value: 12, reportId: 2, observedAt: 200 },
    ], rules);
    expect(choice.winner.reportId).toBe(2);
    expect(choice.rule.id).toBe('sales-ecommerce-over-pos');
    expect(choice.rule.why).toContain('meituan matches "kind:ecommerce", preference 1 of 2; newest within it');
    expect(choice.outranked.map((c) => c.source.id)).toEqual(['douyin', 'pos']);
  });

  it('falls back to the newest value when no rule names the bucket', () => {
    const choice = arbitrate('frozen', [{ source: wms, value: 1, reportId: 1, observedAt: 100 }, { source: pos, value: 2, reportId: 2, observedAt: 200 }], rules);
    expect(choice).toMatchObject({ winner: { value: 2 }, rule: { id: 'newest' } });
  });

  it('allows less deviation the lower the trust, and holds a low-trust manual figure with nothing to check it against', () => {
    expect(trustCheck(source('a', 'wms', 1, 10, 2), 110, 100)).toMatchObject({ allowedDeviation: 10, needsConfirmation: false });
    expect(trustCheck(source('b', 'wms', 0.5, 10, 2), 110, 100)).toMatchObject({ allowedDeviation: 5, needsConfirmation: true });
    expect(trustCheck(source('c', 'manual', 0.3), 5, null)).toMatchObject({ needsConfirmation: true, reason: expect.stringContaining('low-trust manual source') });
    expect(trustCheck(source('d', 'manual', 0.9), 5, null).needsConfirmation).toBe(false);
    expect(trustCheck(source('e', 'pos', 0.5, 0, 2), 1, 0)).toMatchObject({ allowedDeviation: 1, needsConfirmation: false });
  });
});
