/**
 * Stock states and reservations (issue 7; docs/inventory-api.md "Stock states and reservations"):
 * the states per SKU x location and per SKU with the channel figures and their explanation,
 * FEFO picking suggestions, expiry warnings (read: `inventory.read`), and reservations (write:
 * `sales.manage`). The inventory core's refusals (InventoryError) go out through the error
 * handler with their own code and status; nothing has changed when one is answered.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BATCH_PATTERN, CODE_PATTERN } from '../../inventory/inventory-codes.ts';
import { InventoryError } from '../../inventory/inventory-errors.ts';
import type { ReservationInput, ReservationKind, ReservationStatus, Reservations, StockStates } from '../../inventory/inventory-types.ts';
import { MAX_RESERVATIONS_PAGE } from '../../inventory/reservations.ts';
import { MAX_WITHIN_DAYS } from '../../inventory/stock-states.ts';
import { apiErrorSchema } from '../api-errors.ts';

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema } as const;
const writeErrors = { ...errors, 404: apiErrorSchema, 409: apiErrorSchema } as const;

const code = (expected: string) => ({ type: 'string', pattern: CODE_PATTERN, 'x-expected': expected } as const);
const nullableCode = (expected: string) => ({ type: ['string', 'null'], pattern: CODE_PATTERN, 'x-expected': `${expected}, or null` } as const);
const skuField = code('a SKU such as MILK-1L (GET /api/inventory/items)');
const locationField = code('a location code such as B12 (GET /api/inventory/locations)');
const qtyField = { type: 'number', exclusiveMinimum: 0, 'x-expected': 'a number above 0 with at most 3 decimals' } as const;
const nullableString = { type: ['string', 'null'] } as const;
const nullableInteger = { type: ['integer', 'null'] } as const;
const kinds = ['order', 'outbound', 'presale'] as const;
const statuses = ['active', 'fulfilled', 'released'] as const;
const lotStatuses = ['released', 'quarantined', 'recalled', 'expired'] as const;
const locationKinds = ['warehouse', 'zone', 'shelf', 'supplier', 'customer', 'transit', 'inspection', 'scrap', 'production', 'adjustment'] as const;
const numberMap = { type: 'object', additionalProperties: { type: 'number' } } as const;

const buckets = {
  physical: { type: 'number', description: 'On hand at storage locations (warehouse, zone, shelf).' },
  frozen: { type: 'number', description: 'Of physical: lots expired, quarantined, recalled or GSP-locked, or on a frozen location.' },
  reserved: { type: 'number', description: 'Open lines of active order reservations.' },
  pendingOutbound: { type: 'number', description: 'Open lines of active outbound reservations.' },
  available: { type: 'number', description: 'max(0, physical - frozen - reserved - pendingOutbound).' },
  inTransit: { type: 'number', description: 'At transit locations.' },
  inInspection: { type: 'number', description: 'At inspection locations.' },
} as const;

const stockStateSchema = {
  type: 'object', additionalProperties: false,
  required: ['sku', 'location', 'locationKind', ...Object.keys(buckets), 'lots'],
  properties: {
    sku: { type: 'string' }, location: { type: 'string' }, locationKind: { type: 'string', enum: locationKinds }, ...buckets,
    lots: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false,
        required: ['lotId', 'lot', 'expiry', 'status', 'daysLeft', 'qty', 'reserved', 'pendingOutbound', 'frozen'],
        properties: {
          lotId: nullableInteger, lot: nullableString, expiry: nullableString, status: { type: 'string', enum: lotStatuses }, daysLeft: nullableInteger,
          qty: { type: 'number' }, reserved: { type: 'number' }, pendingOutbound: { type: 'number' }, frozen: { type: 'boolean' },
        },
      },
    },
  },
} as const;

const summarySchema = {
  type: 'object', additionalProperties: false,
  required: ['sku', ...Object.keys(buckets), 'presaleLock', 'presaleLockByChannel', 'sellable', 'explain'],
  properties: {
    sku: { type: 'string' }, ...buckets,
    presaleLock: { type: 'number', description: 'Active presale reservations, all channels.' },
    presaleLockByChannel: { ...numberMap, description: 'Presale lock per channel id.' },
    sellable: { ...numberMap, description: 'Per channel: floor(max(0, available - presaleLock) x quota%) + the channel\'s own presale lock.' },
    explain: { type: 'object', additionalProperties: { type: 'string' }, description: 'Each figure\'s computation with its numbers; keys are the figures, sellable.<channel> per channel.' },
  },
} as const;

const fefoPickSchema = {
  type: 'object', additionalProperties: false, required: ['location', 'lotId', 'lot', 'expiry', 'daysLeft', 'qty'],
  properties: { location: { type: 'string' }, lotId: nullableInteger, lot: nullableString, expiry: nullableString, daysLeft: nullableInteger, qty: { type: 'number' } },
} as const;

const warningSchema = {
  type: 'object', additionalProperties: false,
  required: ['sku', 'lotId', 'lot', 'expiry', 'daysLeft', 'qty', 'locations', 'level', 'category', 'compliance', 'message'],
  properties: {
    sku: { type: 'string' }, lotId: { type: 'integer' }, lot: { type: 'string' }, expiry: { type: 'string' }, daysLeft: { type: 'integer' }, qty: { type: 'number' },
    locations: { type: 'array', items: { type: 'string' } }, level: { type: 'string', enum: ['near_expiry', 'locked', 'expired'] },
    category: { type: 'string' }, compliance: { type: 'string', enum: ['none', 'drug_gsp', 'cold_chain_food'] }, message: { type: 'string' },
  },
} as const;

const reservationSchema = {
  type: 'object', additionalProperties: false,
  required: ['id', 'sku', 'kind', 'channel', 'orderRef', 'qty', 'status', 'lines', 'createdAt', 'updatedAt', 'actor', 'note'],
  properties: {
    id: { type: 'integer' }, sku: { type: 'string' }, kind: { type: 'string', enum: kinds }, channel: nullableString, orderRef: nullableString,
    qty: { type: 'number' }, status: { type: 'string', enum: statuses },
    lines: {
      type: 'array', description: 'Where it is allocated, FEFO order; none for a presale lock.',
      items: {
        type: 'object', additionalProperties: false, required: ['location', 'lotId', 'lot', 'expiry', 'qty', 'fulfilled'],
        properties: { location: { type: 'string' }, lotId: nullableInteger, lot: nullableString, expiry: nullableString, qty: { type: 'number' }, fulfilled: { type: 'number' } },
      },
    },
    createdAt: { type: 'integer' }, updatedAt: { type: 'integer' }, actor: { type: 'string' }, note: nullableString,
  },
} as const;

const idParams = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'integer', minimum: 1, 'x-expected': 'a reservation id' } } } as const;

const actorOf = (request: FastifyRequest) => request.principal!.account.username;

export interface InventoryStockRouteOptions { states: StockStates; reservations: Reservations }

export async function inventoryStockRoutes(app: FastifyInstance, { states, reservations }: InventoryStockRouteOptions) {
  app.get<{ Querystring: { sku?: string; location?: string; includeVirtual?: boolean } }>('/api/inventory/stock', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Inventory states per SKU x location (storage locations; transit and inspection too with includeVirtual)',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          sku: skuField,
          location: { ...locationField, description: 'This location and every location under it.' },
          includeVirtual: { type: 'boolean', default: false, description: 'Also rows for transit and inspection locations.', 'x-expected': 'true or false' },
        },
      },
      response: { 200: { type: 'object', additionalProperties: false, required: ['rows'], properties: { rows: { type: 'array', items: stockStateSchema } } }, ...errors },
    },
  }, async (request) => ({ rows: states.byLocation(request.query) }));

  app.get('/api/inventory/stock/summary', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Every item\'s states over all locations, with presale locks and sellable per channel',
      response: { 200: { type: 'object', additionalProperties: false, required: ['summaries'], properties: { summaries: { type: 'array', items: summarySchema } } }, ...errors },
    },
  }, async () => ({ summaries: states.summaries() }));

  app.get<{ Params: { sku: string } }>('/api/inventory/stock/summary/:sku', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'One item\'s states over all locations, with the channel figures and how each was computed',
      params: { type: 'object', additionalProperties: false, required: ['sku'], properties: { sku: skuField } },
      response: { 200: summarySchema, ...errors },
    },
  }, async (request) => states.summary(request.params.sku));

  app.get<{ Querystring: { sku: string; qty: number; location?: string } }>('/api/inventory/fefo', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'FEFO picking suggestions: which lots and locations to pick qty from (usable, unreserved stock only)',
      querystring: {
        type: 'object', additionalProperties: false, required: ['sku', 'qty'],
        properties: { sku: skuField, qty: qtyField, location: { ...locationField, description: 'Pick only here or under it.' } },
      },
      response: {
        200: {
          type: 'object', additionalProperties: false, required: ['picks', 'shortBy'],
          properties: { picks: { type: 'array', items: fefoPickSchema }, shortBy: { type: 'number', description: 'How much of qty no usable stock covers.' } },
        },
        ...errors,
      },
    },
  }, async (request) => {
    const { sku, qty, location } = request.query;
    return states.fefo(sku, qty, location === undefined ? {} : { location });
  });

  app.get<{ Querystring: { withinDays?: number } }>('/api/inventory/expiry-warnings', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Lots with stock that are expired, GSP-locked or near expiry, with what to do',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          withinDays: {
            type: 'integer', minimum: 0, maximum: MAX_WITHIN_DAYS, description: 'Near-expiry threshold in days for every category (default: each category\'s own).',
            'x-expected': `a whole number of days from 0 to ${MAX_WITHIN_DAYS}`,
          },
        },
      },
      response: { 200: { type: 'object', additionalProperties: false, required: ['warnings'], properties: { warnings: { type: 'array', items: warningSchema } } }, ...errors },
    },
  }, async (request) => ({ warnings: states.expiryWarnings(request.query) }));

  app.post<{ Body: ReservationInput & { requestKey?: string } }>('/api/inventory/reservations', {
    config: { permission: 'sales.manage' },
    schema: {
      summary: 'Reserve: an order or outbound allocation (FEFO over usable stock), or a channel\'s presale lock; refused rather than oversold',
      body: {
        type: 'object', additionalProperties: false, required: ['sku', 'kind', 'qty'],
        properties: {
          sku: skuField,
          kind: { type: 'string', enum: kinds, 'x-expected': 'order, outbound or presale' },
          qty: qtyField,
          channel: nullableCode('a channel id (GET /api/inventory/channels); required for presale'),
          orderRef: { type: ['string', 'null'], maxLength: 128, 'x-expected': 'the order\'s reference, at most 128 characters' },
          lot: { type: ['string', 'null'], pattern: BATCH_PATTERN, 'x-expected': 'a batch of the item, or null for FEFO' },
          location: nullableCode('a location code: reserve only there or under it'),
          note: { type: ['string', 'null'], maxLength: 500, 'x-expected': 'text of at most 500 characters' },
          requestKey: { type: 'string', minLength: 1, maxLength: 200, 'x-expected': 'the same key on every retry of one request (1 to 200 characters)' },
        },
      },
      response: { 201: reservationSchema, ...writeErrors },
    },
  }, async (request, reply) => {
    const { requestKey, ...input } = request.body;
    const reservation = reservations.reserve(input, { actor: actorOf(request), ...(requestKey === undefined ? {} : { requestKey }) });
    return reply.code(201).send(reservation);
  });

  app.get<{ Querystring: { sku?: string; status?: ReservationStatus; kind?: ReservationKind; channel?: string; limit: number } }>('/api/inventory/reservations', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Reservations, newest first',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          sku: skuField,
          status: { type: 'string', enum: statuses, 'x-expected': 'active, fulfilled or released' },
          kind: { type: 'string', enum: kinds, 'x-expected': 'order, outbound or presale' },
          channel: code('a channel id'),
          limit: { type: 'integer', minimum: 1, maximum: MAX_RESERVATIONS_PAGE, default: 100, 'x-expected': `a whole number from 1 to ${MAX_RESERVATIONS_PAGE}` },
        },
      },
      response: { 200: { type: 'object', additionalProperties: false, required: ['reservations'], properties: { reservations: { type: 'array', items: reservationSchema } } }, ...errors },
    },
  }, async (request) => ({ reservations: reservations.list(request.query) }));

  app.get<{ Params: { id: number } }>('/api/inventory/reservations/:id', {
    config: { permission: 'inventory.read' },
    schema: { summary: 'One reservation with its lines', params: idParams, response: { 200: reservationSchema, ...errors, 404: apiErrorSchema } },
  }, async (request) => {
    const reservation = reservations.get(request.params.id);
    if (!reservation) throw new InventoryError('UNKNOWN_RESERVATION', 'id', `id: no reservation ${request.params.id}; GET /api/inventory/reservations lists them`);
    return reservation;
  });

  app.post<{ Params: { id: number } }>('/api/inventory/reservations/:id/release', {
    config: { permission: 'sales.manage' },
    schema: {
      summary: 'Release an active reservation: its stock is free again; its lines stay as history',
      params: idParams,
      body: { type: 'object', additionalProperties: false, properties: {} },
      response: { 200: reservationSchema, ...writeErrors },
    },
  }, async (request) => reservations.release(request.params.id, { actor: actorOf(request) }));
}
