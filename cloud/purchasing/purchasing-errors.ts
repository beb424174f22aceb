/**
 * Why purchasing refuses something about a purchase order: a stable code, the input at fault
 * (`ref`, `reason`, `sku`, `purchaseOrder`) and a message saying what was found and what to send;
 * nothing has changed when one is thrown. Answered by the web app's error handler through
 * PartRefusal with the API catalogue's code and status given here.
 */
import { PartRefusal, type RefusalAnswer } from '../part-refusal.ts';

export const purchasingErrorCodes = {
  UNKNOWN_PURCHASE_ORDER: { status: 404, api: 'NOT_FOUND', text: 'No purchase order with that reference.' },
  INVALID_INPUT: { status: 400, api: 'INVALID_INPUT', text: 'A field has a value purchasing cannot use.' },
  CONFLICT: { status: 409, api: 'CONFLICT', text: 'The change clashes with the purchase order as it stands.' },
} as const;

export type PurchasingErrorCode = keyof typeof purchasingErrorCodes;

export class PurchasingError extends PartRefusal<PurchasingErrorCode> {
  override readonly name = 'PurchasingError';
  get answer(): RefusalAnswer { return purchasingErrorCodes[this.code]; }
}
