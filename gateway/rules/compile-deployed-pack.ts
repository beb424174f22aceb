/**
 * A rule pack as the cloud deploys it (rules.apply) or the site file names it, compiled on the
 * gateway: the glossary checked, the pack checked against the pack schema, then every rule parsed
 * (both languages when given), checked and compiled by rules/compile-pack.ts. Either every rule
 * compiles or the problems of all of them come back, placed as the cloud shows them:
 * `{ path: 'active.rules.<id>', message: '<line>:<col>: <message> (<lang> text)' }`.
 */
import type { CommandProblem, DeployedPack, PackRef } from '../../connectors/edge-link/index.ts';
import { compilePack } from '../../rules/compile-pack.ts';
import type { CompiledRule } from '../../rules/compiled-rule.ts';
import { parseGlossary } from '../../rules/glossary.ts';
import { rulePackSchema } from '../../rules/rule-pack.ts';

export type PackMode = 'active' | 'shadow';

export interface CompiledPack {
  ref: PackRef;
  rules: CompiledRule[];
}

export type CompileOutcome = { ok: true; pack: CompiledPack } | { ok: false; problems: CommandProblem[] };

export function compileDeployedPack(deployed: DeployedPack, mode: PackMode): CompileOutcome {
  const glossary = parseGlossary(deployed.glossary);
  if (!glossary.ok) {
    return { ok: false, problems: glossary.problems.map((p) => ({ path: `${mode}.glossary.${p.path}`, message: p.message })) };
  }
  const source = rulePackSchema.safeParse({ ...deployed, glossary: undefined });
  if (!source.success) {
    return { ok: false, problems: source.error.issues.map((i) => ({ path: [mode, ...i.path.map(String)].join('.'), message: i.message })) };
  }
  let compiled: ReturnType<typeof compilePack>;
  try {
    compiled = compilePack(source.data, glossary.glossary);
  } catch (error) {
    // compilePack reports problems rather than throw; an exception is a bug there, still not ours to die of.
    return { ok: false, problems: [{ path: `${mode}.rules`, message: `the rule compiler failed: ${(error as Error).message}` }] };
  }
  if (!compiled.ok) {
    return {
      ok: false,
      problems: compiled.problems.map((p) => ({
        path: p.rule ? `${mode}.rules.${p.rule}` : mode,
        message: `${p.line}:${p.col}: ${p.message} (${p.lang} text)`,
      })),
    };
  }
  return { ok: true, pack: { ref: { pack: deployed.pack, version: deployed.version }, rules: compiled.rules } };
}
