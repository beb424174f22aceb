/**
 * One catalogue of the admin API's error codes. Codes are stable (clients branch on them); every
 * error body is `{ error, field, message }` and the message says what was wrong and what to send.
 */
import { inventoryErrorCodes } from '../inventory/inventory-errors.ts';

export const apiErrors = {
  // The inventory core's refusals (cloud/inventory/inventory-errors.ts) are answered as they are.
  ...inventoryErrorCodes,
  INVALID_VALUE: 'A query value has the wrong form.',
  MISSING_FIELD: 'A required query parameter is missing.',
  UNKNOWN_FIELD: 'The query has parameters this route does not take.',
  AMBIGUOUS: 'The query matches more than one thing; narrow it down.',
  NOT_FOUND: 'Nothing matches the request.',
  BAD_REQUEST: 'The request cannot be read.',
  UNAUTHENTICATED: 'No valid session or API token: log in first.',
  INVALID_CREDENTIALS: 'The username or password is wrong.',
  FORBIDDEN: 'Your role does not hold the permission this needs.',
  CSRF_TOKEN_INVALID: 'A state-changing request made with a session cookie lacks the x-csrf-token header from GET /api/session.',
  PASSWORD_CHANGE_REQUIRED: 'The account must choose a new password first (POST /api/session/password).',
  TOO_MANY_ATTEMPTS: 'Too many failed logins: wait before trying again.',
  ACCOUNT_LOCKED: 'Logins to the account are refused: locked for a while after too many failed logins (429), or by an admin until unlocked (403).',
  PAYLOAD_TOO_LARGE: 'The request body is larger than this API accepts.',
  UNSUPPORTED_MEDIA_TYPE: 'The request body must be JSON (content-type: application/json).',
  CONFLICT: 'The request clashes with what exists.',
  CONFIG_INVALID: 'The connector configuration has problems; each is listed in `problems` with its path.',
  RULES_INVALID: 'The rule pack has problems; each is listed in `problems` with its path (rules.<i>.en) and, for a rule text, line:col.',
  GATEWAY_UNKNOWN: 'No gateway with that group and edge id has reported to this cloud.',
  GATEWAY_TIMEOUT: 'The gateway did not acknowledge the command in time; it may be offline.',
  GATEWAY_REFUSED: 'The gateway acknowledged the command with an error; `message` has its code and reason.',
  INTERNAL: 'The server failed; the cloud log has the details.',
} as const;

export type ApiErrorCode = keyof typeof apiErrors;

/** The JSON body of every 4xx/5xx answer. */
export interface ApiErrorBody {
  error: ApiErrorCode;
  /** the query parameter, body field or header at fault, or null when no single field is */
  field: string | null;
  message: string;
  /** Every problem at once, for bodies with several (a connector configuration). */
  problems?: Array<{ path: string; message: string }>;
}

export const apiErrorSchema = {
  type: 'object',
  description: 'Every error answer: a stable code, the field at fault and a message naming the fix.',
  required: ['error', 'field', 'message'],
  additionalProperties: false,
  properties: {
    error: { type: 'string', enum: Object.keys(apiErrors) },
    field: { type: ['string', 'null'] },
    message: { type: 'string' },
    problems: {
      type: 'array',
      items: { type: 'object', required: ['path', 'message'], additionalProperties: false, properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
  },
} as const;

/** Thrown by handlers for input that passed the schema but still makes no sense. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly field: string | null;
  readonly statusCode: number;
  readonly problems: ApiErrorBody['problems'];
  constructor(statusCode: number, code: ApiErrorCode, field: string | null, message: string, problems?: ApiErrorBody['problems']) {
    super(message);
    this.problems = problems;
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.code = code;
    this.field = field;
  }

  toBody(): ApiErrorBody {
    return { error: this.code, field: this.field, message: this.message, ...(this.problems ? { problems: this.problems } : {}) };
  }
}
