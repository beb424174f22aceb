/**
 * The replenishment screen in a real Chromium against the real replenishment routes over the real
 * inventory core (the inventory fixture's SQLite file, ledger, lots with expiry, transit stock)
 * with a ForecastSource of fixed daily numbers (the forecast is not what this checks). A buyer
 * runs the suggestions and sees every figure the API computed with its explanation, milk that
 * expires before it would sell highlighted, the series without a forecast listed as skipped;
 * accepts one with a purchase order and dismisses another (stock unchanged); a decision someone
 * else made meanwhile is refused beside the row. The accepted order is listed as an open purchase
 * order (received from a ledger receipt naming it, overdue highlighted) and closed with a reason
 * the screen asks for by field. A reader sees the list and the suppliers with no control to change
 * them, and no purchase orders.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../bin/support/chromium.ts';
import { freePort } from '../../bin/support/free-port.ts';
import { Replenishment } from '../forecasting/replenishment.ts';
import { FixedForecasts } from '../forecasting/testing/fixed-forecasts.ts';
import { SqliteStockStates } from '../inventory/stock-states.ts';
import { DAY, openInventoryFixture, SKU, type InventoryFixture } from '../inventory/testing/inventory-fixture.ts';
import { purchaseOrdersOn } from '../purchasing/open-purchase-orders.ts';
import { PURCHASE_ORDER_DOC_TYPE } from '../purchasing/purchase-orders.ts';
import { purchaseOrderRoutes } from './routes/purchase-orders.ts';
import { replenishmentRoutes } from './routes/replenishment.ts';
import { startCloudHttp, type CloudHttp } from './server.ts';
import { demoPassword, openTestCloud, type LoggedIn, type TestCloud } from './test-fixture.ts';

const qty = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
const FIGURES = ['suggestedQty', 'demandOverCoverage', 'coverageDays', 'safetyStock', 'sellableOnHand', 'expiringUnsellable', 'inTransit', 'reserved'] as const;

let inventory: InventoryFixture;
let cloud: TestCloud;
let http: CloudHttp;
let browser: Browser;
let buyerApi: LoggedIn;
const pageErrors: string[] = [];

interface Suggestion { id: number; sku: string; state: string; purchaseOrder: string | null; decidedBy: string | null; explanation: string; [figure: string]: unknown }

/**
 * At 2026-03-01: milk at WH1 (lot M-SHORT 60 expiring on 3 March, M-LONG 40 on 25 March, 12 in
 * transit), amoxicillin with no stock, bolts without a forecast; three suppliers.
 */
function seed(replenishment: Replenishment): void {
  inventory.receive({ sku: SKU.milk, lot: 'M-SHORT', expiry: '2026-03-03', qty: 60, to: 'B10' });
  inventory.receive({ sku: SKU.milk, lot: 'M-LONG', expiry: '2026-03-25', qty: 40, to: 'B11' });
  inventory.receive({ sku: SKU.milk, lot: 'M-TRANSIT', expiry: '2026-04-01', qty: 12, to: 'TRANSIT' });
  replenishment.putSupplier({ id: 'DAIRY', name: 'Dairy co-op', leadTimeMeanDays: 3, leadTimeSdDays: 1, onTimeInFullRate: 0.9, minOrderQty: 50, packSize: 12 }, 'buyer-2025');
  replenishment.putSupplier({ id: 'PHARMA', name: 'Pharma wholesale', leadTimeMeanDays: 10, leadTimeSdDays: 2, onTimeInFullRate: 0.95, packSize: 100 }, 'buyer-2025');
  replenishment.putSupplier({ id: 'HARDWARE', name: 'Fasteners Ltd', leadTimeMeanDays: 5, leadTimeSdDays: 0.5, onTimeInFullRate: 1 }, 'buyer-2025');
  replenishment.putSourcing({ sku: SKU.milk, location: 'WH1', supplier: 'DAIRY', reviewPeriodDays: 4 }, 'buyer-2025');
  replenishment.putSourcing({ sku: SKU.drug, location: 'WH1', supplier: 'PHARMA', reviewPeriodDays: 7, serviceLevel: 0.98 }, 'buyer-2025');
  replenishment.putSourcing({ sku: SKU.bolt, location: 'WH1', supplier: 'HARDWARE', reviewPeriodDays: 14 }, 'buyer-2025');
}

beforeAll(async () => {
  inventory = openInventoryFixture();
  const forecasts = new FixedForecasts()
    .set(SKU.milk, 'WH1', { daily: 10, errorSdPerDay: 2, model: 'ets' })
    .set(SKU.drug, 'WH1', { daily: 5, errorSdPerDay: 1, model: 'croston' });
  const orders = purchaseOrdersOn(inventory.db, inventory.clock);
  const replenishment = new Replenishment(inventory.db, { clock: inventory.clock, forecasts, onOrder: orders.onOrder });
  seed(replenishment);
  cloud = await openTestCloud({
    demoUsers: true,
    beforeReady: (app) => {
      app.register(replenishmentRoutes, { replenishment });
      app.register(purchaseOrderRoutes, { purchaseOrders: orders.api });
    },
  });
  buyerApi = await cloud.login('purchasing');
  http = await startCloudHttp({ app: cloud.app, host: '127.0.0.1', port: await freePort() });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await cloud?.close();
  inventory?.close();
});

async function screenAs(username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(`${username}: ${error.message}`));
  await page.goto(`${http.url}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(demoPassword(username));
  await page.locator('#login-submit').click();
  await page.waitForURL(`${http.url}/`);
  await page.waitForSelector('body > main:not([hidden])');
  await page.goto(`${http.url}/#/replenishment`);
  await page.waitForSelector('#screen-replenishment:not([hidden])');
  await page.waitForSelector('#replenishment-supplier-tables table');
  return page;
}

async function suggestions(state: string): Promise<Suggestion[]> {
  return (await buyerApi.inject({ method: 'GET', url: `/api/replenishment/suggestions?state=${state}` })).json().suggestions;
}

const rowOf = (page: Page, sku: string) => page.locator(`#replenishment-rows tr.replenishment-row[data-sku="${sku}"]`);
const orderRowOf = (page: Page, ref: string) => page.locator(`#replenishment-order-rows tr.replenishment-order-row[data-ref="${ref}"]`);
interface OrderLine { ref: string; sku: string; orderedQty: number; receivedQty: number; openQty: number; state: string; overdue: boolean; closedBy: string | null; closedReason: string | null }
async function orderLines(state: string): Promise<OrderLine[]> {
  return (await buyerApi.inject({ method: 'GET', url: `/api/replenishment/purchase-orders?state=${state}` })).json().lines;
}
const stockNow = () => JSON.stringify(new SqliteStockStates(inventory.db, inventory.clock).byLocation({ includeVirtual: true }));

describe('the replenishment screen', () => {
  it('runs the suggestions for a buyer and shows every figure and the explanation, stock that expires unsold highlighted', async () => {
    const page = await screenAs('purchasing');
    try {
      expect(await page.locator('#replenishment-rows td.empty').count()).toBe(1);
      await page.locator('#replenishment-run').click();
      await page.waitForSelector('#replenishment-rows tr.replenishment-row');
      expect(await page.locator('#replenishment-status').textContent()).toMatch(/2 suggestion\(s\), 2 with something to order, 1 skipped/);
      expect(await page.locator('#replenishment-skipped li[data-sku="BOLT-M8"]').textContent()).toContain('no forecast for BOLT-M8 at WH1');

      const open = await suggestions('open');
      expect(open.map((s) => s.sku).sort()).toEqual([SKU.drug, SKU.milk]);
      for (const suggestion of open) {
        const row = rowOf(page, suggestion.sku);
        for (const field of FIGURES) {
          expect(await row.locator(`[data-field="${field}"]`).textContent(), `${suggestion.sku} ${field}`).toBe(qty.format(suggestion[field] as number));
        }
        const clauses = await page.locator(`#replenishment-rows tr[data-explains="${suggestion.id}"] li`).allTextContents();
        expect(clauses.join('; ')).toBe(suggestion.explanation);
      }

      // milk: lot M-SHORT expires before 10 a day would sell it; it is on the shelf but not counted
      const milk = open.find((s) => s.sku === SKU.milk)!;
      expect(milk.expiringUnsellable).toBeGreaterThan(0);
      expect(await rowOf(page, SKU.milk).getAttribute('class')).toContain('has-expiring');
      expect(await rowOf(page, SKU.milk).locator('[data-field="expiringUnsellable"]').getAttribute('class')).toContain('is-expiring');
      expect(await page.locator(`#replenishment-rows tr[data-explains="${milk.id}"] li.is-expiring`).textContent()).toContain('lot M-SHORT');
      expect(await rowOf(page, SKU.drug).getAttribute('class')).not.toContain('has-expiring');

      const dairy = page.locator('#replenishment-suppliers tr[data-supplier="DAIRY"]');
      for (const [field, text] of [['leadTimeMeanDays', '3'], ['leadTimeSdDays', '1'], ['onTimeInFullRate', '90%'], ['minOrderQty', '50'], ['packSize', '12']]) {
        expect(await dairy.locator(`[data-field="${field}"]`).textContent(), field).toBe(text);
      }
      expect(await page.locator('#replenishment-sourcing tbody tr').count()).toBe(3);
      expect(await page.locator('#replenishment-order-rows td.empty').textContent()).toContain('No open purchase orders');
    } finally {
      await page.context().close();
    }
  }, 30_000);

  it('accepts a suggestion with its purchase order and dismisses another, leaving stock as it was', async () => {
    const before = stockNow();
    const page = await screenAs('purchasing');
    try {
      const milk = rowOf(page, SKU.milk);
      await milk.locator('input[name="purchaseOrder"]').fill('PO-7781');
      await milk.locator('[data-action="accept"]').click();
      await expect.poll(() => page.locator('#replenishment-status').textContent()).toMatch(/^Accepted the order of \d+ MILK-1L at WH1 as PO-7781\.$/);
      expect(await rowOf(page, SKU.milk).count()).toBe(0);

      await rowOf(page, SKU.drug).locator('[data-action="dismiss"]').click();
      await expect.poll(() => page.locator('#replenishment-status').textContent()).toContain('Dismissed the order');
      expect(await page.locator('#replenishment-rows tr.replenishment-row').count()).toBe(0);

      await page.locator('#replenishment-state').selectOption('accepted');
      await expect.poll(() => rowOf(page, SKU.milk).locator('[data-field="decision"]').textContent()).toMatch(/^Accepted as PO-7781 by purchasing on /);
      const [accepted] = await suggestions('accepted');
      expect(accepted).toMatchObject({ sku: SKU.milk, state: 'accepted', purchaseOrder: 'PO-7781', decidedBy: 'purchasing' });
      expect((await suggestions('dismissed')).map((s) => [s.sku, s.decidedBy])).toEqual([[SKU.drug, 'purchasing']]);
      expect(stockNow()).toBe(before);
      // the accepted order is now an open purchase order, shown under the suggestions
      await orderRowOf(page, 'PO-7781').waitFor();
      expect(await orderRowOf(page, 'PO-7781').locator('[data-field="openQty"]').textContent()).toBe(qty.format(accepted!.suggestedQty as number));
      expect(await orderLines('open')).toEqual([expect.objectContaining({ ref: 'PO-7781', sku: SKU.milk, orderedQty: accepted!.suggestedQty, openQty: accepted!.suggestedQty })]);
    } finally {
      await page.context().close();
    }
  }, 20_000);

  it('refuses a decision someone else made meanwhile, beside the row, and changes nothing', async () => {
    const rerun = await buyerApi.inject({ method: 'POST', url: '/api/replenishment/runs', payload: {} });
    // milk's accepted order counts as on order now: nothing more to order
    expect(rerun.json().suggestions.find((s: Suggestion) => s.sku === SKU.milk)).toMatchObject({ suggestedQty: 0, explanation: expect.stringContaining('on order') });
    const page = await screenAs('purchasing');
    try {
      const [drug] = (await suggestions('open')).filter((s) => s.sku === SKU.drug);
      await rowOf(page, SKU.drug).waitFor();
      const colleague = await cloud.login('admin');
      expect((await colleague.inject({ method: 'POST', url: `/api/replenishment/suggestions/${drug!.id}/dismiss`, payload: {} })).statusCode).toBe(200);
      await rowOf(page, SKU.drug).locator('input[name="purchaseOrder"]').fill('PO-7790');
      await rowOf(page, SKU.drug).locator('[data-action="accept"]').click();
      const problem = rowOf(page, SKU.drug).locator('.field-problem');
      await expect.poll(() => problem.textContent()).toMatch(/^CONFLICT: .*was dismissed by admin/);
      expect(await page.locator('#replenishment-status').textContent()).toMatch(/^Not accepted: CONFLICT/);
      expect((await suggestions('dismissed')).find((s) => s.id === drug!.id)).toMatchObject({ decidedBy: 'admin', purchaseOrder: null });
      expect((await orderLines('all')).map((l) => l.ref)).toEqual(['PO-7781']);
    } finally {
      await page.context().close();
    }
  }, 20_000);

  it('lists the open purchase order with what the ledger received, overdue highlighted, and closes it with the reason asked for', async () => {
    inventory.receive({ sku: SKU.milk, lot: 'M-PO', expiry: '2026-04-10', qty: 24, to: 'RECV', docType: PURCHASE_ORDER_DOC_TYPE, docId: 'PO-7781' });
    inventory.clock.advance(4 * DAY); // due 2026-03-04 (accepted 1 March + 3 days' lead time); now 5 March
    const [line] = await orderLines('open');
    expect(line).toMatchObject({ ref: 'PO-7781', receivedQty: 24, openQty: line!.orderedQty - 24, overdue: true });
    const page = await screenAs('purchasing');
    try {
      const row = orderRowOf(page, 'PO-7781');
      await row.waitFor();
      for (const [field, value] of [['orderedQty', line!.orderedQty], ['receivedQty', 24], ['openQty', line!.openQty]] as const) {
        expect(await row.locator(`[data-field="${field}"]`).textContent(), field).toBe(qty.format(value));
      }
      expect(await row.getAttribute('class')).toContain('is-overdue');
      expect(await row.locator('[data-field="expectedDay"]').textContent()).toBe('overdue since 2026-03-04');
      expect(await row.locator('[data-field="expectedDay"]').getAttribute('class')).toContain('is-expiring');

      // no reason: refused by the API, shown beside the reason field; the order stays open
      await row.locator('[data-action="close"]').click();
      await expect.poll(() => row.locator('.field-problem[data-for="reason"]').textContent()).toMatch(/^INVALID_VALUE: reason: /);
      expect(await row.locator('input[name="reason"]').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#replenishment-status').textContent()).toMatch(/^Not closed: INVALID_VALUE/);
      expect(await orderLines('open')).toEqual([line]);

      await row.locator('input[name="reason"]').fill('dairy strike: rest not coming');
      await row.locator('[data-action="close"]').click();
      await expect.poll(() => page.locator('#replenishment-status').textContent())
        .toBe(`Closed PO-7781: MILK-1L at WH1 short-closed (24 of ${line!.orderedQty} received).`);
      expect(await orderRowOf(page, 'PO-7781').count()).toBe(0);
      expect(await page.locator('#replenishment-order-rows td.empty').count()).toBe(1);
      expect(await orderLines('closed')).toEqual([expect.objectContaining({ ref: 'PO-7781', state: 'short_closed', openQty: 0, closedBy: 'purchasing', closedReason: 'dairy strike: rest not coming' })]);
    } finally {
      await page.context().close();
    }
  }, 20_000);

  it('shows a reader the suggestions and the suppliers with no control to change them, and no purchase orders', async () => {
    const page = await screenAs('sales');
    try {
      await rowOf(page, SKU.milk).waitFor();
      expect(await page.locator('#replenishment-run').count()).toBe(0);
      expect(await page.locator('#replenishment-rows form, #replenishment-rows button, #replenishment-rows input').count()).toBe(0);
      expect(await rowOf(page, SKU.milk).locator('[data-field="decision"]').textContent()).toBe('awaiting purchasing');
      expect(await page.locator('#replenishment-orders').count()).toBe(0);
      expect(await page.locator('#replenishment-suppliers tbody tr').count()).toBe(3);
      expect(await page.locator('#screen-replenishment').textContent()).toContain('needs purchasing.manage');
    } finally {
      await page.context().close();
    }
  }, 20_000);

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
