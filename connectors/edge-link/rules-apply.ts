/**
 * The `rules.apply` command (cloud -> gateway) and what a gateway reports about its rules: the
 * rule packs a gateway runs, as desired state. `active` runs live (its effects are carried out);
 * `shadow` runs beside it on the same values with its effects only logged (sent north as
 * `rule.shadow` events) so a candidate can be compared with the current version before release.
 * Either may be null (no pack). A gateway applies the whole desired state or nothing, keeps it in
 * its data directory so it runs after a restart without the cloud, and acknowledges with the
 * versions it now runs.
 */
import { z } from 'zod';

/** A rule pack as deployed: the source rules (the gateway compiles them itself) with the glossary inline. */
export const deployedPackSchema = z.object({
  pack: z.string().min(1).max(64),
  version: z.number().int().positive(),
  glossary: z.record(z.string(), z.unknown()),
  facts: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])).default({}),
  rules: z.array(z.object({ id: z.string().min(1), en: z.string().optional(), zh: z.string().optional() })).min(1),
});
export type DeployedPack = z.infer<typeof deployedPackSchema>;

export const rulesApplyArgsSchema = z.strictObject({
  active: deployedPackSchema.nullable(),
  shadow: deployedPackSchema.nullable(),
});
export type RulesApplyArgs = z.infer<typeof rulesApplyArgsSchema>;

/** A pack's identity as gateways report it. */
export interface PackRef {
  pack: string;
  version: number;
}

/** The result of an accepted `rules.apply`, and the `rules` part of a gateway's config report. */
export interface RulesReport {
  active: PackRef | null;
  shadow: PackRef | null;
}

export const rulesReportSchema = z.object({
  active: z.object({ pack: z.string(), version: z.number().int() }).nullable(),
  shadow: z.object({ pack: z.string(), version: z.number().int() }).nullable(),
});

/** Body of a `rule.action` (live) or `rule.shadow` (logged only) edge event. */
export interface RuleActionEventBody {
  pack: string;
  version: number;
  rule: string;
  /** The effect (rules/compiled-rule.ts RuleEffect). */
  effect: { kind: string; [key: string]: unknown };
  /** Whether the gateway carried it out: 'done', 'failed' (with error), or 'logged' in shadow mode. */
  outcome: 'done' | 'failed' | 'logged';
  error?: string;
  /** The input values the decision was made on, key -> value. */
  inputs: Record<string, number | boolean | string | null>;
}
