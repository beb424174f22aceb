/**
 * A compiled rule as the gateway runs it: an exception from evaluate() (a bug in the compiler or
 * the runtime, never bad input: compiled rules treat missing and bad values as unknown) is caught
 * for that rule alone, reported, and leaves the rule's state as it was before the call, so one
 * bad rule neither kills the daemon nor corrupts its own timers and counters.
 *
 * It also counts, in the rule's state, the evaluations that returned effects (`gw:effectRuns`).
 * With the pack, version and rule id that count names each effect run for good: a crash after
 * the run's events were committed but before its state was saved repeats the run with the same
 * count, so the repeated events carry the same ids and the cloud stores them once.
 */
import type { CompiledRule, InputValue, JsonValue, RuleEffect, RuleInputs, RuleState } from '../../rules/compiled-rule.ts';

export const EFFECT_RUNS_KEY = 'gw:effectRuns';

export interface GuardHooks {
  /** Every evaluate() call. */
  onEvaluate(rule: CompiledRule): void;
  /** evaluate() or nextWakeAt() threw; the rule's state was restored. */
  onError(rule: CompiledRule, error: unknown): void;
  /**
   * evaluate() returned effects; `run` is the rule's effect run count including this one, `inputs`
   * the values of the rule's inputs the decision was made on (null: unknown).
   */
  onEffects(rule: CompiledRule, run: number, effects: RuleEffect[], inputs: Record<string, InputValue['value']>): void;
}

export function effectRunsOf(state: RuleState): number {
  const runs = state[EFFECT_RUNS_KEY];
  return typeof runs === 'number' && Number.isInteger(runs) ? runs : 0;
}

export function guardRule(rule: CompiledRule, hooks: GuardHooks): CompiledRule {
  return {
    id: rule.id,
    version: rule.version,
    ast: rule.ast,
    inputs: rule.inputs,
    initialState: () => rule.initialState(),
    nextWakeAt(state: RuleState): number | undefined {
      try {
        return rule.nextWakeAt(state);
      } catch (error) {
        hooks.onError(rule, error);
        return undefined;
      }
    },
    evaluate(inputs: RuleInputs, state: RuleState, nowMs: number): RuleEffect[] {
      hooks.onEvaluate(rule);
      const before = JSON.stringify(state);
      let effects: RuleEffect[];
      try {
        effects = rule.evaluate(inputs, state, nowMs);
      } catch (error) {
        restore(state, JSON.parse(before) as RuleState);
        hooks.onError(rule, error);
        return [];
      }
      if (effects.length > 0) {
        const run = effectRunsOf(state) + 1;
        state[EFFECT_RUNS_KEY] = run;
        hooks.onEffects(rule, run, effects, Object.fromEntries(rule.inputs.map((key) => [key, inputs.get(key)?.value ?? null])));
      }
      return effects;
    },
  };
}

/** Puts `saved` back into `state` in place: the runtime holds this object. */
function restore(state: RuleState, saved: RuleState): void {
  for (const key of Object.keys(state)) delete state[key];
  for (const [key, value] of Object.entries(saved)) state[key] = value as JsonValue;
}
