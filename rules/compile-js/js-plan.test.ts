import { describe, expect, it } from 'vitest';
import { AST_VERSION, type RuleAst } from '../ast.ts';
import { libraryAsts } from '../examples/library-asts.ts';
import { buildJsPlan, renderJsPreview } from './js-plan.ts';
import { demoGlossary } from '../testing/demo-glossary.ts';

const glossary = demoGlossary();

describe('renderJsPreview', () => {
  it('prints the electrode-cap rule with its input keys and constants in the tag units', () => {
    expect(renderJsPreview(libraryAsts['electrode-cap-g1']!, glossary, { id: 'electrode-cap-g1', version: 1 })).toBe([
      '// rule electrode-cap-g1 v1: evaluated when one of its inputs changes or a timer is due',
      '// inputs: "weld-cell/G1/weld-count", "weld-cell/G1/sheet-thickness"',
      '// an unknown value (missing, bad quality, wrong type) makes its comparison unknown, never true',
      'const condition = and(',
      '  number("weld-cell/G1/weld-count") >= 1247,',
      '  number("weld-cell/G1/sheet-thickness") /* mm */ >= 1.8 /* mm */,',
      ');',
      '// on the rising edge of condition (or a new event value while it holds):',
      'const onRise = [',
      '  {"kind":"requestSparePart","item":"electrode-cap","quantity":1},',
      '  {"kind":"reserve","station":"W3"},',
      '];',
    ].join('\n'));
  });

  it('shows the timer with its state key and duration in ms, and the block release', () => {
    const text = renderJsPreview(libraryAsts['cold-chain-b12']!, glossary, { id: 'cold-chain-b12', version: 3 });
    expect(text).toContain('const condition = sustained("c", 300000 /* 5 min */,\n  outside(number("shelf-sensors/B12/temperature") /* °C */, 2 /* °C */, 8 /* °C */));');
    expect(text).toContain('const onFall = [\n  { ...{"kind":"block","operation":"put-away","location":"B12"}, released: true },\n];');
  });

  it('shows a °F constant already converted to the sensor unit', () => {
    const ast: RuleAst = {
      astVersion: AST_VERSION,
      condition: { kind: 'compare', op: 'exceeds', left: { kind: 'term', term: 'shelf-temperature', args: { shelf: 'B12' } }, right: { kind: 'quantity', value: 46.4, unit: '°F' } },
      actions: [{ kind: 'alert', role: 'qa' }],
    };
    expect(renderJsPreview(ast, glossary, { id: 'f', version: 1 })).toContain('number("shelf-sensors/B12/temperature") /* °C */ > 8 /* 46.4 °F */');
  });

  it('lists the facts a rule reads and its event inputs', () => {
    const insert = renderJsPreview(libraryAsts['insert-life-imm-01']!, glossary, { id: 'i', version: 1, facts: { 'tooling.IMM-01.insertLifeShots': 9000, 'tooling.IMM-02.insertLifeShots': 9000 } });
    expect(insert).toContain('const facts = {"fact:tooling.IMM-01.insertLifeShots":9000};');
    expect(insert).toContain('(number("fact:tooling.IMM-01.insertLifeShots") - number("press-plc/IMM-01/shot-counter")) <= 500');
    const expiry = renderJsPreview(libraryAsts['near-expiry-ship-first']!, glossary, { id: 'e', version: 1 });
    expect(expiry).toContain('// events (each new value decides afresh): "fact:scan.remainingShelfLifeDays"');
  });

  it('is printed from the same plan compileRule runs (the plan carries the streak state key)', () => {
    const plan = buildJsPlan(libraryAsts['cold-chain-b12-streak']!, glossary, { id: 's', version: 1 });
    expect(plan.condition).toMatchObject({ kind: 'streak', days: 3, stateKey: 'c', of: { kind: 'range', outside: true } });
    expect(renderJsPreview(libraryAsts['cold-chain-b12-streak']!, glossary, { id: 's', version: 1 })).toContain('streak("c", 3 /* UTC days */,');
  });
});
