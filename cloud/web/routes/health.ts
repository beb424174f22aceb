/** GET /api/health: liveness plus the store's size and what the composition root reports. */
import type { FastifyInstance } from 'fastify';
import type { TelemetryStore } from '../../store/telemetry-store.ts';

/** Broker and ingest figures; the composition root decides what goes in. */
export interface HealthInfo {
  broker?: object;
  ingest?: object;
  [part: string]: unknown;
}

export interface HealthRouteOptions {
  store: TelemetryStore;
  health: () => HealthInfo;
  /** Monotonic milliseconds; injected so tests can pin uptime. */
  monotonicMs: () => number;
}

const schema = {
  summary: 'Liveness, store size, broker and ingest statistics',
  response: {
    200: {
      type: 'object',
      required: ['status', 'uptimeS', 'store'],
      additionalProperties: true,
      properties: {
        status: { type: 'string', enum: ['ok'] },
        uptimeS: { type: 'integer', description: 'Seconds since the web app started.' },
        store: {
          type: 'object',
          required: ['samples', 'tags'],
          properties: { samples: { type: 'integer' }, tags: { type: 'integer' } },
        },
        web: {
          type: 'object',
          properties: {
            rejected: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Rejected requests by error code since start.' },
          },
        },
        broker: { type: 'object', additionalProperties: true },
        ingest: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;

export async function healthRoute(app: FastifyInstance, { store, health, monotonicMs }: HealthRouteOptions) {
  const startedMs = monotonicMs();
  // Public: supervisors and the demo launcher probe it before anyone can log in.
  app.get('/api/health', { config: { permission: 'public' }, schema, logLevel: 'warn' }, async () => ({
    ...health(),
    status: 'ok' as const,
    uptimeS: Math.floor((monotonicMs() - startedMs) / 1000),
    store: store.counts(),
  }));
}
