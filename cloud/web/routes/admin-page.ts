/** GET / (the admin page) and GET /ui/* (its scripts, styles and the vendored chart library). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, apiErrorSchema } from '../api-errors.ts';
import { loadAdminPage, loadUiAssets, type StaticAsset } from '../static-assets.ts';

// The page loads only its own files and talks only to this origin; device-supplied tag names
// are written with textContent, and this policy is the second line if one ever is not.
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const pageSchema = {
  summary: 'The admin page: live tag tree and charts',
  response: { 200: { description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } } },
} as const;

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

function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: StaticAsset) {
  reply.header('cache-control', asset.cacheControl).header('etag', asset.etag);
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  return reply.type(asset.contentType).send(asset.body);
}

export async function adminPageRoute(app: FastifyInstance) {
  const page = loadAdminPage();
  const assets = loadUiAssets();

  app.get('/', { schema: pageSchema }, async (request, reply) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    return sendAsset(request, reply, page);
  });

  app.get<{ Params: { '*': string } }>('/ui/*', { schema: assetSchema, logLevel: 'warn' }, async (request, reply) => {
    const asset = assets.get(request.params['*']);
    if (!asset) {
      throw new ApiError(404, 'NOT_FOUND', null,
        `No file /ui/${request.params['*']}; the admin page's files are ${[...assets.keys()].join(', ')}`);
    }
    return sendAsset(request, reply, asset);
  });
}
