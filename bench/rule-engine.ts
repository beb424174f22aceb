/**
 * bench/rule-engine: the edge rule runtime on one core (Node's one thread).
 *
 * 1,000 rules written in the rule language (four shapes from the library: a range held for
 * 5 minutes, a count reaching a limit with a second condition, arithmetic on two counters, a
 * threshold) over 10,000 tags, each rule reading one or two of them. Then rounds in which every
 * one of the 10,000 tags gets a new value, fed in read-sized batches of --batch values, as the
 * gateway does per read result:
 *   - `memory`: the engine with its in-memory state store (the rule logic alone);
 *   - `sqlite`: the gateway's SQLite state store (WAL, synchronous=FULL), states that changed in
 *     a batch written in one transaction, as gateway/rules/rules-host.ts does.
 * Prints values/s (every tag change offered, most read by no rule), rule evaluations/s, CPU time
 * per evaluation, and compile time per rule (parse + check + JS closures + Structured Text).
 * eKuiper publishes about 10-12k messages/s per vCPU for comparison.
 *
 *   npm run bench -- rule-engine [--rules 1000] [--tags 10000] [--rounds 200] [--batch 500]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { SqliteRuleStateStore } from '../gateway/rules/sqlite-rule-state-store.ts';
import { checkRule } from '../rules/checker/check-rule.ts';
import type { CompiledRule, InputValue } from '../rules/compiled-rule.ts';
import { compileRule } from '../rules/compile-js/compile-rule.ts';
import { compileSt } from '../rules/compile-st/compile-st.ts';
import { parseGlossary, type Glossary } from '../rules/glossary.ts';
import { parseRule } from '../rules/parser/parse-rule.ts';
import { RuleEngine } from '../rules/runtime/rule-engine.ts';
import { InMemoryRuleStateStore, type RuleStateStore } from '../rules/runtime/rule-state-store.ts';

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    rules: { type: 'string', default: '1000' }, tags: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '200' }, batch: { type: 'string', default: '500' },
  },
});
const ruleCount = Number(args.rules);
const tagCount = Number(args.tags);
const rounds = Number(args.rounds);
const batchSize = Number(args.batch);
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

// The demo glossary's roles, items and flows, with synthetic sensors and counters numbered 0..tags-1.
const demo = parseYaml(readFileSync(new URL('../rules/library/demo-plant.glossary.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;
const parsedGlossary = parseGlossary({
  ...demo,
  parameters: { ...(demo.parameters as object), n: { kind: 'other', pattern: '[0-9]{1,6}' } },
  terms: [
    { id: 'sensor-temperature', en: ['temperature of sensor {n}'], zh: ['传感器{n}温度'], source: { device: 'bench', tag: 'sensor-{n}' }, type: 'number', unit: '°C', range: [-40, 60] },
    { id: 'counter-count', en: ['count of counter {n}'], zh: ['计数器{n}计数'], source: { device: 'bench', tag: 'counter-{n}' }, type: 'number', range: [0, 1e9] },
  ],
});
if (!parsedGlossary.ok) throw new Error(JSON.stringify(parsedGlossary.problems));
const glossary: Glossary = parsedGlossary.glossary;

// Tags 0..tags/2-1 are temperature sensors, the rest counters.
const sensors = Math.floor(tagCount / 2);
const sensor = (i: number) => i % sensors;
const counter = (i: number) => sensors + (i % (tagCount - sensors));
const shapes = [
  (i: number) => `When the temperature of sensor ${sensor(i)} is outside 2 to 8 °C for 5 minutes, block put-away at B12 and alert QA.`,
  (i: number) => `When count of counter ${counter(i)} reaches ${1000 + (i % 50)} and the temperature of sensor ${sensor(i + 1)} is at least 1.8 °C, request spare part "electrode cap" and reserve station W3.`,
  (i: number) => `When count of counter ${counter(i)} minus count of counter ${counter(i + 7)} is at most 500, alert tooling.`,
  (i: number) => `When the temperature of sensor ${sensor(i)} exceeds 15 °C, start approval "re-melt".`,
];

progress(`compiling ${ruleCount} rules`);
const compileMs: number[] = [];
const parseMs: number[] = [];
const rules: CompiledRule[] = [];
const stBytes: number[] = [];
for (let i = 0; i < ruleCount; i++) {
  const text = shapes[i % shapes.length]!(i);
  const t0 = performance.now();
  const parsed = parseRule(text, glossary, { lang: 'en' });
  const t1 = performance.now();
  if (!parsed.ok) throw new Error(`${text}: ${parsed.problems[0]!.message}`);
  const problems = checkRule(parsed.ast, glossary);
  if (problems.length > 0) throw new Error(`${text}: ${problems[0]!.message}`);
  rules.push(compileRule(parsed.ast, glossary, { id: `r${i}`, version: 1 }));
  stBytes.push(compileSt(parsed.ast, glossary, { name: `RULE_${i}` }).length);
  compileMs.push(performance.now() - t0);
  parseMs.push(t1 - t0);
}
const sortedCompile = [...compileMs].sort((a, b) => a - b);

/** Every tag changes each round: temperatures walk around 2-8 °C and out, counters climb. */
function roundValues(r: number, ts: number): Array<{ key: string; value: InputValue }> {
  const values: Array<{ key: string; value: InputValue }> = [];
  for (let i = 0; i < tagCount; i++) {
    const isSensor = i < sensors;
    const value = isSensor ? 5 + 6 * Math.sin((i * 7 + r) / 5) : 900 + r * 10 + (i % 13);
    values.push({ key: `bench/${isSensor ? `sensor-${i}` : `counter-${i}`}`, value: { value, quality: 'good', ts } });
  }
  return values;
}

function run(label: string, store: RuleStateStore & { flush?: () => number }) {
  const engine = new RuleEngine({ store, autoSave: false });
  engine.load(rules, 'active');
  // Warm-up round (JIT), not measured.
  for (let b = 0; b < tagCount; b += batchSize) engine.onValues(roundValues(-1, 0).slice(b, b + batchSize), 0);
  engine.save();
  store.flush?.();
  const before = engine.stats();
  const inputs = Array.from({ length: rounds }, (_, r) => roundValues(r, (r + 1) * 1000));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let effects = 0;
  for (let r = 0; r < rounds; r++) {
    const values = inputs[r]!;
    const nowMs = (r + 1) * 60_000;
    for (let b = 0; b < values.length; b += batchSize) {
      for (const firing of engine.onValues(values.slice(b, b + batchSize), nowMs)) effects += firing.effects.length;
      engine.save();
      store.flush?.();
    }
    for (const firing of engine.tick(nowMs)) effects += firing.effects.length;
    engine.save();
    store.flush?.();
    if ((r + 1) % 50 === 0) progress(`${label}: round ${r + 1}/${rounds}`);
  }
  const elapsedS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const after = engine.stats();
  const evaluations = after.evaluations - before.evaluations;
  return {
    store: label,
    valuesOffered: rounds * tagCount,
    valuesPerS: Math.round((rounds * tagCount) / elapsedS),
    evaluations,
    evaluationsPerS: Math.round(evaluations / elapsedS),
    cpuUsPerEvaluation: round((cpu.user + cpu.system) / evaluations, 3),
    cpuShareOfOneCore: round((cpu.user + cpu.system) / 1e6 / elapsedS),
    effects,
    seconds: round(elapsedS, 3),
  };
}

const memory = run('memory', new InMemoryRuleStateStore());
const dir = mkdtempSync(join(tmpdir(), 'edgestock-bench-rules-'));
let sqlite;
try {
  const store = new SqliteRuleStateStore({ path: join(dir, 'rule-states.sqlite'), clock: { now: () => Date.now() } });
  sqlite = run('sqlite', store);
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

process.stdout.write(`${JSON.stringify({
  rules: ruleCount,
  tags: tagCount,
  rounds,
  batch: batchSize,
  runtime: [memory, sqlite],
  compilePerRuleMs: {
    mean: round(compileMs.reduce((a, b) => a + b, 0) / compileMs.length, 3),
    p50: round(percentile(sortedCompile, 50), 3),
    p99: round(percentile(sortedCompile, 99), 3),
    parseMean: round(parseMs.reduce((a, b) => a + b, 0) / parseMs.length, 3),
    first: round(compileMs[0]!, 3),
  },
  stBytesMean: Math.round(stBytes.reduce((a, b) => a + b, 0) / stBytes.length),
  comparison: 'eKuiper: about 10-12k messages/s per vCPU',
}, null, 2)}\n`);
