/**
 * Credentials held in memory: the cloud's fresh in-process ingest credential, tests. Gateways'
 * rotatable credentials live in the store (gateway-credentials.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { BrokerAccount, BrokerCredential, CredentialVerifier } from './broker-account.ts';

function digest(text: string | Buffer): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * A constant-time check: both sides are hashed to equal-length digests and every entry is
 * compared, so neither the password length nor which user matched shows in the timing.
 */
export function staticCredentials(credentials: readonly BrokerCredential[]): CredentialVerifier {
  const known = credentials.map(({ password, ...account }) => ({
    username: digest(account.username), password: digest(password), account: Object.freeze({ ...account }) as BrokerAccount,
  }));
  return {
    async verify(username, password) {
      if (username === undefined || password === undefined) return undefined;
      const givenUser = digest(username);
      const givenPassword = digest(password);
      let found: BrokerAccount | undefined;
      for (const entry of known) {
        const userMatches = timingSafeEqual(entry.username, givenUser);
        const passwordMatches = timingSafeEqual(entry.password, givenPassword);
        if (userMatches && passwordMatches) found = entry.account;
      }
      return found;
    },
  };
}
