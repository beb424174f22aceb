import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { compileRule } from '../compile-js/compile-rule.ts';
import { exampleSchema, rulePackSchema, type RuleExample } from '../rule-pack.ts';
import { libraryAsts } from './library-asts.ts';
import { formatOffset, runExamples } from './run-examples.ts';
import { demoGlossary } from '../testing/demo-glossary.ts';

const read = (name: string): unknown => YAML.parse(readFileSync(new URL(`../library/${name}`, import.meta.url), 'utf8'));
const glossary = demoGlossary();
const pack = rulePackSchema.parse(read('demo-plant.rules.yaml'));
const compiled = (id: string) => compileRule(libraryAsts[id]!, glossary, { id, version: pack.version, facts: pack.facts });
const example = (input: unknown): RuleExample => exampleSchema.parse(input);

describe('runExamples', () => {
  it.each(pack.rules.map((r) => [r.id, r] as const))('passes every library example of %s', (id, source) => {
    const results = runExamples(compiled(id), source.examples, pack.facts);
    expect(results.map((r) => ({ name: r.name, problems: r.problems }))).toEqual(source.examples.map((e) => ({ name: e.name, problems: [] })));
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('fires a 5-minute duration at exactly +5 min, between given steps', () => {
    const [result] = runExamples(compiled('cold-chain-b12'), [example({
      name: 'excursion from 30s',
      given: [{ at: '30s', values: { 'shelf-sensors/B12/temperature': 12 } }],
      until: '1h',
      expect: [],
    })]);
    expect(result!.got.map((g) => [formatOffset(g.at), g.effect.kind])).toEqual([['330s', 'block'], ['330s', 'alert']]);
  });

  it('reports an effect that was expected but did not happen, and one that happened unexpectedly', () => {
    const [result] = runExamples(compiled('remnant-weight-f1'), [example({
      name: 'wrong expectations',
      given: [{ at: 0, values: { 'press-plc/F1/remnant-weight': 15.0 } }, { at: '10s', values: { 'press-plc/F1/remnant-weight': 15.3 } }],
      expect: [{ at: '5s', effect: { kind: 'startApproval', flow: 're-melt' } }, { at: '10s', effect: { kind: 'alert', role: 'foundry' } }],
    })]);
    expect(result!.ok).toBe(false);
    expect(result!.problems).toEqual([
      'effect 1: expected { flow: re-melt, kind: startApproval } at 5s, got { flow: re-melt, kind: startApproval } at 10s',
      'effect 2: expected { kind: alert, role: foundry } at 10s, but nothing more happened',
    ]);
  });

  it('says an effect was unexpected when the example expects silence', () => {
    const [result] = runExamples(compiled('remnant-weight-f1'), [example({
      name: 'quiet', given: [{ at: 0, values: { 'press-plc/F1/remnant-weight': 20 } }], expect: [],
    })]);
    expect(result!.problems).toEqual(['effect 1: unexpected { flow: re-melt, kind: startApproval } at 0s (the example expects the rule to stay quiet)']);
  });

  it('compares effects regardless of field order and ignores undefined fields', () => {
    const [result] = runExamples(compiled('cold-chain-b12'), [example({
      name: 'order',
      given: [{ at: 0, values: { 'shelf-sensors/B12/temperature': 1 } }, { at: '6min', values: { 'shelf-sensors/B12/temperature': 4 } }],
      expect: [
        { at: '5min', effect: { location: 'B12', operation: 'put-away', kind: 'block' } },
        { at: '5min', effect: { role: 'qa', kind: 'alert', message: undefined } },
        { at: '6min', effect: { released: true, location: 'B12', operation: 'put-away', kind: 'block' } },
      ],
    })]);
    expect(result!.problems).toEqual([]);
  });

  it('takes a value given with its quality', () => {
    const [result] = runExamples(compiled('remnant-weight-f1'), [example({
      name: 'bad scale', given: [{ at: 0, values: { 'press-plc/F1/remnant-weight': { value: 40, quality: 'bad' } } }], expect: [],
    })]);
    expect(result!.ok).toBe(true);
  });

  it('starts at the given startAt, so a streak counts UTC days from there', () => {
    const [result] = runExamples(compiled('cold-chain-b12-streak'), [example({
      name: 'late start',
      startAt: Date.UTC(2026, 0, 5, 23, 0),
      given: [{ at: 0, values: { 'shelf-sensors/B12/temperature': 9 } }],
      until: '26h',
      expect: [{ at: '25h', effect: { kind: 'alert', role: 'maintenance' } }],
    })]);
    expect(result!.problems).toEqual([]);
  });

  it('formats offsets in the largest unit that divides them', () => {
    expect([0, 1500, 4000, 360_000, 359_000, 7_200_000, 86_400_000].map(formatOffset)).toEqual(['0s', '1500ms', '4s', '6min', '359s', '2h', '1d']);
  });
});
