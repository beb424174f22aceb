/**
 * A simple production schedule (issue 7 item 6): which order runs on which molding machine, with
 * which mold, when. It exists so maintenance windows can avoid production; it is not an MES.
 * Planned and running orders on one machine never overlap, checked inside the writing
 * transaction (IMMEDIATE, so two writers cannot both pass the check). Machines and molds are
 * checked against the tooling part when it is composed in (`machineExists`, `moldExists`).
 * Every refusal names the field and changes nothing.
 */
import type { SqliteDatabase } from '../store/database.ts';
import { utcMinute } from './maintenance-window.ts';
import { ScheduleError } from './schedule-error.ts';

export const orderStatuses = ['planned', 'running', 'done', 'cancelled'] as const;
export type OrderStatus = (typeof orderStatuses)[number];
/** The statuses that occupy a machine (and that a maintenance window avoids). */
export const activeStatuses: readonly OrderStatus[] = ['planned', 'running'];

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_QTY = 1_000_000_000;
/** An order longer than this is a typo (a year instead of a day), not a plan. */
const MAX_ORDER_MS = 90 * 86_400_000;

export interface ProductionOrderInput {
  machine: string;
  /** The mold the order runs with; null or absent: whichever is mounted. */
  mold?: string | null;
  sku: string;
  qty: number;
  /** Epoch ms. */
  start: number;
  /** Epoch ms, after start (exclusive). */
  end: number;
  /** Default planned. */
  status?: OrderStatus;
  note?: string | null;
}

export interface ProductionOrder {
  id: string;
  machine: string;
  mold: string | null;
  sku: string;
  qty: number;
  start: number;
  end: number;
  status: OrderStatus;
  note: string | null;
  createdAt: number;
  updatedAt: number;
  /** Who last changed it. */
  actor: string;
}

export interface OrderQuery {
  machine?: string;
  /** Orders ending after this instant. */
  from?: number;
  /** Orders starting before this instant. */
  to?: number;
  status?: OrderStatus;
}

export interface ScheduleDeps {
  now(): number;
  /** The tooling part's machines; without it any machine id is taken. */
  machineExists?(id: string): boolean;
  /** The tooling part's molds; without it any mold id is taken. */
  moldExists?(id: string): boolean;
}

interface Row {
  id: string; machine: string; mold: string | null; sku: string; qty: number; start_at: number; end_at: number;
  status: OrderStatus; note: string | null; created_at: number; updated_at: number; actor: string;
}

const orderOf = (r: Row): ProductionOrder => ({
  id: r.id, machine: r.machine, mold: r.mold, sku: r.sku, qty: r.qty, start: r.start_at, end: r.end_at, status: r.status,
  note: r.note, createdAt: r.created_at, updatedAt: r.updated_at, actor: r.actor,
});

export class ProductionSchedule {
  readonly #db: SqliteDatabase;
  readonly #deps: ScheduleDeps;

  /** `db` must have the cloud migrations applied (migration 015). */
  constructor(db: SqliteDatabase, deps: ScheduleDeps) {
    this.#db = db;
    this.#deps = deps;
  }

  /** Orders matching the query, by start then id. */
  list(query: OrderQuery = {}): ProductionOrder[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (query.machine !== undefined) { where.push('machine = ?'); args.push(query.machine); }
    if (query.from !== undefined) { where.push('end_at > ?'); args.push(query.from); }
    if (query.to !== undefined) { where.push('start_at < ?'); args.push(query.to); }
    if (query.status !== undefined) { where.push('status = ?'); args.push(query.status); }
    const sql = `SELECT * FROM production_order ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY start_at, id`;
    return (this.#db.prepare(sql).all(...args) as Row[]).map(orderOf);
  }

  get(id: string): ProductionOrder | undefined {
    const row = this.#db.prepare('SELECT * FROM production_order WHERE id = ?').get(id) as Row | undefined;
    return row && orderOf(row);
  }

  /** The planned and running orders on `machine` that end after `from`: what a window must avoid. */
  activeOn(machine: string, from: number): ProductionOrder[] {
    const rows = this.#db.prepare(`SELECT * FROM production_order WHERE machine = ? AND end_at > ? AND status IN ('planned', 'running') ORDER BY start_at, id`).all(machine, from) as Row[];
    return rows.map(orderOf);
  }

  /** Creates the order or replaces it whole. */
  put(id: string, input: ProductionOrderInput, actor: string): { order: ProductionOrder; created: boolean } {
    this.#check(id, input);
    const status = input.status ?? 'planned';
    return this.#db.transaction(() => {
      if (activeStatuses.includes(status)) this.#checkNoOverlap(id, input);
      const now = this.#deps.now();
      const before = this.get(id);
      this.#db.prepare(`
        INSERT INTO production_order (id, machine, mold, sku, qty, start_at, end_at, status, note, created_at, updated_at, actor)
        VALUES (@id, @machine, @mold, @sku, @qty, @start, @end, @status, @note, @now, @now, @actor)
        ON CONFLICT (id) DO UPDATE SET machine = excluded.machine, mold = excluded.mold, sku = excluded.sku, qty = excluded.qty,
          start_at = excluded.start_at, end_at = excluded.end_at, status = excluded.status, note = excluded.note,
          updated_at = excluded.updated_at, actor = excluded.actor
      `).run({ id, machine: input.machine, mold: input.mold ?? null, sku: input.sku, qty: input.qty, start: input.start, end: input.end, status, note: input.note ?? null, now, actor });
      return { order: this.get(id)!, created: before === undefined };
    }).immediate();
  }

  /** Cancels the order (kept, with the reason in its note); cancelling a cancelled order changes nothing. */
  cancel(id: string, actor: string, reason?: string): ProductionOrder {
    return this.#db.transaction(() => {
      const order = this.get(id);
      if (!order) throw new ScheduleError('UNKNOWN_ORDER', 'id', `no production order "${id}"; GET /api/tooling/production-orders lists them`);
      if (order.status === 'cancelled') return order;
      if (order.status === 'done') throw new ScheduleError('CONFLICT', 'id', `production order ${id} is done; only planned or running orders can be cancelled`);
      const note = reason ? (order.note ? `${order.note}\ncancelled: ${reason}` : `cancelled: ${reason}`) : order.note;
      this.#db.prepare(`UPDATE production_order SET status = 'cancelled', note = ?, updated_at = ?, actor = ? WHERE id = ?`).run(note, this.#deps.now(), actor, id);
      return this.get(id)!;
    }).immediate();
  }

  #check(id: string, input: ProductionOrderInput): void {
    if (!ID.test(id)) throw new ScheduleError('INVALID_INPUT', 'id', `id: "${id}" is not an order number; expected 1 to 64 letters, digits, '.', '_' or '-' such as PO-2026-0017`);
    if (!ID.test(input.machine)) throw new ScheduleError('INVALID_INPUT', 'machine', `machine: "${input.machine}" is not a machine id; expected 1 to 64 letters, digits, '.', '_' or '-' such as IMM-01`);
    if (this.#deps.machineExists && !this.#deps.machineExists(input.machine)) {
      throw new ScheduleError('UNKNOWN_MACHINE', 'machine', `machine: no machine "${input.machine}"; register it first (PUT /api/tooling/machines/${input.machine}) or use one GET /api/tooling/machines lists`);
    }
    if (input.mold !== undefined && input.mold !== null) {
      if (!ID.test(input.mold)) throw new ScheduleError('INVALID_INPUT', 'mold', `mold: "${input.mold}" is not a mold id; expected 1 to 64 letters, digits, '.', '_' or '-' such as M-100`);
      if (this.#deps.moldExists && !this.#deps.moldExists(input.mold)) {
        throw new ScheduleError('UNKNOWN_MOLD', 'mold', `mold: no mold "${input.mold}" in the tooling tree; use one GET /api/tooling/assets lists, or leave mold out`);
      }
    }
    if (input.sku.trim() === '' || input.sku.length > 64) throw new ScheduleError('INVALID_INPUT', 'sku', `sku: expected the product SKU, 1 to 64 characters; got "${input.sku}"`);
    if (!Number.isInteger(input.qty) || input.qty < 1 || input.qty > MAX_QTY) {
      throw new ScheduleError('INVALID_INPUT', 'qty', `qty: expected a whole number of pieces from 1 to ${MAX_QTY}; got ${input.qty}`);
    }
    for (const field of ['start', 'end'] as const) {
      if (!Number.isSafeInteger(input[field]) || input[field] < 0) throw new ScheduleError('INVALID_INPUT', field, `${field}: expected an instant (epoch ms); got ${input[field]}`);
    }
    if (input.end <= input.start) {
      throw new ScheduleError('INVALID_INPUT', 'end', `end: ${utcMinute(input.end)} is not after start ${utcMinute(input.start)}; an order ends after it starts`);
    }
    if (input.end - input.start > MAX_ORDER_MS) {
      throw new ScheduleError('INVALID_INPUT', 'end', `end: the order would run ${Math.round((input.end - input.start) / 86_400_000)} days; split orders longer than 90 days`);
    }
    if (input.status !== undefined && !orderStatuses.includes(input.status)) {
      throw new ScheduleError('INVALID_INPUT', 'status', `status: expected one of ${orderStatuses.join(', ')}; got "${input.status}"`);
    }
  }

  #checkNoOverlap(id: string, input: ProductionOrderInput): void {
    const clash = this.#db.prepare(`
      SELECT * FROM production_order WHERE machine = ? AND id <> ? AND status IN ('planned', 'running') AND start_at < ? AND end_at > ?
      ORDER BY start_at LIMIT 1
    `).get(input.machine, id, input.end, input.start) as Row | undefined;
    if (!clash) return;
    const field = input.start < clash.start_at ? 'end' : 'start';
    const fix = field === 'end' ? `end at or before ${utcMinute(clash.start_at)}` : `start at or after ${utcMinute(clash.end_at)}`;
    throw new ScheduleError('ORDER_OVERLAP', field,
      `${field}: order ${id} (${utcMinute(input.start)} to ${utcMinute(input.end)}) overlaps order ${clash.id} (${clash.status}, ${utcMinute(clash.start_at)} to ${utcMinute(clash.end_at)}) on machine ${input.machine}; ${fix}, use another machine, or cancel ${clash.id}`);
  }
}
