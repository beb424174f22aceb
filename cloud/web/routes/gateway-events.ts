/**
 * GET /api/gateways/:group/:edge/events: a gateway's edge events (docs/edge-events.md), newest
 * first by the gateway's time, optionally of one type. Each event is stored once however often the
 * gateway's outbox delivered it. A gateway that never sent one answers an empty list.
 */
import type { FastifyInstance } from 'fastify';
import { noEdgeEvents, type EdgeEventStore } from '../../events/edge-event-store.ts';
import { apiErrorSchema } from '../api-errors.ts';

export const MAX_EVENTS_LIMIT = 1000;
const DEFAULT_EVENTS_LIMIT = 100;

const idLevel = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', maxLength: 128, 'x-expected': 'a Sparkplug group or edge id' } as const;

const edgeEventSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type', 'at', 'receivedAt', 'body'],
  properties: {
    id: { type: 'string', description: 'Chosen by the gateway; unique per gateway.' },
    type: { type: 'string', description: 'What kind of event, e.g. connector.link.' },
    at: { type: 'integer', description: 'When it happened, epoch milliseconds (gateway clock).' },
    receivedAt: { type: 'integer', description: 'When it first reached the cloud, epoch milliseconds (cloud clock); later than `at` after an outage.' },
    body: { description: 'What happened; its shape depends on `type` (docs/edge-events.md).' },
  },
} as const;

const schema = {
  summary: 'A gateway\'s edge events (link changes, rule actions, alerts, scan decisions), newest first',
  params: { type: 'object', required: ['group', 'edge'], additionalProperties: false, properties: { group: idLevel, edge: idLevel } },
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      limit: {
        type: 'integer', minimum: 1, maximum: MAX_EVENTS_LIMIT, default: DEFAULT_EVENTS_LIMIT,
        description: `Most events to return (default ${DEFAULT_EVENTS_LIMIT}); the newest are kept.`, 'x-expected': `a whole number from 1 to ${MAX_EVENTS_LIMIT}`,
      },
      type: {
        type: 'string', maxLength: 100, pattern: '^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*$',
        description: 'Only events of this type.', 'x-expected': 'an event type such as connector.link',
      },
    },
  },
  response: {
    200: { type: 'object', additionalProperties: false, required: ['events'], properties: { events: { type: 'array', items: edgeEventSchema } } },
    400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema,
  },
} as const;

interface Params { group: string; edge: string }
interface Query { limit: number; type?: string }

export async function gatewayEventRoutes(app: FastifyInstance, { events = noEdgeEvents }: { events?: EdgeEventStore }) {
  app.get<{ Params: Params; Querystring: Query }>('/api/gateways/:group/:edge/events', { config: { permission: 'telemetry.read' }, schema }, async (request) => {
    const { group, edge } = request.params;
    const { limit, type } = request.query;
    return { events: events.list(group, edge, { limit, ...(type !== undefined ? { type } : {}) }).map(({ id, type: t, at, receivedAt, body }) => ({ id, type: t, at, receivedAt, body })) };
  });
}
