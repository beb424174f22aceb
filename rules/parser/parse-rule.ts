/**
 * parseRule: a rule sentence, English or Chinese, to the AST (docs/rule-language.md), with its
 * terms resolved against the glossary and left-out parameters inferred. It never throws for any
 * string: whatever it cannot read comes back as problems placed in the text.
 */
import type { RuleAst } from '../ast.ts';
import type { Glossary } from '../glossary.ts';
import type { RuleProblem } from '../rule-problem.ts';
import { glossaryIndex, type Lang } from './glossary-index.ts';
import { inferParameters } from './infer-parameters.ts';
import { lex } from './lexer.ts';
import { EnglishParser } from './parse-en.ts';
import { ChineseParser } from './parse-zh.ts';
import { SyntaxAbort } from './parser-core.ts';
import { SourceText } from './source-text.ts';

export type ParseResult = { ok: true; ast: RuleAst; lang: Lang } | { ok: false; problems: RuleProblem[] };

export interface ParseOptions {
  /** `auto` (default): Chinese when the text starts with 当, else English. */
  lang?: Lang | 'auto';
}

/** The language `auto` picks: Chinese when the first non-blank character is 当. */
export function detectLanguage(text: string): Lang {
  return text.trimStart().startsWith('当') ? 'zh' : 'en';
}

export function parseRule(text: string, glossary: Glossary, options: ParseOptions = {}): ParseResult {
  const source = new SourceText(text);
  const lang = options.lang === undefined || options.lang === 'auto' ? detectLanguage(text) : options.lang;
  if (text.trim().length === 0) {
    const example = lang === 'en' ? '"When <condition>, <action>."' : '"当<条件>时，<动作>"';
    return { ok: false, problems: [source.problem('SYNTAX', `expected a rule such as ${example}, found an empty text`, source.span(0, text.length))] };
  }
  const index = glossaryIndex(glossary);
  const tokens = lex(text, lang, index);
  // An unterminated quote swallows the rest of the text; anything said about that rest would mislead.
  const open = tokens.find((t) => t.kind === 'quoted' && t.unterminated);
  if (open) {
    const close = { '"': '"', '“': '”', '「': '」', '『': '』' }[open.image[0]!] ?? '"';
    const problem = source.problem('SYNTAX', `expected a closing ${close} for the quote opened here, found the end of the text`, source.span(open.offset, 1));
    return { ok: false, problems: [problem] };
  }
  const parser = lang === 'en' ? new EnglishParser(tokens, source, index) : new ChineseParser(tokens, source, index);
  let ast: RuleAst | undefined;
  try {
    ast = parser.rule();
  } catch (error) {
    if (!(error instanceof SyntaxAbort)) throw error;
    parser.problems.push(error.problem);
  }
  const problems = [...parser.problems];
  if (ast) problems.push(...inferParameters(parser.pending, index, source, lang));
  if (problems.length > 0 || !ast) return { ok: false, problems: problems.sort((a, b) => a.offset - b.offset) };
  return { ok: true, ast, lang };
}
