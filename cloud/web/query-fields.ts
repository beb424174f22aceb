/**
 * Query-string field schemas shared by the routes. `x-expected` says what a client should send;
 * the error handler quotes it, and the OpenAPI document carries it (x- keys are allowed there).
 */
import { TIME_INSTANT_EXPECTED, isTimeInstant } from './time-instant.ts';

/** The vocabulary the route schemas use beyond plain JSON Schema; given to Fastify's Ajv. */
export function addQueryVocabulary(ajv: {
  addFormat(name: string, format: (text: string) => boolean): unknown;
  addKeyword(keyword: string): unknown;
}): void {
  ajv.addFormat('time-instant', isTimeInstant);
  ajv.addKeyword('x-expected'); // an annotation: no validation of its own
  ajv.addKeyword('x-secret'); // an annotation: the error handler never quotes this field's value
}

const MAX_NAME_LENGTH = 256;

/** A Sparkplug name (group, edge node, device, metric), matched exactly. */
export function nameField(description: string, expected: string) {
  return { type: 'string', minLength: 1, maxLength: MAX_NAME_LENGTH, description, 'x-expected': expected } as const;
}

export const groupField = nameField('Site: the Sparkplug group id.', 'a Sparkplug group id as listed by GET /api/telemetry/latest');
export const edgeField = nameField('Gateway: the Sparkplug edge node id.', 'a gateway (Sparkplug edge node id) as listed by GET /api/telemetry/latest');
export const deviceField = nameField('Device under the gateway.', 'a device name as listed by GET /api/telemetry/latest');
export const tagField = nameField('Tag: the Sparkplug metric name.', 'a tag (metric) name as listed by GET /api/telemetry/latest');

export function timeField(description: string) {
  return { type: 'string', format: 'time-instant', description, 'x-expected': TIME_INSTANT_EXPECTED } as const;
}

export const MAX_HISTORY_LIMIT = 100_000;
export const limitField = {
  type: 'integer',
  minimum: 1,
  maximum: MAX_HISTORY_LIMIT,
  description: 'Most points to return; the newest are kept.',
  'x-expected': `a whole number from 1 to ${MAX_HISTORY_LIMIT}`,
} as const;

/**
 * JSON has no NaN or Infinity (a float sensor can report them, and the store keeps NaN): they
 * go out as null rather than failing the whole answer.
 */
export function jsonSafeValue<T>(value: T): T | null {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/** Telemetry values: what a Sparkplug metric can carry once decoded. */
export const telemetryValueSchema = { type: ['number', 'boolean', 'string', 'null'] } as const;
export const qualitySchema = { type: 'string', enum: ['good', 'uncertain', 'bad'] } as const;
/** Why a reading is not good: a stable code from the gateway's connector error catalogue. */
export const errorCodeSchema = {
  type: ['string', 'null'],
  description: 'Why the reading is not good: a stable code such as LINK_DOWN, TIMEOUT or DEVICE_EXCEPTION. '
    + 'null when the quality is good or the gateway gave no reason.',
} as const;
