/**
 * The semantic dictionary's formula language: arithmetic over bucket names, a bucket optionally
 * qualified by a channel (`physical - pending_outbound[meituan] + presale_lock`), numbers, and
 * `min(...)`/`max(...)`. A grammar this small reads better as a hand-written recursive descent
 * than as a parser-generator grammar, and its messages can say exactly what was expected where.
 *
 *   expr    := term (("+" | "-") term)*
 *   term    := unary (("*" | "/") unary)*
 *   unary   := "-" unary | primary
 *   primary := number | bucket ("[" channel "]")? | ("min" | "max") "(" expr ("," expr)* ")" | "(" expr ")"
 */
import { closestMatch } from '../closest-match.ts';
import { bucketNames, type BucketName } from './fusion-types.ts';

export type Formula =
  | { kind: 'number'; value: number }
  | { kind: 'bucket'; bucket: BucketName; channel: string | null; column: number }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: Formula; right: Formula }
  | { kind: 'negate'; operand: Formula }
  | { kind: 'call'; fn: 'min' | 'max'; args: Formula[] };

export interface FormulaProblem { column: number; message: string }
/** With only unknown buckets wrong, `formula` is still given, so its other names can be checked too. */
export type ParseResult = { ok: true; formula: Formula } | { ok: false; problems: FormulaProblem[]; formula?: Formula };

const functions = ['min', 'max'] as const;
const bucketSet = new Set<string>(bucketNames);

interface Token { kind: 'number' | 'name' | 'channel' | 'symbol' | 'end'; text: string; column: number }

function tokenize(text: string): Token[] | FormulaProblem {
  const tokens: Token[] = [];
  let i = 0;
  let inBrackets = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t') { i++; continue; }
    const rest = text.slice(i);
    const match = inBrackets ? /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(rest)
      : /^\d+(\.\d+)?/.exec(rest) ?? /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (match) {
      const kind = inBrackets ? 'channel' : /^\d/.test(match[0]) ? 'number' : 'name';
      tokens.push({ kind, text: match[0], column: i + 1 });
      i += match[0].length;
      continue;
    }
    if ('+-*/(),[]'.includes(ch)) {
      if (ch === '[') inBrackets = true;
      if (ch === ']') inBrackets = false;
      tokens.push({ kind: 'symbol', text: ch, column: i + 1 });
      i++;
      continue;
    }
    return { column: i + 1, message: `unexpected character ${JSON.stringify(ch)}; a formula has bucket names, numbers, + - * /, parentheses, min(...) and max(...)` };
  }
  tokens.push({ kind: 'end', text: 'the end', column: text.length + 1 });
  return tokens;
}

const shown = (t: Token) => (t.kind === 'end' ? 'the end of the formula' : `"${t.text}"`);

class Parser {
  private at = 0;
  readonly unknown: FormulaProblem[] = [];
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token { return this.tokens[this.at]!; }
  private next(): Token { return this.tokens[this.at++]!; }
  private isSymbol(text: string): boolean { const t = this.peek(); return t.kind === 'symbol' && t.text === text; }
  private expect(text: string, what: string): void {
    const t = this.next();
    if (t.kind !== 'symbol' || t.text !== text) throw problem(t, `expected ${what} but found ${shown(t)}`);
  }

  whole(): Formula {
    const formula = this.expr();
    const t = this.peek();
    if (t.kind !== 'end') throw problem(t, `expected + - * / or the end of the formula but found ${shown(t)}`);
    return formula;
  }

  private expr(): Formula {
    let left = this.term();
    while (this.isSymbol('+') || this.isSymbol('-')) {
      const op = this.next().text as '+' | '-';
      left = { kind: 'binary', op, left, right: this.term() };
    }
    return left;
  }

  private term(): Formula {
    let left = this.unary();
    while (this.isSymbol('*') || this.isSymbol('/')) {
      const op = this.next().text as '*' | '/';
      left = { kind: 'binary', op, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Formula {
    if (this.isSymbol('-')) { this.next(); return { kind: 'negate', operand: this.unary() }; }
    return this.primary();
  }

  private primary(): Formula {
    const t = this.next();
    if (t.kind === 'number') return { kind: 'number', value: Number(t.text) };
    if (t.kind === 'symbol' && t.text === '(') {
      const inner = this.expr();
      this.expect(')', '")"');
      return inner;
    }
    if (t.kind !== 'name') throw problem(t, `expected a bucket name, a number or "(" but found ${shown(t)}`);
    if ((functions as readonly string[]).includes(t.text) && this.isSymbol('(')) {
      this.next();
      const args = [this.expr()];
      while (this.isSymbol(',')) { this.next(); args.push(this.expr()); }
      this.expect(')', '"," or ")"');
      return { kind: 'call', fn: t.text as 'min' | 'max', args };
    }
    if (!bucketSet.has(t.text)) {
      const near = closestMatch(t.text, bucketNames);
      this.unknown.push({
        column: t.column,
        message: `unknown bucket "${t.text}"${near ? ` (did you mean "${near}"?)` : ''}; the buckets are ${bucketNames.join(', ')}`,
      });
    }
    let channel: string | null = null;
    if (this.isSymbol('[')) {
      this.next();
      const c = this.next();
      if (c.kind !== 'channel') throw problem(c, `expected a channel code such as meituan inside [ ] but found ${shown(c)}`);
      channel = c.text;
      this.expect(']', '"]"');
    }
    return { kind: 'bucket', bucket: t.text as BucketName, channel, column: t.column };
  }
}

class ProblemThrown { constructor(readonly problem: FormulaProblem) {} }
const problem = (t: Token, message: string) => new ProblemThrown({ column: t.column, message });

/** Parses a formula; every unknown bucket is reported, and the first syntax error. */
export function parseFormula(text: string): ParseResult {
  if (text.trim() === '') return { ok: false, problems: [{ column: 1, message: 'the formula is empty; write one such as physical - pending_outbound' }] };
  const tokens = tokenize(text);
  if (!Array.isArray(tokens)) return { ok: false, problems: [tokens] };
  const parser = new Parser(tokens);
  try {
    const formula = parser.whole();
    return parser.unknown.length > 0 ? { ok: false, problems: parser.unknown, formula } : { ok: true, formula };
  } catch (error) {
    if (error instanceof ProblemThrown) return { ok: false, problems: [...parser.unknown, error.problem] };
    throw error;
  }
}

/** Every bucket reference, in the order written (duplicates kept once). */
export function referencesOf(formula: Formula): Array<{ bucket: BucketName; channel: string | null; column: number }> {
  const seen = new Map<string, { bucket: BucketName; channel: string | null; column: number }>();
  const walk = (f: Formula): void => {
    if (f.kind === 'bucket') {
      const key = refName(f.bucket, f.channel);
      if (!seen.has(key)) seen.set(key, { bucket: f.bucket, channel: f.channel, column: f.column });
    } else if (f.kind === 'binary') { walk(f.left); walk(f.right); }
    else if (f.kind === 'negate') walk(f.operand);
    else if (f.kind === 'call') f.args.forEach(walk);
  };
  walk(formula);
  return [...seen.values()];
}

export const refName = (bucket: string, channel: string | null): string => (channel === null ? bucket : `${bucket}[${channel}]`);

/** The single bucket a formula is, if it is nothing else: such a source figure sets that bucket. */
export function singleBucket(formula: Formula): { bucket: BucketName; channel: string | null } | null {
  return formula.kind === 'bucket' ? { bucket: formula.bucket, channel: formula.channel } : null;
}

const operations: Record<'+' | '-' | '*' | '/', (a: number, b: number) => number> = {
  '+': (a, b) => a + b, '-': (a, b) => a - b, '*': (a, b) => a * b, '/': (a, b) => a / b,
};

/** Evaluates with `valueOf` for each bucket reference; null when an input is missing or a division by zero. */
export function evaluateFormula(formula: Formula, valueOf: (bucket: BucketName, channel: string | null) => number | null): { value: number | null; problem: string | null } {
  let problemText: string | null = null;
  const walk = (f: Formula): number | null => {
    switch (f.kind) {
      case 'number': return f.value;
      case 'bucket': return valueOf(f.bucket, f.channel);
      case 'negate': { const v = walk(f.operand); return v === null ? null : -v; }
      case 'call': {
        const values = f.args.map(walk);
        if (values.some((v) => v === null)) return null;
        return Math[f.fn](...(values as number[]));
      }
      case 'binary': {
        const left = walk(f.left);
        const right = walk(f.right);
        if (left === null || right === null) return null;
        if (f.op === '/' && right === 0) { problemText ??= 'division by zero'; return null; }
        return operations[f.op](left, right);
      }
    }
  };
  const value = walk(formula);
  // Quantities carry at most 3 decimals (inventory-types.ts); rounding keeps float error out of figures.
  return { value: value === null ? null : Math.round(value * 1000) / 1000, problem: problemText };
}

const precedence = { '+': 1, '-': 1, '*': 2, '/': 2 } as const;

/** The formula as text, each bucket written by `show` (its name, or its value: `168 - 12 + 8`). */
export function renderFormula(formula: Formula, show: (bucket: BucketName, channel: string | null) => string = refName): string {
  const walk = (f: Formula, parent: number, rightSide: boolean): string => {
    switch (f.kind) {
      case 'number': return String(f.value);
      case 'bucket': return show(f.bucket, f.channel);
      case 'negate': return `-${walk(f.operand, 3, false)}`;
      case 'call': return `${f.fn}(${f.args.map((a) => walk(a, 0, false)).join(', ')})`;
      case 'binary': {
        const own = precedence[f.op];
        const text = `${walk(f.left, own, false)} ${f.op} ${walk(f.right, own, true)}`;
        return own < parent || (own === parent && rightSide) ? `(${text})` : text;
      }
    }
  };
  return walk(formula, 0, false);
}
