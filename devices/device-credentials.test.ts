import { describe, expect, it } from 'vitest';
import { passwordHash } from '../config/master-data-schema.ts';
import { generateDevicePassword, hashDevicePassword, verifyDevicePassword } from './device-credentials.ts';

describe('device credentials', () => {
  it('hashes in the master-data format and verifies the right password only', async () => {
    const hash = await hashDevicePassword('pda-01-demo');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(passwordHash.safeParse(hash).success).toBe(true);
    const [, , , , salt, key] = hash.split('$');
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
    expect(Buffer.from(key!, 'base64')).toHaveLength(32);
    expect(await verifyDevicePassword('pda-01-demo', hash)).toBe(true);
    expect(await verifyDevicePassword('pda-01-dem0', hash)).toBe(false);
    expect(await verifyDevicePassword('', hash)).toBe(false);
  });

  it('salts each hash, and a given salt reproduces the same hash', async () => {
    const salt = Buffer.alloc(16, 7);
    expect(await hashDevicePassword('same-password', { salt })).toBe(await hashDevicePassword('same-password', { salt }));
    expect(await hashDevicePassword('same-password')).not.toBe(await hashDevicePassword('same-password'));
  });

  it('answers false for a malformed or hostile hash instead of throwing', async () => {
    const good = await hashDevicePassword('sensor-b18-demo');
    const [, , , , salt, key] = good.split('$');
    const bad = [
      '', 'plain-text-password', 'bcrypt$10$abc', `scrypt$16384$8$1$${salt}`, `scrypt$16384$8$1$${salt}$`,
      `scrypt$16385$8$1$${salt}$${key}`,            // N not a power of two
      `scrypt$1073741824$8$1$${salt}$${key}`,       // N that would need gigabytes
      `scrypt$16384$0$1$${salt}$${key}`,            // r = 0
      `scrypt$16384$8$1$${salt}$AAAA`,              // a key too short to mean anything
      `scrypt$16384$8$1$${salt}$${key}x`,           // not base64
    ];
    for (const hash of bad) expect(await verifyDevicePassword('sensor-b18-demo', hash), hash).toBe(false);
    expect(await verifyDevicePassword(undefined as unknown as string, good)).toBe(false);
  });

  it('generates 24 URL-safe characters, different each time', () => {
    const passwords = new Set(Array.from({ length: 50 }, generateDevicePassword));
    expect(passwords.size).toBe(50);
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });
});
