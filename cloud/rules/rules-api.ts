/** What the rule routes (cloud/web/routes/rules.ts) use of the rule part; open-rules.ts builds it. */
import type { CompileAnswer } from './compile-answer.ts';
import type { RuleRelease } from './rule-release.ts';
import type { ShadowComparison } from './shadow-comparison.ts';

export interface RulesApi {
  release: RuleRelease;
  /** One rule text for the editor; never throws. */
  compile(text: string, lang: 'en' | 'zh' | 'auto'): CompileAnswer;
  shadowComparison(version: number, latest: number): ShadowComparison;
}
