/**
 * The forecasting screen in a real Chromium against the real cloud app (openTestCloud) with the
 * forecasting service (openForecasting) on a real SQLite file: the inventory fixture's catalogue
 * with 200 days of demo sales posted to its ledger (generateDemoSalesHistory), read back by the
 * ledger's sales history, and a published factor set with the pre-Spring-Festival decay. In the
 * last three weeks the bolts' demand turns erratic (real shipments of 3x the mean every other day
 * on top), which the forecasts made on those Mondays could not know, so the monitor opens a review.
 * The screen shows the series, the forecast plot with its interval and factor markers, the
 * per-day decomposition, a backtest and a training run started from the page with their
 * progress, the MAPE monitor, and the review closed with a note; a reader gets no controls.
 * Every expected figure is read from the API, not written down here.
 */
import type { Browser, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../bin/support/chromium.ts';
import { freePort } from '../../bin/support/free-port.ts';
import { systemClock } from '../../connectors/clock.ts';
import { generateDemoSalesHistory } from '../forecasting/demo-sales-history.ts';
import { FactorVersions } from '../forecasting/factor-versions.ts';
import type { ForecastJob, ReviewTask, SeriesForecast } from '../forecasting/forecasting-types.ts';
import { openForecasting, type BacktestSummary, type OpenForecasting, type SeriesOverview } from '../forecasting/open-forecasting.ts';
import { LedgerSalesHistory } from '../forecasting/sales-history.ts';
import { openInventoryFixture, SKU, type InventoryFixture } from '../inventory/testing/inventory-fixture.ts';
import { forecastFactorRoutes } from './routes/forecast-factors.ts';
import { forecastingRoutes } from './routes/forecasting.ts';
import { startCloudHttp, type CloudHttp } from './server.ts';
import { demoPassword, openTestCloud, type LoggedIn, type TestCloud } from './test-fixture.ts';

const DAY = 86_400_000;
/** Monday 25 January 2027, 08:00 UTC: the 14 forecast days run up to the Spring Festival (6 February). */
const NOW = Date.parse('2027-01-25T08:00:00Z');
const at = (day: string, hour = 8) => Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00Z`);
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const pct = (share: number | null) => (share === null ? '—' : `${(share * 100).toFixed(1)}%`);

let fixture: InventoryFixture;
let forecasting: OpenForecasting;
let cloud: TestCloud;
let http: CloudHttp;
let browser: Browser;
let admin: LoggedIn;

const getJson = async <T>(url: string): Promise<T> => {
  const response = await admin.inject({ method: 'GET', url });
  expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
  return response.json() as T;
};

beforeAll(async () => {
  fixture = openInventoryFixture({ start: NOW });
  // opening stock on the shelves: the demo history runs each SKU with stock on a storage shelf
  fixture.receive({ sku: SKU.bolt, qty: 600, to: 'A01' });
  fixture.receive({ sku: SKU.milk, lot: 'MILK-OPEN', expiry: '2027-02-10', qty: 200, to: 'B10' });
  fixture.receive({ sku: SKU.drug, lot: 'AMOX-OPEN', expiry: '2028-12-31', qty: 300, to: 'A02' });
  const history = generateDemoSalesHistory({ db: fixture.db, catalog: fixture.catalog, clock: fixture.clock }, { days: 200, seed: 8 });
  const bolts = history.series.find((one) => one.sku === SKU.bolt)!;
  // the last three weeks, a second customer takes 3x the bolts' mean every other day on top
  const mean = bolts.meanDailyDemand;
  const erratic = Array.from({ length: 21 }, (_, i) => (i % 2 === 0 ? 0 : Math.round(mean * 3)));
  fixture.ledger.post([{ sku: SKU.bolt, qty: erratic.reduce((a, b) => a + b, 0), from: 'SUP-1', to: bolts.shelf, reason: 'receipt', effectiveAt: at('2027-01-04', 6) }], { actor: 'test' });
  fixture.ledger.post(erratic.flatMap((qty, i) => qty === 0 ? [] : [{ sku: SKU.bolt, qty, from: bolts.shelf, to: 'CUST-1', reason: 'shipment' as const, effectiveAt: at(dayOf(at('2027-01-04', 12) + i * DAY), 12) }]), { actor: 'test' });

  const factors = new FactorVersions(fixture.db, () => fixture.clock.now());
  const sandbox = factors.openSandbox({ scope: 'global', actor: 'admin' });
  factors.editSandbox(sandbox.id, { factors: { factors: [{ kind: 'spring-festival-decay', name: 'pre-festival decay', daysBefore: 21, multiplier: 0.85 }] }, actor: 'admin' });
  factors.publish(sandbox.id, { actor: 'admin', reason: 'logistics wind down before the Spring Festival' });

  const salesHistory = new LedgerSalesHistory(fixture.db, fixture.clock);
  forecasting = openForecasting(fixture.file, {
    salesHistory,
    clock: { ...systemClock, now: () => fixture.clock.now() },
    logger: pino({ level: 'silent' }),
    dailyRunMinute: null,
    train: { maxEpochs: 3, hiddenSize: 4, windowsPerEpoch: 64 },
    // Long enough (a few seconds) that the page, polling every 500 ms, sees the bar between start and end.
    backtest: { folds: 6, lstm: { inputDays: 28, hiddenSize: 8, maxEpochs: 4, windowsPerEpoch: 1500 } },
  });
  // the forecasts of the three Mondays before, then the monitor scores those weeks against the sales
  for (const monday of ['2027-01-04', '2027-01-11', '2027-01-18']) await forecasting.runs.run(at(monday));
  forecasting.monitor.update(NOW);
  await forecasting.runs.run(NOW);

  cloud = await openTestCloud({
    demoUsers: true,
    beforeReady: (app) => {
      app.register(forecastingRoutes, { forecasting: forecasting.api });
      // the factor editor (another module) shows inside the screen; its routes as the cloud wires them
      app.register(forecastFactorRoutes, { factors, salesHistory, clock: fixture.clock });
    },
  });
  admin = await cloud.login('admin');
  http = await startCloudHttp({ app: cloud.app, host: '127.0.0.1', port: await freePort() });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await cloud?.close();
  await forecasting?.close();
  fixture?.close();
});

/**
 * A fresh context logged in as `username` on the forecasting screen. Collects page errors, and
 * the API's refusals as `<status> <method> <path>` (the browser logs each as a console error too;
 * the tests say which refusals they expect).
 */
async function openScreen(username: string): Promise<{ page: Page; errors: string[]; refused: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text()); });
  const refused: string[] = [];
  page.on('response', (response) => { if (response.status() >= 400) refused.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`); });
  await page.goto(`${http.url}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(demoPassword(username));
  await page.locator('#login-submit').click();
  await page.waitForSelector('#user-name:not(:empty)');
  await page.goto(`${http.url}/#/forecasting`);
  await page.waitForSelector('#screen-forecasting:not([hidden]) #forecast-decomposition tbody tr');
  return { page, errors, refused };
}

/** Picks a series in the list and waits for its forecast and monitor. */
async function pick(page: Page, series: { sku: string; location: string }): Promise<void> {
  await page.locator(`#forecast-series-rows tr[data-key="${series.sku}@${series.location}"] button.forecast-pick`).click();
  await page.waitForFunction((title) => document.getElementById('forecast-selected')?.textContent === title, `${series.sku} at ${series.location}`);
  await page.waitForFunction((sku) => document.getElementById('forecast-monitor-scope')?.textContent?.includes(sku), series.sku);
}

/**
 * Clicks a job's start button and waits until the page shows it finished; returns the job as the
 * API has it, and every progress the page's bar showed on the way (percent).
 */
async function runJob(page: Page, kind: ForecastJob['kind']): Promise<{ job: ForecastJob; shown: number[] }> {
  await page.evaluate(() => {
    const seen: number[] = [];
    (globalThis as unknown as { progressSeen: number[] }).progressSeen = seen;
    const bar = document.getElementById('forecast-job-progress')!;
    new MutationObserver(() => seen.push(Number(bar.getAttribute('aria-valuenow')))).observe(bar, { attributes: true, attributeFilter: ['aria-valuenow'] });
  });
  await page.locator(`#forecast-start-${kind}`).click();
  await page.waitForSelector(`#forecast-job[data-kind="${kind}"]`);
  await page.waitForSelector(`#forecast-job[data-kind="${kind}"]:is([data-state="done"], [data-state="failed"])`, { timeout: 45_000 });
  const id = Number(await page.locator('#forecast-job').getAttribute('data-job-id'));
  const shown = await page.evaluate(() => (globalThis as unknown as { progressSeen: number[] }).progressSeen);
  return { job: await getJson<ForecastJob>(`/api/forecasting/jobs/${id}`), shown };
}

describe('the forecasting screen as a planner with forecasting.manage', () => {
  let page: Page;
  let errors: string[];
  let refused: string[];
  let series: SeriesOverview[];

  beforeAll(async () => {
    ({ page, errors, refused } = await openScreen('purchasing'));
    ({ series } = await getJson<{ series: SeriesOverview[] }>('/api/forecasting/series'));
  }, 30_000);

  afterAll(async () => {
    await page?.context().close();
  });

  it('lists every series with its class, model, last week\'s MAPE and review flag', async () => {
    expect(await page.locator('#main-nav a[aria-current="page"]').textContent()).toBe('Forecasting');
    expect(series.length).toBeGreaterThanOrEqual(2);
    const rows = page.locator('#forecast-series-rows tr.forecast-series-row');
    expect(await rows.count()).toBe(series.length);
    for (const one of series) {
      const cells = await page.locator(`#forecast-series-rows tr[data-key="${one.sku}@${one.location}"]`).locator('th, td').allTextContents();
      const over = one.lastWeekMape !== null && one.lastWeekMape > 0.15;
      expect(cells).toEqual([one.sku, one.location, one.demandClass, one.model, `${pct(one.lastWeekMape)}${over ? ' ▲' : ''}`, one.openReview ? '⚑ open review' : '—']);
    }
    // the bolts' erratic weeks opened a review, and the list says so
    expect(series.find((one) => one.sku === SKU.bolt)?.openReview).toBeTruthy();
  }, 30_000);

  it('plots history, forecast, the 80% band and factor markers, and explains every day as baseline x factors', async () => {
    const milk = series.find((one) => one.sku === SKU.milk)!;
    await pick(page, milk);
    const forecast = await getJson<SeriesForecast>(`/api/forecasting/forecasts/${milk.sku}/${milk.location}`);
    expect(forecast.days).toHaveLength(14);
    const factorDays = forecast.days.filter((day) => day.factors.length > 0);
    expect(factorDays.length).toBeGreaterThan(0);

    const chart = page.locator('#forecast-chart');
    expect(await chart.locator('canvas').count()).toBe(1);
    expect(await chart.getAttribute('data-factor-days')).toBe(String(factorDays.length));
    expect(await chart.getAttribute('data-first-day')).toBe(forecast.history[0]!.day);
    expect(await chart.getAttribute('data-last-day')).toBe(forecast.days.at(-1)!.day);
    expect(await chart.locator('.u-legend .u-series .u-label').allTextContents()).toEqual(['day', 'actual', 'forecast', '80% low', '80% high', 'factors']);

    // the cursor on a factor day: the legend names the factor and its value
    const target = factorDays[0]!;
    const over = (await chart.locator('.u-over').boundingBox())!;
    const [first, last] = [Date.parse(forecast.history[0]!.day), Date.parse(forecast.days.at(-1)!.day)];
    await page.mouse.move(over.x + ((Date.parse(target.day) - first) / (last - first)) * over.width, over.y + over.height / 2);
    await expect.poll(() => chart.locator('.u-legend .u-series').nth(0).locator('.u-value').textContent()).toBe(target.day);
    expect(await chart.locator('.u-legend .u-series').nth(5).locator('.u-value').textContent())
      .toBe(target.factors.map((f) => `${f.name} x${Number(f.value.toFixed(4))}`).join(' · '));

    const rows = page.locator('#forecast-decomposition tbody tr');
    expect(await rows.count()).toBe(forecast.days.length);
    for (const [i, day] of forecast.days.entries()) {
      const row = rows.nth(i);
      expect(await row.getAttribute('data-day')).toBe(day.day);
      expect(await row.getAttribute('data-factors')).toBe(String(day.factors.length));
      // the arithmetic the row shows is the arithmetic of the API's numbers
      const product = day.factors.reduce((p, f) => p * f.value, 1);
      expect(day.forecast).toBeCloseTo(day.baseline * product, 6);
      expect(day.lower).toBeLessThanOrEqual(day.forecast);
      expect(day.upper).toBeGreaterThanOrEqual(day.forecast);
      const equation = (await row.locator('.forecast-equation').textContent())!;
      const numbers = equation.replace(/,/g, '').split(/ x| = /).map(Number);
      expect(numbers[0]).toBeCloseTo(day.baseline, 1);
      expect(numbers.at(-1)).toBeCloseTo(day.forecast, 1);
      expect(numbers.slice(1, -1)).toEqual(day.factors.map((f) => Number(f.value.toFixed(4))));
      for (const factor of day.factors) expect(await row.locator(`li[data-factor="${factor.name}"]`).textContent()).toContain(factor.why);
    }
  }, 30_000);

  it('runs a backtest from the page: progress with WAPE so far, then every model beside seasonal naive with the champion marked', async () => {
    const { job, shown } = await runJob(page, 'backtest');
    expect(job.state, job.error ?? '').toBe('done');
    // polled while it ran: the bar moved through values between start and end, ending full
    expect(shown.some((value) => value > 0 && value < 100), `progress shown: ${shown.join(', ')}`).toBe(true);
    expect(shown.at(-1)).toBe(100);
    expect(await page.locator('#forecast-job-progress').getAttribute('aria-valuenow')).toBe('100');
    expect(await page.locator('#forecast-job-chart-backtest').getAttribute('data-points')).toBe(String(job.points.length));
    expect(job.points.length).toBeGreaterThan(0);

    const backtest = await getJson<BacktestSummary>('/api/forecasting/backtest');
    await page.waitForSelector('#forecast-backtest-table tbody tr');
    const rows = page.locator('#forecast-backtest-table tbody tr');
    expect(await rows.count()).toBe(backtest.models.length);
    for (const model of backtest.models) {
      const row = page.locator(`#forecast-backtest-table tr[data-model="${model}"]`);
      const metrics = backtest.pooled[model]!;
      expect(await row.locator('[data-metric="mape"]').textContent()).toBe(pct(metrics.mape));
      expect(await row.locator('[data-metric="wape"]').textContent()).toBe(pct(metrics.wape));
      const vs = backtest.vsSeasonalNaive[model] ?? null;
      const words = model === 'snaive' ? 'baseline' : vs === null ? '—' : Math.abs(vs) < 0.05 ? 'same' : vs > 0 ? `${vs.toFixed(1)}% better` : `${(-vs).toFixed(1)}% worse`;
      expect(await row.locator('[data-metric="vs-snaive"]').textContent()).toBe(words);
      expect(await row.getAttribute('class')).toBe(model === backtest.champion ? 'is-champion' : null);
    }
    expect(await page.locator('#forecast-backtest-table tr.is-champion th').textContent()).toBe(`${backtest.champion} ★ champion`);
    for (const one of backtest.classes) {
      expect(await page.locator(`#forecast-classes li[data-demand-class="${one.demandClass}"]`).textContent()).toContain(`champion ${one.champion ?? '— none'}`);
    }
  }, 60_000);

  it('trains the model from the page with a progress bar and a live loss plot', async () => {
    const { job } = await runJob(page, 'train');
    expect(job.state, job.error ?? '').toBe('done');
    expect(job.points.length).toBeGreaterThan(0);
    expect(await page.locator('#forecast-job-progress').getAttribute('aria-valuenow')).toBe('100');
    expect(await page.locator('#forecast-job-chart-train').getAttribute('data-points')).toBe(String(job.points.length));
    expect(await page.locator('#forecast-job-message').textContent()).toBe(`100% · ${job.message}`);
    const status = await getJson<{ model: { id: number } | null }>('/api/forecasting/status');
    await expect.poll(() => page.locator('#forecast-summary').textContent()).toContain(`Model #${status.model!.id}: LSTM`);
    // a job row for it in the recent jobs
    expect(await page.locator(`#forecast-job-rows tr[data-job-id="${job.id}"]`).getAttribute('data-state')).toBe('done');
  }, 60_000);

  it('shows the MAPE monitor with the 15% line and closes the open review only with a note', async () => {
    const bolts = series.find((one) => one.sku === SKU.bolt)!;
    await pick(page, bolts);
    const monitor = await getJson<{ threshold: number; weeks: Array<{ mape: number | null; breach: boolean }> }>(`/api/forecasting/monitor?sku=${bolts.sku}&location=${bolts.location}&weeks=12`);
    expect(monitor.threshold).toBe(0.15);
    expect(await page.locator('#forecast-monitor-chart').getAttribute('data-points')).toBe(String(monitor.weeks.filter((w) => w.mape !== null).length));
    expect(await page.locator('#forecast-monitor-chart .u-legend .u-label').allTextContents()).toContain('threshold 15%');
    expect(await page.locator('#forecast-monitor-weeks tr[data-breach="true"]').count()).toBe(monitor.weeks.filter((w) => w.breach).length);

    const { reviews } = await getJson<{ reviews: ReviewTask[] }>('/api/forecasting/reviews?state=open');
    const review = reviews.find((one) => one.sku === bolts.sku)!;
    expect(review.weeks).toHaveLength(3);
    const item = page.locator(`#forecast-reviews li[data-review-id="${review.id}"]`);
    expect(await item.textContent()).toContain(review.reason);
    // without a note the API refuses, and the page says why; nothing changes
    await item.locator('button[type="submit"]').click();
    await item.locator('.form-error:not([hidden])').waitFor();
    expect(await item.locator('.form-error').textContent()).toMatch(/note/i);
    expect((await getJson<{ reviews: ReviewTask[] }>('/api/forecasting/reviews?state=open')).reviews.map((r) => r.id)).toContain(review.id);

    await item.locator('input[name="note"]').fill('bolt demand turned erratic: a construction customer orders every other day');
    await item.locator('button[type="submit"]').click();
    await item.waitFor({ state: 'detached' });
    const closed = (await getJson<{ reviews: ReviewTask[] }>('/api/forecasting/reviews?state=closed')).reviews.find((r) => r.id === review.id)!;
    expect(closed).toMatchObject({ state: 'closed', closedBy: 'purchasing', note: 'bolt demand turned erratic: a construction customer orders every other day' });
    await expect.poll(() => page.locator(`#forecast-series-rows tr[data-key="${bolts.sku}@${bolts.location}"] .forecast-review`).textContent()).toBe('—');
    expect(errors).toEqual([]);
    // no backtest before the one started here, and the close without a note: nothing else refused
    expect([...new Set(refused)].sort()).toEqual(['400 POST /api/forecasting/reviews/' + review.id + '/close', '404 GET /api/forecasting/backtest']);
  }, 30_000);
});

describe('the forecasting screen as an auditor', () => {
  it('shows the same forecasts read-only: no job buttons, no review form', async () => {
    const { page, errors, refused } = await openScreen('auditor');
    try {
      expect(await page.locator('#forecast-series-rows tr.forecast-series-row').count()).toBeGreaterThan(0);
      expect(await page.locator('[id^="forecast-start-"]').count()).toBe(0);
      expect(await page.locator('#forecast-jobs').textContent()).toContain('needs forecasting.manage');
      expect(await page.locator('.forecast-review-close').count()).toBe(0);
      // the API agrees: an auditor cannot start a job
      const auditor = await cloud.login('auditor');
      expect((await auditor.inject({ method: 'POST', url: '/api/forecasting/jobs', payload: { kind: 'forecast' } })).statusCode).toBe(403);
      expect(errors).toEqual([]);
      expect(refused).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 30_000);
});
