/**
 * Scans, shelves and cold-chain evidence (issue 6; cloud/scans/): the live scan feed with the
 * gateways' verdicts, reconciliation alerts, each shelf's environment with its alarms, a shelf's
 * and a lot's temperature history, and maintenance tickets. Read-only; `inventory.read`.
 * Without a scans part every list is empty and every history 404.
 */
import type { FastifyInstance } from 'fastify';
import type { ScansApi } from '../../scans/open-scans.ts';
import type { ScanRecord } from '../../scans/scan-event.ts';
import { ApiError, apiErrorSchema } from '../api-errors.ts';
import { timeField } from '../query-fields.ts';
import { parseTimeInstant } from '../time-instant.ts';

export const MAX_SCANS_LIMIT = 500;
const DEFAULT_SCANS_LIMIT = 100;
/** A shelf's history without `from`: the day before `to`. */
const DEFAULT_SHELF_HISTORY_MS = 86_400_000;

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema } as const;
const code = (expected: string) => ({ type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', 'x-expected': expected } as const);
const gtinField = { type: 'string', pattern: '^\\d{14}$', 'x-expected': 'a GTIN of 14 digits' } as const;
const batchField = { type: 'string', pattern: '^[!-"%-/0-9:-?A-Z_a-z]{1,20}$', 'x-expected': 'a batch (AI 10): 1 to 20 characters of GS1 character set 82' } as const;
const nullableString = { type: ['string', 'null'] } as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const range = { type: ['object', 'null'], additionalProperties: false, required: ['min', 'max'], properties: { min: { type: 'number' }, max: { type: 'number' } } } as const;
const ranges = { type: 'object', additionalProperties: false, required: ['temperatureC', 'humidityPct'], properties: { temperatureC: range, humidityPct: range } } as const;
const series = { type: 'array', description: '[ts, value] pairs, oldest first.', items: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 } } as const;
const reading = {
  type: ['object', 'null'], additionalProperties: false, required: ['value', 'unit', 'ts', 'quality'],
  properties: { value: { type: 'number' }, unit: { type: 'string' }, ts: { type: 'integer' }, quality: { type: 'string', enum: ['good', 'uncertain', 'bad'] } },
} as const;

const scanSchema = {
  type: 'object', additionalProperties: false,
  required: ['seq', 'id', 'group', 'edge', 'device', 'operator', 'op', 'code', 'location', 'gtin', 'batch', 'serial', 'qty', 'verdict', 'reasons', 'prompt', 'offline', 'at', 'receivedAt'],
  properties: {
    seq: { type: 'integer', description: 'The cloud\'s arrival order; poll with after=<seq>.' },
    id: { type: 'string', description: 'The scan.decision event\'s id, scan-<device>-<scanId>; unique per gateway.' },
    group: { type: 'string' }, edge: { type: 'string' }, device: { type: 'string' }, operator: { type: 'string' },
    op: { type: 'string', enum: ['receive', 'putaway', 'pick', 'move', 'count'] },
    code: { type: 'string', description: 'The barcode as read.' },
    location: nullableString, gtin: nullableString, batch: nullableString, serial: nullableString, qty: nullableNumber,
    verdict: { type: 'string', enum: ['allow', 'warn', 'block'] },
    reasons: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } },
    prompt: { type: 'object', additionalProperties: false, required: ['en', 'zh'], properties: { en: { type: 'string' }, zh: { type: 'string' } } },
    offline: { type: 'boolean', description: 'The gateway decided while its link to the cloud was down.' },
    at: { type: 'integer', description: 'When the scan was taken, epoch milliseconds.' },
    receivedAt: { type: 'integer', description: 'When it reached the cloud, epoch milliseconds.' },
  },
} as const;

const alertSchema = {
  type: 'object', additionalProperties: false, required: ['id', 'kind', 'gtin', 'batch', 'message', 'scans', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'integer' }, kind: { type: 'string', enum: ['lot-quarantined-meanwhile'] }, gtin: { type: 'string' }, batch: { type: 'string' },
    message: { type: 'string' }, scans: { type: 'array', items: { type: 'string' }, description: 'Ids of the scans affected.' },
    createdAt: { type: 'integer' }, updatedAt: { type: 'integer' },
  },
} as const;

const shelfSchema = {
  type: 'object', additionalProperties: false,
  required: ['code', 'name', 'zone', 'temperature', 'humidity', 'range', 'alarm', 'alarmDays', 'blocked', 'stock', 'openTicket'],
  properties: {
    code: { type: 'string' }, name: nullableString, zone: nullableString, temperature: reading, humidity: reading, range: ranges,
    alarm: { type: 'boolean', description: 'A latest reading is outside the shelf\'s range.' },
    alarmDays: { type: 'array', items: { type: 'string' }, description: 'UTC days (YYYY-MM-DD) of the last 7 with a reading out of range; as of the last evaluation (each minute).' },
    blocked: { type: 'array', items: { type: 'string' }, description: 'Operations process rules block here now.' },
    stock: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['gtin', 'batch', 'qty', 'expiry'], properties: { gtin: { type: 'string' }, batch: { type: 'string' }, qty: { type: 'number' }, expiry: nullableString } },
    },
    openTicket: { type: ['object', 'null'], additionalProperties: false, required: ['id', 'openedAt'], properties: { id: { type: 'integer' }, openedAt: { type: 'integer' } } },
  },
} as const;

const staySchema = {
  type: 'object', additionalProperties: false, required: ['location', 'from', 'to', 'temperature', 'excursions', 'min', 'max'],
  properties: {
    location: { type: 'string' }, from: { type: 'integer' }, to: { type: ['integer', 'null'], description: 'null while the lot is still there.' },
    temperature: series, excursions: { type: 'integer', description: 'Readings outside the location\'s temperature range.' }, min: nullableNumber, max: nullableNumber,
  },
} as const;

const ticketSchema = {
  type: 'object', additionalProperties: false, required: ['id', 'location', 'reason', 'days', 'openedAt', 'status'],
  properties: {
    id: { type: 'integer' }, location: { type: 'string' }, reason: { type: 'string' }, days: { type: 'array', items: { type: 'string' } },
    openedAt: { type: 'integer' }, status: { type: 'string', enum: ['open', 'closed'] },
  },
} as const;

const scanOut = (s: ScanRecord) => ({
  seq: s.seq, id: s.id, group: s.group, edge: s.edge, device: s.device, operator: s.operator, op: s.op, code: s.code, location: s.location,
  gtin: s.gtin, batch: s.batch, serial: s.serial, qty: s.qty, verdict: s.verdict, reasons: s.reasons, prompt: s.prompt, offline: s.offline,
  at: s.at, receivedAt: s.receivedAt,
});

interface ScanQuerystring { after?: number; limit: number; device?: string; verdict?: ScanRecord['verdict']; location?: string; batch?: string }

export async function scanRoutes(app: FastifyInstance, { scans }: { scans?: ScansApi }) {
  app.get<{ Querystring: ScanQuerystring }>('/api/scans', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Scans with the gateways\' verdicts: newest first, or with after=<seq> those stored after it, oldest first (live feed)',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          after: { type: 'integer', minimum: 0, description: 'Only scans stored after this seq (lastSeq of the previous answer), oldest first.', 'x-expected': 'a whole number, the lastSeq of the previous answer' },
          limit: { type: 'integer', minimum: 1, maximum: MAX_SCANS_LIMIT, default: DEFAULT_SCANS_LIMIT, description: 'Most scans to return.', 'x-expected': `a whole number from 1 to ${MAX_SCANS_LIMIT}` },
          device: code('a device id such as pda-01'),
          verdict: { type: 'string', enum: ['allow', 'warn', 'block'], 'x-expected': 'allow, warn or block' },
          location: code('a location code such as B12'),
          batch: batchField,
        },
      },
      response: { 200: { type: 'object', additionalProperties: false, required: ['scans', 'lastSeq'], properties: { scans: { type: 'array', items: scanSchema }, lastSeq: { type: 'integer' } } }, ...errors },
    },
  }, async (request) => {
    if (!scans) return { scans: [], lastSeq: request.query.after ?? 0 };
    const page = scans.list(request.query);
    return { scans: page.scans.map(scanOut), lastSeq: page.lastSeq };
  });

  app.get('/api/scans/alerts', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Reconciliation alerts: scans a gateway allowed of a lot the cloud had quarantined meanwhile',
      response: { 200: { type: 'object', additionalProperties: false, required: ['alerts'], properties: { alerts: { type: 'array', items: alertSchema } } }, ...errors },
    },
  }, async () => ({ alerts: scans?.alerts() ?? [] }));

  app.get('/api/shelves', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Every shelf: latest temperature and humidity, alarm, alarm days, rule blocks, stock and open maintenance ticket',
      response: { 200: { type: 'object', additionalProperties: false, required: ['shelves'], properties: { shelves: { type: 'array', items: shelfSchema } } }, ...errors },
    },
  }, async () => ({ shelves: scans?.shelves() ?? [] }));

  app.get<{ Params: { code: string }; Querystring: { from?: string; to?: string } }>('/api/shelves/:code/history', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'A shelf\'s temperature and humidity readings over a time range, oldest first',
      params: { type: 'object', additionalProperties: false, required: ['code'], properties: { code: code('a location code such as B12') } },
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { from: timeField('Start, inclusive. Default: a day before `to`.'), to: timeField('End, inclusive. Default: now.') },
      },
      response: {
        200: { type: 'object', additionalProperties: false, required: ['code', 'temperature', 'humidity', 'range'], properties: { code: { type: 'string' }, temperature: series, humidity: series, range: ranges } },
        ...errors, 404: apiErrorSchema,
      },
    },
  }, async (request) => {
    const to = request.query.to === undefined ? (scans?.now() ?? Date.now()) : parseTimeInstant(request.query.to)!;
    const from = request.query.from === undefined ? to - DEFAULT_SHELF_HISTORY_MS : parseTimeInstant(request.query.from)!;
    if (to < from) throw new ApiError(400, 'INVALID_VALUE', 'to', `to: ${request.query.to ?? to} is before from (${request.query.from ?? from}); expected an instant at or after from`);
    const history = scans?.shelfHistory(request.params.code, from, to);
    if (!history) throw new ApiError(404, 'NOT_FOUND', 'code', `no location "${request.params.code}" in master data; GET /api/shelves lists them`);
    return history;
  });

  app.get<{ Params: { gtin: string; batch: string } }>('/api/lots/:gtin/:batch/history', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'A lot\'s cold-chain evidence: each stay at a location with that location\'s temperature readings, and the lot\'s scans',
      params: { type: 'object', additionalProperties: false, required: ['gtin', 'batch'], properties: { gtin: gtinField, batch: batchField } },
      response: {
        200: {
          type: 'object', additionalProperties: false, required: ['gtin', 'batch', 'stays', 'scans'],
          properties: { gtin: { type: 'string' }, batch: { type: 'string' }, stays: { type: 'array', items: staySchema }, scans: { type: 'array', items: scanSchema } },
        },
        ...errors, 404: apiErrorSchema,
      },
    },
  }, async (request) => {
    const { gtin, batch } = request.params;
    const history = scans?.lotHistory(gtin, batch);
    if (!history) throw new ApiError(404, 'NOT_FOUND', 'batch', `no lot ${gtin}/${batch} in master data and no scan of it; GET /api/master-data/lot lists the lots`);
    return { ...history, scans: history.scans.map(scanOut) };
  });

  app.get('/api/maintenance-tickets', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Maintenance tickets: shelves with readings out of range on three days in a row, newest first',
      response: { 200: { type: 'object', additionalProperties: false, required: ['tickets'], properties: { tickets: { type: 'array', items: ticketSchema } } }, ...errors },
    },
  }, async () => ({ tickets: scans?.tickets() ?? [] }));
}
