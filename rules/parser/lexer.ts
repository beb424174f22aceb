/**
 * The two lexers (English, Chinese), chevrotain 11, built once. Glossary phrases are lexed first by
 * a custom token pattern that tries every term template at the current offset and keeps the
 * longest match, so a Chinese term holding a keyword character (时, 在, 不) stays one token and
 * an English term may hold a grammar word. The glossary in force is set for the duration of one
 * `lex` call (lexing is synchronous), so the lexers themselves need no rebuilding per glossary.
 *
 * Every character lexes as something (`other` at worst), so the lexer never fails; the parser
 * turns what it cannot use into a problem that names it.
 */
import { createToken, Lexer, type CustomPatternMatcherReturn, type IToken, type TokenType } from 'chevrotain';
import { unitSpellings } from '../units.ts';
import type { GlossaryIndex, Lang, TermMatch } from './glossary-index.ts';
import { zhKeywords } from './keywords.ts';

export type TokenKind = 'quoted' | 'unit' | 'term' | 'zhword' | 'number' | 'keyword' | 'word' | 'cjk' | 'punct' | 'other';

export interface Token {
  kind: TokenKind;
  image: string;
  offset: number;
  length: number;
  /** term: the template match; quoted: the text inside; unit: the canonical symbol. */
  term?: TermMatch;
  text?: string;
  unterminated?: boolean;
  unit?: string;
}

let active: GlossaryIndex | undefined;

type Exec = (text: string, offset: number, matched: IToken[]) => CustomPatternMatcherReturn | null;

const found = (image: string, payload?: unknown): CustomPatternMatcherReturn => {
  const result = [image] as CustomPatternMatcherReturn;
  if (payload !== undefined) result.payload = payload;
  return result;
};

const regexExec = (regex: RegExp): Exec => {
  const sticky = new RegExp(regex.source, `${regex.flags.replace('g', '')}y`);
  return (text, offset) => {
    sticky.lastIndex = offset;
    const match = sticky.exec(text);
    return match && match[0].length > 0 ? found(match[0]) : null;
  };
};

const closing: Readonly<Record<string, string>> = { '"': '"', '“': '”', '「': '」', '『': '』' };

const quoted: Exec = (text, offset) => {
  const close = closing[text[offset]!];
  if (close === undefined) return null;
  const end = text.indexOf(close, offset + 1);
  // An unterminated quote swallows the rest of the text: one problem, not a cascade of them.
  if (end < 0) return found(text.slice(offset), { text: text.slice(offset + 1), unterminated: true });
  return found(text.slice(offset, end + 1), { text: text.slice(offset + 1, end), unterminated: false });
};

const spellings = [...unitSpellings.entries()].sort((a, b) => b[0].length - a[0].length);

/** A unit right after a number (`1.8 mm`, `8℃`, `5 minutes`): elsewhere `t` or `d` is just a letter. */
const unitAfterNumber = (lang: Lang): Exec => (text, offset, matched) => {
  if (matched.at(-1)?.tokenType !== numberToken) return null;
  const lower = text.slice(offset, offset + 40).toLowerCase();
  for (const [spelling, symbol] of spellings) {
    if (lang === 'en' && spelling === 'times') continue; // `2 times x` multiplies (docs/rule-language.md)
    if (!lower.startsWith(spelling.toLowerCase())) continue;
    const next = text[offset + spelling.length] ?? '';
    if (/[A-Za-z]$/.test(spelling) && /[\p{L}\p{N}_]/u.test(next) && (lang === 'en' || /[A-Za-z0-9_]/.test(next))) continue;
    return found(text.slice(offset, offset + spelling.length), symbol);
  }
  return null;
};

const termPattern = (lang: Lang): Exec => (text, offset) => {
  if (!active) return null;
  if (lang === 'en' && offset > 0 && /[\p{L}\p{N}_-]/u.test(text[offset - 1]!)) return null;
  const match = active.termAt(lang, text, offset);
  if (!match) return null;
  // A longer vocabulary name or state word at the same place wins (模具镶件 over a shorter term).
  if (lang === 'zh' && active.zhWordAt(text, offset) > match.length) return null;
  return found(text.slice(offset, offset + match.length), match);
};

const zhWordPattern: Exec = (text, offset) => {
  const length = active?.zhWordAt(text, offset) ?? 0;
  return length > 0 ? found(text.slice(offset, offset + length)) : null;
};

const zhKeywordPattern: Exec = (text, offset) => {
  for (const keyword of zhKeywords) if (text.startsWith(keyword, offset)) return found(keyword);
  return null;
};

const token = (name: string, exec: Exec, extra: { group?: string } = {}): TokenType =>
  createToken({ name, pattern: { exec }, line_breaks: name === 'whitespace', ...extra });

const whitespace = token('whitespace', regexExec(/\s+/), { group: Lexer.SKIPPED });
const quotedToken = token('quoted', quoted);
const unitEn = token('unit', unitAfterNumber('en'));
const unitZh = token('unit', unitAfterNumber('zh'));
const termEn = token('term', termPattern('en'));
const termZh = token('term', termPattern('zh'));
const zhWord = token('zhword', zhWordPattern);
const numberToken = token('number', regexExec(/-?\d+(?:\.\d+)?/));
const zhKeyword = token('keyword', zhKeywordPattern);
const wordEn = token('word', regexExec(/[\p{L}\p{M}_][\p{L}\p{M}\p{N}_'’-]*/u));
const wordZh = token('word', regexExec(/[A-Za-z_][A-Za-z0-9_-]*/));
const cjk = token('cjk', regexExec(/\p{L}/u));
const punct = token('punct', regexExec(/[()（）,，、.。;；:：]/));
const other = token('other', regexExec(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/));

const kinds = new Map<TokenType, TokenKind>([
  [quotedToken, 'quoted'], [unitEn, 'unit'], [unitZh, 'unit'], [termEn, 'term'], [termZh, 'term'], [zhWord, 'zhword'],
  [numberToken, 'number'], [zhKeyword, 'keyword'], [wordEn, 'word'], [wordZh, 'word'], [cjk, 'cjk'], [punct, 'punct'], [other, 'other'],
]);

const options = { positionTracking: 'onlyOffset', ensureOptimizations: false, skipValidations: true } as const;
let lexers: Record<Lang, Lexer> | undefined;

function lexerFor(lang: Lang): Lexer {
  lexers ??= {
    en: new Lexer([whitespace, quotedToken, unitEn, termEn, numberToken, wordEn, punct, other], options),
    zh: new Lexer([whitespace, quotedToken, unitZh, termZh, zhWord, numberToken, zhKeyword, wordZh, cjk, punct, other], options),
  };
  return lexers[lang];
}

/** The tokens of a rule text in one language; whitespace is dropped. */
export function lex(text: string, lang: Lang, index: GlossaryIndex): Token[] {
  active = index;
  const result = lexerFor(lang).tokenize(text);
  active = undefined;
  return result.tokens.map((t): Token => {
    const kind = kinds.get(t.tokenType) ?? 'other';
    const base: Token = { kind, image: t.image, offset: t.startOffset, length: t.image.length };
    if (kind === 'term') base.term = t.payload as TermMatch;
    if (kind === 'quoted') Object.assign(base, t.payload as { text: string; unterminated: boolean });
    if (kind === 'unit') base.unit = t.payload as string;
    return base;
  });
}
