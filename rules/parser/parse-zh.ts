/**
 * The Chinese surface (docs/rule-language.md): `当<condition>时，<action>[，|、|并<action>]*[。]`.
 * Precedence as in English: 或, then 且 (并且, 而且), then 非 (并非), then 持续 / 连续N天 binding to
 * the comparison before them, then a comparison or a parenthesised condition (（） or ()).
 */
import { AST_VERSION, type Action, type CompareOp, type Condition, type Expr, type RuleAst } from '../ast.ts';
import type { GlossaryIndex } from './glossary-index.ts';
import type { Token } from './lexer.ts';
import { shareUnit } from './parse-en.ts';
import { ParserCore, SyntaxAbort } from './parser-core.ts';
import type { SourceText } from './source-text.ts';
import { findTermById, stateWords } from './states.ts';

const comparisons: Readonly<Record<string, CompareOp>> = {
  达到: 'reaches',
  不小于: 'atLeast', 不低于: 'atLeast', 至少: 'atLeast', 至少为: 'atLeast',
  超过: 'exceeds', 大于: 'exceeds', 高于: 'exceeds',
  低于: 'below', 小于: 'below', 少于: 'below', 不足: 'below',
  不大于: 'atMost', 不超过: 'atMost', 不高于: 'atMost', 至多: 'atMost',
  等于: 'equals',
  不等于: 'differs', 不为: 'differs',
};

/** Range openers: whether the range is `outside`, and whether 之间 must close it. */
const ranges: Readonly<Record<string, { outside: boolean; close: boolean; separators: string[] }>> = {
  在: { outside: false, close: true, separators: ['到', '至'] },
  介于: { outside: false, close: true, separators: ['和', '到', '至'] },
  不在: { outside: true, close: true, separators: ['到', '至'] },
  超出: { outside: true, close: false, separators: ['到', '至'] },
};

const comparisonHint = 'a comparison such as "达到", "不小于" or "在…之间"';
const separators = ['，', ',', '、', '；', ';'];

export class ChineseParser extends ParserCore {
  constructor(tokens: readonly Token[], source: SourceText, index: GlossaryIndex) {
    super(tokens, source, index, 'zh', { additive: { 加: '+', 减: '-', 减去: '-' }, multiplicative: { 乘以: '*', 除以: '/' } });
  }

  protected booleanWord(token: Token | undefined): boolean | undefined {
    const w = this.word(token);
    return w === '真' ? true : w === '假' ? false : undefined;
  }

  protected phrasePart(token: Token | undefined): boolean {
    return token !== undefined && (token.kind === 'term' || token.kind === 'word' || token.kind === 'cjk' || token.kind === 'zhword');
  }

  /** A lexed term stands alone: what follows it without a space is grammar (打开, 开始), not more term. */
  protected override phraseRun(): Token[] {
    if (this.peek()?.kind === 'term') return [this.peek()!];
    const run: Token[] = [];
    while (this.phrasePart(this.peek(run.length))) run.push(this.peek(run.length)!);
    return run;
  }

  rule(): RuleAst {
    const first = this.peek();
    this.expectWord('"当" at the start of the rule', '当');
    const condition = this.condition();
    if (!this.isWord(this.peek(), '时')) this.fail(`"时" after the condition "${this.textOf(condition.at!)}"`);
    this.next();
    if (this.isPunct(this.peek(), ...separators)) this.next();
    const actions = [this.action()];
    for (;;) {
      const token = this.peek();
      if (this.isPunct(token, '。', '.')) {
        this.next();
        if (this.peek() !== undefined) this.fail('the end of the rule after its full stop');
        break;
      }
      if (token === undefined) break;
      if (this.isPunct(token, ...separators) || this.isWord(token, '并')) this.next();
      else this.fail('"，" or "并" before another action, or the end of the rule');
      actions.push(this.action());
    }
    return { astVersion: AST_VERSION, condition, actions, at: this.spanFrom(first!) };
  }

  // ---- conditions ------------------------------------------------------------------------

  private condition(): Condition {
    return this.logical('or', ['或'], () => this.logical('and', ['且', '并且', '而且'], () => this.negation()));
  }

  private logical(kind: 'and' | 'or', words: string[], item: () => Condition): Condition {
    const first = this.peek();
    const items = [item()];
    while (this.isWord(this.peek(), ...words)) {
      this.next();
      items.push(item());
    }
    return items.length === 1 ? items[0]! : { kind, items, at: this.spanFrom(first!) };
  }

  private negation(): Condition {
    const first = this.peek();
    if (!this.isWord(first, '非', '并非')) return this.postfix();
    this.next();
    return this.nested(() => ({ kind: 'not', of: this.negation(), at: this.spanFrom(first!) }));
  }

  /** `<cond>持续5分钟`, `<cond>连续3天`. */
  private postfix(): Condition {
    const first = this.peek()!;
    let condition = this.primary();
    for (;;) {
      if (this.isWord(this.peek(), '持续')) {
        this.next();
        const duration = this.quantity();
        condition = { kind: 'sustained', of: condition, duration, at: this.spanFrom(first) };
      } else if (this.isWord(this.peek(), '连续')) {
        this.next();
        const { value } = this.count('days');
        if (this.peek()?.kind !== 'unit' || this.peek()?.unit !== 'd') this.fail('"天" after the number of days');
        this.next();
        condition = { kind: 'streak', of: condition, days: value, at: this.spanFrom(first) };
      } else {
        return condition;
      }
    }
  }

  /** `（…）` holds a condition or a value; see the English parser. */
  private primary(): Condition {
    const open = this.peek();
    if (!this.isPunct(open, '(', '（')) return this.comparison();
    const group = this.attempt(() => this.nested(() => {
      this.next();
      const inner = this.condition();
      if (!this.isPunct(this.peek(), ')', '）')) this.fail(`"）" to close the "（" at ${this.spanOf(open!).line}:${this.spanOf(open!).col}`);
      this.next();
      const w = this.word(this.peek());
      if (w !== undefined && (w in comparisons || w in ranges || ['为', '加', '减', '减去', '乘以', '除以', '变为'].includes(w))) this.fail(comparisonHint);
      return inner;
    }));
    if (group.ok) {
      const edge = this.isWord(this.peek(), '开始') ? 'rising' : this.isWord(this.peek(), '停止') ? 'falling' : undefined;
      if (!edge) return group.value;
      this.next();
      return { kind: 'edge', edge, of: group.value, at: this.spanFrom(open!) };
    }
    const comparison = this.attempt(() => this.comparison());
    if (comparison.ok) return comparison.value;
    throw new SyntaxAbort(comparison.problem.offset >= group.problem.offset ? comparison.problem : group.problem);
  }

  private comparison(): Condition {
    const first = this.peek()!;
    const left = this.expr();
    const token = this.peek();
    const w = this.word(token);
    const is = (expected: boolean): Condition => ({ kind: 'is', value: left, expected, at: this.spanFrom(first) });
    if (w !== undefined && w in comparisons) {
      this.next();
      return { kind: 'compare', op: comparisons[w]!, left, right: this.expr(), at: this.spanFrom(first) };
    }
    if (w !== undefined && w in ranges) {
      const range = ranges[w]!;
      this.next();
      const low = this.expr();
      this.expectWord(range.separators.map((s) => `"${s}"`).join(' or ') + ' between the ends of the range', ...range.separators);
      const high = this.expr();
      shareUnit(low, high);
      if (range.close) this.expectWord('"之间" after the range', '之间');
      else if (this.isWord(this.peek(), '之间')) this.next();
      return { kind: 'range', outside: range.outside, value: left, low, high, at: this.spanFrom(first) };
    }
    switch (w) {
      case '为': {
        this.next();
        const state = this.state(left);
        if (state !== undefined) return is(state);
        return { kind: 'compare', op: 'equals', left, right: this.expr(), at: this.spanFrom(first) };
      }
      case '为真': this.next(); return is(true);
      case '为假': this.next(); return is(false);
      case '处于': {
        this.next();
        const state = this.state(left);
        if (state === undefined) this.fail(`a state such as ${this.stateHint(left)} after "处于"`);
        this.expectWord('"状态" after the state', '状态');
        return is(state);
      }
      case '开始':
      case '停止':
        this.next();
        return { kind: 'edge', edge: w === '开始' ? 'rising' : 'falling', of: is(true), at: this.spanFrom(first) };
      case '变为': {
        this.next();
        const state = this.state(left);
        if (state === undefined) this.fail(`a state such as ${this.stateHint(left)} after "变为"`);
        return { kind: 'edge', edge: 'rising', of: is(state), at: this.spanFrom(first) };
      }
      default: {
        const state = this.state(left);
        if (state !== undefined) return is(state);
        return this.fail(`${comparisonHint} after "${this.textOf(left.at!)}"`);
      }
    }
  }

  /** A state word of the term (打开/关闭) or 真/假; consumed when found. */
  private state(subject: Expr): boolean | undefined {
    const token = this.peek();
    if (!token || (token.kind !== 'zhword' && token.kind !== 'keyword')) return undefined;
    const value = stateWords(subject.kind === 'term' ? findTermById(this.index.glossary, subject.term) : undefined, 'zh').get(token.image);
    if (value !== undefined) this.next();
    return value;
  }

  private stateHint(subject: Expr): string {
    const term = subject.kind === 'term' ? findTermById(this.index.glossary, subject.term) : undefined;
    const [yes, no] = term?.states?.zh ?? ['真', '假'];
    return `"${yes}" or "${no}"`;
  }

  // ---- actions ---------------------------------------------------------------------------

  private action(): Action {
    const first = this.peek();
    switch (this.word(first)) {
      case '通知': {
        this.next();
        const role = this.nameHere('roles');
        if (!role) this.fail('a role to notify such as "质检" after "通知"');
        const message = this.peek();
        if (message?.kind === 'quoted') {
          this.next();
          return { kind: 'alert', role: role.id, message: message.text ?? '', at: this.spanFrom(first!) };
        }
        return { kind: 'alert', role: role.id, at: this.spanFrom(first!) };
      }
      case '在': {
        this.next();
        const place = this.placeToken('a location such as "B12" after "在"');
        this.expectWord('"阻止" after the location', '阻止');
        return this.block(first!, place);
      }
      case '阻止': {
        this.next();
        const place = this.peek()?.kind === 'word' ? this.next() : undefined;
        return this.block(first!, place);
      }
      case '申领': {
        this.next();
        const quantity = this.peek()?.kind === 'number' ? this.count('spare parts').value : 1;
        if (this.peek()?.kind === 'unit' && this.peek()?.unit === 'count') this.next();
        this.expectWord('"备件" after "申领"', '备件');
        const item = this.nameHere('items');
        if (!item) this.fail('the part in quotes after "备件", e.g. "电极帽"');
        return { kind: 'requestSparePart', item: item.id, quantity, at: this.spanFrom(first!) };
      }
      case '预留': {
        this.next();
        this.expectWord('"工位" after "预留"', '工位');
        const station = this.placeToken('a station such as "W3" after "预留工位"');
        return { kind: 'reserve', station: this.place('station', station), at: this.spanFrom(first!) };
      }
      case '启动':
      case '发起': {
        this.next();
        this.expectWord('"审批" after "启动"', '审批');
        const flow = this.nameHere('flows');
        if (!flow) this.fail('the approval flow in quotes, e.g. "回炉"');
        return { kind: 'startApproval', flow: flow.id, at: this.spanFrom(first!) };
      }
      case '建议': {
        this.next();
        const recommendation = this.nameHere('recommendations');
        if (!recommendation) this.fail('the recommendation in quotes, e.g. "优先发货"');
        return { kind: 'recommend', recommendation: recommendation.id, at: this.spanFrom(first!) };
      }
      case '将':
      case '把': {
        this.next();
        const target = this.term();
        if (!target) this.fail(`a glossary term to set after "${first!.image}"`);
        this.expectWord(`"设为" after "${this.textOf(target.at!)}"`, '设为');
        return { kind: 'writeTag', target, value: this.expr(), at: this.spanFrom(first!) };
      }
      default:
        return this.fail('an action: 通知, 阻止, 申领备件, 预留工位, 启动审批, 将…设为 or 建议');
    }
  }

  private placeToken(what: string): Token {
    const token = this.peek();
    if (token?.kind !== 'word' && token?.kind !== 'number') this.fail(what);
    return this.next();
  }

  private block(first: Token, place: Token | undefined): Action {
    const operation = this.nameHere('operations');
    if (!operation) this.fail('an operation to block such as "上架"');
    if (place) return { kind: 'block', operation: operation.id, location: this.place('location', place), at: this.spanFrom(first) };
    const action: Action = { kind: 'block', operation: operation.id, location: '', at: this.spanFrom(first) };
    this.pending.blocks.push({ action, written: this.textOf(operation.at), at: action.at! });
    return action;
  }
}
