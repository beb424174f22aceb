import { describe, expect, it } from 'vitest';
import { describeCredentialVerifierConformance } from './credential-verifier-conformance.ts';
import { staticCredentials } from './static-credentials.ts';
import { anyOf } from './broker-account.ts';

describeCredentialVerifierConformance('static credentials', () => ({
  open: async (gateways) => staticCredentials(gateways.map((gateway) => ({ role: 'gateway', ...gateway }))),
  close: () => {},
}));

describe('anyOf', () => {
  it('returns the first account any verifier knows', async () => {
    const verifier = anyOf(
      staticCredentials([{ role: 'service', username: 'cloud-ingest', password: 'fresh' }]),
      staticCredentials([{ role: 'gateway', username: 'gw', password: 'pw', group: 'g', edge: 'e' }]),
    );
    expect(await verifier.verify('cloud-ingest', Buffer.from('fresh'))).toEqual({ role: 'service', username: 'cloud-ingest' });
    expect(await verifier.verify('gw', Buffer.from('pw'))).toMatchObject({ role: 'gateway', edge: 'e' });
    expect(await verifier.verify('gw', Buffer.from('fresh'))).toBeUndefined();
  });
});
