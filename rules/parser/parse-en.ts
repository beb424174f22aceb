/**
 * The English surface (docs/rule-language.md): `When <condition>, <action>[, <action>]* [and
 * <action>].` Precedence, loosest first: or, and, not, then `for <time>` / `on N consecutive
 * days` (binding to the comparison just before), then a comparison or a parenthesised condition.
 */
import { AST_VERSION, type Action, type CompareOp, type Condition, type Expr, type RuleAst } from '../ast.ts';
import { findTermById, stateWords } from './states.ts';
import type { GlossaryIndex } from './glossary-index.ts';
import { enKeywords } from './keywords.ts';
import type { Token } from './lexer.ts';
import { ParserCore, SyntaxAbort } from './parser-core.ts';
import type { SourceText } from './source-text.ts';

/** `is <word>` comparisons, and what `is not <word>` means instead (undefined: not allowed). */
const isComparisons: Readonly<Record<string, { op: CompareOp; negated?: CompareOp; then?: string }>> = {
  above: { op: 'exceeds', negated: 'atMost' },
  below: { op: 'below', negated: 'atLeast' },
  more: { op: 'exceeds', then: 'than' },
  greater: { op: 'exceeds', then: 'than' },
  less: { op: 'below', then: 'than' },
  fewer: { op: 'below', then: 'than' },
};

const comparisonHint = 'a comparison such as "reaches", "is at least" or "is between"';

export class EnglishParser extends ParserCore {
  constructor(tokens: readonly Token[], source: SourceText, index: GlossaryIndex) {
    super(tokens, source, index, 'en', { additive: { plus: '+', minus: '-' }, multiplicative: { times: '*', divided: '/' } });
  }

  protected booleanWord(token: Token | undefined): boolean | undefined {
    const w = this.word(token);
    return w === 'true' ? true : w === 'false' ? false : undefined;
  }

  protected phrasePart(token: Token | undefined): boolean {
    if (!token) return false;
    return token.kind === 'term' || (token.kind === 'word' && !enKeywords.has(token.image.toLowerCase()));
  }

  rule(): RuleAst {
    const first = this.peek();
    this.expectWord('"When" at the start of the rule', 'when');
    const condition = this.condition();
    if (!this.isPunct(this.peek(), ',', '，')) this.fail(`"," after the condition "${this.textOf(condition.at!)}"`);
    this.next();
    const actions = [this.action()];
    for (;;) {
      const token = this.peek();
      if (this.isPunct(token, '.', '。')) {
        this.next();
        if (this.peek() !== undefined) this.fail('the end of the rule after its full stop');
        break;
      }
      if (token === undefined) break;
      if (this.isPunct(token, ',', '，', ';', '；')) {
        this.next();
        if (this.isWord(this.peek(), 'and')) this.next();
      } else if (this.isWord(token, 'and')) {
        this.next();
      } else {
        this.fail('"," or "and" before another action, or "." at the end of the rule');
      }
      actions.push(this.action());
    }
    return { astVersion: AST_VERSION, condition, actions, at: this.spanFrom(first!) };
  }

  // ---- conditions ------------------------------------------------------------------------

  private condition(): Condition {
    return this.logical('or', () => this.logical('and', () => this.negation()));
  }

  private logical(kind: 'and' | 'or', item: () => Condition): Condition {
    const first = this.peek();
    const items = [item()];
    while (this.isWord(this.peek(), kind)) {
      this.next();
      items.push(item());
    }
    return items.length === 1 ? items[0]! : { kind, items, at: this.spanFrom(first!) };
  }

  private negation(): Condition {
    const first = this.peek();
    if (!this.isWord(first, 'not')) return this.postfix();
    this.next();
    return this.nested(() => ({ kind: 'not', of: this.negation(), at: this.spanFrom(first!) }));
  }

  /** `<cond> for 5 minutes`, `<cond> on 3 consecutive days`. */
  private postfix(): Condition {
    const first = this.peek()!;
    let condition = this.primary();
    for (;;) {
      if (this.isWord(this.peek(), 'for') && this.peek(1)?.kind === 'number') {
        this.next();
        const duration = this.quantity();
        condition = { kind: 'sustained', of: condition, duration, at: this.spanFrom(first) };
      } else if (this.isWord(this.peek(), 'on') && this.peek(1)?.kind === 'number') {
        this.next();
        const { value } = this.count('days');
        this.expectWord('"consecutive days"', 'consecutive');
        this.expectWord('"days" after "consecutive"', 'days', 'day');
        condition = { kind: 'streak', of: condition, days: value, at: this.spanFrom(first) };
      } else {
        return condition;
      }
    }
  }

  /**
   * `( ... )` opens either a condition or a value (`(a minus b) is at most 5`): try the condition,
   * and fall back to a comparison when that fails or a comparison word follows the `)`.
   */
  private primary(): Condition {
    const open = this.peek();
    if (!this.isPunct(open, '(', '（')) return this.comparison();
    const group = this.attempt(() => this.nested(() => {
      this.next();
      const inner = this.condition();
      if (!this.isPunct(this.peek(), ')', '）')) this.fail(`")" to close the "(" at ${this.spanOf(open!).line}:${this.spanOf(open!).col}`);
      this.next();
      if (this.continuesValue(this.peek())) this.fail(comparisonHint);
      return inner;
    }));
    if (group.ok) {
      const edge = this.isWord(this.peek(), 'starts') ? 'rising' : this.isWord(this.peek(), 'stops') ? 'falling' : undefined;
      if (!edge) return group.value;
      this.next();
      return { kind: 'edge', edge, of: group.value, at: this.spanFrom(open!) };
    }
    const comparison = this.attempt(() => this.comparison());
    if (comparison.ok) return comparison.value;
    const further = comparison.problem.offset >= group.problem.offset ? comparison.problem : group.problem;
    throw new SyntaxAbort(further);
  }

  private continuesValue(token: Token | undefined): boolean {
    return this.isWord(token, 'is', 'has', 'reaches', 'exceeds', 'equals', 'becomes', 'plus', 'minus', 'times', 'divided');
  }

  private comparison(): Condition {
    const first = this.peek()!;
    const left = this.expr();
    const token = this.peek();
    const w = this.word(token);
    const compare = (op: CompareOp): Condition => {
      const right = this.expr();
      return { kind: 'compare', op, left, right, at: this.spanFrom(first) };
    };
    const is = (expected: boolean): Condition => ({ kind: 'is', value: left, expected, at: this.spanFrom(first) });
    switch (w) {
      case 'reaches': this.next(); return compare('reaches');
      case 'exceeds': this.next(); return compare('exceeds');
      case 'equals': this.next(); return compare('equals');
      case 'has':
        this.next();
        this.expectWord('"fewer than" after "has"', 'fewer');
        this.expectWord('"than" after "fewer"', 'than');
        return compare('below');
      case 'starts':
      case 'stops':
        this.next();
        return { kind: 'edge', edge: w === 'starts' ? 'rising' : 'falling', of: is(true), at: this.spanFrom(first) };
      case 'becomes': {
        this.next();
        const state = this.state(left);
        if (state === undefined) this.fail(`a state such as ${this.stateHint(left)} after "becomes"`);
        return { kind: 'edge', edge: 'rising', of: is(state), at: this.spanFrom(first) };
      }
      case 'is':
        this.next();
        return this.afterIs(first, left);
      default:
        return this.fail(`${comparisonHint} after "${this.textOf(left.at!)}"`);
    }
  }

  private afterIs(first: Token, left: Expr): Condition {
    const negated = this.isWord(this.peek(), 'not');
    if (negated) this.next();
    const compare = (op: CompareOp): Condition => ({ kind: 'compare', op, left, right: this.expr(), at: this.spanFrom(first) });
    const w = this.word(this.peek());
    if (w === 'at' && !negated) {
      this.next();
      const which = this.expectWord('"least" or "most" after "is at"', 'least', 'most');
      return compare(this.word(which) === 'least' ? 'atLeast' : 'atMost');
    }
    const table = w !== undefined ? isComparisons[w] : undefined;
    if (table && (!negated || table.negated)) {
      this.next();
      if (table.then) this.expectWord(`"${table.then}" after "${w}"`, table.then);
      return compare(negated ? table.negated ?? table.op : table.op);
    }
    if (w === 'between' || w === 'outside') {
      this.next();
      const low = this.expr();
      this.expectWord(`"and" or "to" between the ends of the range`, 'and', 'to');
      const high = this.expr();
      shareUnit(low, high);
      return { kind: 'range', outside: (w === 'outside') !== negated, value: left, low, high, at: this.spanFrom(first) };
    }
    const state = this.state(left);
    if (state !== undefined) return { kind: 'is', value: left, expected: state !== negated, at: this.spanFrom(first) };
    if (this.peek() === undefined || this.isPunct(this.peek(), ',', '，', '.', '。') || (this.peek()?.kind === 'word' && enKeywords.has(w!))) {
      this.fail(`a value, "at least", "between" or a state such as ${this.stateHint(left)} after "is${negated ? ' not' : ''}"`);
    }
    return compare(negated ? 'differs' : 'equals');
  }

  /** A state word of the term (`open`/`closed`), or true/false/on/off; consumed when found. */
  private state(subject: Expr): boolean | undefined {
    const w = this.word(this.peek());
    if (w === undefined) return undefined;
    const words = stateWords(subject.kind === 'term' ? findTermById(this.index.glossary, subject.term) : undefined, 'en');
    const value = words.get(w);
    if (value !== undefined) this.next();
    return value;
  }

  private stateHint(subject: Expr): string {
    const term = subject.kind === 'term' ? findTermById(this.index.glossary, subject.term) : undefined;
    const [yes, no] = term?.states?.en ?? ['true', 'false'];
    return `"${yes}" or "${no}"`;
  }

  // ---- actions ---------------------------------------------------------------------------

  private action(): Action {
    const first = this.peek();
    const w = this.word(first);
    switch (w) {
      case 'alert': {
        this.next();
        const role = this.nameHere('roles');
        if (!role) this.fail('a role to alert such as "QA" after "alert"');
        const message = this.peek();
        if (message?.kind === 'quoted') {
          this.next();
          return { kind: 'alert', role: role.id, message: message.text ?? '', at: this.spanFrom(first!) };
        }
        return { kind: 'alert', role: role.id, at: this.spanFrom(first!) };
      }
      case 'block': {
        this.next();
        const operation = this.nameHere('operations');
        if (!operation) this.fail('an operation to block such as "put-away" after "block"');
        if (this.isWord(this.peek(), 'at')) {
          this.next();
          const place = this.peek();
          if (place?.kind !== 'word' && place?.kind !== 'number') this.fail('a location such as "B12" after "at"');
          this.next();
          return { kind: 'block', operation: operation.id, location: this.place('location', place), at: this.spanFrom(first!) };
        }
        const action: Action = { kind: 'block', operation: operation.id, location: '', at: this.spanFrom(first!) };
        this.pending.blocks.push({ action, written: this.textOf(operation.at), at: action.at! });
        return action;
      }
      case 'request': {
        this.next();
        const quantity = this.peek()?.kind === 'number' ? this.count('spare parts').value : 1;
        if (this.peek()?.kind === 'unit' && this.peek()?.unit === 'count') this.next();
        this.expectWord('"spare part" after "request"', 'spare');
        this.expectWord('"part" after "spare"', 'part', 'parts');
        const item = this.nameHere('items');
        if (!item) this.fail('the part to request in quotes, e.g. "electrode cap"');
        return { kind: 'requestSparePart', item: item.id, quantity, at: this.spanFrom(first!) };
      }
      case 'reserve': {
        this.next();
        this.expectWord('"station" after "reserve"', 'station');
        const station = this.peek();
        if (station?.kind !== 'word' && station?.kind !== 'number') this.fail('a station such as "W3" after "reserve station"');
        this.next();
        return { kind: 'reserve', station: this.place('station', station), at: this.spanFrom(first!) };
      }
      case 'start': {
        this.next();
        this.expectWord('"approval" after "start"', 'approval');
        const flow = this.nameHere('flows');
        if (!flow) this.fail('the approval flow in quotes, e.g. "re-melt"');
        return { kind: 'startApproval', flow: flow.id, at: this.spanFrom(first!) };
      }
      case 'recommend': {
        this.next();
        const recommendation = this.nameHere('recommendations');
        if (!recommendation) this.fail('the recommendation in quotes, e.g. "ship first"');
        return { kind: 'recommend', recommendation: recommendation.id, at: this.spanFrom(first!) };
      }
      case 'set': {
        this.next();
        const target = this.term();
        if (!target) this.fail('a glossary term to set after "set"');
        this.expectWord(`"to" after "set ${this.textOf(target.at!)}"`, 'to');
        const value = this.expr();
        return { kind: 'writeTag', target, value, at: this.spanFrom(first!) };
      }
      default:
        return this.fail('an action: alert, block, request spare part, reserve station, start approval, set or recommend');
    }
  }
}

/** `between 2 and 8 °C`: a unit written once after a range applies to both ends. */
export function shareUnit(low: Expr, high: Expr): void {
  if (low.kind === 'quantity' && high.kind === 'quantity' && low.unit === undefined && high.unit !== undefined) low.unit = high.unit;
}
