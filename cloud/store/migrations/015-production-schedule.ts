/**
 * The production schedule (cloud/tooling/, issue 7): production orders per machine and mold, which
 * tooling maintenance windows must avoid.
 *
 * - `production_order`: one order makes `qty` of a product SKU on a machine, optionally with a
 *   named mold, from `start_at` to `end_at` (epoch ms, end exclusive). Planned and running orders
 *   on one machine never overlap: checked in the writing transaction (cloud/tooling/
 *   production-schedule.ts), since SQLite has no exclusion constraint. Machines and molds are
 *   the tooling part's (migration 014); they are checked by the schedule when that part is there,
 *   not by foreign keys, so the schedule works on its own.
 * - An order is never deleted: cancelling keeps it (with who and why) for the planner's history.
 */
import type { Migration } from '../migrations.ts';

export const productionSchedule015: Migration = {
  version: 15,
  name: 'production-schedule',
  up: `
    CREATE TABLE production_order (
      id TEXT PRIMARY KEY,
      machine TEXT NOT NULL,
      mold TEXT,
      sku TEXT NOT NULL,
      qty INTEGER NOT NULL CHECK (qty > 0),
      start_at INTEGER NOT NULL,
      end_at INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('planned', 'running', 'done', 'cancelled')),
      note TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      CHECK (end_at > start_at)
    ) STRICT;
    CREATE INDEX production_order_machine ON production_order(machine, start_at);
    CREATE INDEX production_order_time ON production_order(start_at);
  `,
};
