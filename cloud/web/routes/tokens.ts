/** API tokens: GET/POST /api/tokens, DELETE /api/tokens/:id. The secret is in the POST answer only. */
import type { FastifyInstance } from 'fastify';
import type { ApiToken } from '../../auth/api-tokens.ts';
import { AuthProblem, type AuthService } from '../../auth/auth-service.ts';
import { permissionIds, type PermissionId } from '../../auth/permissions.ts';
import { ApiError, apiErrorSchema } from '../api-errors.ts';
import { originOf } from '../request-origin.ts';

const tokenSchema = {
  type: 'object',
  required: ['id', 'owner', 'name', 'permissions', 'createdAt', 'lastUsedAt', 'revokedAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    owner: { type: 'string' },
    name: { type: 'string' },
    permissions: { type: 'array', items: { type: 'string' } },
    createdAt: { type: 'integer' },
    lastUsedAt: { type: ['integer', 'null'] },
    revokedAt: { type: ['integer', 'null'] },
  },
} as const;

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema } as const;

function asApiError(error: unknown): unknown {
  if (!(error instanceof AuthProblem)) return error;
  const status = { invalid: 400, forbidden: 403, not_found: 404 }[error.kind];
  const code = ({ invalid: 'INVALID_VALUE', forbidden: 'FORBIDDEN', not_found: 'NOT_FOUND' } as const)[error.kind];
  return new ApiError(status, code, error.field, error.message);
}

export async function tokenRoutes(app: FastifyInstance, { auth }: { auth: AuthService }) {
  const view = (token: ApiToken) => ({
    id: token.id, owner: auth.parts.accounts.byId(token.userId)?.username ?? '(deleted)', name: token.name,
    permissions: token.permissions, createdAt: token.createdAt, lastUsedAt: token.lastUsedAt, revokedAt: token.revokedAt,
  });

  app.get('/api/tokens', {
    config: { permission: 'authenticated' },
    schema: { summary: 'Your API tokens (every token with users.manage), without their secrets', response: { 200: { type: 'array', items: tokenSchema }, ...errors } },
  }, async (request) => {
    const principal = request.principal!;
    return auth.parts.tokens.list(principal.permissions.has('users.manage') ? undefined : principal.account.id).map(view);
  });

  app.post<{ Body: { name: string; permissions: PermissionId[] } }>('/api/tokens', {
    config: { permission: 'authenticated' },
    schema: {
      summary: 'Create an API token scoped to some of your permissions; the answer is the only time its secret is shown',
      body: {
        type: 'object', additionalProperties: false, required: ['name', 'permissions'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 100, 'x-expected': 'a name saying what uses the token, e.g. "nightly export"' },
          permissions: {
            type: 'array', minItems: 1, maxItems: permissionIds.length, uniqueItems: true,
            items: { type: 'string', enum: permissionIds },
            'x-expected': 'a list of permission ids you hold, e.g. ["telemetry.read"]',
          },
        },
      },
      response: {
        201: { ...tokenSchema, required: [...tokenSchema.required, 'token'], properties: { ...tokenSchema.properties, token: { type: 'string', description: 'es_<id>_<secret>: store it now, it is not shown again' } } },
        ...errors,
      },
    },
  }, async (request, reply) => {
    try {
      const { token, record } = auth.createToken(request.principal!, request.body.name, request.body.permissions, originOf(request));
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ ...view(record), token });
    } catch (error) {
      throw asApiError(error);
    }
  });

  app.delete<{ Params: { id: string } }>('/api/tokens/:id', {
    config: { permission: 'authenticated' },
    schema: {
      summary: 'Revoke a token: it stops working at once',
      params: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9a-f]{16}$', 'x-expected': 'a token id as listed by GET /api/tokens' } } },
      response: { 200: tokenSchema, ...errors },
    },
  }, async (request) => {
    try {
      return view(auth.revokeToken(request.principal!, request.params.id, originOf(request)));
    } catch (error) {
      throw asApiError(error);
    }
  });
}
