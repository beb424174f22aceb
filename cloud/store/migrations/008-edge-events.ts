/**
 * Edge events from gateways (cloud/events/, docs/edge-events.md): one row per event, stored once
 * per (group, edge, id), so a replay after a reconnect or a gateway's kill -9 adds nothing. `seq`
 * is the cloud's arrival order; `at` the gateway's time of the event, which the API sorts by.
 */
import type { Migration } from '../migrations.ts';

export const edgeEvents008: Migration = {
  version: 8,
  name: 'edge-events',
  up: `
    CREATE TABLE edge_event (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      grp TEXT NOT NULL,
      edge TEXT NOT NULL,
      id TEXT NOT NULL,
      type TEXT NOT NULL,
      at INTEGER NOT NULL,
      body_json TEXT NOT NULL,
      received_at INTEGER NOT NULL,
      UNIQUE (grp, edge, id)
    ) STRICT;
    CREATE INDEX edge_event_by_time ON edge_event (grp, edge, at, id);
    CREATE INDEX edge_event_by_type ON edge_event (grp, edge, type, at, id);
  `,
};
