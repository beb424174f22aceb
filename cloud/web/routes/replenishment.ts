/**
 * Replenishment over HTTP (docs/forecasting-api.md, "Replenishment"; cloud/forecasting/
 * replenishment.ts): suppliers, which supplier delivers which SKU to which location, runs that
 * compute and store suggestions, and purchasing's accept (with an optional purchase order
 * reference) or dismiss. Reading needs inventory.read; everything that changes something
 * purchasing.manage. Nothing here changes stock. Replenishment's refusals (ReplenishmentError)
 * are answered with the API catalogue's code, their field and message; the inventory core's
 * (unknown SKU or location) go out as they are. Without the part the lists are empty and
 * everything else answers 404.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CODE_PATTERN } from '../../inventory/inventory-codes.ts';
import type { ReplenishmentApi, ReplenishmentScope } from '../../forecasting/replenishment.ts';
import { MAX_SUGGESTIONS_PAGE, PURCHASE_ORDER_MAX, type SuggestionFilter } from '../../forecasting/replenishment-suggestions.ts';
import { MAX_DAYS, MAX_SERVICE_LEVEL, MIN_SERVICE_LEVEL, type SourcingInput, type SupplierInput } from '../../forecasting/suppliers.ts';
import { ApiError, apiErrorSchema } from '../api-errors.ts';

export interface ReplenishmentRouteOptions { replenishment?: ReplenishmentApi }

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema } as const;
const str = { type: 'string' } as const;
const num = { type: 'number' } as const;
const nullableString = { type: ['string', 'null'] } as const;
const obj = (required: readonly string[], properties: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ({ type: 'object', additionalProperties: false, required, properties, ...extra });
const code = (expected: string) => ({ type: 'string', pattern: CODE_PATTERN, 'x-expected': expected } as const);
const skuField = code('a SKU such as MILK-1L (GET /api/inventory/items)');
const locationField = code('a storage location code such as WH1 (GET /api/inventory/locations)');
const supplierField = code('a supplier id such as DAIRY (GET /api/replenishment/suppliers)');
const days = (expected: string) => ({ type: 'number', minimum: 0, maximum: MAX_DAYS, 'x-expected': expected } as const);
const states = ['open', 'accepted', 'dismissed'] as const;

const supplierProperties = {
  id: str, name: str,
  leadTimeMeanDays: { ...num, description: 'Mean days from order to receipt.' },
  leadTimeSdDays: { ...num, description: 'Standard deviation of the lead time, days.' },
  onTimeInFullRate: { ...num, description: 'Share of orders delivered on time and in full, 0..1; safety stock is multiplied by 1 + (1 - rate).' },
  minOrderQty: { ...num, description: 'Smallest order the supplier takes (0: none).' },
  packSize: { ...num, description: 'Orders are whole packs of this.' },
  updatedAt: { type: 'integer' }, updatedBy: str,
};
const supplierSchema = obj(Object.keys(supplierProperties), supplierProperties);
const sourcingProperties = {
  sku: str, location: str, supplier: str,
  reviewPeriodDays: { type: 'integer', description: 'Days between two orders of this SKU here.' },
  serviceLevel: { ...num, description: 'Chance of no stock-out per cycle the safety stock aims at.' },
  updatedAt: { type: 'integer' }, updatedBy: str,
};
const sourcingSchema = obj(Object.keys(sourcingProperties), sourcingProperties);
const suggestionProperties = {
  id: { type: 'integer' }, sku: str, location: str, supplier: nullableString, createdAt: { type: 'integer' },
  suggestedQty: { ...num, description: 'Order this much (whole packs, at least the minimum); 0: nothing to order.' },
  demandOverCoverage: { ...num, description: 'Forecast demand over the coverage days.' },
  coverageDays: { ...num, description: 'Lead time + review period.' },
  safetyStock: num,
  sellableOnHand: { ...num, description: 'Free on hand (less reserved and pending outbound) that will sell before it expires.' },
  expiringUnsellable: { ...num, description: 'Free on hand that expires (or enters its near-expiry lock) before it would sell: not counted.' },
  inTransit: { ...num, description: 'At transit locations coming here (and open purchase orders when known).' },
  reserved: { ...num, description: 'Reserved and pending outbound on usable stock here.' },
  explanation: { ...str, description: 'The whole computation in words, with every number.' },
  state: { type: 'string', enum: states }, decidedBy: nullableString, decidedAt: { type: ['integer', 'null'] }, purchaseOrder: nullableString,
};
const suggestionSchema = obj(Object.keys(suggestionProperties), suggestionProperties);
const runSchema = obj(['madeAt', 'suggestions', 'skipped'], {
  madeAt: { type: 'integer' }, suggestions: { type: 'array', items: suggestionSchema },
  skipped: { type: 'array', description: 'Sourced SKU x locations without a usable forecast, and why.', items: obj(['sku', 'location', 'reason'], { sku: str, location: str, reason: str }) },
});
const sourcingParams = obj(['sku', 'location'], { sku: skuField, location: locationField });
const idParams = obj(['id'], { id: { type: 'integer', minimum: 1, 'x-expected': 'a suggestion id (GET /api/replenishment/suggestions)' } });

const actorOf = (request: FastifyRequest) => request.principal!.account.username;

export async function replenishmentRoutes(app: FastifyInstance, { replenishment }: ReplenishmentRouteOptions) {
  const part = (): ReplenishmentApi => {
    if (!replenishment) throw new ApiError(404, 'NOT_FOUND', null, 'This cloud runs without the replenishment part; start it with the forecasting store to use these routes.');
    return replenishment;
  };

  app.get('/api/replenishment/suppliers', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Suppliers with lead time (mean and spread), on-time-in-full rate, minimum order and pack',
      response: { 200: obj(['suppliers'], { suppliers: { type: 'array', items: supplierSchema } }), ...errors },
    },
  }, async () => ({ suppliers: replenishment?.suppliers() ?? [] }));

  app.put<{ Params: { id: string }; Body: Omit<SupplierInput, 'id'> }>('/api/replenishment/suppliers/:id', {
    config: { permission: 'purchasing.manage' },
    schema: {
      summary: 'Add or change a supplier (all fields; minOrderQty defaults to 0, packSize to 1)',
      params: obj(['id'], { id: supplierField }),
      body: obj(['name', 'leadTimeMeanDays', 'leadTimeSdDays', 'onTimeInFullRate'], {
        name: { type: 'string', minLength: 1, maxLength: 200, 'x-expected': 'the supplier\'s name, 1 to 200 characters' },
        leadTimeMeanDays: days(`the mean lead time in days, from 0 to ${MAX_DAYS}, e.g. 7 or 4.5`),
        leadTimeSdDays: days(`the lead time's standard deviation in days, from 0 to ${MAX_DAYS}, e.g. 1.5`),
        onTimeInFullRate: { type: 'number', minimum: 0, maximum: 1, 'x-expected': 'the share of orders on time and in full, from 0 to 1, e.g. 0.92' },
        minOrderQty: { type: 'number', minimum: 0, 'x-expected': 'the smallest order, 0 or more' },
        packSize: { type: 'number', exclusiveMinimum: 0, 'x-expected': 'the pack size, above 0, e.g. 12' },
      }),
      response: { 200: supplierSchema, ...errors },
    },
  }, async (request) => part().putSupplier({ ...request.body, id: request.params.id }, actorOf(request)));

  app.get<{ Querystring: { sku?: string; location?: string; supplier?: string } }>('/api/replenishment/sourcing', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Which supplier replenishes which SKU at which location, the review period and the service level',
      querystring: obj([], { sku: skuField, location: locationField, supplier: supplierField }),
      response: { 200: obj(['sourcing'], { sourcing: { type: 'array', items: sourcingSchema } }), ...errors },
    },
  }, async (request) => ({ sourcing: replenishment?.sourcing(request.query) ?? [] }));

  app.put<{ Params: { sku: string; location: string }; Body: Omit<SourcingInput, 'sku' | 'location'> }>('/api/replenishment/sourcing/:sku/:location', {
    config: { permission: 'purchasing.manage' },
    schema: {
      summary: 'Set the supplier, review period and service level of a SKU at a storage location (serviceLevel defaults to 0.95)',
      params: sourcingParams,
      body: obj(['supplier', 'reviewPeriodDays'], {
        supplier: supplierField,
        reviewPeriodDays: { type: 'integer', minimum: 1, maximum: MAX_DAYS, 'x-expected': `the days between two orders, a whole number from 1 to ${MAX_DAYS}, e.g. 7` },
        serviceLevel: { type: 'number', minimum: MIN_SERVICE_LEVEL, maximum: MAX_SERVICE_LEVEL, 'x-expected': `from ${MIN_SERVICE_LEVEL} to ${MAX_SERVICE_LEVEL}, e.g. 0.95` },
      }),
      response: { 200: sourcingSchema, ...errors },
    },
  }, async (request) => part().putSourcing({ ...request.body, ...request.params }, actorOf(request)));

  app.delete<{ Params: { sku: string; location: string } }>('/api/replenishment/sourcing/:sku/:location', {
    config: { permission: 'purchasing.manage' },
    schema: { summary: 'Stop replenishing a SKU at a location; answers what was removed', params: sourcingParams, response: { 200: sourcingSchema, ...errors } },
  }, async (request) => part().removeSourcing(request.params.sku, request.params.location));

  app.post<{ Body: ReplenishmentScope }>('/api/replenishment/runs', {
    config: { permission: 'purchasing.manage' },
    schema: {
      summary: 'Compute suggestions for every sourced SKU x location (or those of one SKU or location), replacing their open ones; stock is only read',
      body: obj([], { sku: skuField, location: locationField }),
      response: { 200: runSchema, ...errors },
    },
  }, async (request) => part().run(request.body ?? {}));

  app.get<{ Querystring: SuggestionFilter }>('/api/replenishment/suggestions', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Replenishment suggestions, newest first',
      querystring: obj([], {
        state: { type: 'string', enum: states, 'x-expected': 'open, accepted or dismissed' }, sku: skuField, location: locationField,
        limit: { type: 'integer', minimum: 1, maximum: MAX_SUGGESTIONS_PAGE, default: 200, 'x-expected': `a whole number from 1 to ${MAX_SUGGESTIONS_PAGE}` },
      }),
      response: { 200: obj(['suggestions'], { suggestions: { type: 'array', items: suggestionSchema } }), ...errors },
    },
  }, async (request) => ({ suggestions: replenishment ? replenishment.suggestions(request.query) : [] }));

  app.get<{ Params: { id: number } }>('/api/replenishment/suggestions/:id', {
    config: { permission: 'inventory.read' },
    schema: { summary: 'One suggestion with its explanation', params: idParams, response: { 200: suggestionSchema, ...errors } },
  }, async (request) => {
    const found = part().suggestion(request.params.id);
    if (!found) throw new ApiError(404, 'NOT_FOUND', 'id', `id: no replenishment suggestion ${request.params.id}; GET /api/replenishment/suggestions lists them`);
    return found;
  });

  app.post<{ Params: { id: number }; Body: { purchaseOrder?: string | null } }>('/api/replenishment/suggestions/:id/accept', {
    config: { permission: 'purchasing.manage' },
    schema: {
      summary: 'Accept an open suggestion: records who and when, and the purchase order it became; stock does not change',
      params: idParams,
      body: obj([], { purchaseOrder: { type: ['string', 'null'], minLength: 1, maxLength: PURCHASE_ORDER_MAX, 'x-expected': `the purchase order's reference, 1 to ${PURCHASE_ORDER_MAX} characters, or null` } }),
      response: { 200: suggestionSchema, ...errors },
    },
  }, async (request) => part().accept(request.params.id, actorOf(request), request.body?.purchaseOrder ?? null));

  app.post<{ Params: { id: number } }>('/api/replenishment/suggestions/:id/dismiss', {
    config: { permission: 'purchasing.manage' },
    schema: {
      summary: 'Dismiss an open suggestion: records who and when',
      params: idParams, body: obj([], {}),
      response: { 200: suggestionSchema, ...errors },
    },
  }, async (request) => part().dismiss(request.params.id, actorOf(request)));
}
