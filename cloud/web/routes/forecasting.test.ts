/**
 * The forecasting routes on the real cloud app (accounts, sessions, access control, error handler)
 * over a real forecasting service: its own SQLite file, the worker thread for training, sales
 * from a SalesHistory over generated and hand-built series.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../../connectors/clock.ts';
import { addDays } from '../../forecasting/calendar-features.ts';
import { openForecasting, type OpenForecasting } from '../../forecasting/open-forecasting.ts';
import { MemorySalesHistory } from '../../forecasting/testing/memory-sales-history.ts';
import { syntheticWeeklySales } from '../../forecasting/testing/synthetic-series.ts';
import { openDatabase } from '../../store/database.ts';
import { migrate } from '../../store/migrations.ts';
import { openTestCloud, type LoggedIn, type TestCloud } from '../test-fixture.ts';
import { forecastingRoutes } from './forecasting.ts';

const TODAY = '2026-06-10'; // a Wednesday
const NOW = Date.parse(`${TODAY}T10:00:00Z`);
const WEEKS = ['2026-05-18', '2026-05-25', '2026-06-01'];
const clock: Clock = { now: () => NOW, setTimeout: () => 0, clearTimeout: () => {} };

describe('forecasting routes', () => {
  let dir: string;
  let service: OpenForecasting;
  let cloud: TestCloud;
  let purchasing: LoggedIn;
  let auditor: LoggedIn;
  let admin: LoggedIn;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-forecasting-routes-'));
    const file = join(dir, 'cloud.sqlite');
    const db = openDatabase(file);
    migrate(db);
    db.close();
    const sales = new MemorySalesHistory();
    syntheticWeeklySales({ skus: 3, days: 120, seed: 11, noise: 0.1 }).series.forEach((one, index) => sales.set(`SKU-${index}`, 'WH1', addDays(TODAY, -120), Array.from(one.values, Math.round)));
    // R-1 sold 130 a day for three weeks its forecasts said 100: a review opens.
    sales.set('R-1', 'WH1', WEEKS[0]!, new Array<number>(21).fill(130));
    service = openForecasting(file, {
      salesHistory: sales, clock, logger: { info: () => {}, warn: () => {} }, dailyRunMinute: null,
      train: { inputDays: 14, hiddenSize: 4, maxEpochs: 2, windowsPerEpoch: 64, validationDays: 14 },
    });
    for (const week of WEEKS) {
      service.runs.store({
        madeAt: Date.parse(`${week}T01:00:00Z`), from: week,
        forecasts: [{ sku: 'R-1', location: 'WH1', madeAt: 0, from: week, model: 'ets', demandClass: 'smooth', why: 'hand-built', factorVersion: null, errorSdPerDay: 1,
          days: Array.from({ length: 7 }, (_, i) => ({ day: addDays(week, i), baseline: 100, forecast: 100, lower: 90, upper: 110, factors: [] })) }],
      });
    }
    service.monitor.update(NOW);
    cloud = await openTestCloud({ demoUsers: true, beforeReady: (app) => app.register(forecastingRoutes, { forecasting: service.api }) });
    [purchasing, auditor, admin] = await Promise.all([cloud.login('purchasing'), cloud.login('auditor'), cloud.login('admin')]);
  }, 30_000);

  afterAll(async () => {
    await cloud?.close();
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads with inventory.read and starts jobs or closes reviews with forecasting.manage only', async () => {
    expect((await cloud.app.inject({ method: 'GET', url: '/api/forecasting/status' })).statusCode).toBe(401);
    expect((await cloud.app.inject({ method: 'POST', url: '/api/forecasting/jobs', payload: { kind: 'train' } })).statusCode).toBe(401);
    expect((await auditor.inject({ method: 'GET', url: '/api/forecasting/status' })).statusCode).toBe(200);
    const refused = await auditor.inject({ method: 'POST', url: '/api/forecasting/jobs', payload: { kind: 'train' } });
    expect([refused.statusCode, refused.json().error]).toEqual([403, 'FORBIDDEN']);
    const sales = await cloud.login('sales');
    expect((await sales.inject({ method: 'POST', url: '/api/forecasting/jobs', payload: { kind: 'forecast' } })).statusCode).toBe(403);
    expect(service.jobs.list()).toEqual([]);
    const ours = cloud.app.routeTable.filter((r) => r.url.startsWith('/api/forecasting/') && r.method !== 'HEAD');
    expect(ours.length).toBe(10);
    for (const r of ours) expect(r.permission, `${r.method} ${r.url}`).toBe(r.method === 'GET' ? 'inventory.read' : 'forecasting.manage');
  });

  it('lets purchasing train, refuses a second training while it runs, and reports progress', async () => {
    const started = await purchasing.inject({ method: 'POST', url: '/api/forecasting/jobs', payload: { kind: 'train' } });
    expect(started.statusCode, started.body).toBe(202);
    expect(started.json()).toMatchObject({ kind: 'train', state: 'running', startedBy: 'purchasing' });
    const again = await admin.inject({ method: 'POST', url: '/api/forecasting/jobs', payload: { kind: 'train' } });
    expect([again.statusCode, again.json().error, again.json().field]).toEqual([409, 'CONFLICT', 'kind']);
    await service.jobs.settled(started.json().id);
    const done = await auditor.inject({ method: 'GET', url: `/api/forecasting/jobs/${started.json().id}` });
    expect(done.json()).toMatchObject({ state: 'done', progress: 1 });
    expect(done.json().points.length).toBeGreaterThan(0);
    const status = (await auditor.inject({ method: 'GET', url: '/api/forecasting/status' })).json();
    expect(status.model).toMatchObject({ hiddenSize: 4, series: 3 });
    expect(status.jobs[0].id).toBe(started.json().id);
    const missing = await auditor.inject({ method: 'GET', url: '/api/forecasting/jobs/999' });
    expect([missing.statusCode, missing.json().field]).toEqual([404, 'id']);
  }, 60_000);

  it('refuses bad input naming the field, changing nothing', async () => {
    const before = service.jobs.list().length;
    const cases: Array<[string, string, object | undefined, number, string, string]> = [
      ['POST', '/api/forecasting/jobs', { kind: 'dance' }, 400, 'INVALID_VALUE', 'kind'],
      ['POST', '/api/forecasting/jobs', { kind: 'train', epochs: 3 }, 400, 'UNKNOWN_FIELD', 'epochs'],
      ['POST', '/api/forecasting/jobs', {}, 400, 'MISSING_FIELD', 'kind'],
      ['GET', '/api/forecasting/monitor?weeks=0', undefined, 400, 'INVALID_VALUE', 'weeks'],
      ['GET', '/api/forecasting/reviews?state=maybe', undefined, 400, 'INVALID_VALUE', 'state'],
    ];
    for (const [method, url, payload, status, error, field] of cases) {
      const response = await admin.inject({ method: method as 'GET' | 'POST', url, ...(payload === undefined ? {} : { payload }) });
      expect([response.statusCode, response.json().error, response.json().field], `${method} ${url} ${response.body}`).toEqual([status, error, field]);
    }
    expect(service.jobs.list().length).toBe(before);
    expect((await auditor.inject({ method: 'GET', url: '/api/forecasting/backtest' })).statusCode).toBe(404);
  });

  it('serves explained forecasts after a forecast job', async () => {
    const started = await admin.inject({ method: 'POST', url: '/api/forecasting/jobs', payload: { kind: 'forecast' } });
    expect(started.statusCode).toBe(202);
    await service.jobs.settled(started.json().id);
    const series = (await auditor.inject({ method: 'GET', url: '/api/forecasting/series' })).json().series;
    expect(series.map((one: { sku: string }) => one.sku)).toEqual(['R-1', 'SKU-0', 'SKU-1', 'SKU-2']);
    const r1 = series.find((one: { sku: string }) => one.sku === 'R-1');
    expect(r1.lastWeekMape).toBeCloseTo(30 / 130, 9);
    expect(r1.openReview).toBe(service.reviews.list('open')[0]!.id);
    const forecast = await auditor.inject({ method: 'GET', url: '/api/forecasting/forecasts/SKU-1/WH1' });
    expect(forecast.statusCode, forecast.body).toBe(200);
    expect(forecast.json()).toMatchObject({ sku: 'SKU-1', location: 'WH1', from: TODAY, model: 'ets' });
    expect(forecast.json().days).toHaveLength(14);
    expect(forecast.json().history.at(-1).day).toBe(addDays(TODAY, -1));
    const missing = await auditor.inject({ method: 'GET', url: '/api/forecasting/forecasts/NOPE/WH1' });
    expect([missing.statusCode, missing.json().error]).toEqual([404, 'NOT_FOUND']);
  });

  it('shows the monitor and closes a review only with a note', async () => {
    const monitor = (await auditor.inject({ method: 'GET', url: '/api/forecasting/monitor?sku=R-1&weeks=4' })).json();
    expect(monitor.threshold).toBe(0.15);
    expect(monitor.weeks.map((week: { week: string; breach: boolean }) => [week.week, week.breach])).toEqual(WEEKS.map((week) => [week, true]));
    const open = (await auditor.inject({ method: 'GET', url: '/api/forecasting/reviews?state=open' })).json().reviews;
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ sku: 'R-1', weeks: WEEKS, state: 'open' });
    const url = `/api/forecasting/reviews/${open[0].id}/close`;
    expect((await auditor.inject({ method: 'POST', url, payload: { note: 'looked' } })).statusCode).toBe(403);
    const blank = await purchasing.inject({ method: 'POST', url, payload: { note: '   ' } });
    expect([blank.statusCode, blank.json().field]).toEqual([400, 'note']);
    const noNote = await purchasing.inject({ method: 'POST', url, payload: {} });
    expect([noNote.statusCode, noNote.json().field]).toEqual([400, 'note']);
    expect(service.reviews.get(open[0].id)!.state).toBe('open');
    const closed = await purchasing.inject({ method: 'POST', url, payload: { note: 'a promotion ran; added it to the factors' } });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ state: 'closed', closedBy: 'purchasing', note: 'a promotion ran; added it to the factors', closedAt: NOW });
    const twice = await purchasing.inject({ method: 'POST', url, payload: { note: 'again' } });
    expect([twice.statusCode, twice.json().error]).toEqual([409, 'CONFLICT']);
    expect((await auditor.inject({ method: 'GET', url: '/api/forecasting/reviews?state=open' })).json().reviews).toEqual([]);
  });
});
