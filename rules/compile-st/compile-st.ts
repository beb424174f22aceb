/**
 * AST -> one IEC 61131-3 2nd edition (2003) Structured Text FUNCTION_BLOCK, for sites that want a
 * rule to run in the PLC itself. Only standard elementary types and standard function blocks
 * (2.5.2.3): TON for `sustained` (2.5.2.3.4), R_TRIG / F_TRIG for edges and for firing on the
 * rising edge of the whole condition (2.5.2.3.2), CTU for counting the days of a streak
 * (2.5.2.3.3). No implicit conversions exist in that edition, so every number is an LREAL and
 * every constant an LREAL literal already converted (rules/units.ts) into the unit the term's
 * source delivers. docs/structured-text.md describes the interface; validate-st.ts checks the
 * output independently.
 *
 * Semantics match the JS evaluator (rules/compile-js): conditions are three-valued, each compiled
 * to a pair of BOOL expressions (known true, known false); an input whose `_OK` flag is FALSE is
 * unknown, and an unknown whole condition neither fires, nor releases a block, nor moves the edge
 * memory. Fire-once outputs pulse for one call on the rising edge of the condition (and on every
 * new value of an event term while it holds); a block output is a level that follows the known
 * condition.
 */
import type { Action, Condition, Expr, RuleAst, TermRef } from '../ast.ts';
import { inputKeyOf, type Glossary, type GlossaryTerm } from '../glossary.ts';
import { convert, durationMs, unitOf } from '../units.ts';
import { commentText, realOperand, timeLiteral } from './st-literals.ts';
import { StNameAllocator } from './st-names.ts';

export { stIdentifier } from './st-names.ts';

type StType = 'LREAL' | 'BOOL' | 'STRING';
const stTypeOf: Readonly<Record<GlossaryTerm['type'], StType>> = { number: 'LREAL', boolean: 'BOOL', string: 'STRING' };

/** Each comparison with its opposite (numbers are never NaN here: a non-finite value is a bad input). */
const compareOperators: Readonly<Record<string, readonly [string, string]>> = {
  reaches: ['>=', '<'], atLeast: ['>=', '<'], exceeds: ['>', '<='], below: ['<', '>='], atMost: ['<=', '>'], equals: ['=', '<>'], differs: ['<>', '='],
};

/** A condition in three-valued logic: known to hold (`t`), known not to hold (`f`), or neither (unknown). */
interface Truth {
  t: string;
  f: string;
}

interface StInput {
  key: string;
  name: string;
  type: StType;
  /** `X_NEW`, TRUE in the call that brings a new value of an event term. */
  event: boolean;
  comment: string;
}

interface StExpr {
  code: string;
  type: StType;
  /** `_OK` flags of the inputs the expression reads, in first-use order. */
  oks: string[];
}

interface ActionEmitter {
  /** Statements inside `IF CONDITION_KNOWN` (levels follow the known condition). */
  level?: (condition: string) => void;
  /** Statements after it (pulses follow FIRE). */
  pulse?: (fire: string) => void;
}

interface StOutput {
  name: string;
  type: StType;
  comment: string;
}

/** One FUNCTION_BLOCK for `ast`, named `options.name` made into a standard identifier. */
export function compileSt(ast: RuleAst, glossary: Glossary, options: { name: string }): string {
  return new StCompiler(glossary).compile(ast, options.name);
}

class StCompiler {
  private readonly names = new StNameAllocator();
  private readonly inputs = new Map<string, StInput>();
  private readonly outputs: StOutput[] = [];
  private readonly locals: Array<{ name: string; type: string; comment?: string }> = [];
  private readonly body: string[] = [];
  private readonly counters = new Map<string, number>();
  private dayNumber: string | undefined;

  constructor(private readonly glossary: Glossary) {}

  compile(ast: RuleAst, name: string): string {
    const fbName = this.names.take(name);
    this.declareInputs(ast);
    const actions = ast.actions.map((action) => this.declareAction(action));
    const conditionVar = this.local('CONDITION', 'BOOL', 'the whole condition holds, this call');
    const known = this.local('CONDITION_KNOWN', 'BOOL', 'the whole condition is known (no bad input decides it)');
    const trigger = this.local('FIRE_TRIG', 'R_TRIG', 'rising edge of the condition');
    const fire = this.local('FIRE', 'BOOL', 'TRUE for the one call in which fire-once actions run');

    const condition = this.condition(ast.condition);
    this.body.push(`${conditionVar} := ${condition.t};`, `${known} := ${conditionVar} OR ${condition.f};`);
    const events = [...this.inputs.values()].filter((i) => i.event).map((i) => `${i.name}_NEW`);
    // An unknown condition neither fires nor releases a block, and leaves the edge memory alone.
    this.body.push(`IF ${known} THEN`, `  ${trigger}(CLK := ${conditionVar});`);
    // An event term (a scan) decides afresh on every new value, not only on the rising edge.
    this.body.push(events.length === 0 ? `  ${fire} := ${trigger}.Q;` : `  ${fire} := ${trigger}.Q OR (${conditionVar} AND (${events.join(' OR ')}));`);
    for (const emit of actions) emit.level?.(conditionVar);
    this.body.push('ELSE', `  ${fire} := FALSE;`, 'END_IF;');
    for (const emit of actions) emit.pulse?.(fire);
    return this.render(fbName);
  }

  // ---- interface ----------------------------------------------------------------------------

  private declareInputs(ast: RuleAst): void {
    const visitExpr = (expr: Expr): void => {
      if (expr.kind === 'term') this.input(expr);
      else if (expr.kind === 'arithmetic') { visitExpr(expr.left); visitExpr(expr.right); }
    };
    const visit = (c: Condition): void => {
      switch (c.kind) {
        case 'compare': visitExpr(c.left); visitExpr(c.right); return;
        case 'range': visitExpr(c.value); visitExpr(c.low); visitExpr(c.high); return;
        case 'is': visitExpr(c.value); return;
        case 'and': case 'or': c.items.forEach(visit); return;
        case 'streak':
          this.dayNumber ??= this.names.take('DAY_NUMBER');
          visit(c.of);
          return;
        default: visit(c.of);
      }
    };
    visit(ast.condition);
    for (const action of ast.actions) if (action.kind === 'writeTag') visitExpr(action.value);
  }

  private termOf(ref: TermRef): GlossaryTerm {
    const term = this.glossary.terms.find((t) => t.id === ref.term);
    if (!term) throw new Error(`compileSt: unknown term "${ref.term}"; check the rule (checkRule) before compiling it`);
    return term;
  }

  /** The base name of a term: its id without the words naming its parameters, then the values (TEMPERATURE_B12). */
  private termName(ref: TermRef): string {
    const params = Object.keys(ref.args).sort();
    const words = ref.term.split('-').filter((w) => !params.includes(w));
    return [...(words.length > 0 ? words : [ref.term]), ...params.map((p) => ref.args[p]!)].join('_');
  }

  private input(ref: TermRef): StInput {
    const term = this.termOf(ref);
    const key = inputKeyOf(term, ref.args);
    let input = this.inputs.get(key);
    if (!input) {
      const unit = term.unit ? ` [${term.unit}]` : '';
      input = {
        key,
        name: this.names.take(this.termName(ref), term.event ? ['_OK', '_NEW'] : ['_OK']),
        type: stTypeOf[term.type],
        event: term.event,
        comment: `${key}${unit}, term ${ref.term}`,
      };
      this.inputs.set(key, input);
    }
    return input;
  }

  private output(base: string, type: StType, comment: string, companions: readonly string[] = []): string {
    const name = this.names.take(base, companions);
    this.outputs.push({ name, type, comment });
    return name;
  }

  private local(base: string, type: string, comment?: string): string {
    const name = this.names.take(base);
    this.locals.push(comment === undefined ? { name, type } : { name, type, comment });
    return name;
  }

  /** Declares the action's outputs; returns what drives them, emitted after the condition. */
  private declareAction(action: Action): ActionEmitter {
    const pulse = (base: string, meaning: string): ActionEmitter => {
      const name = this.output(base, 'BOOL', `pulse: ${meaning}`);
      return { pulse: (fire) => { this.body.push(`${name} := ${fire};`); } };
    };
    switch (action.kind) {
      case 'alert': return pulse(`ALERT_${action.role}`, `alert ${action.role}${action.message === undefined ? '' : ` "${action.message}"`}`);
      case 'requestSparePart': return pulse(`REQUEST_SPARE_PART_${action.item}`, `request ${action.quantity} x spare part ${action.item}`);
      case 'reserve': return pulse(`RESERVE_STATION_${action.station}`, `reserve station ${action.station}`);
      case 'startApproval': return pulse(`START_APPROVAL_${action.flow}`, `start approval ${action.flow}`);
      case 'recommend': return pulse(`RECOMMEND_${action.recommendation}`, `recommend ${action.recommendation}`);
      case 'block': {
        const name = this.output(`BLOCK_${action.operation}_${action.location}`, 'BOOL', `level: block ${action.operation} at ${action.location} while TRUE`);
        return { level: (condition) => { this.body.push(`  ${name} := ${condition};`); } };
      }
      case 'writeTag': {
        const term = this.termOf(action.target);
        const key = inputKeyOf(term, action.target.args);
        const name = this.names.take(`SET_${this.termName(action.target)}`, ['_VALUE']);
        const valueName = `${name}_VALUE`;
        this.outputs.push({ name, type: 'BOOL', comment: `pulse: write ${valueName} to ${key}` });
        this.outputs.push({ name: valueName, type: stTypeOf[term.type], comment: `value to write to ${key}${term.unit ? ` [${term.unit}]` : ''}` });
        return {
          pulse: (fire) => {
            const value = this.expr(action.value, term.unit);
            // Latched when the write fires; a value over a bad input is not written (nothing beats a guess).
            const ok = value.oks.length === 0 ? fire : `${fire} AND ${value.oks.join(' AND ')}`;
            this.body.push(`IF ${ok} THEN`, `  ${valueName} := ${value.code};`, `  ${name} := TRUE;`, 'ELSE', `  ${name} := FALSE;`, 'END_IF;');
          },
        };
      }
    }
  }

  // ---- expressions and conditions ----------------------------------------------------------

  /** The unit the first term of `expr` delivers: constants beside it are converted into it. */
  private unitOfExpr(expr: Expr): string | undefined {
    if (expr.kind === 'term') return this.termOf(expr).unit;
    if (expr.kind === 'arithmetic') return this.unitOfExpr(expr.left) ?? (expr.op === '+' || expr.op === '-' ? this.unitOfExpr(expr.right) : undefined);
    return undefined;
  }

  private expr(expr: Expr, unit: string | undefined): StExpr {
    switch (expr.kind) {
      case 'term': {
        const input = this.input(expr);
        return { code: input.name, type: input.type, oks: [`${input.name}_OK`] };
      }
      case 'boolean': return { code: expr.value ? 'TRUE' : 'FALSE', type: 'BOOL', oks: [] };
      case 'quantity': {
        const from = expr.unit;
        const sameDimension = from !== undefined && unit !== undefined && unitOf(from)?.dimension === unitOf(unit)?.dimension;
        return { code: realOperand(sameDimension ? convert(expr.value, from, unit) : expr.value), type: 'LREAL', oks: [] };
      }
      case 'arithmetic': {
        const left = this.expr(expr.left, unit);
        // A factor or divisor is a plain number: it keeps no unit of its own.
        const right = this.expr(expr.right, expr.op === '+' || expr.op === '-' ? unit : undefined);
        return { code: `(${left.code} ${expr.op} ${right.code})`, type: 'LREAL', oks: union(left.oks, right.oks) };
      }
    }
  }

  /**
   * A condition as two BOOL expressions, `t` (known to hold) and `f` (known not to hold): Kleene
   * logic as in the JS evaluator, so a bad input makes an atom neither (unknown), `not` swaps
   * them, and `and` / `or` decide as soon as one item does.
   */
  private condition(c: Condition): Truth {
    switch (c.kind) {
      case 'compare': {
        const unit = this.unitOfExpr(c.left) ?? this.unitOfExpr(c.right) ?? quantityUnit(c.left);
        const left = this.expr(c.left, unit);
        const right = this.expr(c.right, unit);
        const oks = union(left.oks, right.oks);
        const [op, opposite] = compareOperators[c.op]!;
        return { t: guard(oks, `${left.code} ${op} ${right.code}`), f: guard(oks, `${left.code} ${opposite} ${right.code}`) };
      }
      case 'range': {
        const unit = this.unitOfExpr(c.value);
        const [value, low, high] = [this.expr(c.value, unit), this.expr(c.low, unit), this.expr(c.high, unit)];
        const oks = union(value.oks, low.oks, high.oks);
        const inside = `${value.code} >= ${low.code} AND ${value.code} <= ${high.code}`;
        const outside = `(${value.code} < ${low.code} OR ${value.code} > ${high.code})`;
        return c.outside ? { t: guard(oks, outside), f: guard(oks, inside) } : { t: guard(oks, inside), f: guard(oks, outside) };
      }
      case 'is': {
        const value = this.expr(c.value, undefined);
        const [yes, no] = [value.code, `NOT ${value.code}`];
        return c.expected ? { t: guard(value.oks, yes), f: guard(value.oks, no) } : { t: guard(value.oks, no), f: guard(value.oks, yes) };
      }
      case 'and': case 'or': {
        const items = c.items.map((item) => this.condition(item));
        const t = `(${items.map((i) => i.t).join(c.kind === 'and' ? ' AND ' : ' OR ')})`;
        const f = `(${items.map((i) => i.f).join(c.kind === 'and' ? ' OR ' : ' AND ')})`;
        return { t, f };
      }
      case 'not': {
        const inner = this.condition(c.of);
        return { t: inner.f, f: inner.t };
      }
      case 'edge': {
        // An unknown reading leaves the edge memory alone: the trigger is called only when `of` is known.
        const base = this.numbered(c.edge === 'rising' ? 'RISE' : 'FALL');
        const instance = this.local(base, c.edge === 'rising' ? 'R_TRIG' : 'F_TRIG', `${c.edge} edge`);
        const known = this.local(`${base}_KNOWN`, 'BOOL', 'the watched condition is known this call');
        const of = this.condition(c.of);
        this.body.push(`${known} := ${of.t} OR ${of.f};`, `IF ${known} THEN`, `  ${instance}(CLK := ${of.t});`, 'END_IF;');
        return { t: `(${known} AND ${instance}.Q)`, f: `(${known} AND NOT ${instance}.Q)` };
      }
      case 'sustained': {
        if (c.duration.unit === undefined) throw new Error('compileSt: a sustained condition needs a duration with a time unit (s, min, h, d)');
        // TON.Q is TRUE once IN has been TRUE for PT; IN going FALSE (or unknown) resets it (2.5.2.3.4).
        const base = this.numbered('SUSTAINED');
        const instance = this.local(base, 'TON', `held for ${c.duration.value} ${c.duration.unit}`);
        const holding = this.local(`${base}_IN`, 'BOOL', 'the held condition, this call');
        const of = this.condition(c.of);
        this.body.push(`${holding} := ${of.t};`, `${instance}(IN := ${holding}, PT := ${timeLiteral(durationMs(c.duration.value, c.duration.unit))});`);
        return { t: `${instance}.Q`, f: `(${of.f} OR (${holding} AND NOT ${instance}.Q))` };
      }
      case 'streak': return this.streak(c.of, c.days);
    }
  }

  /**
   * `of` held at some time on each of `days` consecutive UTC days. CTU counts the days; a day
   * that is not the one after the last counted day restarts the count at 1. The CTU is first
   * called with CU FALSE so that two counting calls on adjacent days still see a rising edge.
   */
  private streak(of: Condition, days: number): Truth {
    if (!Number.isInteger(days) || days < 1 || days > 32767) throw new Error(`compileSt: a streak of ${days} days cannot be counted by CTU (PV is an INT); expected 1 to 32767`);
    const base = this.numbered('STREAK');
    const counter = this.local(base, 'CTU', `days in a row the condition held (${days} needed)`);
    const now = this.local(`${base}_NOW`, 'BOOL', 'the condition holds this call');
    const seen = this.local(`${base}_SEEN`, 'BOOL', 'a day has been counted');
    const lastDay = this.local(`${base}_LAST_DAY`, 'DINT', 'DAY_NUMBER of the last counted day');
    const holds = this.local(`${base}_HOLDS`, 'BOOL', 'streak complete and held today');
    const day = this.dayNumber!;
    const inner = this.condition(of);
    this.body.push(
      `${now} := ${inner.t};`,
      `${counter}(CU := FALSE, R := FALSE, PV := ${days});`,
      `IF ${now} AND NOT (${seen} AND ${lastDay} = ${day}) THEN`,
      `  IF NOT (${seen} AND ${day} = ${lastDay} + 1) THEN`,
      `    ${counter}(CU := FALSE, R := TRUE, PV := ${days});`,
      '  END_IF;',
      `  ${counter}(CU := TRUE, R := FALSE, PV := ${days});`,
      `  ${lastDay} := ${day};`,
      `  ${seen} := TRUE;`,
      'END_IF;',
      `${holds} := ${counter}.Q AND ${seen} AND ${lastDay} = ${day};`,
    );
    return { t: holds, f: `(NOT ${holds} AND ${inner.f})` };
  }

  private numbered(kind: string): string {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return `${kind}_${n}`;
  }

  // ---- text ---------------------------------------------------------------------------------

  private render(fbName: string): string {
    const pad = (names: string[]) => Math.max(0, ...names.map((n) => n.length));
    const lines: string[] = [`FUNCTION_BLOCK ${fbName}`];
    lines.push(
      '(* Generated by edgestock from a process rule (rules/compile-st); regenerate, do not edit.',
      '   IEC 61131-3 2nd edition Structured Text. Call once per PLC cycle; set each input\'s _OK',
      '   flag FALSE while its value is bad or missing.',
      '   Outputs:',
      ...this.outputs.map((o) => `     ${o.name} - ${commentText(o.comment)}`),
    );
    lines[lines.length - 1] += ' *)';
    const inputLines: Array<[string, string, string?]> = [];
    for (const input of this.inputs.values()) {
      inputLines.push([input.name, input.type, commentText(input.comment)]);
      inputLines.push([`${input.name}_OK`, 'BOOL', 'TRUE while the value is good']);
      if (input.event) inputLines.push([`${input.name}_NEW`, 'BOOL', 'TRUE in the call that brings a new value']);
    }
    if (this.dayNumber) inputLines.push([this.dayNumber, 'DINT', 'days since 1970-01-01 UTC']);
    const block = (keyword: string, entries: Array<[string, string, string?]>) => {
      if (entries.length === 0) return;
      const width = pad(entries.map(([n]) => n));
      lines.push(keyword);
      for (const [name, type, comment] of entries) lines.push(`  ${name.padEnd(width)} : ${type};${comment ? ` (* ${comment} *)` : ''}`);
      lines.push('END_VAR');
    };
    block('VAR_INPUT', inputLines);
    block('VAR_OUTPUT', this.outputs.map((o) => [o.name, o.type]));
    block('VAR', this.locals.map((l) => [l.name, l.type, l.comment === undefined ? undefined : commentText(l.comment)]));
    lines.push('', ...this.body, 'END_FUNCTION_BLOCK', '');
    return lines.join('\n');
  }
}

function union(...lists: string[][]): string[] {
  return [...new Set(lists.flat())];
}

/** `(A_OK AND B_OK AND test)`, or the test alone when it reads no input. */
function guard(oks: string[], test: string): string {
  return oks.length === 0 ? `(${test})` : `(${[...oks, test].join(' AND ')})`;
}

function quantityUnit(expr: Expr): string | undefined {
  return expr.kind === 'quantity' ? expr.unit : undefined;
}
