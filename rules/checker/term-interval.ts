/**
 * The values of one term that a comparison lets through, as an interval in the term's own unit:
 * `temperature of shelf B12 exceeds 8 °C` is (8, +inf) °C. Intersecting these with the glossary's
 * `range`, and with each other inside an `and`, finds conditions that can never be true.
 */
import type { CompareOp, Condition, Quantity, TermRef } from '../ast.ts';
import type { GlossaryTerm } from '../glossary.ts';
import { convert, unitOf } from '../units.ts';

export interface Interval {
  low: number;
  lowOpen: boolean;
  high: number;
  highOpen: boolean;
}

export const everything: Interval = { low: -Infinity, lowOpen: true, high: Infinity, highOpen: true };

/** Values of the term (on the left) that satisfy `term <op> v`; `differs` excludes one point only, so it is not followed. */
const intervalOf: Readonly<Record<CompareOp, ((v: number) => Interval) | undefined>> = {
  reaches: (v) => ({ low: v, lowOpen: false, high: Infinity, highOpen: true }),
  atLeast: (v) => ({ low: v, lowOpen: false, high: Infinity, highOpen: true }),
  exceeds: (v) => ({ low: v, lowOpen: true, high: Infinity, highOpen: true }),
  below: (v) => ({ low: -Infinity, lowOpen: true, high: v, highOpen: true }),
  atMost: (v) => ({ low: -Infinity, lowOpen: true, high: v, highOpen: false }),
  equals: (v) => ({ low: v, lowOpen: false, high: v, highOpen: false }),
  differs: undefined,
};

/** `5 exceeds x` says `x is below 5`. */
const mirrored: Readonly<Record<CompareOp, CompareOp>> = {
  reaches: 'atMost', atLeast: 'atMost', exceeds: 'below', below: 'exceeds', atMost: 'atLeast', equals: 'equals', differs: 'differs',
};

export function intersect(a: Interval, b: Interval): Interval {
  const [low, lowOpen] = a.low > b.low ? [a.low, a.lowOpen] : b.low > a.low ? [b.low, b.lowOpen] : [a.low, a.lowOpen || b.lowOpen];
  const [high, highOpen] = a.high < b.high ? [a.high, a.highOpen] : b.high < a.high ? [b.high, b.highOpen] : [a.high, a.highOpen || b.highOpen];
  return { low, lowOpen, high, highOpen };
}

export function isEmpty(i: Interval): boolean {
  return i.low > i.high || (i.low === i.high && (i.lowOpen || i.highOpen));
}

/** `i` holds every value of `outer`. */
export function covers(i: Interval, outer: Interval): boolean {
  const lowOk = i.low < outer.low || (i.low === outer.low && (!i.lowOpen || outer.lowOpen));
  const highOk = i.high > outer.high || (i.high === outer.high && (!i.highOpen || outer.highOpen));
  return lowOk && highOk;
}

/**
 * `q` in the term's unit, or undefined when the dimensions differ (reported as UNIT elsewhere).
 * A plain number is already in the term's unit; a count unit against a unitless term is too.
 */
export function inTermUnit(q: Quantity, term: GlossaryTerm): number | undefined {
  if (q.unit === undefined || q.unit === term.unit) return q.value;
  if (term.unit === undefined) return unitOf(q.unit)?.dimension === 'count' ? q.value : undefined;
  const from = unitOf(q.unit);
  const to = unitOf(term.unit);
  if (!from || !to || from.dimension !== to.dimension) return undefined;
  return convert(q.value, q.unit, term.unit);
}

export interface TermConstraint {
  ref: TermRef;
  term: GlossaryTerm;
  /** Values the condition lets through; for `outside`, the values it excludes. */
  interval: Interval;
  outside: boolean;
}

/** Key of one term instance: the same entry with the same parameters. */
export function termKey(ref: TermRef): string {
  return `${ref.term}${JSON.stringify(Object.entries(ref.args).sort(([a], [b]) => a.localeCompare(b)))}`;
}

/**
 * The interval a comparison or range puts on a single term against constants, or undefined when
 * the condition is not of that shape (two terms, arithmetic, a unit that does not fit).
 */
export function constraintOf(condition: Condition, lookup: (ref: TermRef) => GlossaryTerm | undefined): TermConstraint | undefined {
  if (condition.kind === 'compare') {
    const [ref, constant, op] = condition.left.kind === 'term' && condition.right.kind === 'quantity'
      ? [condition.left, condition.right, condition.op]
      : condition.right.kind === 'term' && condition.left.kind === 'quantity'
        ? [condition.right, condition.left, mirrored[condition.op]]
        : [];
    const term = ref && lookup(ref);
    if (!ref || !constant || !op || !term || term.type !== 'number') return undefined;
    const value = inTermUnit(constant, term);
    const make = intervalOf[op];
    if (value === undefined || !make) return undefined;
    return { ref, term, interval: make(value), outside: false };
  }
  if (condition.kind === 'range' && condition.value.kind === 'term' && condition.low.kind === 'quantity' && condition.high.kind === 'quantity') {
    const term = lookup(condition.value);
    if (!term || term.type !== 'number') return undefined;
    const low = inTermUnit(condition.low, term);
    const high = inTermUnit(condition.high, term);
    if (low === undefined || high === undefined) return undefined;
    return { ref: condition.value, term, interval: { low, lowOpen: false, high, highOpen: false }, outside: condition.outside };
  }
  return undefined;
}
