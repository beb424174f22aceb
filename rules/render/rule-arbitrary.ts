/**
 * Random valid rule ASTs over a glossary, for property tests (the render/parse round trip, and
 * any compiler that wants every condition and action kind): every condition kind, nested
 * and/or/not, arithmetic, units of the right dimension, every action kind. Terms carry all their
 * parameters explicitly; numbers are decimals the renderer prints exactly. Test support only
 * (fast-check is a dev dependency).
 */
import fc from 'fast-check';
import { AST_VERSION, type Action, type Condition, type Expr, type Quantity, type RuleAst, type TermRef } from '../ast.ts';
import type { Glossary, GlossaryTerm } from '../glossary.ts';
import { units, unitOf, type Dimension } from '../units.ts';

export interface RuleArbitraryOptions {
  /** Depth of nested conditions (and/or/not/sustained/streak/edge); default 3. */
  depth?: number;
  /** Whether numbers may be negative; default true. */
  negative?: boolean;
}

/** Values matching each parameter pattern of the demo glossary style (`B1[0-7]`, `G[1-3]`, ...). */
function sampleValues(pattern: string): string[] {
  // Expand simple character classes and {1,2} repeats; enough for the patterns glossaries use.
  const expand = (p: string): string[] => {
    const m = /\[([^\]]+)\](\{(\d),(\d)\})?/.exec(p);
    if (!m) return [p];
    const chars: string[] = [];
    for (let i = 0; i < m[1]!.length; i++) {
      if (m[1]![i + 1] === '-' && m[1]![i + 2]) {
        for (let c = m[1]!.charCodeAt(i); c <= m[1]!.charCodeAt(i + 2); c++) chars.push(String.fromCharCode(c));
        i += 2;
      } else chars.push(m[1]![i]!);
    }
    const [min, max] = m[2] ? [Number(m[3]), Number(m[4])] : [1, 1];
    const pieces: string[] = [];
    for (let n = min; n <= max; n++) {
      let acc = [''];
      for (let k = 0; k < n; k++) acc = acc.flatMap((a) => chars.slice(0, 4).map((c) => a + c));
      pieces.push(...acc);
    }
    return pieces.flatMap((piece) => expand(p.slice(0, m.index) + piece + p.slice(m.index + m[0].length)));
  };
  return expand(pattern).filter((v) => new RegExp(`^(?:${pattern})$`, 'u').test(v));
}

function parametersOf(term: GlossaryTerm): string[] {
  return [...new Set([...term.en, ...term.zh].flatMap((p) => [...p.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!)))];
}

export function ruleArbitrary(glossary: Glossary, options: RuleArbitraryOptions = {}): fc.Arbitrary<RuleAst> {
  const depth = options.depth ?? 3;
  const valuesOf = new Map(Object.entries(glossary.parameters).map(([name, p]) => [name, sampleValues(p.pattern)]));

  const termRef = (term: GlossaryTerm): fc.Arbitrary<TermRef> => {
    const names = parametersOf(term);
    return fc.tuple(...names.map((n) => fc.constantFrom(...(valuesOf.get(n) ?? ['X1'])))).map((values) => ({
      kind: 'term' as const,
      term: term.id,
      args: Object.fromEntries(names.map((n, i) => [n, values[i]!])),
    }));
  };

  const dimensionOf = (term: GlossaryTerm): Dimension => (term.unit ? unitOf(term.unit)!.dimension : 'count');
  const numberTerms = glossary.terms.filter((t) => t.type === 'number');
  const booleanTerms = glossary.terms.filter((t) => t.type === 'boolean');
  const dimensions = [...new Set(numberTerms.map(dimensionOf))];
  const termsOf = (d: Dimension) => numberTerms.filter((t) => dimensionOf(t) === d);

  const magnitude = fc.oneof(
    fc.integer({ min: 0, max: 5000 }),
    fc.integer({ min: 0, max: 50000 }).map((n) => n / 10),
    fc.integer({ min: 0, max: 99999 }).map((n) => n / 1000),
  );
  const number = options.negative === false ? magnitude : fc.tuple(fc.boolean(), magnitude).map(([neg, n]) => (neg && n !== 0 ? -n : n));
  const quantity = (unitChoices: readonly (string | undefined)[], value: fc.Arbitrary<number> = number): fc.Arbitrary<Quantity> =>
    fc.tuple(value, fc.constantFrom(...unitChoices)).map(([v, unit]) => (unit === undefined ? { kind: 'quantity', value: v } : { kind: 'quantity', value: v, unit }));
  const unitsOf = (d: Dimension): (string | undefined)[] => [undefined, ...units.filter((u) => u.dimension === d).map((u) => u.symbol)];

  /** A number-valued expression of dimension `d`: a term, a constant, or arithmetic that keeps the dimension. */
  const numeric = (d: Dimension, level: number): fc.Arbitrary<Expr> => {
    const leaves: fc.Arbitrary<Expr>[] = [...termsOf(d).map(termRef), quantity(unitsOf(d))];
    const leaf = fc.oneof(...leaves);
    if (level <= 0) return leaf;
    const sub = () => numeric(d, level - 1);
    const plain = fc.oneof(quantity([undefined]), ...termsOf('count').map(termRef));
    return fc.oneof(
      { weight: 3, arbitrary: leaf },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom('+' as const, '-' as const), sub(), sub()).map(([op, left, right]): Expr => ({ kind: 'arithmetic', op, left, right })) },
      // Scaling keeps the dimension only when the scaled side has one: a term of `d`.
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom('*' as const, '/' as const), termsOf(d).length > 0 ? fc.oneof(...termsOf(d).map(termRef)) : sub(), plain).map(([op, left, right]): Expr => ({ kind: 'arithmetic', op, left, right })) },
    );
  };

  const dimension = fc.constantFrom(...dimensions);
  const compare: fc.Arbitrary<Condition> = dimension.chain((d) =>
    fc.record({
      kind: fc.constant('compare' as const),
      op: fc.constantFrom('reaches', 'atLeast', 'exceeds', 'below', 'atMost', 'equals', 'differs'),
      left: fc.oneof(...termsOf(d).map(termRef), numeric(d, 2)),
      right: fc.oneof(quantity(unitsOf(d)), numeric(d, 1)),
    }));
  const range: fc.Arbitrary<Condition> = dimension.chain((d) =>
    fc.tuple(fc.oneof(...termsOf(d).map(termRef)), fc.boolean(), number, number, fc.constantFrom(...unitsOf(d))).map(([value, outside, a, b, unit]): Condition => {
      const q = (v: number): Quantity => (unit === undefined ? { kind: 'quantity', value: v } : { kind: 'quantity', value: v, unit });
      return { kind: 'range', outside, value, low: q(Math.min(a, b)), high: q(Math.max(a, b)) };
    }));
  const booleanTerm = fc.oneof(...booleanTerms.map(termRef));
  const is: fc.Arbitrary<Condition> = fc.tuple(booleanTerm, fc.boolean()).map(([value, expected]) => ({ kind: 'is', value, expected }));
  const edge: fc.Arbitrary<Condition> = fc.tuple(booleanTerm, fc.constantFrom(['rising', true], ['falling', true], ['rising', false], ['falling', false]) as fc.Arbitrary<['rising' | 'falling', boolean]>)
    .map(([value, [edgeKind, expected]]) => ({ kind: 'edge', edge: edgeKind, of: { kind: 'is', value, expected } }));
  const leafCondition = fc.oneof(compare, range, is, edge);

  const timeUnits = units.filter((u) => u.dimension === 'time').map((u) => u.symbol);
  const positive = fc.oneof(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 1200 }).map((n) => n / 10));

  const condition = (level: number): fc.Arbitrary<Condition> => {
    if (level <= 0) return leafCondition;
    const sub = () => condition(level - 1);
    return fc.oneof(
      { weight: 4, arbitrary: leafCondition },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom('and' as const, 'or' as const), fc.array(sub(), { minLength: 2, maxLength: 3 })).map(([kind, items]): Condition => ({ kind, items })) },
      { weight: 1, arbitrary: sub().map((of): Condition => ({ kind: 'not', of })) },
      { weight: 1, arbitrary: fc.tuple(sub(), quantity(timeUnits, positive)).map(([of, duration]): Condition => ({ kind: 'sustained', of, duration })) },
      { weight: 1, arbitrary: fc.tuple(sub(), fc.integer({ min: 1, max: 30 })).map(([of, days]): Condition => ({ kind: 'streak', of, days })) },
      { weight: 1, arbitrary: fc.tuple(sub(), fc.constantFrom('rising' as const, 'falling' as const)).map(([of, edgeKind]): Condition => ({ kind: 'edge', edge: edgeKind, of })) },
    );
  };

  const ids = (kind: 'roles' | 'items' | 'operations' | 'flows' | 'recommendations') => fc.constantFrom(...glossary[kind].map((e) => e.id));
  const locations = Object.entries(glossary.parameters).filter(([, p]) => p.kind === 'location').flatMap(([name]) => valuesOf.get(name) ?? []);
  const stations = Object.entries(glossary.parameters).filter(([, p]) => p.kind === 'station').flatMap(([name]) => valuesOf.get(name) ?? []);
  const writable = glossary.terms.filter((t) => t.writable && !('fact' in t.source));
  const message = fc.constantFrom('cap worn', 'check the door', 'B12 too warm', '电极帽磨损', '请检查 B12', 'say "hi"');

  const actions: fc.Arbitrary<Action>[] = [
    fc.tuple(ids('roles'), fc.option(message, { nil: undefined })).map(([role, m]): Action => (m === undefined ? { kind: 'alert', role } : { kind: 'alert', role, message: m })),
    fc.tuple(ids('operations'), fc.constantFrom(...locations)).map(([operation, location]): Action => ({ kind: 'block', operation, location })),
    fc.tuple(ids('items'), fc.integer({ min: 1, max: 12 })).map(([item, quantity]): Action => ({ kind: 'requestSparePart', item, quantity })),
    fc.constantFrom(...stations).map((station): Action => ({ kind: 'reserve', station })),
    ids('flows').map((flow): Action => ({ kind: 'startApproval', flow })),
    ids('recommendations').map((recommendation): Action => ({ kind: 'recommend', recommendation })),
    ...writable.map((t) => fc.tuple(termRef(t), t.type === 'boolean' ? fc.boolean().map((value): Expr => ({ kind: 'boolean', value })) : quantity(unitsOf(dimensionOf(t)))).map(([target, value]): Action => ({ kind: 'writeTag', target, value }))),
  ];

  return fc.record({
    astVersion: fc.constant(AST_VERSION),
    condition: condition(depth),
    actions: fc.array(fc.oneof(...actions), { minLength: 1, maxLength: 3 }),
  });
}
