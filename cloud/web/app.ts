/**
 * The cloud's web app: JSON API and admin page over the telemetry store. Builds the Fastify
 * instance and registers one plugin per route; it never listens (server.ts does), so tests
 * drive it with `app.inject()`.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TelemetryStore } from '../store/telemetry-store.ts';
import { installErrorHandling } from './error-handler.ts';
import type { RouteRecord, RouteSchema } from './openapi.ts';
import { addQueryVocabulary } from './query-fields.ts';
import { adminPageRoute } from './routes/admin-page.ts';
import { healthRoute, type HealthInfo } from './routes/health.ts';
import { openApiRoute } from './routes/openapi.ts';
import { telemetryHistoryRoute } from './routes/telemetry-history.ts';
import { telemetryLatestRoute } from './routes/telemetry-latest.ts';

export type { HealthInfo };

export interface CloudAppOptions {
  store: TelemetryStore;
  /** A pino logger (given to Fastify as its loggerInstance). */
  logger: FastifyBaseLogger;
  /** Broker and ingest statistics, merged into GET /api/health. */
  health?: () => HealthInfo;
  /** Monotonic milliseconds for uptime; defaults to performance.now. */
  monotonicMs?: () => number;
}

export function buildCloudApp({ store, logger, health = () => ({}), monotonicMs = () => performance.now() }: CloudAppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger,
    ajv: {
      // Fastify's default silently drops unknown keys; this API names them in a 400 instead.
      customOptions: { removeAdditional: false },
      onCreate: addQueryVocabulary,
    },
  });

  const { rejections } = installErrorHandling(app);
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  });

  const routes: RouteRecord[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, schema: route.schema as RouteSchema | undefined });
  });

  app.register(healthRoute, { store, health: () => ({ web: { rejected: rejections() }, ...health() }), monotonicMs });
  app.register(telemetryLatestRoute, { store });
  app.register(telemetryHistoryRoute, { store });
  app.register(adminPageRoute);
  app.register(openApiRoute, { routes });
  return app;
}
