/**
 * What the English and Chinese parsers share: a cursor over the tokens, backtracking (`attempt`),
 * arithmetic with the usual precedence, numbers with units, glossary terms and vocabulary names.
 * Each language subclass supplies its words and the shape of its sentences.
 *
 * A syntax error ends the parse (SyntaxAbort, caught only by `attempt` and parseRule); unknown
 * terms and names are recorded as problems and parsing goes on, so one pass reports them all.
 */
import type { ArithmeticOp, Expr, Quantity, SourceSpan, TermRef } from '../ast.ts';
import type { RuleProblem, RuleProblemCode } from '../rule-problem.ts';
import type { VocabularyKind } from '../glossary.ts';
import { nearest } from './edit-distance.ts';
import { normaliseName, type GlossaryIndex, type Lang, type TermMatch } from './glossary-index.ts';
import type { PendingParameters } from './infer-parameters.ts';
import type { Token } from './lexer.ts';
import type { SourceText } from './source-text.ts';

/** Ends a parse at a syntax error; the problem is already built. */
export class SyntaxAbort extends Error {
  constructor(readonly problem: RuleProblem) {
    super(problem.message);
  }
}

/** Deeper nesting than this is refused rather than risking the call stack. */
const maxDepth = 48;

const vocabularyLabel: Readonly<Record<VocabularyKind, string>> = {
  roles: 'role', items: 'spare part', operations: 'operation', flows: 'approval flow', recommendations: 'recommendation',
};

export interface OperatorWords {
  additive: Readonly<Record<string, ArithmeticOp>>;
  multiplicative: Readonly<Record<string, ArithmeticOp>>;
}

export abstract class ParserCore {
  protected pos = 0;
  protected depth = 0;
  readonly problems: RuleProblem[] = [];
  readonly pending: PendingParameters = { terms: [], blocks: [], given: [], incomplete: false };

  constructor(
    protected readonly tokens: readonly Token[],
    protected readonly source: SourceText,
    protected readonly index: GlossaryIndex,
    protected readonly lang: Lang,
    private readonly operators: OperatorWords,
  ) {}

  // ---- cursor ----------------------------------------------------------------------------

  protected peek(ahead = 0): Token | undefined {
    return this.tokens[this.pos + ahead];
  }

  protected next(): Token {
    const token = this.tokens[this.pos];
    if (!token) this.fail('more of the rule');
    this.pos++;
    return token;
  }

  /** The token's word as the grammar compares it (English ignores case). */
  protected word(token: Token | undefined): string | undefined {
    if (!token || (token.kind !== 'word' && token.kind !== 'keyword')) return undefined;
    return this.lang === 'en' ? token.image.toLowerCase() : token.image;
  }

  protected isWord(token: Token | undefined, ...words: string[]): boolean {
    const w = this.word(token);
    return w !== undefined && words.includes(w);
  }

  protected isPunct(token: Token | undefined, ...chars: string[]): boolean {
    return token?.kind === 'punct' && chars.includes(token.image);
  }

  protected expectWord(what: string, ...words: string[]): Token {
    if (!this.isWord(this.peek(), ...words)) this.fail(what);
    return this.next();
  }

  protected spanOf(token: Token): SourceSpan {
    return this.source.span(token.offset, token.length);
  }

  /** From the start of `first` to the end of the last consumed token. */
  protected spanFrom(first: Token | SourceSpan): SourceSpan {
    const start = 'kind' in first ? first.offset : first.offset;
    const last = this.tokens[this.pos - 1];
    const end = last ? last.offset + last.length : start;
    return this.source.span(start, Math.max(0, end - start));
  }

  protected textOf(at: SourceSpan): string {
    return this.source.text.slice(at.offset, at.offset + at.length);
  }

  /** How a found token reads in a message; adjacent Chinese characters read as one word. */
  protected describe(token: Token | undefined): string {
    if (!token) return 'the end of the text';
    let image = token.image;
    if (token.kind === 'cjk') {
      for (let i = this.tokens.indexOf(token) + 1; this.tokens[i]?.kind === 'cjk' && this.tokens[i]!.offset === this.tokens[i - 1]!.offset + this.tokens[i - 1]!.length; i++) {
        image += this.tokens[i]!.image;
      }
    }
    return `"${image.length > 40 ? `${image.slice(0, 40)}…` : image}"`;
  }

  protected problem(code: RuleProblemCode, message: string, at: SourceSpan): void {
    this.problems.push(this.source.problem(code, message, at));
  }

  /** A syntax error at the current token: `expected <what>, found "<token>"`. */
  protected fail(what: string): never {
    const token = this.peek();
    const at = token ? this.spanOf(token) : this.source.span(this.source.text.length, 0);
    throw new SyntaxAbort(this.source.problem('SYNTAX', `expected ${what}, found ${this.describe(token)}`, at));
  }

  protected nested<T>(parse: () => T): T {
    if (this.depth >= maxDepth) this.fail(`at most ${maxDepth} levels of parentheses and "not"`);
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  /** Runs `parse`; on a syntax error puts the cursor and the records back and returns the error. */
  protected attempt<T>(parse: () => T): { ok: true; value: T } | { ok: false; problem: RuleProblem } {
    const saved = { pos: this.pos, depth: this.depth, problems: this.problems.length, terms: this.pending.terms.length, blocks: this.pending.blocks.length, given: this.pending.given.length, incomplete: this.pending.incomplete };
    try {
      return { ok: true, value: parse() };
    } catch (error) {
      if (!(error instanceof SyntaxAbort)) throw error;
      this.pos = saved.pos;
      this.depth = saved.depth;
      this.problems.length = saved.problems;
      this.pending.terms.length = saved.terms;
      this.pending.blocks.length = saved.blocks;
      this.pending.given.length = saved.given;
      this.pending.incomplete = saved.incomplete;
      return { ok: false, problem: error.problem };
    }
  }

  // ---- values ----------------------------------------------------------------------------

  /** `a plus b times c`: multiplication binds tighter; both left-associative. */
  protected expr(): Expr {
    const first = this.peek();
    let left = this.product();
    for (let op = this.operator(this.operators.additive); op; op = this.operator(this.operators.additive)) {
      const right = this.product();
      left = { kind: 'arithmetic', op, left, right, at: this.spanFrom(first!) };
    }
    return left;
  }

  private product(): Expr {
    const first = this.peek();
    let left = this.factor();
    for (let op = this.operator(this.operators.multiplicative); op; op = this.operator(this.operators.multiplicative)) {
      const right = this.factor();
      left = { kind: 'arithmetic', op, left, right, at: this.spanFrom(first!) };
    }
    return left;
  }

  /** Consumes an operator word of `table` (`divided by` is two words). */
  private operator(table: Readonly<Record<string, ArithmeticOp>>): ArithmeticOp | undefined {
    const w = this.word(this.peek());
    if (w === undefined || !(w in table)) return undefined;
    if (w === 'divided') {
      if (!this.isWord(this.peek(1), 'by')) return undefined;
      this.pos++;
    }
    this.pos++;
    return table[w];
  }

  private factor(): Expr {
    const token = this.peek();
    if (token?.kind === 'number') return this.quantity();
    if (this.isPunct(token, '(', '（')) {
      return this.nested(() => {
        this.next();
        const inner = this.expr();
        if (!this.isPunct(this.peek(), ')', '）')) this.fail(`")" to close the "(" at ${this.spanOf(token!).line}:${this.spanOf(token!).col}`);
        this.next();
        return inner;
      });
    }
    const bool = this.booleanWord(token);
    if (bool !== undefined) {
      this.next();
      return { kind: 'boolean', value: bool, at: this.spanOf(token!) };
    }
    const term = this.term();
    if (term) return term;
    return this.fail(`a value: a glossary term such as "${this.index.templates(this.lang)[0]?.template ?? 'temperature'}" or a number`);
  }

  /** `true`/`false` (真/假) as a value. */
  protected abstract booleanWord(token: Token | undefined): boolean | undefined;

  /** A number and the unit written after it, if any. */
  protected quantity(): Quantity {
    const token = this.peek();
    if (token?.kind !== 'number') this.fail('a number');
    this.next();
    const value = Number(token.image);
    if (!Number.isFinite(value)) {
      throw new SyntaxAbort(this.source.problem('SYNTAX', `expected a number of at most 15 digits, found "${token.image.slice(0, 20)}…"`, this.spanOf(token)));
    }
    const quantity: Quantity = { kind: 'quantity', value: value === 0 ? 0 : value };
    const unit = this.peek();
    if (unit?.kind === 'unit' && unit.unit !== undefined) {
      this.next();
      quantity.unit = unit.unit;
    }
    quantity.at = this.spanFrom(token);
    return quantity;
  }

  /** A whole number of at least 1 (streak days, spare parts). */
  protected count(what: string): { value: number; token: Token } {
    const token = this.peek();
    if (token?.kind !== 'number') this.fail(`a whole number of ${what}`);
    const value = Number(token.image);
    if (!Number.isInteger(value) || value < 1) this.fail(`a whole number of ${what} (1 or more)`);
    this.next();
    return { value, token };
  }

  // ---- terms -----------------------------------------------------------------------------

  /** Whether a token may be part of a phrase (a term or a name written in words). */
  protected abstract phrasePart(token: Token | undefined): boolean;

  /** The tokens of the phrase starting here (none when the next token cannot start one). */
  protected phraseRun(): Token[] {
    const run: Token[] = [];
    while (this.phrasePart(this.peek(run.length))) run.push(this.peek(run.length)!);
    return run;
  }

  /**
   * A glossary term here, or undefined when no phrase starts here. A lexed term followed by
   * stray words before a number ("weld count approaches 1247") stands alone, so the syntax error
   * lands on the stray word; stray words before a keyword make the whole run an unknown term.
   */
  protected term(): TermRef | undefined {
    const run = this.phraseRun();
    if (run.length === 0) return undefined;
    const first = run[0]!;
    const last = run.at(-1)!;
    const at = this.source.span(first.offset, last.offset + last.length - first.offset);
    const written = this.textOf(at);
    if (run.length === 1 && first.term) {
      this.pos += 1;
      return this.resolve(first.term, at, written);
    }
    const whole = this.index.termAt(this.lang, written, 0);
    if (whole && whole.length === written.length) {
      this.pos += run.length;
      return this.resolve({ ...whole, slots: whole.slots.map((s) => ({ ...s, offset: s.offset + at.offset })) }, at, written);
    }
    const after = this.peek(run.length);
    const endsAtGrammar = !after || after.kind === 'keyword' || after.kind === 'punct' || (after.kind === 'word' && !this.phrasePart(after));
    if (first.term && !endsAtGrammar) {
      this.pos += 1;
      return this.resolve(first.term, this.spanOf(first), first.image);
    }
    this.pos += run.length;
    this.pending.incomplete = true;
    this.unknownTerm(written, at);
    return { kind: 'term', term: '', args: {}, at };
  }

  private resolve(match: TermMatch, at: SourceSpan, written: string): TermRef {
    const ref: TermRef = { kind: 'term', term: match.term.id, args: {}, at };
    for (const slot of match.slots) {
      const check = this.index.checkParameter(slot.name, slot.value);
      const slotAt = this.source.span(slot.offset, slot.value.length);
      if (!check.ok) {
        const description = this.index.glossary.parameters[slot.name]?.description;
        this.problem('BAD_PARAMETER', `${slot.name} "${slot.value}" does not match ${check.pattern}${description ? ` (${description})` : ''}; write a ${slot.name} such as ${this.index.sampleValue(slot.name)}`, slotAt);
      } else {
        this.pending.given.push({ name: slot.name, value: slot.value });
      }
      ref.args[slot.name] = slot.value;
    }
    const missing = this.index.parametersOf(match.term).filter((name) => !(name in ref.args));
    if (missing.length > 0) this.pending.terms.push({ ref, term: match.term, missing, written: written.replace(/^the\s+/i, ''), at });
    return ref;
  }

  private unknownTerm(written: string, at: SourceSpan): void {
    const leadingThe = this.lang === 'en' ? /^the\s+/i.exec(written) : null;
    const phrase = leadingThe ? written.slice(leadingThe[0].length) : written;
    const place = leadingThe ? this.source.span(at.offset + leadingThe[0].length, at.length - leadingThe[0].length) : at;
    const typed = normaliseName(this.lang, phrase);
    const typedWords = typed.split(' ');
    const typedValues = typed.match(/[A-Za-z0-9_-]+/g) ?? [];
    // Fill each slot with what the expert wrote in its place, so only the words' spelling counts.
    const filled = this.index.templates(this.lang).map(({ template }) => {
      let n = 0;
      const text = this.lang === 'en'
        ? template.toLowerCase().split(' ').map((w, i) => w.replace(/\{[^}]*\}/g, () => typedWords[i] ?? '')).join(' ')
        : template.replace(/\{[^}]*\}/g, () => typedValues[n++] ?? '');
      return { template, text };
    });
    const suggestions = nearest(typed, filled, (c) => c.text).map((c) => `"${c.template}"`);
    const hint = suggestions.length > 0 ? `; did you mean ${suggestions.join(' or ')}?` : '; add it to the glossary or use one of its phrases';
    this.problem('UNKNOWN_TERM', `unknown term "${phrase}"${hint}`, place);
  }

  // ---- vocabulary names ------------------------------------------------------------------

  /** A vocabulary id for a name written in words or quotes; unknown names are recorded. */
  protected name(kind: VocabularyKind, written: string, at: SourceSpan): string {
    const other: Lang = this.lang === 'en' ? 'zh' : 'en';
    const id = this.index.vocabulary(kind, this.lang, written) ?? this.index.vocabulary(kind, other, written);
    if (id !== undefined) return id;
    const names = this.index.vocabularyNames(kind, this.lang);
    const typed = normaliseName(this.lang, written);
    const suggestions = nearest(typed, names, (n) => normaliseName(this.lang, n)).map((n) => `"${n}"`);
    const hint = suggestions.length > 0
      ? `; did you mean ${suggestions.join(' or ')}?`
      : names.length > 0 ? `; expected one of ${names.slice(0, 8).map((n) => `"${n}"`).join(', ')}` : `; the glossary lists no ${kind}`;
    this.problem('UNKNOWN_NAME', `unknown ${vocabularyLabel[kind]} "${written}"${hint}`, at);
    return '';
  }

  /** A name as a quoted text or a run of words; undefined when neither is here. */
  protected nameHere(kind: VocabularyKind): { id: string; at: SourceSpan } | undefined {
    const token = this.peek();
    if (token?.kind === 'quoted') {
      this.next();
      const at = this.spanOf(token);
      return { id: this.name(kind, token.text ?? '', at), at };
    }
    const run = this.phraseRun();
    if (run.length === 0) return undefined;
    this.pos += run.length;
    const at = this.source.span(run[0]!.offset, run.at(-1)!.offset + run.at(-1)!.length - run[0]!.offset);
    return { id: this.name(kind, this.textOf(at), at), at };
  }

  /** A location or station value, checked against the glossary's parameters of that kind. */
  protected place(kind: 'location' | 'station', token: Token): string {
    const value = token.image;
    const parameters = Object.entries(this.index.glossary.parameters).filter(([, p]) => p.kind === kind);
    if (parameters.length > 0 && !parameters.some(([name]) => this.index.checkParameter(name, value).ok)) {
      const [name, declared] = parameters[0]!;
      this.problem('BAD_PARAMETER', `${kind} "${value}" does not match ${parameters.map(([, p]) => p.pattern).join(' or ')}${declared.description ? ` (${declared.description})` : ''}; write a ${kind} such as ${this.index.sampleValue(name)}`, this.spanOf(token));
    }
    return value;
  }
}
