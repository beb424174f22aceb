/**
 * Lot trace over HTTP (docs/inventory-api.md, "Lot trace"): the trace of one lot as JSON
 * (cloud/inventory/lot-trace.ts LotTraceResult) and as a sortable CSV attachment, both
 * inventory.read. An unknown lot is a 404 naming it and where the lots are listed; an unknown
 * sort column a 400 naming the columns (trace-csv.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { LotTrace } from '../../inventory/lot-trace.ts';
import { traceDirections, type LotTraceResult, type TraceDirection } from '../../inventory/lot-trace-types.ts';
import { traceCsv, traceCsvColumns } from '../../inventory/trace-csv.ts';
import { ApiError } from '../api-errors.ts';
import { batchField, codeField, inventoryErrors, lotSchema } from './inventory-catalog.ts';

export interface InventoryTraceRouteOptions { trace: Pick<LotTrace, 'trace'> }

const str = { type: 'string' } as const;
const num = { type: 'number' } as const;
const int = { type: 'integer' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const nullableInt = { type: ['integer', 'null'] } as const;
const kind = { type: 'string', description: 'Location kind: warehouse, zone, shelf, supplier, customer, transit, inspection, scrap, production, adjustment.' } as const;
const range = { type: 'object', additionalProperties: false, required: ['min', 'max'], properties: { min: num, max: num } } as const;
const object = (properties: Record<string, object>, description?: string) =>
  ({ type: 'object', additionalProperties: false, required: Object.keys(properties), properties, ...(description ? { description } : {}) });
const list = (items: object, description?: string) => ({ type: 'array', items, ...(description ? { description } : {}) });

const documentSchema = object({ docType: nullableStr, docId: nullableStr, qty: { ...num, description: 'Net: the way of the trace less what came back.' }, firstAt: int, moveIds: list(int) });
const partySchema = object({
  location: str, name: nullableStr, kind,
  qty: { ...num, description: 'What went the way of the trace: delivered, received, scrapped.' },
  returned: { ...num, description: 'What came back the other way (returns, reversals).' },
  documents: list(documentSchema),
});
const onHandSchema = object({ location: str, locationKind: kind, qty: num });
const destinations = { customers: list(partySchema), scrapped: list(partySchema), onHand: list(onHandSchema, 'Where the lot is now.') };
const lotRefSchema = object({ lotId: int, sku: str, batch: str, expiry: nullableStr, status: str });
const link = {
  depth: { ...int, description: '1: one production order away from the traced lot, 2: two, ...' }, lot: lotRefSchema,
  via: { ...lotRefSchema, description: 'The lot one step closer to the traced lot.' }, docType: nullableStr, docId: str, consumedQty: num, producedQty: num,
};
const moveSchema = object({
  id: int, effectiveAt: int, postedAt: int, reason: str, qty: num, from: str, fromKind: kind, to: str, toKind: kind,
  docType: nullableStr, docId: nullableStr, serial: nullableStr, reverses: nullableInt, actor: str, note: nullableStr,
});
const excursionSchema = object({
  start: { ...int, description: 'The first reading outside the range.' }, end: { ...int, description: 'The first reading back inside (the last outside when ongoing).' },
  worst: { ...num, description: 'The reading furthest outside.' }, minutes: num, samples: int, ongoing: { type: 'boolean' },
});

export const lotTraceSchema = object({
  tracedAt: int, direction: { type: 'string', enum: traceDirections }, lot: lotSchema,
  item: object({ sku: str, name: str, unit: str, category: str, temperatureC: { ...range, type: ['object', 'null'] } }),
  moves: list(moveSchema, 'Every move of the lot in ledger order.'),
  stays: list(object({ location: str, locationKind: kind, from: int, to: nullableInt, qty: { ...num, description: 'The most held there at once.' }, qtyIn: num }),
    'Where the lot sat, [from, to) by effective time; to null: still there.'),
  forward: { ...object({ ...destinations, produced: list(object({ ...link, destinations: object(destinations) }), 'Lots made from this one.'), truncated: { type: 'boolean' } }), type: ['object', 'null'] },
  backward: {
    ...object({ suppliers: list(partySchema), adjustments: list(partySchema), inputs: list(object({ ...link, suppliers: list(partySchema) }), 'Lots this one was made from.'), truncated: { type: 'boolean' } }),
    type: ['object', 'null'],
  },
  excursions: list(object({ location: str, from: int, to: nullableInt, unit: str, range, samples: int, min: { type: ['number', 'null'] }, max: { type: ['number', 'null'] }, excursions: list(excursionSchema) }),
    'Per stay on a monitored location: the readings while the lot was there and the excursions.'),
  temperatureEvidence: { type: 'boolean', description: 'False when no temperature source is composed.' },
}, 'LotTraceResult (cloud/inventory/lot-trace-types.ts)');

const lotParams = object({ sku: codeField('a SKU such as MILK-1L'), batch: batchField });

/** The filename part: letters, digits, . _ - kept, anything else (a batch may hold / " ; ...) as _. */
const fileSafe = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, '_');

export async function inventoryTraceRoutes(app: FastifyInstance, { trace }: InventoryTraceRouteOptions) {
  const traced = (sku: string, batch: string, direction: TraceDirection): LotTraceResult => {
    const result = trace.trace(sku, batch, { direction });
    if (!result) throw new ApiError(404, 'NOT_FOUND', 'batch', `no lot "${batch}" of item "${sku}"; GET /api/inventory/lots?sku=${encodeURIComponent(sku)} lists its lots`);
    return result;
  };

  app.get<{ Params: { sku: string; batch: string }; Querystring: { direction: TraceDirection } }>('/api/inventory/trace/:sku/:batch', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Lot trace: where the lot came from and went (through production orders), where it sat, and the temperature excursions meanwhile',
      params: lotParams,
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { direction: { type: 'string', enum: traceDirections, default: 'both', 'x-expected': 'forward, backward or both' } },
      },
      response: { 200: lotTraceSchema, ...inventoryErrors },
    },
  }, async (request) => traced(request.params.sku, request.params.batch, request.query.direction));

  app.get<{ Params: { sku: string; batch: string }; Querystring: { sort?: string; order?: 'asc' | 'desc' } }>('/api/inventory/trace/:sku/:batch/csv', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'The lot trace as CSV: one row per move and per temperature excursion, sorted by any column',
      params: lotParams,
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          sort: { type: 'string', maxLength: 64, default: 'effectiveAt', 'x-expected': `a column: ${traceCsvColumns.join(', ')}` },
          order: { type: 'string', enum: ['asc', 'desc'], default: 'asc', 'x-expected': 'asc or desc' },
        },
      },
      response: { 200: { description: 'CSV (RFC 4180, header row)', content: { 'text/csv': { schema: { type: 'string' } } } }, ...inventoryErrors },
    },
  }, async (request, reply) => {
    const { sku, batch } = request.params;
    const csv = traceCsv(traced(sku, batch, 'both'), request.query);
    reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="trace-${fileSafe(sku)}-${fileSafe(batch)}.csv"`);
    return csv;
  });
}
