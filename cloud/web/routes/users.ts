/**
 * Accounts: GET /api/users (users.read); POST /api/users, PATCH /api/users/:username (role,
 * lock) and POST /api/users/:username/password-reset (users.manage). One-time passwords are in
 * the answer only, which is never cached. The rules (last admin, own account) live in
 * cloud/auth/account-admin.ts; this file maps HTTP to them.
 */
import type { FastifyInstance } from 'fastify';
import { AccountAdmin, AccountAdminError, newOneTimePassword, type AccountChange, type AccountView } from '../../auth/account-admin.ts';
import type { AuthService } from '../../auth/auth-service.ts';
import { roleIds, type RoleId } from '../../auth/permissions.ts';
import { ApiError, apiErrorSchema } from '../api-errors.ts';
import { originOf } from '../request-origin.ts';

const lockSchema = {
  type: ['object', 'null'],
  description: 'Why logins are refused now: locked by an admin (until unlocked), or after too many failed logins (until `until`); null when not locked.',
  required: ['by', 'since', 'until'],
  additionalProperties: false,
  properties: {
    by: { type: 'string', enum: ['admin', 'failed_logins'] },
    since: { type: ['integer', 'null'], description: 'When an admin locked it (ms since the epoch).' },
    until: { type: ['integer', 'null'], description: 'When a lock from failed logins ends (ms since the epoch).' },
  },
} as const;

const accountSchema = {
  type: 'object',
  required: ['username', 'role', 'mustChangePassword', 'createdAt', 'lock'],
  additionalProperties: false,
  properties: {
    username: { type: 'string' }, role: { type: 'string' }, mustChangePassword: { type: 'boolean' }, createdAt: { type: 'integer' },
    lock: lockSchema,
  },
} as const;

const withOneTimePassword = {
  ...accountSchema,
  required: [...accountSchema.required, 'oneTimePassword'],
  properties: { ...accountSchema.properties, oneTimePassword: { type: 'string', description: 'Shown only in this answer; must be changed at the first login.' } },
} as const;

const usernameParams = {
  type: 'object', additionalProperties: false, required: ['username'],
  properties: { username: { type: 'string', minLength: 1, maxLength: 128, 'x-expected': 'an account name as listed by GET /api/users' } },
} as const;

const roleField = { type: 'string', enum: roleIds, 'x-expected': `one of ${roleIds.join(', ')}` } as const;

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema } as const;

const view = ({ username, role, mustChangePassword, createdAt, lock }: AccountView) => ({ username, role, mustChangePassword, createdAt, lock });

function asApiError(error: unknown): unknown {
  if (!(error instanceof AccountAdminError)) return error;
  return error.kind === 'not_found'
    ? new ApiError(404, 'NOT_FOUND', error.field, error.message)
    : new ApiError(409, 'CONFLICT', error.field, error.message);
}

export async function userRoutes(app: FastifyInstance, { auth }: { auth: AuthService }) {
  const { accounts, audit } = auth.parts;
  const admin = new AccountAdmin(auth);

  app.get('/api/users', {
    config: { permission: 'users.read' },
    schema: { summary: 'Every account with its role and lock (never a password)', response: { 200: { type: 'array', items: accountSchema }, ...errors } },
  }, async () => admin.list().map(view));

  app.post<{ Body: { username: string; role: RoleId } }>('/api/users', {
    config: { permission: 'users.manage' },
    schema: {
      summary: 'Create an account; the answer carries its one-time password, shown only now',
      body: {
        type: 'object', additionalProperties: false, required: ['username', 'role'],
        properties: {
          username: { type: 'string', pattern: '^[a-z][a-z0-9._-]{1,63}$', 'x-expected': 'lower-case letters, digits, dot, dash or underscore, 2 to 64 characters, starting with a letter' },
          role: roleField,
        },
      },
      response: { 201: withOneTimePassword, ...errors },
    },
  }, async (request, reply) => {
    const { username, role } = request.body;
    if (accounts.byUsername(username)) throw new ApiError(409, 'CONFLICT', 'username', `username: "${username}" exists already; choose another`);
    const oneTimePassword = newOneTimePassword();
    const account = accounts.create({ username, role, passwordHash: await auth.hashPassword(oneTimePassword), mustChangePassword: true });
    const principal = request.principal!;
    audit.record({
      actor: principal.account.username, actorKind: principal.kind === 'token' ? 'token' : 'user', ...originOf(request),
      action: 'user.create', outcome: 'success', target: username, after: { role },
    });
    reply.header('cache-control', 'no-store');
    return reply.code(201).send({ ...view(admin.view(account)), oneTimePassword });
  });

  app.patch<{ Params: { username: string }; Body: AccountChange }>('/api/users/:username', {
    config: { permission: 'users.manage' },
    schema: {
      summary: "Change an account's role, or lock or unlock it (unlocking also lifts a lock from failed logins); audited with before and after",
      params: usernameParams,
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          role: roleField,
          locked: { type: 'boolean', 'x-expected': 'true to lock the account until an admin unlocks it, false to unlock it' },
        },
      },
      response: { 200: accountSchema, ...errors },
    },
  }, async (request) => {
    const { role, locked } = request.body;
    if (role === undefined && locked === undefined) {
      throw new ApiError(400, 'MISSING_FIELD', 'role', `role: missing, and so is locked; send {"role": one of ${roleIds.join(', ')}} and/or {"locked": true or false}`);
    }
    try {
      return view(admin.update(request.principal!, request.params.username, request.body, originOf(request)));
    } catch (error) {
      throw asApiError(error);
    }
  });

  app.post<{ Params: { username: string } }>('/api/users/:username/password-reset', {
    config: { permission: 'users.manage' },
    schema: {
      summary: 'Give an account a new one-time password (to be changed at its next login) and end its sessions; the answer is the only time it is shown',
      params: usernameParams,
      response: { 200: withOneTimePassword, ...errors },
    },
  }, async (request, reply) => {
    try {
      const { account, oneTimePassword } = await admin.resetPassword(request.principal!, request.params.username, originOf(request));
      reply.header('cache-control', 'no-store');
      return { ...view(account), oneTimePassword };
    } catch (error) {
      throw asApiError(error);
    }
  });
}
