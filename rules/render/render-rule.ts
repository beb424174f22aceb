/**
 * Canonical English and Chinese text of a rule ("what the system understood",
 * docs/rule-language.md "Canonical rendering"): glossary first phrases with every parameter,
 * numbers with their units, one fixed word per operator, and parentheses only where the
 * grammar's precedence (or > and > not > for/consecutive days > comparison) would otherwise
 * regroup the tree. Parsing the text gives back the same AST (round-trip.test.ts).
 */
import type { Action, ArithmeticOp, CompareOp, Condition, Expr, Quantity, RuleAst } from '../ast.ts';
import type { Glossary } from '../glossary.ts';
import { formatNumber } from './format-number.ts';
import { findTerm, renderName, renderTerm, type Lang } from './term-phrase.ts';
import { unitText } from './unit-text.ts';

interface Words {
  compare: Record<CompareOp, string>;
  arithmetic: Record<ArithmeticOp, string>;
  between: (value: string, low: string, high: string) => string;
  outside: (value: string, low: string, high: string) => string;
  is: (value: string, state: string) => string;
  trueFalse: readonly [string, string];
  rising: (of: string) => string;
  falling: (of: string) => string;
  becomes: (of: string, state: string) => string;
  sustained: (of: string, duration: string) => string;
  streak: (of: string, days: number) => string;
  and: string;
  or: string;
  not: string;
  open: string;
  close: string;
  space: string;
  rule: (condition: string, actions: string[]) => string;
  actions: { [K in Action['kind']]: (action: Extract<Action, { kind: K }>, context: ActionContext) => string };
}

interface ActionContext {
  name: (kind: 'roles' | 'items' | 'operations' | 'flows' | 'recommendations', id: string) => string;
  expr: (e: Expr) => string;
  quote: (text: string) => string;
}

/**
 * A quoted text: straight quotes, or curly quotes when the text holds a straight quote (the
 * lexer reads both). A message holding both `"` and `”` cannot be written back (not handled).
 */
function quote(text: string): string {
  return text.includes('"') ? `“${text}”` : `"${text}"`;
}

const en: Words = {
  compare: { reaches: 'reaches', atLeast: 'is at least', exceeds: 'exceeds', below: 'is below', atMost: 'is at most', equals: 'is', differs: 'is not' },
  arithmetic: { '+': 'plus', '-': 'minus', '*': 'times', '/': 'divided by' },
  between: (v, lo, hi) => `${v} is between ${lo} and ${hi}`,
  outside: (v, lo, hi) => `${v} is outside ${lo} to ${hi}`,
  is: (v, state) => `${v} is ${state}`,
  trueFalse: ['true', 'false'],
  rising: (of) => `${of} starts`,
  falling: (of) => `${of} stops`,
  becomes: (of, state) => `${of} becomes ${state}`,
  sustained: (of, d) => `${of} for ${d}`,
  streak: (of, days) => `${of} on ${formatNumber(days)} consecutive days`,
  and: ' and ',
  or: ' or ',
  not: 'not ',
  open: '(',
  close: ')',
  space: ' ',
  rule: (c, a) => `When ${c}, ${a.length > 1 ? `${a.slice(0, -1).join(', ')} and ${a.at(-1)}` : a.join('')}.`,
  actions: {
    alert: (a, x) => `alert ${x.name('roles', a.role)}${a.message !== undefined ? ` ${x.quote(a.message)}` : ''}`,
    block: (a, x) => `block ${x.name('operations', a.operation)} at ${a.location}`,
    requestSparePart: (a, x) => a.quantity === 1
      ? `request spare part ${x.quote(x.name('items', a.item))}`
      : `request ${formatNumber(a.quantity)} spare parts ${x.quote(x.name('items', a.item))}`,
    reserve: (a) => `reserve station ${a.station}`,
    startApproval: (a, x) => `start approval ${x.quote(x.name('flows', a.flow))}`,
    writeTag: (a, x) => `set ${x.expr(a.target)} to ${x.expr(a.value)}`,
    recommend: (a, x) => `recommend ${x.quote(x.name('recommendations', a.recommendation))}`,
  },
};

const zh: Words = {
  compare: { reaches: '达到', atLeast: '不小于', exceeds: '超过', below: '低于', atMost: '不大于', equals: '等于', differs: '不等于' },
  arithmetic: { '+': '加', '-': '减', '*': '乘以', '/': '除以' },
  between: (v, lo, hi) => `${v}在${lo}到${hi}之间`,
  outside: (v, lo, hi) => `${v}不在${lo}到${hi}之间`,
  is: (v, state) => `${v}${state}`,
  trueFalse: ['为真', '为假'],
  rising: (of) => `${of}开始`,
  falling: (of) => `${of}停止`,
  becomes: (of, state) => `${of}变为${state}`,
  sustained: (of, d) => `${of}持续${d}`,
  streak: (of, days) => `${of}连续${formatNumber(days)}天`,
  and: '且',
  or: '或',
  not: '非',
  open: '（',
  close: '）',
  space: '',
  rule: (c, a) => `当${c}时，${a.length > 1 ? `${a.slice(0, -1).join('，')}并${a.at(-1)}` : a.join('')}`,
  actions: {
    alert: (a, x) => `通知${x.name('roles', a.role)}${a.message !== undefined ? x.quote(a.message) : ''}`,
    block: (a, x) => `阻止${a.location}${x.name('operations', a.operation)}`,
    requestSparePart: (a, x) => a.quantity === 1
      ? `申领备件${x.quote(x.name('items', a.item))}`
      : `申领${formatNumber(a.quantity)}个备件${x.quote(x.name('items', a.item))}`,
    reserve: (a) => `预留工位${a.station}`,
    startApproval: (a, x) => `启动审批${x.quote(x.name('flows', a.flow))}`,
    writeTag: (a, x) => `将${x.expr(a.target)}设为${x.expr(a.value)}`,
    recommend: (a, x) => `建议${x.quote(x.name('recommendations', a.recommendation))}`,
  },
};

const words: Record<Lang, Words> = { en, zh };

// Binding strength: a child binding more loosely than its place needs gets parentheses.
const exprPrecedence: Record<ArithmeticOp, number> = { '+': 1, '-': 1, '*': 2, '/': 2 };
const atomPrecedence = 3;

const conditionPrecedence: Record<Condition['kind'], number> = {
  or: 1, and: 2, not: 3, sustained: 4, streak: 4, compare: 5, range: 5, is: 5, edge: 5,
};

class Renderer {
  private readonly w: Words;
  constructor(private readonly glossary: Glossary, private readonly lang: Lang) {
    this.w = words[lang];
  }

  private paren(text: string, needed: boolean): string {
    return needed ? `${this.w.open}${text}${this.w.close}` : text;
  }

  quantity(q: Quantity): string {
    return `${formatNumber(q.value)}${q.unit === undefined ? '' : unitText(q.unit, q.value, this.lang)}`;
  }

  expr(e: Expr): string {
    switch (e.kind) {
      case 'term': return renderTerm(e, this.glossary, this.lang);
      case 'quantity': return this.quantity(e);
      case 'boolean': return this.booleanWord(e.value);
      case 'arithmetic': {
        const p = exprPrecedence[e.op];
        const precedenceOf = (x: Expr) => (x.kind === 'arithmetic' ? exprPrecedence[x.op] : atomPrecedence);
        // Left-associative: the left operand may bind equally, the right one must bind tighter.
        const left = this.paren(this.expr(e.left), precedenceOf(e.left) < p);
        const right = this.paren(this.expr(e.right), precedenceOf(e.right) <= p);
        return `${left}${this.w.space}${this.w.arithmetic[e.op]}${this.w.space}${right}`;
      }
    }
  }

  private booleanWord(value: boolean): string {
    return this.lang === 'en' ? (value ? 'true' : 'false') : value ? '真' : '假';
  }

  /** The state word of a boolean term (`open`/`closed`, `打开`/`关闭`), else true/false. */
  private stateWord(value: Expr, expected: boolean): string {
    const term = value.kind === 'term' ? findTerm(this.glossary, value.term) : undefined;
    const states = term?.states?.[this.lang];
    if (states) return states[expected ? 0 : 1];
    return this.w.trueFalse[expected ? 0 : 1];
  }

  private child(c: Condition, minimum: number): string {
    return this.paren(this.condition(c), conditionPrecedence[c.kind] < minimum);
  }

  condition(c: Condition): string {
    const w = this.w;
    switch (c.kind) {
      case 'compare':
        return `${this.expr(c.left)}${w.space}${w.compare[c.op]}${w.space}${this.expr(c.right)}`;
      case 'range': {
        const shared = c.low.kind === 'quantity' && c.high.kind === 'quantity' && c.low.unit !== undefined && c.low.unit === c.high.unit;
        const low = shared ? formatNumber((c.low as Quantity).value) : this.expr(c.low);
        return (c.outside ? w.outside : w.between)(this.expr(c.value), low, this.expr(c.high));
      }
      case 'is':
        return w.is(this.expr(c.value), this.stateWord(c.value, c.expected));
      case 'edge': {
        // `X starts` / `X stops` is the edge of `X is <true state>`; `X becomes closed` the rising edge of the false state.
        if (c.of.kind === 'is') {
          const subject = this.expr(c.of.value);
          if (c.of.expected) return (c.edge === 'rising' ? w.rising : w.falling)(subject);
          if (c.edge === 'rising') return w.becomes(subject, this.stateWord(c.of.value, false));
        }
        const of = this.paren(this.condition(c.of), true);
        return (c.edge === 'rising' ? w.rising : w.falling)(of);
      }
      case 'sustained':
        return w.sustained(this.child(c.of, 5), this.quantity(c.duration));
      case 'streak':
        return w.streak(this.child(c.of, 5), c.days);
      case 'and':
      case 'or': {
        const own = conditionPrecedence[c.kind];
        // A nested and inside and (or inside or) keeps its parentheses so the tree does not flatten.
        return c.items.map((item) => this.child(item, own + 1)).join(w[c.kind]);
      }
      case 'not':
        return `${w.not}${this.child(c.of, 3)}`;
    }
  }

  action(a: Action): string {
    const context: ActionContext = {
      name: (kind, id) => renderName(this.glossary, kind, id, this.lang),
      expr: (e) => this.expr(e),
      quote,
    };
    const write = this.w.actions[a.kind] as (action: Action, x: ActionContext) => string;
    return write(a, context);
  }

  rule(ast: RuleAst): string {
    return this.w.rule(this.condition(ast.condition), ast.actions.map((a) => this.action(a)));
  }
}

/** The rule as canonical English or Chinese text that parses back to the same AST. */
export function renderRule(ast: RuleAst, glossary: Glossary, lang: Lang): string {
  return new Renderer(glossary, lang).rule(ast);
}

/** Just the condition, for explanations ("fired because the temperature of shelf B12 ..."). */
export function renderCondition(condition: Condition, glossary: Glossary, lang: Lang): string {
  return new Renderer(glossary, lang).condition(condition);
}

/** Just a value, for explanations and checker messages. */
export function renderExpr(expr: Expr, glossary: Glossary, lang: Lang): string {
  return new Renderer(glossary, lang).expr(expr);
}
