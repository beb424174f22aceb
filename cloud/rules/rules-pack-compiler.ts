/**
 * PackCompiler over rules/compile-pack.ts: both languages parsed and compared, checked, compiled,
 * and every example run. A problem in a rule text is placed as `rules.<index>.<lang>` with the
 * text's own `line:col`, so the editor can underline it.
 */
import { compilePack, runPackExamples } from '../../rules/compile-pack.ts';
import type { Glossary } from '../../rules/glossary.ts';
import type { RulePackSource } from '../../rules/rule-pack.ts';
import type { PackCompileResult, PackCompiler } from './pack-compiler.ts';

export const rulesPackCompiler: PackCompiler = {
  compile(pack: RulePackSource, glossary: Glossary): PackCompileResult {
    const compiled = compilePack(pack, glossary);
    if (!compiled.ok) {
      return {
        ok: false,
        problems: compiled.problems.map((p) => {
          const index = pack.rules.findIndex((r) => r.id === p.rule);
          return { path: index < 0 ? 'rules' : `rules.${index}.${p.lang}`, message: `${p.line}:${p.col}: ${p.message}` };
        }),
      };
    }
    const examples = runPackExamples(pack, glossary).flatMap(({ rule, results }) =>
      results.map(({ name, ok, ...detail }) => ({ rule, name, passed: ok, detail })));
    return { ok: true, rules: compiled.rules.map((r) => ({ id: r.id, inputs: [...r.inputs] })), examples };
  },
};
