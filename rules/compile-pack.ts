/**
 * A rule pack (rules/rule-pack.ts) compiled as a whole: each rule's English and/or Chinese text
 * parsed, the two checked to mean the same (LANGUAGES_DIFFER), the AST checked (checkRule), then
 * compiled to closures with the pack's facts. Every problem of every rule comes back at once,
 * tagged with the rule id and the language of the text it is placed in. runPackExamples runs
 * each compiled rule's examples.
 */
import { withoutPositions, type RuleAst } from './ast.ts';
import { checkRule } from './checker/check-rule.ts';
import { compileRule } from './compile-js/compile-rule.ts';
import type { CompiledRule } from './compiled-rule.ts';
import { runExamples, type ExampleResult } from './examples/run-examples.ts';
import type { Glossary } from './glossary.ts';
import { parseRule } from './parser/parse-rule.ts';
import { renderRule } from './render/render-rule.ts';
import type { RuleProblem } from './rule-problem.ts';
import type { RulePackSource, RuleSource } from './rule-pack.ts';

export type Lang = 'en' | 'zh';

export type PackRuleProblem = RuleProblem & { rule: string; lang: Lang };

export interface CompiledPackRule {
  rule: string;
  /** The AST compiled: the English one when the rule has English text (its positions refer to it). */
  ast: RuleAst;
  lang: Lang;
}

export type CompilePackResult =
  | { ok: true; rules: CompiledRule[]; asts: CompiledPackRule[] }
  | { ok: false; problems: PackRuleProblem[] };

export interface PackExampleResults {
  rule: string;
  results: ExampleResult[];
}

type RuleOutcome = { ok: true; compiled: CompiledRule; ast: RuleAst; lang: Lang } | { ok: false; problems: PackRuleProblem[] };

const wholeText = (text: string | undefined) => ({ line: 1, col: 1, offset: 0, length: Math.max(1, text?.length ?? 1) });

/** Where two trees first differ, as `path: a vs b`, e.g. `condition.items.1.right.value: 1.8 vs 1.5`. */
function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (a === b) return undefined;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) {
    return `${path || '(rule)'}: ${JSON.stringify(a) ?? 'nothing'} vs ${JSON.stringify(b) ?? 'nothing'}`;
  }
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const key of keys) {
    const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return undefined;
}

function safeRender(ast: RuleAst, glossary: Glossary): string {
  try {
    return renderRule(ast, glossary, 'en');
  } catch {
    return JSON.stringify(withoutPositions(ast));
  }
}

function parseText(source: RuleSource, lang: Lang, glossary: Glossary): { ast?: RuleAst; problems: PackRuleProblem[] } {
  const text = source[lang];
  if (text === undefined) return { problems: [] };
  let parsed: ReturnType<typeof parseRule>;
  try {
    parsed = parseRule(text, glossary, { lang });
  } catch (error) {
    // parseRule promises never to throw; if it does, that is its bug, reported rather than fatal.
    return { problems: [{ code: 'SYNTAX', message: `the parser failed on this text: ${(error as Error).message}`, ...wholeText(text), rule: source.id, lang }] };
  }
  if (!parsed.ok) return { problems: parsed.problems.map((p) => ({ ...p, rule: source.id, lang })) };
  return { ast: parsed.ast, problems: [] };
}

function compileSource(source: RuleSource, pack: RulePackSource, glossary: Glossary): RuleOutcome {
  const en = parseText(source, 'en', glossary);
  const zh = parseText(source, 'zh', glossary);
  const problems = [...en.problems, ...zh.problems];
  if (problems.length > 0) return { ok: false, problems };
  const lang: Lang = en.ast ? 'en' : 'zh';
  const ast = (en.ast ?? zh.ast)!;

  // Check each language first: a unit or type mistake in one text is reported at its place, not
  // as a vaguer disagreement between the two texts.
  const checked = [
    ...(en.ast ? checkRule(en.ast, glossary).map((p) => ({ ...p, rule: source.id, lang: 'en' as Lang })) : []),
    ...(zh.ast ? checkRule(zh.ast, glossary).map((p) => ({ ...p, rule: source.id, lang: 'zh' as Lang })) : []),
  ];
  if (checked.length > 0) return { ok: false, problems: checked };

  if (en.ast && zh.ast) {
    const difference = firstDifference(withoutPositions(en.ast), withoutPositions(zh.ast), '');
    if (difference) {
      return {
        ok: false,
        problems: [{
          code: 'LANGUAGES_DIFFER',
          message: `the English and the Chinese text mean different things (${difference}): the English reads "${safeRender(en.ast, glossary)}", the Chinese reads "${safeRender(zh.ast, glossary)}"; change one so both say the same`,
          ...wholeText(source.zh),
          rule: source.id,
          lang: 'zh',
        }],
      };
    }
  }

  try {
    return { ok: true, compiled: compileRule(ast, glossary, { id: source.id, version: pack.version, facts: pack.facts }), ast, lang };
  } catch (error) {
    return { ok: false, problems: [{ code: 'PACK', message: (error as Error).message, ...wholeText(source[lang]), rule: source.id, lang }] };
  }
}

function duplicateIds(pack: RulePackSource): PackRuleProblem[] {
  const seen = new Set<string>();
  const problems: PackRuleProblem[] = [];
  for (const source of pack.rules) {
    if (seen.has(source.id)) {
      const lang: Lang = source.en !== undefined ? 'en' : 'zh';
      problems.push({ code: 'PACK', message: `rule id "${source.id}" is used twice in pack ${pack.pack}; give each rule its own id`, ...wholeText(source[lang]), rule: source.id, lang });
    }
    seen.add(source.id);
  }
  return problems;
}

/** Every rule compiled, or every problem of every rule. */
export function compilePack(pack: RulePackSource, glossary: Glossary): CompilePackResult {
  const problems = duplicateIds(pack);
  const rules: CompiledRule[] = [];
  const asts: CompiledPackRule[] = [];
  for (const source of pack.rules) {
    const outcome = compileSource(source, pack, glossary);
    if (outcome.ok) {
      rules.push(outcome.compiled);
      asts.push({ rule: source.id, ast: outcome.ast, lang: outcome.lang });
    } else {
      problems.push(...outcome.problems);
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rules, asts };
}

/** Each rule's examples run against its compiled form; a rule that does not compile fails each of its examples, saying why. */
export function runPackExamples(pack: RulePackSource, glossary: Glossary): PackExampleResults[] {
  return pack.rules.map((source) => {
    const outcome = compileSource(source, pack, glossary);
    if (!outcome.ok) {
      const why = outcome.problems.map((p) => `the rule does not compile (${p.lang} ${p.line}:${p.col}): ${p.message}`);
      return { rule: source.id, results: source.examples.map((e) => ({ name: e.name, ok: false, got: [], problems: why })) };
    }
    return { rule: source.id, results: runExamples(outcome.compiled, source.examples, pack.facts) };
  });
}
