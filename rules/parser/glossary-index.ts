/**
 * The glossary compiled for parsing, once per glossary object (WeakMap): every term template as a
 * sticky regular expression that matches at a given offset (parameter slots capture a value,
 * checked against the parameter's pattern afterwards so a wrong value is a BAD_PARAMETER rather
 * than an unknown term), the vocabularies by normalised name, and the Chinese words the lexer
 * must keep whole (vocabulary names and state words, which hold no spaces to separate them).
 */
import type { Glossary, GlossaryTerm, VocabularyKind } from '../glossary.ts';
import { vocabularyKinds } from '../glossary.ts';

export type Lang = 'en' | 'zh';

interface TemplateMatcher {
  term: GlossaryTerm;
  template: string;
  sticky: RegExp;
  slots: string[];
  /** Literal characters: among equally long matches the more literal template is more specific. */
  literal: number;
}

export interface SlotValue {
  name: string;
  value: string;
  offset: number;
}

export interface TermMatch {
  term: GlossaryTerm;
  template: string;
  slots: SlotValue[];
  length: number;
}

export interface ParameterCheck {
  ok: boolean;
  /** The pattern as the glossary gives it, for messages. */
  pattern: string;
}

export interface GlossaryIndex {
  glossary: Glossary;
  /** Longest term template matching `text` at `offset` (a leading "the" allowed in English). */
  termAt(lang: Lang, text: string, offset: number): TermMatch | undefined;
  /** Longest Chinese vocabulary name or state word at `offset`, its length, or 0. */
  zhWordAt(text: string, offset: number): number;
  /** Every template of a language, for "did you mean". */
  templates(lang: Lang): readonly { term: GlossaryTerm; template: string; slots: string[] }[];
  /** Vocabulary id for a name as written (English case-insensitive), or undefined. */
  vocabulary(kind: VocabularyKind, lang: Lang, name: string): string | undefined;
  vocabularyNames(kind: VocabularyKind, lang: Lang): readonly string[];
  /** Every parameter a term's phrases and source name, in a stable order. */
  parametersOf(term: GlossaryTerm): readonly string[];
  checkParameter(name: string, value: string): ParameterCheck;
  /** A value matching the parameter's pattern, for messages that show the fix. */
  sampleValue(name: string): string;
}

const placeholder = /\{([^}]*)\}/g;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Names compared the way the language's readers do: English ignores case and extra spaces, Chinese all spaces. */
export function normaliseName(lang: Lang, text: string): string {
  return lang === 'en' ? text.trim().replace(/\s+/g, ' ').toLowerCase() : text.replace(/\s+/g, '');
}

function compileTemplate(term: GlossaryTerm, template: string, lang: Lang): TemplateMatcher {
  const slots: string[] = [];
  let source = '';
  let literal = 0;
  let last = 0;
  const slotChars = lang === 'en' ? '[\\p{L}\\p{N}_-]+' : '[A-Za-z0-9_-]+';
  const space = lang === 'en' ? '\\s+' : '\\s*';
  const literalPart = (text: string) => {
    literal += text.replace(/\s+/g, '').length;
    return text.split(/(\s+)/).map((piece) => (/^\s+$/.test(piece) ? space : escape(piece))).join('');
  };
  for (const match of template.matchAll(placeholder)) {
    source += literalPart(template.slice(last, match.index));
    // Chinese writes Latin values between characters with or without spaces (焊枪 G1 焊点数).
    source += lang === 'zh' ? `\\s*(${slotChars})\\s*` : `(${slotChars})`;
    slots.push(match[1]!);
    last = match.index + match[0].length;
  }
  source += literalPart(template.slice(last));
  if (lang === 'zh') source = source.replace(/^\\s\*|\\s\*$/g, '');
  const startsWithThe = /^the\s/i.test(template);
  const prefix = lang === 'en' && !startsWithThe ? '(?:the\\s+)?' : '';
  // A term ends at a word boundary: "weld count" must not match the start of "weld counts".
  const suffix = lang === 'en' ? '(?![\\p{L}\\p{N}_-])' : /[A-Za-z0-9_-]$/.test(template.replace(placeholder, 'X')) ? '(?![A-Za-z0-9_-])' : '';
  return { term, template, sticky: new RegExp(`${prefix}${source}${suffix}`, 'diuy'), slots, literal };
}

/** A regular expression that never throws: a glossary pattern that does not compile matches nothing. */
function safePattern(pattern: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return undefined;
  }
}

/** A value the simple patterns glossaries use accept (`B1[0-7]` -> B10, `W[0-9]{1,2}` -> W0). */
export function samplePattern(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) break;
      const body = pattern.slice(i + 1, end).replace(/^\^/, '');
      out += body.startsWith('\\d') ? '0' : body[0] ?? '';
      i = end;
    } else if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      out += next === 'd' ? '0' : next === 'w' ? 'a' : next;
      i++;
    } else if (c === '{') {
      const end = pattern.indexOf('}', i);
      const repeat = Number(/^\{(\d+)/.exec(pattern.slice(i))?.[1] ?? 1);
      out += out.slice(-1).repeat(Math.max(0, repeat - 1));
      i = end < 0 ? pattern.length : end;
    } else if (c === '|') {
      break;
    } else if (c === '?' || c === '*') {
      out = out.slice(0, -1);
    } else if (!'()+^$'.includes(c)) {
      out += c;
    }
  }
  return safePattern(pattern)?.test(out) ? out : `{${pattern}}`;
}

function buildIndex(glossary: Glossary): GlossaryIndex {
  const matchers: Record<Lang, TemplateMatcher[]> = { en: [], zh: [] };
  for (const term of glossary.terms) {
    for (const lang of ['en', 'zh'] as const) {
      for (const template of term[lang]) matchers[lang].push(compileTemplate(term, template, lang));
    }
  }
  const patterns = new Map(Object.entries(glossary.parameters).map(([name, p]) => [name, safePattern(p.pattern)]));
  const vocab = new Map<string, string>();
  const vocabNames = new Map<string, string[]>();
  for (const kind of vocabularyKinds) {
    for (const lang of ['en', 'zh'] as const) {
      const names: string[] = [];
      for (const entry of glossary[kind]) {
        for (const name of entry[lang]) {
          const key = `${kind}/${lang}/${normaliseName(lang, name)}`;
          if (!vocab.has(key)) vocab.set(key, entry.id);
          names.push(name);
        }
      }
      vocabNames.set(`${kind}/${lang}`, names);
    }
  }
  const zhWords = [...new Set([
    ...vocabularyKinds.flatMap((kind) => glossary[kind].flatMap((entry) => entry.zh)),
    ...glossary.terms.flatMap((term) => term.states?.zh ?? []),
  ])].filter((w) => w.length > 0).sort((a, b) => b.length - a.length);
  const parameters = new Map(glossary.terms.map((term) => {
    const source = 'fact' in term.source ? term.source.fact : `${term.source.device} ${term.source.tag}`;
    const names = [...term.en, ...term.zh, source].flatMap((text) => [...text.matchAll(placeholder)].map((m) => m[1]!));
    return [term, [...new Set(names)]] as const;
  }));

  return {
    glossary,
    termAt(lang, text, offset) {
      let best: { matcher: TemplateMatcher; match: RegExpExecArray } | undefined;
      for (const matcher of matchers[lang]) {
        matcher.sticky.lastIndex = offset;
        const match = matcher.sticky.exec(text);
        if (!match || match[0].length === 0) continue;
        if (!best || match[0].length > best.match[0].length || (match[0].length === best.match[0].length && matcher.literal > best.matcher.literal)) {
          best = { matcher, match };
        }
      }
      if (!best) return undefined;
      const { matcher, match } = best;
      const slots: SlotValue[] = [];
      matcher.slots.forEach((name, i) => {
        slots.push({ name, value: match[i + 1] ?? '', offset: match.indices?.[i + 1]?.[0] ?? offset });
      });
      return { term: matcher.term, template: matcher.template, slots, length: match[0].length };
    },
    zhWordAt(text, offset) {
      for (const word of zhWords) if (text.startsWith(word, offset)) return word.length;
      return 0;
    },
    templates(lang) {
      return matchers[lang];
    },
    vocabulary(kind, lang, name) {
      return vocab.get(`${kind}/${lang}/${normaliseName(lang, name)}`);
    },
    vocabularyNames(kind, lang) {
      return vocabNames.get(`${kind}/${lang}`) ?? [];
    },
    parametersOf(term) {
      return parameters.get(term) ?? [];
    },
    checkParameter(name, value) {
      const declared = glossary.parameters[name];
      if (!declared) return { ok: true, pattern: '' };
      const regex = patterns.get(name);
      return { ok: regex !== undefined && regex.test(value), pattern: declared.pattern };
    },
    sampleValue(name) {
      const declared = glossary.parameters[name];
      return declared ? samplePattern(declared.pattern) : name.toUpperCase();
    },
  };
}

const cache = new WeakMap<Glossary, GlossaryIndex>();

export function glossaryIndex(glossary: Glossary): GlossaryIndex {
  let index = cache.get(glossary);
  if (!index) {
    index = buildIndex(glossary);
    cache.set(glossary, index);
  }
  return index;
}
