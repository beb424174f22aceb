/**
 * Parameters a rule leaves out (docs/rule-language.md "A parameter left out"): `sheet thickness`
 * beside `weld gun G1 weld count` is gun G1's, and `block put-away` in a rule about shelf B12
 * blocks it at B12. A value comes only from what the rule itself names; none, or two different
 * ones, is a BAD_PARAMETER whose message shows the phrase that says it outright.
 */
import type { Action, SourceSpan, TermRef } from '../ast.ts';
import type { GlossaryTerm } from '../glossary.ts';
import type { RuleProblem } from '../rule-problem.ts';
import type { GlossaryIndex, Lang } from './glossary-index.ts';
import type { SourceText } from './source-text.ts';

export interface PendingParameters {
  /** Terms written with a template that leaves parameters out. */
  terms: Array<{ ref: TermRef; term: GlossaryTerm; missing: string[]; written: string; at: SourceSpan }>;
  /** Blocks written without a place. */
  blocks: Array<{ action: Extract<Action, { kind: 'block' }>; written: string; at: SourceSpan }>;
  /** Parameter values the rule states outright (valid ones only). */
  given: Array<{ name: string; value: string }>;
  /** Set when a term could not be resolved: it may have named the value, so "none given" would mislead. */
  incomplete: boolean;
}

const placeholder = /\{([^}]*)\}/g;

/** The first template of the term naming every parameter, filled in: the phrase that leaves nothing to infer. */
function spelledOut(index: GlossaryIndex, term: GlossaryTerm, lang: Lang, args: Record<string, string>): string {
  const all = index.parametersOf(term);
  const template = term[lang].find((t) => all.every((name) => t.includes(`{${name}}`))) ?? term[lang][0]!;
  return template.replace(placeholder, (_, name: string) => args[name] ?? index.sampleValue(name));
}

const either = (values: string[]) => values.map((v) => `"${v}"`).join(' and ');

export function inferParameters(pending: PendingParameters, index: GlossaryIndex, source: SourceText, lang: Lang): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const valuesOf = (name: string) => [...new Set(pending.given.filter((g) => g.name === name).map((g) => g.value))];

  for (const { ref, term, missing, written, at } of pending.terms) {
    for (const name of missing) {
      const values = valuesOf(name);
      if (values.length === 1) {
        ref.args[name] = values[0]!;
        continue;
      }
      if (values.length === 0 && pending.incomplete) continue;
      const example = spelledOut(index, term, lang, { ...ref.args, [name]: values[0] ?? index.sampleValue(name) });
      const why = values.length === 0 ? `no other term of the rule names a ${name}` : `the rule names ${name} ${either(values)}`;
      problems.push(source.problem('BAD_PARAMETER', `cannot tell which ${name} "${written}" means: ${why}; say which ${name}: ${example}`, at));
    }
  }

  const locationNames = Object.entries(index.glossary.parameters).filter(([, p]) => p.kind === 'location').map(([name]) => name);
  for (const { action, written, at } of pending.blocks) {
    const values = [...new Set(locationNames.flatMap(valuesOf))];
    if (values.length === 1) {
      action.location = values[0]!;
      continue;
    }
    if (values.length === 0 && pending.incomplete) continue;
    const sample = values[0] ?? (locationNames[0] ? index.sampleValue(locationNames[0]) : 'B12');
    const example = lang === 'en' ? `block ${written} at ${sample}` : `阻止${sample}${written}`;
    const why = values.length === 0 ? 'the condition names no location' : `the condition names ${either(values)}`;
    problems.push(source.problem('BAD_PARAMETER', `cannot tell where to block "${written}": ${why}; say where: ${example}`, at));
  }
  return problems;
}
