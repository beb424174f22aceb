/**
 * `edgestock rules compile FILE` and `edgestock rules test FILE`: a rule pack file
 * (`*.rules.yaml`, or a text file with one rule per line and `--glossary`) compiled to Structured
 * Text, the JS plan, the AST or the canonical English and Chinese text; or its examples run.
 * Problems print as `file:line:col: message` (the place in FILE, as compilers report) and exit 1.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../config/config-error.ts';
import { lineColAt, readGlossaryFile, readRulePackFile, type RulePackFile } from '../../config/rule-pack-file.ts';
import { compilePack, runPackExamples } from '../../rules/compile-pack.ts';
import { compileSt } from '../../rules/compile-st/compile-st.ts';
import { renderJsPreview } from '../../rules/compile-js/js-plan.ts';
import { parseGlossary, type Glossary } from '../../rules/glossary.ts';
import { renderRule } from '../../rules/render/render-rule.ts';
import { rulePackSchema, type RulePackSource } from '../../rules/rule-pack.ts';

export type RulesTarget = 'st' | 'js' | 'ast' | 'text';

interface LoadedPack {
  file: RulePackFile;
  pack: RulePackSource;
  glossary: Glossary;
}

class UsageError extends Error {}

function fail(lines: string[]): never {
  for (const line of lines) process.stderr.write(`${line}\n`);
  process.exit(1);
}

/** A one-rule-per-line text file: each non-empty line not starting with # is a rule `line-<n>`. */
function readTextRules(path: string, glossaryPath: string): RulePackFile {
  const text = readFileSync(path, 'utf8');
  const places = new Map<string, { offset: number; exact: boolean }>();
  const rules: Array<{ id: string; en?: string; zh?: string }> = [];
  let offset = 0;
  text.split('\n').forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed && !trimmed.startsWith('#')) {
      const lang = /^\s*当/.test(line) ? 'zh' : 'en';
      places.set(`${rules.length}.${lang}`, { offset, exact: true });
      rules.push({ id: `line-${i + 1}`, [lang]: line });
    }
    offset += line.length + 1;
  });
  return { path, text, places, pack: { pack: 'rules', version: 1, rules }, glossaryPath, glossary: readGlossaryFile(glossaryPath) };
}

function load(path: string, glossaryPath?: string): LoadedPack {
  const isYaml = /\.ya?ml$/i.test(path);
  if (!isYaml && !glossaryPath) throw new UsageError(`${path}: a text file of rules needs --glossary FILE (a *.glossary.yaml)`);
  const file = isYaml ? readRulePackFile(path, glossaryPath) : readTextRules(path, glossaryPath!);
  const parsed = rulePackSchema.safeParse(file.pack);
  if (!parsed.success) fail(parsed.error.issues.map((i) => `${path}: ${i.path.join('.') || '(root)'}: ${i.message}`));
  if (file.glossary === undefined) throw new UsageError(`${path}: no glossary; name one in the pack (glossary: FILE) or give --glossary FILE`);
  const glossary = parseGlossary(file.glossary);
  if (!glossary.ok) fail(glossary.problems.map((p) => `${file.glossaryPath}: ${p.path}: ${p.message}`));
  return { file, pack: parsed.data, glossary: glossary.glossary };
}

/** `file:line:col: message` for a problem at a rule-relative position. */
function placeOf(loaded: LoadedPack, ruleId: string, lang: string, line: number, col: number, offset: number): string {
  const index = loaded.pack.rules.findIndex((r) => r.id === ruleId);
  const place = loaded.file.places.get(`${index}.${lang}`);
  if (!place) return `${loaded.file.path}:${ruleId}:${lang}:${line}:${col}`;
  const at = lineColAt(loaded.file.text, place.exact ? place.offset + offset : place.offset);
  return `${loaded.file.path}:${at.line}:${at.col}`;
}

function compileOrFail(loaded: LoadedPack) {
  const compiled = compilePack(loaded.pack, loaded.glossary);
  if (!compiled.ok) {
    fail(compiled.problems.map((p) => `${placeOf(loaded, p.rule, p.lang, p.line, p.col, p.offset)}: ${p.message} [${p.rule}]`));
  }
  return compiled;
}

function run(action: () => void): void {
  try {
    action();
  } catch (error) {
    if (error instanceof UsageError) fail([error.message]);
    if (error instanceof ConfigError) fail([error.message]);
    throw error;
  }
}

export function rulesCompileCommand(file: string, opts: { target: RulesTarget; glossary?: string }): void {
  run(() => {
    const loaded = load(file, opts.glossary);
    const compiled = compileOrFail(loaded);
    const out: string[] = [];
    for (const rule of compiled.rules) {
      const name = rule.id.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase();
      if (opts.target === 'st') out.push(compileSt(rule.ast, loaded.glossary, { name: `RULE_${name}` }));
      else if (opts.target === 'js') out.push(`// ${rule.id}\n${renderJsPreview(rule.ast, loaded.glossary, { id: rule.id, version: rule.version, facts: loaded.pack.facts })}`);
      else if (opts.target === 'ast') out.push(JSON.stringify({ id: rule.id, ast: rule.ast }, null, 2));
      else out.push(`${rule.id}\n  en: ${renderRule(rule.ast, loaded.glossary, 'en')}\n  zh: ${renderRule(rule.ast, loaded.glossary, 'zh')}`);
    }
    process.stdout.write(`${out.join('\n\n')}\n`);
  });
}

export function rulesTestCommand(file: string, opts: { glossary?: string }): void {
  run(() => {
    const loaded = load(file, opts.glossary);
    compileOrFail(loaded);
    const results = runPackExamples(loaded.pack, loaded.glossary);
    let failed = 0;
    let total = 0;
    for (const { rule, results: examples } of results) {
      for (const example of examples) {
        total++;
        if (example.ok) {
          process.stdout.write(`ok    ${rule} › ${example.name}\n`);
        } else {
          failed++;
          process.stdout.write(`FAIL  ${rule} › ${example.name}\n${example.problems.map((p) => `      ${p}`).join('\n')}\n`);
        }
      }
    }
    process.stdout.write(`${total} examples, ${total - failed} passed, ${failed} failed (${loaded.pack.rules.length} rules in ${loaded.pack.pack} v${loaded.pack.version})\n`);
    if (failed > 0) process.exit(1);
  });
}
