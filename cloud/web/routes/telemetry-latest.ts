/**
 * GET /api/telemetry/latest: the newest value of every tag, optionally narrowed, each saying
 * whether it is stale (its gateway or device is offline, per the Sparkplug session table).
 */
import type { FastifyInstance } from 'fastify';
import { noEdgeSessions, type EdgeSessionsView } from '../../ingest/edge-sessions.ts';
import type { LatestFilter, TelemetryStore } from '../../store/telemetry-store.ts';
import { apiErrorSchema } from '../api-errors.ts';
import {
  deviceField, edgeField, errorCodeSchema, groupField, jsonSafeValue, qualitySchema, tagField, telemetryValueSchema,
} from '../query-fields.ts';

export const latestValueSchema = {
  type: 'object',
  required: ['group', 'edge', 'device', 'protocol', 'tag', 'value', 'quality', 'error', 'ts', 'unit', 'stale'],
  additionalProperties: false,
  properties: {
    group: { type: 'string', description: 'Site (Sparkplug group id).' },
    edge: { type: 'string', description: 'Gateway (Sparkplug edge node id).' },
    device: { type: 'string' },
    protocol: { type: ['string', 'null'], description: 'How the gateway reads the device: s7, opcua, modbus, scanner…' },
    tag: { type: 'string' },
    value: telemetryValueSchema,
    quality: qualitySchema,
    error: errorCodeSchema,
    ts: { type: 'integer', description: 'Epoch milliseconds of the reading at the source.' },
    unit: { type: ['string', 'null'] },
    stale: {
      type: 'boolean',
      description: 'true while the gateway (Sparkplug edge node) or the device is offline, after its NDEATH or DDEATH, '
        + 'or while the cloud is not connected to the broker: the value is the last one known, not a live one.',
    },
  },
} as const;

const schema = {
  summary: 'Newest value of every tag',
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: { group: groupField, edge: edgeField, device: deviceField, tag: tagField },
  },
  response: {
    200: { type: 'array', items: latestValueSchema },
    400: apiErrorSchema,
  },
} as const;

export async function telemetryLatestRoute(app: FastifyInstance, { store, sessions = noEdgeSessions }: { store: TelemetryStore; sessions?: EdgeSessionsView }) {
  app.get<{ Querystring: LatestFilter }>('/api/telemetry/latest', { config: { permission: 'telemetry.read' }, schema, logLevel: 'warn' }, async (request) =>
    store.latest(request.query).map(({ group, edge, device, protocol, tag, value, quality, error, ts, unit }) => ({
      group, edge, device, protocol, tag, value: jsonSafeValue(value), quality, error, ts, unit, stale: sessions.isStale(group, edge, device),
    })));
}
