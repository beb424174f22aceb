/**
 * Open purchase orders over HTTP (docs/forecasting-api.md, "Purchase orders";
 * cloud/purchasing/purchase-orders.ts): the lines opened by accepting replenishment suggestions,
 * with what the ledger says arrived and what is still to come, and closing one with a reason.
 * Both need purchasing.manage, the permission that accepts suggestions. Purchasing's refusals
 * (PurchasingError) are answered by the error handler with their field. Without the part the
 * list is empty and closing answers 404.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PurchaseOrdersApi } from '../../purchasing/open-purchase-orders.ts';
import { MAX_LINES_PAGE, REASON_MAX, REF_MAX, type LineFilter } from '../../purchasing/purchase-orders.ts';
import { CODE_PATTERN } from '../../inventory/inventory-codes.ts';
import { ApiError, apiErrorSchema } from '../api-errors.ts';

export interface PurchaseOrderRouteOptions { purchaseOrders?: PurchaseOrdersApi }

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema } as const;
const str = { type: 'string' } as const;
const num = { type: 'number' } as const;
const nullable = (type: string) => ({ type: [type, 'null'] } as const);
const obj = (required: readonly string[], properties: Record<string, unknown>) => ({ type: 'object', additionalProperties: false, required, properties });
const skuField = { type: 'string', pattern: CODE_PATTERN, 'x-expected': 'a SKU such as MILK-1L (GET /api/inventory/items)' } as const;

const lineProperties = {
  id: { type: 'integer' },
  ref: { ...str, description: 'The purchase order reference; receipts name it as docType purchase_order, docId ref.' },
  supplier: str, sku: str,
  location: { ...str, description: 'Where it is ordered to; receipts into it or any location under it count.' },
  orderedQty: num,
  receivedQty: { ...num, description: 'Receipts in the ledger naming this order, less their reversals.' },
  openQty: { ...num, description: 'Still to come (ordered - received) while open; 0 once received or closed. Replenishment counts it as on order.' },
  expectedDay: { ...str, description: 'YYYY-MM-DD (UTC): the day ordered + the supplier\'s mean lead time.' },
  overdue: { type: 'boolean', description: 'Open and expected before today; it still counts as on order.' },
  state: { type: 'string', enum: ['open', 'received', 'cancelled', 'short_closed'] },
  orderedBy: str, orderedAt: { type: 'integer' },
  suggestionId: { ...nullable('integer'), description: 'The replenishment suggestion whose acceptance opened it.' },
  closedReason: nullable('string'), closedBy: nullable('string'), closedAt: nullable('integer'),
};
const lineSchema = obj(Object.keys(lineProperties), lineProperties);
const linesSchema = obj(['lines'], { lines: { type: 'array', items: lineSchema } });

const actorOf = (request: FastifyRequest) => request.principal!.account.username;

export async function purchaseOrderRoutes(app: FastifyInstance, { purchaseOrders }: PurchaseOrderRouteOptions) {
  app.get<{ Querystring: LineFilter }>('/api/replenishment/purchase-orders', {
    config: { permission: 'purchasing.manage' },
    schema: {
      summary: 'Purchase-order lines opened by accepted suggestions, by expected day, with what the ledger says was received',
      querystring: obj([], {
        state: { type: 'string', enum: ['open', 'closed', 'all'], default: 'open', 'x-expected': 'open (still to come), closed (received, cancelled or short-closed) or all' },
        sku: skuField,
        limit: { type: 'integer', minimum: 1, maximum: MAX_LINES_PAGE, default: 200, 'x-expected': `a whole number from 1 to ${MAX_LINES_PAGE}` },
      }),
      response: { 200: linesSchema, ...errors },
    },
  }, async (request) => ({ lines: purchaseOrders?.lines(request.query) ?? [] }));

  app.post<{ Params: { ref: string }; Body: { reason: string; sku?: string } }>('/api/replenishment/purchase-orders/:ref/close', {
    config: { permission: 'purchasing.manage' },
    schema: {
      summary: 'Close the open lines of a purchase order (or of one SKU of it) with a reason: cancelled when nothing arrived, short-closed otherwise; they stop counting as on order',
      params: obj(['ref'], { ref: { type: 'string', minLength: 1, maxLength: REF_MAX, 'x-expected': 'a purchase order reference (GET /api/replenishment/purchase-orders)' } }),
      body: obj(['reason'], {
        reason: { type: 'string', minLength: 1, maxLength: REASON_MAX, 'x-expected': `why it is closed, 1 to ${REASON_MAX} characters, e.g. "supplier cannot deliver"` },
        sku: skuField,
      }),
      response: { 200: linesSchema, ...errors },
    },
  }, async (request) => {
    if (!purchaseOrders) throw new ApiError(404, 'NOT_FOUND', null, 'This cloud runs without purchase orders; start it with the forecasting store to use these routes.');
    return { lines: purchaseOrders.close(request.params.ref, request.body, actorOf(request)) };
  });
}
