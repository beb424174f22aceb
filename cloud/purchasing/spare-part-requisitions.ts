/**
 * Spare-part requisitions raised by process rules (a `requestSparePart` effect, e.g. the
 * electrode cap of weld gun G1 at its 1247th weld). A requisition's id is the edge event's
 * (group/edge/event id), so an event the gateway's outbox delivers again adds nothing.
 * Purchasing turns open requisitions into orders; that part is not built yet.
 */
import type { Clock } from '../../connectors/clock.ts';
import type { SqliteDatabase } from '../store/database.ts';

export interface SparePartRequisition {
  /** `<group>/<edge>/<event id>` of the rule action that raised it. */
  id: string;
  /** Glossary item id, e.g. electrode-cap. */
  item: string;
  quantity: number;
  group: string;
  edge: string;
  rule: string;
  packVersion: number;
  status: 'open';
  /** When the gateway decided (the event's time), ms since the epoch. */
  requestedAt: number;
  /** When the cloud recorded it, ms since the epoch. */
  createdAt: number;
}

export interface NewRequisition {
  eventId: string;
  group: string;
  edge: string;
  item: string;
  quantity: number;
  rule: string;
  packVersion: number;
  requestedAt: number;
}

interface Row {
  id: string; item: string; quantity: number; grp: string; edge: string; rule: string; pack_version: number; status: 'open'; requested_at: number; created_at: number;
}

export class SparePartRequisitions {
  readonly #db: SqliteDatabase;
  readonly #clock: Pick<Clock, 'now'>;

  /** `db` must have the cloud migrations applied (migration 009). */
  constructor(db: SqliteDatabase, clock: Pick<Clock, 'now'>) {
    this.#db = db;
    this.#clock = clock;
  }

  /** Records a requisition once per event; true when it was new. */
  add(entry: NewRequisition): boolean {
    const id = `${entry.group}/${entry.edge}/${entry.eventId}`;
    return this.#db.prepare(`INSERT INTO spare_part_requisition (id, item, quantity, grp, edge, rule, pack_version, status, requested_at, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) ON CONFLICT (id) DO NOTHING`)
      .run(id, entry.item, entry.quantity, entry.group, entry.edge, entry.rule, entry.packVersion, entry.requestedAt, this.#clock.now()).changes === 1;
  }

  /** Newest first. */
  list(limit = 500): SparePartRequisition[] {
    const rows = this.#db.prepare('SELECT * FROM spare_part_requisition ORDER BY requested_at DESC, id DESC LIMIT ?').all(limit) as Row[];
    return rows.map((r) => ({
      id: r.id, item: r.item, quantity: r.quantity, group: r.grp, edge: r.edge, rule: r.rule, packVersion: r.pack_version,
      status: r.status, requestedAt: r.requested_at, createdAt: r.created_at,
    }));
  }
}
