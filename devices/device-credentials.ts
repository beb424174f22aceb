/**
 * Device passwords (PDAs, shelf sensors) as the master data carries them: never in clear, only as
 * `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>` (config/master-data-schema.ts `passwordHash`). The
 * cloud hashes a password when it provisions a device, a seed file's clear demo password is hashed
 * when the file is loaded, and the gateway's device broker verifies a login against the hash.
 *
 * scrypt (RFC 7914) with N=16384, r=8, p=1: about 16 MiB and tens of milliseconds per check, so a
 * stolen master-data cache does not give the passwords away cheaply.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const COST = 16384;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Bounds for the parameters of a hash read back, so a forged hash cannot make a check take gigabytes. */
const MAX_COST = 1 << 20;
const MAX_BLOCK_SIZE = 32;
const MAX_PARALLELISM = 16;
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;

const HASH_FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function derive(password: string, salt: Buffer, keyBytes: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** The hash to store for `password`; `salt` only for reproducible tests (16 random bytes otherwise). */
export async function hashDevicePassword(password: string, options: { salt?: Buffer } = {}): Promise<string> {
  const salt = options.salt ?? randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, { N: COST, r: BLOCK_SIZE, p: PARALLELISM });
  return `scrypt$${COST}$${BLOCK_SIZE}$${PARALLELISM}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * Whether `password` is the one `hash` was made from. Compares in constant time; a malformed hash
 * (or one with absurd parameters) is false, never an exception: a login is refused, not crashed.
 */
export async function verifyDevicePassword(password: string, hash: string): Promise<boolean> {
  if (typeof password !== 'string' || typeof hash !== 'string') return false;
  const match = HASH_FORMAT.exec(hash);
  if (!match) return false;
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // scrypt wants N a power of two above 1 (RFC 7914 section 2).
  const sane = N > 1 && N <= MAX_COST && (N & (N - 1)) === 0 && r >= 1 && r <= MAX_BLOCK_SIZE && p >= 1 && p <= MAX_PARALLELISM;
  if (!sane) return false;
  const salt = Buffer.from(match[4]!, 'base64');
  const expected = Buffer.from(match[5]!, 'base64');
  if (salt.length === 0 || expected.length < 16 || expected.length > 64) return false;
  try {
    const actual = await derive(password, salt, expected.length, { N, r, p, maxmem: MAX_MEMORY_BYTES });
    return timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}

/** A new device password: 24 URL-safe characters (144 random bits), for provisioning. */
export function generateDevicePassword(): string {
  return randomBytes(18).toString('base64url');
}
