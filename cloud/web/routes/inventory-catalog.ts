/**
 * The inventory catalogue over HTTP (docs/inventory-api.md, "Catalogue"): categories, items,
 * locations, lots and sales channels. Reading needs inventory.read, changing inventory.manage.
 * The catalogue's refusals (InventoryError) are answered as they are by the error handler; with
 * an audit log every change is recorded with the caller, done or refused.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditAction, AuditLog } from '../../auth/audit-log.ts';
import { BATCH_PATTERN, CODE_PATTERN } from '../../inventory/inventory-codes.ts';
import type {
  CategoryInput, InventoryCatalog, InventoryLedger, ItemInput, LocationInput, StoredLotStatus,
} from '../../inventory/inventory-types.ts';
import { storageKinds, virtualKinds } from '../../inventory/inventory-types.ts';
import { apiErrorSchema } from '../api-errors.ts';
import { originOf } from '../request-origin.ts';

/** What the inventory routes are given (app.ts registers both plugins with the same options). */
export interface InventoryRouteOptions { catalog: InventoryCatalog; ledger: InventoryLedger; audit?: AuditLog }

export const inventoryErrors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema } as const;
export const codeField = (expected: string) => ({ type: 'string', pattern: CODE_PATTERN, 'x-expected': expected } as const);
export const batchField = { type: 'string', pattern: BATCH_PATTERN, 'x-expected': 'a batch (AI 10): 1 to 20 characters of GS1 character set 82' } as const;
const dayField = (what: string) => ({ type: ['string', 'null'], description: `${what}, YYYY-MM-DD.`, 'x-expected': 'a date as YYYY-MM-DD, or null' } as const);
const nullableString = { type: ['string', 'null'] } as const;
const nullableInteger = { type: ['integer', 'null'] } as const;
const range = (expected: string) => ({
  type: ['object', 'null'], additionalProperties: false, required: ['min', 'max'], properties: { min: { type: 'number' }, max: { type: 'number' } }, 'x-expected': expected,
} as const);
const rangeOut = { type: ['object', 'null'], additionalProperties: false, required: ['min', 'max'], properties: { min: { type: 'number' }, max: { type: 'number' } } } as const;
const compliance = { type: 'string', enum: ['none', 'drug_gsp', 'cold_chain_food'], 'x-expected': 'none, drug_gsp or cold_chain_food' } as const;
const kinds = [...storageKinds, ...virtualKinds];
const lotStatus = { type: 'string', enum: ['released', 'quarantined', 'recalled'], 'x-expected': 'released, quarantined or recalled' } as const;

export const categorySchema = {
  type: 'object', additionalProperties: false, required: ['id', 'name', 'nearExpiryDays', 'compliance', 'lockDays'],
  properties: {
    id: { type: 'string' }, name: { type: 'string' },
    nearExpiryDays: { type: 'integer', description: 'A lot with fewer days left gets a near-expiry warning.' },
    compliance, lockDays: { ...nullableInteger, description: 'Drug GSP: a lot with fewer days left is locked (not reservable, not shippable).' },
  },
} as const;

export const itemSchema = {
  type: 'object', additionalProperties: false,
  required: ['sku', 'gtin', 'name', 'category', 'unit', 'shelfLifeDays', 'temperatureC', 'humidityPct', 'lotTracked', 'serialized'],
  properties: {
    sku: { type: 'string' }, gtin: nullableString, name: { type: 'string' }, category: { type: 'string' }, unit: { type: 'string' },
    shelfLifeDays: nullableInteger, temperatureC: rangeOut, humidityPct: rangeOut,
    lotTracked: { type: 'boolean' }, serialized: { type: 'boolean' },
  },
} as const;

export const locationSchema = {
  type: 'object', additionalProperties: false, required: ['code', 'name', 'kind', 'parent', 'allowNegative', 'frozen', 'temperatureC', 'path'],
  properties: {
    code: { type: 'string' }, name: nullableString, kind: { type: 'string', enum: kinds }, parent: nullableString,
    allowNegative: { type: 'boolean' }, frozen: { type: 'boolean', description: 'A quarantine area: everything on it counts as frozen.' },
    temperatureC: rangeOut, path: { type: 'array', items: { type: 'string' }, description: 'Codes from the root down to this one.' },
  },
} as const;

export const lotSchema = {
  type: 'object', additionalProperties: false,
  required: ['id', 'sku', 'batch', 'expiry', 'produced', 'supplier', 'status', 'storedStatus', 'statusReason', 'daysLeft'],
  properties: {
    id: { type: 'integer' }, sku: { type: 'string' }, batch: { type: 'string' }, expiry: nullableString, produced: nullableString, supplier: nullableString,
    status: { type: 'string', enum: ['released', 'quarantined', 'recalled', 'expired'], description: 'The stored status, or expired once the expiry date has passed.' },
    storedStatus: { type: 'string', enum: ['released', 'quarantined', 'recalled'] }, statusReason: nullableString,
    daysLeft: { ...nullableInteger, description: 'Whole UTC days to expiry; negative once expired.' },
  },
} as const;

export const channelSchema = {
  type: 'object', additionalProperties: false, required: ['id', 'name', 'quotaPct'],
  properties: { id: { type: 'string' }, name: { type: 'string' }, quotaPct: { type: 'number', description: 'Share of the unlocked available stock this channel may sell.' } },
} as const;

const list = (key: string, items: object) => ({ type: 'object', additionalProperties: false, required: [key], properties: { [key]: { type: 'array', items } } });
const params = (fields: Record<string, object>) => ({ type: 'object', additionalProperties: false, required: Object.keys(fields), properties: fields });
const skuParam = codeField('a SKU such as MILK-1L');

export async function inventoryCatalogRoutes(app: FastifyInstance, { catalog, audit }: InventoryRouteOptions) {
  /** Runs a change; with an audit log, records it done or refused. */
  const audited = <T>(request: FastifyRequest, action: AuditAction, target: string, before: unknown, run: () => T): T => {
    const principal = request.principal!;
    const entry = { actor: principal.account.username, actorKind: principal.kind === 'token' ? 'token' as const : 'user' as const, ...originOf(request), action, target };
    try {
      const result = run();
      audit?.record({ ...entry, outcome: 'success', before, after: result });
      return result;
    } catch (error) {
      audit?.record({ ...entry, outcome: 'failure', before, after: { error: (error as Error).message } });
      throw error;
    }
  };

  app.get('/api/inventory/categories', {
    config: { permission: 'inventory.read' },
    schema: { summary: 'Inventory categories with their near-expiry and compliance rules', response: { 200: list('categories', categorySchema), ...inventoryErrors } },
  }, async () => ({ categories: catalog.categories() }));

  app.put<{ Params: { id: string }; Body: Omit<CategoryInput, 'id'> }>('/api/inventory/categories/:id', {
    config: { permission: 'inventory.manage' },
    schema: {
      summary: 'Create or change a category; fields left out keep their value (new: 60 near-expiry days, compliance none, no lock)',
      params: params({ id: codeField('a category id such as chilled') }),
      body: {
        type: 'object', additionalProperties: false, required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 200, 'x-expected': 'a name of 1 to 200 characters' },
          nearExpiryDays: { type: 'integer', minimum: 0, maximum: 100000, 'x-expected': 'a whole number of days' },
          compliance, lockDays: { ...nullableInteger, minimum: 0, maximum: 100000, 'x-expected': 'a whole number of days, or null for no lock' },
        },
      },
      response: { 200: categorySchema, ...inventoryErrors },
    },
  }, async (request) => audited(request, 'masterdata.put', `inventory/category/${request.params.id}`, catalog.category(request.params.id) ?? null,
    () => catalog.putCategory({ ...request.body, id: request.params.id })));

  app.get('/api/inventory/items', {
    config: { permission: 'inventory.read' },
    schema: { summary: 'Inventory items (SKUs)', response: { 200: list('items', itemSchema), ...inventoryErrors } },
  }, async () => ({ items: catalog.items() }));

  app.put<{ Params: { sku: string }; Body: Omit<ItemInput, 'sku'> }>('/api/inventory/items/:sku', {
    config: { permission: 'inventory.manage' },
    schema: {
      summary: 'Create or change an item; lot and serial tracking cannot change once it has moves',
      params: params({ sku: skuParam }),
      body: {
        type: 'object', additionalProperties: false, required: ['name', 'category'],
        properties: {
          gtin: { type: ['string', 'null'], 'x-expected': 'a GTIN of 8, 12, 13 or 14 digits, or null' },
          name: { type: 'string', minLength: 1, maxLength: 200, 'x-expected': 'a name of 1 to 200 characters' },
          category: codeField('a category id (GET /api/inventory/categories)'),
          unit: codeField('a unit such as ea or kg'),
          shelfLifeDays: { ...nullableInteger, minimum: 0, 'x-expected': 'a whole number of days, or null' },
          temperatureC: range('{ min, max } in °C, e.g. { "min": 2, "max": 8 }, or null'),
          humidityPct: range('{ min, max } in %RH, or null'),
          lotTracked: { type: 'boolean', 'x-expected': 'true or false' },
          serialized: { type: 'boolean', 'x-expected': 'true or false' },
        },
      },
      response: { 200: itemSchema, ...inventoryErrors },
    },
  }, async (request) => audited(request, 'masterdata.put', `inventory/item/${request.params.sku}`, catalog.item(request.params.sku) ?? null,
    () => catalog.putItem({ ...request.body, sku: request.params.sku })));

  app.get('/api/inventory/locations', {
    config: { permission: 'inventory.read' },
    schema: { summary: 'Locations in tree order (parents before children), with virtual locations', response: { 200: list('locations', locationSchema), ...inventoryErrors } },
  }, async () => ({ locations: catalog.locations() }));

  app.put<{ Params: { code: string }; Body: Omit<LocationInput, 'code'> }>('/api/inventory/locations/:code', {
    config: { permission: 'inventory.manage' },
    schema: {
      summary: 'Create or change a location; refuses a parent cycle, negative stock on storage kinds, and a kind change while it holds stock',
      params: params({ code: codeField('a location code such as B12') }),
      body: {
        type: 'object', additionalProperties: false, required: ['kind'],
        properties: {
          name: { type: ['string', 'null'], maxLength: 200, 'x-expected': 'a name of up to 200 characters, or null' },
          kind: { type: 'string', enum: kinds, 'x-expected': kinds.join(', ') },
          parent: { type: ['string', 'null'], 'x-expected': 'the parent location\'s code, or null for a root' },
          allowNegative: { type: 'boolean', 'x-expected': 'true or false (only virtual locations)' },
          frozen: { type: 'boolean', 'x-expected': 'true or false' },
          temperatureC: range('{ min, max } in °C, or null'),
        },
      },
      response: { 200: locationSchema, ...inventoryErrors },
    },
  }, async (request) => audited(request, 'masterdata.put', `inventory/location/${request.params.code}`, catalog.location(request.params.code) ?? null,
    () => catalog.putLocation({ ...request.body, code: request.params.code })));

  app.get<{ Querystring: { sku?: string } }>('/api/inventory/lots', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Lots with their expiry, status (expired derived from today) and days left; earliest expiry first',
      querystring: { type: 'object', additionalProperties: false, properties: { sku: skuParam } },
      response: { 200: list('lots', lotSchema), ...inventoryErrors },
    },
  }, async (request) => ({ lots: catalog.lots(request.query) }));

  const lotParams = params({ sku: skuParam, batch: batchField });

  app.put<{ Params: { sku: string; batch: string }; Body: { expiry?: string | null; produced?: string | null; supplier?: string | null } }>('/api/inventory/lots/:sku/:batch', {
    config: { permission: 'inventory.manage' },
    schema: {
      summary: 'Create a lot or correct its dates and supplier (its status changes through POST .../status)',
      params: lotParams,
      body: {
        type: 'object', additionalProperties: false,
        properties: { expiry: dayField('The last day of use'), produced: dayField('Production day'), supplier: { type: ['string', 'null'], maxLength: 200, 'x-expected': 'a supplier name or code, or null' } },
      },
      response: { 200: lotSchema, ...inventoryErrors },
    },
  }, async (request) => {
    const { sku, batch } = request.params;
    return audited(request, 'masterdata.put', `inventory/lot/${sku}/${batch}`, catalog.lot(sku, batch) ?? null, () => catalog.putLot({ ...request.body, sku, batch }));
  });

  app.post<{ Params: { sku: string; batch: string }; Body: { status: StoredLotStatus; reason?: string | null } }>('/api/inventory/lots/:sku/:batch/status', {
    config: { permission: 'inventory.manage' },
    schema: {
      summary: 'Quarantine, recall or release a lot; a lot not released cannot be reserved or shipped',
      params: lotParams,
      body: {
        type: 'object', additionalProperties: false, required: ['status'],
        properties: { status: lotStatus, reason: { type: ['string', 'null'], maxLength: 500, 'x-expected': 'why, in up to 500 characters' } },
      },
      response: { 200: lotSchema, ...inventoryErrors },
    },
  }, async (request) => {
    const { sku, batch } = request.params;
    const { status, reason } = request.body;
    return audited(request, status === 'released' ? 'lot.release' : 'lot.quarantine', `inventory/lot/${sku}/${batch}`, catalog.lot(sku, batch) ?? null,
      () => catalog.setLotStatus(sku, batch, status, reason ?? null, request.principal!.account.username));
  });

  app.get('/api/inventory/channels', {
    config: { permission: 'inventory.read' },
    schema: { summary: 'Sales channels and the share of available stock each may sell', response: { 200: list('channels', channelSchema), ...inventoryErrors } },
  }, async () => ({ channels: catalog.channels() }));

  app.put<{ Params: { id: string }; Body: { name: string; quotaPct?: number } }>('/api/inventory/channels/:id', {
    config: { permission: 'inventory.manage' },
    schema: {
      summary: 'Create or change a sales channel',
      params: params({ id: codeField('a channel id such as douyin') }),
      body: {
        type: 'object', additionalProperties: false, required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 200, 'x-expected': 'a name of 1 to 200 characters' },
          quotaPct: { type: 'number', minimum: 0, maximum: 100, 'x-expected': 'a share from 0 to 100' },
        },
      },
      response: { 200: channelSchema, ...inventoryErrors },
    },
  }, async (request) => audited(request, 'masterdata.put', `inventory/channel/${request.params.id}`,
    catalog.channels().find((c) => c.id === request.params.id) ?? null, () => catalog.putChannel({ ...request.body, id: request.params.id })));
}
