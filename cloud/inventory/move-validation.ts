/**
 * The first pass over posted moves: each move on its own against the catalogue (known SKU and
 * locations, quantity form, lot and serial given exactly when the item tracks them, reason,
 * document fields). Nothing is written here; every problem is an InventoryError naming
 * `moves.<i>.<field>` and saying what to send instead. What depends on the stock (does the lot
 * exist, is the serial there, is there enough) is the posting batch's second pass.
 */
import { didYouMean } from './closest-match.ts';
import { checkBatch, checkText } from './inventory-codes.ts';
import { InventoryError } from './inventory-errors.ts';
import type { LocationKind, MoveInput, MoveReason } from './inventory-types.ts';
import { isDay } from './lot-dates.ts';
import { isValidQty } from './quantities.ts';

export interface ItemFacts { sku: string; lotTracked: boolean; serialized: boolean; lockDays: number | null }
export interface LocationFacts { code: string; kind: LocationKind; allowNegative: boolean }

export interface MoveLookups {
  item(sku: string): ItemFacts | undefined;
  location(code: string): LocationFacts | undefined;
  /** For "did you mean": every SKU and every location code. */
  skus(): string[];
  locationCodes(): string[];
}

/** A move whose fields are each valid; `lot`/`serial` are set exactly when the item tracks them. */
export interface CheckedMove {
  index: number;
  item: ItemFacts;
  from: LocationFacts;
  to: LocationFacts;
  qty: number;
  reason: MoveReason;
  lot: string | null;
  /** undefined: not given (an existing lot keeps its expiry); null: given as "does not expire". */
  expiry: string | null | undefined;
  serial: string | null;
  docType: string | null;
  docId: string | null;
  reservationId: number | null;
  effectiveAt: number;
  note: string | null;
}

/** Reasons a caller may post; 'reversal' only comes from InventoryLedger.reverse. */
export const postableReasons: readonly MoveReason[] = [
  'opening', 'receipt', 'putaway', 'transfer', 'pick', 'shipment', 'return', 'adjustment', 'count', 'scrap', 'inspection', 'release',
  'production_consume', 'production_output',
];
/** Reasons that may bring a new lot (with its expiry) into being. */
export const lotCreatingReasons: readonly MoveReason[] = ['receipt', 'opening', 'production_output'];
/** Reasons that may bring a new serial into being, from a virtual location. */
export const serialCreatingReasons: readonly MoveReason[] = ['receipt', 'opening', 'production_output'];
export const fulfillingReasons: readonly MoveReason[] = ['pick', 'shipment'];
const SERIAL_MAX = 64;

export function checkMove(move: MoveInput, index: number, lookups: MoveLookups, now: number): CheckedMove {
  const at = (field: string) => `moves.${index}.${field}`;
  if (typeof move !== 'object' || move === null || Array.isArray(move)) {
    throw new InventoryError('INVALID_INPUT', `moves.${index}`, `moves.${index}: expected a move object { sku, qty, from, to, reason, ... }`);
  }
  const item = typeof move.sku === 'string' ? lookups.item(move.sku) : undefined;
  if (!item) {
    throw new InventoryError('UNKNOWN_SKU', at('sku'), `${at('sku')}: no item "${String(move.sku)}"${didYouMean(String(move.sku), lookups.skus())}; GET /api/inventory/items lists them`);
  }
  const location = (side: 'from' | 'to'): LocationFacts => {
    const code = move[side];
    const found = typeof code === 'string' ? lookups.location(code) : undefined;
    if (!found) {
      throw new InventoryError('UNKNOWN_LOCATION', at(side), `${at(side)}: no location "${String(code)}"${didYouMean(String(code), lookups.locationCodes())}; GET /api/inventory/locations lists them`);
    }
    return found;
  };
  const from = location('from');
  const to = location('to');
  if (from.code === to.code) {
    throw new InventoryError('INVALID_INPUT', at('to'), `${at('to')}: the move leaves and enters ${from.code}; a move goes between two different locations`);
  }
  if (!postableReasons.includes(move.reason)) {
    const hint = move.reason === 'reversal' ? '; undo a move with POST /api/inventory/moves/:id/reverse' : `; expected one of ${postableReasons.join(', ')}`;
    throw new InventoryError('INVALID_INPUT', at('reason'), `${at('reason')}: ${JSON.stringify(move.reason)} cannot be posted${hint}`);
  }
  if (!isValidQty(move.qty)) {
    throw new InventoryError('INVALID_QUANTITY', at('qty'), `${at('qty')}: ${JSON.stringify(move.qty)} is not a quantity; expected a number above 0 with at most 3 decimals`);
  }
  if (item.serialized && move.qty !== 1) {
    throw new InventoryError('INVALID_QUANTITY', at('qty'), `${at('qty')}: ${item.sku} is serialized, so each move carries one unit; send qty 1 per serial`);
  }

  let lot: string | null = null;
  if (item.lotTracked) {
    if (move.lot === undefined || move.lot === null || move.lot === '') {
      throw new InventoryError('LOT_REQUIRED', at('lot'), `${at('lot')}: ${item.sku} is lot-tracked; name the lot's batch (a receipt of a new lot also gives its expiry)`);
    }
    checkBatch(move.lot, at('lot'));
    lot = move.lot;
    if (move.expiry !== undefined && move.expiry !== null && !isDay(move.expiry)) {
      throw new InventoryError('INVALID_INPUT', at('expiry'), `${at('expiry')}: ${JSON.stringify(move.expiry)} is not a date; expected YYYY-MM-DD, the lot's last day of use`);
    }
  } else {
    if (move.lot !== undefined && move.lot !== null) {
      throw new InventoryError('INVALID_INPUT', at('lot'), `${at('lot')}: ${item.sku} is not lot-tracked; leave lot out`);
    }
    if (move.expiry !== undefined && move.expiry !== null) {
      throw new InventoryError('INVALID_INPUT', at('expiry'), `${at('expiry')}: ${item.sku} is not lot-tracked, so it has no expiry; leave expiry out`);
    }
  }

  let serial: string | null = null;
  if (item.serialized) {
    if (typeof move.serial !== 'string' || move.serial.trim() === '') {
      throw new InventoryError('SERIAL_REQUIRED', at('serial'), `${at('serial')}: ${item.sku} is serialized; name the unit's serial`);
    }
    if (move.serial.length > SERIAL_MAX || move.serial.trim() !== move.serial) {
      throw new InventoryError('INVALID_INPUT', at('serial'), `${at('serial')}: expected a serial of 1 to ${SERIAL_MAX} characters without surrounding spaces`);
    }
    serial = move.serial;
  } else if (move.serial !== undefined && move.serial !== null) {
    throw new InventoryError('INVALID_INPUT', at('serial'), `${at('serial')}: ${item.sku} is not serialized; leave serial out`);
  }

  checkText(move.docType, at('docType'), 64);
  checkText(move.docId, at('docId'), 128);
  checkText(move.note, at('note'), 500);
  const reservationId = move.reservationId ?? null;
  if (reservationId !== null) {
    if (!Number.isInteger(reservationId) || reservationId <= 0) {
      throw new InventoryError('INVALID_INPUT', at('reservationId'), `${at('reservationId')}: ${JSON.stringify(reservationId)} is not a reservation id; expected a whole number above 0`);
    }
    if (!fulfillingReasons.includes(move.reason)) {
      throw new InventoryError('INVALID_INPUT', at('reservationId'), `${at('reservationId')}: a ${move.reason} does not fulfil a reservation; use reason pick or shipment, or leave reservationId out`);
    }
  }
  const effectiveAt = move.effectiveAt ?? now;
  if (!Number.isInteger(effectiveAt) || effectiveAt < 0) {
    throw new InventoryError('INVALID_INPUT', at('effectiveAt'), `${at('effectiveAt')}: ${JSON.stringify(move.effectiveAt)} is not a time; expected epoch milliseconds`);
  }
  return {
    index, item, from, to, qty: move.qty, reason: move.reason, lot, expiry: item.lotTracked ? move.expiry : undefined, serial,
    docType: move.docType ?? null, docId: move.docId ?? null, reservationId, effectiveAt, note: move.note ?? null,
  };
}
