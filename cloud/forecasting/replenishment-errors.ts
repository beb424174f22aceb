/**
 * Why replenishment refuses something: a stable code, the input at fault (`leadTimeSdDays`,
 * `supplier`, `id`) and a message saying what was found and what to send; nothing has changed
 * when one is thrown (every write is one transaction). The routes answer each code with the API
 * catalogue's code and status given here, so the catalogue needs no replenishment-only entries.
 * Unknown SKUs and locations are the inventory core's own refusals (InventoryError).
 */
import { PartRefusal, type RefusalAnswer } from '../part-refusal.ts';

export const replenishmentErrorCodes = {
  UNKNOWN_SUPPLIER: { status: 404, api: 'NOT_FOUND', text: 'No supplier with that id.' },
  UNKNOWN_SOURCING: { status: 404, api: 'NOT_FOUND', text: 'No supplier is set for that SKU at that location.' },
  UNKNOWN_SUGGESTION: { status: 404, api: 'NOT_FOUND', text: 'No replenishment suggestion with that id.' },
  INVALID_INPUT: { status: 400, api: 'INVALID_INPUT', text: 'A field has a value replenishment cannot use.' },
  CONFLICT: { status: 409, api: 'CONFLICT', text: 'The change clashes with what exists.' },
} as const;

export type ReplenishmentErrorCode = keyof typeof replenishmentErrorCodes;

export class ReplenishmentError extends PartRefusal<ReplenishmentErrorCode> {
  override readonly name = 'ReplenishmentError';
  get answer(): RefusalAnswer { return replenishmentErrorCodes[this.code]; }
}

/** The common refusal: `field` has a value that cannot be used; `expected` says what to send. */
export const invalidField = (field: string, value: unknown, expected: string): ReplenishmentError =>
  new ReplenishmentError('INVALID_INPUT', field, `${field}: ${JSON.stringify(value) ?? String(value)} is not usable; expected ${expected}`);
