/**
 * Gateways from the admin API: their configuration versions (read, push, history, roll back),
 * one-off commands (test read, OPC UA browse, certificates) and tag writes, each travelling
 * cloud -> gateway -> device and answered with the gateway's acknowledgement
 * (docs/gateway-commands.md). Every change is in the audit log with who, when and the diff.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditAction, AuditLog } from '../../auth/audit-log.ts';
import type { CommandType, EdgeAck } from '../../../connectors/edge-link/index.ts';
import { GatewayTimeoutError } from '../../rollout/edge-link-client.ts';
import { StaleBaseVersionError } from '../../rollout/gateway-configs.ts';
import { ConfigInvalidError, EdgeLinkDownError, UnknownGatewayError, UnknownVersionError, type GatewayRollout, type PushOutcome } from '../../rollout/gateway-rollout.ts';
import { ApiError, apiErrorSchema } from '../api-errors.ts';
import { originOf } from '../request-origin.ts';

/** Connector lists can be long (an imported DB with hundreds of tags). */
const CONFIG_BODY_LIMIT = 2 * 1024 * 1024;

const idLevel = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', maxLength: 128, 'x-expected': 'a Sparkplug group or edge id' } as const;
const params = { type: 'object', required: ['group', 'edge'], additionalProperties: false, properties: { group: idLevel, edge: idLevel } } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;
const connectorRef = {
  description: 'A running connector\'s name, or a whole connector configuration (site file shape).',
  anyOf: [{ type: 'string', minLength: 1, maxLength: 128 }, { type: 'object', additionalProperties: true }],
  'x-expected': 'a connector name or a connector configuration object',
} as const;
const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema, 422: apiErrorSchema, 504: apiErrorSchema } as const;
const ok = (description: string) => ({ 200: { ...anyObject, description }, ...errors });

interface GatewayParams { group: string; edge: string }

export async function gatewayRoutes(app: FastifyInstance, { rollout, audit }: { rollout: GatewayRollout; audit: AuditLog }) {
  const actorOf = (request: FastifyRequest) => request.principal!.account.username;
  const record = (request: FastifyRequest, action: AuditAction, outcome: 'success' | 'failure', target: string, before?: unknown, after?: unknown) => {
    const principal = request.principal!;
    audit.record({ actor: principal.account.username, actorKind: principal.kind === 'token' ? 'token' : 'user', ...originOf(request), action, outcome, target, before, after });
  };

  app.get('/api/gateways', {
    config: { permission: 'telemetry.read' },
    schema: { summary: 'Every gateway that reported, with its session and configuration state', response: ok('{ gateways: [...] }') },
  }, async () => ({ gateways: rollout.list() }));

  app.get<{ Params: GatewayParams }>('/api/gateways/:group/:edge/config', {
    config: { permission: 'telemetry.read' },
    schema: { summary: 'The latest connector configuration of a gateway (secrets shown as ********)', params, response: ok('{ version, appliedVersion, status, connectors }') },
  }, async (request) => guard(() => rollout.config(request.params.group, request.params.edge)));

  app.get<{ Params: GatewayParams }>('/api/gateways/:group/:edge/config/versions', {
    config: { permission: 'telemetry.read' },
    schema: { summary: 'Every configuration version, newest first, with author, status and diff', params, response: ok('{ versions: [...] }') },
  }, async (request) => guard(() => ({ versions: rollout.history(request.params.group, request.params.edge) })));

  app.put<{ Params: GatewayParams; Body: { baseVersion: number; connectors: unknown[]; comment?: string } }>('/api/gateways/:group/:edge/config', {
    config: { permission: 'connectors.manage' },
    bodyLimit: CONFIG_BODY_LIMIT,
    schema: {
      summary: 'Push a new connector configuration; answers once the gateway applied it, refused it, or did not answer in time',
      params,
      body: {
        type: 'object', additionalProperties: false, required: ['baseVersion', 'connectors'],
        properties: {
          baseVersion: { type: 'integer', minimum: 0, 'x-expected': 'the version you edited (GET .../config answers it)' },
          connectors: { type: 'array', items: anyObject, 'x-expected': 'a list of connector configurations (site file shape)' },
          comment: { type: 'string', maxLength: 500 },
        },
      },
      response: ok('{ version, status, ack?, timedOut?, diff }'),
    },
  }, async (request, reply) => {
    const { group, edge } = request.params;
    const target = `${group}/${edge}`;
    try {
      const outcome = await rollout.push(group, edge, { ...request.body, author: actorOf(request) });
      record(request, 'gateway.config.push', outcome.status === 'failed' ? 'failure' : 'success', target, { version: request.body.baseVersion }, { version: outcome.version, status: outcome.status, diff: outcome.diff });
      return answerPush(reply, outcome);
    } catch (error) {
      if (error instanceof ConfigInvalidError) record(request, 'gateway.config.push', 'failure', target, undefined, { problems: error.problems });
      throw translate(error);
    }
  });

  app.post<{ Params: GatewayParams; Body: { toVersion: number } }>('/api/gateways/:group/:edge/config/rollback', {
    config: { permission: 'connectors.manage' },
    schema: {
      summary: 'Push an earlier version\'s connectors again, as a new version',
      params,
      body: { type: 'object', additionalProperties: false, required: ['toVersion'], properties: { toVersion: { type: 'integer', minimum: 0, 'x-expected': 'a version number from GET .../config/versions' } } },
      response: ok('{ version, status, ack?, timedOut?, diff }'),
    },
  }, async (request, reply) => {
    const { group, edge } = request.params;
    const outcome = await guard(() => rollout.rollback(group, edge, request.body.toVersion, actorOf(request)));
    record(request, 'gateway.config.rollback', outcome.status === 'failed' ? 'failure' : 'success', `${group}/${edge}`, { toVersion: request.body.toVersion }, { version: outcome.version, status: outcome.status, diff: outcome.diff });
    return answerPush(reply, outcome);
  });

  const command = async (request: FastifyRequest<{ Params: GatewayParams }>, type: Exclude<CommandType, 'config.apply'>, args: Record<string, unknown>) => {
    const ack = await guard(() => rollout.command(request.params.group, request.params.edge, type, args, actorOf(request)));
    if (!ack.ok) throw refused(ack);
    return ack.result as Record<string, unknown>;
  };

  app.post<{ Params: GatewayParams; Body: { connector: string | object; tag: object } }>('/api/gateways/:group/:edge/test-read', {
    config: { permission: 'connectors.manage' },
    schema: {
      summary: 'Read one tag once through the gateway (a configured connector or one not pushed yet); nothing is stored',
      params,
      body: { type: 'object', additionalProperties: false, required: ['connector', 'tag'], properties: { connector: connectorRef, tag: { ...anyObject, 'x-expected': 'a tag configuration of the connector\'s protocol' } } },
      response: ok('{ value, quality, error?, unit?, ts }'),
    },
  }, async (request) => command(request, 'tag.test-read', request.body as Record<string, unknown>));

  app.post<{ Params: GatewayParams; Body: { connector: string | object; nodeId?: string } }>('/api/gateways/:group/:edge/browse', {
    config: { permission: 'connectors.manage' },
    schema: {
      summary: 'Children of an OPC UA node (default: the Objects folder), through the gateway',
      params,
      body: { type: 'object', additionalProperties: false, required: ['connector'], properties: { connector: connectorRef, nodeId: { type: 'string', minLength: 1, maxLength: 4096 } } },
      response: ok('{ nodes: [{ nodeId, browseName, displayName, nodeClass, dataType?, hasChildren }] }'),
    },
  }, async (request) => command(request, 'opcua.browse', request.body as Record<string, unknown>));

  app.get<{ Params: GatewayParams }>('/api/gateways/:group/:edge/certificates', {
    config: { permission: 'connectors.manage' },
    schema: { summary: 'OPC UA server certificates the gateway trusts and the ones it rejected', params, response: ok('{ trusted, rejected }') },
  }, async (request) => command(request, 'certificates.list', {}));

  app.post<{ Params: GatewayParams & { thumbprint: string } }>('/api/gateways/:group/:edge/certificates/:thumbprint/trust', {
    config: { permission: 'connectors.manage' },
    schema: {
      summary: 'Trust a rejected OPC UA server certificate on the gateway',
      params: { ...params, required: ['group', 'edge', 'thumbprint'], properties: { ...params.properties, thumbprint: { type: 'string', pattern: '^[0-9a-fA-F:]{40,59}$', 'x-expected': 'the SHA-1 thumbprint in hex' } } },
      response: ok('the trusted certificate'),
    },
  }, async (request) => {
    const { group, edge, thumbprint } = request.params;
    try {
      const result = await command(request, 'certificates.trust', { thumbprint });
      record(request, 'gateway.certificate.trust', 'success', `${group}/${edge}`, undefined, result);
      return result;
    } catch (error) {
      record(request, 'gateway.certificate.trust', 'failure', `${group}/${edge}`, undefined, { thumbprint, error: (error as Error).message });
      throw error;
    }
  });

  app.post<{ Params: GatewayParams; Body: { device: string; tag: string; value: number | boolean } }>('/api/gateways/:group/:edge/tags/write', {
    config: { permission: 'tags.write' },
    schema: {
      summary: 'Write a value to a device tag; answers with the gateway\'s acknowledgement once the device took it',
      params,
      body: {
        type: 'object', additionalProperties: false, required: ['device', 'tag', 'value'],
        properties: {
          device: { type: 'string', minLength: 1, maxLength: 128 },
          tag: { type: 'string', minLength: 1, maxLength: 256 },
          value: { type: ['number', 'boolean'], 'x-expected': 'a number or true/false, in the tag\'s engineering units' },
        },
      },
      response: ok('{ ok: true, result: { device, tag, value, writtenAt, latencyMs } }'),
    },
  }, async (request) => {
    const { group, edge } = request.params;
    const { device, tag, value } = request.body;
    const target = `${group}/${edge}/${device}/${tag}`;
    try {
      const result = await command(request, 'tag.write', { device, tag, value });
      record(request, 'tag.write', 'success', target, undefined, { value });
      return { ok: true, result };
    } catch (error) {
      record(request, 'tag.write', 'failure', target, undefined, { value, error: (error as Error).message });
      throw error;
    }
  });
}

function answerPush(reply: FastifyReply, outcome: PushOutcome) {
  if (outcome.status === 'failed' && outcome.ack && !outcome.ack.ok) throw refused(outcome.ack, `version ${outcome.version} was refused by the gateway and is recorded as failed`);
  // 202: stored and pending; the gateway gets it when it is back (GET .../config tells when).
  return reply.code(outcome.status === 'pending' ? 202 : 200).send(outcome);
}

function refused(ack: Extract<EdgeAck, { ok: false }>, prefix?: string): ApiError {
  const message = `${prefix ? `${prefix}: ` : ''}${ack.error.code}: ${ack.error.message}`;
  return new ApiError(422, 'GATEWAY_REFUSED', ack.error.problems?.[0]?.path ?? null, message, ack.error.problems);
}

async function guard<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw translate(error);
  }
}

function translate(error: unknown): unknown {
  if (error instanceof ConfigInvalidError) return new ApiError(400, 'CONFIG_INVALID', error.problems[0]?.path ?? null, error.message, error.problems);
  if (error instanceof StaleBaseVersionError) return new ApiError(409, 'CONFLICT', 'baseVersion', error.message);
  if (error instanceof UnknownGatewayError) return new ApiError(404, 'GATEWAY_UNKNOWN', 'edge', error.message);
  if (error instanceof UnknownVersionError) return new ApiError(404, 'NOT_FOUND', 'toVersion', error.message);
  if (error instanceof EdgeLinkDownError) return new ApiError(504, 'GATEWAY_TIMEOUT', null, error.message);
  if (error instanceof GatewayTimeoutError) return new ApiError(504, 'GATEWAY_TIMEOUT', null, error.message);
  return error;
}
