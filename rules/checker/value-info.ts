/**
 * What the checker knows about a value: its type and, for numbers, its dimension and unit. A
 * plain number written in the rule (`500`) takes the unit of what it is compared with, so it has
 * no dimension; a glossary term without a unit is a count (weld count, shots), so `1247 mm`
 * against it is refused while `1247 pieces` is not.
 */
import type { ArithmeticOp, Arithmetic, Expr } from '../ast.ts';
import { renderExpr } from '../render/render-rule.ts';
import { unitOf, type Dimension } from '../units.ts';
import { CheckContext, dimensionNoun, exampleNumber } from './check-context.ts';

export type ValueType = 'number' | 'boolean' | 'string' | 'unknown';

export interface ValueInfo {
  type: ValueType;
  /** undefined: a plain constant that fits any dimension; 'mixed': a product of dimensions the checker does not follow. */
  dimension?: Dimension | 'mixed';
  /** The unit the value is in, when it is a term or a quantity with one. */
  unit?: string;
}

const unknown: ValueInfo = { type: 'unknown', dimension: 'mixed' };

export function compatible(a: ValueInfo, b: ValueInfo): boolean {
  if (a.dimension === undefined || b.dimension === undefined) return true;
  if (a.dimension === 'mixed' || b.dimension === 'mixed') return true;
  return a.dimension === b.dimension;
}

type DimensionRule = (left: ValueInfo['dimension'], right: ValueInfo['dimension']) => ValueInfo['dimension'];

const dimensionless = (d: ValueInfo['dimension']) => d === undefined || d === 'count';

/** The dimension of a result; a count scales another quantity without changing its kind. */
const resultDimension: Readonly<Record<ArithmeticOp, DimensionRule>> = {
  '+': (l, r) => (l === undefined ? r : l),
  '-': (l, r) => (l === undefined ? r : l),
  '*': (l, r) => (dimensionless(l) ? (r ?? l) : dimensionless(r) ? l : 'mixed'),
  '/': (l, r) => (dimensionless(r) ? l : l === r ? undefined : 'mixed'),
};

const verb: Readonly<Record<ArithmeticOp, string>> = { '+': 'add', '-': 'subtract', '*': 'multiply', '/': 'divide' };
const opWord: Readonly<Record<ArithmeticOp, string>> = { '+': 'plus', '-': 'minus', '*': 'times', '/': 'divided by' };

/** `the temperature of shelf B12 is in °C`, `"1.8 mm" is a length`, `the weld gun G1 weld count is a plain count`. */
export function describeValue(ctx: CheckContext, expr: Expr, info: ValueInfo): string {
  if (expr.kind === 'term') {
    const name = ctx.describeTerm(expr);
    if (info.type !== 'number') return `${name} is a ${info.type}`;
    return info.unit === undefined ? `${name} is a plain count without a unit` : `${name} is in ${info.unit}`;
  }
  const text = `"${renderExpr(expr, ctx.glossary, 'en')}"`;
  if (info.type !== 'number') return `${text} is a ${info.type}`;
  if (info.dimension === undefined || info.dimension === 'mixed') return `${text} is a plain number`;
  return `${text} is ${dimensionNoun[info.dimension]}`;
}

/** What would fit beside `reference`: noun `a temperature`, example `8 °C`. */
export function fitting(reference: ValueInfo): { noun: string; example: string } {
  const dimension = reference.dimension;
  if (dimension === undefined || dimension === 'mixed' || (dimension === 'count' && reference.unit === undefined)) {
    return { noun: 'a plain number', example: '10' };
  }
  const unit = reference.unit ?? unitsByDimension[dimension];
  return { noun: dimensionNoun[dimension], example: `${exampleNumber[dimension]} ${unit}` };
}

const unitsByDimension: Readonly<Record<Dimension, string>> = {
  temperature: '°C', length: 'mm', mass: 'kg', time: 'min', count: 'pieces', ratio: '%', current: 'kA', pressure: 'bar',
};

/** Type and dimension of `expr`, reporting TYPE and UNIT problems inside arithmetic. */
export function infoOf(ctx: CheckContext, expr: Expr): ValueInfo {
  switch (expr.kind) {
    case 'boolean':
      return { type: 'boolean' };
    case 'quantity': {
      if (expr.unit === undefined) return { type: 'number' };
      const def = unitOf(expr.unit);
      if (!def) {
        ctx.report('UNIT', `unknown unit "${expr.unit}"; expected a unit of rules/units.ts such as °C, mm, kg, min or d`, expr);
        return unknown;
      }
      return { type: 'number', dimension: def.dimension, unit: expr.unit };
    }
    case 'term': {
      const term = ctx.term(expr);
      if (!term) {
        ctx.report('UNKNOWN_TERM', `unknown term id "${expr.term}"; expected one of the glossary's term ids (${ctx.glossary.terms.map((t) => t.id).join(', ')})`, expr);
        return unknown;
      }
      if (term.type !== 'number') return { type: term.type };
      if (term.unit === undefined) return { type: 'number', dimension: 'count' };
      return { type: 'number', dimension: unitOf(term.unit)?.dimension ?? 'mixed', unit: term.unit };
    }
    case 'arithmetic':
      return arithmeticInfo(ctx, expr);
  }
}

function arithmeticInfo(ctx: CheckContext, expr: Arithmetic): ValueInfo {
  const left = infoOf(ctx, expr.left);
  const right = infoOf(ctx, expr.right);
  for (const [side, info] of [[expr.left, left], [expr.right, right]] as const) {
    if (info.type === 'boolean' || info.type === 'string') {
      ctx.report('TYPE', `"${opWord[expr.op]}" needs numbers but ${describeValue(ctx, side, info)}; use a number term or a number there`, side, expr);
      return unknown;
    }
  }
  if (left.type === 'unknown' || right.type === 'unknown') return unknown;
  if ((expr.op === '+' || expr.op === '-') && !compatible(left, right)) {
    const [offender, offenderInfo, reference, referenceInfo] = expr.right.kind === 'term' && expr.left.kind !== 'term'
      ? [expr.left, left, expr.right, right] as const
      : [expr.right, right, expr.left, left] as const;
    ctx.report('UNIT', `${describeValue(ctx, offender, offenderInfo)} but ${describeValue(ctx, reference, referenceInfo)}; ${verb[expr.op]} only values of one kind, such as ${fitting(referenceInfo).example}`, offender, expr);
    return unknown;
  }
  const dimension = resultDimension[expr.op](left.dimension, right.dimension);
  const unit = dimension === left.dimension ? left.unit : dimension === right.dimension ? right.unit : undefined;
  return unit === undefined ? { type: 'number', dimension } : { type: 'number', dimension, unit };
}
