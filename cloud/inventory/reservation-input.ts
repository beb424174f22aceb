/**
 * A reservation request checked on its own, before any stock is read: field types and forms,
 * the kind, the quantity (positive, at most 3 decimals), text lengths. What depends on the
 * catalogue and the stock (does the SKU, lot, channel exist; is there enough) is checked inside
 * the reserving transaction. Every problem is an InventoryError naming the field and the fix.
 */
import { checkBatch, checkCode, checkText } from './inventory-codes.ts';
import { InventoryError } from './inventory-errors.ts';
import type { PostOptions, ReservationInput, ReservationKind, ReservationStatus } from './inventory-types.ts';
import { isValidQty } from './quantities.ts';

export const reservationKinds: readonly ReservationKind[] = ['order', 'outbound', 'presale'];
export const reservationStatuses: readonly ReservationStatus[] = ['active', 'fulfilled', 'released'];
const REQUEST_KEY_MAX = 200;

export interface CheckedReservation {
  sku: string; kind: ReservationKind; qty: number; channel: string | null; orderRef: string | null;
  lot: string | null; location: string | null; note: string | null;
}

export function checkReservationInput(input: ReservationInput): CheckedReservation {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InventoryError('INVALID_INPUT', null, 'expected a reservation { sku, kind, qty, channel?, orderRef?, lot?, location?, note? }');
  }
  if (typeof input.sku !== 'string' || input.sku === '') {
    throw new InventoryError('UNKNOWN_SKU', 'sku', `sku: ${JSON.stringify(input.sku)} is not a SKU; GET /api/inventory/items lists them`);
  }
  if (!reservationKinds.includes(input.kind)) {
    throw new InventoryError('INVALID_INPUT', 'kind', `kind: ${JSON.stringify(input.kind)} is not a reservation kind; expected one of ${reservationKinds.join(', ')}`);
  }
  if (!isValidQty(input.qty)) {
    throw new InventoryError('INVALID_QUANTITY', 'qty', `qty: ${JSON.stringify(input.qty)} is not a quantity; expected a number above 0 with at most 3 decimals`);
  }
  const optional = <T>(value: T | null | undefined): T | null => (value === undefined || value === null || value === '' ? null : value);
  const channel = optional(input.channel);
  if (channel !== null) checkCode(channel, 'channel', 'a channel id');
  const lot = optional(input.lot);
  if (lot !== null) checkBatch(lot, 'lot');
  const location = optional(input.location);
  if (location !== null) checkCode(location, 'location', 'a location code');
  checkText(input.orderRef, 'orderRef', 128);
  checkText(input.note, 'note', 500);
  if (input.kind === 'presale') {
    if (channel === null) {
      throw new InventoryError('INVALID_INPUT', 'channel', 'channel: a presale lock is held for a sales channel; name it (GET /api/inventory/channels lists them)');
    }
    for (const [field, value] of [['lot', lot], ['location', location]] as const) {
      if (value !== null) {
        throw new InventoryError('INVALID_INPUT', field, `${field}: a presale lock is on the SKU as a whole, not on a ${field}; leave ${field} out, or reserve with kind order`);
      }
    }
  }
  return { sku: input.sku, kind: input.kind, qty: input.qty, channel, orderRef: optional(input.orderRef), lot, location, note: optional(input.note) };
}

export function checkReservationOptions(options: PostOptions): void {
  if (typeof options?.actor !== 'string' || options.actor.trim() === '' || options.actor.length > 200) {
    throw new InventoryError('INVALID_INPUT', 'actor', 'actor: expected the name of who reserves (1 to 200 characters)');
  }
  if (options.requestKey !== undefined && (typeof options.requestKey !== 'string' || options.requestKey === '' || options.requestKey.length > REQUEST_KEY_MAX)) {
    throw new InventoryError('INVALID_INPUT', 'requestKey', `requestKey: expected 1 to ${REQUEST_KEY_MAX} characters, the same on every retry of one request`);
  }
}

export function checkReservationId(id: unknown): asserts id is number {
  if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0) {
    throw new InventoryError('INVALID_INPUT', 'id', `id: ${JSON.stringify(id)} is not a reservation id; expected a whole number above 0`);
  }
}
