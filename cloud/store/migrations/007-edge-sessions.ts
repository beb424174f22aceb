/**
 * Sparkplug sessions as the cloud's host application follows them (cloud/ingest/edge-sessions.ts):
 * per edge node whether it is online, the bdSeq of its current session (an NDEATH naming another
 * bdSeq is a stale Will and changes nothing), when it was last born and last died, and what the
 * ingest counted against it; per device whether its last word was DBIRTH or DDEATH. Kept across
 * cloud restarts so the admin UI and the `stale` flag of the latest values survive them.
 */
import type { Migration } from '../migrations.ts';

export const edgeSessions007: Migration = {
  version: 7,
  name: 'edge-sessions',
  up: `
    CREATE TABLE edge_node_session (
      grp TEXT NOT NULL,
      edge TEXT NOT NULL,
      online INTEGER NOT NULL,
      bd_seq INTEGER,
      last_birth_at INTEGER,
      last_death_at INTEGER,
      births INTEGER NOT NULL,
      seq_gaps INTEGER NOT NULL,
      rebirth_requests INTEGER NOT NULL,
      rejected_frames INTEGER NOT NULL,
      stale_deaths INTEGER NOT NULL,
      PRIMARY KEY (grp, edge)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE edge_device_session (
      grp TEXT NOT NULL,
      edge TEXT NOT NULL,
      device TEXT NOT NULL,
      online INTEGER NOT NULL,
      last_birth_at INTEGER,
      last_death_at INTEGER,
      PRIMARY KEY (grp, edge, device)
    ) STRICT, WITHOUT ROWID;
  `,
};
