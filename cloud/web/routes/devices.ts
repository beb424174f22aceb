/**
 * The device registry over the admin API (issue 6): list PDAs and shelf sensors with when each was
 * last seen scanning and by whom, provision one (its password is in the answer, once, never
 * cached, never logged or audited), rotate its password, enable or disable it, change its note.
 * All need devices.manage; every change is in the audit log. Gateways get the change with the next
 * masterdata.sync (devices are master records, cloud/devices/device-registry.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditAction, AuditLog } from '../../auth/audit-log.ts';
import { DeviceExistsError, type DeviceRegistry } from '../../devices/device-registry.ts';
import { ApiError } from '../api-errors.ts';
import { originOf } from '../request-origin.ts';
import { apiErrorOf, errors } from './master-data.ts';

const deviceSchema = {
  type: 'object', required: ['id', 'kind', 'enabled', 'note', 'createdAt', 'lastSeenAt', 'lastOperator'], additionalProperties: false,
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['pda', 'shelf-sensor'] },
    enabled: { type: 'boolean', description: 'A disabled device cannot log in to a gateway\'s device broker.' },
    note: { type: ['string', 'null'] },
    createdAt: { type: 'integer', description: 'ms since the epoch' },
    lastSeenAt: { type: ['integer', 'null'], description: 'Its latest scan, ms since the epoch; null when it never scanned.' },
    lastOperator: { type: ['string', 'null'], description: 'The operator of its latest scan.' },
  },
} as const;

const idField = {
  type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}$',
  'x-expected': 'a device id: 1 to 64 letters, digits and . _ - starting with a letter or digit, e.g. pda-01',
} as const;
const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: idField } } as const;
const noteField = { type: 'string', maxLength: 200, 'x-expected': 'where the device is used, up to 200 characters' } as const;

const passwordAnswer = {
  type: 'object', required: ['id', 'password'], additionalProperties: false,
  properties: {
    id: { type: 'string' },
    password: { type: 'string', description: 'The device\'s MQTT password for the gateway\'s device broker; shown this once, never again.' },
  },
} as const;

export async function deviceRoutes(app: FastifyInstance, { devices, audit }: { devices: DeviceRegistry; audit: AuditLog }) {
  const by = (request: FastifyRequest) => request.principal!.account.username;
  const record = (request: FastifyRequest, action: AuditAction, target: string, outcome: 'success' | 'failure', before: unknown, after: unknown) => {
    const principal = request.principal!;
    audit.record({ actor: principal.account.username, actorKind: principal.kind === 'token' ? 'token' : 'user', ...originOf(request), action, outcome, target, before, after });
  };
  /** Runs a change, audits it done or refused (never with a password), answers a refusal as the API does. */
  const audited = async <T>(request: FastifyRequest, action: AuditAction, target: string, run: () => Promise<{ before: unknown; after: unknown; result: T }>): Promise<T> => {
    try {
      const { before, after, result } = await run();
      record(request, action, target, 'success', before, after);
      return result;
    } catch (error) {
      record(request, action, target, 'failure', null, { error: (error as Error).message });
      if (error instanceof DeviceExistsError) throw new ApiError(409, 'CONFLICT', 'id', error.message);
      throw apiErrorOf(error);
    }
  };
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

  app.get('/api/devices', {
    config: { permission: 'devices.manage' },
    schema: {
      summary: 'Scanner devices (PDAs, shelf sensors) with when each last scanned and by whom; never a password or hash',
      response: { 200: { type: 'object', required: ['devices'], additionalProperties: false, properties: { devices: { type: 'array', items: deviceSchema } } }, ...errors },
    },
  }, async () => ({ devices: devices.list() }));

  app.post<{ Body: { id: string; kind: 'pda' | 'shelf-sensor'; note?: string } }>('/api/devices', {
    config: { permission: 'devices.manage' },
    schema: {
      summary: 'Provision a device: the answer holds its password, the only time it is shown',
      body: {
        type: 'object', required: ['id', 'kind'], additionalProperties: false,
        properties: { id: idField, kind: { type: 'string', enum: ['pda', 'shelf-sensor'], 'x-expected': 'pda or shelf-sensor' }, note: noteField },
      },
      response: { 201: passwordAnswer, ...errors },
    },
  }, async (request, reply) => {
    const { id, kind, note } = request.body;
    const result = await audited(request, 'device.create', id, async () => {
      const { device, password, version } = await devices.create({ id, kind, ...(note !== undefined ? { note } : {}) }, { by: by(request) });
      return { before: null, after: { ...viewForAudit(device), version }, result: { id: device.id, password } };
    });
    noStore(reply).code(201);
    return result;
  });

  app.post<{ Params: { id: string } }>('/api/devices/:id/rotate', {
    config: { permission: 'devices.manage' },
    schema: {
      summary: 'Give a device a new password (the old one stops working once gateways have synced); the answer is the only time it is shown',
      params: idParams,
      response: { 200: passwordAnswer, ...errors },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    const result = await audited(request, 'device.rotate', id, async () => {
      const { password, version } = await devices.rotate(id, { by: by(request) });
      return { before: null, after: { version }, result: { id, password } };
    });
    noStore(reply);
    return result;
  });

  app.patch<{ Params: { id: string }; Body: { enabled?: boolean; note?: string } }>('/api/devices/:id', {
    config: { permission: 'devices.manage' },
    schema: {
      summary: 'Enable or disable a device, or change its note (an empty note removes it)',
      params: idParams,
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: { enabled: { type: 'boolean', 'x-expected': 'true or false' }, note: noteField },
      },
      response: { 200: deviceSchema, ...errors },
    },
  }, async (request) => {
    const { id } = request.params;
    return audited(request, 'device.update', id, async () => {
      const { before, device, version } = devices.update(id, request.body, { by: by(request) });
      return { before: viewForAudit(before), after: { ...viewForAudit(device), version }, result: device };
    });
  });
}

const viewForAudit = ({ id, kind, enabled, note }: { id: string; kind: string; enabled: boolean; note: string | null }) => ({ id, kind, enabled, note });
