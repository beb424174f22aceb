/**
 * The API reference page in a real Chromium against the real app with the inventory catalogue and
 * ledger routes registered over a temp SQLite file. A visitor without a session goes through the
 * login page and back; the page draws the document the server builds, so POST /api/inventory/moves
 * shows its permission and its body's fields (nested in the moves array, with the limits the
 * server checks), responses point to the one error body, and the filter narrows the list by text
 * and by method. No console errors: the page lives within the same-origin CSP.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../bin/support/chromium.ts';
import { freePort } from '../../bin/support/free-port.ts';
import { openInventoryFixture, type InventoryFixture } from '../inventory/testing/inventory-fixture.ts';
import { inventoryCatalogRoutes } from './routes/inventory-catalog.ts';
import { inventoryMoveRoutes } from './routes/inventory-moves.ts';
import { startCloudHttp, type CloudHttp } from './server.ts';
import { demoPassword, openTestCloud, type TestCloud } from './test-fixture.ts';

const MOVES = '#op-post-api-inventory-moves';

let inventory: InventoryFixture;
let cloud: TestCloud;
let http: CloudHttp;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  inventory = openInventoryFixture();
  const { catalog, ledger } = inventory;
  cloud = await openTestCloud({
    demoUsers: true,
    beforeReady: (app) => {
      void app.register(inventoryCatalogRoutes, { catalog, ledger });
      void app.register(inventoryMoveRoutes, { catalog, ledger });
      // a prefix no section names, with the schema shapes the inventory routes do not use
      app.post('/api/zz-widgets', {
        config: { permission: 'authenticated' },
        schema: {
          summary: 'A route of a plugin the page has no section for',
          body: {
            type: 'object', additionalProperties: false, required: ['target'],
            properties: {
              target: { anyOf: [{ type: 'string', pattern: '^W-[0-9]+$', description: 'A widget id.' }, { type: 'object', required: ['line'], properties: { line: { type: 'integer', minimum: 1, maximum: 9 } } }] },
              labels: { type: 'object', description: 'Label per language.', additionalProperties: { type: 'string', maxLength: 40 } },
              tags: { type: 'array', uniqueItems: true, items: { type: 'string', enum: ['red', 'blue'] } },
            },
          },
          response: { 204: { type: 'null' } },
        },
      }, async (_request, reply) => reply.code(204).send());
    },
  });
  http = await startCloudHttp({ app: cloud.app, host: '127.0.0.1', port: await freePort() });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()); });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await cloud?.close();
  inventory?.close();
});

/** The visible operations, as "METHOD path". */
async function visibleOperations(): Promise<string[]> {
  return page.locator('.docs-op:not([hidden])').evaluateAll((ops) => ops
    .filter((op) => !op.closest('[hidden]'))
    .map((op) => `${op.getAttribute('data-method')!.toUpperCase()} ${op.getAttribute('data-path')}`));
}

describe('the API reference page', () => {
  it('goes through the login page and back to /docs, then lists the operations by section', async () => {
    await page.goto(`${http.url}/docs`);
    await page.waitForURL(`${http.url}/login?next=%2Fdocs`);
    await page.locator('#username').fill('engineer');
    await page.locator('#password').fill(demoPassword('engineer'));
    await page.locator('#login-submit').click();
    await page.waitForURL(`${http.url}/docs`);
    await page.waitForSelector(MOVES);

    expect(await page.locator('#docs-toc a').allTextContents()).toEqual(expect.arrayContaining(['Inventory', 'Sessions, accounts and access', 'Pages and files (HTML, scripts)']));
    const inventoryPaths = await page.locator('#section-inventory .docs-op').evaluateAll((ops) => ops.map((op) => op.getAttribute('data-path')));
    expect(inventoryPaths.length).toBeGreaterThan(5);
    expect(inventoryPaths.every((path) => path!.startsWith('/api/inventory/'))).toBe(true);
    expect(await page.locator('#docs-raw').getAttribute('href')).toBe('/api/openapi.json');
    // the headings give the page its outline
    expect(await page.locator('h2').first().textContent()).toBe('edgestock cloud API');
    expect(await page.locator('#section-inventory h3').textContent()).toBe('Inventory');
  }, 60_000);

  it('shows POST /api/inventory/moves with its permission, its body fields and its responses', async () => {
    const moves = page.locator(MOVES);
    expect(await moves.locator('summary .docs-method').first().textContent()).toBe('POST');
    expect(await moves.locator('summary .docs-path').first().textContent()).toBe('/api/inventory/moves');
    expect(await moves.locator('summary .docs-permission').first().textContent()).toBe('inventory.manage');

    // opened with the keyboard: focus its summary and press Enter
    expect(await moves.evaluate((op) => (op as HTMLDetailsElement).open)).toBe(false);
    await moves.locator('summary').first().focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((selector) => (document.querySelector(selector) as HTMLDetailsElement).open, MOVES);

    const body = moves.locator('.docs-request');
    const fieldNames = await body.locator('.docs-field-name').allTextContents();
    expect(fieldNames).toEqual(expect.arrayContaining(['moves', 'requestKey', 'sku', 'qty', 'from', 'to', 'reason', 'lot', 'expiry']));
    const moveField = body.locator('.docs-field[data-field="moves"]');
    expect(await moveField.locator('.docs-type').textContent()).toBe('array of object');
    expect(await moveField.locator('.docs-required').count()).toBe(1);
    const sku = body.locator('.docs-field[data-field="sku"]');
    expect(await sku.locator('.docs-required').count()).toBe(1);
    expect(await sku.locator('.docs-limit').allTextContents()).toContain('at most 64 characters');
    const lot = body.locator('.docs-field[data-field="lot"]');
    expect(await lot.locator('.docs-type').textContent()).toBe('string | null');
    expect(await lot.locator('.docs-required').count()).toBe(0);
    expect(await lot.locator('.docs-description').textContent()).toContain('required for lot-tracked items');
    expect(await body.locator('.docs-field[data-field="reason"] .docs-enum-value').allTextContents()).toEqual(expect.arrayContaining(['receipt', 'transfer', 'shipment']));
    expect(await body.locator('.docs-field[data-field="requestKey"] .docs-expected').textContent()).toMatch(/^expects a key of 1 to 200 characters/);

    // the moves' fields fold away with the array and come back
    const movesNode = body.locator('details:has(> summary .docs-field[data-field="moves"])');
    await movesNode.locator('> summary').click();
    expect(await sku.isVisible()).toBe(false);
    await movesNode.locator('> summary').click();
    expect(await sku.isVisible()).toBe(true);

    // a 201 with its schema (the posted moves with their ids); a 400 names the shared error body shown once at the top
    const statuses = await moves.locator('.docs-response').evaluateAll((blocks) => blocks.map((block) => block.getAttribute('data-status')));
    expect(statuses).toEqual(expect.arrayContaining(['201', '400', '403']));
    const created = moves.locator('.docs-response[data-status="201"]');
    expect(await created.locator('h6').textContent()).toBe('201 Created');
    expect(await created.locator('.docs-field-name').allTextContents()).toEqual(expect.arrayContaining(['moves', 'id', 'postedAt', 'reverses', 'actor']));
    expect(await created.locator('.docs-field[data-field="postedAt"] .docs-description').textContent()).toBe('When it was booked, epoch ms.');
    expect(await moves.locator('.docs-response[data-status="400"] .docs-error-ref a').getAttribute('href')).toBe('#docs-errors');
    const errorTree = page.locator('#docs-error-tree');
    expect(await errorTree.locator('.docs-field-name').allTextContents()).toEqual(expect.arrayContaining(['error', 'field', 'message', 'problems']));
    expect(await errorTree.locator('.docs-field[data-field="field"] .docs-type').textContent()).toBe('string | null');
    await errorTree.locator('.docs-enum-fold > summary').click();
    expect(await errorTree.locator('.docs-enum-value', { hasText: 'INSUFFICIENT_STOCK' }).isVisible()).toBe(true);

    // query parameters show type, limits and what the server expects
    const list = page.locator('#op-get-api-inventory-moves');
    await list.locator('summary').first().click();
    const limit = list.locator('.docs-params tr[data-param="limit"]');
    expect(await limit.locator('td').nth(1).textContent()).toBe('query');
    expect(await limit.locator('td').nth(2).textContent()).toBe('integer');
    expect(await page.locator('#docs-main').innerText()).not.toMatch(/\bundefined\b|\[object Object\]/);
  }, 60_000);

  it('narrows the list by text and by method, and keeps the filter in the address', async () => {
    const all = await visibleOperations();
    expect(all).toContain('POST /api/inventory/moves');
    expect(await page.locator('#docs-count').textContent()).toBe(`${all.length} operations`);

    await page.locator('#docs-filter-text').fill('inventory moves');
    await page.waitForFunction(() => /^\d+ of \d+ operations$/.test(document.getElementById('docs-count')!.textContent ?? ''));
    const narrowed = await visibleOperations();
    expect(narrowed).toContain('POST /api/inventory/moves');
    expect(narrowed).toContain('GET /api/inventory/moves');
    expect(narrowed.every((operation) => /inventory/i.test(operation))).toBe(true);
    expect(narrowed.length).toBeLessThan(all.length);
    expect(await page.locator('#docs-count').textContent()).toBe(`${narrowed.length} of ${all.length} operations`);
    // sections with nothing left hide, in the page and in its table of contents
    expect(await page.locator('#section-access').isHidden()).toBe(true);
    expect(await page.locator('#docs-toc li[data-section="access"]').isHidden()).toBe(true);

    await page.locator('#docs-filter-method').selectOption('post');
    await page.waitForFunction(() => !document.querySelector('#op-get-api-inventory-moves:not([hidden])'));
    const posts = await visibleOperations();
    expect(posts).toContain('POST /api/inventory/moves');
    expect(posts.every((operation) => operation.startsWith('POST '))).toBe(true);
    expect(new URL(page.url()).search).toBe('?q=inventory+moves&method=post');

    // the permission is searchable too
    await page.locator('#docs-filter-method').selectOption('');
    await page.locator('#docs-filter-text').fill('inventory.manage');
    await page.waitForFunction(() => document.querySelector('#op-get-api-inventory-moves')?.hasAttribute('hidden'));
    const managed = await page.locator('.docs-op:not([hidden]) summary .docs-permission').allTextContents();
    expect(managed.length).toBeGreaterThan(0);
    expect(new Set(managed)).toEqual(new Set(['inventory.manage']));

    // a linked filtered view opens as it was left
    await page.goto(`${http.url}/docs?q=drift&method=post`);
    await page.waitForSelector('#op-post-api-inventory-drift-check');
    await page.waitForFunction(() => /^1 of \d+ operations$/.test(document.getElementById('docs-count')!.textContent ?? ''));
    expect(await visibleOperations()).toEqual(['POST /api/inventory/drift-check']);
    expect(await page.locator('#docs-filter-text').inputValue()).toBe('drift');

    await page.locator('#docs-filter-text').fill('no-such-operation-anywhere');
    await page.waitForFunction(() => document.getElementById('docs-count')!.textContent?.startsWith('0 of '));
    expect(await visibleOperations()).toEqual([]);
  }, 60_000);

  it('gives a path prefix no section names a section of its own and reads variants, maps and lists of values', async () => {
    await page.goto(`${http.url}/docs#op-post-api-zz-widgets`);
    await page.waitForFunction(() => (document.getElementById('op-post-api-zz-widgets') as HTMLDetailsElement | null)?.open === true);
    const toc = await page.locator('#docs-toc a').allTextContents();
    expect(toc.indexOf('/api/zz-widgets')).toBe(toc.length - 2); // before the pages, after every named section
    const body = page.locator('#op-post-api-zz-widgets .docs-request');
    expect(await body.locator('.docs-field[data-field="target"] .docs-type').textContent()).toBe('one of');
    expect(await body.locator('.docs-field[data-field="variant 1"]').innerText()).toMatch(/^variant 1\s+string\s+pattern \^W-\[0-9\]\+\$\s+A widget id\.$/);
    expect(await body.locator('.docs-field[data-field="line"] .docs-limit').textContent()).toBe('1 to 9');
    expect(await body.locator('.docs-field[data-field="labels"] .docs-description').textContent()).toBe('Label per language.');
    expect(await body.locator('.docs-field[data-field="{any key}"] .docs-limit').textContent()).toBe('at most 40 characters');
    expect(await body.locator('.docs-field[data-field="tags"] .docs-type').textContent()).toBe('array of string');
    expect(await body.locator('.docs-field[data-field="[item]"] .docs-enum-value').allTextContents()).toEqual(['red', 'blue']);
    expect(await page.locator('#op-post-api-zz-widgets summary .docs-permission').first().textContent()).toBe('any logged-in user');
  }, 60_000);

  it('opens the operation an #op- link names', async () => {
    await page.goto(`${http.url}/docs#op-get-api-inventory-moves-id`);
    await page.waitForFunction(() => (document.getElementById('op-get-api-inventory-moves-id') as HTMLDetailsElement | null)?.open === true);
    expect(await page.locator('#op-get-api-inventory-moves-id .docs-params tr[data-param="id"] td').nth(1).textContent()).toBe('path');
  }, 60_000);

  it('logged no errors in the browser console', () => {
    expect(pageErrors).toEqual([]);
  });
});
