/**
 * A rule AST compiled to a CompiledRule (rules/compiled-rule.ts) built from closures over the plan
 * of build-plan.ts: never eval, never new Function, never code as a string.
 *
 * When it fires: on the rising edge of the whole condition (false -> true). The first evaluation
 * with the condition true counts as rising, unless the persisted state says it was already true,
 * so a gateway restarted at shot 8600 does not warn again. An unknown condition (a bad reading)
 * neither fires nor releases and leaves the memory alone. An evaluation that sees a new value of
 * an `event: true` input (a scan) fires whenever the condition is true, even if it already was.
 * Blocks are released (`released: true`) when the condition stops holding.
 *
 * State (plain JSON): `firings` (how often the rule fired; the gateway derives idempotent event
 * ids from it), `holding` (the whole condition at the last known evaluation), `events` (the ts of
 * the last value seen per event input) and one entry per timer, edge or streak node keyed by its
 * path in the condition tree ("c", "c.0", "c.0.1", ...).
 */
import type { RuleAst } from '../ast.ts';
import type { CompiledRule, InputValue, JsonValue, RuleEffect, RuleInputs, RuleState } from '../compiled-rule.ts';
import type { Glossary } from '../glossary.ts';
import { buildJsPlan, type PlanOptions } from './build-plan.ts';
import { conditionClosure, valueClosure, type EvalContext, type Scalar, type WakeFn } from './plan-closures.ts';
import type { ActionPlan, JsPlan } from './plan-types.ts';

export type CompileRuleOptions = PlanOptions;

type ActionFn = (ctx: EvalContext) => RuleEffect | undefined;

function actionClosure(plan: ActionPlan): ActionFn {
  if (plan.kind === 'effect') {
    const { effect } = plan;
    // A fresh object each time: the gateway may annotate what it carries out.
    return () => ({ ...effect });
  }
  const value = valueClosure(plan.value);
  const { device, tag, type } = plan;
  return (ctx) => {
    const v: Scalar | undefined = value(ctx);
    // A value that cannot be computed now (a bad reading) is not written; nothing is better than a guess.
    if (v === undefined || typeof v !== type) return undefined;
    return { kind: 'writeTag', device, tag, value: v };
  };
}

/** The closures of a plan, as a CompiledRule. */
export function compilePlan(plan: JsPlan, ast: RuleAst): CompiledRule {
  const wakes: WakeFn[] = [];
  const condition = conditionClosure(plan.condition, wakes);
  const actions = plan.actions.map(actionClosure);
  const releases = plan.actions.flatMap((a) => (a.kind === 'effect' && a.releasable ? [{ ...a.effect, released: true } as RuleEffect] : []));
  const facts = new Map<string, InputValue>(Object.entries(plan.facts).map(([key, value]) => [key, { value, quality: 'good', ts: 0 }]));
  const eventInputs = [...plan.eventInputs];

  return {
    id: plan.id,
    version: plan.version,
    ast,
    inputs: Object.freeze([...plan.inputs]),
    initialState: () => ({ firings: 0, holding: false }),
    evaluate(inputs: RuleInputs, state: RuleState, nowMs: number): RuleEffect[] {
      const ctx: EvalContext = { read: (key) => inputs.get(key) ?? facts.get(key), state, nowMs };
      const holds = condition(ctx);

      // Each new value of an event input is an occurrence of its own: remember which ones were seen.
      let freshEvent = false;
      if (eventInputs.length > 0) {
        const seen = (typeof state.events === 'object' && state.events !== null && !Array.isArray(state.events) ? state.events : {}) as Record<string, JsonValue>;
        for (const key of eventInputs) {
          const input = inputs.get(key);
          if (input && seen[key] !== input.ts) {
            seen[key] = input.ts;
            freshEvent = true;
          }
        }
        state.events = seen;
      }

      if (holds === undefined) return [];
      const held = state.holding === true;
      state.holding = holds;
      if (holds && (!held || freshEvent)) {
        state.firings = (typeof state.firings === 'number' ? state.firings : 0) + 1;
        return actions.flatMap((action) => action(ctx) ?? []);
      }
      if (!holds && held) return releases.map((effect) => ({ ...effect }));
      return [];
    },
    nextWakeAt(state: RuleState): number | undefined {
      let earliest: number | undefined;
      for (const wake of wakes) {
        const at = wake(state);
        if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
      }
      return earliest;
    },
  };
}

export function compileRule(ast: RuleAst, glossary: Glossary, options: CompileRuleOptions): CompiledRule {
  return compilePlan(buildJsPlan(ast, glossary, options), ast);
}
