/**
 * Serialized mold tooling over HTTP (docs/inventory-api.md, "Tooling"; cloud/tooling/): the asset
 * tree with life figures, assets, machines and mounts, life warnings with the replacement
 * recommendation, inspection reports and attachments, and the counter feed's figures. Reading
 * needs inventory.read, changing tooling.manage. The tooling part's refusals (ToolingError) are
 * answered with the API catalogue's code, their field and message; nothing has changed then.
 * Without a tooling part the lists are empty and everything else answers 404.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ATTACHMENT_BODY_LIMIT, attachmentTypes, contentDisposition } from '../../tooling/attachment-files.ts';
import type { ToolingApi } from '../../tooling/open-tooling.ts';
import type { AttachmentInput, InspectionInput, MachineInput, ReplaceInput, ToolingAssetInput } from '../../tooling/tooling-types.ts';
import { ApiError, apiErrorSchema } from '../api-errors.ts';
import * as s from './tooling-schemas.ts';

export interface ToolingRouteOptions { tooling?: ToolingApi }

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema } as const;
const idParams = (expected: string) => ({ type: 'object', additionalProperties: false, required: ['id'], properties: { id: s.idField(expected) } } as const);
const assetParams = idParams('an asset id such as INS-0042');
const machineParams = idParams('a machine id such as IMM-01');
const toleranceQuery = {
  type: 'object', additionalProperties: false,
  properties: { toleranceUmPerMK: { type: 'number', minimum: 0, maximum: 10, description: 'How far a spare\'s CTE may be from the mother mold\'s; default 0.5.', 'x-expected': 'µm/(m·K) from 0 to 10, e.g. 0.5' } },
} as const;

const actorOf = (request: FastifyRequest) => request.principal!.account.username;

export async function toolingRoutes(app: FastifyInstance, { tooling }: ToolingRouteOptions) {
  const part = (): ToolingApi => {
    if (!tooling) throw new ApiError(404, 'NOT_FOUND', null, 'This cloud runs without the tooling part; start it with the tooling store to use these routes.');
    return tooling;
  };
  const noAsset = (id: string) => new ApiError(404, 'NOT_FOUND', 'id', `id: no asset ${JSON.stringify(id)}; GET /api/tooling/assets lists them`);
  const noMachine = (id: string) => new ApiError(404, 'NOT_FOUND', 'id', `id: no machine ${JSON.stringify(id)}; GET /api/tooling/machines lists them`);

  app.get('/api/tooling/assets', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'The tooling tree: molds (then assets outside any mold) with their sub-molds and inserts nested, each with shots and life %',
      response: { 200: { type: 'object', additionalProperties: false, required: ['assets'], properties: { assets: { type: 'array', items: s.assetNodeSchema } } }, ...errors },
    },
  }, async () => ({ assets: tooling?.tree() ?? [] }));

  app.get<{ Params: { id: string } }>('/api/tooling/assets/:id', {
    config: { permission: 'inventory.read' },
    schema: { summary: 'One tooling asset with its certificates, heat treatment, CTE, shots and life', params: assetParams, response: { 200: s.assetSchema, ...errors } },
  }, async (request) => {
    const asset = part().asset(request.params.id);
    if (!asset) throw noAsset(request.params.id);
    return asset;
  });

  app.put<{ Params: { id: string }; Body: Omit<ToolingAssetInput, 'id'> }>('/api/tooling/assets/:id', {
    config: { permission: 'tooling.manage' },
    schema: {
      summary: 'Register or change a mold, sub-mold or insert; fields left out keep their value. BOM rules are checked: unknown parent, cycles, an insert in service without a mold, warn above life',
      params: assetParams, body: s.assetBody, response: { 200: s.assetSchema, ...errors },
    },
  }, async (request) => part().putAsset({ ...request.body, id: request.params.id }, actorOf(request)));

  app.post<{ Params: { id: string }; Body: ReplaceInput }>('/api/tooling/assets/:id/replace', {
    config: { permission: 'tooling.manage' },
    schema: {
      summary: 'Replace an asset in its mold with a spare of the same kind and part, in one step: the spare takes its parent and position',
      params: assetParams, body: s.replaceBody,
      response: { 200: { type: 'object', additionalProperties: false, required: ['removed', 'installed'], properties: { removed: s.assetSchema, installed: s.assetSchema } }, ...errors },
    },
  }, async (request) => part().replace(request.params.id, request.body, actorOf(request)));

  app.get<{ Params: { id: string }; Querystring: { toleranceUmPerMK?: number } }>('/api/tooling/assets/:id/recommendation', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'What to replace the asset with: spares whose CTE matches the mother mold\'s, ranked, with the last three inspections and a maintenance window',
      params: assetParams, querystring: toleranceQuery, response: { 200: s.recommendationSchema, ...errors },
    },
  }, async (request) => part().recommendation(request.params.id, request.query.toleranceUmPerMK));

  app.post<{ Params: { id: string }; Body: InspectionInput }>('/api/tooling/assets/:id/inspections', {
    config: { permission: 'tooling.manage' },
    bodyLimit: ATTACHMENT_BODY_LIMIT,
    schema: {
      summary: `Record an inspection report with its files (${attachmentTypes.join(', ')}; base64, up to 5 MiB each)`,
      params: assetParams, body: s.inspectionBody, response: { 201: s.inspectionSchema, ...errors },
    },
  }, async (request, reply) => reply.code(201).send(part().addInspection(request.params.id, request.body, actorOf(request))));

  app.get<{ Params: { id: string }; Querystring: { limit: number } }>('/api/tooling/assets/:id/inspections', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'The asset\'s inspection reports, newest first',
      params: assetParams,
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 20, 'x-expected': 'a whole number from 1 to 100' } } },
      response: { 200: { type: 'object', additionalProperties: false, required: ['inspections'], properties: { inspections: { type: 'array', items: s.inspectionSchema } } }, ...errors },
    },
  }, async (request) => ({ inspections: part().inspections(request.params.id, request.query.limit) }));

  app.post<{ Params: { id: string }; Body: AttachmentInput & { certificate?: string | null } }>('/api/tooling/assets/:id/attachments', {
    config: { permission: 'tooling.manage' },
    bodyLimit: ATTACHMENT_BODY_LIMIT,
    schema: {
      summary: 'Attach a file to the asset or, with `certificate`, to one of its material certificates',
      params: assetParams, body: s.attachmentBody, response: { 201: s.attachmentSchema, ...errors },
    },
  }, async (request, reply) => reply.code(201).send(part().attach(request.params.id, request.body, actorOf(request))));

  app.get<{ Params: { id: number } }>('/api/tooling/attachments/:id', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Download an attachment, with its content type, as a file',
      params: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'integer', minimum: 1, 'x-expected': 'an attachment id (a whole number)' } } },
      response: { 200: { description: 'The file', content: Object.fromEntries(attachmentTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])) }, ...errors },
    },
  }, async (request, reply) => {
    const file = part().attachment(request.params.id);
    if (!file) throw new ApiError(404, 'NOT_FOUND', 'id', `id: no attachment ${request.params.id}`);
    return reply.type(file.meta.contentType).header('content-disposition', contentDisposition(file.meta.filename))
      .header('x-content-type-options', 'nosniff').send(file.data);
  });

  app.get('/api/tooling/machines', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Molding machines with their counter and mold-id tags, the mold mounted now and the feed\'s last counter sample',
      response: { 200: { type: 'object', additionalProperties: false, required: ['machines'], properties: { machines: { type: 'array', items: s.machineSchema } } }, ...errors },
    },
  }, async () => ({ machines: tooling?.machines() ?? [] }));

  app.put<{ Params: { id: string }; Body: Omit<MachineInput, 'id'> }>('/api/tooling/machines/:id', {
    config: { permission: 'tooling.manage' },
    schema: {
      summary: 'Register or change a molding machine: the Sparkplug tags of its shot counter and mold id; a changed tag starts its count over',
      params: machineParams, body: s.machineBody, response: { 200: s.machineSchema, ...errors },
    },
  }, async (request) => part().putMachine({ ...request.body, id: request.params.id }, actorOf(request)));

  app.post<{ Params: { id: string }; Body: { mold: string | null; at?: number } }>('/api/tooling/machines/:id/mount', {
    config: { permission: 'tooling.manage' },
    schema: {
      summary: 'Mount a mold on the machine (it leaves the machine it was on), or unmount with mold null',
      params: machineParams, body: s.mountBody, response: { 200: s.machineSchema, ...errors },
    },
  }, async (request) => part().mount(request.params.id, request.body.mold, actorOf(request), request.body.at));

  app.get<{ Params: { id: string } }>('/api/tooling/machines/:id/mounts', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Which mold was on the machine from when to when, newest first',
      params: machineParams,
      response: { 200: { type: 'object', additionalProperties: false, required: ['mounts'], properties: { mounts: { type: 'array', items: s.mountSchema } } }, ...errors },
    },
  }, async (request) => {
    if (!part().machine(request.params.id)) throw noMachine(request.params.id);
    return { mounts: part().mounts(request.params.id) };
  });

  app.get<{ Querystring: { toleranceUmPerMK?: number } }>('/api/tooling/warnings', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Assets in service at or past their warning threshold or life, over life first, each with its replacement recommendation',
      querystring: toleranceQuery,
      response: { 200: { type: 'object', additionalProperties: false, required: ['warnings'], properties: { warnings: { type: 'array', items: s.warningSchema } } }, ...errors },
    },
  }, async (request) => ({ warnings: tooling ? tooling.warnings(request.query.toleranceUmPerMK) : [] }));

  app.get('/api/tooling/feed', {
    config: { permission: 'inventory.read' },
    schema: { summary: 'What the shot counter feed has read and counted since the cloud started', response: { 200: s.feedSchema, ...errors } },
  }, async () => part().feedStats());
}
