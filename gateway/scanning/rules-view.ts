/**
 * The decider's view of the rules runtime (scan-ports.ts RulesView) over the gateway's RulesHost:
 * a scan's facts go in through setFact, and what the ACTIVE pack's rules did comes back as one
 * entry per effect, `{ ruleId, kind, detail }` with detail the effect's other fields and the pack
 * that fired (`{ kind: 'recommend', detail: { recommendation: 'ship-first', pack, version } }`).
 * A shadow pack's firings are only logged by the host (rules.apply shadow mode), so they never
 * change a scan's decision.
 */
import type { RulesHost } from '../rules/rules-host.ts';
import type { RulesView } from './scan-ports.ts';

export type RuleOutcome = Awaited<ReturnType<RulesView['scanFacts']>>[number];

export function rulesViewOf(host: Pick<RulesHost, 'setFact' | 'isBlocked' | 'readsFact'>): RulesView {
  return {
    async scanFacts(facts) {
      const outcomes: RuleOutcome[] = [];
      for (const [name, value] of Object.entries(facts)) {
        for (const firing of await host.setFact(name, value)) {
          if (firing.mode !== 'active') continue;
          for (const effect of firing.effects) {
            const { kind, ...rest } = effect;
            outcomes.push({ ruleId: firing.rule, kind, detail: { ...rest, pack: firing.pack.pack, version: firing.pack.version } });
          }
        }
      }
      return outcomes;
    },
    isBlocked: (operation, location) => host.isBlocked(operation, location),
    readsFact: (name) => host.readsFact(name),
  };
}
