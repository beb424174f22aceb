import { describe, expect, it } from 'vitest';
import type { CompiledRule, RuleEffect, RuleInputs, RuleState } from '../../rules/compiled-rule.ts';
import { EFFECT_RUNS_KEY, guardRule, type GuardHooks } from './guarded-rule.ts';

/** A hand-made rule: fires when `x/y` is above 10; throws when it is exactly 13 (a stand-in for a compiler bug). */
function thresholdRule(): CompiledRule {
  return {
    id: 'threshold', version: 1, ast: {} as CompiledRule['ast'], inputs: ['x/y'],
    initialState: () => ({ above: false, seen: 0 }),
    evaluate(inputs: RuleInputs, state: RuleState): RuleEffect[] {
      const v = inputs.get('x/y')?.value;
      state.seen = (state.seen as number) + 1;
      if (v === 13) throw new TypeError('cannot read properties of undefined');
      const above = typeof v === 'number' && v > 10;
      const rising = above && !state.above;
      state.above = above;
      return rising ? [{ kind: 'alert', role: 'qa' }] : [];
    },
    nextWakeAt: () => undefined,
  };
}

function hooks() {
  const seen = { evaluations: 0, errors: [] as unknown[], effects: [] as Array<{ run: number; effects: RuleEffect[]; inputs: Record<string, unknown> }> };
  const h: GuardHooks = {
    onEvaluate: () => { seen.evaluations++; },
    onError: (_rule, error) => { seen.errors.push(error); },
    onEffects: (_rule, run, effects, inputs) => { seen.effects.push({ run, effects, inputs }); },
  };
  return { h, seen };
}

const inputsOf = (value: number | null): RuleInputs => ({ get: (key) => (key === 'x/y' ? { value, quality: 'good', ts: 0 } : undefined) });

describe('guardRule', () => {
  it('catches an exception from evaluate, reports it and leaves the state as it was', () => {
    const { h, seen } = hooks();
    const rule = guardRule(thresholdRule(), h);
    const state = rule.initialState();
    rule.evaluate(inputsOf(5), state, 0);
    const before = structuredClone(state);
    expect(rule.evaluate(inputsOf(13), state, 1)).toEqual([]);
    expect(state).toEqual(before); // `seen` was incremented before the throw and is put back
    expect(seen.errors).toEqual([expect.any(TypeError)]);
    // The rule keeps working on its next input.
    expect(rule.evaluate(inputsOf(11), state, 2)).toEqual([{ kind: 'alert', role: 'qa' }]);
    expect(seen.evaluations).toBe(3);
  });

  it('counts effect runs in the state and hands each run its number and the input values', () => {
    const { h, seen } = hooks();
    const rule = guardRule(thresholdRule(), h);
    const state = rule.initialState();
    rule.evaluate(inputsOf(11), state, 0);
    rule.evaluate(inputsOf(12), state, 1);
    rule.evaluate(inputsOf(5), state, 2);
    rule.evaluate(inputsOf(20), state, 3);
    expect(state[EFFECT_RUNS_KEY]).toBe(2);
    expect(seen.effects.map((e) => [e.run, e.inputs])).toEqual([[1, { 'x/y': 11 }], [2, { 'x/y': 20 }]]);
  });

  it('continues the count from a saved state (a restart)', () => {
    const { h, seen } = hooks();
    const rule = guardRule(thresholdRule(), h);
    const state: RuleState = { above: false, seen: 4, [EFFECT_RUNS_KEY]: 7 };
    rule.evaluate(inputsOf(11), state, 0);
    expect(seen.effects[0]!.run).toBe(8);
  });
});
