/**
 * GET /api/gateways/sessions: each gateway's Sparkplug session as the cloud's host application
 * follows it (online, bdSeq, births, seq gaps, rebirth requests, devices), with the outbox figures
 * the gateway reports as node metrics (Outbox/Rows, /Bytes, /Max Bytes, /Dropped, /Backlog,
 * stored under device '' like any node metric). The admin page's Gateways panel polls it.
 */
import type { FastifyInstance } from 'fastify';
import { noEdgeSessions, type EdgeNodeSession, type EdgeSessionsView } from '../../ingest/edge-sessions.ts';
import { NODE_DEVICE } from '../../ingest/sparkplug-ingest.ts';
import type { TelemetryStore } from '../../store/telemetry-store.ts';

/** Node metric name -> field of the answer. */
const OUTBOX_METRICS = {
  'Outbox/Rows': 'outboxRows',
  'Outbox/Bytes': 'outboxBytes',
  'Outbox/Max Bytes': 'outboxMaxBytes',
  'Outbox/Dropped': 'droppedRows',
  'Outbox/Backlog': 'backlogRows',
} as const;

type OutboxField = (typeof OUTBOX_METRICS)[keyof typeof OUTBOX_METRICS];

const count = (description: string) => ({ type: 'integer', minimum: 0, description } as const);
const outboxFigure = (description: string) => ({ type: ['integer', 'null'], description: `${description} null until the gateway reported it.` } as const);
const epochMs = (description: string) => ({ type: ['integer', 'null'], description: `${description} Epoch milliseconds (cloud clock); null if never.` } as const);

export const gatewaySessionSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'group', 'edge', 'online', 'bdSeq', 'lastBirthAt', 'lastDeathAt', 'births', 'seqGaps', 'rebirthRequests', 'rejectedFrames', 'staleDeaths',
    'outboxRows', 'outboxBytes', 'outboxMaxBytes', 'droppedRows', 'backlogRows', 'devices',
  ],
  properties: {
    group: { type: 'string', description: 'Site (Sparkplug group id).' },
    edge: { type: 'string', description: 'Gateway (Sparkplug edge node id).' },
    online: { type: 'boolean', description: 'Between its NBIRTH and the NDEATH of that session.' },
    bdSeq: { type: ['integer', 'null'], description: 'Birth/death sequence number of the current (or last) session, from its NBIRTH.' },
    lastBirthAt: epochMs('When its last NBIRTH arrived.'),
    lastDeathAt: epochMs('When its last session ended (NDEATH).'),
    births: count('NBIRTHs received.'),
    seqGaps: count('Frames whose seq did not follow the previous one: frames were lost.'),
    rebirthRequests: count('Rebirth requests (NCMD Node Control/Rebirth) sent to it.'),
    rejectedFrames: count('Frames from it the cloud could not apply (malformed, unknown alias, ...).'),
    staleDeaths: count('NDEATHs ignored because they named an earlier session (a late MQTT Will).'),
    outboxRows: outboxFigure('Rows in its outbox.'),
    outboxBytes: outboxFigure('Bytes its outbox holds.'),
    outboxMaxBytes: outboxFigure('Its outbox byte budget.'),
    droppedRows: outboxFigure('Rows its outbox dropped over its life because the byte budget was full.'),
    backlogRows: outboxFigure('Rows still waiting for historical replay.'),
    devices: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: ['name', 'online'],
        properties: { name: { type: 'string' }, online: { type: 'boolean', description: 'Between its DBIRTH and DDEATH (or its node\'s death).' } },
      },
    },
  },
} as const;

const schema = {
  summary: 'Each gateway\'s Sparkplug session and outbox figures',
  response: {
    200: {
      type: 'object',
      additionalProperties: false,
      required: ['now', 'gateways'],
      properties: {
        now: { type: 'integer', description: 'The cloud\'s clock, epoch milliseconds: ages are measured against it.' },
        gateways: { type: 'array', items: gatewaySessionSchema },
      },
    },
  },
} as const;

function outboxFigures(store: TelemetryStore, node: EdgeNodeSession): Record<OutboxField, number | null> {
  const figures: Record<OutboxField, number | null> = { outboxRows: null, outboxBytes: null, outboxMaxBytes: null, droppedRows: null, backlogRows: null };
  for (const value of store.latest({ group: node.group, edge: node.edge, device: NODE_DEVICE })) {
    const field = OUTBOX_METRICS[value.tag as keyof typeof OUTBOX_METRICS];
    if (field !== undefined && typeof value.value === 'number' && Number.isFinite(value.value)) figures[field] = value.value;
  }
  return figures;
}

export async function gatewaySessionRoutes(app: FastifyInstance, { store, sessions = noEdgeSessions, now = Date.now }: {
  store: TelemetryStore;
  sessions?: EdgeSessionsView;
  now?: () => number;
}) {
  app.get('/api/gateways/sessions', { config: { permission: 'telemetry.read' }, schema, logLevel: 'warn' }, async () => ({
    now: now(),
    gateways: sessions.list().map((node) => ({
      group: node.group, edge: node.edge, online: node.online, bdSeq: node.bdSeq,
      lastBirthAt: node.lastBirthAt, lastDeathAt: node.lastDeathAt,
      births: node.births, seqGaps: node.seqGaps, rebirthRequests: node.rebirthRequests,
      rejectedFrames: node.rejectedFrames, staleDeaths: node.staleDeaths,
      ...outboxFigures(store, node),
      devices: node.devices.map((device) => ({ name: device.name, online: device.online })),
    })),
  }));
}
