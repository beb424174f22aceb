/** The audit log: GET /api/audit (JSON) and GET /api/audit/export.csv, both audit.read. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { auditActions, auditCsv, type AuditLog, type AuditQuery } from '../../auth/audit-log.ts';
import { ApiError, apiErrorSchema } from '../api-errors.ts';
import { timeField } from '../query-fields.ts';
import { parseTimeInstant } from '../time-instant.ts';

interface AuditQuerystring {
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
  limit?: number;
}

const MAX_AUDIT_LIMIT = 10_000;

const querystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    actor: { type: 'string', minLength: 1, maxLength: 128, description: 'Only entries by this username.', 'x-expected': 'a username' },
    action: { type: 'string', enum: auditActions, description: 'Only entries of this action.', 'x-expected': `one of ${auditActions.join(', ')}` },
    from: timeField('Oldest entry, inclusive.'),
    to: timeField('Newest entry, inclusive.'),
    limit: { type: 'integer', minimum: 1, maximum: MAX_AUDIT_LIMIT, description: 'Most entries, newest kept; default 1000.', 'x-expected': `a whole number from 1 to ${MAX_AUDIT_LIMIT}` },
  },
} as const;

const recordSchema = {
  type: 'object',
  required: ['id', 'at', 'actor', 'actorKind', 'ip', 'userAgent', 'action', 'outcome', 'target', 'before', 'after'],
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    at: { type: 'integer', description: 'Epoch milliseconds.' },
    actor: { type: ['string', 'null'], description: 'Username (for a failed login: the name that was tried).' },
    actorKind: { type: 'string', enum: ['user', 'token', 'anonymous', 'system'] },
    ip: { type: ['string', 'null'] },
    userAgent: { type: ['string', 'null'] },
    action: { type: 'string' },
    outcome: { type: 'string', enum: ['success', 'failure'] },
    target: { type: ['string', 'null'] },
    before: {},
    after: {},
  },
} as const;

function toQuery(request: FastifyRequest<{ Querystring: AuditQuerystring }>): AuditQuery {
  const { actor, action, limit } = request.query;
  const from = request.query.from === undefined ? undefined : parseTimeInstant(request.query.from);
  const to = request.query.to === undefined ? undefined : parseTimeInstant(request.query.to);
  if (from !== undefined && to !== undefined && to < from) {
    throw new ApiError(400, 'INVALID_VALUE', 'to', `to: ${request.query.to} is before from (${request.query.from}); expected an instant at or after from`);
  }
  return { actor, action, from, to, limit };
}

export async function auditRoutes(app: FastifyInstance, { audit }: { audit: AuditLog }) {
  app.get<{ Querystring: AuditQuerystring }>('/api/audit', {
    config: { permission: 'audit.read' },
    schema: {
      summary: 'Audit log entries, newest first: logins, logouts, password changes, tokens, permission changes',
      querystring,
      response: { 200: { type: 'array', items: recordSchema }, 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema },
    },
  }, async (request) => audit.query(toQuery(request)));

  app.get<{ Querystring: AuditQuerystring }>('/api/audit/export.csv', {
    config: { permission: 'audit.read' },
    schema: {
      summary: 'The same entries as CSV, for a spreadsheet or an archive',
      querystring,
      response: { 200: { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } }, 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema },
    },
  }, async (request, reply) => {
    reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="edgestock-audit.csv"');
    return auditCsv(audit.query(toQuery(request)));
  });
}
