/** GET /api/telemetry/history: one tag's readings over a time range. */
import type { FastifyInstance } from 'fastify';
import type { TelemetryStore } from '../../store/telemetry-store.ts';
import { ApiError, apiErrorSchema } from '../api-errors.ts';
import {
  deviceField, edgeField, errorCodeSchema, groupField, jsonSafeValue, limitField, qualitySchema, tagField, telemetryValueSchema, timeField,
} from '../query-fields.ts';
import { parseTimeInstant } from '../time-instant.ts';

interface HistoryQuerystring {
  group?: string;
  edge: string;
  device: string;
  tag: string;
  from?: string;
  to?: string;
  limit?: number;
}

const schema = {
  summary: "One tag's readings over a time range, oldest first",
  querystring: {
    type: 'object',
    additionalProperties: false,
    required: ['edge', 'device', 'tag'],
    properties: {
      edge: edgeField,
      device: deviceField,
      tag: tagField,
      from: timeField('Start of the range, inclusive. Default: the oldest reading.'),
      to: timeField('End of the range, inclusive. Default: now.'),
      group: { ...groupField, description: 'Site (Sparkplug group id); needed only when the gateway name exists in more than one site.' },
      limit: limitField,
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['edge', 'device', 'tag', 'unit', 'points'],
      additionalProperties: false,
      properties: {
        edge: { type: 'string' },
        device: { type: 'string' },
        tag: { type: 'string' },
        unit: { type: ['string', 'null'] },
        points: {
          type: 'array',
          items: {
            type: 'object',
            required: ['ts', 'value', 'quality', 'error'],
            additionalProperties: false,
            properties: { ts: { type: 'integer' }, value: telemetryValueSchema, quality: qualitySchema, error: errorCodeSchema },
          },
        },
      },
    },
    400: apiErrorSchema,
    404: apiErrorSchema,
  },
} as const;

export async function telemetryHistoryRoute(app: FastifyInstance, { store }: { store: TelemetryStore }) {
  app.get<{ Querystring: HistoryQuerystring }>('/api/telemetry/history', { config: { permission: 'telemetry.read' }, schema, logLevel: 'warn' }, async (request) => {
    const { group, edge, device, tag, limit } = request.query;
    // The schema's time-instant format has already accepted both, so they parse.
    const from = request.query.from === undefined ? undefined : parseTimeInstant(request.query.from);
    const to = request.query.to === undefined ? undefined : parseTimeInstant(request.query.to);
    if (from !== undefined && to !== undefined && to < from) {
      throw new ApiError(400, 'INVALID_VALUE', 'to',
        `to: ${request.query.to} is before from (${request.query.from}); expected an instant at or after from`);
    }

    const matches = store.latest({ group, edge, device, tag });
    if (matches.length === 0) {
      const where = `device "${device}" of gateway "${edge}"${group === undefined ? '' : ` in site "${group}"`}`;
      throw new ApiError(404, 'NOT_FOUND', 'tag',
        `no telemetry for tag "${tag}" on ${where}; GET /api/telemetry/latest?edge=${encodeURIComponent(edge)}&device=${encodeURIComponent(device)} lists its tags`);
    }
    const sites = [...new Set(matches.map((m) => m.group))];
    if (sites.length > 1) {
      throw new ApiError(400, 'AMBIGUOUS', 'group',
        `gateway "${edge}" exists in sites ${sites.map((s) => `"${s}"`).join(', ')}; add group= to pick one`);
    }
    const [match] = matches as [(typeof matches)[number]];
    const points = store.history({ group: match.group, edge, device, tag, from, to, limit })
      .map(({ ts, value, quality, error }) => ({ ts, value: jsonSafeValue(value), quality, error }));
    return { edge, device, tag, unit: match.unit, points };
  });
}
