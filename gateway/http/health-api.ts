/**
 * The gateway's local HTTP API: GET /health (JSON) and GET /metrics (Prometheus text).
 * `healthApi` is the plugin; `buildHealthApp` wraps it in an app that does not listen, so tests
 * use inject() and only the daemon calls listen().
 */
import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { LinkState } from '../../connectors/connector.ts';
import type { EdgeNodeStats } from '../north/edge-node-types.ts';
import type { OutboxStats } from '../outbox/outbox.ts';

/** The edge node's figures (EdgeNodeStats); the fields beyond the first six are optional for callers that have none. */
export type NorthHealth = Pick<EdgeNodeStats, 'linkState' | 'bdSeq' | 'lastError' | 'lastPublishAt' | 'pointsPublished' | 'framesPublished'>
  & Partial<Omit<EdgeNodeStats, 'linkState' | 'bdSeq' | 'lastError' | 'lastPublishAt' | 'pointsPublished' | 'framesPublished'>>;

export interface HealthReport {
  /** 'ok' when every link is up; 'degraded' when the gateway runs but a link is not up. */
  status: 'ok' | 'degraded';
  uptimeS: number;
  /** Link state per connector (Sparkplug device). */
  links: Record<string, LinkState>;
  north: NorthHealth;
  outbox: OutboxStats;
  /** The rule packs running and their figures; absent when the gateway has no rules runtime. */
  rules?: RulesHealthReport;
  /** The device broker, scans and master data (gateway/devices/scan-station.ts); absent when the site does not scan. */
  scanning?: ScanningHealthReport;
}

/** gateway/devices/scan-station.ts ScanningStats, as /health shows it. */
export interface ScanningHealthReport {
  broker: {
    port: number; tlsPort: number | undefined; connected: number; authFailures: number; publishRefusals: number; subscribeRefusals: number;
    messages: number; published: number; cachedLogins: number; tlsHandshakeFailures: number;
  } | null;
  scans: {
    verdicts: Record<'allow' | 'warn' | 'block', number>; recorded: number; repeats: number; badPayloads: number; notRecorded: number;
    dropped: Record<string, number>; readings: number; commits: number; latencyMs: { p50: number; p99: number; max: number } | null;
  };
  masterData: { version: number; counts: Record<string, number>; lastSyncAt: number | null; applied: number; refused: number };
  permissions: 'cloud' | 'seed' | 'none';
}

/** gateway/rules/rules-host.ts RulesHealth, as /health shows it. */
export interface RulesHealthReport {
  active: { pack: string; version: number; rules: number } | null;
  shadow: { pack: string; version: number; rules: number } | null;
  source: 'file' | 'pushed' | 'none';
  evaluations: number;
  firings: { active: number; shadow: number };
  effectsFailed: number;
  ruleErrors: number;
  eventsFailed: number;
  blocks: Array<{ operation: string; location: string; pack: string; rule: string; since: number }>;
}

export interface HealthApiOptions {
  health: () => HealthReport;
  registry: Registry;
}

const linkState = { type: 'string', enum: ['connecting', 'up', 'down', 'closed'] } as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const count = { type: 'number' } as const;
const packRef = { type: ['object', 'null'], properties: { pack: { type: 'string' }, version: count, rules: count } } as const;
const counts = { type: 'object', additionalProperties: count } as const;

const healthSchema = {
  type: 'object',
  required: ['status', 'uptimeS', 'links', 'north', 'outbox'],
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded'] },
    uptimeS: { type: 'number' },
    links: { type: 'object', additionalProperties: linkState },
    north: {
      type: 'object',
      properties: {
        linkState, bdSeq: nullableNumber, lastError: { type: ['string', 'null'] }, lastPublishAt: nullableNumber,
        pointsPublished: count, framesPublished: count, sessions: count, births: count, historicalPointsPublished: count,
        eventsPublished: count, unroutablePoints: count, unfitPoints: count, withheldPoints: count, deviceDeaths: count,
        deviceRebirths: count, deadDevices: { type: 'array', items: { type: 'string' } }, rebirthRequests: count, badCommands: count,
        unknownCommandMetrics: count, hostOnline: { type: ['boolean', 'null'] }, stateMessages: count, badStateMessages: count,
        hostOfflineDisconnects: count, backlogRows: count,
      },
    },
    outbox: {
      type: 'object',
      properties: {
        rows: { type: 'number' }, bytes: { type: 'number' }, maxBytes: { type: 'number' }, dropped: { type: 'number' },
        appended: { type: 'number' }, acked: { type: 'number' }, oldestTs: nullableNumber,
      },
    },
    rules: {
      type: 'object',
      properties: {
        active: packRef, shadow: packRef, source: { type: 'string', enum: ['file', 'pushed', 'none'] },
        evaluations: count, firings: { type: 'object', properties: { active: count, shadow: count } },
        effectsFailed: count, ruleErrors: count, eventsFailed: count,
        blocks: {
          type: 'array',
          items: { type: 'object', properties: { operation: { type: 'string' }, location: { type: 'string' }, pack: { type: 'string' }, rule: { type: 'string' }, since: count } },
        },
      },
    },
    scanning: {
      type: 'object',
      properties: {
        broker: {
          type: ['object', 'null'],
          properties: {
            port: count, tlsPort: nullableNumber, connected: count, authFailures: count, publishRefusals: count, subscribeRefusals: count,
            messages: count, published: count, cachedLogins: count, tlsHandshakeFailures: count,
          },
        },
        scans: {
          type: 'object',
          properties: {
            verdicts: counts, recorded: count, repeats: count, badPayloads: count, notRecorded: count, dropped: counts, readings: count, commits: count,
            latencyMs: { type: ['object', 'null'], properties: { p50: count, p99: count, max: count } },
          },
        },
        masterData: {
          type: 'object',
          properties: { version: count, counts, lastSyncAt: nullableNumber, applied: count, refused: count },
        },
        permissions: { type: 'string', enum: ['cloud', 'seed', 'none'] },
      },
    },
  },
} as const;

export const healthApi: FastifyPluginAsync<HealthApiOptions> = async (app, options) => {
  app.get('/health', { schema: { response: { 200: healthSchema } } }, async () => options.health());
  app.get('/metrics', { schema: { response: { 200: { type: 'string' } } } }, async (_request, reply) => {
    reply.type(options.registry.contentType);
    return options.registry.metrics();
  });
};

export function buildHealthApp(options: HealthApiOptions & { logger?: Logger }): FastifyInstance {
  // Request logging off: monitoring polls /health and /metrics every few seconds.
  const logController = new LogController({ disableRequestLogging: true });
  const app = Fastify({ ...(options.logger ? { loggerInstance: options.logger } : { logger: false }), logController });
  app.register(healthApi, { health: options.health, registry: options.registry });
  return app as unknown as FastifyInstance;
}
