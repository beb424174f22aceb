/**
 * Random secrets and their stored form. Session ids and token secrets carry 256 bits of
 * randomness, so SHA-256 suffices to store them (nothing to brute-force, unlike a password); a
 * stolen database holds no usable credential.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SECRET_BYTES = 32;

/** 256 random bits, base64url. */
export const randomSecret = (): string => randomBytes(SECRET_BYTES).toString('base64url');

export const digest = (secret: string): string => createHash('sha256').update(secret).digest('base64url');

/** Constant-time comparison of two strings of any length. */
export function sameSecret(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}
