/**
 * The factor routes on the real cloud app (accounts, sessions, access control, error handler)
 * over a real factor store (a SQLite file with the cloud's migrations) and a sales history of
 * generated series whose true pre-Spring-Festival decay is known (0.62), as issue 8 describes it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, daysBetween, nearestChineseNewYear } from '../../forecasting/calendar-features.ts';
import { FactorVersions } from '../../forecasting/factor-versions.ts';
import type { SalesHistory, SalesSeries } from '../../forecasting/forecasting-types.ts';
import { seededRandom } from '../../forecasting/seeded-random.ts';
import { openDatabase, type SqliteDatabase } from '../../store/database.ts';
import { cloudMigrations, migrate } from '../../store/migrations.ts';
import { openTestCloud, type LoggedIn, type TestCloud } from '../test-fixture.ts';
import { forecastFactorRoutes } from './forecast-factors.ts';

const NOW = Date.parse('2026-04-01T09:00:00Z');
const TRUE_DECAY = 0.62;

/**
 * 18 months to yesterday (2026-03-31) for three series: a weekly pattern x a level, +-5% noise,
 * x0.62 on the 21 days before each Chinese New Year, and a few stock-out days (sold less, censored).
 */
function generatedHistory(): SalesHistory {
  const random = seededRandom(8);
  const byWeekday = [1.0, 0.95, 0.95, 1.0, 1.2, 1.6, 0.7]; // Monday first
  const first = '2024-10-07'; // a Monday
  const count = daysBetween(first, '2026-03-31') + 1;
  const all: SalesSeries[] = [['MILK-1L', 'WH1', 100], ['RICE-5KG', 'WH1', 40], ['MILK-1L', 'WH2', 60]].map(([sku, location, level]) => ({
    sku: sku as string,
    location: location as string,
    days: Array.from({ length: count }, (_, index) => {
      const day = addDays(first, index);
      const offset = nearestChineseNewYear(day).daysFromChineseNewYear;
      const decay = offset < 0 && offset >= -21 ? TRUE_DECAY : 1;
      const censored = index % 97 === 50;
      const qty = Math.round((level as number) * byWeekday[index % 7]! * decay * (1 + random.uniform(-0.05, 0.05)) * (censored ? 0.3 : 1));
      return { day, qty, censored };
    }),
  }));
  return {
    series: (filter = {}) =>
      all
        .filter((one) => (filter.sku === undefined || one.sku === filter.sku) && (filter.location === undefined || one.location === filter.location))
        .map((one) => ({ ...one, days: one.days.filter((day) => (filter.from === undefined || day.day >= filter.from) && (filter.to === undefined || day.day <= filter.to)) })),
    keys: () => all.map(({ sku, location }) => ({ sku, location })),
  };
}

const decay = (multiplier: number) => ({ factors: [{ kind: 'spring-festival-decay', name: 'pre-Spring-Festival decay', daysBefore: 21, multiplier }] });

describe('forecast factor routes', () => {
  let dir: string;
  let db: SqliteDatabase;
  let cloud: TestCloud;
  let planner: LoggedIn;
  let auditor: LoggedIn;
  let clockMs = NOW;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-factors-'));
    db = openDatabase(join(dir, 'cloud.sqlite'));
    migrate(db, cloudMigrations);
    const factors = new FactorVersions(db, () => clockMs);
    const salesHistory = generatedHistory();
    cloud = await openTestCloud({ demoUsers: true, beforeReady: (app) => app.register(forecastFactorRoutes, { factors, salesHistory, clock: { now: () => clockMs } }) });
    planner = await cloud.login('purchasing');
    auditor = await cloud.login('auditor');
  }, 30_000);

  afterAll(async () => {
    await cloud?.close();
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const open = async (note?: string) => {
    const response = await planner.inject({ method: 'POST', url: '/api/forecasting/factors/sandboxes', payload: note === undefined ? {} : { note } });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string; basedOnVersion: number | null; stale: boolean };
  };
  const edit = (id: string, payload: object) => planner.inject({ method: 'PUT', url: `/api/forecasting/factors/sandboxes/${id}`, payload });
  const compare = (id: string, payload: object = {}) => planner.inject({ method: 'POST', url: `/api/forecasting/factors/sandboxes/${id}/compare`, payload });
  const publish = (id: string, payload: object) => planner.inject({ method: 'POST', url: `/api/forecasting/factors/sandboxes/${id}/publish`, payload });
  const factorsNow = async () => (await auditor.inject({ method: 'GET', url: '/api/forecasting/factors' })).json();

  it('reads with inventory.read and changes with forecasting.manage only', async () => {
    expect((await cloud.app.inject({ method: 'GET', url: '/api/forecasting/factors' })).statusCode).toBe(401);
    expect((await auditor.inject({ method: 'GET', url: '/api/forecasting/factors' })).statusCode).toBe(200);
    const refused = await auditor.inject({ method: 'POST', url: '/api/forecasting/factors/sandboxes', payload: {} });
    expect([refused.statusCode, refused.json().error]).toEqual([403, 'FORBIDDEN']);
    const sales = await cloud.login('sales');
    expect((await sales.inject({ method: 'POST', url: '/api/forecasting/factors/sandboxes', payload: {} })).statusCode).toBe(403);
    const ours = cloud.app.routeTable.filter((r) => r.url.startsWith('/api/forecasting/factors') && r.method !== 'HEAD');
    expect(ours.length).toBe(7);
    for (const r of ours) expect(r.permission, `${r.method} ${r.url}`).toBe(r.method === 'GET' ? 'inventory.read' : 'forecasting.manage');
  });

  it('shows decay 0.62 beating production 0.85 in the backtest when the truth is 0.62, then publishes it with who, when and why', async () => {
    const first = await open('long-run decay');
    expect((await edit(first.id, decay(0.85))).statusCode).toBe(200);
    const v1 = await publish(first.id, { reason: 'long-run pre-festival decay' });
    expect(v1.statusCode, v1.body).toBe(200);
    expect(v1.json()).toMatchObject({ scope: 'default', version: 1, publishedBy: 'purchasing', publishedAt: NOW, reason: 'long-run pre-festival decay', fromSandbox: first.id });

    clockMs += 60_000;
    const sandbox = await open('logistics stops earlier this year');
    expect(sandbox.basedOnVersion).toBe(1);
    const edited = await edit(sandbox.id, decay(0.62));
    expect(edited.json()).toMatchObject({ factors: decay(0.62), updatedBy: 'purchasing', stale: false });
    const before = await factorsNow();

    const response = await compare(sandbox.id, { weeks: 12 });
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json();
    expect(result).toMatchObject({ sandbox: sandbox.id, scope: 'default', productionVersion: 1, stale: false, model: 'snaive', weeks: 12, horizonDays: 7, from: '2026-01-07', to: '2026-03-31', skipped: [] });
    expect(result.series.map((one: { sku: string; location: string }) => `${one.sku}@${one.location}`)).toEqual(['MILK-1L@WH1', 'RICE-5KG@WH1', 'MILK-1L@WH2']);
    expect(result.sandboxIsBetter).toBe(true);
    expect(result.overall.sandbox.wape).toBeLessThan(result.overall.production.wape);
    expect(result.overall.sandbox.mape).toBeLessThan(result.overall.production.mape);
    expect(result.overall.change.wape).toBeLessThan(0);
    // The edit touches the 21 days before 2026-02-17 only; there the old factor is about (0.85 - 0.62) / 0.62 = 37% high.
    const changedDays = result.days.filter((day: { changed: boolean }) => day.changed).map((day: { day: string }) => day.day);
    expect(changedDays).toHaveLength(21);
    expect([changedDays[0], changedDays.at(-1)]).toEqual(['2026-01-27', '2026-02-16']);
    expect(result.changed.days).toBe(3 * 21 - censoredBetween('2026-01-27', '2026-02-16'));
    expect(result.changed.production.mape).toBeGreaterThan(0.3);
    expect(result.changed.sandbox.mape).toBeLessThan(0.08);
    for (const one of result.series) expect(one.change.wape).toBeLessThan(0);
    // The per-day plot: difference is sandbox - production, and only the changed days have one.
    for (const day of result.days) {
      expect(day.difference).toBeCloseTo(day.sandbox - day.production, 2);
      if (!day.changed) expect(day.difference).toBe(0);
    }
    const febTenth = result.days.find((day: { day: string }) => day.day === '2026-02-10');
    expect(febTenth.sandbox / febTenth.production).toBeCloseTo(0.62 / 0.85, 2);

    // Comparing changed nothing in production; publishing does, and the history says who, when and why.
    expect(await factorsNow()).toEqual(before);
    clockMs += 60_000;
    const reason = `backtest WAPE ${result.overall.production.wape.toFixed(3)} -> ${result.overall.sandbox.wape.toFixed(3)}: logistics stops earlier`;
    const v2 = await publish(sandbox.id, { reason });
    expect(v2.statusCode, v2.body).toBe(200);
    const after = await factorsNow();
    expect(after.production).toMatchObject({ version: 2, factors: decay(0.62), publishedBy: 'purchasing', publishedAt: NOW + 120_000, reason });
    expect(after.history.map((version: { version: number; reason: string }) => [version.version, version.reason])).toEqual([[2, reason], [1, 'long-run pre-festival decay']]);
    expect(after.sandboxes).toEqual([]);
  });

  it('runs the comparison with ETS as the baseline and for one SKU', async () => {
    const sandbox = await open();
    await edit(sandbox.id, decay(0.85));
    const response = await compare(sandbox.id, { weeks: 10, model: 'ets', sku: 'RICE-5KG' });
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json();
    expect(result).toMatchObject({ model: 'ets', weeks: 10, from: '2026-01-21' });
    expect(result.series.map((one: { sku: string }) => one.sku)).toEqual(['RICE-5KG']);
    // Production now holds the true 0.62: moving back to 0.85 would have erred more.
    expect(result.sandboxIsBetter).toBe(false);
    expect(result.changed.sandbox.wape).toBeGreaterThan(result.changed.production.wape);
    expect(result.overall.production.wape).toBeLessThan(0.1);
    expect((await planner.inject({ method: 'DELETE', url: `/api/forecasting/factors/sandboxes/${sandbox.id}` })).statusCode).toBe(204);
  });

  it('publishing nothing changes production: edits, comparisons, discards and refused publishes leave it as it was', async () => {
    const before = await factorsNow();
    expect(before.production.version).toBe(2);
    const a = await open('try a steeper decay');
    const b = await open('try a promotion');
    expect((await edit(a.id, decay(0.4))).statusCode).toBe(200);
    expect((await edit(b.id, { factors: [...decay(0.62).factors, { kind: 'promotion-uplift', name: '618', multiplier: 1.3 }] })).statusCode).toBe(200);
    // Four weeks from 2026-03-04: no decay day, so the edit changes nothing there and has no error of its own.
    const quiet = await compare(a.id, { weeks: 4 });
    expect(quiet.statusCode, quiet.body).toBe(200);
    expect(quiet.json().changed).toEqual({ days: 0, production: { wape: null, mape: null }, sandbox: { wape: null, mape: null }, change: { wape: null, mape: null } });
    expect(quiet.json().overall.change).toEqual({ wape: 0, mape: 0 });
    expect((await auditor.inject({ method: 'GET', url: `/api/forecasting/factors/sandboxes/${a.id}` })).json().factors).toEqual(decay(0.4));
    expect((await factorsNow()).production).toEqual(before.production);
    expect((await factorsNow()).history).toEqual(before.history);

    const noReason = await publish(a.id, {});
    expect([noReason.statusCode, noReason.json().error, noReason.json().field]).toEqual([400, 'MISSING_FIELD', 'reason']);
    const blankReason = await publish(a.id, { reason: '  ' });
    expect([blankReason.statusCode, blankReason.json().field]).toEqual([400, 'reason']);
    expect((await planner.inject({ method: 'DELETE', url: `/api/forecasting/factors/sandboxes/${a.id}` })).statusCode).toBe(204);
    expect((await factorsNow()).production).toEqual(before.production);

    // Someone else publishes first: b copied version 2, production is now 3, so b is stale and refused.
    const c = await open();
    expect((await publish(c.id, { reason: 'unchanged, re-confirmed after review' })).statusCode).toBe(200);
    const moved = await factorsNow();
    expect(moved.sandboxes.find((one: { id: string }) => one.id === b.id).stale).toBe(true);
    const stale = await publish(b.id, { reason: 'add the 618 uplift' });
    expect([stale.statusCode, stale.json().error, stale.json().field]).toEqual([409, 'CONFLICT', 'id']);
    expect(stale.json().message).toContain('open a new sandbox');
    expect((await factorsNow()).production).toEqual(moved.production);
    expect((await factorsNow()).production.factors).toEqual(decay(0.62));
    expect((await planner.inject({ method: 'DELETE', url: `/api/forecasting/factors/sandboxes/${b.id}` })).statusCode).toBe(204);
  });

  it('refuses bad input naming the field, and changes nothing', async () => {
    const sandbox = await open();
    const stored = (await auditor.inject({ method: 'GET', url: `/api/forecasting/factors/sandboxes/${sandbox.id}` })).body;
    const factors = [
      { kind: 'spring-festival-decay', name: 'decay', daysBefore: 21, multiplier: 0.62 },
      { kind: 'holiday', name: 'national day', country: 'CN', holiday: 'National Day', multiplier: 1.2 },
      { kind: 'promotion-uplift', name: '618', multiplier: -1 },
    ];
    const bad = await edit(sandbox.id, { factors });
    expect([bad.statusCode, bad.json().error, bad.json().field], bad.body).toEqual([400, 'INVALID_VALUE', 'factors.2.multiplier']);
    expect(bad.json().message).toContain('factors.2.multiplier: expected a multiplier > 0');
    const several = await edit(sandbox.id, { factors: [{ ...factors[0], multiplier: 20 }, { ...factors[1], country: 'JP' }, { kind: 'weather', name: 'rain' }] });
    expect(several.json().problems.map((problem: { path: string }) => problem.path)).toEqual(['factors.0.multiplier', 'factors.1.country', 'factors.2.kind']);
    const duplicate = await edit(sandbox.id, { factors: [factors[0], { ...factors[1], name: 'decay' }] });
    expect([duplicate.statusCode, duplicate.json().field]).toEqual([400, 'factors.1.name']);
    expect(duplicate.json().message).toContain('duplicate factor name "decay"');
    const cases: Array<[string, string, object, number, string, string]> = [
      ['PUT', sandbox.id, { factor: [] }, 400, 'UNKNOWN_FIELD', 'factor'],
      ['PUT', 'no-such-sandbox', decay(0.7), 404, 'NOT_FOUND', 'id'],
      ['POST-compare', sandbox.id, { weeks: 200 }, 400, 'INVALID_VALUE', 'weeks'],
      ['POST-compare', sandbox.id, { model: 'lstm' }, 400, 'INVALID_VALUE', 'model'],
      ['POST-compare', sandbox.id, { sku: 'NOPE' }, 400, 'INVALID_VALUE', 'sku'],
      ['POST-compare', sandbox.id, { weeks: 80 }, 400, 'INVALID_VALUE', 'weeks'],
      ['POST-compare', 'no-such-sandbox', {}, 404, 'NOT_FOUND', 'id'],
      ['POST-publish', 'no-such-sandbox', { reason: 'x' }, 404, 'NOT_FOUND', 'id'],
    ];
    for (const [method, id, payload, status, error, field] of cases) {
      const response = method === 'PUT' ? await edit(id, payload) : method === 'POST-compare' ? await compare(id, payload) : await publish(id, payload);
      expect([response.statusCode, response.json().error, response.json().field], `${method} ${JSON.stringify(payload)}: ${response.body}`).toEqual([status, error, field]);
      expect(response.json().message).toContain(field);
    }
    expect((await planner.inject({ method: 'DELETE', url: '/api/forecasting/factors/sandboxes/no-such-sandbox' })).statusCode).toBe(404);
    expect((await auditor.inject({ method: 'GET', url: `/api/forecasting/factors/sandboxes/${sandbox.id}` })).body).toBe(stored);
    const badScope = await auditor.inject({ method: 'GET', url: '/api/forecasting/factors?scope=%20x' });
    expect([badScope.statusCode, badScope.json().field]).toEqual([400, 'scope']);
  });
});

/** Stock-out series-days between `from` and `to` of the generated history (not scored). */
function censoredBetween(from: string, to: string): number {
  return generatedHistory().series({ from, to }).reduce((sum, one) => sum + one.days.filter((day) => day.censored).length, 0);
}
