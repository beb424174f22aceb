/**
 * Password hashing with scrypt from Node's crypto (memory-hard, maintained in Node core, no native
 * add-on to build). Parameters N=2^15, r=8, p=3: one of OWASP's equivalent scrypt settings
 * (Password Storage Cheat Sheet), chosen over N=2^17,p=1 because each hash holds 128*N*r = 32 MiB
 * instead of 128 MiB, so the four libuv threads hashing concurrent logins stay near 128 MiB; about
 * 150 ms per hash on a 2-core server. The stored form names its parameters
 * (`scrypt$N$r$p$salt$hash`), so raising them later still verifies old hashes, and
 * `needsRehash` says when to upgrade one at the next login.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParameters {
  /** CPU/memory cost, a power of two */
  N: number;
  /** block size */
  r: number;
  /** parallelism */
  p: number;
}

export const SCRYPT_PARAMETERS: Readonly<ScryptParameters> = { N: 2 ** 15, r: 8, p: 3 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Longer passwords are refused before hashing: a megabyte password is a cheap denial of service. */
export const MAX_PASSWORD_LENGTH = 256;

function scryptAsync(password: string, salt: Buffer, { N, r, p }: ScryptParameters): Promise<Buffer> {
  const options: ScryptOptions = { N, r, p, maxmem: 2 * 128 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string, parameters: ScryptParameters = SCRYPT_PARAMETERS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(password, salt, parameters);
  return ['scrypt', parameters.N, parameters.r, parameters.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

function parse(stored: string): { parameters: ScryptParameters; salt: Buffer; key: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return undefined;
  return { parameters: { N, r, p }, salt: Buffer.from(parts[4]!, 'base64url'), key: Buffer.from(parts[5]!, 'base64url') };
}

/** True when `password` matches `stored`; compares in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed || password.length > MAX_PASSWORD_LENGTH) return false;
  const key = await scryptAsync(password, parsed.salt, parsed.parameters);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** True when `stored` was made with weaker parameters than today's. */
export function needsRehash(stored: string, parameters: ScryptParameters = SCRYPT_PARAMETERS): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.parameters.N < parameters.N || parsed.parameters.r < parameters.r || parsed.parameters.p < parameters.p;
}

const dummies = new Map<string, Promise<string>>();
/**
 * A hash to verify against when the username does not exist, so an unknown user takes as long
 * to refuse as a wrong password and response times do not reveal which usernames exist.
 */
export function dummyHash(parameters: ScryptParameters = SCRYPT_PARAMETERS): Promise<string> {
  const key = `${parameters.N}/${parameters.r}/${parameters.p}`;
  let dummy = dummies.get(key);
  if (!dummy) {
    dummy = hashPassword(randomBytes(16).toString('base64url'), parameters);
    dummies.set(key, dummy);
  }
  return dummy;
}
