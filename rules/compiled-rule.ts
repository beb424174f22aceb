/**
 * What a compiled rule is to the edge runtime (DESIGN.md contracts): its inputs, a pure
 * evaluate() over the current input values and the rule's own state, and the effects it asks
 * for. State is plain JSON (counters, timer starts, edge memories, streak days) so the gateway
 * persists it in SQLite after each evaluation and a restart resumes a 5-minute timer or a shot
 * count where it was. No I/O here: the gateway carries effects out.
 */
import type { RuleAst } from './ast.ts';

export type Quality = 'good' | 'uncertain' | 'bad';

export interface InputValue {
  value: number | boolean | string | null;
  quality: Quality;
  /** Milliseconds since the Unix epoch. */
  ts: number;
}

/** Current values by input key (glossary inputKeyOf: `device/tag` or `fact:name`). */
export interface RuleInputs {
  get(key: string): InputValue | undefined;
}

/** JSON-serializable; owned by the rule, stored by the runtime between evaluations. */
export type RuleState = { [key: string]: JsonValue };
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** An action with everything resolved: what the gateway carries out (or, in shadow mode, logs). */
export type RuleEffect =
  | { kind: 'alert'; role: string; message?: string }
  /** `released: true` when the condition that set the block no longer holds. */
  | { kind: 'block'; operation: string; location: string; released?: boolean }
  | { kind: 'requestSparePart'; item: string; quantity: number }
  | { kind: 'reserve'; station: string }
  | { kind: 'startApproval'; flow: string }
  | { kind: 'writeTag'; device: string; tag: string; value: number | boolean | string }
  | { kind: 'recommend'; recommendation: string };

export interface CompiledRule {
  /** Rule id within its pack. */
  readonly id: string;
  /** Pack version the rule was compiled in. */
  readonly version: number;
  readonly ast: RuleAst;
  /** Input keys the rule reads: the runtime evaluates it when one of them changes. */
  readonly inputs: readonly string[];
  /** A fresh state (nothing seen yet). */
  initialState(): RuleState;
  /**
   * Evaluates the rule at `nowMs` and returns the effects to carry out now (empty most of the
   * time). Mutates `state`. Never throws for missing or bad-quality inputs: a condition over an
   * unknown value is false.
   */
  evaluate(inputs: RuleInputs, state: RuleState, nowMs: number): RuleEffect[];
  /** When the rule must be evaluated again even if no input changes (a running duration, a day boundary), or undefined. */
  nextWakeAt(state: RuleState): number | undefined;
}
