/**
 * The connectors screen in a real Chromium against real parts, all in this process: the Modbus
 * shelf simulator, a gateway daemon and the cloud (broker, ingest, store, admin API). A plant
 * engineer adds a tag, test reads it, pushes the configuration to the gateway and sees the tag
 * live on the telemetry screen; bad input is named at its field; the history shows the diff and
 * rolls back; a writable tag is written and acknowledged; a TIA DB export is previewed and
 * imported into an S7 connector; an OPC UA server's rejected certificate is trusted, the server
 * browsed and a variable added as a tag; a read-only role sees everything and can change nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../bin/support/chromium.ts';
import { cloudClient } from '../../bin/support/cloud-client.ts';
import { freePort } from '../../bin/support/free-port.ts';
import { waitFor } from '../../bin/support/wait-for.ts';
import { cloudConfigSchema } from '../../config/cloud-schema.ts';
import { parseConfig } from '../../config/load-config.ts';
import { siteConfigSchema } from '../../config/site-schema.ts';
import { startGateway, type RunningGateway } from '../../gateway/gateway-daemon.ts';
import { startShelfSimulator, type ShelfSimulator } from '../../simulators/modbus/index.ts';
import { startOpcuaSimulator } from '../../simulators/opcua/index.ts';
import { startCloud, type CloudService } from '../cloud-service.ts';

const GROUP = 'plant';
const EDGE = 'gw-1';
const IMM_SOURCE = readFileSync(new URL('../../simulators/s7/db-sources/IMM_Data.db', import.meta.url), 'utf8');

const dir = mkdtempSync(join(tmpdir(), 'edgestock-connectors-ui-'));
const logger = pino({ level: 'silent' });
const cleanups: Array<() => Promise<unknown> | unknown> = [];
let simulator: ShelfSimulator;
let cloud: CloudService;
let browser: Browser;

beforeAll(async () => {
  simulator = await startShelfSimulator({ port: await freePort(), stepMs: 0 });
  cleanups.push(() => simulator.close());
  simulator.setTemperature(2, 4.5); // B12
  simulator.setTemperature(3, 5.5); // B13, the tag the engineer adds
  const mqttPort = await freePort();
  cloud = await startCloud({
    logger,
    config: parseConfig(cloudConfigSchema, {
      dataDir: join(dir, 'cloud'),
      http: { port: 0 },
      auth: { demoUsers: true, secureCookies: false },
      broker: { mode: 'embedded', port: mqttPort, users: [{ username: 'gw', password: 'gw-secret', group: GROUP, edge: EDGE }] },
    }, 'test cloud config'),
  });
  cleanups.push(() => cloud.close());
  const gateway: RunningGateway = await startGateway({
    logger,
    config: parseConfig(siteConfigSchema, {
      site: { id: 'connectors-ui' },
      gateway: { group: GROUP, edge: EDGE, dataDir: join(dir, 'gateway'), http: { port: 0 } },
      north: { url: `mqtt://127.0.0.1:${mqttPort}`, username: 'gw', password: 'gw-secret' },
      connectors: [{
        name: 'shelves', protocol: 'modbus', connection: { transport: 'tcp', host: '127.0.0.1', port: simulator.port }, pollIntervalMs: 200,
        tags: [
          { name: 'B12/temperature', address: 'ir:4:int16', scale: 0.1, unit: '°C' },
          { name: 'B10/setpoint', address: 'hr:0', scale: 0.1, unit: '°C' },
        ],
      }],
    }, 'test site config'),
  });
  cleanups.push(() => gateway.close());
  // The gateway reports the connectors it runs at session start: that is version 0 in the cloud.
  const { getJson } = cloudClient(cloud.httpUrl, 'auditor');
  await waitFor('the gateway to report its configuration', async () => {
    const { gateways } = await getJson<{ gateways: Array<{ edge: string; online: boolean; appliedVersion: number | null }> }>('/api/gateways');
    return gateways.some((g) => g.edge === EDGE && g.online && g.appliedVersion !== null);
  }, { timeoutMs: 20_000 });
  browser = await launchChromium();
  cleanups.push(() => browser.close());
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh browser context logged in as `username` on the connectors screen; collects page errors. */
async function openConnectors(username: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${cloud.httpUrl}/connectors`);
  await page.waitForURL(/\/login/);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(`${username}-demo`);
  await page.locator('#login-submit').click();
  await page.waitForURL(`${cloud.httpUrl}/connectors`);
  await page.waitForSelector('#connector-rows tr[data-connector="shelves"]', { timeout: 10_000 });
  return { page, errors };
}

const editor = (page: Page) => page.locator('.connector-editor');
const field = (page: Page, path: string) => editor(page).locator(`[data-path="${path}"]`);
const problemAt = (page: Page, path: string) => field(page, path).locator('xpath=ancestor::td[1]//span[contains(@class,"field-problem")]');

describe('the connectors screen', () => {
  it('lets a plant engineer add a tag, test read it, push it to the gateway and see it live', async () => {
    const { page, errors } = await openConnectors('engineer');
    try {
      expect(await page.locator('#gateway-select').inputValue()).toBe(`${GROUP}/${EDGE}`);
      const shelves = page.locator('#connector-rows tr[data-connector="shelves"]');
      expect(await shelves.locator('td').nth(2).textContent()).toBe(`127.0.0.1:${simulator.port}`);
      expect(await shelves.locator('td').nth(3).textContent()).toBe('2');
      await page.waitForFunction(() => document.querySelector('#connector-rows tr[data-connector="shelves"] [data-field=link]')?.textContent?.startsWith('✓ up'), undefined, { timeout: 10_000 });

      await shelves.locator('[data-action=edit]').click();
      await editor(page).waitFor();
      expect(await field(page, 'connection.host').inputValue()).toBe('127.0.0.1');
      await editor(page).locator('[data-action=add-tag]').click();
      await field(page, 'tags[2].name').fill('B13/temperature');
      await field(page, 'tags[2].address').fill('ir:6:int');
      await field(page, 'tags[2].scale').fill('0.1');
      await field(page, 'tags[2].unit').fill('°C');
      const newRow = editor(page).locator('tr.tag-edit-row').nth(2);
      const feedback = editor(page).locator('tr.tag-feedback').nth(2).locator('td');

      // a wrong address: the gateway's own check, named at the address field
      await newRow.locator('[data-action=test-read]').click();
      await page.waitForFunction(() => document.querySelectorAll('.tag-feedback-text[data-state="bad"]').length === 1, undefined, { timeout: 10_000 });
      expect(await feedback.textContent()).toContain('GATEWAY_REFUSED');
      expect(await field(page, 'tags[2].address').getAttribute('aria-invalid')).toBe('true');
      expect(await problemAt(page, 'tags[2].address').textContent()).toContain('int16');

      await field(page, 'tags[2].address').fill('ir:6:int16');
      await newRow.locator('[data-action=test-read]').click();
      await page.waitForFunction(() => document.querySelector('.tag-feedback-text[data-state="good"]'), undefined, { timeout: 10_000 });
      expect(await feedback.textContent()).toMatch(/^Test read: 5\.5 °C · ✓ good · read at /);

      // a schema problem is caught before anything is sent, and named at its field
      await field(page, 'pollIntervalMs').fill('5');
      await page.locator('#push').click();
      expect(await page.locator('#push-result').textContent()).toContain('Not pushed');
      expect(await editor(page).locator('[data-field=pollIntervalMs] .field-problem').textContent())
        .toBe('5 is below the minimum 10; enter a whole number of at least 10');
      await field(page, 'pollIntervalMs').fill('200');

      await page.locator('#push-comment').fill('B13 temperature');
      await page.locator('#push').click();
      await page.waitForSelector('.push-outcome[data-outcome="applied"]', { timeout: 20_000 });
      expect(await page.locator('.push-outcome').textContent()).toBe('Pushed as v1: the gateway applied it. Restarted shelves; the other connectors kept running.');
      expect(await page.locator('#gateway-state').textContent()).toContain('in sync');
      expect(await page.locator('#connector-rows tr[data-connector="shelves"] td').nth(3).textContent()).toBe('3');

      // see it live: the link opens the telemetry screen on the new tag
      await page.locator('.live-links a', { hasText: 'shelves/B13/temperature' }).click();
      await page.waitForURL(/\/#tag=/);
      const live = page.locator(`[data-tag="${GROUP}/${EDGE}/shelves/B13/temperature"] [data-field=value]`);
      await page.waitForFunction((selector) => document.querySelector(selector)?.textContent === '5.5',
        `[data-tag="${GROUP}/${EDGE}/shelves/B13/temperature"] [data-field=value]`, { timeout: 15_000 });
      expect(await live.textContent()).toBe('5.5');
      await page.waitForFunction(() => document.querySelector('#detail [data-field=value]')?.textContent === '5.5', undefined, { timeout: 5000 });
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 90_000);

  it('writes a setpoint and shows the gateway\'s acknowledgement; a row with unpushed changes is not written', async () => {
    const { page, errors } = await openConnectors('engineer');
    try {
      await page.locator('#connector-rows tr[data-connector="shelves"] [data-action=edit]').click();
      const row = editor(page).locator('tr.tag-edit-row[data-tag="B10/setpoint"]');
      await row.locator('[data-action=write]').click();
      await editor(page).locator('.write-form input').fill('abc');
      await editor(page).locator('[data-action=send-write]').click();
      expect(await editor(page).locator('.write-result').textContent()).toBe('Enter a number (engineering units), or on/off for a bit.');
      await editor(page).locator('.write-form input').fill('5.5');
      await editor(page).locator('[data-action=send-write]').click();
      await page.waitForFunction(() => document.querySelector('.write-result')?.textContent?.startsWith('Acknowledged'), undefined, { timeout: 10_000 });
      expect(await editor(page).locator('.write-result').textContent()).toMatch(/^Acknowledged: B10\/setpoint = 5\.5 at \d\d:\d\d:\d\d \([\d.]+ ms\)$/);
      expect(simulator.snapshot().shelves[0]!.setpointC).toBe(5.5);
      // input registers cannot be written: no Write button there
      expect(await editor(page).locator('tr.tag-edit-row[data-tag="B12/temperature"] [data-action=write]').count()).toBe(0);
      // a changed row is not written: the gateway would write the tag as it runs it
      await field(page, 'tags[1].address').fill('hr:1');
      await editor(page).locator('[data-action=send-write]').click();
      expect(await editor(page).locator('.write-result').textContent()).toContain('changes not pushed yet; push or discard them first');
      await field(page, 'tags[1].address').fill('hr:0');
      // keeping an unchanged form changes nothing
      await editor(page).locator('[data-action=keep]').click();
      expect(await page.locator('#connector-rows tr[data-connector="shelves"]').getAttribute('data-change')).toBe('');
      expect(await page.locator('#draft-state').textContent()).toBe('');
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 60_000);

  it('shows the version history with its diff and rolls back to the version before', async () => {
    const { page, errors } = await openConnectors('engineer');
    try {
      await page.locator('#show-history').click();
      const v1 = page.locator('#connectors-panel .version[data-version="1"]');
      await v1.waitFor();
      expect(await v1.locator('.version-head').textContent()).toContain('engineer');
      expect(await v1.locator('.version-comment').textContent()).toBe('B13 temperature');
      const paths = await v1.locator('.diff code').allTextContents();
      expect(paths).toContain('connectors[shelves].tags[B13/temperature]');
      expect(await v1.locator('[data-action=rollback]').count()).toBe(0); // the current version

      await page.locator('#connectors-panel .version[data-version="0"] [data-action=rollback]').click();
      await page.locator('#connectors-panel [data-action=confirm-rollback]').click();
      await page.waitForFunction(() => document.getElementById('push-result')?.textContent?.startsWith('Rolled back: Pushed as v2: the gateway applied it.'), undefined, { timeout: 20_000 });
      expect(await page.locator('#connector-rows tr[data-connector="shelves"] td').nth(3).textContent()).toBe('2');
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 60_000);

  it('previews a TIA Portal DB export and adds the chosen members to a new S7 connector', async () => {
    const { page, errors } = await openConnectors('engineer');
    try {
      await page.locator('#new-protocol').selectOption('s7');
      await page.locator('#add-connector').click();
      await editor(page).waitFor();
      expect(await editor(page).getAttribute('data-protocol')).toBe('s7');
      await editor(page).locator('[data-action=tia-import]').click();
      const dialog = page.locator('dialog.tia-dialog');
      await dialog.locator('textarea').fill(IMM_SOURCE.replace('ShotCounter : DInt;', 'ShotCounter : DInt'));
      await dialog.locator('input[name=dbNumber]').fill('1');
      await dialog.locator('[data-action=preview]').click();
      await page.waitForFunction(() => document.querySelector('dialog.tia-dialog .field-problem:not([hidden])'));
      expect(await dialog.locator('.field-problem:not([hidden])').textContent()).toBe('Cannot import the DB source: line 11: expected ";", found "MoldId"');

      await dialog.locator('textarea').fill(IMM_SOURCE);
      await dialog.locator('[data-action=preview]').click();
      await dialog.locator('.tia-table tbody tr').first().waitFor();
      expect(await dialog.locator('.tia-table tbody tr').count()).toBe(26);
      expect(await dialog.locator('.tia-table tr[data-member="Machine[2].Setpoints.AutoMode"] code').textContent()).toBe('DB1,X86.0');
      expect(await dialog.locator('[role=status]').textContent()).toContain('IMM_Data (DB1, 88 bytes): 26 readable members');
      await dialog.locator('input[aria-label="Import all"]').uncheck();
      await dialog.locator('input[aria-label="Import Machine[1].ShotCounter"]').check();
      await dialog.locator('input[aria-label="Import Machine[1].MoldId"]').check();
      await dialog.locator('[data-action=add-chosen]').click();
      await dialog.waitFor({ state: 'detached' });

      expect(await field(page, 'tags[0].name').inputValue()).toBe('Machine[1].ShotCounter');
      expect(await field(page, 'tags[0].address').inputValue()).toBe('DB1,DINT0');
      expect(await field(page, 'tags[1].address').inputValue()).toBe('DB1,STRING4.16');
      // the new connector still needs its PLC's host: named before anything is sent
      await editor(page).locator('[data-action=keep]').click();
      expect(await editor(page).locator('[data-field=host] .field-problem').textContent()).toBe('is required; enter text');
      await editor(page).locator('[data-action=close]').click();
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 60_000);

  it('trusts a rejected OPC UA server certificate, browses the server and adds a variable as a tag', async () => {
    const opcua = await startOpcuaSimulator({ port: await freePort(), pkiDir: join(dir, 'opcua-server-pki'), stepMs: 0, securityModes: ['SignAndEncrypt'] });
    cleanups.push(() => opcua.close());
    const { page, errors } = await openConnectors('engineer');
    try {
      await page.locator('#new-protocol').selectOption('opcua');
      await page.locator('#add-connector').click();
      await field(page, 'name').fill('weld-cell');
      await field(page, 'endpoint').fill(opcua.endpoint);
      await editor(page).locator('[data-path="securityMode"]').selectOption({ label: 'SignAndEncrypt' });
      await editor(page).locator('[data-path="securityPolicy"]').selectOption({ label: 'Basic256Sha256' });

      // the gateway does not trust the server's certificate yet: browsing fails and points at it
      await editor(page).locator('[data-action=browse]').click();
      const browser = page.locator('dialog.browse-dialog');
      await browser.locator('.cert-hint').waitFor({ timeout: 20_000 });
      expect(await browser.locator('[role=status]').textContent()).toMatch(/^Cannot browse: GATEWAY_REFUSED: /);
      expect(await browser.locator('.cert-hint').textContent()).toMatch(/^The gateway has rejected 1 server certificate \(.*CN=.*\)\. If one is this server's, trust it/);
      await browser.locator('[data-action=show-certificates]').click();
      await browser.waitFor({ state: 'detached' });

      const rejected = page.locator('#connectors-panel table[data-list="rejected"] tr[data-thumbprint]');
      await rejected.first().waitFor({ timeout: 10_000 });
      const thumbprint = await rejected.first().getAttribute('data-thumbprint');
      expect(thumbprint).toMatch(/^[0-9a-f]{40}$/);
      await rejected.first().locator('[data-action=trust]').click();
      await page.locator(`#connectors-panel table[data-list="trusted"] tr[data-thumbprint="${thumbprint}"]`).waitFor({ timeout: 10_000 });
      expect(await page.locator('#connectors-panel [role=status]').textContent()).toMatch(/^Trusted .*CN=/);

      await editor(page).locator('[data-action=browse]').click();
      const weldCell = browser.locator('li[data-node-id="ns=1;s=WeldCell"]');
      await weldCell.waitFor({ timeout: 20_000 });
      await weldCell.locator('.twisty').first().click();
      const gun = browser.locator('li[data-node-id="ns=1;s=WeldCell.G1"]');
      await gun.locator('.twisty').first().click();
      const weldCount = browser.locator('li[data-node-id="ns=1;s=WeldCell.G1.WeldCount"]');
      await weldCount.waitFor({ timeout: 10_000 });
      expect(await weldCount.getAttribute('data-node-class')).toBe('Variable');
      await weldCount.locator('[data-action=pick]').first().click();
      expect(await browser.locator('.picked').textContent()).toContain('Added 1 tag: WeldCount');
      await browser.locator('[data-action=close]').click();

      expect(await field(page, 'tags[0].nodeId').inputValue()).toBe('ns=1;s=WeldCell.G1.WeldCount');
      expect(await field(page, 'tags[0].name').inputValue()).toBe('WeldCount');
      expect(await editor(page).locator('[data-path="tags[0].dataType"] option:checked').textContent()).toBe('UInt32');
      await editor(page).locator('tr.tag-edit-row').first().locator('[data-action=test-read]').click();
      await page.waitForFunction(() => document.querySelector('.tag-feedback-text')?.textContent?.startsWith('Test read: 1,200 · ✓ good'), undefined, { timeout: 20_000 });

      await page.locator('#push').click();
      await page.waitForSelector('.push-outcome[data-outcome="applied"]', { timeout: 30_000 });
      expect(await page.locator('.push-outcome').textContent()).toContain('Started weld-cell');
      await page.waitForFunction(() => document.querySelector('#connector-rows tr[data-connector="weld-cell"] [data-field=link]')?.textContent?.startsWith('✓ up'), undefined, { timeout: 20_000 });
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 120_000);

  it('shows the auditor the connectors and their history but no control that changes anything', async () => {
    const { page, errors } = await openConnectors('auditor');
    try {
      expect(await page.locator('#push').count()).toBe(0);
      expect(await page.locator('#show-certificates').count()).toBe(0);
      await page.locator('#connector-rows tr[data-connector="shelves"] [data-action=edit]').click();
      expect(await page.locator('#connector-rows [data-action=edit]').first().textContent()).toBe('View');
      expect(await editor(page).locator('input:not([disabled]), select:not([disabled])').count()).toBe(0);
      expect(await editor(page).locator('[data-action=test-read], [data-action=write], [data-action=keep]').count()).toBe(0);
      await page.locator('#show-history').click();
      await page.locator('#connectors-panel .version').first().waitFor();
      expect(await page.locator('#connectors-panel [data-action=rollback]').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 60_000);
});
