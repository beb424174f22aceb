/**
 * The production schedule on a real SQLite file with the cloud's migrations: orders are created
 * and replaced, never overlap on one machine (also between ten processes writing at once),
 * refusals name the field and change nothing.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import { ProductionSchedule, type ProductionOrderInput } from './production-schedule.ts';
import { ScheduleError } from './schedule-error.ts';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./testing/schedule-book-worker.ts', import.meta.url));
const H = 3_600_000;
const T0 = Date.parse('2026-03-02T06:00:00Z');
const input = (fromH: number, toH: number, over: Partial<ProductionOrderInput> = {}): ProductionOrderInput => ({
  machine: 'IMM-01', mold: 'M-100', sku: 'CAP-28', qty: 12_000, start: T0 + fromH * H, end: T0 + toH * H, ...over,
});

/** The ScheduleError `run` throws, for asserting code, field and message together. */
function refusal(run: () => unknown): ScheduleError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScheduleError) return error;
    throw error;
  }
  throw new Error('expected a ScheduleError, nothing was thrown');
}

describe('ProductionSchedule', () => {
  let dir: string;
  let file: string;
  let db: SqliteDatabase;
  let now = T0;
  let schedule: ProductionSchedule;
  const machines = new Set(['IMM-01', 'IMM-02']);
  const molds = new Set(['M-100']);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-schedule-'));
    file = join(dir, 'cloud.sqlite');
    db = openDatabase(file);
    migrate(db);
    schedule = new ProductionSchedule(db, { now: () => now, machineExists: (id) => machines.has(id), moldExists: (id) => molds.has(id) });
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates an order, replaces it whole, and lists by machine and time', () => {
    const { order, created } = schedule.put('PO-1', input(0, 8), 'planner');
    expect(created).toBe(true);
    expect(order).toEqual({ id: 'PO-1', machine: 'IMM-01', mold: 'M-100', sku: 'CAP-28', qty: 12_000, start: T0, end: T0 + 8 * H, status: 'planned', note: null, createdAt: T0, updatedAt: T0, actor: 'planner' });
    now = T0 + 1000;
    const replaced = schedule.put('PO-1', input(1, 9, { status: 'running', mold: null, note: 'moved an hour' }), 'lead');
    expect(replaced.created).toBe(false);
    expect(replaced.order).toMatchObject({ start: T0 + H, end: T0 + 9 * H, status: 'running', mold: null, note: 'moved an hour', createdAt: T0, updatedAt: T0 + 1000, actor: 'lead' });
    schedule.put('PO-2', input(9, 20), 'planner');
    schedule.put('PO-3', input(0, 4, { machine: 'IMM-02' }), 'planner');
    expect(schedule.list({ machine: 'IMM-01' }).map((o) => o.id)).toEqual(['PO-1', 'PO-2']);
    expect(schedule.list({ from: T0 + 10 * H }).map((o) => o.id)).toEqual(['PO-2']);
    expect(schedule.list({ to: T0 + H }).map((o) => o.id)).toEqual(['PO-3']);
    expect(schedule.list({ status: 'running' }).map((o) => o.id)).toEqual(['PO-1']);
  });

  it('refuses an order overlapping a planned or running one on the same machine, naming the field to change', () => {
    schedule.put('PO-1', input(0, 8), 'planner');
    const late = refusal(() => schedule.put('PO-2', input(6, 12), 'planner'));
    expect([late.code, late.field]).toEqual(['ORDER_OVERLAP', 'start']);
    expect(late.message).toBe('start: order PO-2 (2026-03-02 12:00 UTC to 2026-03-02 18:00 UTC) overlaps order PO-1 (planned, 2026-03-02 06:00 UTC to 2026-03-02 14:00 UTC) '
      + 'on machine IMM-01; start at or after 2026-03-02 14:00 UTC, use another machine, or cancel PO-1');
    const early = refusal(() => schedule.put('PO-2', input(-4, 1), 'planner'));
    expect([early.code, early.field]).toEqual(['ORDER_OVERLAP', 'end']);
    expect(early.message).toContain('end at or before 2026-03-02 06:00 UTC');
    expect(schedule.list().map((o) => o.id)).toEqual(['PO-1']);
    // touching ends, another machine, a cancelled or a done order: no overlap
    schedule.put('PO-2', input(8, 12), 'planner');
    schedule.put('PO-3', input(0, 8, { machine: 'IMM-02' }), 'planner');
    schedule.cancel('PO-2', 'planner', 'customer pulled it');
    schedule.put('PO-4', input(8, 12), 'planner');
    // an order can be re-put over its own old slot
    schedule.put('PO-1', input(0, 7), 'planner');
    // a done order may be booked over what it once planned; a cancelled one may not come back over PO-4
    expect(refusal(() => schedule.put('PO-2', input(8, 12), 'planner')).code).toBe('ORDER_OVERLAP');
    expect(schedule.get('PO-2')!.status).toBe('cancelled');
  });

  it('refuses bad input naming the field, and changes nothing', () => {
    schedule.put('PO-1', input(0, 8), 'planner');
    const before = schedule.list();
    const cases: Array<[string, ProductionOrderInput, string, string, RegExp]> = [
      ['PO 2', input(10, 12), 'INVALID_INPUT', 'id', /expected 1 to 64 letters/],
      ['PO-2', input(10, 12, { machine: 'IMM-99' }), 'UNKNOWN_MACHINE', 'machine', /no machine "IMM-99"; register it first/],
      ['PO-2', input(10, 12, { mold: 'M-999' }), 'UNKNOWN_MOLD', 'mold', /no mold "M-999"/],
      ['PO-2', input(10, 12, { sku: ' ' }), 'INVALID_INPUT', 'sku', /product SKU/],
      ['PO-2', input(10, 12, { qty: 0 }), 'INVALID_INPUT', 'qty', /whole number of pieces/],
      ['PO-2', input(10, 12, { qty: 2.5 }), 'INVALID_INPUT', 'qty', /got 2.5/],
      ['PO-2', input(12, 10), 'INVALID_INPUT', 'end', /is not after start/],
      ['PO-2', input(12, 12), 'INVALID_INPUT', 'end', /is not after start/],
      ['PO-2', input(10, 10 + 24 * 100), 'INVALID_INPUT', 'end', /split orders longer than 90 days/],
      ['PO-2', { ...input(10, 12), start: 1.5 }, 'INVALID_INPUT', 'start', /epoch ms/],
      ['PO-2', input(10, 12, { status: 'paused' as never }), 'INVALID_INPUT', 'status', /planned, running, done, cancelled/],
    ];
    for (const [id, order, code, field, message] of cases) {
      const error = refusal(() => schedule.put(id, order, 'planner'));
      expect([error.code, error.field], `${field}`).toEqual([code, field]);
      expect(error.message).toMatch(message);
    }
    expect(schedule.list()).toEqual(before);
  });

  it('takes any machine and mold id without the tooling part', () => {
    const alone = new ProductionSchedule(db, { now: () => now });
    expect(alone.put('PO-9', input(0, 2, { machine: 'PRESS-7', mold: 'ANY' }), 'planner').created).toBe(true);
  });

  it('cancels a planned or running order once, keeps it with the reason, and refuses a done one', () => {
    schedule.put('PO-1', input(0, 8, { note: 'rush' }), 'planner');
    now = T0 + 5;
    const cancelled = schedule.cancel('PO-1', 'lead', 'mold broke');
    expect(cancelled).toMatchObject({ status: 'cancelled', note: 'rush\ncancelled: mold broke', updatedAt: T0 + 5, actor: 'lead' });
    now = T0 + 10;
    expect(schedule.cancel('PO-1', 'someone')).toEqual(cancelled);
    schedule.put('PO-2', input(10, 12, { status: 'done' }), 'planner');
    expect(refusal(() => schedule.cancel('PO-2', 'lead'))).toMatchObject({ code: 'CONFLICT', field: 'id' });
    expect(refusal(() => schedule.cancel('PO-404', 'lead'))).toMatchObject({ code: 'UNKNOWN_ORDER', field: 'id' });
  });

  it('activeOn lists only planned and running orders still to end', () => {
    schedule.put('PO-1', input(-8, -1), 'p');
    schedule.put('PO-2', input(-1, 3, { status: 'running' }), 'p');
    schedule.put('PO-3', input(3, 6, { status: 'cancelled' }), 'p');
    schedule.put('PO-4', input(6, 9), 'p');
    schedule.put('PO-5', input(9, 10, { status: 'done' }), 'p');
    expect(schedule.activeOn('IMM-01', T0).map((o) => o.id)).toEqual(['PO-2', 'PO-4']);
  });

  it('ten processes booking overlapping slots at once: exactly one wins, the others are refused with ORDER_OVERLAP', async () => {
    db.close(); // the workers alone write; reopened below to read
    const startAt = Date.now() + 1500;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      run(process.execPath, ['--import', 'tsx', worker, file, String(startAt), `PO-${i}`, String(T0 + i * H), String(T0 + (i + 12) * H)], { timeout: 30_000 })
        .then(({ stdout }) => JSON.parse(stdout) as { booked: boolean; code?: string })));
    db = openDatabase(file);
    schedule = new ProductionSchedule(db, { now: () => now });
    expect(results.filter((r) => r.booked)).toHaveLength(1);
    expect(new Set(results.filter((r) => !r.booked).map((r) => r.code))).toEqual(new Set(['ORDER_OVERLAP']));
    expect(schedule.activeOn('IMM-01', 0)).toHaveLength(1);
  }, 60_000);
});
