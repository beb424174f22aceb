/**
 * Opens the rule part on the cloud's SQLite file (migrations are applied by the store): the pack
 * store and release flow (when a glossary is configured), the seed pack on a first start, the
 * consumer that turns rule actions into requisitions and location blocks, and what the web
 * routes need.
 */
import { ConfigError } from '../../config/config-error.ts';
import { systemClock, type Clock } from '../../connectors/clock.ts';
import type { ConfigReport, EdgeEvent } from '../../connectors/edge-link/index.ts';
import { parseGlossary } from '../../rules/glossary.ts';
import type { AuditLog } from '../auth/audit-log.ts';
import { LocationBlocks } from '../inventory/location-blocks.ts';
import { SparePartRequisitions } from '../purchasing/spare-part-requisitions.ts';
import type { EdgeLinkClient } from '../rollout/edge-link-client.ts';
import { openDatabase } from '../store/database.ts';
import type { PackCompiler } from './pack-compiler.ts';
import { RuleActionConsumer } from './rule-action-consumer.ts';
import { compileRuleText } from './rule-editor.ts';
import type { GatewayRef } from './rule-pack-store.ts';
import { RuleRelease, RulesInvalidError } from './rule-release.ts';
import type { RulesApi } from './rules-api.ts';
import { rulesPackCompiler } from './rules-pack-compiler.ts';
import { compareShadow, RuleFirings } from './shadow-comparison.ts';
import { SqliteRulePackStore } from './sqlite-rule-pack-store.ts';

export interface OpenRulesOptions {
  /** The glossary file's content, not yet validated; without it there is no release flow. */
  glossary?: { source: string; raw: unknown };
  /** The seed pack file's content (a *.rules.yaml), used when the store has no version. */
  seedPack?: { source: string; raw: unknown };
  link: () => EdgeLinkClient | undefined;
  gateways: () => GatewayRef[];
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** Where the seed is recorded (created by `system`). */
  audit?: AuditLog;
  clock?: Pick<Clock, 'now'>;
  applyTimeoutMs?: number;
  compiler?: PackCompiler;
}

export interface OpenRules {
  /** Undefined when no glossary is configured. */
  release: RuleRelease | undefined;
  /** For buildCloudApp's `rules`; undefined without a glossary. */
  routes: RulesApi | undefined;
  requisitions: SparePartRequisitions;
  blocks: LocationBlocks;
  /** Hand every edge event to it after storing it (idempotent). */
  onEvent(group: string, edge: string, event: EdgeEvent): void;
  /** Hand every configuration report to it (the `rules` part says what the gateway runs). */
  onReport(group: string, edge: string, report: ConfigReport): void;
  close(): void;
}

/** Throws ConfigError for a glossary or seed pack with problems: the cloud does not start on them. */
export function openRules(file: string, options: OpenRulesOptions): OpenRules {
  const clock = options.clock ?? systemClock;
  const db = openDatabase(file);
  try {
    const requisitions = new SparePartRequisitions(db, clock);
    const blocks = new LocationBlocks(db);
    const consumer = new RuleActionConsumer({ requisitions, blocks, logger: options.logger });
    let release: RuleRelease | undefined;
    let routes: RulesApi | undefined;
    if (options.glossary) {
      const parsed = parseGlossary(options.glossary.raw);
      if (!parsed.ok) throw new ConfigError(options.glossary.source, parsed.problems);
      const glossary = parsed.glossary;
      const store = new SqliteRulePackStore(db, clock);
      release = new RuleRelease({
        store, glossary, compiler: options.compiler ?? rulesPackCompiler, link: options.link, gateways: options.gateways,
        logger: options.logger, applyTimeoutMs: options.applyTimeoutMs,
      });
      if (options.seedPack) seed(release, options.seedPack, options);
      const firings = new RuleFirings(db);
      const r = release;
      routes = {
        release: r,
        compile: (text, lang) => compileRuleText(text, lang, glossary),
        shadowComparison: (version, latest) => compareShadow(r.get(version), r.history(version), firings,
          (g) => store.deployment(g.group, g.edge)?.activeVersion ?? null, latest),
      };
    }
    return {
      release, routes, requisitions, blocks,
      onEvent: (group, edge, event) => consumer.onEvent(group, edge, event),
      onReport: (group, edge, report) => {
        try {
          release?.onReport(group, edge, report);
        } catch (error) {
          options.logger.warn({ err: error, group, edge }, 'could not act on a gateway\'s rules report');
        }
      },
      close: () => db.close(),
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

function seed(release: RuleRelease, seedPack: { source: string; raw: unknown }, options: OpenRulesOptions): void {
  try {
    const seeded = release.seed(seedPack.raw);
    if (!seeded) return;
    options.logger.info({ version: seeded.version, pack: seeded.pack, examplesPassed: seeded.examplesPassed }, 'seeded the rule pack at production');
    options.audit?.record({
      actor: 'system', actorKind: 'system', action: 'rules.pack.create', outcome: 'success', target: `version ${seeded.version}`,
      after: { version: seeded.version, stage: seeded.stage, seed: seedPack.source },
    });
  } catch (error) {
    if (error instanceof RulesInvalidError) throw new ConfigError(seedPack.source, error.problems);
    throw error;
  }
}
