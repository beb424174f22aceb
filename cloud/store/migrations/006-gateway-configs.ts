/**
 * Connector configurations per gateway, as versions (cloud/rollout/gateway-configs.ts).
 * `gateway_config_version` holds every version ever pushed or first reported, never updated
 * except for its delivery status; `gateway_reported` what each gateway last said it runs.
 */
import type { Migration } from '../migrations.ts';

export const gatewayConfigs006: Migration = {
  version: 6,
  name: 'gateway-configs',
  up: `
    CREATE TABLE gateway_config_version (
      grp TEXT NOT NULL,
      edge TEXT NOT NULL,
      version INTEGER NOT NULL,
      connectors_json TEXT NOT NULL,
      author TEXT NOT NULL,
      comment TEXT,
      created_at INTEGER NOT NULL,
      -- 'reported' (taken from the gateway), 'pending', 'applied', 'failed'
      status TEXT NOT NULL,
      result_json TEXT,
      settled_at INTEGER,
      PRIMARY KEY (grp, edge, version)
    ) STRICT;
    CREATE TABLE gateway_reported (
      grp TEXT NOT NULL,
      edge TEXT NOT NULL,
      version INTEGER NOT NULL,
      source TEXT NOT NULL,
      connectors_json TEXT NOT NULL,
      reported_at INTEGER NOT NULL,
      PRIMARY KEY (grp, edge)
    ) STRICT;
  `,
};
