/** Edge events in the cloud's SQLite file (table edge_event, migration 008). */
import type { EdgeEvent } from '../../connectors/edge-link/index.ts';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import type { EdgeEventQuery, EdgeEventStore, StoredEdgeEvent } from './edge-event-store.ts';

interface Row {
  grp: string;
  edge: string;
  id: string;
  type: string;
  at: number;
  body_json: string;
  received_at: number;
}

export class SqliteEdgeEventStore implements EdgeEventStore {
  readonly #statements;

  /** `db` must have the cloud migrations applied (the telemetry store applies them). */
  constructor(db: SqliteDatabase) {
    const columns = 'grp, edge, id, type, at, body_json, received_at';
    this.#statements = {
      // The UNIQUE (grp, edge, id) constraint decides: a replayed event inserts nothing.
      insert: db.prepare(`INSERT INTO edge_event (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (grp, edge, id) DO NOTHING`),
      list: db.prepare(`SELECT ${columns} FROM edge_event WHERE grp = ? AND edge = ? ORDER BY at DESC, id DESC LIMIT ?`),
      listOfType: db.prepare(`SELECT ${columns} FROM edge_event WHERE grp = ? AND edge = ? AND type = ? ORDER BY at DESC, id DESC LIMIT ?`),
    };
  }

  add(group: string, edge: string, event: EdgeEvent, receivedAt: number): boolean {
    const body = JSON.stringify(event.body ?? null);
    return this.#statements.insert.run(group, edge, event.id, event.type, event.at, body, receivedAt).changes === 1;
  }

  list(group: string, edge: string, query: EdgeEventQuery): StoredEdgeEvent[] {
    const rows = (query.type === undefined
      ? this.#statements.list.all(group, edge, query.limit)
      : this.#statements.listOfType.all(group, edge, query.type, query.limit)) as Row[];
    return rows.map((row) => ({
      group: row.grp, edge: row.edge, id: row.id, type: row.type, at: row.at, body: JSON.parse(row.body_json) as unknown, receivedAt: row.received_at,
    }));
  }
}

/** Opens the store on the cloud's SQLite file; close() closes its connection. */
export function openEdgeEventStore(file: string): { events: SqliteEdgeEventStore; close(): void } {
  const db = openDatabase(file);
  return { events: new SqliteEdgeEventStore(db), close: () => db.close() };
}
