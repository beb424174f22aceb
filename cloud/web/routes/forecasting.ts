/**
 * The forecasting service over HTTP (issue 8, items 2, 5 and 9; docs/forecasting-api.md
 * "Service"): status, jobs with progress (train, backtest, forecast; one of a kind at a time),
 * each series' explained forecast, the latest backtest, the weekly MAPE monitor and its review
 * tasks. Reading needs `inventory.read`; starting or cancelling a job and closing a review
 * `forecasting.manage`. The service's refusals (ForecastingError) go out with their own code.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ForecastingApi } from '../../forecasting/open-forecasting.ts';
import { ApiError, apiErrorSchema } from '../api-errors.ts';

export interface ForecastingRouteOptions { forecasting: ForecastingApi }

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema } as const;
const writeErrors = { ...errors, 409: apiErrorSchema } as const;

const actorOf = (request: FastifyRequest) => request.principal!.account.username;
const nullableNumber = { type: ['number', 'null'] } as const;
const nullableInteger = { type: ['integer', 'null'] } as const;
const nullableString = { type: ['string', 'null'] } as const;
const dayString = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const codeField = (expected: string) => ({ type: 'string', minLength: 1, maxLength: 64, 'x-expected': expected } as const);
const kinds = ['train', 'backtest', 'forecast'] as const;

const jobSchema = {
  type: 'object', additionalProperties: false,
  required: ['id', 'kind', 'state', 'progress', 'message', 'startedAt', 'finishedAt', 'startedBy', 'error', 'points'],
  properties: {
    id: { type: 'integer' }, kind: { type: 'string', enum: kinds }, state: { type: 'string', enum: ['queued', 'running', 'done', 'failed', 'cancelled'] },
    progress: { type: 'number', minimum: 0, maximum: 1 }, message: { type: 'string' }, startedAt: nullableInteger, finishedAt: nullableInteger,
    startedBy: { type: 'string' }, error: nullableString,
    points: {
      type: 'array', description: 'Epoch -> validation loss for training; model-folds done -> that model\'s WAPE so far for backtests.',
      items: { type: 'object', additionalProperties: false, required: ['x', 'y'], properties: { x: { type: 'number' }, y: { type: 'number' }, label: { type: 'string' } } },
    },
  },
} as const;

const metricsSchema = { type: 'object', additionalProperties: false, required: ['mape', 'wape', 'mase'], properties: { mape: nullableNumber, wape: nullableNumber, mase: nullableNumber } } as const;
const metricsMap = { type: 'object', additionalProperties: metricsSchema } as const;

const salesDaySchema = { type: 'object', additionalProperties: false, required: ['day', 'qty', 'censored'], properties: { day: dayString, qty: { type: 'number' }, censored: { type: 'boolean' } } } as const;
const forecastDaySchema = {
  type: 'object', additionalProperties: false, required: ['day', 'baseline', 'forecast', 'lower', 'upper', 'factors'],
  properties: {
    day: dayString, baseline: { type: 'number' }, forecast: { type: 'number', description: 'baseline x every factor that applies' },
    lower: { type: 'number', description: '80% interval' }, upper: { type: 'number' },
    factors: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['name', 'kind', 'value', 'why'], properties: { name: { type: 'string' }, kind: { type: 'string' }, value: { type: 'number' }, why: { type: 'string' } } },
    },
  },
} as const;
const seriesForecastSchema = {
  type: 'object', additionalProperties: false,
  required: ['sku', 'location', 'madeAt', 'from', 'model', 'demandClass', 'why', 'factorVersion', 'history', 'days'],
  properties: {
    sku: { type: 'string' }, location: { type: 'string' }, madeAt: { type: 'integer' }, from: dayString, model: { type: 'string' }, demandClass: { type: 'string' },
    why: { type: 'string' }, factorVersion: nullableInteger, history: { type: 'array', items: salesDaySchema }, days: { type: 'array', items: forecastDaySchema },
  },
} as const;
const monitorWeekSchema = {
  type: 'object', additionalProperties: false, required: ['sku', 'location', 'week', 'mape', 'wape', 'days', 'breach'],
  properties: { sku: { type: 'string' }, location: { type: 'string' }, week: dayString, mape: nullableNumber, wape: nullableNumber, days: { type: 'integer' }, breach: { type: 'boolean' } },
} as const;
const reviewSchema = {
  type: 'object', additionalProperties: false,
  required: ['id', 'sku', 'location', 'weeks', 'mapes', 'reason', 'state', 'openedAt', 'closedAt', 'closedBy', 'note'],
  properties: {
    id: { type: 'integer' }, sku: { type: 'string' }, location: { type: 'string' }, weeks: { type: 'array', items: dayString }, mapes: { type: 'array', items: { type: 'number' } },
    reason: { type: 'string' }, state: { type: 'string', enum: ['open', 'closed'] }, openedAt: { type: 'integer' }, closedAt: nullableInteger, closedBy: nullableString, note: nullableString,
  },
} as const;
const statusSchema = {
  type: 'object', additionalProperties: false, required: ['model', 'lastRun', 'jobs'],
  properties: {
    model: {
      type: ['object', 'null'], additionalProperties: false, required: ['id', 'trainedAt', 'hiddenSize', 'epochs', 'validationLoss', 'series'],
      properties: { id: { type: 'integer' }, trainedAt: { type: 'integer' }, hiddenSize: { type: 'integer' }, epochs: { type: 'integer' }, validationLoss: { type: 'number' }, series: { type: 'integer' } },
    },
    lastRun: { type: ['object', 'null'], additionalProperties: false, required: ['madeAt', 'from', 'series'], properties: { madeAt: { type: 'integer' }, from: dayString, series: { type: 'integer' } } },
    jobs: { type: 'array', items: jobSchema, description: 'The latest 20, newest first.' },
  },
} as const;
const backtestSchema = {
  type: 'object', additionalProperties: false, required: ['madeAt', 'horizonDays', 'folds', 'models', 'pooled', 'champion', 'classes', 'vsSeasonalNaive'],
  properties: {
    madeAt: { type: 'integer' }, horizonDays: { type: 'integer' }, folds: { type: 'integer' }, models: { type: 'array', items: { type: 'string' } },
    pooled: metricsMap, champion: nullableString,
    classes: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['demandClass', 'seriesCount', 'champion', 'metrics'], properties: { demandClass: { type: 'string' }, seriesCount: { type: 'integer' }, champion: nullableString, metrics: metricsMap } },
    },
    vsSeasonalNaive: { type: 'object', additionalProperties: nullableNumber, description: 'Per model: WAPE improvement over seasonal naive in percent (negative: worse).' },
  },
} as const;
const idParams = (expected: string) => ({ type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'integer', minimum: 1, 'x-expected': expected } } } as const);

export async function forecastingRoutes(app: FastifyInstance, { forecasting }: ForecastingRouteOptions) {
  app.get('/api/forecasting/status', {
    config: { permission: 'inventory.read' },
    schema: { summary: 'The model in use, the last forecast run and the latest jobs', response: { 200: statusSchema, ...errors } },
  }, async () => forecasting.status());

  app.post<{ Body: { kind: (typeof kinds)[number] } }>('/api/forecasting/jobs', {
    config: { permission: 'forecasting.manage' },
    schema: {
      summary: 'Start a job: train the LSTM, backtest every model, or run the forecasts now (one of a kind at a time)',
      body: { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { type: 'string', enum: kinds, 'x-expected': 'train, backtest or forecast' } } },
      response: { 202: jobSchema, ...writeErrors },
    },
  }, async (request, reply) => reply.code(202).send(forecasting.startJob(request.body.kind, actorOf(request))));

  app.get<{ Params: { id: number } }>('/api/forecasting/jobs/:id', {
    config: { permission: 'inventory.read' },
    schema: { summary: 'One job and its progress (poll it)', params: idParams('a job id'), response: { 200: jobSchema, ...errors } },
  }, async (request) => {
    const job = forecasting.job(request.params.id);
    if (job === undefined) throw new ApiError(404, 'NOT_FOUND', 'id', `id: no forecasting job ${request.params.id}; GET /api/forecasting/status lists the latest`);
    return job;
  });

  app.post<{ Params: { id: number } }>('/api/forecasting/jobs/:id/cancel', {
    config: { permission: 'forecasting.manage' },
    schema: { summary: 'Ask a running job to stop (it ends cancelled); a finished job is answered as it is', params: idParams('a job id'), response: { 200: jobSchema, ...writeErrors } },
  }, async (request) => forecasting.cancelJob(request.params.id));

  app.get('/api/forecasting/series', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Every series of the latest forecast run: its demand class, model, last week\'s MAPE and open review',
      response: {
        200: {
          type: 'object', additionalProperties: false, required: ['series'],
          properties: {
            series: {
              type: 'array',
              items: {
                type: 'object', additionalProperties: false, required: ['sku', 'location', 'demandClass', 'model', 'lastWeekMape', 'openReview'],
                properties: { sku: { type: 'string' }, location: { type: 'string' }, demandClass: { type: 'string' }, model: { type: 'string' }, lastWeekMape: nullableNumber, openReview: { ...nullableInteger, description: 'The open review task\'s id, or null.' } },
              },
            },
          },
        },
        ...errors,
      },
    },
  }, async () => ({ series: forecasting.series() }));

  app.get<{ Params: { sku: string; location: string } }>('/api/forecasting/forecasts/:sku/:location', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'A series\' latest forecast: history, 14 explained days with baseline, factors and 80% interval',
      params: { type: 'object', additionalProperties: false, required: ['sku', 'location'], properties: { sku: codeField('a SKU such as MILK-1L'), location: codeField('a warehouse code such as WH1') } },
      response: { 200: seriesForecastSchema, ...errors },
    },
  }, async (request) => {
    const { sku, location } = request.params;
    const forecast = forecasting.forecast(sku, location);
    if (forecast === undefined) throw new ApiError(404, 'NOT_FOUND', 'sku', `sku: no forecast for ${sku} at ${location}; GET /api/forecasting/series lists the forecast series (run a forecast job first)`);
    return forecast;
  });

  app.get('/api/forecasting/backtest', {
    config: { permission: 'inventory.read' },
    schema: { summary: 'The latest backtest: every model\'s MAPE, WAPE and MASE, the champion per demand class, and each model against seasonal naive', response: { 200: backtestSchema, ...errors } },
  }, async () => {
    const backtest = forecasting.backtest();
    if (backtest === undefined) throw new ApiError(404, 'NOT_FOUND', null, 'No backtest yet: start one with POST /api/forecasting/jobs {"kind":"backtest"}');
    return backtest;
  });

  app.get<{ Querystring: { sku?: string; location?: string; weeks: number } }>('/api/forecasting/monitor', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Weekly MAPE and WAPE per series over the last complete ISO weeks (and * rows pooling all series when unfiltered)',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { sku: codeField('a SKU such as MILK-1L'), location: codeField('a warehouse code such as WH1'), weeks: { type: 'integer', minimum: 1, maximum: 104, default: 12, 'x-expected': 'a number of weeks from 1 to 104' } },
      },
      response: { 200: { type: 'object', additionalProperties: false, required: ['threshold', 'weeks'], properties: { threshold: { type: 'number' }, weeks: { type: 'array', items: monitorWeekSchema } } }, ...errors },
    },
  }, async (request) => forecasting.monitor(request.query));

  app.get<{ Querystring: { state?: 'open' | 'closed' } }>('/api/forecasting/reviews', {
    config: { permission: 'inventory.read' },
    schema: {
      summary: 'Review tasks the MAPE monitor opened, newest first',
      querystring: { type: 'object', additionalProperties: false, properties: { state: { type: 'string', enum: ['open', 'closed'], 'x-expected': 'open or closed' } } },
      response: { 200: { type: 'object', additionalProperties: false, required: ['reviews'], properties: { reviews: { type: 'array', items: reviewSchema } } }, ...errors },
    },
  }, async (request) => ({ reviews: forecasting.reviews(request.query.state) }));

  app.post<{ Params: { id: number }; Body: { note: string } }>('/api/forecasting/reviews/:id/close', {
    config: { permission: 'forecasting.manage' },
    schema: {
      summary: 'Close a review task with a note on what was found and done',
      params: idParams('a review task id'),
      body: { type: 'object', additionalProperties: false, required: ['note'], properties: { note: { type: 'string', minLength: 1, maxLength: 2000, 'x-expected': 'what was found and done (1-2000 characters)' } } },
      response: { 200: reviewSchema, ...writeErrors },
    },
  }, async (request) => forecasting.closeReview(request.params.id, actorOf(request), request.body.note));
}
