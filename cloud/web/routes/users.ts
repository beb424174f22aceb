/** Accounts: GET /api/users (users.read) and POST /api/users (users.manage, with a one-time password shown once). */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../../auth/auth-service.ts';
import { roleIds, type RoleId } from '../../auth/permissions.ts';
import { ApiError, apiErrorSchema } from '../api-errors.ts';
import { originOf } from '../request-origin.ts';

const accountSchema = {
  type: 'object',
  required: ['username', 'role', 'mustChangePassword', 'createdAt'],
  additionalProperties: false,
  properties: {
    username: { type: 'string' }, role: { type: 'string' }, mustChangePassword: { type: 'boolean' }, createdAt: { type: 'integer' },
  },
} as const;

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 409: apiErrorSchema } as const;

export async function userRoutes(app: FastifyInstance, { auth }: { auth: AuthService }) {
  const { accounts, audit } = auth.parts;

  app.get('/api/users', {
    config: { permission: 'users.read' },
    schema: { summary: 'Every account with its role (never a password)', response: { 200: { type: 'array', items: accountSchema }, ...errors } },
  }, async () => accounts.list().map(({ username, role, mustChangePassword, createdAt }) => ({ username, role, mustChangePassword, createdAt })));

  app.post<{ Body: { username: string; role: RoleId } }>('/api/users', {
    config: { permission: 'users.manage' },
    schema: {
      summary: 'Create an account; the answer carries its one-time password, shown only now',
      body: {
        type: 'object', additionalProperties: false, required: ['username', 'role'],
        properties: {
          username: { type: 'string', pattern: '^[a-z][a-z0-9._-]{1,63}$', 'x-expected': 'lower-case letters, digits, dot, dash or underscore, 2 to 64 characters, starting with a letter' },
          role: { type: 'string', enum: roleIds, 'x-expected': `one of ${roleIds.join(', ')}` },
        },
      },
      response: {
        201: { ...accountSchema, required: [...accountSchema.required, 'oneTimePassword'], properties: { ...accountSchema.properties, oneTimePassword: { type: 'string' } } },
        ...errors,
      },
    },
  }, async (request, reply) => {
    const { username, role } = request.body;
    if (accounts.byUsername(username)) throw new ApiError(409, 'CONFLICT', 'username', `username: "${username}" exists already; choose another`);
    const oneTimePassword = randomBytes(15).toString('base64url');
    const account = accounts.create({ username, role, passwordHash: await auth.hashPassword(oneTimePassword), mustChangePassword: true });
    const principal = request.principal!;
    audit.record({
      actor: principal.account.username, actorKind: principal.kind === 'token' ? 'token' : 'user', ...originOf(request),
      action: 'user.create', outcome: 'success', target: username, after: { role },
    });
    reply.header('cache-control', 'no-store');
    return reply.code(201).send({ username, role, mustChangePassword: true, createdAt: account.createdAt, oneTimePassword });
  });
}
