/**
 * A part's refusal (tooling, the production schedule, replenishment, forecasting): a stable code
 * from the part's own catalogue, the input at fault and a message naming the fix; nothing has
 * changed when one is thrown. Each code says which API catalogue code and HTTP status answer it,
 * so the web app answers every part's refusals in one place (cloud/web/error-handler.ts) and the
 * API's error list needs no part-only entries.
 */
export interface RefusalAnswer {
  status: number;
  /** A code of the API catalogue (cloud/web/api-errors.ts). */
  api: 'NOT_FOUND' | 'INVALID_INPUT' | 'CONFLICT';
}

export abstract class PartRefusal<Code extends string> extends Error {
  constructor(readonly code: Code, readonly field: string | null, message: string) {
    super(message);
  }

  /** The status and API code the web app answers it with. */
  abstract get answer(): RefusalAnswer;
}
