/**
 * Forecast factors over HTTP (issue 8, items 4 and 9; docs/forecasting-api.md "Factors"): the
 * production factor set of a scope with its version history (who, when, why), and the planner's
 * sandbox: open (a copy of production), edit, compare by backtest against production on the sales
 * history, publish (reason required) or discard. Reading needs `inventory.read`, changing
 * `forecasting.manage`. Production changes only through publish: every other route writes the
 * sandbox table or nothing (factor-versions.ts), and publish is refused when production moved
 * since the sandbox was opened.
 *
 * Factor definitions are checked by the factor model's own schema (factor-model.ts), not by a
 * second copy of it in JSON Schema, so an error names the factor field (`factors.2.multiplier`).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../../../connectors/clock.ts';
import { dayOfMs, type CalendarOptions } from '../../forecasting/calendar-features.ts';
import { FactorSetError, type FactorSet } from '../../forecasting/factor-model.ts';
import { COMPARISON_LIMITS, COMPARISON_MODELS, compareFactorSets, FactorComparisonError, type ComparisonModel } from '../../forecasting/factor-sandbox-comparison.ts';
import { FactorVersionError, type FactorSandbox, type FactorVersion, type FactorVersions } from '../../forecasting/factor-versions.ts';
import type { SalesHistory } from '../../forecasting/forecasting-types.ts';
import { ApiError, apiErrorSchema } from '../api-errors.ts';

export interface ForecastFactorRouteOptions {
  factors: FactorVersions;
  salesHistory: SalesHistory;
  clock: Pick<Clock, 'now'>;
  /** Promotions and events for factors that apply on them; none without. */
  calendar?: () => CalendarOptions;
}

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema } as const;
const DAY_MS = 86_400_000;

const scopeField = { type: 'string', minLength: 1, maxLength: 120, pattern: '^\\S(.*\\S)?$', 'x-expected': 'a factor scope such as default or class:fresh' } as const;
const codeField = (expected: string) => ({ type: 'string', minLength: 1, maxLength: 64, 'x-expected': expected } as const);
const idParams = {
  type: 'object', additionalProperties: false, required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 64, 'x-expected': 'a sandbox id (POST /api/forecasting/factors/sandboxes answers it)' } },
} as const;

const factorSchema = {
  type: 'object', additionalProperties: false, required: ['kind', 'name'],
  description: 'One named factor; which fields it has depends on its kind (cloud/forecasting/factor-model.ts).',
  properties: {
    kind: { type: 'string', enum: ['spring-festival-decay', 'holiday', 'promotion-uplift', 'event-effect', 'near-expiry', 'supplier-reliability'] },
    name: { type: 'string' }, multiplier: { type: 'number' }, daysBefore: { type: 'integer' }, country: { type: 'string', enum: ['US', 'CN'] },
    holiday: { type: 'string' }, promotion: { type: 'string' }, event: { type: 'string' }, withinDays: { type: 'integer' },
    supplier: { type: 'string' }, onTimeInFullRate: { type: 'number' },
  },
} as const;
const factorSetSchema = { type: 'object', additionalProperties: false, required: ['factors'], properties: { factors: { type: 'array', items: factorSchema } } } as const;

const versionSchema = {
  type: 'object', additionalProperties: false, required: ['scope', 'version', 'factors', 'publishedBy', 'publishedAt', 'reason', 'fromSandbox'],
  properties: {
    scope: { type: 'string' }, version: { type: 'integer' }, factors: factorSetSchema, publishedBy: { type: 'string' },
    publishedAt: { type: 'integer', description: 'Epoch ms.' }, reason: { type: 'string' }, fromSandbox: { type: ['string', 'null'] },
  },
} as const;

const sandboxSchema = {
  type: 'object', additionalProperties: false,
  required: ['id', 'scope', 'basedOnVersion', 'factors', 'note', 'createdBy', 'createdAt', 'updatedBy', 'updatedAt', 'stale'],
  properties: {
    id: { type: 'string' }, scope: { type: 'string' }, basedOnVersion: { type: ['integer', 'null'] }, factors: factorSetSchema, note: { type: ['string', 'null'] },
    createdBy: { type: 'string' }, createdAt: { type: 'integer' }, updatedBy: { type: 'string' }, updatedAt: { type: 'integer' },
    stale: { type: 'boolean', description: 'Production moved since the sandbox was opened: publishing it is refused.' },
  },
} as const;

const nullableNumber = { type: ['number', 'null'] } as const;
const figuresSchema = { type: 'object', additionalProperties: false, required: ['wape', 'mape'], properties: { wape: nullableNumber, mape: nullableNumber } } as const;
const errorComparisonSchema = {
  type: 'object', additionalProperties: false, required: ['days', 'production', 'sandbox', 'change'],
  properties: { days: { type: 'integer' }, production: figuresSchema, sandbox: figuresSchema, change: { ...figuresSchema, description: 'Sandbox minus production; negative: the sandbox erred less.' } },
} as const;

const comparisonSchema = {
  type: 'object', additionalProperties: false,
  required: ['sandbox', 'scope', 'productionVersion', 'stale', 'model', 'weeks', 'horizonDays', 'from', 'to', 'overall', 'changed', 'sandboxIsBetter', 'series', 'skipped', 'censoredDaysSkipped', 'days'],
  properties: {
    sandbox: { type: 'string' }, scope: { type: 'string' }, productionVersion: { type: ['integer', 'null'] }, stale: { type: 'boolean' },
    model: { type: 'string' }, weeks: { type: 'integer' }, horizonDays: { type: 'integer' }, from: { type: 'string' }, to: { type: 'string' },
    overall: errorComparisonSchema,
    changed: { ...errorComparisonSchema, description: 'Only the series-days whose forecast the edit changes.' },
    sandboxIsBetter: { type: 'boolean' },
    series: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: ['sku', 'location', 'days', 'production', 'sandbox', 'change', 'changedDays'],
        properties: { sku: { type: 'string' }, location: { type: 'string' }, days: { type: 'integer' }, production: figuresSchema, sandbox: figuresSchema, change: figuresSchema, changedDays: { type: 'integer' } },
      },
    },
    skipped: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['sku', 'location', 'reason'], properties: { sku: { type: 'string' }, location: { type: 'string' }, reason: { type: 'string' } } },
    },
    censoredDaysSkipped: { type: 'integer' },
    days: {
      type: 'array', description: 'Per day, summed over the series: for the plot.',
      items: {
        type: 'object', additionalProperties: false, required: ['day', 'actual', 'baseline', 'production', 'sandbox', 'difference', 'changed'],
        properties: {
          day: { type: 'string' }, actual: { type: 'number' }, baseline: { type: 'number' }, production: { type: 'number' }, sandbox: { type: 'number' },
          difference: { type: 'number' }, changed: { type: 'boolean' },
        },
      },
    },
  },
} as const;

const actorOf = (request: FastifyRequest) => request.principal!.account.username;

/** Runs a factor store call, answering its refusals as API errors. */
function run<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof FactorSetError) {
      const problems = error.problems.map((problem) => {
        const colon = problem.indexOf(': ');
        return { path: colon > 0 ? problem.slice(0, colon) : '(factor set)', message: problem };
      });
      throw new ApiError(400, 'INVALID_VALUE', problems[0]?.path ?? null, error.message, problems);
    }
    if (error instanceof FactorVersionError) {
      if (error.code === 'UNKNOWN_SANDBOX') throw new ApiError(404, 'NOT_FOUND', 'id', `${error.message} (GET /api/forecasting/factors lists the open sandboxes)`);
      if (error.code === 'STALE_SANDBOX') throw new ApiError(409, 'CONFLICT', 'id', error.message);
      throw new ApiError(400, 'INVALID_INPUT', error.field ?? null, error.message);
    }
    throw error;
  }
}

export async function forecastFactorRoutes(app: FastifyInstance, { factors, salesHistory, clock, calendar }: ForecastFactorRouteOptions) {
  const productionVersion = (scope: string) => factors.production(scope)?.version ?? null;
  const sandboxView = (sandbox: FactorSandbox) => ({ ...sandbox, stale: productionVersion(sandbox.scope) !== sandbox.basedOnVersion });
  const requireSandbox = (id: string): FactorSandbox => {
    const sandbox = factors.sandbox(id);
    if (sandbox === undefined) throw new ApiError(404, 'NOT_FOUND', 'id', `id: no open sandbox ${JSON.stringify(id)} (published or discarded sandboxes are gone); GET /api/forecasting/factors lists the open ones`);
    return sandbox;
  };

  app.get<{ Querystring: { scope: string } }>('/api/forecasting/factors', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'The production factor set of a scope, every published version (who, when, why) and the open sandboxes',
      querystring: { type: 'object', additionalProperties: false, properties: { scope: { ...scopeField, default: 'default' } } },
      response: {
        200: {
          type: 'object', additionalProperties: false, required: ['scope', 'production', 'history', 'sandboxes'],
          properties: {
            scope: { type: 'string' },
            production: { anyOf: [versionSchema, { type: 'null' }], description: 'The newest version; null before the first publish (no factors apply).' },
            history: { type: 'array', items: versionSchema, description: 'Newest first.' },
            sandboxes: { type: 'array', items: sandboxSchema },
          },
        },
        ...errors,
      },
    },
  }, async (request) => {
    const { scope } = request.query;
    return { scope, production: factors.production(scope) ?? null, history: factors.history(scope), sandboxes: factors.sandboxes(scope).map(sandboxView) };
  });

  app.post<{ Body: { scope?: string; note?: string } }>('/api/forecasting/factors/sandboxes', {
    config: { permission: 'forecasting.manage' },
    schema: {
      summary: 'Open a sandbox: an editable copy of the scope\'s production factor set (production is untouched)',
      body: {
        type: 'object', additionalProperties: false,
        properties: { scope: { ...scopeField, default: 'default' }, note: { type: 'string', minLength: 1, maxLength: 500, 'x-expected': 'a short note on what you are trying' } },
      },
      response: { 201: sandboxSchema, ...errors },
    },
  }, async (request, reply) => {
    const body = request.body ?? {};
    const sandbox = run(() => factors.openSandbox({ scope: body.scope ?? 'default', actor: actorOf(request), ...(body.note === undefined ? {} : { note: body.note }) }));
    return reply.code(201).send(sandboxView(sandbox));
  });

  app.get<{ Params: { id: string } }>('/api/forecasting/factors/sandboxes/:id', {
    config: { permission: 'inventory.read' },
    schema: { summary: 'One open sandbox', params: idParams, response: { 200: sandboxSchema, ...errors } },
  }, async (request) => sandboxView(requireSandbox(request.params.id)));

  app.put<{ Params: { id: string }; Body: { factors: unknown[] } }>('/api/forecasting/factors/sandboxes/:id', {
    config: { permission: 'forecasting.manage' },
    schema: {
      summary: 'Replace the sandbox\'s factors (checked as a whole: every problem named by its field, e.g. factors.2.multiplier; nothing changes on a refusal)',
      params: idParams,
      body: {
        type: 'object', additionalProperties: false, required: ['factors'],
        properties: { factors: { type: 'array', maxItems: 200, items: { type: 'object' }, 'x-expected': 'a list of factors, each { kind, name, ... } (docs/forecasting-api.md "Factors")' } },
      },
      response: { 200: sandboxSchema, ...errors },
    },
  }, async (request) => sandboxView(run(() => factors.editSandbox(request.params.id, { factors: request.body, actor: actorOf(request) }))));

  app.post<{ Params: { id: string }; Body: { weeks?: number; horizonDays?: number; model?: ComparisonModel; sku?: string; location?: string } }>(
    '/api/forecasting/factors/sandboxes/:id/compare',
    {
      config: { permission: 'forecasting.manage' },
      schema: {
        summary: 'Backtest the sandbox against production on the sales history: the same baseline forecasts with each factor set, WAPE and MAPE overall and on the days the edit changes, per-day differences',
        params: idParams,
        body: {
          type: 'object', additionalProperties: false,
          properties: {
            weeks: { type: 'integer', minimum: 1, maximum: COMPARISON_LIMITS.maxWeeks, 'x-expected': `the weeks before yesterday to forecast again, 1 to ${COMPARISON_LIMITS.maxWeeks} (default 12)` },
            horizonDays: { type: 'integer', minimum: 1, maximum: COMPARISON_LIMITS.maxHorizonDays, 'x-expected': `days each rolling origin forecasts, 1 to ${COMPARISON_LIMITS.maxHorizonDays} (default 7)` },
            model: { type: 'string', enum: [...COMPARISON_MODELS], 'x-expected': `the baseline model: ${COMPARISON_MODELS.join(' or ')} (default snaive)` },
            sku: codeField('a SKU such as MILK-1L: only its series'),
            location: codeField('a location code such as WH1: only its series'),
          },
        },
        response: { 200: comparisonSchema, ...errors },
      },
    },
    async (request) => {
      const sandbox = requireSandbox(request.params.id);
      const production = factors.production(sandbox.scope);
      const empty: FactorSet = { factors: [] };
      const body = request.body ?? {};
      try {
        const result = await compareFactorSets(salesHistory, production?.factors ?? empty, sandbox.factors, {
          ...body,
          to: dayOfMs(clock.now() - DAY_MS),
          ...(calendar === undefined ? {} : { calendar: calendar() }),
        });
        return { sandbox: sandbox.id, scope: sandbox.scope, productionVersion: production?.version ?? null, stale: (production?.version ?? null) !== sandbox.basedOnVersion, ...result };
      } catch (error) {
        if (error instanceof FactorComparisonError) throw new ApiError(400, 'INVALID_VALUE', error.field, error.message);
        throw error;
      }
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>('/api/forecasting/factors/sandboxes/:id/publish', {
    config: { permission: 'forecasting.manage' },
    schema: {
      summary: 'Publish the sandbox as the scope\'s next production version (refused with 409 when production moved since it was opened)',
      params: idParams,
      body: {
        type: 'object', additionalProperties: false, required: ['reason'],
        properties: { reason: { type: 'string', minLength: 1, maxLength: 1000, 'x-expected': 'why the factors change, for the version history (e.g. the backtest\'s WAPE before and after)' } },
      },
      response: { 200: versionSchema, ...errors },
    },
  }, async (request): Promise<FactorVersion> => run(() => factors.publish(request.params.id, { actor: actorOf(request), reason: request.body.reason })));

  app.delete<{ Params: { id: string } }>('/api/forecasting/factors/sandboxes/:id', {
    config: { permission: 'forecasting.manage' },
    schema: { summary: 'Discard the sandbox unpublished', params: idParams, response: { 204: { type: 'null' }, ...errors } },
  }, async (request, reply) => {
    run(() => factors.discardSandbox(request.params.id));
    return reply.code(204).send();
  });
}
