/**
 * What every CredentialVerifier must do for gateway logins (STYLE.md rule 4: a seam with two
 * implementations has one shared suite). Call it from the implementation's own test file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CredentialVerifier } from './broker-account.ts';
import type { GatewaySeed } from './gateway-credentials.ts';

export interface CredentialVerifierHarness {
  /** A verifier that knows exactly these gateways. */
  open(gateways: readonly GatewaySeed[]): Promise<CredentialVerifier>;
  close(): void;
}

const gateways: GatewaySeed[] = [
  { username: 'gw-01', password: 's3cret-gw', group: 'plant', edge: 'edge-01' },
  { username: 'gw-02', password: 'other-pass', group: 'plant', edge: 'edge-02' },
];

export function describeCredentialVerifierConformance(name: string, createHarness: () => CredentialVerifierHarness): void {
  describe(`${name} (credential verifier conformance)`, () => {
    let harness: CredentialVerifierHarness | undefined;
    afterEach(() => {
      harness?.close();
      harness = undefined;
    });
    const open = () => (harness = createHarness()).open(gateways);

    it('returns the gateway account, with its group and edge, for the right password', async () => {
      const verifier = await open();
      expect(await verifier.verify('gw-01', Buffer.from('s3cret-gw'))).toEqual({ role: 'gateway', username: 'gw-01', group: 'plant', edge: 'edge-01' });
      expect(await verifier.verify('gw-02', Buffer.from('other-pass'))).toMatchObject({ username: 'gw-02', edge: 'edge-02' });
    });

    it("refuses a wrong password, another gateway's password, an unknown user and missing parts", async () => {
      const verifier = await open();
      for (const [username, password] of [
        ['gw-01', 's3cret-gw!'], ['gw-01', 'other-pass'], ['gw-01', ''], ['nobody', 's3cret-gw'], ['', ''], ['GW-01', 's3cret-gw'],
      ] as const) expect(await verifier.verify(username, Buffer.from(password)), `${username}/${password}`).toBeUndefined();
      expect(await verifier.verify('gw-01', undefined)).toBeUndefined();
      expect(await verifier.verify(undefined, Buffer.from('s3cret-gw'))).toBeUndefined();
    });

    it('refuses an over-long password without trouble', async () => {
      const verifier = await open();
      expect(await verifier.verify('gw-01', Buffer.alloc(1024 * 1024, 'a'))).toBeUndefined();
    });
  });
}
