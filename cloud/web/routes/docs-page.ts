/**
 * GET /docs: the API reference page. It holds no data (its script reads GET /api/openapi.json,
 * which needs a session), so like the admin pages it is public and sends a visitor without a
 * session to /login, coming back here after. Its script and style are served with the admin
 * page's files under /ui/ (docs.js, docs.css), so the same-origin CSP covers it unchanged.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loadPage, type StaticAsset } from '../static-assets.ts';

export const DOCS_PATH = '/docs';

const schema = {
  summary: 'The API reference page (reads /api/openapi.json)',
  response: {
    200: { description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } },
    302: { description: 'Not logged in: to /login?next=/docs', content: { 'text/plain': { schema: { type: 'string' } } } },
  },
} as const;

/** The page with its ETag; 304 when the browser holds this version already. */
function sendPage(request: FastifyRequest, reply: FastifyReply, page: StaticAsset) {
  reply.header('cache-control', page.cacheControl).header('etag', page.etag);
  if (request.headers['if-none-match'] === page.etag) return reply.code(304).send();
  return reply.type(page.contentType).send(page.body);
}

export async function docsPageRoute(app: FastifyInstance) {
  const page = loadPage('docs.html');
  app.get(DOCS_PATH, { config: { permission: 'public' }, schema }, async (request, reply) => {
    if (!request.principal) return reply.redirect(`/login?next=${encodeURIComponent(DOCS_PATH)}`);
    return sendPage(request, reply, page);
  });
}
