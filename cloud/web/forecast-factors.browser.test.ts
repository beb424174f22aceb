/**
 * The factor sandbox editor (forecast-factors-panel.js) in a real Chromium, inside the forecasting
 * screen, against the real factor routes over a real SQLite file: the factor store (migration 016)
 * and the sales history read from the inventory ledger (LedgerSalesHistory), into which six months
 * of daily shipments were posted whose true pre-Spring-Festival decay is 0.62 while production
 * says 0.85 (issue 8's example). A reader sees production and its history read-only; a planner
 * opens a sandbox, sees a refused edit beside the field the API names, compares 0.62 with
 * production (the figures the compare route answers), publishes with a reason and sees the new
 * version; a discarded sandbox leaves production as it was.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../bin/support/chromium.ts';
import { freePort } from '../../bin/support/free-port.ts';
import { addDays, daysBetween, nearestChineseNewYear } from '../forecasting/calendar-features.ts';
import { FactorVersions } from '../forecasting/factor-versions.ts';
import { LedgerSalesHistory } from '../forecasting/sales-history.ts';
import { seededRandom } from '../forecasting/seeded-random.ts';
import { openInventoryFixture, SKU, type InventoryFixture } from '../inventory/testing/inventory-fixture.ts';
import { forecastFactorRoutes } from './routes/forecast-factors.ts';
import { startCloudHttp, type CloudHttp } from './server.ts';
import { demoPassword, openTestCloud, type LoggedIn, type TestCloud } from './test-fixture.ts';

const FIRST_DAY = '2025-09-01';
const LAST_DAY = '2026-03-09';
/** The server's now: the day after the last sales day (the comparison scores up to yesterday). */
const NOW = Date.parse('2026-03-10T09:00:00Z');
const TRUE_DECAY = 0.62;
const decaySet = (multiplier: number) => ({ factors: [{ kind: 'spring-festival-decay', name: 'pre-Spring-Festival decay', daysBefore: 21, multiplier }] });

let inventory: InventoryFixture;
let cloud: TestCloud;
let http: CloudHttp;
let browser: Browser;
let auditor: LoggedIn;
const pageErrors: string[] = [];

/** Daily shipments of bolts from shelf A01 to the customer: a weekly pattern, +-5% noise, x0.62 on the 21 days before New Year. */
function seedSales(): void {
  const { ledger, clock } = inventory;
  const random = seededRandom(8);
  const byWeekday = [1.0, 0.95, 0.95, 1.0, 1.2, 1.6, 0.7]; // FIRST_DAY is a Monday
  inventory.receive({ sku: SKU.bolt, qty: 100_000, to: 'A01' });
  const count = daysBetween(FIRST_DAY, LAST_DAY) + 1;
  for (let index = 0; index < count; index++) {
    const day = addDays(FIRST_DAY, index);
    const offset = nearestChineseNewYear(day).daysFromChineseNewYear;
    const decay = offset < 0 && offset >= -21 ? TRUE_DECAY : 1;
    clock.set(Date.parse(`${day}T10:00:00Z`));
    const qty = Math.round(60 * byWeekday[index % 7]! * decay * (1 + random.uniform(-0.05, 0.05)));
    ledger.post([{ sku: SKU.bolt, qty, from: 'A01', to: 'CUST-1', reason: 'shipment', docType: 'DN', docId: `DN-${index}` }], { actor: 'seed' });
  }
  clock.set(NOW);
}

beforeAll(async () => {
  inventory = openInventoryFixture({ start: Date.parse(`${FIRST_DAY}T06:00:00Z`) });
  seedSales();
  const { db, clock } = inventory;
  const factors = new FactorVersions(db, () => clock.now());
  // production as last year's planner left it: 0.85
  const first = factors.openSandbox({ scope: 'default', actor: 'planner-2025' });
  factors.editSandbox(first.id, { factors: decaySet(0.85), actor: 'planner-2025' });
  factors.publish(first.id, { actor: 'planner-2025', reason: 'shops close earlier before New Year' });
  cloud = await openTestCloud({
    demoUsers: true,
    beforeReady: (app) => {
      void app.register(forecastFactorRoutes, { factors, salesHistory: new LedgerSalesHistory(db, clock), clock });
    },
  });
  auditor = await cloud.login('auditor');
  http = await startCloudHttp({ app: cloud.app, host: '127.0.0.1', port: await freePort() });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await cloud?.close();
  inventory?.close();
});

/** The factors of production as the API answers them now (read by another account). */
async function productionNow(): Promise<{ version: number; multiplier: number; sandboxes: number }> {
  const body = (await auditor.inject({ method: 'GET', url: '/api/forecasting/factors' })).json();
  return { version: body.production.version, multiplier: body.production.factors.factors[0].multiplier, sandboxes: body.sandboxes.length };
}

/** A page of its own browser context, logged in as `username`, on the forecasting screen with the factor panel drawn. */
async function factorPanelAs(username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(`${username}: ${error.message}`));
  await page.goto(`${http.url}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(demoPassword(username));
  await page.locator('#login-submit').click();
  await page.waitForURL(`${http.url}/`);
  await page.waitForSelector('body > main:not([hidden])');
  await page.goto(`${http.url}/#/forecasting`);
  await page.waitForSelector('#screen-forecasting:not([hidden])');
  await page.waitForSelector('#forecast-factors #factor-version');
  return page;
}

const row = (page: Page, index: number) => page.locator(`#factor-rows .factor-row[data-index="${index}"]`);

describe('the factor sandbox editor', () => {
  it('shows a reader production, its version and who published it when and why, with no control to change it', async () => {
    const page = await factorPanelAs('sales');
    try {
      expect(await page.locator('#factor-version').textContent()).toMatch(/^Version 1, published by planner-2025 on .+: shops close earlier before New Year$/);
      const factor = page.locator('#factor-production-table tr[data-factor="pre-Spring-Festival decay"]');
      expect(await factor.locator('td').allTextContents()).toEqual(['pre-Spring-Festival decay', 'Spring Festival decay', 'Days before New Year: 21 · Multiplier: 0.85']);
      expect(await page.locator('#factor-history li[data-version="1"]').textContent()).toContain('planner-2025');
      expect(await page.locator('#factor-open').count()).toBe(0);
      expect(await page.locator('#factor-sandbox').isHidden()).toBe(true);
      expect(await page.locator('#forecast-factors').textContent()).toContain('read-only');
    } finally {
      await page.context().close();
    }
  });

  it('lets a planner open a sandbox, shows a refused edit by its field, compares 0.62 with production and publishes it with a reason', async () => {
    const page = await factorPanelAs('purchasing');
    try {
      await page.locator('#factor-open').click();
      await page.waitForSelector('#factor-sandbox:not([hidden])');
      expect(await row(page, 0).getAttribute('data-kind')).toBe('spring-festival-decay');
      expect(await row(page, 0).locator('input[name="multiplier"]').inputValue()).toBe('0.85');

      // a multiplier of 0 is refused beside its input; nothing is saved and production is as it was
      await row(page, 0).locator('input[name="multiplier"]').fill('0');
      await page.locator('#factor-save').click();
      const problem = row(page, 0).locator('.field-problem[data-for="multiplier"]');
      await expect.poll(() => problem.textContent()).toContain('expected a multiplier > 0');
      expect(await row(page, 0).locator('input[name="multiplier"]').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#factor-status').textContent()).toContain('factors.0.multiplier');
      expect(await productionNow()).toEqual({ version: 1, multiplier: 0.85, sandboxes: 1 });

      // a second factor of another kind has its own fields; removed again, the rows renumber
      await page.locator('#factor-add-kind').selectOption('holiday');
      await page.locator('#factor-add').click();
      expect(await row(page, 1).locator('select[name="country"]').inputValue()).toBe('CN');
      expect(await row(page, 1).locator('input[name="daysBefore"]').count()).toBe(0);
      await row(page, 1).locator('[data-action="remove"]').click();
      expect(await page.locator('#factor-rows .factor-row').count()).toBe(1);

      // 0.62: compare saves the sandbox first, then shows the route's figures
      await row(page, 0).locator('input[name="multiplier"]').fill(String(TRUE_DECAY));
      await page.locator('#factor-compare').click();
      await page.waitForSelector('#factor-comparison:not([hidden])');
      expect(await problem.textContent()).toBe('');
      const sandboxId = await page.locator('#factor-sandbox').getAttribute('data-sandbox');
      const expected = (await auditor.inject({ method: 'GET', url: `/api/forecasting/factors/sandboxes/${sandboxId}` })).json();
      expect(expected.factors.factors[0].multiplier).toBe(TRUE_DECAY);
      const planner = await cloud.login('purchasing');
      const answer = (await planner.inject({ method: 'POST', url: `/api/forecasting/factors/sandboxes/${sandboxId}/compare`, payload: {} })).json();
      expect(answer.sandboxIsBetter).toBe(true);
      expect(answer.changed.days).toBe(21);
      const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
      const overall = page.locator('#factor-comparison-rows tr[data-row="overall"]');
      expect(await overall.locator('[data-field="production-wape"]').textContent()).toBe(pct(answer.overall.production.wape));
      expect(await overall.locator('[data-field="sandbox-wape"]').textContent()).toBe(pct(answer.overall.sandbox.wape));
      expect(await overall.locator('[data-field="change-wape"]').getAttribute('data-direction')).toBe('better');
      const changed = page.locator('#factor-comparison-rows tr[data-row="changed"]');
      expect(await changed.locator('td').first().textContent()).toBe('21');
      expect(await changed.locator('[data-field="production-mape"]').textContent()).toBe(pct(answer.changed.production.mape));
      expect(await changed.locator('[data-field="sandbox-mape"]').textContent()).toBe(pct(answer.changed.sandbox.mape));
      expect(await page.locator('#factor-verdict').textContent()).toContain('would have erred less');
      expect(await page.locator('#factor-comparison-chart canvas').count()).toBe(1);
      expect(await page.locator('#factor-comparison-chart').getAttribute('data-points')).toBe(String(answer.days.length * 3));
      expect(await productionNow()).toEqual({ version: 1, multiplier: 0.85, sandboxes: 1 });

      // publishing needs a reason, named beside its field; with one, production becomes version 2
      await page.locator('#factor-publish').click();
      await expect.poll(() => page.locator('#factor-reason-problem').textContent()).toContain('reason');
      expect(await productionNow()).toEqual({ version: 1, multiplier: 0.85, sandboxes: 1 });
      await page.locator('#factor-reason').fill('logistics stop earlier this year');
      await page.locator('#factor-publish').click();
      await expect.poll(() => page.locator('#factor-version').getAttribute('data-version')).toBe('2');
      expect(await page.locator('#factor-version').textContent()).toMatch(/^Version 2, published by purchasing on .+: logistics stop earlier this year$/);
      expect(await page.locator('#factor-production-table td').allTextContents()).toContain('Days before New Year: 21 · Multiplier: 0.62');
      expect(await page.locator('#factor-history li').count()).toBe(2);
      expect(await page.locator('#factor-sandbox').isHidden()).toBe(true);
      expect(await productionNow()).toEqual({ version: 2, multiplier: 0.62, sandboxes: 0 });
    } finally {
      await page.context().close();
    }
  }, 30_000);

  it('discards a sandbox without touching production', async () => {
    const before = await productionNow();
    const page = await factorPanelAs('purchasing');
    try {
      await page.locator('#factor-open').click();
      await page.waitForSelector('#factor-sandbox:not([hidden])');
      await row(page, 0).locator('input[name="multiplier"]').fill('0.4');
      await page.locator('#factor-save').click();
      await expect.poll(() => page.locator('#factor-status').textContent()).toContain('Sandbox saved');
      expect(await page.locator('#factor-sandboxes li').count()).toBe(1);
      page.once('dialog', (dialog) => void dialog.accept());
      await page.locator('#factor-discard').click();
      await expect.poll(() => page.locator('#factor-status').textContent()).toContain('discarded');
      expect(await page.locator('#factor-sandbox').isHidden()).toBe(true);
      expect(await page.locator('#factor-sandboxes li').count()).toBe(0);
      expect(await productionNow()).toEqual({ ...before, sandboxes: 0 });
      expect(await page.locator('#factor-version').getAttribute('data-version')).toBe(String(before.version));
    } finally {
      await page.context().close();
    }
  });

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
