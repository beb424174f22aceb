/**
 * Quantity arithmetic of the ledger. Quantities carry at most 3 decimals (grams of a kilogram
 * item) and every stored balance is rounded to 3 decimals, so repeated float additions never
 * leave 0.30000000000000004 behind and a sum rebuilt from the moves compares exactly.
 */

export const QTY_DECIMALS = 3;
/** Differences smaller than this are float noise, not drift. */
export const QTY_EPSILON = 0.0005;
/** Far above any real stock figure; keeps sums well inside a double's exact range. */
export const MAX_QTY = 1e12;

export const roundQty = (qty: number): number => Math.round(qty * 1000) / 1000;

/** A positive, finite number with at most 3 decimals. */
export const isValidQty = (qty: unknown): qty is number =>
  typeof qty === 'number' && Number.isFinite(qty) && qty > 0 && qty <= MAX_QTY && Math.abs(qty * 1000 - Math.round(qty * 1000)) < 1e-6;

/** `12.5` or `3`: how messages show a quantity. */
export const formatQty = (qty: number): string => String(roundQty(qty));
