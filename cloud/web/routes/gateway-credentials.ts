/**
 * Gateways' broker credentials: GET /api/gateways/credentials lists them (never a hash or
 * password) and POST /api/gateways/credentials/:username/rotate gives one a new password,
 * answered once and never cached, and recorded in the audit log (without the password). Both
 * need devices.manage. The broker side (store, dropping the gateway's sessions) is
 * cloud/broker/gateway-credentials.ts; this file maps HTTP to it.
 */
import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../../auth/audit-log.ts';
import { ExternalBrokerCredentialsError } from '../../broker/cloud-broker.ts';
import { UnknownGatewayError, type GatewayCredentialRecord } from '../../broker/gateway-credentials.ts';
import { ApiError, apiErrorSchema } from '../api-errors.ts';
import { originOf } from '../request-origin.ts';

/** What the routes need of the broker; CloudBroker offers it as listGateways and rotateGatewayCredential. */
export interface GatewayCredentialAdmin {
  /** Gateways whose credential this cloud keeps; empty with an external broker. */
  list(): GatewayCredentialRecord[];
  /** A new password for the gateway, returned once; throws UnknownGatewayError or ExternalBrokerCredentialsError. */
  rotate(username: string): Promise<string>;
}

/** Without a broker of its own (an app built for tests or tools) there is nothing to rotate. */
const NO_CREDENTIALS: GatewayCredentialAdmin = {
  list: () => [],
  rotate: (username) => Promise.reject(new UnknownGatewayError(username)),
};

const gatewaySchema = {
  type: 'object',
  required: ['username', 'group', 'edge', 'rotatedAt'],
  additionalProperties: false,
  properties: {
    username: { type: 'string', description: 'What the gateway logs in to the broker as.' },
    group: { type: 'string', description: 'Sparkplug group id the gateway may publish under.' },
    edge: { type: 'string', description: 'Sparkplug edge node id the gateway may publish under.' },
    rotatedAt: { type: ['integer', 'null'], description: 'When the password was last rotated (ms since the epoch); null while it is the one from the cloud config.' },
  },
} as const;

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema } as const;

const view = ({ username, group, edge, rotatedAt }: GatewayCredentialRecord) => ({ username, group, edge, rotatedAt });

export async function gatewayCredentialRoutes(app: FastifyInstance, { credentials = NO_CREDENTIALS, audit }: { credentials?: GatewayCredentialAdmin; audit: AuditLog }) {
  app.get('/api/gateways/credentials', {
    config: { permission: 'devices.manage' },
    schema: {
      summary: "The gateways whose broker credentials this cloud keeps, with when each was rotated (never a password or hash); empty with an external broker",
      response: { 200: { type: 'array', items: gatewaySchema }, ...errors },
    },
  }, async () => credentials.list().map(view));

  app.post<{ Params: { username: string } }>('/api/gateways/credentials/:username/rotate', {
    config: { permission: 'devices.manage' },
    schema: {
      summary: "Give a gateway a new broker password: its current connection is dropped and only the new password logs in; the answer is the only time it is shown",
      params: {
        type: 'object', additionalProperties: false, required: ['username'],
        properties: { username: { type: 'string', minLength: 1, maxLength: 256, 'x-expected': 'a gateway username as listed by GET /api/gateways/credentials' } },
      },
      response: {
        200: {
          ...gatewaySchema,
          required: [...gatewaySchema.required, 'password'],
          properties: { ...gatewaySchema.properties, password: { type: 'string', description: "The new password: put it in the gateway's config (north.password); it is not shown again." } },
        },
        ...errors,
      },
    },
  }, async (request, reply) => {
    const { username } = request.params;
    let password: string;
    try {
      password = await credentials.rotate(username);
    } catch (error) {
      if (error instanceof UnknownGatewayError) {
        throw new ApiError(404, 'NOT_FOUND', 'username', `username: no gateway logs in as "${username}"; GET /api/gateways/credentials lists those whose credentials this cloud keeps`);
      }
      if (error instanceof ExternalBrokerCredentialsError) {
        throw new ApiError(409, 'CONFLICT', null, 'gateway credentials live on the external broker (broker.mode: external), not in this cloud; rotate the password on that broker and put it in the gateway\'s config');
      }
      throw error;
    }
    const record = credentials.list().find((gateway) => gateway.username === username);
    const principal = request.principal!;
    const after = { group: record?.group ?? null, edge: record?.edge ?? null, rotatedAt: record?.rotatedAt ?? null };
    audit.record({
      actor: principal.account.username, actorKind: principal.kind === 'token' ? 'token' : 'user', ...originOf(request),
      action: 'gateway.credential.rotate', outcome: 'success', target: username, after,
    });
    reply.header('cache-control', 'no-store');
    return { username, group: after.group ?? '', edge: after.edge ?? '', rotatedAt: after.rotatedAt, password };
  });
}
