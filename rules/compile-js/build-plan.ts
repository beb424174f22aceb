/**
 * AST -> plan (plan-types.ts). Units are settled here, at compile time: every quantity constant is
 * converted into the unit the term it is compared with is delivered in, and a term compared with
 * a term of another unit of the same dimension is wrapped in a linear map, so evaluation never
 * converts. A rule that did not pass checkRule may still fail here (unknown term, °C against mm):
 * that throws, naming the node, because compilePack only compiles checked rules.
 */
import type { Action, CompareOp, Condition, Expr, RuleAst, TermRef } from '../ast.ts';
import type { RuleEffect } from '../compiled-rule.ts';
import { inputKeyOf, type Glossary, type GlossaryTerm } from '../glossary.ts';
import { convert, durationMs, unitOf } from '../units.ts';
import type { ActionPlan, CondPlan, JsPlan, PlanCompareOp, ValuePlan, ValueType } from './plan-types.ts';

export interface PlanOptions {
  id: string;
  version: number;
  facts?: Record<string, number | boolean | string>;
}

const compareOps: Readonly<Record<CompareOp, PlanCompareOp>> = {
  reaches: '>=', atLeast: '>=', exceeds: '>', below: '<', atMost: '<=', equals: '==', differs: '!=',
};

/** `tooling.IMM-01.insertLifeShots` and `fact:tooling.IMM-01.insertLifeShots` name the same fact. */
export function factKey(name: string): string {
  return name.startsWith('fact:') ? name : `fact:${name}`;
}

interface Lowered {
  plan: ValuePlan;
  unit?: string;
}

class PlanBuilder {
  readonly inputs: string[] = [];
  readonly eventInputs: string[] = [];

  constructor(private readonly glossary: Glossary) {}

  term(ref: TermRef): GlossaryTerm {
    const term = this.glossary.terms.find((t) => t.id === ref.term);
    if (!term) throw new Error(`cannot compile: the rule names term "${ref.term}", which the glossary (version ${this.glossary.version}) does not define; run checkRule first`);
    return term;
  }

  private use(key: string, term: GlossaryTerm): void {
    if (!this.inputs.includes(key)) this.inputs.push(key);
    if (term.event && !this.eventInputs.includes(key)) this.eventInputs.push(key);
  }

  /** The unit an expression is naturally in: its first term's unit, else its first quantity's. */
  naturalUnit(expr: Expr): string | undefined {
    const termUnit = (e: Expr): string | undefined =>
      e.kind === 'term' ? this.term(e).unit : e.kind === 'arithmetic' ? termUnit(e.left) ?? termUnit(e.right) : undefined;
    const quantityUnit = (e: Expr): string | undefined =>
      e.kind === 'quantity' ? e.unit : e.kind === 'arithmetic' ? quantityUnit(e.left) ?? quantityUnit(e.right) : undefined;
    return termUnit(expr) ?? quantityUnit(expr);
  }

  /** `expr` as a plan whose value is in `want` (when both it and the expression have a unit). */
  value(expr: Expr, want?: string): Lowered {
    switch (expr.kind) {
      case 'quantity': {
        if (want && expr.unit && expr.unit !== want && convertible(expr.unit, want)) {
          return { plan: { kind: 'const', value: convert(expr.value, expr.unit, want), unit: want, written: `${expr.value} ${expr.unit}` }, unit: want };
        }
        this.ensureConvertible(expr.unit, want, `${expr.value} ${expr.unit ?? ''}`.trim());
        return { plan: { kind: 'const', value: expr.value, ...(expr.unit ? { unit: expr.unit } : {}) }, unit: expr.unit };
      }
      case 'boolean':
        return { plan: { kind: 'const', value: expr.value } };
      case 'term': {
        const term = this.term(expr);
        const key = inputKeyOf(term, expr.args);
        this.use(key, term);
        const plan: ValuePlan = { kind: 'input', key, type: term.type, ...(term.unit ? { unit: term.unit } : {}) };
        return this.toUnit({ plan, unit: term.unit }, want, key);
      }
      case 'arithmetic': {
        if (expr.op === '+' || expr.op === '-') {
          // Both sides of a sum are in one unit; the result is in it too.
          const unit = want ?? this.naturalUnit(expr);
          const left = this.value(expr.left, unit);
          const right = this.value(expr.right, unit);
          return { plan: { kind: 'arith', op: expr.op, left: left.plan, right: right.plan }, unit: left.unit ?? right.unit };
        }
        const left = this.value(expr.left);
        const right = this.value(expr.right);
        // 2 x 3 kg is 6 kg; kg / kg or kg x mm has no unit a rule can write, so it stays unitless.
        const unit = left.unit && !right.unit ? left.unit : !left.unit && right.unit && expr.op === '*' ? right.unit : undefined;
        return this.toUnit({ plan: { kind: 'arith', op: expr.op, left: left.plan, right: right.plan }, unit }, want, 'the product');
      }
    }
  }

  private toUnit(lowered: Lowered, want: string | undefined, what: string): Lowered {
    const from = lowered.unit;
    if (!want || !from || from === want) return lowered;
    this.ensureConvertible(from, want, what);
    const offset = convert(0, from, want);
    const factor = convert(1, from, want) - offset;
    return { plan: { kind: 'linear', of: lowered.plan, factor, offset, from, to: want }, unit: want };
  }

  private ensureConvertible(from: string | undefined, to: string | undefined, what: string): void {
    if (from && to && from !== to && !convertible(from, to)) {
      throw new Error(`cannot compile: ${what} is in ${from} but is compared with a value in ${to}; run checkRule first (it reports UNIT)`);
    }
  }

  condition(c: Condition, path: string): CondPlan {
    switch (c.kind) {
      case 'compare': {
        const unit = this.naturalUnit(c.left) ?? this.naturalUnit(c.right);
        return { kind: 'compare', op: compareOps[c.op], left: this.value(c.left, unit).plan, right: this.value(c.right, unit).plan };
      }
      case 'range': {
        const unit = this.naturalUnit(c.value) ?? this.naturalUnit(c.low) ?? this.naturalUnit(c.high);
        return { kind: 'range', outside: c.outside, value: this.value(c.value, unit).plan, low: this.value(c.low, unit).plan, high: this.value(c.high, unit).plan };
      }
      case 'is':
        return { kind: 'is', value: this.value(c.value).plan, expected: c.expected };
      case 'edge':
        return { kind: 'edge', edge: c.edge, of: this.condition(c.of, `${path}.0`), stateKey: path };
      case 'sustained': {
        const unit = c.duration.unit;
        if (!unit || unitOf(unit)?.dimension !== 'time') {
          throw new Error(`cannot compile: a duration needs a unit of time (s, min, h, d); found ${c.duration.value}${unit ? ` ${unit}` : ' without a unit'}`);
        }
        return { kind: 'sustained', of: this.condition(c.of, `${path}.0`), durationMs: durationMs(c.duration.value, unit), written: `${c.duration.value} ${unit}`, stateKey: path };
      }
      case 'streak':
        if (!Number.isInteger(c.days) || c.days < 1) throw new Error(`cannot compile: a streak needs a whole number of days >= 1; found ${c.days}`);
        return { kind: 'streak', of: this.condition(c.of, `${path}.0`), days: c.days, stateKey: path };
      case 'and':
      case 'or':
        return { kind: c.kind, items: c.items.map((item, i) => this.condition(item, `${path}.${i}`)) };
      case 'not':
        return { kind: 'not', of: this.condition(c.of, `${path}.0`) };
    }
  }

  action(a: Action): ActionPlan {
    const effect = (e: RuleEffect, releasable = false): ActionPlan => ({ kind: 'effect', effect: e, releasable });
    switch (a.kind) {
      case 'alert':
        return effect(a.message === undefined ? { kind: 'alert', role: a.role } : { kind: 'alert', role: a.role, message: a.message });
      case 'block':
        return effect({ kind: 'block', operation: a.operation, location: a.location }, true);
      case 'requestSparePart':
        return effect({ kind: 'requestSparePart', item: a.item, quantity: a.quantity });
      case 'reserve':
        return effect({ kind: 'reserve', station: a.station });
      case 'startApproval':
        return effect({ kind: 'startApproval', flow: a.flow });
      case 'recommend':
        return effect({ kind: 'recommend', recommendation: a.recommendation });
      case 'writeTag': {
        const term = this.term(a.target);
        if ('fact' in term.source) throw new Error(`cannot compile: "${term.id}" is a fact, not a tag; only tags can be written`);
        const fill = (s: string) => s.replace(/\{([^}]*)\}/g, (_, name: string) => a.target.args[name] ?? `{${name}}`);
        const value = this.value(a.value, term.unit).plan;
        return { kind: 'writeTag', device: fill(term.source.device), tag: fill(term.source.tag), type: term.type as ValueType, value };
      }
    }
  }
}

function convertible(from: string, to: string): boolean {
  const a = unitOf(from);
  const b = unitOf(to);
  return a !== undefined && b !== undefined && a.dimension === b.dimension;
}

/** The plan of a rule; the root condition's state path is "c", its children "c.0", "c.1", ... */
export function buildJsPlan(ast: RuleAst, glossary: Glossary, options: PlanOptions): JsPlan {
  const builder = new PlanBuilder(glossary);
  const condition = builder.condition(ast.condition, 'c');
  const actions = ast.actions.map((a) => builder.action(a));
  const facts: Record<string, number | boolean | string> = {};
  for (const [name, value] of Object.entries(options.facts ?? {})) {
    if (builder.inputs.includes(factKey(name))) facts[factKey(name)] = value;
  }
  return { id: options.id, version: options.version, inputs: builder.inputs, eventInputs: builder.eventInputs, facts, condition, actions };
}
