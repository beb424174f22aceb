/**
 * Multi-source fusion over HTTP (docs/inventory-api.md, "Fusion"): sources with their trust, the
 * semantic dictionary (a new version per save, with who and why), source reports (answered with
 * the derived figures they changed), confirmation of held reports, and each SKU's figures with
 * their lineage. Reading needs inventory.read, everything else inventory.manage. Refusals are
 * InventoryErrors answered as they are; a dictionary that does not check lists every problem.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditLog } from '../../auth/audit-log.ts';
import { DictionaryError } from '../../inventory/fusion/dictionary-error.ts';
import { bucketNames, sourceKinds, type DictionaryDefinition, type Fusion, type ReportInput, type ReportStatus, type SourceInput } from '../../inventory/fusion/fusion-types.ts';
import { ApiError, apiErrorSchema } from '../api-errors.ts';
import { originOf } from '../request-origin.ts';
import {
  codeField, dictionaryBodyProperties, dictionarySchema, figureLineageSchema, reportOutcomeSchema, reportSchema, skuFusionSchema,
  sourceSchema, versionSummarySchema,
} from './fusion-schemas.ts';

export interface FusionRouteOptions { fusion: Fusion; audit?: AuditLog }

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema } as const;
const params = (fields: Record<string, object>) => ({ type: 'object', additionalProperties: false, required: Object.keys(fields), properties: fields });
const skuParam = codeField('a SKU such as MILK-1L');
const reportIdParam = { type: 'integer', minimum: 1, 'x-expected': 'a report id (GET /api/fusion/reports)' } as const;
const FIGURE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\\.[a-z][a-z0-9_]{0,63}$';

export async function fusionRoutes(app: FastifyInstance, { fusion, audit }: FusionRouteOptions) {
  const actorOf = (request: FastifyRequest) => request.principal!.account.username;
  /** Records a change of the fusion's configuration, done or refused, when there is an audit log. */
  const audited = <T>(request: FastifyRequest, target: string, before: unknown, run: () => T): T => {
    const principal = request.principal!;
    const entry = { actor: principal.account.username, actorKind: principal.kind === 'token' ? 'token' as const : 'user' as const, ...originOf(request), action: 'masterdata.put' as const, target };
    try {
      const result = run();
      audit?.record({ ...entry, outcome: 'success', before, after: result });
      return result;
    } catch (error) {
      audit?.record({ ...entry, outcome: 'failure', before, after: { error: (error as Error).message } });
      throw error;
    }
  };
  const notFound = (what: string) => new ApiError(404, 'NOT_FOUND', 'id', what);

  app.get('/api/fusion/sources', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Fusion sources with their trust and tolerance (edgestock, the inventory core, when it is wired)',
      response: { 200: { type: 'object', additionalProperties: false, required: ['sources'], properties: { sources: { type: 'array', items: sourceSchema } } }, ...errors },
    },
  }, async () => ({ sources: fusion.sources() }));

  app.put<{ Params: { id: string }; Body: Omit<SourceInput, 'id'> }>('/api/fusion/sources/:id', {
    config: { permission: 'inventory.manage' },
    schema: {
      summary: 'Create or change a source; the deviation it may report without confirmation is max(toleranceAbs, tolerancePct% of the expected value) x trust',
      params: params({ id: codeField('a source id such as douyin') }),
      body: {
        type: 'object', additionalProperties: false, required: ['name', 'kind', 'trust'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 200, 'x-expected': 'a name of 1 to 200 characters' },
          kind: { type: 'string', enum: [...sourceKinds], 'x-expected': sourceKinds.join(', ') },
          channel: { type: ['string', 'null'], pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', 'x-expected': 'the channel it speaks for, such as douyin, or null' },
          trust: { type: 'number', minimum: 0, maximum: 1, 'x-expected': 'a number from 0 (no trust) to 1 (full trust)' },
          tolerancePct: { type: 'number', minimum: 0, maximum: 1000, 'x-expected': 'a percentage of the expected value, 0 or more (default 10)' },
          toleranceAbs: { type: 'number', minimum: 0, 'x-expected': 'a number of units, 0 or more (default 2)' },
        },
      },
      response: { 200: sourceSchema, ...errors },
    },
  }, async (request) => {
    const before = fusion.sources().find((s) => s.id === request.params.id) ?? null;
    return audited(request, `fusion/source/${request.params.id}`, before, () => fusion.putSource({ ...request.body, id: request.params.id }, actorOf(request)));
  });

  app.get('/api/fusion/dictionary', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'The semantic dictionary in use (null before the first version) and the bucket names formulas may use',
      response: {
        200: {
          type: 'object', additionalProperties: false, required: ['dictionary', 'buckets'],
          properties: { dictionary: { ...dictionarySchema, type: ['object', 'null'] }, buckets: { type: 'array', items: { type: 'string' } } },
        },
        ...errors,
      },
    },
  }, async () => ({ dictionary: fusion.dictionary() ?? null, buckets: [...bucketNames] }));

  app.put<{ Body: DictionaryDefinition & { why: string } }>('/api/fusion/dictionary', {
    config: { permission: 'inventory.manage' },
    schema: {
      summary: 'Save a new dictionary version (every formula and rule checked, all problems listed at once) and recompute every figure',
      body: {
        type: 'object', additionalProperties: false, required: ['why', 'sources', 'targets', 'arbitration'],
        properties: { why: { type: 'string', minLength: 1, maxLength: 2000, 'x-expected': 'why this version is made, 1 to 2000 characters' }, ...dictionaryBodyProperties },
      },
      response: { 200: dictionarySchema, ...errors },
    },
  }, async (request) => {
    const { why, ...definition } = request.body;
    const before = fusion.dictionary()?.version ?? null;
    return audited(request, 'fusion/dictionary', { version: before }, () => {
      try {
        return fusion.putDictionary(definition, { actor: actorOf(request), why });
      } catch (error) {
        if (error instanceof DictionaryError) throw new ApiError(400, 'INVALID_INPUT', error.field, error.message, error.problems);
        throw error;
      }
    });
  });

  app.get('/api/fusion/dictionary/versions', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Every dictionary version, newest first: who made it, when and why',
      response: { 200: { type: 'object', additionalProperties: false, required: ['versions'], properties: { versions: { type: 'array', items: versionSummarySchema } } }, ...errors },
    },
  }, async () => ({ versions: fusion.dictionaryVersions() }));

  app.get<{ Params: { version: number } }>('/api/fusion/dictionary/versions/:version', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'One dictionary version as it was saved',
      params: params({ version: { type: 'integer', minimum: 1, 'x-expected': 'a version number (GET /api/fusion/dictionary/versions)' } }),
      response: { 200: dictionarySchema, ...errors },
    },
  }, async (request) => {
    const found = fusion.dictionaryVersion(request.params.version);
    if (!found) throw new ApiError(404, 'NOT_FOUND', 'version', `no dictionary version ${request.params.version}; GET /api/fusion/dictionary/versions lists them`);
    return found;
  });

  app.post<{ Body: ReportInput }>('/api/fusion/reports', {
    config: { permission: 'inventory.manage' },
    schema: {
      summary: 'A source reports one figure for one SKU: applied at once (201, with the derived figures it changed) or held for confirmation beyond the source\'s tolerance; the same (source, messageId) again answers 200 and changes nothing',
      body: {
        type: 'object', additionalProperties: false, required: ['source', 'messageId', 'sku', 'figure', 'value'],
        properties: {
          source: codeField('a source id (GET /api/fusion/sources)'),
          messageId: { type: 'string', minLength: 1, maxLength: 200, 'x-expected': 'the source\'s message id, 1 to 200 characters' },
          sku: skuParam,
          figure: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$', 'x-expected': 'the source figure without the source, such as sellable' },
          value: { type: 'number', 'x-expected': 'a number of 0 or more' },
          raw: { type: ['string', 'null'], maxLength: 10000, 'x-expected': 'the message as received, up to 10000 characters' },
          observedAt: { type: ['integer', 'null'], minimum: 0, 'x-expected': 'when the source observed it, epoch milliseconds' },
        },
      },
      response: { 200: reportOutcomeSchema, 201: reportOutcomeSchema, ...errors },
    },
  }, async (request, reply) => {
    const outcome = fusion.report(request.body, actorOf(request));
    return reply.code(outcome.duplicate ? 200 : 201).send(outcome);
  });

  app.get<{ Querystring: { sku?: string; status?: ReportStatus; limit?: number } }>('/api/fusion/reports', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Reports newest first, e.g. status=pending for those waiting for confirmation',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          sku: skuParam,
          status: { type: 'string', enum: ['applied', 'pending', 'rejected'], 'x-expected': 'applied, pending or rejected' },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 100, 'x-expected': 'a whole number from 1 to 500' },
        },
      },
      response: { 200: { type: 'object', additionalProperties: false, required: ['reports'], properties: { reports: { type: 'array', items: reportSchema } } }, ...errors },
    },
  }, async (request) => ({ reports: fusion.reports(request.query) }));

  app.post<{ Params: { id: number } }>('/api/fusion/reports/:id/confirm', {
    config: { permission: 'inventory.manage' },
    schema: {
      summary: 'Confirm a held report: it is applied and the figures recomputed; answers the figures it changed',
      params: params({ id: reportIdParam }),
      body: { type: 'object', additionalProperties: false, properties: {} },
      response: { 200: reportOutcomeSchema, ...errors },
    },
  }, async (request) => {
    if (!fusion.reportById(request.params.id)) throw notFound(`no fusion report ${request.params.id}; GET /api/fusion/reports?status=pending lists those waiting`);
    return fusion.confirm(request.params.id, actorOf(request));
  });

  app.post<{ Params: { id: number }; Body: { reason?: string | null } }>('/api/fusion/reports/:id/reject', {
    config: { permission: 'inventory.manage' },
    schema: {
      summary: 'Reject a held report: it is kept, marked rejected, and never used',
      params: params({ id: reportIdParam }),
      body: { type: 'object', additionalProperties: false, properties: { reason: { type: ['string', 'null'], maxLength: 500, 'x-expected': 'why, up to 500 characters' } } },
      response: { 200: reportSchema, ...errors },
    },
  }, async (request) => {
    if (!fusion.reportById(request.params.id)) throw notFound(`no fusion report ${request.params.id}; GET /api/fusion/reports?status=pending lists those waiting`);
    return fusion.reject(request.params.id, actorOf(request), request.body?.reason ?? null);
  });

  app.get('/api/fusion/skus', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'SKUs the fusion can show: those reported on and those in the catalogue',
      response: { 200: { type: 'object', additionalProperties: false, required: ['skus'], properties: { skus: { type: 'array', items: { type: 'string' } } } }, ...errors },
    },
  }, async () => ({ skus: fusion.skus() }));

  app.get<{ Params: { sku: string } }>('/api/fusion/figures/:sku', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'A SKU\'s bucket cells (arbitrated), target figures with lineage, composite source figures with their check, and held reports',
      params: params({ sku: skuParam }),
      response: { 200: skuFusionSchema, ...errors },
    },
  }, async (request) => fusion.figures(request.params.sku));

  app.get<{ Params: { sku: string; figure: string }; Querystring: { at?: number } }>('/api/fusion/figures/:sku/:figure/lineage', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'One target figure\'s lineage: value, formula with the numbers filled in, dictionary version, and each input\'s report, raw message, source, trust and rule; with at=<ms>, as it stood then',
      params: params({ sku: skuParam, figure: { type: 'string', pattern: FIGURE_PATTERN, 'x-expected': 'a target figure such as erp.available' } }),
      querystring: { type: 'object', additionalProperties: false, properties: { at: { type: 'integer', minimum: 0, 'x-expected': 'epoch milliseconds' } } },
      response: { 200: figureLineageSchema, ...errors },
    },
  }, async (request) => {
    const { sku, figure } = request.params;
    const lineage = fusion.lineage(sku, figure, request.query.at);
    if (!lineage) throw new ApiError(404, 'NOT_FOUND', 'at', `${figure} of ${sku} had no value at ${request.query.at}; it was first computed later`);
    return lineage;
  });
}
