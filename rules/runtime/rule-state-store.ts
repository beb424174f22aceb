/**
 * Where a rule engine keeps each rule's state between evaluations and across restarts. The
 * gateway implements it on SQLite (gateway/rules/); the in-memory one serves tests, examples and
 * the cloud's dry runs. Keys come from RuleEngine (rule-engine.ts ruleKeyOf).
 */
import type { RuleState } from '../compiled-rule.ts';

export interface RuleStateStore {
  load(ruleKey: string): RuleState | undefined;
  save(ruleKey: string, state: RuleState): void;
  /** All states changed by one batch of values, at once (one transaction in SQLite). */
  saveMany?(entries: ReadonlyArray<{ ruleKey: string; state: RuleState }>): void;
}

/** Keeps copies, so a caller mutating a state after save() does not change what was saved. */
export class InMemoryRuleStateStore implements RuleStateStore {
  private readonly states = new Map<string, string>();

  load(ruleKey: string): RuleState | undefined {
    const json = this.states.get(ruleKey);
    return json === undefined ? undefined : (JSON.parse(json) as RuleState);
  }

  save(ruleKey: string, state: RuleState): void {
    this.states.set(ruleKey, JSON.stringify(state));
  }

  saveMany(entries: ReadonlyArray<{ ruleKey: string; state: RuleState }>): void {
    for (const { ruleKey, state } of entries) this.save(ruleKey, state);
  }

  keys(): string[] {
    return [...this.states.keys()];
  }
}
