/**
 * The rules runtime at the edge: runs the active rule pack and, beside it on the same values, a
 * shadow pack (connectors/edge-link/rules-apply.ts), each in its own engine and state namespace
 * (rules/runtime/rule-engine.ts). It feeds them every read result, wakes them at the time a
 * running duration or a day boundary needs, and deals with what they decide:
 *
 *   active:  carry the effect out (block list, tag write, ...), then emit `rule.action` with the
 *            outcome (done / failed)
 *   shadow:  emit `rule.shadow` with outcome 'logged'; nothing is carried out
 *
 * and only then saves the rule states of the batch (SqliteRuleStateStore.flush). Each event's id
 * is derived from pack, version, rule, the rule's effect run count and the effect's index
 * (rule-effects.ts ruleEventId), so a crash between the events and the state save repeats the
 * same ids, which the cloud stores once; a repeated block or absolute tag write changes nothing.
 *
 * Batches are processed one at a time in arrival order (a tag write is awaited before the next
 * batch), so states and events never interleave between batches. Nothing here throws into the
 * daemon: a rule that throws is counted and logged and keeps its state (guarded-rule.ts).
 */
import type { Clock } from '../../connectors/clock.ts';
import type { TagValue } from '../../connectors/connector.ts';
import type { CommandProblem, PackRef, RuleActionEventBody, RulesApplyArgs, RulesReport } from '../../connectors/edge-link/index.ts';
import type { CompiledRule, InputValue, RuleEffect } from '../../rules/compiled-rule.ts';
import { RuleEngine } from '../../rules/runtime/rule-engine.ts';
import { compileDeployedPack, type CompiledPack, type PackMode } from './compile-deployed-pack.ts';
import { guardRule } from './guarded-rule.ts';
import type { LocationBlock, LocationBlockStore } from './location-blocks.ts';
import { writePushedRules } from './pushed-rules.ts';
import { carryOut, ruleEventId } from './rule-effects.ts';
import type { SqliteRuleStateStore } from './sqlite-rule-state-store.ts';

export interface RulesHostLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface RulesHostOptions {
  states: SqliteRuleStateStore;
  blocks: LocationBlockStore;
  /** EdgeEvents.emit: commits the event to the outbox or throws. */
  events: { emit(type: string, body: unknown, options?: { id?: string }): string };
  /** The connector's write, the path tag.write commands take; rejects when the device refuses. */
  writeTag(device: string, tag: string, value: number | boolean): Promise<void>;
  /** Where apply() keeps the desired state (pushed-rules.ts). */
  dataDir: string;
  clock: Clock;
  logger: RulesHostLogger;
}

export interface RulesPackHealth extends PackRef {
  rules: number;
}

export interface RulesHealth {
  active: RulesPackHealth | null;
  shadow: RulesPackHealth | null;
  /** Where the running packs came from: the site file, the cloud (rules.apply), or none. */
  source: 'file' | 'pushed' | 'none';
  evaluations: number;
  firings: { active: number; shadow: number };
  effectsFailed: number;
  /** evaluate() calls that threw (bugs); the rule kept its state. */
  ruleErrors: number;
  /** Events the outbox could not take (lost). */
  eventsFailed: number;
  blocks: LocationBlock[];
}

export type ApplyOutcome = { ok: true; report: RulesReport } | { ok: false; problems: CommandProblem[] };

/** One evaluation that returned effects. */
export interface RuleFiring {
  mode: PackMode;
  pack: PackRef;
  rule: string;
  run: number;
  effects: RuleEffect[];
  inputs: Record<string, InputValue['value']>;
}

interface Slot {
  mode: PackMode;
  pack: CompiledPack;
  facts: Record<string, number | boolean | string>;
  engine: RuleEngine;
  /** Filled by the guarded rules while the engine evaluates; drained after each engine call. */
  firings: RuleFiring[];
}

export class RulesHost {
  readonly #o: RulesHostOptions;
  readonly #slots: { active: Slot | null; shadow: Slot | null } = { active: null, shadow: null };
  #source: RulesHealth['source'] = 'none';
  #chain: Promise<unknown> = Promise.resolve();
  #timer: unknown;
  #timerAt: number | undefined;
  #closed = false;
  readonly #stats = { evaluations: 0, firings: { active: 0, shadow: 0 }, effectsFailed: 0, ruleErrors: 0, eventsFailed: 0 };

  constructor(options: RulesHostOptions) {
    this.#o = options;
  }

  /**
   * Compiles both packs and runs them, or changes nothing and returns every problem. `persist`
   * (rules.apply) stores the desired state first so a restart runs it; the site file's pack, and a
   * stored state read back at start, are not stored again.
   */
  apply(args: RulesApplyArgs, options: { source: 'file' | 'pushed'; persist: boolean }): Promise<ApplyOutcome> {
    return this.#serially(() => this.#apply(args, options));
  }

  /** Feeds a read result to both packs (the daemon calls this where it updates the tag cache). */
  onValues(values: readonly TagValue[]): void {
    if (this.#closed || (!this.#slots.active && !this.#slots.shadow) || values.length === 0) return;
    const inputs = values.map((v) => ({ key: `${v.device}/${v.tag}`, value: { value: v.value, quality: v.quality, ts: v.ts } }));
    void this.#serially(() => this.#run((engine, now) => engine.onValues(inputs, now)));
  }

  /**
   * Sets a fact (`scan.remainingShelfLifeDays` when a batch is scanned) and evaluates the rules
   * that read it; resolves with what fired, once it was carried out and reported.
   */
  setFact(name: string, value: number | boolean | string | null): Promise<RuleFiring[]> {
    if (this.#closed) return Promise.resolve([]);
    const key = `fact:${name}`;
    const input = [{ key, value: { value, quality: 'good' as const, ts: this.#o.clock.now() } }];
    // The engine's setFact moves the time on by 1 ms for a second scan in the same millisecond, so
    // an event rule sees two scans, not one.
    return this.#serially(() => this.#run((engine, now) => (value === null ? engine.onValues(input, now) : engine.setFact(key, value, now))));
  }

  /** Whether the active pack has a rule that reads fact `name` (the scanner falls back to master data when none does). */
  readsFact(name: string): boolean {
    const key = `fact:${name}`;
    return this.#slots.active?.pack.rules.some((rule) => rule.inputs.includes(key)) ?? false;
  }

  report(): RulesReport {
    return { active: this.#slots.active?.pack.ref ?? null, shadow: this.#slots.shadow?.pack.ref ?? null };
  }

  /** Whether `operation` is blocked at `location` by a rule (the scanner asks before a put-away). */
  isBlocked(operation: string, location: string): boolean {
    return this.#o.blocks.isBlocked(operation, location);
  }

  health(): RulesHealth {
    const of = (slot: Slot | null): RulesPackHealth | null => (slot ? { ...slot.pack.ref, rules: slot.pack.rules.length } : null);
    return {
      active: of(this.#slots.active), shadow: of(this.#slots.shadow), source: this.#source,
      ...this.#stats, firings: { ...this.#stats.firings }, blocks: this.#o.blocks.list(),
    };
  }

  /** Resolves when every batch received so far was processed (tests, close). */
  idle(): Promise<void> {
    return this.#chain.then(() => {});
  }

  /** Stops the timer, finishes the batches in hand and saves their states. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelTimer();
    await this.idle();
  }

  #serially<T>(work: () => Promise<T> | T): Promise<T> {
    const result = this.#chain.then(work, work);
    this.#chain = result.catch((error: unknown) => this.#o.logger.error({ err: error }, 'the rules runtime failed on a batch (a bug)'));
    return result;
  }

  #apply(args: RulesApplyArgs, options: { source: 'file' | 'pushed'; persist: boolean }): ApplyOutcome {
    const compiled: Partial<Record<PackMode, CompiledPack | null>> = {};
    const problems: CommandProblem[] = [];
    for (const mode of ['active', 'shadow'] as const) {
      const deployed = args[mode];
      if (!deployed) {
        compiled[mode] = null;
        continue;
      }
      const outcome = compileDeployedPack(deployed, mode);
      if (outcome.ok) compiled[mode] = outcome.pack;
      else problems.push(...outcome.problems);
    }
    if (problems.length > 0) return { ok: false, problems };
    if (options.persist) writePushedRules(this.#o.dataDir, { rules: args, appliedAt: this.#o.clock.now() });
    for (const mode of ['active', 'shadow'] as const) {
      const pack = compiled[mode]!;
      const same = pack && this.#slots[mode] && sameRef(this.#slots[mode]!.pack.ref, pack.ref);
      // The same version again (the cloud re-sends after a reconnect) keeps its engine and values.
      if (!same) this.#slots[mode] = pack ? this.#slotOf(mode, pack, args[mode]!.facts) : null;
    }
    this.#source = options.source;
    this.#o.logger.info({ ...this.report(), source: this.#source }, 'rule packs running');
    this.#schedule();
    return { ok: true, report: this.report() };
  }

  #slotOf(mode: PackMode, pack: CompiledPack, facts: Record<string, number | boolean | string>): Slot {
    const firings: RuleFiring[] = [];
    const guarded = pack.rules.map((rule) => guardRule(rule, {
      onEvaluate: () => this.#stats.evaluations++,
      onError: (failed, error) => {
        this.#stats.ruleErrors++;
        this.#o.logger.error({ err: error, pack: pack.ref.pack, version: pack.ref.version, rule: failed.id, mode }, 'a rule threw (a bug); it keeps its state and is evaluated again on its next input');
      },
      onEffects: (fired, run, effects, inputs) => {
        firings.push({ mode, pack: pack.ref, rule: fired.id, run, effects, inputs: withFacts(inputs, facts) });
      },
    }));
    // autoSave off: the host saves a batch's states only after its events are committed.
    const engine = new RuleEngine({ store: this.#o.states, autoSave: false });
    engine.load(guarded, mode);
    return { mode, pack, facts, engine, firings };
  }

  /** Runs the engines (values or a tick), reports and carries out what fired, then saves the states. */
  async #run(step: (engine: RuleEngine, nowMs: number) => unknown): Promise<RuleFiring[]> {
    const now = this.#o.clock.now();
    const fired: RuleFiring[] = [];
    for (const slot of [this.#slots.active, this.#slots.shadow]) {
      if (!slot) continue;
      try {
        step(slot.engine, now);
      } catch (error) {
        this.#o.logger.error({ err: error, mode: slot.mode }, 'the rule engine failed (a bug); the batch is skipped for this pack');
      }
      fired.push(...slot.firings.splice(0));
    }
    for (const firing of fired) await this.#report(firing, now);
    try {
      for (const slot of [this.#slots.active, this.#slots.shadow]) slot?.engine.save();
      this.#o.states.flush();
    } catch (error) {
      // Staged states stay staged and go with the next flush; a restart before it repeats this batch's events (same ids).
      this.#o.logger.error({ err: error }, 'cannot save rule states');
    }
    this.#schedule();
    return fired;
  }

  async #report(firing: RuleFiring, nowMs: number): Promise<void> {
    this.#stats.firings[firing.mode]++;
    const { pack, version } = firing.pack;
    for (const [index, effect] of firing.effects.entries()) {
      let body: RuleActionEventBody;
      if (firing.mode === 'shadow') {
        body = { pack, version, rule: firing.rule, effect, outcome: 'logged', inputs: firing.inputs };
      } else {
        const result = await carryOut(effect, { pack, rule: firing.rule, nowMs, blocks: this.#o.blocks, writeTag: this.#o.writeTag });
        if (result.outcome === 'failed') {
          this.#stats.effectsFailed++;
          this.#o.logger.warn({ pack, version, rule: firing.rule, effect, error: result.error }, 'a rule effect failed');
        }
        body = { pack, version, rule: firing.rule, effect, ...result, inputs: firing.inputs };
      }
      const type = firing.mode === 'active' ? 'rule.action' : 'rule.shadow';
      try {
        this.#o.events.emit(type, body, { id: ruleEventId(firing.mode, pack, version, firing.rule, firing.run, index) });
      } catch (error) {
        this.#stats.eventsFailed++;
        this.#o.logger.error({ err: error, type, pack, version, rule: firing.rule, effect }, 'cannot emit a rule event');
      }
    }
  }

  /** One timer at the earliest wake time of both engines; moved whenever a batch or an apply changes it. */
  #schedule(): void {
    if (this.#closed) return;
    const wakes = [this.#slots.active, this.#slots.shadow].map((slot) => slot?.engine.nextWakeAt()).filter((t): t is number => t !== undefined);
    const at = wakes.length > 0 ? Math.min(...wakes) : undefined;
    if (at === this.#timerAt && this.#timer !== undefined) return;
    this.#cancelTimer();
    if (at === undefined) return;
    this.#timerAt = at;
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = undefined;
      void this.#serially(() => this.#run((engine, now) => engine.tick(now)));
    }, Math.max(0, at - this.#o.clock.now()));
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = undefined;
  }
}

function sameRef(a: PackRef, b: PackRef): boolean {
  return a.pack === b.pack && a.version === b.version;
}

/** Pack facts a rule read from its compile options are not inputs: show them in the event too. */
function withFacts(inputs: Record<string, InputValue['value']>, facts: Record<string, number | boolean | string>): Record<string, InputValue['value']> {
  const shown = { ...inputs };
  for (const key of Object.keys(shown)) {
    if (shown[key] === null && key.startsWith('fact:') && key.slice(5) in facts) shown[key] = facts[key.slice(5)]!;
  }
  return shown;
}
