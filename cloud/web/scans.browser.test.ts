/**
 * The scanning screens in a real Chromium against the real cloud (startCloud seeded with the demo
 * plant's master data: the master-data store and device registry, the scan part, the edge link and
 * the embedded broker as they run). The demo engineer adds a scanner and sees its password once,
 * a scan decision a gateway publishes as an edge event appears in the live feed with its verdict
 * and its prompt in both languages, a lot is quarantined with a reason (an empty one is refused
 * with the API's words), and the shelves and the lot's cold-chain evidence draw their charts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../bin/support/chromium.ts';
import { freePort } from '../../bin/support/free-port.ts';
import { cloudConfigSchema } from '../../config/cloud-schema.ts';
import { parseConfig } from '../../config/load-config.ts';
import { edgeLinkTopic, type EdgeEvent } from '../../connectors/edge-link/index.ts';
import { startCloud, type CloudService } from '../cloud-service.ts';

const GATEWAY = { username: 'gw', password: 'gw-secret', group: 'demo-plant', edge: 'gw-cold-room-1' };
const seedFile = fileURLToPath(new URL('../../config/examples/demo-plant.master-data.yaml', import.meta.url));
// Quarantined in the seed: a scan of it is blocked.
const INSULIN = { gtin: '06901234000115', batch: 'I2402' };
// Released in the seed: the test quarantines it.
const YOGURT = { gtin: '06901234000023', batch: 'Y2402' };

const dir = mkdtempSync(join(tmpdir(), 'edgestock-scans-ui-'));
const cleanups: Array<() => Promise<unknown> | unknown> = [];
let cloud: CloudService;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  cloud = await startCloud({
    logger: pino({ level: 'silent' }),
    config: parseConfig(cloudConfigSchema, {
      dataDir: join(dir, 'cloud'),
      http: { port: 0 },
      auth: { demoUsers: true, secureCookies: false },
      broker: { mode: 'embedded', port: await freePort(), users: [GATEWAY] },
      masterData: { seed: seedFile },
    }, 'test cloud config'),
  });
  cleanups.push(() => cloud.close());
  browser = await launchChromium();
  cleanups.push(() => browser.close());
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(10_000); // a wait that fails names its selector before the test's own limit
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()); });
  await page.goto(`${cloud.httpUrl}/login`);
  await page.locator('#username').fill('engineer');
  await page.locator('#password').fill('engineer-demo');
  await page.locator('#login-submit').click();
  await page.waitForURL(`${cloud.httpUrl}/`);
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a screen of the hash of / and waits for the page to have loaded it. */
async function openScreen(name: string): Promise<void> {
  await page.goto(`${cloud.httpUrl}/#/${name}`);
  await page.waitForSelector(`#screen-${name}:not([hidden])`);
}

/** Answers the next confirm() with OK and returns its text. */
function answerConfirm(): Promise<string> {
  return new Promise((resolve) => page.once('dialog', (dialog) => {
    resolve(dialog.message());
    void dialog.accept();
  }));
}

/** Publishes a `scan.decision` edge event as the gateway's outbox does. */
async function publishScanDecision(event: EdgeEvent): Promise<void> {
  const client = await mqtt.connectAsync(cloud.mqttUrl, { username: GATEWAY.username, password: GATEWAY.password, clientId: 'test-gateway', reconnectPeriod: 0 });
  try {
    await client.publishAsync(edgeLinkTopic(GATEWAY.group, GATEWAY.edge, 'event'), JSON.stringify(event), { qos: 1 });
  } finally {
    await client.endAsync();
  }
}

describe('the scanning screens', () => {
  it('the navigation offers the four screens to the engineer', async () => {
    await openScreen('scans');
    expect(await page.locator('#main-nav a:not([hidden])').allTextContents()).toEqual(expect.arrayContaining(['Scans', 'Shelves', 'Lots', 'Devices']));
    expect(await page.locator('#main-nav a[aria-current="page"]').textContent()).toBe('Scans');
  }, 30_000);

  it('adds a scanner: its password is shown once with the line to try it, and it is listed', async () => {
    await openScreen('devices');
    await page.waitForSelector('#device-rows tr[data-device-id="pda-01"]');
    await page.locator('#device-add input[name="id"]').fill('pda-07');
    await page.locator('#device-add select[name="kind"]').selectOption('pda');
    await page.locator('#device-add input[name="note"]').fill('returns desk');
    await page.locator('#device-add button[type="submit"]').click();
    await page.waitForSelector('#device-secret:not([hidden]) code.secret');
    const password = (await page.locator('#device-secret code.secret').textContent())!;
    expect(password.length).toBeGreaterThanOrEqual(12);
    const tryIt = (await page.locator('#device-secret pre.try-it').textContent())!;
    expect(tryIt).toContain(`mosquitto_pub -h <gateway host> -p 1884 -u 'pda-07' -P '${password}' -t 'devices/pda-07/scan'`);
    expect(await page.locator('#device-secret').textContent()).toContain('It is shown only now');
    const row = page.locator('#device-rows tr[data-device-id="pda-07"]');
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual(expect.arrayContaining(['pda-07', 'pda', '✓ enabled', 'returns desk', 'never']));
    await page.locator('#device-secret button', { hasText: 'Done' }).click();
    expect(await page.locator('#device-secret').isHidden()).toBe(true);
    expect(await page.content()).not.toContain(password);

    // rotating asks first, then shows the new password once
    const question = answerConfirm();
    await row.locator('button[data-action="rotate"]').click();
    expect(await question).toContain('Rotate the password of pda-07?');
    await page.waitForSelector('#device-secret:not([hidden]) code.secret');
    const rotated = (await page.locator('#device-secret code.secret').textContent())!;
    expect(rotated).not.toBe(password);

    // the master data the gateways should hold: the cloud's version, counted by kind
    expect(await page.locator('#master-data-summary').textContent()).toMatch(/^The cloud's master data is at version \d+: .*\d+ lot/);
  }, 30_000);

  it('a scan decision a gateway publishes appears in the live feed with its verdict and its prompt in both languages', async () => {
    await openScreen('scans');
    await page.waitForSelector('#scans-status:text-matches("^live")');
    const at = Date.now();
    await publishScanDecision({
      id: 'scan-pda-01-ui-1', type: 'scan.decision', at,
      body: {
        device: 'pda-01',
        scan: { scanId: 'ui-1', operator: 'op-anna', op: 'pick', code: `(01)${INSULIN.gtin}(10)${INSULIN.batch}`, location: 'B15', qty: 2, at },
        decision: {
          scanId: 'ui-1', verdict: 'block', signal: 'vibrate', decidedAt: at + 3,
          reasons: [{ code: 'QUARANTINED', message: 'Lot I2402 is quarantined: temperature excursion in transit' }],
          prompt: { en: 'Do not pick: lot I2402 is quarantined', zh: '请勿拣货：批次I2402已隔离' },
          lot: { gtin: INSULIN.gtin, batch: INSULIN.batch },
        },
        parsed: { gtin: INSULIN.gtin, batch: INSULIN.batch },
        masterDataVersion: 1,
        offline: true,
      },
    });
    const row = page.locator('#scan-rows tr[data-scan-id="scan-pda-01-ui-1"]');
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getAttribute('data-verdict')).toBe('block');
    expect(await row.locator('.verdict').textContent()).toBe('✕ block');
    expect(await row.locator('.offline-mark').textContent()).toBe('offline');
    const cells = await row.locator('td').allInnerTexts();
    expect(cells.slice(2, 6)).toEqual(['op-anna', 'pda-01', 'pick', 'B15']);
    expect(cells[6]).toContain('Insulin pen 3 ml (06901234000115)');
    expect(cells[7]).toContain('QUARANTINED Lot I2402 is quarantined');
    expect(cells[8]).toBe('Do not pick: lot I2402 is quarantined');
    await page.locator('button[data-lang="zh"]').click();
    expect(await row.locator('.scan-prompt').innerText()).toBe('请勿拣货：批次I2402已隔离');

    // filtered by verdict on the server: an allow filter hides it
    await page.locator('#scan-filter select[name="verdict"]').selectOption('allow');
    await page.locator('#scan-filter button[type="submit"]').click();
    await row.waitFor({ state: 'detached' });
    await page.locator('#scan-filter select[name="verdict"]').selectOption('block');
    await page.locator('#scan-filter button[type="submit"]').click();
    await row.waitFor();
  }, 30_000);

  it('quarantines a lot with a reason; an empty reason is refused with the API\'s words', async () => {
    await openScreen('lots');
    const key = `${YOGURT.gtin}/${YOGURT.batch}`;
    const row = page.locator(`#lot-rows tr[data-key="${key}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('released');
    expect(await row.locator('td').first().textContent()).toBe(`Plain yogurt 500 g (${YOGURT.gtin})`);

    await row.locator('button[data-action="quarantine"]').click();
    await page.locator('.lot-reason button[type="submit"]').click();
    await page.waitForSelector('#lots-status:text-matches("^Not done: ")');
    expect(await page.locator('#lots-status').textContent()).toMatch(/^Not done: INVALID_VALUE: reason: /);
    // the browser logs the refused request; nothing else went wrong so far
    expect(pageErrors.splice(0)).toEqual([expect.stringContaining('status of 400 (Bad Request)')]);

    await page.locator('.lot-reason input[name="reason"]').fill('supplier recall 2024-117');
    await page.locator('.lot-reason button[type="submit"]').click();
    await page.waitForSelector(`#lot-rows tr[data-key="${key}"][data-status="quarantined"]`);
    expect(await page.locator('#lots-status').textContent()).toMatch(/^Quarantined 06901234000023\/Y2402 \(master data version \d+\)/);
    expect(await page.locator(`#lot-rows tr[data-key="${key}"] .lot-status`).textContent()).toBe('✕ quarantined supplier recall 2024-117');
    const stored = await page.evaluate(async (url) => (await fetch(url)).json(), '/api/master-data/lot');
    expect(stored.records.find((r: { key: string }) => r.key === key).value).toMatchObject({ status: 'quarantined', reason: 'supplier recall 2024-117' });

    // a lot opens its cold-chain evidence: its stay on B11 with a chart against 2-8 °C
    await page.locator(`#lot-rows tr[data-key="${key}"] td`).first().click();
    await page.waitForSelector('#lot-evidence h3:text("Cold-chain evidence: Plain yogurt 500 g (06901234000023) batch Y2402")');
    await page.waitForSelector('#lot-evidence .lot-stay[data-location="B11"] .range-chart canvas');
    expect(await page.locator('#lot-evidence .lot-stay[data-location="B11"] .lot-stay-head').textContent()).toContain('range 2 – 8 °C');
  }, 30_000);

  it('shows a card per shelf with its range, and a shelf opens its last 24 h as charts', async () => {
    await openScreen('shelves');
    const card = page.locator('#shelf-cards article[data-code="B12"]');
    await card.waitFor();
    expect(await card.locator('[data-measure="temperature"] .shelf-reading-range').textContent()).toBe('range 2 – 8 °C');
    expect(await card.locator('.alarm-day').count()).toBe(7);
    expect(await card.locator('.shelf-stock li').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Fresh milk 1 L (06901234000016) · batch M2403 · qty 60')]));
    await card.locator('button.shelf-open').click();
    await page.waitForSelector('#shelf-detail:not([hidden]) .range-chart canvas');
    expect(await page.locator('#shelf-detail .range-chart').count()).toBe(2);
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
