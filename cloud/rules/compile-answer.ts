/** What the rule editor gets back for one rule text (POST /api/rules/compile). */
import type { RuleAst } from '../../rules/ast.ts';
import type { RuleProblem } from '../../rules/rule-problem.ts';

export interface CompileAnswer {
  /** The rule parses and the checker has nothing against it: `st` and `js` are given. */
  ok: boolean;
  lang: 'en' | 'zh' | null;
  ast: RuleAst | null;
  /** The canonical text in both languages, when the rule parses. */
  text: { en: string; zh: string } | null;
  st: string | null;
  js: string | null;
  problems: RuleProblem[];
}
