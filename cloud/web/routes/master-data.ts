/**
 * Master data over the admin API (issue 6): the store's version, counts and each gateway's sync
 * state; the records of a kind; put and delete one record; and quarantine or release a lot.
 * Reading needs inventory.read, changing masterdata.manage. Device records are never listed or
 * changed here (routes/devices.ts owns them, without their hashes).
 *
 * A key with a '/' (a lot `gtin/batch`, a stock row `gtin/batch@location`) is sent percent-encoded
 * (`%2F`). Every change is in the audit log with the caller, refused or done, and reaches the
 * gateways through the store's change listener (cloud/masterdata/master-data-sync.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { masterDataKinds, type MasterDataKind } from '../../../config/master-data-schema.ts';
import type { AuditAction, AuditLog } from '../../auth/audit-log.ts';
import {
  MasterDataInUseError, MasterDataInvalidError, MasterDataReferenceError, UnknownMasterRecordError,
} from '../../masterdata/master-data-errors.ts';
import type { MasterDataStore } from '../../masterdata/master-data-store.ts';
import type { GatewaySyncView } from '../../masterdata/master-data-sync.ts';
import { ApiError, apiErrorSchema } from '../api-errors.ts';
import { originOf } from '../request-origin.ts';

/** What the routes need of the master-data part (cloud/masterdata/open-master-data.ts gives it). */
export interface MasterDataApi {
  store: MasterDataStore;
  /** Each known gateway's master-data version and sync state. */
  gateways(): GatewaySyncView[];
}

/** The kinds this API lists and changes: all but devices. */
export const editableKinds = masterDataKinds.filter((kind) => kind !== 'device') as Exclude<MasterDataKind, 'device'>[];

export const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema } as const;

const kindParam = {
  type: 'string', enum: editableKinds,
  'x-expected': `one of ${editableKinds.join(', ')} (devices are under /api/devices)`,
} as const;
const keyParam = {
  type: 'string', minLength: 1, maxLength: 200,
  'x-expected': "the record's key: an id or code, an item's gtin, a lot's gtin/batch, a stock row's gtin/batch@location (encode / as %2F)",
} as const;
const gtinParam = { type: 'string', pattern: '^\\d{14}$', 'x-expected': 'a GTIN of 14 digits' } as const;
const batchParam = { type: 'string', minLength: 1, maxLength: 20, 'x-expected': 'the lot\'s batch (AI 10), 1 to 20 characters' } as const;

const changedSchema = {
  type: 'object', required: ['key', 'version'], additionalProperties: false,
  properties: {
    key: { type: 'string' },
    version: { type: 'integer', description: 'The master-data version this change made (or the record\'s, when nothing changed).' },
  },
} as const;

const gatewaySchema = {
  type: 'object', required: ['group', 'edge', 'online', 'heldVersion', 'status', 'lastError'], additionalProperties: false,
  properties: {
    group: { type: 'string' },
    edge: { type: 'string' },
    online: { type: 'boolean' },
    heldVersion: { type: ['integer', 'null'], description: 'The version the gateway holds; null when it never reported master data.' },
    status: { type: 'string', enum: ['in-sync', 'behind', 'unknown'] },
    lastError: { type: ['string', 'null'], description: 'Why the last masterdata.sync failed, until one succeeds.' },
  },
} as const;

const countsSchema = {
  type: 'object', additionalProperties: false, required: editableKinds,
  properties: Object.fromEntries(editableKinds.map((kind) => [kind, { type: 'integer' }])),
} as const;

interface KindParams { kind: Exclude<MasterDataKind, 'device'> }
interface KeyParams extends KindParams { key: string }
interface LotParams { gtin: string; batch: string }

/** The store's refusals as the API's error bodies. */
export function apiErrorOf(error: unknown): unknown {
  if (error instanceof MasterDataInvalidError) {
    const [first] = error.problems;
    return new ApiError(400, 'INVALID_VALUE', first?.path ?? null,
      error.problems.map((p) => `${p.path}: ${p.message}`).join('; '), error.problems);
  }
  if (error instanceof MasterDataReferenceError) return new ApiError(400, 'INVALID_VALUE', error.field, error.message);
  if (error instanceof MasterDataInUseError) return new ApiError(409, 'CONFLICT', 'key', error.message);
  if (error instanceof UnknownMasterRecordError) return new ApiError(404, 'NOT_FOUND', 'key', `key: ${error.message}`);
  return error;
}

export async function masterDataRoutes(app: FastifyInstance, { masterData, audit }: { masterData: MasterDataApi; audit: AuditLog }) {
  const { store } = masterData;
  /** Runs a change; audits it done or refused, and answers a refusal with the API's error body. */
  const audited = <T>(request: FastifyRequest, action: AuditAction, target: string, run: () => { before: unknown; after: unknown; result: T }): T => {
    const principal = request.principal!;
    const entry = { actor: principal.account.username, actorKind: principal.kind === 'token' ? 'token' as const : 'user' as const, ...originOf(request), action, target };
    try {
      const { before, after, result } = run();
      audit.record({ ...entry, outcome: 'success', before, after });
      return result;
    } catch (error) {
      audit.record({ ...entry, outcome: 'failure', after: { error: (error as Error).message } });
      throw apiErrorOf(error);
    }
  };
  const by = (request: FastifyRequest) => request.principal!.account.username;

  app.get('/api/master-data', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'The master-data version, how many records of each kind, and which version each gateway holds',
      response: {
        200: {
          type: 'object', required: ['version', 'counts', 'gateways'], additionalProperties: false,
          properties: { version: { type: 'integer' }, counts: countsSchema, gateways: { type: 'array', items: gatewaySchema } },
        },
        ...errors,
      },
    },
  }, async () => {
    const all = store.counts();
    return { version: store.version(), counts: Object.fromEntries(editableKinds.map((kind) => [kind, all[kind]])), gateways: masterData.gateways() };
  });

  app.get<{ Params: KindParams }>('/api/master-data/:kind', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Every record of a kind (category, item, lot, location, operator, stock) with the version of its last change',
      params: { type: 'object', required: ['kind'], additionalProperties: false, properties: { kind: kindParam } },
      response: {
        200: {
          type: 'object', required: ['kind', 'version', 'records'], additionalProperties: false,
          properties: {
            kind: { type: 'string' },
            version: { type: 'integer' },
            records: {
              type: 'array',
              items: {
                type: 'object', required: ['key', 'version', 'value'], additionalProperties: false,
                properties: { key: { type: 'string' }, version: { type: 'integer' }, value: { type: 'object', additionalProperties: true } },
              },
            },
          },
        },
        ...errors,
      },
    },
  }, async (request) => {
    const { kind } = request.params;
    return { kind, version: store.version(), records: store.list(kind).map(({ key, version, value }) => ({ key, version, value })) };
  });

  app.put<{ Params: KeyParams; Body: Record<string, unknown> }>('/api/master-data/:kind/:key', {
    config: { permission: 'masterdata.manage' },
    schema: {
      summary: 'Create or replace one record; the body is the record (config/master-data-schema.ts) and its key must be the one in the path',
      params: { type: 'object', required: ['kind', 'key'], additionalProperties: false, properties: { kind: kindParam, key: keyParam } },
      body: { type: 'object', description: 'The record of the kind, e.g. for a lot { gtin, batch, expiry, status }; errors name the field.' },
      response: { 200: changedSchema, ...errors },
    },
  }, async (request) => {
    const { kind, key } = request.params;
    return audited(request, 'masterdata.put', `${kind}/${key}`, () => {
      const before = store.get(kind, key)?.value ?? null;
      const { version, record } = store.put(kind, request.body, { by: by(request), key });
      return { before, after: { version, value: record.value }, result: { key: record.key, version } };
    });
  });

  app.delete<{ Params: KeyParams }>('/api/master-data/:kind/:key', {
    config: { permission: 'masterdata.manage' },
    schema: {
      summary: 'Delete one record (gateways are told with the next sync); refused while other records refer to it, naming them',
      params: { type: 'object', required: ['kind', 'key'], additionalProperties: false, properties: { kind: kindParam, key: keyParam } },
      response: { 200: changedSchema, ...errors },
    },
  }, async (request) => {
    const { kind, key } = request.params;
    return audited(request, 'masterdata.delete', `${kind}/${key}`, () => {
      const before = store.get(kind, key)?.value ?? null;
      const result = store.delete(kind, key, { by: by(request) });
      return { before, after: { version: result.version }, result };
    });
  });

  const lotParams = { type: 'object', required: ['gtin', 'batch'], additionalProperties: false, properties: { gtin: gtinParam, batch: batchParam } } as const;

  app.post<{ Params: LotParams; Body: { reason: string } }>('/api/lots/:gtin/:batch/quarantine', {
    config: { permission: 'masterdata.manage' },
    schema: {
      summary: 'Quarantine a lot: gateways block it at the next scan once synced; scans made meanwhile raise an alert',
      params: lotParams,
      body: {
        type: 'object', required: ['reason'], additionalProperties: false,
        properties: { reason: { type: 'string', minLength: 1, maxLength: 200, 'x-expected': 'why, in up to 200 characters (operators see it)' } },
      },
      response: {
        200: {
          type: 'object', required: ['key', 'version', 'quarantinedAt'], additionalProperties: false,
          properties: { ...changedSchema.properties, quarantinedAt: { type: 'integer', description: 'ms since the epoch' } },
        },
        ...errors,
      },
    },
  }, async (request) => {
    const { gtin, batch } = request.params;
    return audited(request, 'lot.quarantine', `${gtin}/${batch}`, () => {
      const before = store.get('lot', `${gtin}/${batch}`)?.value ?? null;
      const { key, version, record } = store.quarantineLot(gtin, batch, request.body.reason, { by: by(request) });
      return { before, after: { version, value: record.value }, result: { key, version, quarantinedAt: record.value.quarantinedAt! } };
    });
  });

  app.post<{ Params: LotParams }>('/api/lots/:gtin/:batch/release', {
    config: { permission: 'masterdata.manage' },
    schema: {
      summary: 'Release a quarantined lot',
      params: lotParams,
      response: { 200: changedSchema, ...errors },
    },
  }, async (request) => {
    const { gtin, batch } = request.params;
    return audited(request, 'lot.release', `${gtin}/${batch}`, () => {
      const before = store.get('lot', `${gtin}/${batch}`)?.value ?? null;
      const { key, version, record } = store.releaseLot(gtin, batch, { by: by(request) });
      return { before, after: { version, value: record.value }, result: { key, version } };
    });
  });
}
