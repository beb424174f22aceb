/**
 * The admin page in a real Chromium against the real app and a real SQLite store: the tree,
 * live refresh without reload, the chart, and the connection indicator.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromiumWithProfile } from '../../bin/support/chromium.ts';
import { freePort } from '../../bin/support/free-port.ts';
import { connectorErrors } from '../../connectors/errors.ts';
import type { TelemetryPoint, TelemetryStore } from '../store/telemetry-store.ts';
import { startCloudHttp, type CloudHttp } from './server.ts';
import { openTestCloud, type TestCloud } from './test-fixture.ts';

const TEMPERATURE = 'plant-berlin/line-1-gw/press-s7/temperature';
const HUMIDITY = 'plant-berlin/line-1-gw/shelf-4/humidity';
// Tag names come from devices in the field; this one must show as text and never run.
const HOSTILE_TAG = '<img src=x onerror="window.__injected=1">';

let cloud: TestCloud;
let store: TelemetryStore;
let http: CloudHttp;
let browser: BrowserContext;
let page: Page;
const started = Date.now();

function point(partial: Partial<TelemetryPoint> & Pick<TelemetryPoint, 'tag' | 'value' | 'ts'>): TelemetryPoint {
  return { group: 'plant-berlin', edge: 'line-1-gw', device: 'press-s7', quality: 'good', ...partial };
}

/** Text of `selector` once it equals `expected`, waiting up to `timeoutMs`. */
async function waitForText(selector: string, expected: string, timeoutMs = 5000): Promise<void> {
  await page.waitForFunction(
    ([sel, text]) => document.querySelector(sel!)?.textContent === text,
    [selector, expected],
    { timeout: timeoutMs },
  );
}

beforeAll(async () => {
  cloud = await openTestCloud({ demoUsers: true });
  store = cloud.store;
  store.defineMetrics([
    { group: 'plant-berlin', edge: 'line-1-gw', device: 'press-s7', tag: 'temperature', datatype: 'Double', unit: '°C', protocol: 's7' },
    { group: 'plant-berlin', edge: 'line-1-gw', device: 'press-s7', tag: 'running', datatype: 'Boolean', protocol: 's7' },
    { group: 'plant-berlin', edge: 'line-1-gw', device: 'shelf-4', tag: 'humidity', datatype: 'Float', unit: '%RH', protocol: 'modbus' },
    { group: 'dc-shanghai', edge: 'cold-gw', device: 'chiller-1', tag: 'supplyTemp', datatype: 'Double', unit: '°C', protocol: 'opcua' },
    { group: 'plant-berlin', edge: 'line-1-gw', device: 'shelf-4', tag: HOSTILE_TAG, datatype: 'String', protocol: 'modbus' },
  ]);
  const samples: TelemetryPoint[] = [];
  for (let minutesAgo = 14; minutesAgo >= 1; minutesAgo--) {
    samples.push(point({ tag: 'temperature', value: 20 + Math.sin(minutesAgo / 2), ts: started - minutesAgo * 60_000 }));
  }
  samples.push(
    point({ tag: 'temperature', value: 21.5, ts: started - 3000 }),
    point({ tag: 'running', value: true, ts: started - 3000 }),
    point({ device: 'shelf-4', tag: 'humidity', value: null, quality: 'bad', error: 'TIMEOUT', ts: started - 60_000 }),
    point({ device: 'shelf-4', tag: 'humidity', value: null, quality: 'bad', error: 'LINK_DOWN', ts: started - 3000 }),
    point({ group: 'dc-shanghai', edge: 'cold-gw', device: 'chiller-1', tag: 'supplyTemp', value: 4.2, quality: 'uncertain', ts: started - 3000 }),
  );
  store.insertSamples(samples);

  http = await startCloudHttp({ app: cloud.app, host: '127.0.0.1', port: await freePort() });
  browser = await launchChromiumWithProfile(join(cloud.dir, 'chromium-profile'), { viewport: { width: 1280, height: 800 } });
  page = browser.pages()[0] ?? (await browser.newPage());
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await cloud?.close(); // closes the app, and with it the listening server
});

describe('admin page', () => {
  it('shows a tag value in the tree, refreshes it without reload and charts its history', async () => {
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Not logged in: the page sends the browser to the login form, and back after it.
    await page.goto(`${http.url}/`);
    await page.waitForURL(`${http.url}/login`);
    await page.locator('#username').fill('engineer');
    await page.locator('#password').fill('engineer-demo');
    await page.locator('#login-submit').click();
    await page.waitForURL(`${http.url}/`);
    await page.waitForSelector('#connection[data-state="live"]', { timeout: 5000 });
    expect(await page.locator('#user-name').textContent()).toBe('engineer');

    // sites and gateways start open, devices closed: open the press to reach its tags
    const row = page.locator(`[data-tag="${TEMPERATURE}"]`);
    expect(await row.isVisible()).toBe(false);
    await page.locator('li.branch-device[data-name="press-s7"] > details > summary').click();
    await row.waitFor({ state: 'visible', timeout: 5000 });
    expect(await row.locator('[data-field=value]').textContent()).toBe('21.5');
    expect(await row.locator('[data-field=unit]').textContent()).toBe('°C');
    expect(await row.locator('[data-field=quality]').textContent()).toBe('✓ good');
    expect(await page.locator('[data-tag="plant-berlin/line-1-gw/press-s7/running"] [data-field=value]').textContent()).toBe('on');

    await page.locator('li.branch-device[data-name="shelf-4"] > details > summary').click();
    const humidity = page.locator(`[data-tag="${HUMIDITY}"]`);
    expect(await humidity.locator('[data-field=value]').textContent()).toBe('— (bad: LINK_DOWN)');
    expect(await humidity.locator('[data-field=quality]').textContent()).toBe('✕ bad');

    // a newer reading reaches the page by polling, no reload
    store.insertSamples([point({ tag: 'temperature', value: 37.25, ts: Date.now() })]);
    await waitForText(`[data-tag="${TEMPERATURE}"] [data-field=value]`, '37.25');

    await row.locator('button').click();
    await page.waitForSelector('#detail .chart canvas', { timeout: 5000 });
    expect(await page.locator('#detail [data-field=value]').textContent()).toBe('37.25');
    // the y-axis label is drawn on the canvas; the legend beside it carries the unit in the DOM
    expect(await page.locator('#detail .u-legend').textContent()).toContain('temperature (°C)');
    expect(await page.locator('#detail .readings tbody tr').count()).toBeGreaterThan(3);
    expect(await page.locator('#detail .readings tbody tr').first().locator('td').nth(1).textContent()).toBe('37.25 °C');
    expect(page.url()).toContain('#tag=');

    // the open chart appends new readings as they arrive
    store.insertSamples([point({ tag: 'temperature', value: 38.5, ts: Date.now() })]);
    await page.waitForFunction(
      () => document.querySelector('#detail .readings tbody tr td:nth-child(2)')?.textContent === '38.5 °C',
      undefined,
      { timeout: 5000 },
    );

    await page.locator('#detail button[data-range="1h"]').click();
    await page.waitForSelector('#detail button[data-range="1h"][aria-pressed="true"]', { timeout: 5000 });
    await page.waitForSelector('#detail .chart canvas', { timeout: 5000 });

    const screenshot = join(tmpdir(), 'edgestock-admin-page.png');
    await page.screenshot({ path: screenshot });
    console.log(`admin page screenshot: ${screenshot}`);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('shows why a bad value is bad: its error code, explained in a tooltip, in the tree and the readings', async () => {
    const humidity = page.locator(`[data-tag="${HUMIDITY}"]`);
    if (!(await humidity.isVisible())) await page.locator('li.branch-device[data-name="shelf-4"] > details > summary').click();
    const value = humidity.locator('[data-field=value]');
    expect(await value.textContent()).toBe('— (bad: LINK_DOWN)');
    expect(await value.getAttribute('title')).toBe(`LINK_DOWN: ${connectorErrors.LINK_DOWN}`);

    await humidity.locator('button').click();
    await waitForText('#detail [data-field=value]', '— (bad: LINK_DOWN)');
    expect(await page.locator('#detail [data-field=value]').getAttribute('title')).toBe(`LINK_DOWN: ${connectorErrors.LINK_DOWN}`);
    await page.waitForFunction(() => document.querySelectorAll('#detail .readings tbody tr[data-quality="bad"]').length === 2, undefined, { timeout: 5000 });
    const cells = page.locator('#detail .readings tbody tr td:nth-child(2)');
    expect(await cells.allTextContents()).toEqual(['— (bad: LINK_DOWN)', '— (bad: TIMEOUT)']);
    expect(await cells.nth(1).getAttribute('title')).toBe(`TIMEOUT: ${connectorErrors.TIMEOUT}`);

    // the page's copy of the catalogue is the gateway's catalogue
    // (a string: vitest would rewrite an import() inside a function before it reaches the page)
    const pageCatalogue = await page.evaluate("import('/ui/error-codes.js').then((module) => module.ERROR_EXPLANATIONS)");
    expect(pageCatalogue).toEqual(connectorErrors);
  }, 30_000);

  it('filters the tree by name', async () => {
    await page.locator('#filter').fill('supply');
    await waitForText('#filter-count', '1 of 5');
    expect(await page.locator('[data-tag="dc-shanghai/cold-gw/chiller-1/supplyTemp"]').isVisible()).toBe(true);
    expect(await page.locator(`[data-tag="${TEMPERATURE}"]`).isVisible()).toBe(false);
    await page.locator('#filter').fill('');
    await waitForText('#filter-count', '');
  }, 30_000);

  it('shows a tag named like HTML as text and does not run it', async () => {
    await page.locator('#filter').fill('onerror');
    await waitForText('#filter-count', '1 of 5');
    const names = await page.locator('.tag-row:not([hidden]) .tag-name').allTextContents();
    expect(names).toEqual([HOSTILE_TAG]);
    expect(await page.locator('.tree img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
    await page.locator('#filter').fill('');
  }, 30_000);

  it('says "connection lost" when the server stops answering', async () => {
    await http.close();
    await page.waitForSelector('#connection[data-state="lost"]', { timeout: 5000 });
    expect(await page.locator('#connection').textContent()).toContain('connection lost');
  }, 30_000);
});
