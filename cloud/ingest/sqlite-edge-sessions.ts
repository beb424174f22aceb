/**
 * Edge sessions kept in the cloud's SQLite file (migrations/007-edge-sessions.ts), so the session
 * table and the `stale` flags survive a cloud restart. Statements are prepared once; each save is
 * one transaction.
 */
import type { Statement, Transaction } from 'better-sqlite3';
import type { Clock } from '../../connectors/clock.ts';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import { EdgeSessions, type EdgeDeviceSession, type EdgeNodeRecord, type EdgeNodeSession, type EdgeSessionPersistence } from './edge-sessions.ts';

interface NodeRow {
  grp: string; edge: string; online: number; bd_seq: number | null; last_birth_at: number | null; last_death_at: number | null;
  births: number; seq_gaps: number; rebirth_requests: number; rejected_frames: number; stale_deaths: number;
}
interface DeviceRow { grp: string; edge: string; device: string; online: number; last_birth_at: number | null; last_death_at: number | null }

export class SqliteEdgeSessionPersistence implements EdgeSessionPersistence {
  readonly #db: SqliteDatabase;
  readonly #upsertNode: Statement;
  readonly #upsertDevice: Statement;
  readonly #saveTx: Transaction<(node: EdgeNodeRecord, devices: readonly EdgeDeviceSession[]) => void>;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#upsertNode = db.prepare(`
      INSERT INTO edge_node_session (grp, edge, online, bd_seq, last_birth_at, last_death_at, births, seq_gaps, rebirth_requests, rejected_frames, stale_deaths)
      VALUES (@group, @edge, @online, @bdSeq, @lastBirthAt, @lastDeathAt, @births, @seqGaps, @rebirthRequests, @rejectedFrames, @staleDeaths)
      ON CONFLICT (grp, edge) DO UPDATE SET
        online = excluded.online, bd_seq = excluded.bd_seq, last_birth_at = excluded.last_birth_at,
        last_death_at = excluded.last_death_at, births = excluded.births, seq_gaps = excluded.seq_gaps,
        rebirth_requests = excluded.rebirth_requests, rejected_frames = excluded.rejected_frames, stale_deaths = excluded.stale_deaths`);
    this.#upsertDevice = db.prepare(`
      INSERT INTO edge_device_session (grp, edge, device, online, last_birth_at, last_death_at)
      VALUES (@group, @edge, @name, @online, @lastBirthAt, @lastDeathAt)
      ON CONFLICT (grp, edge, device) DO UPDATE SET
        online = excluded.online, last_birth_at = excluded.last_birth_at, last_death_at = excluded.last_death_at`);
    this.#saveTx = db.transaction((node: EdgeNodeRecord, devices: readonly EdgeDeviceSession[]) => {
      this.#upsertNode.run({ ...node, online: node.online ? 1 : 0 });
      for (const device of devices) this.#upsertDevice.run({ group: node.group, edge: node.edge, ...device, online: device.online ? 1 : 0 });
    });
  }

  load(): EdgeNodeSession[] {
    const nodes = this.#db.prepare('SELECT * FROM edge_node_session ORDER BY grp, edge').all() as NodeRow[];
    const devices = this.#db.prepare('SELECT * FROM edge_device_session ORDER BY grp, edge, device').all() as DeviceRow[];
    const sessions = new Map<string, EdgeNodeSession>(nodes.map((row) => [`${row.grp}\u0000${row.edge}`, {
      group: row.grp, edge: row.edge, online: row.online === 1, bdSeq: row.bd_seq,
      lastBirthAt: row.last_birth_at, lastDeathAt: row.last_death_at,
      births: row.births, seqGaps: row.seq_gaps, rebirthRequests: row.rebirth_requests,
      rejectedFrames: row.rejected_frames, staleDeaths: row.stale_deaths, devices: [],
    }]));
    for (const row of devices) {
      sessions.get(`${row.grp}\u0000${row.edge}`)?.devices.push({
        name: row.device, online: row.online === 1, lastBirthAt: row.last_birth_at, lastDeathAt: row.last_death_at,
      });
    }
    return [...sessions.values()];
  }

  save(node: EdgeNodeRecord, devices: readonly EdgeDeviceSession[] = []): void {
    this.#saveTx.immediate(node, devices);
  }
}

export interface OpenEdgeSessions {
  sessions: EdgeSessions;
  close(): void;
}

/** Opens (migrating as needed) the edge sessions kept in the cloud's SQLite file. */
export function openEdgeSessions(file: string, options: { clock?: Pick<Clock, 'now'> } = {}): OpenEdgeSessions {
  const db = openDatabase(file);
  try {
    migrate(db);
    const sessions = new EdgeSessions({ clock: options.clock, persistence: new SqliteEdgeSessionPersistence(db) });
    return { sessions, close: () => db.close() };
  } catch (error) {
    db.close();
    throw error;
  }
}
