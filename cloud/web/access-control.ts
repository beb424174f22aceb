/**
 * The one gate every request passes (DESIGN: default deny). Each route declares
 * `config: { permission: '<id>' | 'public' | 'authenticated' }`; registering a route without
 * one, or with an id not in the catalogue, throws while the app is built. On each request one
 * hook (preParsing: after the cookie parser, before the body is read) finds the principal (bearer token or session cookie), then answers 401 without
 * one, 403 when its permissions lack the route's, 403 when a cookie-authenticated request that
 * changes state lacks the session's CSRF token, and 403 for anything but the password change
 * while an account still has its one-time password.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService, Principal } from '../auth/auth-service.ts';
import { isPermissionId, permissionCatalogue, type RouteAccess } from '../auth/permissions.ts';
import { sameSecret } from '../auth/secret-digest.ts';
import { ApiError } from './api-errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; required on every route. */
    permission?: RouteAccess;
    /** Reachable while the account must still change its one-time password. */
    duringPasswordChange?: boolean;
  }
  interface FastifyRequest {
    /** Who is calling, once access control has run; undefined on public routes without credentials. */
    principal?: Principal;
  }
}

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface SessionCookie {
  name: string;
  secure: boolean;
}

/**
 * `__Host-` makes the browser refuse the cookie unless Secure, Path=/ and no Domain, so a
 * sibling subdomain cannot plant one; it cannot be used on plain http (the demo).
 */
export const sessionCookie = (secure: boolean): SessionCookie => ({ name: secure ? '__Host-es_session' : 'es_session', secure });

export function describeAccess(access: unknown): string | undefined {
  if (access === 'public' || access === 'authenticated') return undefined;
  if (typeof access === 'string' && isPermissionId(access)) return undefined;
  return `config.permission ${access === undefined ? 'is missing' : `${JSON.stringify(access)} is not known`}; `
    + "declare 'public', 'authenticated' or a permission id from cloud/auth/permissions.ts";
}

export function installAccessControl(app: FastifyInstance, { auth, cookie }: { auth: AuthService; cookie: SessionCookie }): void {
  app.decorateRequest('principal', undefined);

  app.addHook('onRoute', (route) => {
    const problem = describeAccess(route.config?.permission);
    if (problem) throw new Error(`Route ${[route.method].flat().join(',')} ${route.url}: ${problem}`);
  });

  // preParsing: after every onRequest hook (@fastify/cookie parses cookies there), before the
  // body is read, so a caller without access never gets a body parsed.
  app.addHook('preParsing', async (request: FastifyRequest, _reply: FastifyReply, payload) => {
    check(request);
    return payload;
  });

  function check(request: FastifyRequest): void {
    if (request.is404) return; // the not-found handler answers; there is nothing to protect
    const { permission: access, duringPasswordChange } = request.routeOptions.config;
    const { principal, problem } = identify(request, auth, cookie);
    request.principal = principal;
    if (access === 'public') return;
    if (!principal) throw new ApiError(401, 'UNAUTHENTICATED', problem?.field ?? null, problem?.message
      ?? 'log in first: POST /api/session with {"username", "password"}, or send Authorization: Bearer es_<id>_<secret>');

    if (principal.kind === 'session') {
      if (principal.account.mustChangePassword && !duringPasswordChange) {
        throw new ApiError(403, 'PASSWORD_CHANGE_REQUIRED', null,
          'this account still has its one-time password; choose your own with POST /api/session/password first');
      }
      if (!SAFE_METHODS.has(request.method)) {
        const sent = request.headers[CSRF_HEADER];
        if (typeof sent !== 'string' || !sameSecret(sent, principal.session.csrfToken)) {
          throw new ApiError(403, 'CSRF_TOKEN_INVALID', CSRF_HEADER,
            `${CSRF_HEADER}: ${sent === undefined ? 'missing' : 'does not match this session'}; send the csrfToken from GET /api/session in the ${CSRF_HEADER} header`);
        }
      }
    }
    if (access === 'authenticated' || (access && principal.permissions.has(access))) return;
    throw new ApiError(403, 'FORBIDDEN', null,
      `${principal.kind === 'token' ? 'this token' : `role "${principal.account.role}"`} does not hold "${access}" `
      + `(${access && isPermissionId(access) ? permissionCatalogue[access] : 'unknown'}); ask an admin to grant it in Permissions`);
  }
}

/** The caller, from a bearer token or else the session cookie; a reason when credentials were sent but fail. */
function identify(request: FastifyRequest, auth: AuthService, cookie: SessionCookie): { principal?: Principal; problem?: { field: string; message: string } } {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const bearer = /^Bearer (\S+)$/i.exec(authorization)?.[1];
    const principal = bearer === undefined ? undefined : auth.fromToken(bearer);
    // A token is not exempt from anything it was not scoped for; nor does a bad one fall back to the cookie.
    return principal
      ? { principal }
      : { problem: { field: 'authorization', message: 'authorization: not a live API token; expected "Bearer es_<id>_<secret>" of a token that is not revoked' } };
  }
  const sessionId = request.cookies[cookie.name];
  if (sessionId === undefined) return {};
  const principal = auth.fromSession(sessionId);
  return principal ? { principal } : { problem: { field: 'cookie', message: 'your session has ended (logged out, expired or replaced); log in again' } };
}
