/**
 * Gateways' MQTT credentials for the embedded broker, so a credential can be rotated while the
 * broker runs (cloud/broker/gateway-credentials.ts). Only scrypt hashes are stored.
 * `seed_hash` is a hash of the password the config last gave, so a restart can tell "the config
 * still says the same" (keep a rotated password) from "an operator changed it" (take the config's).
 * group/edge are not UNIQUE here: the cloud config schema refuses two gateways with one identity,
 * and a config that swaps two gateways' edges must apply in one transaction.
 */
import type { Migration } from '../migrations.ts';

export const gatewayCredentials005: Migration = {
  version: 5,
  name: 'gateway-credentials',
  up: `
    CREATE TABLE gateway_credential (
      username TEXT PRIMARY KEY,
      grp TEXT NOT NULL,
      edge TEXT NOT NULL,
      password_hash TEXT NOT NULL,
      seed_hash TEXT NOT NULL,
      updated_at INTEGER NOT NULL,
      rotated_at INTEGER
    ) STRICT;
  `,
};
