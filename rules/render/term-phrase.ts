/**
 * How a glossary term and a vocabulary name are written in canonical text: the entry's first
 * phrase that names every parameter of the term (never an abbreviated template such as
 * `sheet thickness`, whose gun the parser would have to infer), parameters filled in.
 */
import type { TermRef } from '../ast.ts';
import type { Glossary, GlossaryTerm, VocabularyKind } from '../glossary.ts';

export type Lang = 'en' | 'zh';

const placeholder = /\{([^}]*)\}/g;

function parametersOf(phrase: string): string[] {
  return [...phrase.matchAll(placeholder)].map((m) => m[1]!);
}

/** The first phrase in `lang` naming all the parameters any phrase of the term names. */
export function canonicalTemplate(term: GlossaryTerm, lang: Lang): string {
  const all = new Set([...term.en, ...term.zh].flatMap(parametersOf));
  const full = term[lang].find((phrase) => {
    const named = new Set(parametersOf(phrase));
    return [...all].every((p) => named.has(p));
  });
  return full ?? term[lang][0]!;
}

export function findTerm(glossary: Glossary, id: string): GlossaryTerm | undefined {
  return glossary.terms.find((t) => t.id === id);
}

/** `temperature of shelf B12` / `B12货位温度`; an id the glossary lacks is written as itself. */
export function renderTerm(ref: TermRef, glossary: Glossary, lang: Lang): string {
  const term = findTerm(glossary, ref.term);
  if (!term) return ref.term;
  return canonicalTemplate(term, lang).replace(placeholder, (_, name: string) => ref.args[name] ?? `{${name}}`);
}

/** A vocabulary entry's first phrase (`QA`, `electrode cap`, `电极帽`), or the id when unknown. */
export function renderName(glossary: Glossary, kind: VocabularyKind, id: string, lang: Lang): string {
  return glossary[kind].find((entry) => entry.id === id)?.[lang][0] ?? id;
}
