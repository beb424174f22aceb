/**
 * The fusion screen in a real Chromium against a real cloud app listening on 127.0.0.1 (accounts,
 * sessions, the admin page) with the fusion routes over a real fusion store seeded with the worked
 * case: the engineer sees ERP available 164, opens its lineage (the formula with the numbers
 * filled in and each input's raw message, source and rule), sees Douyin's sellable checked
 * against its definition, and confirms a held manual count.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../bin/support/chromium.ts';
import { SqliteInventoryCatalog } from '../inventory/catalog.ts';
import { catalogSkus, openFusion, type OpenFusion } from '../inventory/fusion/open-fusion.ts';
import { workedDictionary, workedReports, workedSources } from '../inventory/fusion/worked-case.ts';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import { fusionRoutes } from './routes/fusion.ts';
import { openTestCloud, type TestCloud } from './test-fixture.ts';

const SKU = 'TEA-500G';
const dir = mkdtempSync(join(tmpdir(), 'edgestock-fusion-ui-'));
let db: SqliteDatabase;
let fusion: OpenFusion;
let cloud: TestCloud;
let browser: Browser;
let page: Page;
let url: string;
let heldId: number;
const pageErrors: string[] = [];

beforeAll(async () => {
  const file = join(dir, 'inventory.sqlite');
  db = openDatabase(file);
  const clock = { now: () => Date.now() };
  fusion = openFusion(file, { clock, skus: { has: () => false, all: () => [] } });
  fusion.close();
  const catalog = new SqliteInventoryCatalog(db, clock);
  catalog.putCategory({ id: 'tea', name: 'Tea' });
  catalog.putItem({ sku: SKU, name: 'Green tea 500 g', category: 'tea', lotTracked: false });
  fusion = openFusion(file, { clock, skus: catalogSkus(catalog) });
  for (const source of workedSources) fusion.fusion.putSource(source, 'admin');
  fusion.fusion.putDictionary(workedDictionary, { actor: 'admin', why: 'the worked case' });
  for (const report of workedReports(SKU)) fusion.fusion.report(report, 'ingest');
  heldId = fusion.fusion.report({ source: 'manual', messageId: 'sheet-1', sku: SKU, figure: 'physical', value: 150, raw: 'count sheet 1: 150' }, 'clerk').report.id;

  cloud = await openTestCloud({ demoUsers: true, beforeReady: (app) => app.register(fusionRoutes, { fusion: fusion.fusion }) });
  await cloud.app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(cloud.app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()); });
  await page.goto(`${url}/login`);
  await page.locator('#username').fill('engineer');
  await page.locator('#password').fill('engineer-demo');
  await page.locator('#login-submit').click();
  await page.waitForURL(`${url}/`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await cloud?.close();
  fusion?.close();
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('fusion screen', () => {
  it('shows the derived figure and its lineage with every input\'s report', async () => {
    await page.goto(`${url}/#/fusion`);
    await page.waitForSelector('#screen-fusion:not([hidden])');
    const row = page.locator('#fusion-figures tr[data-key="figure:erp.available"]');
    await expect.poll(() => row.locator('td').nth(1).textContent()).toBe('164');
    await row.click();
    await expect.poll(() => page.locator('#fusion-equation').textContent()).toBe('physical - pending_outbound + presale_lock = 168 - 12 + 8 = 164');
    const lineage = page.locator('#fusion-lineage');
    expect(await lineage.locator('.fusion-cell').evaluateAll((cells) => cells.map((c) => (c as HTMLElement).dataset.source))).toEqual(['wms', 'meituan', 'douyin']);
    expect(await lineage.locator('.fusion-raw').allTextContents()).toEqual([
      `<StockReport sku="${SKU}" onHand="168"/>`, expect.stringContaining('"pending":12'), expect.stringContaining('"presale_locked":8'),
    ]);
    expect(await lineage.locator('.fusion-rule').first().textContent()).toContain('wms-physical: WMS over everyone for physical');
    expect(await lineage.textContent()).toContain('trust 0.95');
    expect(await lineage.textContent()).toContain('dictionary version 1');
  });

  it('shows Douyin\'s sellable as reported, checked against its definition, and the sources with their trust', async () => {
    const row = page.locator('#fusion-observed tr[data-key="observed:douyin.sellable"]');
    expect(await row.locator('td').allTextContents()).toEqual(['douyin.sellable', '152', '156', '-4']);
    await row.click();
    await expect.poll(() => page.locator('#fusion-lineage').textContent()).toContain('physical - pending_outbound - presale_lock + presale_lock[douyin] = 168 - 12 - 8 + 8 = 156; the report differs by -4');
    expect(await page.locator('#fusion-sources tr').count()).toBe(workedSources.length);
    expect(await page.locator('#fusion-sources meter').evaluateAll((meters) => meters.map((m) => (m as HTMLMeterElement).value))).toEqual(expect.arrayContaining([0.95, 0.3]));
  });

  it('confirms a held report with the button', async () => {
    const held = page.locator(`#fusion-pending tr[data-report="${heldId}"]`);
    expect(await held.textContent()).toContain('150 differs from the expected 168 by 18');
    await held.locator('button[data-action="confirm"]').click();
    await expect.poll(() => page.locator('#fusion-status').textContent()).toBe(`Confirmed report #${heldId}; no derived figure changed.`);
    await expect.poll(() => page.locator('#fusion-pending').textContent()).toBe('Nothing waits for confirmation.');
    expect(fusion.fusion.reportById(heldId)).toMatchObject({ status: 'applied', decidedBy: 'engineer' });
    expect(pageErrors).toEqual([]);
  });
});
