/**
 * The forecasting service's refusals, one catalogue with stable codes (the web routes map them to
 * HTTP as they are): each names the field at fault and what to do.
 */
export const forecastingErrorCodes = {
  CONFLICT: 'The request clashes with what is running or stored (a job of that kind runs, a review is closed).',
  NOT_FOUND: 'Nothing with that id or key.',
  INVALID_INPUT: 'A field has a value the forecasting service cannot use.',
} as const;
export type ForecastingErrorCode = keyof typeof forecastingErrorCodes;

export class ForecastingError extends Error {
  constructor(readonly code: ForecastingErrorCode, message: string, readonly field: string | null = null) {
    super(message);
    this.name = 'ForecastingError';
  }
}
