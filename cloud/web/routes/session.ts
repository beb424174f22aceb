/**
 * Log in, see who you are, log out, change your password:
 * POST/GET/DELETE /api/session and POST /api/session/password.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AuthService, Principal } from '../../auth/auth-service.ts';
import { AuthProblem } from '../../auth/auth-service.ts';
import { MAX_PASSWORD_LENGTH } from '../../auth/password-hash.ts';
import { permissionIds, roleCatalogue } from '../../auth/permissions.ts';
import type { SessionCookie } from '../access-control.ts';
import { ApiError, apiErrorSchema } from '../api-errors.ts';
import { originOf } from '../request-origin.ts';

const usernameField = {
  type: 'string', minLength: 1, maxLength: 128, description: 'Account name.', 'x-expected': 'your account name, e.g. engineer',
} as const;
const passwordField = (description: string) => ({
  type: 'string', minLength: 1, maxLength: MAX_PASSWORD_LENGTH, description, 'x-secret': true,
  'x-expected': `the password, 1 to ${MAX_PASSWORD_LENGTH} characters`,
} as const);

export const whoAmISchema = {
  type: 'object',
  required: ['username', 'role', 'roleDescription', 'permissions', 'via', 'csrfToken', 'mustChangePassword'],
  additionalProperties: false,
  properties: {
    username: { type: 'string' },
    role: { type: 'string' },
    roleDescription: { type: 'string' },
    permissions: { type: 'array', items: { type: 'string', enum: permissionIds } },
    via: { type: 'string', enum: ['session', 'token'] },
    csrfToken: { type: ['string', 'null'], description: 'Send as the x-csrf-token header on POST, PUT and DELETE made with the session cookie; null for tokens.' },
    mustChangePassword: { type: 'boolean' },
  },
} as const;

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 415: apiErrorSchema, 429: apiErrorSchema } as const;

function whoAmI(principal: Principal) {
  return {
    username: principal.account.username,
    role: principal.account.role,
    roleDescription: roleCatalogue[principal.account.role],
    permissions: permissionIds.filter((id) => principal.permissions.has(id)),
    via: principal.kind,
    csrfToken: principal.kind === 'session' ? principal.session.csrfToken : null,
    mustChangePassword: principal.account.mustChangePassword,
  };
}

export interface SessionRouteOptions {
  auth: AuthService;
  cookie: SessionCookie;
}

export async function sessionRoutes(app: FastifyInstance, { auth, cookie }: SessionRouteOptions) {
  const setCookie = (reply: FastifyReply, value: string) =>
    reply.setCookie(cookie.name, value, { path: '/', httpOnly: true, sameSite: 'strict', secure: cookie.secure });

  app.post<{ Body: { username: string; password: string } }>('/api/session', {
    config: { permission: 'public' },
    schema: {
      summary: 'Log in: sets the session cookie and returns who you are with your CSRF token',
      body: {
        type: 'object', additionalProperties: false, required: ['username', 'password'],
        properties: { username: usernameField, password: passwordField('The account password.') },
      },
      response: { 200: whoAmISchema, ...errors },
    },
  }, async (request, reply) => {
    const { username, password } = request.body;
    const result = await auth.login(username, password, originOf(request));
    if (!result.ok && result.reason === 'throttled') {
      const { verdict } = result;
      const seconds = Math.ceil(verdict.retryAfterMs / 1000);
      reply.header('retry-after', String(seconds));
      const who = verdict.by === 'username' ? 'this account' : 'your address';
      throw verdict.locked
        ? new ApiError(429, 'ACCOUNT_LOCKED', verdict.by === 'username' ? 'username' : null,
          `too many failed logins for ${who}: locked for ${Math.ceil(seconds / 60)} more minute(s); try again later or ask an admin`)
        : new ApiError(429, 'TOO_MANY_ATTEMPTS', verdict.by === 'username' ? 'username' : null,
          `too many failed logins for ${who}: wait ${seconds} s before the next attempt`);
    }
    if (!result.ok && result.reason === 'locked') {
      throw new ApiError(403, 'ACCOUNT_LOCKED', 'username', 'an admin has locked this account; ask an admin to unlock it');
    }
    if (!result.ok) throw new ApiError(401, 'INVALID_CREDENTIALS', null, 'the username or password is wrong; check both and try again');
    setCookie(reply, result.sessionId);
    return whoAmI(result.principal);
  });

  app.get('/api/session', {
    config: { permission: 'authenticated', duringPasswordChange: true },
    schema: { summary: 'Who you are: username, role, permissions and the CSRF token of this session', response: { 200: whoAmISchema, ...errors } },
  }, async (request) => whoAmI(request.principal!));

  app.delete('/api/session', {
    config: { permission: 'authenticated', duringPasswordChange: true },
    schema: { summary: 'Log out: ends this session and clears its cookie', response: { 204: { type: 'null', description: 'Logged out' }, ...errors } },
  }, async (request, reply) => {
    const principal = request.principal!;
    if (principal.kind !== 'session') throw new ApiError(400, 'BAD_REQUEST', 'authorization', 'a token has no session to end; revoke it with DELETE /api/tokens/<id>');
    auth.logout(principal, originOf(request));
    reply.clearCookie(cookie.name, { path: '/', httpOnly: true, sameSite: 'strict', secure: cookie.secure });
    return reply.code(204).send();
  });

  app.post<{ Body: { currentPassword: string; newPassword: string } }>('/api/session/password', {
    config: { permission: 'authenticated', duringPasswordChange: true },
    schema: {
      summary: 'Change your own password (required after a one-time password); ends your other sessions',
      body: {
        type: 'object', additionalProperties: false, required: ['currentPassword', 'newPassword'],
        properties: { currentPassword: passwordField('The password you logged in with.'), newPassword: passwordField('The new password, at least 12 characters.') },
      },
      response: { 200: whoAmISchema, ...errors },
    },
  }, async (request) => {
    const principal = request.principal!;
    if (principal.kind !== 'session') throw new ApiError(400, 'BAD_REQUEST', 'authorization', 'log in with your password to change it; a token cannot');
    try {
      await auth.changePassword(principal, request.body.currentPassword, request.body.newPassword, originOf(request));
    } catch (error) {
      if (error instanceof AuthProblem) throw new ApiError(400, 'INVALID_VALUE', error.field, error.message);
      throw error;
    }
    return whoAmI(auth.fromSession(principal.sessionId)!);
  });
}
