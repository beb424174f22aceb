/**
 * The words that name a boolean term's states: the glossary's own (`open`/`closed`, 打开/关闭)
 * and the generic ones every boolean has (true/false, on/off, 真/假).
 */
import type { Glossary, GlossaryTerm } from '../glossary.ts';
import type { Lang } from './glossary-index.ts';

const generic: Readonly<Record<Lang, ReadonlyArray<readonly [string, boolean]>>> = {
  en: [['true', true], ['false', false], ['on', true], ['off', false]],
  zh: [['真', true], ['假', false]],
};

export function findTermById(glossary: Glossary, id: string): GlossaryTerm | undefined {
  return glossary.terms.find((t) => t.id === id);
}

/** State word -> the value it names (English lower-cased). */
export function stateWords(term: GlossaryTerm | undefined, lang: Lang): Map<string, boolean> {
  const words = new Map<string, boolean>(generic[lang]);
  const own = term?.states?.[lang];
  if (own) {
    words.set(lang === 'en' ? own[0].toLowerCase() : own[0], true);
    words.set(lang === 'en' ? own[1].toLowerCase() : own[1], false);
  }
  return words;
}
