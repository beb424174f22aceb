/**
 * The scan routes on the real cloud app (accounts, sessions, access control, error handler) over
 * a real scan part: SQLite files, the telemetry store written through its own API, events fed as
 * the edge link feeds them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coldShelf, DAY, DAY1, GTIN, openScanWorld, scanEvent, type ScanWorld } from '../../scans/testing/scan-fixture.ts';
import { openTestCloud, type LoggedIn, type TestCloud } from '../test-fixture.ts';

const H = 3_600_000;
const NOW = DAY1 + 2 * DAY + 14 * H;

describe('scan, shelf and cold-chain routes', () => {
  let world: ScanWorld;
  let cloud: TestCloud;
  let auditor: LoggedIn;

  beforeAll(async () => {
    world = openScanWorld({ start: NOW });
    cloud = await openTestCloud({ demoUsers: true, scans: world.scans.api });
    auditor = await cloud.login('auditor');

    world.locations.set('B12', coldShelf('B12'));
    world.locations.set('A01', { code: 'A01' });
    world.lots.set(`${GTIN}/L2403`, { gtin: GTIN, batch: 'L2403', expiry: '2026-09-30', status: 'quarantined', reason: 'recall', quarantinedAt: DAY1 + 10 * H });
    world.stock.push({ gtin: GTIN, batch: 'L2403', location: 'B12', qty: 24 }, { gtin: GTIN, batch: 'L2499', location: 'B12', qty: 0 });
    world.blocks.push({ operation: 'putaway', location: 'B12' }, { operation: 'putaway', location: 'B12' });
    const points: Array<[number, number]> = [];
    for (let d = 0; d < 3; d++) points.push([DAY1 + d * DAY + 6 * H, 5], [DAY1 + d * DAY + 13 * H, 9.5]);
    world.readings('B12', 'temperature', points);
    world.readings('B12', 'humidity', [[NOW - H, 55]]);

    world.scans.onEvent('plant', 'gw1', scanEvent({ scanId: 's1', op: 'putaway', location: 'B12', at: DAY1 + 8 * H }));
    world.scans.onEvent('plant', 'gw1', scanEvent({ scanId: 's2', op: 'pick', location: 'B12', at: DAY1 + 11 * H, offline: true }));
    world.scans.onEvent('plant', 'gw1', scanEvent({ scanId: 's3', op: 'pick', location: 'B12', at: DAY1 + 12 * H, verdict: 'block', device: 'pda-02' }));
    world.scans.onEvent('plant', 'gw1', scanEvent({ scanId: 's3', op: 'pick', location: 'B12', at: DAY1 + 12 * H, verdict: 'block', device: 'pda-02' }));
    world.scans.evaluate();
  }, 30_000);

  afterAll(async () => {
    await cloud?.close();
    world?.close();
  });

  it('needs inventory.read: 401 without a session, 403 for a role without it', async () => {
    expect((await cloud.app.inject({ method: 'GET', url: '/api/scans' })).statusCode).toBe(401);
    const expert = await cloud.login('expert');
    for (const url of ['/api/scans', '/api/scans/alerts', '/api/shelves', '/api/shelves/B12/history', `/api/lots/${GTIN}/L2403/history`, '/api/maintenance-tickets']) {
      const response = await expert.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(403);
      expect(response.json().error).toBe('FORBIDDEN');
    }
    const operator = await cloud.login('operator');
    expect((await operator.inject({ method: 'GET', url: '/api/shelves' })).statusCode).toBe(200);
    const ours = cloud.app.routeTable.filter((r) => r.method === 'GET' && /^\/api\/(scans|shelves|lots|maintenance-tickets)/.test(r.url));
    expect(ours.map((r) => r.permission)).toEqual(Array(6).fill('inventory.read'));
  });

  it('lists scans newest first, then feeds those after a seq oldest first, filtered', async () => {
    const all = (await auditor.inject({ method: 'GET', url: '/api/scans' })).json();
    expect(all.scans.map((s: { id: string }) => s.id)).toEqual(['scan-pda-02-s3', 'scan-pda-01-s2', 'scan-pda-01-s1']);
    expect(all.lastSeq).toBe(3);
    expect(all.scans[1]).toEqual({
      seq: 2, id: 'scan-pda-01-s2', group: 'plant', edge: 'gw1', device: 'pda-01', operator: 'op-anna', op: 'pick', code: `(01)${GTIN}(10)L2403`,
      location: 'B12', gtin: GTIN, batch: 'L2403', serial: null, qty: null, verdict: 'allow', reasons: [{ code: 'OK', message: 'ok' }],
      prompt: { en: 'allow', zh: 'allow' }, offline: true, at: DAY1 + 11 * H, receivedAt: NOW,
    });
    const feed = (await auditor.inject({ method: 'GET', url: '/api/scans?after=1&limit=1' })).json();
    expect(feed.scans.map((s: { seq: number }) => s.seq)).toEqual([2]);
    expect(feed.lastSeq).toBe(2);
    world.scans.onEvent('plant', 'gw1', scanEvent({ scanId: 's4', op: 'count', location: 'A01', batch: 'L2404', at: NOW - 1000, device: 'pda-03' }));
    const next = (await auditor.inject({ method: 'GET', url: `/api/scans?after=${feed.lastSeq}&limit=10` })).json();
    expect(next.scans.map((s: { seq: number }) => s.seq)).toEqual([3, 4]);
    expect(next.lastSeq).toBe(4);
    const blocked = (await auditor.inject({ method: 'GET', url: '/api/scans?verdict=block&device=pda-02&location=B12&batch=L2403' })).json();
    expect(blocked.scans.map((s: { id: string }) => s.id)).toEqual(['scan-pda-02-s3']);
  });

  it('answers 400 naming the field for a bad query', async () => {
    const cases: Array<[string, string, string]> = [
      ['/api/scans?verdict=maybe', 'verdict', 'INVALID_VALUE'],
      ['/api/scans?limit=501', 'limit', 'INVALID_VALUE'],
      ['/api/scans?after=-1', 'after', 'INVALID_VALUE'],
      ['/api/scans?devce=pda-01', 'devce', 'UNKNOWN_FIELD'],
      ['/api/scans?location=B%2012', 'location', 'INVALID_VALUE'],
      ['/api/shelves/B12/history?from=yesterday', 'from', 'INVALID_VALUE'],
      [`/api/shelves/B12/history?from=${NOW}&to=${NOW - 1}`, 'to', 'INVALID_VALUE'],
      ['/api/lots/123/L2403/history', 'gtin', 'INVALID_VALUE'],
    ];
    for (const [url, field, error] of cases) {
      const response = await auditor.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(400);
      expect(response.json(), url).toMatchObject({ error, field });
    }
    const unknown = (await auditor.inject({ method: 'GET', url: '/api/scans?devce=pda-01' })).json();
    expect(unknown.message).toContain('did you mean "device"');
  });

  it('shows the reconciliation alert for the quarantined lot', async () => {
    const { alerts } = (await auditor.inject({ method: 'GET', url: '/api/scans/alerts' })).json();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'lot-quarantined-meanwhile', gtin: GTIN, batch: 'L2403', scans: ['scan-pda-01-s2'] });
    expect(alerts[0].message).toContain('quarantined at 2026-03-01 10:00 UTC (recall); 1 scan allowed it afterwards: pda-01 (op-anna) pick at B12');
  });

  it('shows each shelf with its readings, alarm, alarm days, blocks, stock and ticket', async () => {
    const { shelves } = (await auditor.inject({ method: 'GET', url: '/api/shelves' })).json();
    expect(shelves.map((s: { code: string }) => s.code)).toEqual(['A01', 'B12']);
    expect(shelves[0]).toEqual({
      code: 'A01', name: null, zone: null, temperature: null, humidity: null, range: { temperatureC: null, humidityPct: null },
      alarm: false, alarmDays: [], blocked: [], stock: [], openTicket: null,
    });
    const [ticket] = world.scans.api.tickets();
    expect(shelves[1]).toEqual({
      code: 'B12', name: 'Cold shelf B12', zone: 'cold',
      temperature: { value: 9.5, unit: '°C', ts: DAY1 + 2 * DAY + 13 * H, quality: 'good' },
      humidity: { value: 55, unit: '%RH', ts: NOW - H, quality: 'good' },
      range: { temperatureC: { min: 2, max: 8 }, humidityPct: { min: 30, max: 70 } },
      alarm: true, alarmDays: ['2026-03-01', '2026-03-02', '2026-03-03'], blocked: ['putaway'],
      stock: [{ gtin: GTIN, batch: 'L2403', qty: 24, expiry: '2026-09-30' }],
      openTicket: { id: ticket!.id, openedAt: NOW },
    });
  });

  it('gives a shelf\'s history over a range, and 404 for an unknown shelf', async () => {
    const day2 = (await auditor.inject({ method: 'GET', url: `/api/shelves/B12/history?from=2026-03-02T00:00:00Z&to=${DAY1 + 2 * DAY - 1}` })).json();
    expect(day2).toEqual({
      code: 'B12', temperature: [[DAY1 + DAY + 6 * H, 5], [DAY1 + DAY + 13 * H, 9.5]], humidity: [],
      range: { temperatureC: { min: 2, max: 8 }, humidityPct: { min: 30, max: 70 } },
    });
    const lastDay = (await auditor.inject({ method: 'GET', url: '/api/shelves/B12/history' })).json();
    expect(lastDay.temperature).toEqual([[DAY1 + 2 * DAY + 6 * H, 5], [DAY1 + 2 * DAY + 13 * H, 9.5]]);
    expect(lastDay.humidity).toEqual([[NOW - H, 55]]);
    const missing = await auditor.inject({ method: 'GET', url: '/api/shelves/Z99/history' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'NOT_FOUND', field: 'code' });
  });

  it('gives a lot\'s stays with their temperature evidence, and 404 for a lot nobody knows', async () => {
    const history = (await auditor.inject({ method: 'GET', url: `/api/lots/${GTIN}/L2403/history` })).json();
    expect(history.stays).toEqual([{ location: 'B12', from: DAY1 + 8 * H, to: DAY1 + 11 * H, temperature: [], excursions: 0, min: null, max: null }]);
    expect(history.scans.map((s: { id: string }) => s.id)).toEqual(['scan-pda-01-s1', 'scan-pda-01-s2', 'scan-pda-02-s3']);
    const missing = await auditor.inject({ method: 'GET', url: `/api/lots/${GTIN}/NOPE/history` });
    expect(missing.statusCode).toBe(404);
  });

  it('lists maintenance tickets', async () => {
    const { tickets } = (await auditor.inject({ method: 'GET', url: '/api/maintenance-tickets' })).json();
    expect(tickets).toEqual([{
      id: expect.any(Number), location: 'B12', days: ['2026-03-01', '2026-03-02', '2026-03-03'], openedAt: NOW, status: 'open',
      reason: expect.stringContaining('worst reading 9.5 °C temperature at 2026-03-01 13:00 UTC'),
    }]);
  });
});
