/** GET /api/openapi.json: the API described from the routes' own schemas. */
import type { FastifyInstance } from 'fastify';
import { buildOpenApiDocument, type RouteRecord } from '../openapi.ts';

const schema = {
  summary: 'This document',
  response: { 200: { type: 'object', additionalProperties: true, description: 'OpenAPI 3.1 document' } },
} as const;

export async function openApiRoute(app: FastifyInstance, { routes }: { routes: readonly RouteRecord[] }) {
  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  app.get('/api/openapi.json', { config: { permission: 'authenticated' }, schema }, async () => {
    // Built on first request: by then every route, this one included, has been registered.
    document ??= buildOpenApiDocument(routes, { title: 'edgestock cloud API', version: '1' });
    return document;
  });
}
