/**
 * The one seam between the release flow and the rule compilers: a pack in, either every problem
 * (placed at `rules.<i>.<en|zh>` with the rule text's line:col) or each rule's inputs and every
 * example's outcome. rules-pack-compiler.ts implements it with rules/compile-pack.ts.
 */
import type { Glossary } from '../../rules/glossary.ts';
import type { RulePackSource } from '../../rules/rule-pack.ts';
import type { RuleCompileSummary, StoredExampleResult } from './rule-pack-store.ts';

export interface PackProblem {
  /** `rules.<index>.en`, `rules.<index>.zh`, `rules.<index>.id`, `facts`, ... */
  path: string;
  /** For a rule text: `line:col: message`, the place inside that text. */
  message: string;
}

export type PackCompileResult =
  | { ok: true; rules: RuleCompileSummary[]; examples: StoredExampleResult[] }
  | { ok: false; problems: PackProblem[] };

export interface PackCompiler {
  compile(pack: RulePackSource, glossary: Glossary): PackCompileResult;
}
