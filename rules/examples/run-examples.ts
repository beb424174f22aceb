/**
 * Runs a rule's examples (rules/rule-pack.ts exampleSchema): each on a fresh engine with its own
 * in-memory state, feeding the given values at their offsets and ticking at every wake time in
 * between, so a 5-minute duration fires at exactly +5 min and a streak sees each midnight. The
 * effects seen are compared with `expect`: the complete list, in order, each effect deep-equal
 * after dropping undefined fields.
 */
import type { CompiledRule, InputValue, RuleEffect } from '../compiled-rule.ts';
import type { RuleExample } from '../rule-pack.ts';
import { RuleEngine } from '../runtime/rule-engine.ts';
import { InMemoryRuleStateStore } from '../runtime/rule-state-store.ts';

/** 2026-01-05T00:00:00Z, a Monday: where an example without startAt begins. */
export const DEFAULT_EXAMPLE_START_MS = Date.UTC(2026, 0, 5);

/** A timeline longer than this many wake-ups is a rule that keeps asking to be woken. */
const MAX_WAKES = 100_000;

export interface ExampleEffect {
  /** Milliseconds after the example's start. */
  at: number;
  effect: RuleEffect;
}

export interface ExampleResult {
  name: string;
  ok: boolean;
  got: ExampleEffect[];
  problems: string[];
}

/** `360000` -> `6min`, `1500` -> `1500ms`: the largest unit that divides the offset evenly. */
export function formatOffset(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['min', 60_000], ['s', 1000]] as const) {
    if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  }
  return ms === 0 ? '0s' : `${ms}ms`;
}

/** A plain copy without undefined fields, keys sorted, so equal effects print and compare equal. */
function normalized(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalized);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = normalized(v);
  }
  return out;
}

function describe(effect: unknown): string {
  const fields = Object.entries(normalized(effect) as Record<string, unknown>).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `{ ${fields.join(', ')} }`;
}

function toInputValue(given: RuleExample['given'][number]['values'][string], ts: number): InputValue {
  if (given !== null && typeof given === 'object') return { value: given.value, quality: given.quality, ts };
  return { value: given, quality: 'good', ts };
}

function compare(expected: RuleExample['expect'], got: ExampleEffect[]): string[] {
  const problems: string[] = [];
  const count = Math.max(expected.length, got.length);
  for (let i = 0; i < count; i++) {
    const want = expected[i];
    const have = got[i];
    const place = `effect ${i + 1}`;
    if (want && !have) {
      problems.push(`${place}: expected ${describe(want.effect)} at ${formatOffset(want.at)}, but nothing more happened`);
    } else if (!want && have) {
      problems.push(`${place}: unexpected ${describe(have.effect)} at ${formatOffset(have.at)}${expected.length === 0 ? ' (the example expects the rule to stay quiet)' : ''}`);
    } else if (want && have) {
      const sameEffect = JSON.stringify(normalized(want.effect)) === JSON.stringify(normalized(have.effect));
      if (!sameEffect || want.at !== have.at) {
        problems.push(`${place}: expected ${describe(want.effect)} at ${formatOffset(want.at)}, got ${describe(have.effect)} at ${formatOffset(have.at)}`);
      }
    }
  }
  return problems;
}

function runOne(rule: CompiledRule, example: RuleExample, facts: Readonly<Record<string, number | boolean | string>>): ExampleResult {
  const start = example.startAt ?? DEFAULT_EXAMPLE_START_MS;
  const engine = new RuleEngine({ store: new InMemoryRuleStateStore(), clock: { now: () => start } });
  engine.load([rule], 'example');
  const got: ExampleEffect[] = [];
  const problems: string[] = [];
  const record = (firings: ReturnType<RuleEngine['tick']>, atMs: number) => {
    for (const firing of firings) for (const effect of firing.effects) got.push({ at: atMs - start, effect });
  };

  // The pack's facts hold from the start (an example may still set a fact of its own later).
  for (const [name, value] of Object.entries(facts)) record(engine.setFact(name, value, start), start);

  let wakes = 0;
  const advanceTo = (untilMs: number): boolean => {
    for (let wake = engine.nextWakeAt(); wake !== undefined && wake <= untilMs; wake = engine.nextWakeAt()) {
      if (++wakes > MAX_WAKES) {
        problems.push(`the rule asked to be woken more than ${MAX_WAKES} times before ${formatOffset(untilMs - start)}; its timers never settle`);
        return false;
      }
      record(engine.tick(Math.max(wake, start)), Math.max(wake, start));
    }
    return true;
  };

  const steps = [...example.given].sort((a, b) => a.at - b.at);
  const last = steps.length > 0 ? steps[steps.length - 1]!.at : 0;
  for (const step of steps) {
    const atMs = start + step.at;
    if (!advanceTo(atMs)) break;
    const values = Object.entries(step.values).map(([key, value]) => ({ key, value: toInputValue(value, atMs) }));
    record(engine.onValues(values, atMs), atMs);
  }
  if (problems.length === 0) advanceTo(start + Math.max(example.until ?? last, last));

  problems.push(...compare(example.expect, got));
  return { name: example.name, ok: problems.length === 0, got, problems };
}

/** Each example's outcome, in order. `facts` are the pack's facts (the rule may have them compiled in too). */
export function runExamples(rule: CompiledRule, examples: readonly RuleExample[], facts: Readonly<Record<string, number | boolean | string>> = {}): ExampleResult[] {
  return examples.map((example) => runOne(rule, example, facts));
}
