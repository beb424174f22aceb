/**
 * The production schedule and maintenance windows over HTTP (docs/inventory-api.md, "Tooling"):
 * list, put and cancel production orders, and the proposed maintenance window for an asset with
 * the machine's orders around it (for the tooling screen's timeline). Reading needs
 * inventory.read, changing tooling.manage; the caller's username is the order's actor. The
 * schedule's refusals (ScheduleError) are answered with the API catalogue's code, their field
 * and message; nothing changes when one is.
 */
import type { FastifyInstance } from 'fastify';
import { orderStatuses, type OrderStatus, type ProductionSchedule } from '../../tooling/production-schedule.ts';
import type { MaintenancePlan, WindowPlanner } from '../../tooling/window-planner.ts';
import { ApiError, apiErrorSchema } from '../api-errors.ts';
import { timeField } from '../query-fields.ts';
import { parseTimeInstant } from '../time-instant.ts';

export interface ToolingScheduleRouteOptions {
  schedule: ProductionSchedule;
  /** Without it (no tooling part composed), the window route answers 404 for every asset. */
  planner?: Pick<WindowPlanner, 'planFor'>;
}

export const MAX_WINDOW_HOURS = 168;
const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema } as const;
const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
const idField = (expected: string) => ({ type: 'string', pattern: ID_PATTERN, 'x-expected': expected } as const);
const nullableString = { type: ['string', 'null'] } as const;
const nullableInteger = { type: ['integer', 'null'] } as const;

export const orderSchema = {
  type: 'object', additionalProperties: false,
  required: ['id', 'machine', 'mold', 'sku', 'qty', 'start', 'end', 'status', 'note', 'createdAt', 'updatedAt', 'actor'],
  properties: {
    id: { type: 'string' }, machine: { type: 'string' }, mold: nullableString, sku: { type: 'string' }, qty: { type: 'integer' },
    start: { type: 'integer', description: 'Epoch ms.' }, end: { type: 'integer', description: 'Epoch ms, exclusive.' },
    status: { type: 'string', enum: orderStatuses }, note: nullableString,
    createdAt: { type: 'integer' }, updatedAt: { type: 'integer' }, actor: { type: 'string', description: 'Who last changed it.' },
  },
} as const;

const orderInputSchema = {
  type: 'object', additionalProperties: false, required: ['machine', 'sku', 'qty', 'start', 'end'],
  properties: {
    machine: idField('a machine id such as IMM-01 (GET /api/tooling/machines lists them)'),
    mold: { type: ['string', 'null'], pattern: ID_PATTERN, 'x-expected': 'a mold id such as M-100, or null for whichever is mounted' },
    sku: { type: 'string', minLength: 1, maxLength: 64, 'x-expected': 'the product SKU, 1 to 64 characters' },
    qty: { type: 'integer', minimum: 1, maximum: 1_000_000_000, 'x-expected': 'a whole number of pieces from 1 to 1000000000' },
    start: { type: 'integer', minimum: 0, description: 'Epoch ms.', 'x-expected': 'an instant in epoch milliseconds' },
    end: { type: 'integer', minimum: 0, description: 'Epoch ms, after start.', 'x-expected': 'an instant in epoch milliseconds, after start' },
    status: { type: 'string', enum: orderStatuses, 'x-expected': orderStatuses.join(', ') },
    note: { type: ['string', 'null'], maxLength: 500, 'x-expected': 'a note of up to 500 characters' },
  },
} as const;

export const windowSchema = {
  type: 'object', additionalProperties: false,
  required: ['machine', 'start', 'end', 'durationHours', 'lifeReachedAt', 'shotsPerHour', 'beforeLife', 'afterOrder', 'beforeOrder', 'orderToMove', 'warning', 'explanation'],
  properties: {
    machine: { type: 'string' }, start: { type: 'integer' }, end: { type: 'integer' }, durationHours: { type: 'number' },
    lifeReachedAt: { ...nullableInteger, description: 'When the asset reaches its life at the current shot rate; null when the rate is unknown.' },
    shotsPerHour: { type: ['number', 'null'] },
    beforeLife: { type: ['boolean', 'null'], description: 'The window starts at or before the life point; null when that is unknown.' },
    afterOrder: nullableString, beforeOrder: nullableString,
    orderToMove: { ...nullableString, description: 'The order to move so the replacement can happen before the life is reached.' },
    warning: { ...nullableString, description: 'Set when production will run past the life.' },
    explanation: { type: 'string', description: 'Why this window, in words.' },
  },
} as const;

const planSchema = {
  type: 'object', additionalProperties: false, required: ['assetId', 'machine', 'window', 'orders', 'reason'],
  properties: {
    assetId: { type: 'string' }, machine: nullableString,
    window: { anyOf: [windowSchema, { type: 'null' }] },
    orders: { type: 'array', items: orderSchema, description: 'The machine\'s planned and running orders from now until a day after the window.' },
    reason: { ...nullableString, description: 'Why there is no window.' },
  },
} as const;

interface OrderBody { machine: string; mold?: string | null; sku: string; qty: number; start: number; end: number; status?: OrderStatus; note?: string | null }

export async function toolingScheduleRoutes(app: FastifyInstance, { schedule, planner }: ToolingScheduleRouteOptions) {
  app.get<{ Querystring: { machine?: string; from?: string; to?: string; status?: OrderStatus } }>('/api/tooling/production-orders', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Production orders by start time, optionally of one machine, in a time range or with a status',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          machine: idField('a machine id such as IMM-01'),
          from: timeField('Orders ending after this instant.'),
          to: timeField('Orders starting before this instant.'),
          status: { type: 'string', enum: orderStatuses, 'x-expected': orderStatuses.join(', ') },
        },
      },
      response: { 200: { type: 'object', additionalProperties: false, required: ['orders'], properties: { orders: { type: 'array', items: orderSchema } } }, ...errors },
    },
  }, async (request) => {
    const { machine, status } = request.query;
    const from = request.query.from === undefined ? undefined : parseTimeInstant(request.query.from)!;
    const to = request.query.to === undefined ? undefined : parseTimeInstant(request.query.to)!;
    if (from !== undefined && to !== undefined && to < from) throw new ApiError(400, 'INVALID_VALUE', 'to', `to: ${request.query.to} is before from (${request.query.from}); expected an instant at or after from`);
    return { orders: schedule.list({ machine, from, to, status }) };
  });

  app.get<{ Params: { id: string } }>('/api/tooling/production-orders/:id', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'One production order',
      params: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: idField('an order number such as PO-2026-0017') } },
      response: { 200: orderSchema, ...errors },
    },
  }, async (request) => {
    const order = schedule.get(request.params.id);
    if (!order) throw new ApiError(404, 'NOT_FOUND', 'id', `no production order "${request.params.id}"; GET /api/tooling/production-orders lists them`);
    return order;
  });

  app.put<{ Params: { id: string }; Body: OrderBody }>('/api/tooling/production-orders/:id', {
    config: { permission: 'tooling.manage' },
    schema: {
      summary: 'Create a production order or replace it whole; planned and running orders on one machine must not overlap',
      params: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: idField('an order number such as PO-2026-0017') } },
      body: orderInputSchema,
      response: { 200: orderSchema, 201: orderSchema, ...errors },
    },
  }, async (request, reply) => {
    const { order, created } = schedule.put(request.params.id, request.body, request.principal!.account.username);
    return reply.code(created ? 201 : 200).send(order);
  });

  app.post<{ Params: { id: string }; Body: { reason?: string } }>('/api/tooling/production-orders/:id/cancel', {
    config: { permission: 'tooling.manage' },
    schema: {
      summary: 'Cancel a planned or running production order (it is kept, with the reason in its note)',
      params: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: idField('an order number such as PO-2026-0017') } },
      body: {
        type: 'object', additionalProperties: false,
        properties: { reason: { type: 'string', minLength: 1, maxLength: 200, 'x-expected': 'why, in up to 200 characters' } },
      },
      response: { 200: orderSchema, ...errors },
    },
  }, async (request) => schedule.cancel(request.params.id, request.principal!.account.username, request.body?.reason));

  app.get<{ Params: { id: string }; Querystring: { durationHours?: number } }>('/api/tooling/assets/:id/maintenance-window', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'The proposed maintenance window to replace an asset: the earliest gap of the duration between its machine\'s production orders, ideally before its life is reached, explained',
      params: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: idField('an asset id as GET /api/tooling/assets lists') } },
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          durationHours: { type: 'number', exclusiveMinimum: 0, maximum: MAX_WINDOW_HOURS, default: 4, description: 'How long the machine is down.', 'x-expected': `hours above 0, at most ${MAX_WINDOW_HOURS}, e.g. 4 or 2.5` },
        },
      },
      response: { 200: planSchema, ...errors },
    },
  }, async (request): Promise<MaintenancePlan> => {
    const plan = planner?.planFor(request.params.id, request.query.durationHours);
    if (!plan) throw new ApiError(404, 'NOT_FOUND', 'id', `no asset "${request.params.id}" in the tooling tree; GET /api/tooling/assets lists them`);
    return plan;
  });
}

