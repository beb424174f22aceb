/**
 * What a shadow version would have done next to what the live version did, per rule, since the
 * shadow started: counted from the stored edge events (`rule.shadow` of the shadow version,
 * `rule.action` of the other versions on the same gateways), with the latest few of each and the
 * inputs they were decided on. Read straight from the edge_event table (migration 008): events
 * are stored once per id, so the counts are not inflated by replays.
 */
import type { SqliteDatabase } from '../store/database.ts';
import type { GatewayRef, PackVersion, StageChange } from './rule-pack-store.ts';

export interface Firing {
  at: number;
  group: string;
  edge: string;
  version: number;
  effect: unknown;
  inputs: unknown;
}

export interface FiringSummary {
  count: number;
  /** Newest first. */
  latest: Firing[];
}

export interface ShadowComparison {
  version: number;
  /** When the shadow (last) started, or null for a version never shadowed. */
  since: number | null;
  /** The live versions the shadow ran beside. */
  activeVersions: number[];
  gateways: GatewayRef[];
  rules: Array<{ rule: string; live: FiringSummary; shadow: FiringSummary }>;
}

interface Row { grp: string; edge: string; at: number; body_json: string; rule: string; version: number; total: number }

export class RuleFirings {
  readonly #db: SqliteDatabase;

  /** `db` must have the cloud migrations applied. */
  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  /**
   * Per rule: how many events of `type` on `gateways` since `since` (versions equal to `version`,
   * or all others with `otherVersions`), and the latest `latest` of them.
   */
  byRule(type: 'rule.action' | 'rule.shadow', query: { version: number; otherVersions: boolean; gateways: GatewayRef[]; since: number; latest: number }): Map<string, FiringSummary> {
    const result = new Map<string, FiringSummary>();
    if (query.gateways.length === 0) return result;
    const gatewayList = query.gateways.map(() => '(?, ?)').join(', ');
    const rows = this.#db.prepare(`
      WITH firing AS (
        SELECT grp, edge, at, id, body_json, json_extract(body_json, '$.rule') AS rule, json_extract(body_json, '$.version') AS version
        FROM edge_event
        WHERE type = ? AND at >= ? AND (grp, edge) IN (VALUES ${gatewayList})
      ), ranked AS (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY rule ORDER BY at DESC, id DESC) AS n, COUNT(*) OVER (PARTITION BY rule) AS total
        FROM firing WHERE rule IS NOT NULL AND (${query.otherVersions ? 'version IS NOT ?' : 'version IS ?'})
      )
      SELECT grp, edge, at, body_json, rule, version, total FROM ranked WHERE n <= ? ORDER BY rule, at DESC, id DESC`)
      .all(type, query.since, ...query.gateways.flatMap((g) => [g.group, g.edge]), query.version, query.latest) as Row[];
    for (const row of rows) {
      const summary = result.get(row.rule) ?? { count: row.total, latest: [] };
      const body = JSON.parse(row.body_json) as { effect?: unknown; inputs?: unknown };
      summary.latest.push({ at: row.at, group: row.grp, edge: row.edge, version: row.version, effect: body.effect ?? null, inputs: body.inputs ?? {} });
      result.set(row.rule, summary);
    }
    return result;
  }
}

/**
 * The comparison for `pack` from its stage history (the last shadow start and its gateways) and
 * the gateways' current desired active versions.
 */
export function compareShadow(pack: PackVersion, history: StageChange[], firings: RuleFirings, activeNow: (gateway: GatewayRef) => number | null, latest: number): ShadowComparison {
  const started = history.filter((c) => c.action === 'shadow').at(-1);
  const none: FiringSummary = { count: 0, latest: [] };
  if (!started) {
    return { version: pack.version, since: null, activeVersions: [], gateways: [], rules: pack.rules.map((r) => ({ rule: r.id, live: none, shadow: none })) };
  }
  const query = { version: pack.version, gateways: started.gateways, since: started.at, latest };
  const live = firings.byRule('rule.action', { ...query, otherVersions: true });
  const shadow = firings.byRule('rule.shadow', { ...query, otherVersions: false });
  const activeVersions = new Set<number>();
  for (const g of started.gateways) {
    const active = activeNow(g);
    if (active !== null && active !== pack.version) activeVersions.add(active);
  }
  for (const summary of live.values()) for (const f of summary.latest) activeVersions.add(f.version);
  const ruleIds = [...pack.rules.map((r) => r.id), ...[...live.keys()].filter((id) => !pack.rules.some((r) => r.id === id)).sort()];
  return {
    version: pack.version,
    since: started.at,
    activeVersions: [...activeVersions].sort((a, b) => a - b),
    gateways: started.gateways,
    rules: ruleIds.map((rule) => ({ rule, live: live.get(rule) ?? none, shadow: shadow.get(rule) ?? none })),
  };
}
