import { describe, expect, it } from 'vitest';
import { dummyHash, hashPassword, MAX_PASSWORD_LENGTH, needsRehash, SCRYPT_PARAMETERS, verifyPassword } from './password-hash.ts';

describe('password hashing (scrypt)', () => {
  it('verifies the right password and refuses a wrong one, with the production parameters in the stored form', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
    expect(needsRehash(stored)).toBe(false);
  }, 10_000);

  it('salts every hash: the same password twice gives two different hashes', async () => {
    const [a, b] = await Promise.all([hashPassword('same', { N: 1024, r: 8, p: 1 }), hashPassword('same', { N: 1024, r: 8, p: 1 })]);
    expect(a).not.toBe(b);
  });

  it('verifies hashes made with other parameters, and says when they are weaker than today', async () => {
    const old = await hashPassword('pw', { N: 1024, r: 8, p: 1 });
    expect(await verifyPassword('pw', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash('not a hash')).toBe(true);
  });

  it('treats the same text in two Unicode forms as one password (NFC)', async () => {
    const stored = await hashPassword('Kühlhaus-2026', { N: 1024, r: 8, p: 1 });
    expect(await verifyPassword('Ku\u0308hlhaus-2026', stored)).toBe(true);
  });

  it('refuses malformed stored values and over-long passwords without hashing them', async () => {
    const stored = await hashPassword('x', { N: 1024, r: 8, p: 1 });
    expect(await verifyPassword('x', 'scrypt$0$8$1$aa$bb')).toBe(false);
    expect(await verifyPassword('x', stored.replace(/^scrypt/, 'bcrypt'))).toBe(false);
    const started = performance.now();
    expect(await verifyPassword('x'.repeat(MAX_PASSWORD_LENGTH + 1), await hashPassword('y'))).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
  }, 10_000);

  it('takes as long to refuse a wrong password as a right one, and an unknown user as a known one (timing-safe)', async () => {
    const stored = await hashPassword('the-real-password', SCRYPT_PARAMETERS);
    const dummy = await dummyHash(SCRYPT_PARAMETERS);
    const time = async (password: string, against: string) => {
      const started = performance.now();
      await verifyPassword(password, against);
      return performance.now() - started;
    };
    const median = async (password: string, against: string) => {
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) samples.push(await time(password, against));
      return samples.sort((a, b) => a - b)[2]!;
    };
    const right = await median('the-real-password', stored);
    const wrongFirstChar = await median('Xhe-real-password', stored);
    const unknownUser = await median('whatever', dummy);
    // scrypt dominates and does not depend on where the input differs; allow for scheduler noise
    for (const other of [wrongFirstChar, unknownUser]) expect(Math.abs(other - right) / right).toBeLessThan(0.5);
  }, 30_000);
});
