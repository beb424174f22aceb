/**
 * The admin UI's pages and files: GET / (live telemetry), /connectors, /gateways, /permissions and /audit, /users,
 * /gateway-credentials, /rules (one page, the script shows the screen the path names), /login, and GET /ui/* (scripts, styles and the
 * vendored chart library). The pages hold no data, so they are public; a visitor without a
 * session is sent to /login, and every API call the page makes is checked on its own.
 * The content security policy (same-origin scripts and styles only) is set for every answer
 * by @fastify/helmet in app.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, apiErrorSchema } from '../api-errors.ts';
import { loadPage, loadUiAssets, type StaticAsset } from '../static-assets.ts';

const pageSchema = (summary: string) => ({
  summary,
  response: {
    200: { description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } },
    302: { description: 'Not logged in: to /login', content: { 'text/plain': { schema: { type: 'string' } } } },
  },
} as const);

const assetSchema = {
  summary: 'Static files of the admin page',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['*'],
    properties: { '*': { type: 'string', maxLength: 200, description: 'File name, e.g. admin.js or vendor/uPlot.iife.min.js.' } },
  },
  response: {
    200: {
      description: 'JavaScript or CSS',
      content: { 'text/javascript': { schema: { type: 'string' } }, 'text/css': { schema: { type: 'string' } } },
    },
    404: apiErrorSchema,
  },
} as const;

/** The admin page's screens; the script picks one from the path. */
export const ADMIN_SCREENS = { '/': 'Live telemetry', '/connectors': 'Connectors', '/gateways': 'Gateways', '/permissions': 'Permissions', '/audit': 'Audit log',
  '/users': 'Users', '/gateway-credentials': 'Gateway credentials', '/rules': 'Rules' } as const;

function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: StaticAsset) {
  reply.header('cache-control', asset.cacheControl).header('etag', asset.etag);
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  return reply.type(asset.contentType).send(asset.body);
}

export async function adminPageRoute(app: FastifyInstance) {
  const admin = loadPage('admin.html');
  const login = loadPage('login.html');
  const assets = loadUiAssets();

  for (const [path, title] of Object.entries(ADMIN_SCREENS)) {
    app.get(path, { config: { permission: 'public' }, schema: pageSchema(`The admin page: ${title}`) }, async (request, reply) => {
      if (!request.principal) return reply.redirect(`/login${path === '/' ? '' : `?next=${encodeURIComponent(path)}`}`);
      return sendAsset(request, reply, admin);
    });
  }

  app.get('/login', { config: { permission: 'public' }, schema: pageSchema('The login page') }, async (request, reply) =>
    sendAsset(request, reply, login));

  app.get<{ Params: { '*': string } }>('/ui/*', { config: { permission: 'public' }, schema: assetSchema, logLevel: 'warn' }, async (request, reply) => {
    const asset = assets.get(request.params['*']);
    if (!asset) {
      throw new ApiError(404, 'NOT_FOUND', null,
        `No file /ui/${request.params['*']}; the admin page's files are ${[...assets.keys()].join(', ')}`);
    }
    return sendAsset(request, reply, asset);
  });
}
