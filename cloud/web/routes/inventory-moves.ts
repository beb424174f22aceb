/**
 * The move ledger over HTTP (docs/inventory-api.md, "Ledger"): post moves (all or none), reverse
 * one, list moves and balances, run the drift check. Reading needs inventory.read; posting,
 * reversing and the drift check inventory.manage. The caller's username is the moves' actor.
 * The JSON schemas check each field's type; what depends on the catalogue and the stock is the
 * ledger's to refuse (InventoryError, answered as it is, naming `moves.<i>.<field>`).
 */
import type { FastifyInstance } from 'fastify';
import type { MoveInput, MoveQuery } from '../../inventory/inventory-types.ts';
import { postableReasons } from '../../inventory/move-validation.ts';
import { MAX_MOVES_PAGE } from '../../inventory/sqlite-ledger.ts';
import { codeField, inventoryErrors, type InventoryRouteOptions } from './inventory-catalog.ts';

export const MAX_MOVES_PER_REQUEST = 500;
const DEFAULT_MOVES_PAGE = 100;
const reasons = [...postableReasons, 'reversal'];

const nullableString = { type: ['string', 'null'] } as const;
const nullableInteger = { type: ['integer', 'null'] } as const;

export const moveSchema = {
  type: 'object', additionalProperties: false,
  required: ['id', 'postedAt', 'effectiveAt', 'sku', 'lotId', 'lot', 'serial', 'qty', 'from', 'to', 'reason', 'docType', 'docId', 'reservationId', 'reverses', 'actor', 'note'],
  properties: {
    id: { type: 'integer' }, postedAt: { type: 'integer', description: 'When it was booked, epoch ms.' }, effectiveAt: { type: 'integer', description: 'When it happened, epoch ms.' },
    sku: { type: 'string' }, lotId: nullableInteger, lot: nullableString, serial: nullableString, qty: { type: 'number' },
    from: { type: 'string' }, to: { type: 'string' }, reason: { type: 'string', enum: reasons }, docType: nullableString, docId: nullableString,
    reservationId: nullableInteger, reverses: { ...nullableInteger, description: 'The move this reversal undoes.' }, actor: { type: 'string' }, note: nullableString,
  },
} as const;

const moveInputSchema = {
  type: 'object', additionalProperties: false, required: ['sku', 'qty', 'from', 'to', 'reason'],
  properties: {
    sku: { type: 'string', maxLength: 64 },
    lot: { type: ['string', 'null'], maxLength: 20, description: 'The lot\'s batch; required for lot-tracked items.' },
    expiry: { type: ['string', 'null'], description: 'YYYY-MM-DD: with a receipt, opening or production output of a new lot, creates it.' },
    serial: { type: ['string', 'null'], maxLength: 64, description: 'Required for serialized items (qty 1).' },
    qty: { type: 'number', description: 'Above 0, at most 3 decimals.' },
    from: { type: 'string', maxLength: 64 }, to: { type: 'string', maxLength: 64 },
    reason: { type: 'string', enum: postableReasons },
    docType: { type: ['string', 'null'], maxLength: 64 }, docId: { type: ['string', 'null'], maxLength: 128 },
    reservationId: { type: ['integer', 'null'], description: 'The reservation a pick or shipment fulfils.' },
    effectiveAt: { type: 'integer', minimum: 0, description: 'When it happened, epoch ms; default now. Back-dating recomputes nothing.' },
    note: { type: ['string', 'null'], maxLength: 500 },
  },
} as const;

const requestKeyField = { type: 'string', minLength: 1, maxLength: 200, 'x-expected': 'a key of 1 to 200 characters, the same on every retry of one request' } as const;

const balanceSchema = {
  type: 'object', additionalProperties: false, required: ['sku', 'location', 'lotId', 'lot', 'qty', 'lastMove'],
  properties: { sku: { type: 'string' }, location: { type: 'string' }, lotId: nullableInteger, lot: nullableString, qty: { type: 'number' }, lastMove: { type: 'integer' } },
} as const;

const driftSchema = {
  type: 'object', additionalProperties: false, required: ['checkedAt', 'moves', 'balances', 'findings', 'serialFindings', 'overReserved', 'fulfilmentFindings', 'durationMs'],
  properties: {
    checkedAt: { type: 'integer' }, moves: { type: 'integer' }, balances: { type: 'integer' },
    findings: {
      type: 'array', description: 'Balances that differ from the sum of their moves.',
      items: {
        type: 'object', additionalProperties: false, required: ['sku', 'location', 'lotKey', 'stored', 'fromMoves'],
        properties: { sku: { type: 'string' }, location: { type: 'string' }, lotKey: { type: 'integer' }, stored: { type: 'number' }, fromMoves: { type: 'number' } },
      },
    },
    serialFindings: {
      type: 'array', description: 'Serials whose stored location is not their latest move\'s destination.',
      items: {
        type: 'object', additionalProperties: false, required: ['sku', 'serial', 'stored', 'fromMoves'],
        properties: { sku: { type: 'string' }, serial: { type: 'string' }, stored: { type: 'string' }, fromMoves: { type: 'string' } },
      },
    },
    overReserved: {
      type: 'array', description: 'Stock keys whose open reservations exceed the balance.',
      items: {
        type: 'object', additionalProperties: false, required: ['sku', 'location', 'lotKey', 'reserved', 'balance'],
        properties: { sku: { type: 'string' }, location: { type: 'string' }, lotKey: { type: 'integer' }, reserved: { type: 'number' }, balance: { type: 'number' } },
      },
    },
    fulfilmentFindings: {
      type: 'array', description: 'Reservation lines whose fulfilled quantity is not what their unreversed picks and shipments add up to (reported, never repaired).',
      items: {
        type: 'object', additionalProperties: false, required: ['reservationId', 'sku', 'location', 'lotKey', 'qty', 'stored', 'fromMoves'],
        properties: {
          reservationId: { type: 'integer' }, sku: { type: 'string' }, location: { type: 'string' }, lotKey: { type: 'integer' },
          qty: { type: 'number' }, stored: { type: 'number' }, fromMoves: { type: 'number' },
        },
      },
    },
    durationMs: { type: 'number' },
  },
} as const;

const idParams = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'integer', minimum: 1, 'x-expected': 'a move id (a whole number)' } } } as const;
const skuQuery = codeField('a SKU such as MILK-1L');
const locationQuery = codeField('a location code such as B12');

interface MovesQuerystring { sku?: string; location?: string; lotId?: number; docType?: string; docId?: string; before?: number; limit: number }

export async function inventoryMoveRoutes(app: FastifyInstance, { ledger }: InventoryRouteOptions) {
  app.post<{ Body: { moves: MoveInput[]; requestKey?: string } }>('/api/inventory/moves', {
    config: { permission: 'inventory.manage' },
    schema: {
      summary: 'Post moves: all or none, checked against the catalogue and stock in one transaction; a retry with the same requestKey posts nothing again',
      body: {
        type: 'object', additionalProperties: false, required: ['moves'],
        properties: {
          moves: {
            type: 'array', minItems: 1, maxItems: MAX_MOVES_PER_REQUEST, items: moveInputSchema,
            'x-expected': `a list of 1 to ${MAX_MOVES_PER_REQUEST} moves, each { sku, lot?, expiry?, serial?, qty, from, to, reason, docType?, docId?, reservationId?, effectiveAt?, note? }`,
          },
          requestKey: requestKeyField,
        },
      },
      response: { 201: { type: 'object', additionalProperties: false, required: ['moves'], properties: { moves: { type: 'array', items: moveSchema } } }, ...inventoryErrors },
    },
  }, async (request, reply) => {
    const { moves, requestKey } = request.body;
    const posted = ledger.post(moves, { actor: request.principal!.account.username, ...(requestKey === undefined ? {} : { requestKey }) });
    return reply.code(201).send({ moves: posted });
  });

  app.post<{ Params: { id: number }; Body: { note?: string; requestKey?: string } | undefined }>('/api/inventory/moves/:id/reverse', {
    config: { permission: 'inventory.manage' },
    schema: {
      summary: 'Undo a move by posting its mirror (reason reversal); a move is reversed once, a reversal never',
      params: idParams,
      body: {
        type: 'object', additionalProperties: false,
        properties: { note: { type: 'string', maxLength: 500, 'x-expected': 'why, in up to 500 characters' }, requestKey: requestKeyField },
      },
      response: { 201: { type: 'object', additionalProperties: false, required: ['move'], properties: { move: moveSchema } }, ...inventoryErrors },
    },
  }, async (request, reply) => {
    const { note, requestKey } = request.body ?? {};
    const move = ledger.reverse(request.params.id, {
      actor: request.principal!.account.username, ...(note === undefined ? {} : { note }), ...(requestKey === undefined ? {} : { requestKey }),
    });
    return reply.code(201).send({ move });
  });

  app.get<{ Querystring: MovesQuerystring }>('/api/inventory/moves', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Moves newest first, filtered; `location` matches either side; page on with before=<nextBefore>',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          sku: skuQuery, location: locationQuery,
          lotId: { type: 'integer', minimum: 1, 'x-expected': 'a lot id (GET /api/inventory/lots)' },
          docType: { type: 'string', minLength: 1, maxLength: 64, 'x-expected': 'a document type such as PO' },
          docId: { type: 'string', minLength: 1, maxLength: 128, 'x-expected': 'a document id such as PO-1' },
          before: { type: 'integer', minimum: 1, description: 'Only moves with a smaller id (nextBefore of the previous page).', 'x-expected': 'a move id, the nextBefore of the previous page' },
          limit: { type: 'integer', minimum: 1, maximum: MAX_MOVES_PAGE, default: DEFAULT_MOVES_PAGE, 'x-expected': `a whole number from 1 to ${MAX_MOVES_PAGE}` },
        },
      },
      response: {
        200: {
          type: 'object', additionalProperties: false, required: ['moves', 'nextBefore'],
          properties: { moves: { type: 'array', items: moveSchema }, nextBefore: { ...nullableInteger, description: 'Pass as before= for the next page; null on the last.' } },
        },
        ...inventoryErrors,
      },
    },
  }, async (request) => {
    const { before, ...rest } = request.query;
    const query: MoveQuery = { ...rest, ...(before === undefined ? {} : { beforeId: before }) };
    const moves = ledger.moves(query);
    return { moves, nextBefore: moves.length === request.query.limit ? moves.at(-1)!.id : null };
  });

  app.get<{ Params: { id: number } }>('/api/inventory/moves/:id', {
    config: { permission: 'inventory.read' },
    schema: { summary: 'One move', params: idParams, response: { 200: moveSchema, ...inventoryErrors } },
  }, async (request, reply) => {
    const move = ledger.move(request.params.id);
    if (!move) return reply.code(404).send({ error: 'UNKNOWN_MOVE', field: 'id', message: `id: no move ${request.params.id}; GET /api/inventory/moves lists them` });
    return move;
  });

  app.get<{ Querystring: { sku?: string; location?: string; lotId?: number } }>('/api/inventory/balances', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Non-zero balances per SKU x location x lot, as the moves add up',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { sku: skuQuery, location: locationQuery, lotId: { type: 'integer', minimum: 1, 'x-expected': 'a lot id (GET /api/inventory/lots)' } },
      },
      response: { 200: { type: 'object', additionalProperties: false, required: ['balances'], properties: { balances: { type: 'array', items: balanceSchema } } }, ...inventoryErrors },
    },
  }, async (request) => ({ balances: ledger.balances(request.query) }));

  app.post<{ Body: { repair?: boolean } | undefined }>('/api/inventory/drift-check', {
    config: { permission: 'inventory.manage' },
    schema: {
      summary: 'Rebuild every balance and serial location from the moves and report differences and over-reserved stock; repair rewrites the stored ones',
      body: { type: 'object', additionalProperties: false, properties: { repair: { type: 'boolean', 'x-expected': 'true or false' } } },
      response: { 200: driftSchema, ...inventoryErrors },
    },
  }, async (request) => ledger.driftCheck({ repair: request.body?.repair ?? false }));
}

