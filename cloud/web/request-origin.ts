/** Where a request came from, as the auth services and the audit log record it. */
import type { FastifyRequest } from 'fastify';
import type { RequestOrigin } from '../auth/auth-service.ts';

export function originOf(request: FastifyRequest): RequestOrigin {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip, ...(userAgent === undefined ? {} : { userAgent }) };
}
