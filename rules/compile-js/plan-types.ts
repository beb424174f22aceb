/**
 * The intermediate plan between a rule AST and what runs: terms already resolved to input keys,
 * constants already converted into the unit their term's source delivers, stateful nodes already
 * given their state key. compile-rule.ts turns a plan into closures and js-plan.ts prints the same
 * plan as the "JS preview", so the preview cannot drift from what runs.
 */
import type { ArithmeticOp } from '../ast.ts';
import type { RuleEffect } from '../compiled-rule.ts';

export type ValueType = 'number' | 'boolean' | 'string';

export type ValuePlan =
  /** The current value of an input (`device/tag` or `fact:name`); unknown when missing, bad or of another type. */
  | { kind: 'input'; key: string; type: ValueType; unit?: string }
  | { kind: 'const'; value: number | boolean | string; unit?: string; written?: string }
  /** `of * factor + offset`: one term expressed in another term's unit (°F sensor against a °C one). */
  | { kind: 'linear'; of: ValuePlan; factor: number; offset: number; from: string; to: string }
  | { kind: 'arith'; op: ArithmeticOp; left: ValuePlan; right: ValuePlan };

/** The comparison operators after `reaches`/`atLeast` and friends are folded (ast.ts CompareOp). */
export type PlanCompareOp = '>=' | '>' | '<' | '<=' | '==' | '!=';

export type CondPlan =
  | { kind: 'compare'; op: PlanCompareOp; left: ValuePlan; right: ValuePlan }
  | { kind: 'range'; outside: boolean; value: ValuePlan; low: ValuePlan; high: ValuePlan }
  | { kind: 'is'; value: ValuePlan; expected: boolean }
  /** Remembers the last known value of `of` under `stateKey` (IEC 61131-3 R_TRIG / F_TRIG, 2.5.2.3.2). */
  | { kind: 'edge'; edge: 'rising' | 'falling'; of: CondPlan; stateKey: string }
  /** Like a TON (IEC 61131-3 2.5.2.3.4) but on wall-clock ms kept in state, so a restart keeps the timer. */
  | { kind: 'sustained'; of: CondPlan; durationMs: number; written: string; stateKey: string }
  | { kind: 'streak'; of: CondPlan; days: number; stateKey: string }
  | { kind: 'and' | 'or'; items: CondPlan[] }
  | { kind: 'not'; of: CondPlan };

export type ActionPlan =
  /** An effect fixed at compile time; `releasable` for blocks, which are released when the condition stops holding. */
  | { kind: 'effect'; effect: RuleEffect; releasable: boolean }
  /** A tag write whose value is computed at firing time, already in the target's unit. */
  | { kind: 'writeTag'; device: string; tag: string; type: ValueType; value: ValuePlan };

export interface JsPlan {
  id: string;
  version: number;
  /** Every input key the condition and the written values read, in order of first use. */
  inputs: string[];
  /** Inputs of `event: true` terms: each new value is decided afresh. */
  eventInputs: string[];
  /** Pack facts the rule reads, by input key (`fact:name`); a live input of the same key wins. */
  facts: Record<string, number | boolean | string>;
  condition: CondPlan;
  actions: ActionPlan[];
}
