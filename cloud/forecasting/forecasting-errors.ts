/**
 * The forecasting service's refusals, one catalogue with stable codes (the web routes map them to
 * HTTP as they are): each names the field at fault and what to do.
 */
import { PartRefusal, type RefusalAnswer } from '../part-refusal.ts';

export const forecastingErrorCodes = {
  CONFLICT: 'The request clashes with what is running or stored (a job of that kind runs, a review is closed).',
  NOT_FOUND: 'Nothing with that id or key.',
  INVALID_INPUT: 'A field has a value the forecasting service cannot use.',
} as const;
export type ForecastingErrorCode = keyof typeof forecastingErrorCodes;

const answers: Record<ForecastingErrorCode, RefusalAnswer> = {
  CONFLICT: { status: 409, api: 'CONFLICT' }, NOT_FOUND: { status: 404, api: 'NOT_FOUND' }, INVALID_INPUT: { status: 400, api: 'INVALID_INPUT' },
};

export class ForecastingError extends PartRefusal<ForecastingErrorCode> {
  override readonly name = 'ForecastingError';
  constructor(code: ForecastingErrorCode, message: string, field: string | null = null) {
    super(code, field, message);
  }

  get answer(): RefusalAnswer { return answers[this.code]; }
}
