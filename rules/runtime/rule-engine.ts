/**
 * The pure rule runtime: compiled rules indexed by the input keys they read, the latest value of
 * every input, each rule's state (loaded from and saved to an injected RuleStateStore), and the
 * times rules asked to be woken. A value change evaluates only the rules that read that key, so
 * 1,000 rules over 10,000 tags cost a map lookup per value, not a scan. No I/O and no timers:
 * the host calls onValues() when values arrive and tick() at nextWakeAt().
 *
 * Rule keys: `<namespace>/<rule id>#<fingerprint of the rule's AST without positions>`. The
 * namespace separates the active pack from a shadow pack. A restart of the same version finds its
 * state again; a new pack version whose rule is unchanged keeps the state too (a warning that
 * already fired at shot 8500 does not fire again because version 2 changed another rule), while
 * a changed rule starts fresh.
 *
 * Saving: a state is saved only when an evaluation changed it (its JSON differs). By default all
 * states changed by one onValues/tick call are saved at its end, in one saveMany. A host that
 * must record effects before the state that produced them (the gateway emits events first, so a
 * crash re-emits the same idempotent ids) passes `autoSave: false` and calls save() itself.
 */
import { withoutPositions } from '../ast.ts';
import type { CompiledRule, InputValue, RuleEffect, RuleState } from '../compiled-rule.ts';
import type { RuleStateStore } from './rule-state-store.ts';

export interface Clock {
  now(): number;
}

export interface RuleEvaluationError {
  namespace: string;
  rule: CompiledRule;
  ruleKey: string;
  error: unknown;
}

export interface RuleEngineOptions {
  store: RuleStateStore;
  /** Time for calls that do not pass nowMs; default Date.now. */
  clock?: Clock;
  /** Save changed states at the end of each onValues/tick/setFact (default true); false: call save(). */
  autoSave?: boolean;
  /** A rule that throws (a bug) keeps its previous state and the others still run; this hears about it. */
  onError?: (error: RuleEvaluationError) => void;
}

/** One rule's effects from one evaluation, with the inputs it saw. */
export interface RuleFiring {
  namespace: string;
  rule: CompiledRule;
  ruleKey: string;
  effects: RuleEffect[];
  /** The rule's inputs as they were at the evaluation (missing ones left out). */
  inputs: Record<string, InputValue>;
  /** The rule's `firings` counter after this evaluation (the gateway derives idempotent event ids from it). */
  firings: number;
  atMs: number;
}

export interface RuleEngineStats {
  rules: number;
  /** Distinct input keys the loaded rules read. */
  inputs: number;
  /** Input keys with a value held. */
  values: number;
  evaluations: number;
  /** Evaluations that produced effects. */
  firings: number;
  errors: number;
}

interface Entry {
  namespace: string;
  rule: CompiledRule;
  key: string;
  order: number;
  state: RuleState;
  /** The state as last saved or loaded, to tell whether an evaluation changed it. */
  json: string;
  /** Tag inputs (not facts): a timer is not run before each has been seen since load. */
  tagInputs: readonly string[];
  wakeAt: number | undefined;
}

/** A short stable fingerprint (two 32-bit FNV-1a style hashes) of a text. */
function fingerprint(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x3c6ef372;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** The store key of a rule's state (see the file comment). */
export function ruleKeyOf(namespace: string, rule: CompiledRule): string {
  return `${namespace}/${rule.id}#${fingerprint(JSON.stringify(withoutPositions(rule.ast)))}`;
}

export class RuleEngine {
  private readonly store: RuleStateStore;
  private readonly clock: Clock;
  private readonly autoSave: boolean;
  private readonly onError: ((error: RuleEvaluationError) => void) | undefined;
  private readonly namespaces = new Map<string, Entry[]>();
  private readonly byInput = new Map<string, Entry[]>();
  private readonly values = new Map<string, InputValue>();
  private readonly dirty = new Set<Entry>();
  private readonly waking = new Set<Entry>();
  private nextOrder = 0;
  private counts = { evaluations: 0, firings: 0, errors: 0 };

  constructor(options: RuleEngineOptions) {
    this.store = options.store;
    this.clock = options.clock ?? { now: () => Date.now() };
    this.autoSave = options.autoSave ?? true;
    this.onError = options.onError;
  }

  /** Loads (or replaces) the rules of one namespace, each with its stored state or a fresh one. */
  load(rules: readonly CompiledRule[], namespace: string): void {
    const ids = new Set<string>();
    for (const rule of rules) {
      if (ids.has(rule.id)) throw new Error(`two rules with id "${rule.id}" in namespace "${namespace}"; rule ids must be unique within a pack`);
      ids.add(rule.id);
    }
    this.unload(namespace);
    const entries = rules.map((rule): Entry => {
      const key = ruleKeyOf(namespace, rule);
      const state = this.store.load(key) ?? rule.initialState();
      const entry: Entry = {
        namespace, rule, key, order: this.nextOrder++, state, json: JSON.stringify(state),
        tagInputs: rule.inputs.filter((k) => !k.startsWith('fact:')), wakeAt: undefined,
      };
      this.updateWake(entry);
      for (const input of rule.inputs) {
        const list = this.byInput.get(input);
        if (list) list.push(entry);
        else this.byInput.set(input, [entry]);
      }
      return entry;
    });
    this.namespaces.set(namespace, entries);
  }

  /** Drops a namespace's rules (unsaved state changes are saved first). */
  unload(namespace: string): void {
    const entries = this.namespaces.get(namespace);
    if (!entries) return;
    this.save();
    const gone = new Set(entries);
    for (const [input, list] of this.byInput) {
      const kept = list.filter((e) => !gone.has(e));
      if (kept.length === 0) this.byInput.delete(input);
      else this.byInput.set(input, kept);
    }
    for (const entry of entries) this.waking.delete(entry);
    this.namespaces.delete(namespace);
  }

  /** Records new values and evaluates the rules that read any of them; returns what fired. */
  onValues(values: ReadonlyArray<{ key: string; value: InputValue }>, nowMs: number = this.clock.now()): RuleFiring[] {
    const affected = new Set<Entry>();
    for (const { key, value } of values) {
      this.values.set(key, value);
      for (const entry of this.byInput.get(key) ?? []) affected.add(entry);
    }
    return this.run([...affected], nowMs);
  }

  /** A fact (master data or a scan): `scan.remainingShelfLifeDays` or `fact:scan.remainingShelfLifeDays`. */
  setFact(key: string, value: number | boolean | string, nowMs: number = this.clock.now()): RuleFiring[] {
    const factKey = key.startsWith('fact:') ? key : `fact:${key}`;
    // Rules tell a new scan from an old one by its ts: two scans in one millisecond still get two.
    const previous = this.values.get(factKey);
    const ts = previous && previous.ts >= nowMs ? previous.ts + 1 : nowMs;
    return this.onValues([{ key: factKey, value: { value, quality: 'good', ts } }], nowMs);
  }

  /** Evaluates the rules whose wake time has come (a duration elapsing, a day boundary). */
  tick(nowMs: number = this.clock.now()): RuleFiring[] {
    const due = [...this.waking].filter((e) => e.wakeAt !== undefined && e.wakeAt <= nowMs && this.ready(e));
    return this.run(due, nowMs);
  }

  /** The earliest wake time of a rule that can be evaluated, or undefined. */
  nextWakeAt(): number | undefined {
    let earliest: number | undefined;
    for (const entry of this.waking) {
      if (entry.wakeAt !== undefined && (earliest === undefined || entry.wakeAt < earliest) && this.ready(entry)) earliest = entry.wakeAt;
    }
    return earliest;
  }

  /** Saves every state changed since the last save, in one saveMany where the store has it. */
  save(): void {
    if (this.dirty.size === 0) return;
    const entries = [...this.dirty].map((e) => ({ ruleKey: e.key, state: e.state }));
    if (this.store.saveMany) this.store.saveMany(entries);
    else for (const { ruleKey, state } of entries) this.store.save(ruleKey, state);
    this.dirty.clear();
  }

  /** The latest value of an input key, if any. */
  valueOf(key: string): InputValue | undefined {
    return this.values.get(key);
  }

  /** A copy of a loaded rule's current state. */
  stateOf(namespace: string, ruleId: string): RuleState | undefined {
    const entry = this.namespaces.get(namespace)?.find((e) => e.rule.id === ruleId);
    return entry ? (JSON.parse(JSON.stringify(entry.state)) as RuleState) : undefined;
  }

  stats(): RuleEngineStats {
    let rules = 0;
    for (const entries of this.namespaces.values()) rules += entries.length;
    return { rules, inputs: this.byInput.size, values: this.values.size, ...this.counts };
  }

  /**
   * After a restart a rule's timer resumes from its stored start, but it is run only once every
   * tag it reads has a value again: evaluating it earlier would see "unknown" and reset the timer.
   */
  private ready(entry: Entry): boolean {
    return entry.tagInputs.every((k) => this.values.has(k));
  }

  private run(entries: Entry[], nowMs: number): RuleFiring[] {
    entries.sort((a, b) => a.order - b.order);
    const firings: RuleFiring[] = [];
    for (const entry of entries) {
      const firing = this.evaluate(entry, nowMs);
      if (firing) firings.push(firing);
    }
    if (this.autoSave) this.save();
    return firings;
  }

  private evaluate(entry: Entry, nowMs: number): RuleFiring | undefined {
    this.counts.evaluations++;
    let effects: RuleEffect[];
    try {
      effects = entry.rule.evaluate(this.values, entry.state, nowMs);
    } catch (error) {
      this.counts.errors++;
      entry.state = JSON.parse(entry.json) as RuleState;
      this.onError?.({ namespace: entry.namespace, rule: entry.rule, ruleKey: entry.key, error });
      return undefined;
    }
    const json = JSON.stringify(entry.state);
    if (json !== entry.json) {
      entry.json = json;
      this.dirty.add(entry);
    }
    this.updateWake(entry);
    if (effects.length === 0) return undefined;
    this.counts.firings++;
    const inputs: Record<string, InputValue> = {};
    for (const key of entry.rule.inputs) {
      const value = this.values.get(key);
      if (value) inputs[key] = { ...value };
    }
    const firingCount = entry.state.firings;
    return { namespace: entry.namespace, rule: entry.rule, ruleKey: entry.key, effects, inputs, firings: typeof firingCount === 'number' ? firingCount : 0, atMs: nowMs };
  }

  private updateWake(entry: Entry): void {
    entry.wakeAt = entry.rule.nextWakeAt(entry.state);
    if (entry.wakeAt === undefined) this.waking.delete(entry);
    else this.waking.add(entry);
  }
}
