/**
 * Arbitration: when several sources hold a value for the same bucket cell (WMS and the POS both
 * say "physical"), the dictionary's rules pick one. The first rule naming the bucket decides;
 * candidates rank by the first `prefer` entry they match (source id or kind:<kind>), then by the
 * rule's tie-break. With no rule for the bucket the newest value wins. The choice and why go into
 * the lineage, so "why 168 and not 170?" has an answer.
 */
import type { ArbitrationRule, BucketName, Source } from './fusion-types.ts';

export interface Candidate {
  source: Source;
  value: number;
  reportId: number | null;
  observedAt: number;
}

export interface Choice<C extends Candidate> {
  winner: C;
  rule: { id: string; why: string };
  outranked: C[];
}

/** The rule used when no dictionary rule names the bucket. */
export const NEWEST_RULE: ArbitrationRule = { id: 'newest', buckets: ['*'], prefer: [], tieBreak: 'newest', why: 'no rule names this bucket: the newest value wins' };

export function ruleFor(bucket: BucketName, rules: ArbitrationRule[]): ArbitrationRule {
  return rules.find((r) => r.buckets.includes(bucket) || r.buckets.includes('*')) ?? NEWEST_RULE;
}

const rankOf = (rule: ArbitrationRule, source: Source): number => {
  const index = rule.prefer.findIndex((p) => p === source.id || p === `kind:${source.kind}`);
  return index === -1 ? rule.prefer.length : index;
};

const tieBreaks: Record<'newest' | 'trust', (a: Candidate, b: Candidate) => number> = {
  newest: (a, b) => b.observedAt - a.observedAt || (b.reportId ?? 0) - (a.reportId ?? 0),
  trust: (a, b) => b.source.trust - a.source.trust || b.observedAt - a.observedAt,
};

/** Picks one candidate (there is at least one) for a cell of `bucket`. */
export function arbitrate<C extends Candidate>(bucket: BucketName, candidates: C[], rules: ArbitrationRule[]): Choice<C> {
  if (candidates.length === 0) throw new Error(`arbitrate(${bucket}): no candidates`);
  const rule = ruleFor(bucket, rules);
  const tieBreak = rule.tieBreak ?? 'newest';
  const ranked = [...candidates].sort((a, b) => rankOf(rule, a.source) - rankOf(rule, b.source) || tieBreaks[tieBreak](a, b));
  const winner = ranked[0]!;
  const rank = rankOf(rule, winner.source);
  const reason = candidates.length === 1
    ? 'the only source with a value'
    : rank < rule.prefer.length
      ? `${winner.source.id} matches "${rule.prefer[rank]}", preference ${rank + 1} of ${rule.prefer.length}${ranked[1] && rankOf(rule, ranked[1].source) === rank ? `; ${tieBreak} within it` : ''}`
      : `no preferred source has a value; ${tieBreak} of ${candidates.length}`;
  const why = rule.why ? `${rule.why} (${reason})` : reason;
  return { winner, rule: { id: rule.id, why }, outranked: ranked.slice(1) };
}
