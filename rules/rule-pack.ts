/**
 * A rule pack: the versioned unit a site releases (sandbox -> grey -> production) and a gateway
 * runs. It holds rules as the expert wrote them (English, Chinese or both; when both are given
 * they must parse to the same AST), the examples each rule must pass, and facts (master data such
 * as an insert's rated life) that rules may read. The glossary travels beside the pack.
 *
 * File form (`*.rules.yaml`, see rules/library/):
 *
 *   pack: demo-plant
 *   version: 1
 *   glossary: demo-plant.glossary.yaml     # path relative to this file (the CLI reads it)
 *   facts: { tooling.IMM-01.insertLifeShots: 9000 }
 *   rules:
 *     - id: electrode-cap-g1
 *       en: When weld gun G1 weld count reaches 1247 and sheet thickness is at least 1.8 mm, ...
 *       zh: 当焊枪G1焊点数达到1247且板材厚度不小于1.8mm时，...
 *       examples:
 *         - name: fires at the 1247th weld on 1.8 mm sheet
 *           given:
 *             - { at: 0s, values: { weld-cell/G1/weld-count: 1246, weld-cell/G1/sheet-thickness: 1.8 } }
 *             - { at: 1s, values: { weld-cell/G1/weld-count: 1247 } }
 *           expect:
 *             - { at: 1s, effect: { kind: requestSparePart, item: electrode-cap, quantity: 1 } }
 *             - { at: 1s, effect: { kind: reserve, station: W3 } }
 *
 * An example's `expect` is the complete list of effects over its whole timeline, in order: an
 * effect not listed fails the example, so "expect: []" says the rule must stay quiet.
 */
import { z } from 'zod';

/** `1500`, `"1500ms"`, `"1.5s"`, `"5min"`, `"2h"`, `"3d"` -> milliseconds. */
export function parseOffsetMs(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|h|d)\s*$/.exec(value);
  if (!match) return undefined;
  const factor = { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'min' | 'h' | 'd'];
  return Number(match[1]) * factor;
}

const offset = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = parseOffsetMs(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a time offset; expected milliseconds or a number with ms, s, min, h or d (e.g. 5min)` });
    return z.NEVER;
  }
  return ms;
});

const inputValue = z.union([z.number(), z.boolean(), z.string(), z.null()]);

export const exampleSchema = z.strictObject({
  name: z.string().min(1),
  /** Wall-clock start of the example (ms since epoch); default 2026-01-05T00:00:00Z, a Monday. */
  startAt: z.number().int().nonnegative().optional(),
  given: z.array(z.strictObject({
    at: offset,
    /** Input key (`device/tag` or `fact:name`) -> value; a value given as `{ value, quality }` sets its quality. */
    values: z.record(z.string(), z.union([inputValue, z.strictObject({ value: inputValue, quality: z.enum(['good', 'uncertain', 'bad']) })])).default({}),
  })).min(1),
  /** Run the timeline until this offset (default: the last given step), so timers can expire. */
  until: offset.optional(),
  expect: z.array(z.strictObject({ at: offset, effect: z.record(z.string(), z.unknown()) })),
});
export type RuleExample = z.infer<typeof exampleSchema>;

export const ruleSourceSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'expected a lower-case id such as electrode-cap-g1'),
  title: z.string().optional(),
  en: z.string().min(1).optional(),
  zh: z.string().min(1).optional(),
  examples: z.array(exampleSchema).default([]),
}).refine((r) => r.en !== undefined || r.zh !== undefined, { message: 'give the rule text as en, zh or both' });
export type RuleSource = z.infer<typeof ruleSourceSchema>;

export const rulePackSchema = z.strictObject({
  pack: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'expected a lower-case pack name such as demo-plant'),
  version: z.number().int().positive(),
  /** In a file: a path relative to it; in a deployed pack: the glossary object itself. */
  glossary: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  facts: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])).default({}),
  rules: z.array(ruleSourceSchema).min(1),
});
export type RulePackSource = z.infer<typeof rulePackSchema>;
