/**
 * scrypt hashes for broker credentials, stored as `scrypt$N$r$p$salt$key` so the parameters can
 * rise later and old hashes still verify. N=2^14, r=8, p=1 (16 MiB, about 50 ms here): every
 * gateway reconnecting after a broker restart pays one hash, and a rotated credential is 192
 * random bits, so the cost guards the config-given passwords that people choose.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

export const GATEWAY_SCRYPT_COST: Readonly<ScryptCost> = { N: 2 ** 14, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Longer secrets are refused before hashing: a megabyte password is a cheap denial of service. */
export const MAX_SECRET_BYTES = 256;

function derive(secret: Buffer, salt: Buffer, { N, r, p }: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_BYTES, { N, r, p, maxmem: 2 * 128 * N * r + 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashSecret(secret: string | Buffer, cost: ScryptCost = GATEWAY_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(Buffer.from(secret), salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** False for a wrong secret, an over-long one or a stored value that is not a hash of ours. */
export async function verifySecret(secret: string | Buffer, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64url');
  const expected = Buffer.from(parts[5], 'base64url');
  const given = Buffer.from(secret);
  if (given.length > MAX_SECRET_BYTES || expected.length !== KEY_BYTES) return false;
  const key = await derive(given, salt, { N, r, p });
  return timingSafeEqual(key, expected);
}
