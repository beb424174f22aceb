/**
 * Who a broker login is. A gateway is bound to one Sparkplug edge node and gets the gateway ACL
 * (gateway-acl.ts); a service (the cloud's own in-process ingest) may publish and subscribe to
 * anything.
 */
import type { GatewayIdentity } from './gateway-acl.ts';

export type BrokerAccount =
  | ({ role: 'gateway'; username: string } & GatewayIdentity)
  | { role: 'service'; username: string };

/** An account with the password it logs in with (config, tests, the ingest's fresh credential). */
export type BrokerCredential = BrokerAccount & { password: string };

/** Checks a CONNECT's username and password; the seam between the broker and where secrets live. */
export interface CredentialVerifier {
  /** The account these credentials belong to, or undefined. Never rejects for bad input. */
  verify(username: string | undefined, password: Buffer | undefined): Promise<BrokerAccount | undefined>;
}

/** Asks each verifier in turn; the first account found wins. */
export function anyOf(...verifiers: CredentialVerifier[]): CredentialVerifier {
  return {
    async verify(username, password) {
      for (const verifier of verifiers) {
        const account = await verifier.verify(username, password);
        if (account) return account;
      }
      return undefined;
    },
  };
}
