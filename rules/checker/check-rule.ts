/**
 * The checks a parsed rule must pass before it compiles (docs/rule-language.md): types (a
 * boolean is not compared with a number), units (°C is not compared with mm), writes only to
 * writable tags, and conditions that can never be true. Every problem found is returned at once,
 * placed at the node at fault.
 */
import type { Action, Compare, CompareOp, Condition, Expr, Logical, Quantity, RuleAst } from '../ast.ts';
import { inputKeyOf, type Glossary, type VocabularyKind } from '../glossary.ts';
import type { RuleProblem } from '../rule-problem.ts';
import { renderCondition, renderExpr } from '../render/render-rule.ts';
import { unitOf } from '../units.ts';
import { CheckContext } from './check-context.ts';
import { constraintOf, covers, everything, intersect, isEmpty, termKey, type Interval, type TermConstraint } from './term-interval.ts';
import { compatible, describeValue, fitting, infoOf, type ValueInfo } from './value-info.ts';

/** Operators that order numbers; `equals` and `differs` also compare booleans and strings. */
const ordering: Readonly<Record<CompareOp, boolean>> = {
  reaches: true, atLeast: true, exceeds: true, below: true, atMost: true, equals: false, differs: false,
};

const operatorWords: Readonly<Record<CompareOp, string>> = {
  reaches: 'reaches', atLeast: 'is at least', exceeds: 'exceeds', below: 'is below', atMost: 'is at most', equals: 'is', differs: 'is not',
};

/** Which vocabulary each action's names come from. */
const actionNames: Readonly<{ [K in Action['kind']]: ReadonlyArray<[keyof Extract<Action, { kind: K }>, VocabularyKind]> }> = {
  alert: [['role', 'roles']],
  block: [['operation', 'operations']],
  requestSparePart: [['item', 'items']],
  reserve: [],
  startApproval: [['flow', 'flows']],
  writeTag: [],
  recommend: [['recommendation', 'recommendations']],
};

class Checker {
  constructor(private readonly ctx: CheckContext) {}

  private text(condition: Condition): string {
    return `"${renderCondition(condition, this.ctx.glossary, 'en')}"`;
  }

  private readonly conditionChecks: { [K in Condition['kind']]: (c: Condition & { kind: K }) => void } = {
    compare: (c) => this.compare(c),
    range: (c) => {
      const value = infoOf(this.ctx, c.value);
      const ends = [c.low, c.high].map((end) => [end, infoOf(this.ctx, end)] as const);
      if (!this.numeric(value, c.value, c, c.outside ? 'is outside' : 'is between')) return;
      for (const [end, info] of ends) {
        if (!this.numeric(info, end, c, c.outside ? 'is outside' : 'is between')) return;
        if (!compatible(value, info)) return this.unitMismatch(c.value, value, end, info, end);
      }
      if (!this.emptyRange(c.low, c.high)) this.againstTermRange(c);
    },
    is: (c) => {
      const info = infoOf(this.ctx, c.value);
      if (info.type === 'number' || info.type === 'string') {
        this.ctx.report('TYPE', `${this.text(c)} needs a value that is true or false, but ${describeValue(this.ctx, c.value, info)}; compare it instead, e.g. "${renderExpr(c.value, this.ctx.glossary, 'en')} ${info.type === 'number' ? `exceeds ${fitting(info).example}` : 'is not ...'}"`, c.value, c);
      }
    },
    edge: (c) => this.condition(c.of),
    sustained: (c) => {
      this.condition(c.of);
      this.duration(c.duration, c);
    },
    streak: (c) => {
      this.condition(c.of);
      if (!Number.isInteger(c.days) || c.days < 1) {
        this.ctx.report('UNIT', `"on ${c.days} consecutive days" needs a whole number of days of at least 1, such as 3`, c);
      }
    },
    and: (c) => {
      c.items.forEach((item) => this.condition(item));
      this.contradictions(c);
    },
    or: (c) => c.items.forEach((item) => this.condition(item)),
    not: (c) => this.condition(c.of),
  };

  condition(c: Condition): void {
    (this.conditionChecks[c.kind] as (c: Condition) => void)(c);
  }

  /** True when `info` is a number (or unknown, already reported); reports TYPE otherwise. */
  private numeric(info: ValueInfo, side: Expr, node: Condition, words: string): boolean {
    if (info.type === 'number') return true;
    if (info.type === 'unknown') return false;
    const fix = info.type === 'boolean' ? 'test it with its state words instead, e.g. "is open" or "is true"' : 'compare it with "is" or "is not" instead';
    this.ctx.report('TYPE', `"${words}" compares numbers but ${describeValue(this.ctx, side, info)}; ${fix}`, side, node);
    return false;
  }

  private compare(c: Compare): void {
    const left = infoOf(this.ctx, c.left);
    const right = infoOf(this.ctx, c.right);
    if (left.type === 'unknown' || right.type === 'unknown') return;
    if (ordering[c.op]) {
      if (!this.numeric(left, c.left, c, operatorWords[c.op]) || !this.numeric(right, c.right, c, operatorWords[c.op])) return;
    } else if (left.type !== right.type) {
      this.ctx.report('TYPE', `${describeValue(this.ctx, c.left, left)} but ${describeValue(this.ctx, c.right, right)}; compare values of one type`, c.right, c);
      return;
    }
    if (left.type === 'number' && !compatible(left, right)) {
      this.unitMismatch(c.left, left, c.right, right, c);
      return;
    }
    this.againstTermRange(c);
  }

  /** `"1.8 mm" is a length but the temperature of shelf B12 is in °C; compare it with a temperature such as 8 °C`. */
  private unitMismatch(a: Expr, aInfo: ValueInfo, b: Expr, bInfo: ValueInfo, node: { at?: Compare['at'] }): void {
    // The constant (or the right side) is the one at fault; the term is the reference.
    const [offender, offenderInfo, reference, referenceInfo] = a.kind === 'term' || b.kind !== 'term'
      ? [b, bInfo, a, aInfo] as const
      : [a, aInfo, b, bInfo] as const;
    const fit = fitting(referenceInfo);
    this.ctx.report('UNIT', `${describeValue(this.ctx, offender, offenderInfo)} but ${describeValue(this.ctx, reference, referenceInfo)}; compare it with ${fit.noun} such as ${fit.example}`, offender, node);
  }

  private duration(d: Quantity, node: Condition): void {
    const dimension = d.unit === undefined ? undefined : unitOf(d.unit)?.dimension;
    const written = renderExpr(d, this.ctx.glossary, 'en');
    if (dimension !== 'time') {
      this.ctx.report('UNIT', `"for ${written}" needs a duration but "${written}" is ${dimension === undefined ? 'a plain number' : `not a time`}; write a time such as 5 minutes (ms, s, min, h or d)`, d, node);
    } else if (!(d.value > 0)) {
      this.ctx.report('NEVER_FIRES', `"for ${written}" is no time for a condition to hold: expected a duration above 0, such as 5 minutes`, d, node);
    }
  }

  /** Reports and returns true when `low` is above `high`. */
  private emptyRange(low: Expr, high: Expr): boolean {
    if (low.kind !== 'quantity' || high.kind !== 'quantity') return false;
    const lowDef = low.unit === undefined ? undefined : unitOf(low.unit);
    const highDef = high.unit === undefined ? undefined : unitOf(high.unit);
    // Compare in base units; a plain end takes the other end's unit.
    const base = (q: Quantity, def: typeof lowDef, other: typeof lowDef) => {
      const d = def ?? other;
      return d ? q.value * d.factor + d.offset : q.value;
    };
    const lowBase = base(low, lowDef, highDef);
    const highBase = base(high, highDef, lowDef);
    if (lowBase > highBase) {
      const l = renderExpr(low, this.ctx.glossary, 'en');
      const h = renderExpr(high, this.ctx.glossary, 'en');
      this.ctx.report('NEVER_FIRES', `the range ${l} to ${h} is empty: its low end ${l} is above its high end ${h}; write the smaller value first (${h} to ${l})`, low);
      return true;
    }
    return false;
  }

  /** A comparison the glossary's `range` of the term rules out. */
  private againstTermRange(c: Condition): void {
    const constraint = constraintOf(c, (ref) => this.ctx.term(ref));
    const range = constraint?.term.range;
    if (!constraint || !range) return;
    const values: Interval = { low: range[0], lowOpen: false, high: range[1], highOpen: false };
    const never = constraint.outside ? covers(constraint.interval, values) : isEmpty(intersect(constraint.interval, values));
    if (!never) return;
    const unit = constraint.term.unit === undefined ? '' : ` ${constraint.term.unit}`;
    this.ctx.report('NEVER_FIRES', `${this.text(c)} can never be true: the glossary gives ${this.ctx.describeTerm(constraint.ref)} the values ${range[0]} to ${range[1]}${unit}; check the number, or the range of "${constraint.term.id}" in the glossary`, c);
  }

  /** Comparisons of one term inside an `and` that no single value satisfies together. */
  private contradictions(c: Logical): void {
    const seen = new Map<string, { interval: Interval; items: Condition[] }>();
    for (const item of c.items) {
      const constraint: TermConstraint | undefined = constraintOf(item, (ref) => this.ctx.term(ref));
      if (!constraint) continue;
      const key = termKey(constraint.ref);
      const before = seen.get(key) ?? { interval: everything, items: [] };
      const empty = constraint.outside
        ? before.items.length > 0 && covers(constraint.interval, before.interval)
        : isEmpty(intersect(before.interval, constraint.interval));
      if (empty) {
        const earlier = before.items.map((i) => this.text(i)).join(' and ');
        this.ctx.report('NEVER_FIRES', `${this.text(item)} and ${earlier} cannot both be true, so the rule can never fire; check the numbers, or join them with "or"`, item);
        continue;
      }
      seen.set(key, { interval: constraint.outside ? before.interval : intersect(before.interval, constraint.interval), items: [...before.items, item] });
    }
  }

  action(a: Action): void {
    for (const [field, kind] of actionNames[a.kind] as ReadonlyArray<[string, VocabularyKind]>) {
      const id = (a as unknown as Record<string, string>)[field]!;
      if (!this.ctx.glossary[kind].some((entry) => entry.id === id)) {
        this.ctx.report('UNKNOWN_NAME', `unknown ${field} "${id}"; expected one of ${this.ctx.glossary[kind].map((e) => e.id).join(', ') || `(none: add ${kind} to the glossary)`}`, a);
      }
    }
    if (a.kind === 'requestSparePart' && !(Number.isInteger(a.quantity) && a.quantity >= 1)) {
      this.ctx.report('TYPE', `cannot request ${a.quantity} spare parts; expected a whole number of at least 1`, a);
    }
    if (a.kind === 'writeTag') this.write(a);
  }

  private write(a: Extract<Action, { kind: 'writeTag' }>): void {
    const target = infoOf(this.ctx, a.target);
    const value = infoOf(this.ctx, a.value);
    const term = this.ctx.term(a.target);
    if (!term) return;
    const name = this.ctx.describeTerm(a.target);
    if ('fact' in term.source) {
      this.ctx.report('READ_ONLY', `cannot set ${name}: it is the fact ${term.source.fact}, which the gateway is given, not a tag; only terms with a tag source and writable: true can be set`, a.target, a);
    } else if (!term.writable) {
      this.ctx.report('READ_ONLY', `cannot set ${name}: the glossary entry "${term.id}" is read-only; set writable: true on it if the gateway may write ${inputKeyOf(term, a.target.args)}`, a.target, a);
    }
    if (value.type === 'unknown' || target.type === 'unknown') return;
    if (value.type !== target.type) {
      this.ctx.report('TYPE', `cannot set ${name} (a ${target.type}) to ${describeValue(this.ctx, a.value, value).replace(/^(.*) is (a .*)$/, '$1, which is $2')}; write a ${target.type}${target.type === 'number' ? ` such as ${fitting(target).example}` : target.type === 'boolean' ? ' such as true' : ''}`, a.value, a);
    } else if (target.type === 'number' && !compatible(target, value)) {
      this.unitMismatch(a.target, target, a.value, value, a);
    }
  }
}

/** Every type, unit, write-access and never-fires problem of `ast` (empty when it is sound). */
export function checkRule(ast: RuleAst, glossary: Glossary): RuleProblem[] {
  const ctx = new CheckContext(glossary);
  const checker = new Checker(ctx);
  checker.condition(ast.condition);
  ast.actions.forEach((a) => checker.action(a));
  return ctx.problems;
}
