/**
 * One rule text compiled for the editor, which calls it on every keystroke: parsed (EN, ZH or
 * either), checked against the glossary, rendered back in both languages, compiled to IEC 61131-3
 * Structured Text and to the edge runtime's JavaScript plan. Never throws for any text: a rule
 * with problems answers `ok: false` and every problem found.
 */
import { checkRule } from '../../rules/checker/check-rule.ts';
import { renderJsPreview } from '../../rules/compile-js/js-plan.ts';
import { compileSt } from '../../rules/compile-st/compile-st.ts';
import type { Glossary } from '../../rules/glossary.ts';
import { parseRule } from '../../rules/parser/parse-rule.ts';
import { renderRule } from '../../rules/render/render-rule.ts';
import type { CompileAnswer } from './compile-answer.ts';

/** The function block's name in the ST preview; a pack compile names each after its rule id. */
const PREVIEW_NAME = 'RULE_PREVIEW';

export function compileRuleText(text: string, lang: 'en' | 'zh' | 'auto', glossary: Glossary): CompileAnswer {
  const parsed = parseRule(text, glossary, { lang });
  if (!parsed.ok) return { ok: false, lang: null, ast: null, text: null, st: null, js: null, problems: parsed.problems };
  const { ast } = parsed;
  const problems = checkRule(ast, glossary);
  const rendered = { en: renderRule(ast, glossary, 'en'), zh: renderRule(ast, glossary, 'zh') };
  if (problems.length > 0) return { ok: false, lang: parsed.lang, ast, text: rendered, st: null, js: null, problems };
  return {
    ok: true, lang: parsed.lang, ast, text: rendered,
    st: compileSt(ast, glossary, { name: PREVIEW_NAME }),
    js: renderJsPreview(ast, glossary, { id: 'preview', version: 0 }),
    problems: [],
  };
}
