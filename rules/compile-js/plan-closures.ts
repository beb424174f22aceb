/**
 * Plan -> closures: each plan node becomes one small function, built once per rule, so an
 * evaluation is a walk over prebuilt closures with no parsing, no unit conversion and no eval.
 *
 * Conditions are three-valued (true, false, undefined = unknown). A missing, null, non-finite,
 * wrongly typed or 'bad' value is unknown ('uncertain' counts as known); unknown never makes a
 * condition true, `not` of unknown stays unknown (a bad door sensor must not read as "not open"),
 * `and` is false as soon as one item is false and `or` true as soon as one is true (Kleene logic).
 */
import type { InputValue, JsonValue, RuleState } from '../compiled-rule.ts';
import type { CondPlan, PlanCompareOp, ValuePlan, ValueType } from './plan-types.ts';

export type Scalar = number | boolean | string;
export type Truth = boolean | undefined;

export interface EvalContext {
  read(key: string): InputValue | undefined;
  state: RuleState;
  nowMs: number;
}

export type ValueFn = (ctx: EvalContext) => Scalar | undefined;
export type CondFn = (ctx: EvalContext) => Truth;

export const DAY_MS = 86_400_000;

/** Sustained timer memory: when `of` became true, and whether the duration has been reported. */
export type SustainedMemory = {
  sinceMs: number;
  reached: boolean;
};

/** Streak memory, in UTC day indexes (ms / DAY_MS): last day `of` was true, run length, last day evaluated. */
export type StreakMemory = {
  lastTrueDay: number;
  streakDays: number;
  seenDay: number;
};

/** A node that asks to be evaluated again at a time of its own (a running timer, a day boundary). */
export type WakeFn = (state: RuleState) => number | undefined;

const readAs: Readonly<Record<ValueType, (v: InputValue['value']) => Scalar | undefined>> = {
  number: (v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined),
  boolean: (v) => (typeof v === 'boolean' ? v : undefined),
  string: (v) => (typeof v === 'string' ? v : undefined),
};

const arithmetic: Readonly<Record<'+' | '-' | '*' | '/', (a: number, b: number) => number>> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
};

const ordered: Readonly<Record<'>=' | '>' | '<' | '<=', (a: number, b: number) => boolean>> = {
  '>=': (a, b) => a >= b,
  '>': (a, b) => a > b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
};

function compareFn(op: PlanCompareOp): (a: Scalar, b: Scalar) => Truth {
  if (op === '==') return (a, b) => (typeof a === typeof b ? a === b : undefined);
  if (op === '!=') return (a, b) => (typeof a === typeof b ? a !== b : undefined);
  const test = ordered[op];
  return (a, b) => (typeof a === 'number' && typeof b === 'number' ? test(a, b) : undefined);
}

export function valueClosure(plan: ValuePlan): ValueFn {
  switch (plan.kind) {
    case 'input': {
      const { key } = plan;
      const as = readAs[plan.type];
      return (ctx) => {
        const input = ctx.read(key);
        if (!input || input.quality === 'bad' || input.value === null) return undefined;
        return as(input.value);
      };
    }
    case 'const': {
      const { value } = plan;
      return () => value;
    }
    case 'linear': {
      const of = valueClosure(plan.of);
      const { factor, offset } = plan;
      return (ctx) => {
        const v = of(ctx);
        return typeof v === 'number' ? v * factor + offset : undefined;
      };
    }
    case 'arith': {
      const left = valueClosure(plan.left);
      const right = valueClosure(plan.right);
      const apply = arithmetic[plan.op];
      return (ctx) => {
        const a = left(ctx);
        const b = right(ctx);
        if (typeof a !== 'number' || typeof b !== 'number') return undefined;
        const result = apply(a, b);
        return Number.isFinite(result) ? result : undefined;
      };
    }
  }
}

function memory<T extends JsonValue>(state: RuleState, key: string): T | undefined {
  const value = state[key];
  return value === null || value === undefined ? undefined : (value as T);
}

/** The closure of a condition plan, registering each timer or streak node's wake function in `wakes`. */
export function conditionClosure(plan: CondPlan, wakes: WakeFn[]): CondFn {
  switch (plan.kind) {
    case 'compare': {
      const left = valueClosure(plan.left);
      const right = valueClosure(plan.right);
      const test = compareFn(plan.op);
      return (ctx) => {
        const a = left(ctx);
        const b = right(ctx);
        return a === undefined || b === undefined ? undefined : test(a, b);
      };
    }
    case 'range': {
      const value = valueClosure(plan.value);
      const low = valueClosure(plan.low);
      const high = valueClosure(plan.high);
      const { outside } = plan;
      return (ctx) => {
        const v = value(ctx);
        const lo = low(ctx);
        const hi = high(ctx);
        if (typeof v !== 'number' || typeof lo !== 'number' || typeof hi !== 'number') return undefined;
        const inside = v >= lo && v <= hi;
        return outside ? !inside : inside;
      };
    }
    case 'is': {
      const value = valueClosure(plan.value);
      const { expected } = plan;
      return (ctx) => {
        const v = value(ctx);
        return typeof v === 'boolean' ? v === expected : undefined;
      };
    }
    case 'edge': {
      const of = conditionClosure(plan.of, wakes);
      const { stateKey } = plan;
      const rising = plan.edge === 'rising';
      return (ctx) => {
        const now = of(ctx);
        // An unknown reading leaves the memory alone, so bad-good-bad flicker makes no edges.
        if (now === undefined) return undefined;
        const before = memory<boolean>(ctx.state, stateKey);
        ctx.state[stateKey] = now;
        return rising ? now && before !== true : !now && before === true;
      };
    }
    case 'sustained': {
      const of = conditionClosure(plan.of, wakes);
      const { stateKey, durationMs } = plan;
      wakes.push((state) => {
        const timer = memory<SustainedMemory>(state, stateKey);
        return timer && !timer.reached ? timer.sinceMs + durationMs : undefined;
      });
      return (ctx) => {
        const now = of(ctx);
        if (now !== true) {
          // Not holding, or unknown: the timer starts over (a TON's IN going FALSE resets ET).
          ctx.state[stateKey] = null;
          return now;
        }
        const timer = memory<SustainedMemory>(ctx.state, stateKey) ?? { sinceMs: ctx.nowMs, reached: false };
        const reached = ctx.nowMs - timer.sinceMs >= durationMs;
        ctx.state[stateKey] = { sinceMs: timer.sinceMs, reached } satisfies SustainedMemory;
        return reached;
      };
    }
    case 'streak': {
      const of = conditionClosure(plan.of, wakes);
      const { stateKey, days } = plan;
      // While a run is being built, look again at the next UTC midnight: a day without truth breaks it.
      wakes.push((state) => {
        const streak = memory<StreakMemory>(state, stateKey);
        return streak && streak.streakDays > 0 ? (streak.seenDay + 1) * DAY_MS : undefined;
      });
      return (ctx) => {
        const now = of(ctx);
        const today = Math.floor(ctx.nowMs / DAY_MS);
        const before = memory<StreakMemory>(ctx.state, stateKey) ?? { lastTrueDay: Number.NEGATIVE_INFINITY, streakDays: 0, seenDay: today };
        let { lastTrueDay, streakDays } = before;
        if (lastTrueDay < today - 1) streakDays = 0;
        if (now === true && lastTrueDay !== today) {
          streakDays = lastTrueDay === today - 1 ? streakDays + 1 : 1;
          lastTrueDay = today;
        }
        const next: StreakMemory = { lastTrueDay: streakDays > 0 ? lastTrueDay : -1, streakDays, seenDay: today };
        ctx.state[stateKey] = next;
        const held = lastTrueDay === today && streakDays >= days;
        return held ? true : now === undefined ? undefined : false;
      };
    }
    case 'and':
    case 'or': {
      const items = plan.items.map((item) => conditionClosure(item, wakes));
      const decisive = plan.kind === 'or';
      return (ctx) => {
        // Every item is evaluated (no short circuit) so timers and edge memories inside stay current.
        let unknown = false;
        let decided = false;
        for (const item of items) {
          const v = item(ctx);
          if (v === undefined) unknown = true;
          else if (v === decisive) decided = true;
        }
        return decided ? decisive : unknown ? undefined : !decisive;
      };
    }
    case 'not': {
      const of = conditionClosure(plan.of, wakes);
      return (ctx) => {
        const v = of(ctx);
        return v === undefined ? undefined : !v;
      };
    }
  }
}
