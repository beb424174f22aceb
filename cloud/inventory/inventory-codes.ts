/**
 * The forms of the inventory's keys, checked once where records enter: SKUs, location, category
 * and channel codes travel in URL paths (/api/inventory/items/:sku), so they are plain
 * letters, digits and . _ -; a batch is a GS1 AI (10) value, as the scanners read it.
 */
import { InventoryError } from './inventory-errors.ts';

export const CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
/** GS1 General Specifications 7.11, character set 82; AI (10) holds 1 to 20 of them. */
export const BATCH_PATTERN = '^[!-"%-/0-9:-?A-Z_a-z]{1,20}$';

const codeRe = new RegExp(CODE_PATTERN);
const batchRe = new RegExp(BATCH_PATTERN);

/** Throws INVALID_INPUT naming `field` unless `value` is a code. */
export function checkCode(value: unknown, field: string, what: string): asserts value is string {
  if (typeof value !== 'string' || !codeRe.test(value)) {
    throw new InventoryError('INVALID_INPUT', field, `${field}: ${JSON.stringify(value)} is not ${what}; expected 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit`);
  }
}

export function checkBatch(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || !batchRe.test(value)) {
    throw new InventoryError('INVALID_INPUT', field, `${field}: ${JSON.stringify(value)} is not a batch; expected 1 to 20 characters of GS1 character set 82 (AI 10)`);
  }
}

/** Optional free text: a string of at most `max` characters, or null/undefined. */
export function checkText(value: unknown, field: string, max = 500): asserts value is string | null | undefined {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || value.length > max) {
    throw new InventoryError('INVALID_INPUT', field, `${field}: expected text of at most ${max} characters, or null`);
  }
}
