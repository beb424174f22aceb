/**
 * The site glossary (semantic dictionary): the expert's words, English and Chinese with synonyms,
 * mapped to gateway tags or to facts (entity attributes such as a scanned batch's remaining shelf
 * life), with their type and unit; and the vocabularies actions name (roles, spare-part items,
 * operations, approval flows, recommendations). A rule's terms are resolved against it, so the
 * rule text never names an address.
 *
 * Templates carry parameters in braces: `temperature of shelf {shelf}` matches
 * `temperature of shelf B12` with `shelf = B12` when B12 matches the parameter's pattern. A
 * template that leaves a parameter out (`sheet thickness`) takes its value from the rule's other
 * terms (`weld gun G1 weld count` gives gun = G1); docs/rule-language.md has the details.
 */
import { z } from 'zod';
import { unitSymbols } from './units.ts';

const id = z.string().regex(/^[a-z][a-z0-9-]*$/, 'expected a lower-case id such as weld-count (letters, digits, -)');
const phrases = z.array(z.string().trim().min(1)).min(1, 'give at least one phrase');

export const parameterSchema = z.strictObject({
  /** location: a place stock sits or a block applies (shelf B12); station: a work station (W3); other: anything else (gun G1). */
  kind: z.enum(['location', 'station', 'other']),
  /** A regular expression the value must match in full, e.g. `B1[0-7]` or `G[1-3]`. */
  pattern: z.string().min(1),
  description: z.string().optional(),
});
export type GlossaryParameter = z.infer<typeof parameterSchema>;

const unit = z.string().refine((u) => unitSymbols.has(u), { message: `expected a unit symbol of rules/units.ts, e.g. °C, mm, kg, s, min, d, count` });

export const termSchema = z.strictObject({
  id,
  en: phrases,
  zh: phrases,
  /**
   * Where the value comes from: a gateway tag (`device` is the connector name, `tag` the tag name,
   * both may hold `{param}`), or a fact the gateway supplies (`scan.remainingShelfLifeDays`,
   * master data).
   */
  source: z.union([
    z.strictObject({ device: z.string().min(1), tag: z.string().min(1) }),
    z.strictObject({ fact: z.string().regex(/^[a-z][A-Za-z0-9]*(\.([a-z][A-Za-z0-9]*|\{[a-z][A-Za-z0-9]*\}))*$/, 'expected a dotted name such as scan.remainingShelfLifeDays or tooling.{machine}.insertLifeShots') }),
  ]),
  type: z.enum(['number', 'boolean', 'string']),
  /** Unit of the value as the source delivers it; absent for counts and plain numbers. */
  unit: unit.optional(),
  /** Whether a rule may write it (`set ... to ...`); default false. */
  writable: z.boolean().default(false),
  /**
   * Each new value is an occurrence of its own (a scan), not a level: a rule reading it decides
   * afresh on every value, so two near-expiry batches scanned in a row both get "ship first".
   */
  event: z.boolean().default(false),
  /** Values the source can take, e.g. [-40, 60] for a shelf sensor: a rule that needs others can never fire. */
  range: z.tuple([z.number(), z.number()]).optional(),
  /** Words for the true and false states of a boolean term, e.g. en [open, closed], zh [打开, 关闭]. */
  states: z.strictObject({ en: z.tuple([z.string(), z.string()]), zh: z.tuple([z.string(), z.string()]) }).optional(),
});
export type GlossaryTerm = z.infer<typeof termSchema>;

export const vocabularyEntrySchema = z.strictObject({ id, en: phrases, zh: phrases });
export type VocabularyEntry = z.infer<typeof vocabularyEntrySchema>;

export const vocabularyKinds = ['roles', 'items', 'operations', 'flows', 'recommendations'] as const;
export type VocabularyKind = (typeof vocabularyKinds)[number];

export const glossarySchema = z.strictObject({
  version: z.number().int().positive(),
  parameters: z.record(z.string().regex(/^[a-z][a-zA-Z0-9]*$/, 'expected a parameter name such as shelf'), parameterSchema).default({}),
  terms: z.array(termSchema).min(1),
  roles: z.array(vocabularyEntrySchema).default([]),
  items: z.array(vocabularyEntrySchema).default([]),
  operations: z.array(vocabularyEntrySchema).default([]),
  flows: z.array(vocabularyEntrySchema).default([]),
  recommendations: z.array(vocabularyEntrySchema).default([]),
});
export type Glossary = z.infer<typeof glossarySchema>;
export type GlossaryInput = z.input<typeof glossarySchema>;

export interface GlossaryProblem {
  /** Dotted path into the glossary, e.g. `terms.3.en.0`. */
  path: string;
  message: string;
}

/**
 * A checked glossary, or every problem at once: schema errors, duplicate ids, a template naming
 * an undeclared parameter, a parameter pattern that is not a valid regular expression.
 */
export function parseGlossary(input: unknown): { ok: true; glossary: Glossary } | { ok: false; problems: GlossaryProblem[] } {
  const parsed = glossarySchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })) };
  }
  const glossary = parsed.data;
  const problems: GlossaryProblem[] = [];
  for (const [name, parameter] of Object.entries(glossary.parameters)) {
    try {
      new RegExp(`^(?:${parameter.pattern})$`, 'u');
    } catch (error) {
      problems.push({ path: `parameters.${name}.pattern`, message: `not a regular expression: ${(error as Error).message}` });
    }
  }
  const seen = new Set<string>();
  glossary.terms.forEach((term, i) => {
    if (seen.has(term.id)) problems.push({ path: `terms.${i}.id`, message: `duplicate term id "${term.id}"; ids must be unique` });
    seen.add(term.id);
    for (const lang of ['en', 'zh'] as const) {
      term[lang].forEach((phrase, j) => {
        for (const [, name] of phrase.matchAll(/\{([^}]*)\}/g)) {
          if (!(name! in glossary.parameters)) {
            problems.push({ path: `terms.${i}.${lang}.${j}`, message: `unknown parameter {${name}}; declare it under parameters (e.g. ${name}: { kind: other, pattern: "[A-Z][0-9]+" })` });
          }
        }
      });
    }
    const sourceText = 'fact' in term.source ? term.source.fact : `${term.source.device} ${term.source.tag}`;
    for (const [, name] of sourceText.matchAll(/\{([^}]*)\}/g)) {
      if (!term.en.some((p) => p.includes(`{${name}}`))) {
        problems.push({ path: `terms.${i}.source`, message: `the source uses {${name}} but no English phrase of the term names it` });
      }
    }
    if (term.type !== 'number' && term.unit) problems.push({ path: `terms.${i}.unit`, message: `a ${term.type} term has no unit; remove unit or set type: number` });
  });
  for (const kind of vocabularyKinds) {
    const ids = new Set<string>();
    glossary[kind].forEach((entry, i) => {
      if (ids.has(entry.id)) problems.push({ path: `${kind}.${i}.id`, message: `duplicate ${kind} id "${entry.id}"` });
      ids.add(entry.id);
    });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, glossary };
}

/** The runtime key of a term's value: `device/tag` for a tag, `fact:name` for a fact, parameters filled in. */
export function inputKeyOf(term: GlossaryTerm, args: Readonly<Record<string, string>>): string {
  const fill = (s: string) => s.replace(/\{([^}]*)\}/g, (_, name: string) => args[name] ?? `{${name}}`);
  return 'fact' in term.source ? `fact:${fill(term.source.fact)}` : `${fill(term.source.device)}/${fill(term.source.tag)}`;
}
