/**
 * The schedule and maintenance-window routes on the real cloud app (accounts, sessions, access
 * control, error handler) over a real schedule on a SQLite file, with the shot
 * rate read from the real telemetry store (counter samples inserted as the Sparkplug ingest
 * does). The tooling part is represented by its port (WindowSubjects) over a small table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../../store/database.ts';
import { migrate } from '../../store/migrations.ts';
import { ProductionSchedule } from '../../tooling/production-schedule.ts';
import { telemetryShotRate, WindowPlanner, type WindowSubject } from '../../tooling/window-planner.ts';
import { openTestCloud, type LoggedIn, type TestCloud } from '../test-fixture.ts';
import { toolingScheduleRoutes } from './tooling-schedule.ts';

const H = 3_600_000;
const NOW = Date.parse('2026-03-02T06:00:00Z');
const COUNTER = { group: 'demo-plant', edge: 'gw-press-1', device: 'press-plc', tag: 'IMM-01/shot-counter' };
const subjects = new Map<string, WindowSubject>([
  ['INS-0042', { id: 'INS-0042', label: 'insert INS-0042', shots: 8_500, lifeShots: 9_000, machine: 'IMM-01' }],
  ['INS-0099', { id: 'INS-0099', label: 'insert INS-0099', shots: 100, lifeShots: 9_000, machine: null }],
]);

describe('production order and maintenance window routes', () => {
  let cloud: TestCloud;
  let db: SqliteDatabase;
  let engineer: LoggedIn;
  let operator: LoggedIn;
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-schedule-routes-'));

  beforeAll(async () => {
    cloud = await openTestCloud({
      demoUsers: true,
      clock: { now: () => NOW },
      beforeReady: (app) => {
        // beforeReady runs before the test cloud's file is known: the schedule gets its own file in a temp folder
        db = openDatabase(join(dir, 'schedule.sqlite'));
        migrate(db);
        const schedule = new ProductionSchedule(db, { now: () => NOW, machineExists: (id) => id === 'IMM-01' || id === 'IMM-02' });
        const planner = new WindowPlanner({
          schedule, now: () => NOW,
          subjects: {
            subjectOf: (id) => subjects.get(id),
            rateOf: (machine, now) => telemetryShotRate(cloud.store, (m) => (m === 'IMM-01' ? { counter: COUNTER } : undefined))(machine, now),
          },
        });
        app.register(toolingScheduleRoutes, { schedule, planner });
      },
    });
    // 100 shots per hour over the last 10 h: 500 shots left -> the life is reached at NOW + 5 h
    cloud.store.insertSamples(Array.from({ length: 11 }, (_, i) => ({ ...COUNTER, value: 40_000 + i * 100, quality: 'good' as const, ts: NOW - (10 - i) * H })));
    engineer = await cloud.login('engineer');
    operator = await cloud.login('operator');
  }, 30_000);

  afterAll(async () => {
    await cloud?.close();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const put = (who: LoggedIn, id: string, body: object) => who.inject({ method: 'PUT', url: `/api/tooling/production-orders/${id}`, payload: body });
  const order = (fromH: number, toH: number, over: object = {}) => ({ machine: 'IMM-01', mold: 'M-100', sku: 'CAP-28', qty: 5000, start: NOW + fromH * H, end: NOW + toH * H, ...over });

  it('reading needs inventory.read, changing tooling.manage', async () => {
    expect((await cloud.app.inject({ method: 'GET', url: '/api/tooling/production-orders' })).statusCode).toBe(401);
    expect((await operator.inject({ method: 'GET', url: '/api/tooling/production-orders' })).statusCode).toBe(200);
    const refused = await put(operator, 'PO-1', order(0, 2));
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toBe('FORBIDDEN');
    const routes = cloud.app.routeTable.filter((r) => r.url.startsWith('/api/tooling/') && r.method !== 'HEAD');
    expect(Object.fromEntries(routes.map((r) => [`${r.method} ${r.url}`, r.permission]))).toEqual({
      'GET /api/tooling/production-orders': 'inventory.read',
      'GET /api/tooling/production-orders/:id': 'inventory.read',
      'PUT /api/tooling/production-orders/:id': 'tooling.manage',
      'POST /api/tooling/production-orders/:id/cancel': 'tooling.manage',
      'GET /api/tooling/assets/:id/maintenance-window': 'inventory.read',
    });
  });

  it('creates (201), replaces (200), lists, gets and cancels orders', async () => {
    const created = await put(engineer, 'PO-1', order(-1, 2, { status: 'running' }));
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ id: 'PO-1', machine: 'IMM-01', status: 'running', actor: 'engineer', createdAt: NOW });
    expect((await put(engineer, 'PO-2', order(3, 8))).statusCode).toBe(201);
    expect((await put(engineer, 'PO-3', order(8, 20))).statusCode).toBe(201);
    expect((await put(engineer, 'PO-4', order(0, 4, { machine: 'IMM-02' }))).statusCode).toBe(201);
    const replaced = await put(engineer, 'PO-4', order(0, 5, { machine: 'IMM-02', note: 'longer' }));
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ end: NOW + 5 * H, note: 'longer' });
    const imm1 = (await operator.inject({ method: 'GET', url: '/api/tooling/production-orders?machine=IMM-01' })).json();
    expect(imm1.orders.map((o: { id: string }) => o.id)).toEqual(['PO-1', 'PO-2', 'PO-3']);
    const later = (await operator.inject({ method: 'GET', url: `/api/tooling/production-orders?from=${new Date(NOW + 6 * H).toISOString()}` })).json();
    expect(later.orders.map((o: { id: string }) => o.id)).toEqual(['PO-2', 'PO-3']);
    expect((await operator.inject({ method: 'GET', url: '/api/tooling/production-orders/PO-4' })).json().note).toBe('longer');
    const cancelled = await engineer.inject({ method: 'POST', url: '/api/tooling/production-orders/PO-4/cancel', payload: { reason: 'no material' } });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', note: 'longer\ncancelled: no material' });
  });

  it('answers bad input with the field and the fix, and changes nothing', async () => {
    const before = (await operator.inject({ method: 'GET', url: '/api/tooling/production-orders' })).json();
    const cases: Array<[string, object, number, string, string, RegExp]> = [
      ['PO-9', order(1, 6), 409, 'CONFLICT', 'start', /overlaps order PO-1 \(running, .*start at or after 2026-03-02 08:00 UTC/],
      ['PO-9', order(10, 5), 400, 'INVALID_INPUT', 'end', /is not after start/],
      ['PO-9', order(30, 32, { machine: 'IMM-77' }), 400, 'INVALID_INPUT', 'machine', /no machine "IMM-77"/],
      ['PO-9', order(30, 32, { qty: 0 }), 400, 'INVALID_VALUE', 'qty', /whole number of pieces/],
      ['PO-9', order(30, 32, { qyt: 5 }), 400, 'UNKNOWN_FIELD', 'qyt', /did you mean "qty"/],
      ['PO-9', { ...order(30, 32), start: '2026-03-02' }, 400, 'INVALID_VALUE', 'start', /epoch milliseconds/],
      ['PO 9', order(30, 32), 400, 'INVALID_VALUE', 'id', /order number/],
    ];
    for (const [id, body, status, error, field, message] of cases) {
      const response = await put(engineer, encodeURIComponent(id), body);
      expect(response.statusCode, `${field} ${response.body}`).toBe(status);
      expect(response.json(), field).toMatchObject({ error, field });
      expect(response.json().message, field).toMatch(message);
    }
    const missing = await engineer.inject({ method: 'POST', url: '/api/tooling/production-orders/PO-404/cancel', payload: {} });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'NOT_FOUND', field: 'id' });
    expect((await operator.inject({ method: 'GET', url: '/api/tooling/production-orders?from=2026-03-03T00:00:00Z&to=2026-03-02T00:00:00Z' })).json()).toMatchObject({ error: 'INVALID_VALUE', field: 'to' });
    expect((await operator.inject({ method: 'GET', url: '/api/tooling/production-orders' })).json()).toEqual(before);
  });

  it('proposes the window for the 8,500-shot insert: no gap before its life, so the order running through it is named', async () => {
    // orders on IMM-01: PO-1 running until +2 h, PO-2 +3..+8 h, PO-3 +8..+20 h; the life is reached at +5 h (100 shots/h)
    const response = await operator.inject({ method: 'GET', url: '/api/tooling/assets/INS-0042/maintenance-window' });
    expect(response.statusCode).toBe(200);
    const plan = response.json();
    expect(plan).toMatchObject({ assetId: 'INS-0042', machine: 'IMM-01', reason: null });
    expect(plan.window).toMatchObject({
      start: NOW + 20 * H, end: NOW + 24 * H, durationHours: 4, lifeReachedAt: NOW + 5 * H, shotsPerHour: 100, beforeLife: false,
      afterOrder: 'PO-3', beforeOrder: null, orderToMove: 'PO-2',
    });
    expect(plan.window.warning).toContain('order PO-2 (CAP-28, 2026-03-02 09:00 UTC to 2026-03-02 14:00 UTC) runs through it');
    expect(plan.window.explanation).toContain('at 100 shots/h (1,000 shots over the last 10 h of the IMM-01 counter) it reaches its life at 2026-03-02 11:00 UTC');
    expect(plan.orders.map((o: { id: string }) => o.id)).toEqual(['PO-1', 'PO-2', 'PO-3']);
    // a 1 h window fits between PO-1 and PO-2, before the life
    const short = (await operator.inject({ method: 'GET', url: '/api/tooling/assets/INS-0042/maintenance-window?durationHours=1' })).json();
    expect(short.window).toMatchObject({ start: NOW + 2 * H, end: NOW + 3 * H, beforeLife: true, warning: null, afterOrder: 'PO-1', beforeOrder: 'PO-2' });
  });

  it('no window for an asset not on a machine, 404 for an unknown one, 400 for a bad duration', async () => {
    const idle = (await operator.inject({ method: 'GET', url: '/api/tooling/assets/INS-0099/maintenance-window' })).json();
    expect(idle).toMatchObject({ machine: null, window: null, orders: [] });
    expect(idle.reason).toContain('not on a machine');
    const unknown = await operator.inject({ method: 'GET', url: '/api/tooling/assets/INS-7777/maintenance-window' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'NOT_FOUND', field: 'id' });
    for (const bad of ['0', '-2', '200', 'four']) {
      const response = await operator.inject({ method: 'GET', url: `/api/tooling/assets/INS-0042/maintenance-window?durationHours=${bad}` });
      expect(response.statusCode, bad).toBe(400);
      expect(response.json(), bad).toMatchObject({ error: 'INVALID_VALUE', field: 'durationHours' });
    }
  });
});
