/**
 * The one place that turns failures into `{ error, field, message }`: schema validation errors
 * (named after the field, with what to send instead), ApiErrors, InventoryErrors and the other
 * parts' refusals (PartRefusal) thrown by
 * handlers, unknown routes and anything unexpected.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InventoryError, inventoryErrorStatus } from '../inventory/inventory-errors.ts';
import { PartRefusal } from '../part-refusal.ts';
import { ApiError, type ApiErrorBody, type ApiErrorCode } from './api-errors.ts';

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

interface FieldSchema {
  type?: string | string[];
  format?: string;
  'x-expected'?: string;
  /** a password or token: never quoted back in an error (it would reach the log too) */
  'x-secret'?: boolean;
}

interface PartSchema {
  properties?: Record<string, FieldSchema>;
}

const PART_NAMES: Record<string, string> = {
  querystring: 'query parameter',
  params: 'path parameter',
  body: 'body field',
  headers: 'header',
};

const TYPE_NOUNS: Record<string, string> = {
  object: 'a JSON object',
  array: 'a list',
  integer: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
};

const FORMAT_NOUNS: Record<string, string> = {
  'time-instant': 'a time',
};

/** How a value fails each keyword, phrased to follow `field: "value"`. */
const KEYWORD_PHRASES: Record<string, (error: AjvError) => string> = {
  type: (e) => `is not ${TYPE_NOUNS[String(e.params.type)] ?? String(e.params.type)}`,
  format: (e) => `is not ${FORMAT_NOUNS[String(e.params.format)] ?? `in the ${String(e.params.format)} format`}`,
  minimum: () => 'is too small',
  maximum: () => 'is too large',
  minLength: () => 'is too short',
  maxLength: () => 'is too long',
  pattern: () => 'is not valid',
  enum: () => 'is not one of the allowed values',
};

/** Fastify's own rejections of a body, said in this API's words. */
const FRAMEWORK_ERRORS: Record<string, (request: FastifyRequest) => ApiErrorBody> = {
  FST_ERR_CTP_BODY_TOO_LARGE: (request) => ({
    error: 'PAYLOAD_TOO_LARGE', field: null,
    message: `the body is larger than ${request.routeOptions.bodyLimit ?? 'the limit of'} bytes; send a smaller one`,
  }),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (request) => ({
    error: 'UNSUPPORTED_MEDIA_TYPE', field: 'content-type',
    message: `content-type ${JSON.stringify(request.headers['content-type'] ?? '')} is not accepted; send JSON with content-type: application/json`,
  }),
  FST_ERR_CTP_INVALID_JSON_BODY: () => ({ error: 'BAD_REQUEST', field: 'body', message: 'the body is not valid JSON; send a JSON object' }),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => ({ error: 'BAD_REQUEST', field: 'body', message: 'the body is empty but content-type says JSON; send a JSON object' }),
};

/** Rejected requests by error code since start, for GET /api/health. */
export type RejectionCounts = Partial<Record<ApiErrorCode, number>>;

export function installErrorHandling(app: FastifyInstance): { rejections: () => RejectionCounts } {
  const rejected: RejectionCounts = {};
  const reject = (request: FastifyRequest, reply: FastifyReply, statusCode: number, body: ApiErrorBody) => {
    rejected[body.error] = (rejected[body.error] ?? 0) + 1;
    request.log.warn({ statusCode, rejected: body }, 'request rejected');
    return reply.code(statusCode).send(body);
  };

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) return reject(request, reply, error.statusCode, error.toBody());
    // The inventory core's refusals carry their own stable code and field (api-errors.ts lists them).
    if (error instanceof InventoryError) {
      return reject(request, reply, inventoryErrorStatus(error), { error: error.code, field: error.field, message: error.message });
    }
    // Tooling, schedule, replenishment and forecasting refusals: the API code their catalogue names.
    if (error instanceof PartRefusal) {
      return reject(request, reply, error.answer.status, { error: error.answer.api, field: error.field, message: error.message });
    }
    if (error.validation) {
      const body = describeValidationError(request, error.validation as AjvError[], error.validationContext ?? 'querystring');
      return reject(request, reply, 400, body);
    }
    const statusCode = error.statusCode ?? 500;
    const framework = FRAMEWORK_ERRORS[error.code];
    if (framework) return reject(request, reply, statusCode, framework(request));
    if (statusCode < 500) {
      return reject(request, reply, statusCode, { error: 'BAD_REQUEST', field: null, message: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({
      error: 'INTERNAL',
      field: null,
      message: `The server failed on this request; the cloud log has the details under reqId ${request.id}.`,
    } satisfies ApiErrorBody);
  });

  app.setNotFoundHandler((request, reply) => reject(request, reply, 404, {
    error: 'NOT_FOUND',
    field: null,
    message: `No route ${request.method} ${request.url.split('?')[0]}; GET /api/openapi.json lists the routes.`,
  }));

  return { rejections: () => ({ ...rejected }) };
}

function describeValidationError(request: FastifyRequest, errors: AjvError[], part: string): ApiErrorBody {
  const schema = partSchema(request, part);
  const properties = schema?.properties ?? {};
  const raw = partInput(request, part);
  const isObject = typeof raw === 'object' && raw !== null && !Array.isArray(raw);
  const input = (isObject ? raw : {}) as Record<string, unknown>;
  const partName = PART_NAMES[part] ?? part;

  // Unknown keys first, all of them at once: a misspelt key often explains a "missing" one.
  const allowed = Object.keys(properties);
  const unknown = Object.keys(input).filter((key) => !Object.hasOwn(properties, key));
  if (unknown.length > 0) {
    const names = unknown.map((key) => {
      const near = closestName(key, allowed);
      return near ? `"${key}" (did you mean "${near}"?)` : `"${key}"`;
    });
    return {
      error: 'UNKNOWN_FIELD',
      field: unknown[0]!,
      message: `unknown ${partName}${unknown.length > 1 ? 's' : ''} ${names.join(', ')}; this route takes ${allowed.join(', ') || 'none'}`,
    };
  }

  const first = errors[0]!;
  if (part === 'body' && !first.instancePath && first.keyword === 'type') {
    // The body itself is missing or not an object; its value is not quoted (it may be a secret).
    const takes = allowed.length > 0 ? ` with the fields ${allowed.join(', ')}` : '';
    if (raw === undefined || raw === null) {
      return { error: 'MISSING_FIELD', field: 'body', message: `body: missing; send a JSON object${takes}, as content-type: application/json` };
    }
    const found = Array.isArray(raw) ? 'a list' : typeof raw === 'boolean' ? 'a boolean' : TYPE_NOUNS[typeof raw] ?? typeof raw;
    return { error: 'INVALID_VALUE', field: 'body', message: `body: is ${found}, not a JSON object; send a JSON object${takes}` };
  }
  // Nested body fields are named by their dotted path (matrix.auditor.1); the top-level field's
  // schema says what to send.
  const path = first.instancePath ? first.instancePath.slice(1).split('/') : [];
  const top = path[0] === undefined ? undefined : properties[path[0]];
  const expected = top?.['x-expected'];
  if (first.keyword === 'required') {
    const missing = String(first.params.missingProperty);
    const field = [...path, missing].join('.');
    const hint = path.length === 0 ? properties[missing]?.['x-expected'] : expected;
    return { error: 'MISSING_FIELD', field, message: `${field}: missing; expected ${hint ?? 'a value'}` };
  }
  if (first.keyword === 'additionalProperties' && path.length > 0) {
    const field = [...path, String(first.params.additionalProperty)].join('.');
    return { error: 'UNKNOWN_FIELD', field, message: `${field}: not a field this takes; ${path.join('.')} is ${expected ?? 'something else'}` };
  }

  const field = path.length > 0 ? path.join('.') : part === 'body' ? 'body' : '(request)';
  const value = path.length > 0 ? path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], input) : raw;
  const wanted = expected ?? first.message ?? 'a valid value';
  if (part === 'querystring' && path.length === 1 && Array.isArray(value)) {
    return { error: 'INVALID_VALUE', field, message: `${field}: given ${value.length} times; give it once, as ${wanted}` };
  }
  const phrase = KEYWORD_PHRASES[first.keyword]?.(first) ?? 'is not valid';
  const shown = top?.['x-secret'] ? '(value hidden)' : JSON.stringify(value);
  return { error: 'INVALID_VALUE', field, message: `${field}: ${shown} ${phrase}; expected ${wanted}` };
}

function partSchema(request: FastifyRequest, part: string): PartSchema | undefined {
  const schema = request.routeOptions.schema as Record<string, unknown> | undefined;
  return schema?.[part] as PartSchema | undefined;
}

function partInput(request: FastifyRequest, part: string): unknown {
  const inputs: Record<string, unknown> = {
    querystring: request.query,
    params: request.params,
    body: request.body,
    headers: request.headers,
  };
  return inputs[part];
}

/** The allowed name nearest to `key` (at most two edits away), if one is nearer than the rest. */
function closestName(key: string, allowed: string[]): string | undefined {
  const ranked = allowed
    .map((name) => ({ name, distance: editDistance(key.toLowerCase(), name.toLowerCase()) }))
    .filter(({ distance }) => distance <= 2)
    .sort((a, b) => a.distance - b.distance);
  if (ranked.length === 0 || ranked[1]?.distance === ranked[0]!.distance) return undefined;
  return ranked[0]!.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
