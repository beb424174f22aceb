/**
 * Shared by the rules host tests: the library glossary, the library sentences, a pack built from
 * them as the cloud deploys it, and a clock that moves only when told.
 */
import { readGlossaryFile } from '../../config/rule-pack-file.ts';
import type { Clock } from '../../connectors/clock.ts';
import type { DeployedPack } from '../../connectors/edge-link/index.ts';

export const glossary = readGlossaryFile(new URL('../../rules/library/demo-plant.glossary.yaml', import.meta.url).pathname) as Record<string, unknown>;

export const sentences = {
  electrodeCap: 'When weld gun G1 weld count reaches 1247 and sheet thickness is at least 1.8 mm, request spare part "electrode cap" and reserve station W3.',
  coldChain: 'When the temperature of shelf B12 is outside 2 to 8 °C for 5 minutes, block put-away at B12 and alert QA.',
  insertLife: 'When insert life of machine IMM-01 minus shot count of machine IMM-01 is at most 500, alert tooling and recommend "replace insert".',
  remnant: 'When remnant weight of furnace F1 exceeds 15 kg, start approval "re-melt".',
};

export function deployedPack(version: number, rules: Array<{ id: string; en?: string; zh?: string }>): DeployedPack {
  return { pack: 'demo-plant', version, glossary, facts: { 'tooling.IMM-01.insertLifeShots': 9000 }, rules };
}

/** A clock whose time moves only when told; due timers run in order as it moves. */
export class ManualClock implements Clock {
  #now: number;
  #timers: Array<{ at: number; fn: () => void }> = [];
  constructor(now: number) {
    this.#now = now;
  }
  now(): number {
    return this.#now;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { at: this.#now + ms, fn };
    this.#timers.push(timer);
    return timer;
  }
  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t !== handle);
  }
  /** Moves to `to`, running each timer due on the way at its own time (and awaiting `settle` after each). */
  async advanceTo(to: number, settle: () => Promise<void>): Promise<void> {
    for (;;) {
      const next = this.#timers.filter((t) => t.at <= to).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
      await settle();
    }
    this.#now = to;
  }
  get pendingTimers(): number {
    return this.#timers.length;
  }
}
