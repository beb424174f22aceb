/**
 * Why the inventory core refuses something. One class, stable codes; the message says what was
 * found and what to send instead, `field` names the input at fault (`moves.2.qty`), and nothing
 * has changed when one is thrown (every write is one transaction). The web routes answer these
 * as they are (status from `inventoryErrorStatus`).
 */
export const inventoryErrorCodes = {
  UNKNOWN_SKU: 'No item with that SKU.',
  UNKNOWN_LOCATION: 'No location with that code.',
  UNKNOWN_LOT: 'The item has no lot with that batch.',
  UNKNOWN_CATEGORY: 'No category with that id.',
  UNKNOWN_RESERVATION: 'No reservation with that id.',
  UNKNOWN_MOVE: 'No move with that id.',
  UNKNOWN_CHANNEL: 'No sales channel with that id.',
  INVALID_QUANTITY: 'Quantities are positive, with at most 3 decimals (serialized items move 1).',
  INVALID_INPUT: 'A field has a value the inventory cannot use.',
  LOT_REQUIRED: 'The item is lot-tracked: name the lot.',
  SERIAL_REQUIRED: 'The item is serialized: name the serial.',
  SERIAL_CONFLICT: 'The serial is not where the move takes it from, or already exists.',
  INSUFFICIENT_STOCK: 'The move or reservation needs more than the location holds.',
  RESERVED_STOCK: 'The move would take stock that is reserved for someone else.',
  LOT_NOT_RESERVABLE: 'The lot is expired, quarantined, recalled or locked for its near expiry.',
  ALREADY_REVERSED: 'The move has been reversed already.',
  RESERVATION_CLOSED: 'The reservation is fulfilled or released.',
  CONFLICT: 'The change clashes with what exists.',
} as const;

export type InventoryErrorCode = keyof typeof inventoryErrorCodes;

const statusOf: Record<InventoryErrorCode, number> = {
  UNKNOWN_SKU: 400, UNKNOWN_LOCATION: 400, UNKNOWN_LOT: 400, UNKNOWN_CATEGORY: 400, UNKNOWN_RESERVATION: 404,
  UNKNOWN_MOVE: 404, UNKNOWN_CHANNEL: 400, INVALID_QUANTITY: 400, INVALID_INPUT: 400, LOT_REQUIRED: 400, SERIAL_REQUIRED: 400,
  SERIAL_CONFLICT: 409, INSUFFICIENT_STOCK: 409, RESERVED_STOCK: 409, LOT_NOT_RESERVABLE: 409, ALREADY_REVERSED: 409,
  RESERVATION_CLOSED: 409, CONFLICT: 409,
};

export class InventoryError extends Error {
  constructor(readonly code: InventoryErrorCode, readonly field: string | null, message: string) {
    super(message);
    this.name = 'InventoryError';
  }
}

/** The HTTP status a route answers an InventoryError with. */
export const inventoryErrorStatus = (error: InventoryError): number => statusOf[error.code];
