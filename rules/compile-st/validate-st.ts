/**
 * An independent validator of IEC 61131-3 2nd edition (2003) Structured Text: our own reading of
 * the standard's grammar (Annex B.1 common elements, B.3 ST) and its typing rules, written
 * without looking at compile-st.ts so that it catches the compiler's mistakes. No conforming
 * third-party compiler (matiec and the like) is installable here, so this is the check the
 * generated FUNCTION_BLOCKs must pass. docs/structured-text.md lists what it checks.
 *
 * Stages: lex (chevrotain), reject vendor extensions and malformed identifiers (B.1.1), parse
 * (validate/st-parser.ts), then per-POU semantic checks (validate/st-check.ts).
 */
import type { IToken } from 'chevrotain';
import { checkPou } from './validate/st-check.ts';
import { Identifier, rejectedTokens, stLexer } from './validate/st-lexer.ts';
import { parseStTokens } from './validate/st-parser.ts';
import { vendorWords } from './validate/st-standard-library.ts';

export interface StProblem {
  /** 1-based line and column of the text at fault. */
  line: number;
  col: number;
  message: string;
}

/** `3:12: unknown variable TEMPRATURE_B12; declare it in a VAR block`. */
export function formatStProblem(problem: StProblem): string {
  return `${problem.line}:${problem.col}: ${problem.message}`;
}

const rejected = new Map(rejectedTokens.map(([token, message]) => [token, message]));

/** Every problem found in `source`, ordered by position; empty when the text is valid. */
export function validateSt(source: string): StProblem[] {
  const problems: StProblem[] = [];
  const report = (at: { line: number; col: number }, message: string) => { problems.push({ line: at.line, col: at.col, message }); };

  const lexed = stLexer.tokenize(source);
  for (const error of lexed.errors) {
    const ch = source.slice(error.offset, error.offset + Math.max(1, error.length)).slice(0, 1);
    report({ line: error.line ?? 1, col: error.column ?? 1 }, ch.charCodeAt(0) > 0x7f
      ? `non-ASCII character "${ch}"; IEC 61131-3 2nd edition text is ISO 646 (ASCII); use a $hh escape in strings`
      : `unexpected character "${ch}"; not part of IEC 61131-3 Structured Text`);
  }
  const tokens: IToken[] = [];
  for (const token of lexed.tokens) {
    const message = rejected.get(token.tokenType);
    if (message) { report(position(token), message); continue; }
    if (token.tokenType === Identifier) checkIdentifier(token, report);
    tokens.push(token);
  }
  reportNonAsciiOutsideIdentifiers(source, lexed.tokens, report);
  if (problems.length > 0) return sorted(problems);

  const parsed = parseStTokens(tokens);
  if (!parsed.ok) return [parsed.error];
  const pouNames = new Map<string, { line: number; col: number }>();
  for (const pou of parsed.pous) {
    const key = pou.name.text.toUpperCase();
    const first = pouNames.get(key);
    if (first) report(pou.name, `${pou.kind} ${pou.name.text} is declared twice (first at ${first.line}:${first.col})`);
    pouNames.set(key, pou.name);
    checkPou(pou, report);
  }
  return sorted(problems);
}

function position(token: IToken): { line: number; col: number } {
  return { line: token.startLine ?? 1, col: token.startColumn ?? 1 };
}

/** B.1.1: letters, digits, single underscores; not ending in an underscore; ASCII; no vendor keywords. */
function checkIdentifier(token: IToken, report: (at: { line: number; col: number }, message: string) => void): void {
  const name = token.image;
  const at = position(token);
  const vendor = vendorWords[name.toUpperCase()];
  if (vendor) report(at, vendor);
  else if (/[^\x00-\x7f]/.test(name)) report(at, `identifier ${name} has non-ASCII characters; IEC 61131-3 identifiers are letters A-Z, digits and single underscores`);
  else if (name.includes('__')) report(at, `identifier ${name} has a double underscore, which IEC 61131-3 does not allow (B.1.1); use single underscores`);
  else if (name.endsWith('_')) report(at, `identifier ${name} ends with an underscore, which IEC 61131-3 does not allow (B.1.1)`);
}

/** Non-ASCII text in comments and strings (identifiers are reported by checkIdentifier, others by the lexer). */
function reportNonAsciiOutsideIdentifiers(source: string, tokens: IToken[], report: (at: { line: number; col: number }, message: string) => void): void {
  const covered = tokens.filter((t) => t.tokenType === Identifier).map((t) => [t.startOffset, t.endOffset ?? t.startOffset] as const);
  let line = 1;
  let col = 1;
  let reportedLine = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch.charCodeAt(0) > 0x7f && reportedLine !== line && !covered.some(([a, b]) => i >= a && i <= b)) {
      const inToken = tokens.some((t) => i >= t.startOffset && i <= (t.endOffset ?? t.startOffset));
      if (inToken || isInComment(source, i)) {
        report({ line, col }, `non-ASCII character "${ch}" in a ${inToken ? 'literal' : 'comment'}; IEC 61131-3 2nd edition text is ISO 646 (ASCII)`);
        reportedLine = line;
      }
    }
    if (ch === '\n') { line++; col = 1; } else col++;
  }
}

function isInComment(source: string, index: number): boolean {
  const open = source.lastIndexOf('(*', index);
  return open >= 0 && source.lastIndexOf('*)', index) < open;
}

function sorted(problems: StProblem[]): StProblem[] {
  return problems.sort((a, b) => a.line - b.line || a.col - b.col);
}
