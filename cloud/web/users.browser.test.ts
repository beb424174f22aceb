/**
 * Account management and gateway credential rotation in a real Chromium, against the real app,
 * a real SQLite store and the real embedded broker: the admin changes a role, unlocks a locked
 * user, resets a password and rotates a gateway's password, each secret shown once; roles
 * without the permission see no controls and the API refuses them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../bin/support/chromium.ts';
import { freePort } from '../../bin/support/free-port.ts';
import { cloudConfigSchema } from '../../config/cloud-schema.ts';
import { startCloudBroker, type CloudBroker } from '../broker/cloud-broker.ts';
import { startCloudHttp, type CloudHttp } from './server.ts';
import { demoPassword, openTestCloud, type TestCloud } from './test-fixture.ts';

const coldRoom = { username: 'gw-cold-room-1', password: 'gw-cold-room-1-demo', group: 'demo-plant', edge: 'gw-cold-room-1' };
let dir: string;
let broker: CloudBroker;
let cloud: TestCloud;
let http: CloudHttp;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgestock-users-ui-'));
  const { broker: config } = cloudConfigSchema.parse({ broker: { mode: 'embedded', port: 0, users: [coldRoom] } });
  broker = await startCloudBroker({ config, storeFile: join(dir, 'broker.sqlite'), logger: pino({ level: 'silent' }) });
  cloud = await openTestCloud({
    demoUsers: true,
    gatewayCredentials: { list: () => broker.listGateways(), rotate: (username) => broker.rotateGatewayCredential(username) },
  });
  http = await startCloudHttp({ app: cloud.app, host: '127.0.0.1', port: await freePort() });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await cloud?.close();
  await broker?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A fresh browser context logged in as `username`, on `path`; collects page errors and CSP violations. */
async function openAs(username: string, path: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  await page.goto(`${http.url}/login?next=${encodeURIComponent(path)}`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(demoPassword(username));
  await page.locator('#login-submit').click();
  await page.waitForURL(`${http.url}${path}`);
  await page.waitForSelector('#user-name:not(:empty)');
  return { page, errors };
}

/** Answers the next confirm() with OK (or Cancel), and returns its text. */
function answerConfirm(page: Page, accept = true): Promise<string> {
  return new Promise((resolve) => page.once('dialog', (dialog) => {
    resolve(dialog.message());
    void (accept ? dialog.accept() : dialog.dismiss());
  }));
}

const row = (page: Page, username: string) => page.locator(`#users-rows tr[data-username="${username}"]`);
const apiLogin = (username: string, password: string) =>
  cloud.app.inject({ method: 'POST', url: '/api/session', payload: { username, password } });

describe('the users screen', () => {
  it("the admin changes a user's role, unlocks a user that failed logins locked, and resets a password shown once", async () => {
    for (let i = 0; i < 5; i++) cloud.auth.service.parts.throttle.recordFailure('finance', '203.0.113.20');
    const { page, errors } = await openAs('admin', '/users');
    try {
      await page.waitForSelector('#users-rows tr');
      expect(await page.locator('#main-nav a:not([hidden])').allTextContents()).toEqual(expect.arrayContaining(['Users', 'Gateway credentials']));
      expect(await row(page, 'finance').locator('.state').textContent()).toMatch(/^Locked after failed logins until /);

      // unlock
      await row(page, 'finance').locator('button[data-action="unlock"]').click();
      await page.waitForSelector('#users-rows tr[data-username="finance"][data-locked="no"]');
      expect(await row(page, 'finance').locator('.state').textContent()).toBe('Active');
      expect((await apiLogin('finance', 'finance-demo')).statusCode).toBe(200);

      // change a role
      expect(await row(page, 'engineer').locator('button[data-action="role"]').isDisabled()).toBe(true);
      await row(page, 'engineer').locator('select').selectOption('process_expert');
      await row(page, 'engineer').locator('button[data-action="role"]').click();
      await page.waitForSelector('#users-rows tr[data-username="engineer"][data-role="process_expert"]');
      expect(await page.locator('#users-status').textContent()).toContain('engineer is now process expert');
      expect(cloud.auth.service.parts.accounts.byUsername('engineer')!.role).toBe('process_expert');

      // reset a password: asked first, then shown once
      const question = answerConfirm(page);
      await row(page, 'expert').locator('button[data-action="reset"]').click();
      expect(await question).toContain('Reset the password of expert?');
      await page.waitForSelector('#users-secret:not([hidden]) code.secret');
      const oneTimePassword = (await page.locator('#users-secret code.secret').textContent())!;
      expect(await page.locator('#users-secret').textContent()).toContain('It is shown only now');
      const login = await apiLogin('expert', oneTimePassword);
      expect(login.json()).toMatchObject({ username: 'expert', mustChangePassword: true });
      await page.locator('#users-secret button', { hasText: 'Done' }).click();
      expect(await page.locator('#users-secret').isHidden()).toBe(true);
      expect(await page.content()).not.toContain(oneTimePassword);

      // the admin's own row offers no lock or reset (the API refuses them anyway)
      expect(await row(page, 'admin').locator('button[data-action="lock"], button[data-action="reset"]').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      // the engineer's role back, for the tests below
      const { accounts } = cloud.auth.service.parts;
      accounts.setRole(accounts.byUsername('engineer')!.id, 'plant_engineer');
      await page.context().close();
    }
  }, 60_000);

  it('the admin creates an account and locks another; the locked one is refused at login', async () => {
    const { page, errors } = await openAs('admin', '/users');
    try {
      await page.waitForSelector('#users-rows tr');
      await page.locator('#user-create input[name="username"]').fill('night-shift');
      await page.locator('#user-create select[name="role"]').selectOption('warehouse_operator');
      await page.locator('#user-create button[type="submit"]').click();
      await page.waitForSelector('#users-rows tr[data-username="night-shift"]');
      const oneTimePassword = (await page.locator('#users-secret code.secret').textContent())!;
      expect((await apiLogin('night-shift', oneTimePassword)).json()).toMatchObject({ role: 'warehouse_operator', mustChangePassword: true });

      const question = answerConfirm(page);
      await row(page, 'purchasing').locator('button[data-action="lock"]').click();
      expect(await question).toContain('Lock purchasing?');
      await page.waitForSelector('#users-rows tr[data-username="purchasing"][data-locked="admin"]');
      expect(await row(page, 'purchasing').locator('.state').textContent()).toMatch(/^Locked by an admin since /);
      expect((await apiLogin('purchasing', 'purchasing-demo')).json().error).toBe('ACCOUNT_LOCKED');
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 60_000);

  it('a role with users.read but not users.manage sees the list without any control, and the API refuses it 403', async () => {
    const { page, errors } = await openAs('auditor', '/users');
    try {
      await page.waitForSelector('#users-rows tr');
      expect(await page.locator('#users-note').textContent()).toContain('Read-only');
      expect(await page.locator('#user-create').isHidden()).toBe(true);
      expect(await page.locator('#users-rows button, #users-rows select').count()).toBe(0);
      expect(await page.locator('#users-actions-head').isHidden()).toBe(true);
      expect(await page.locator('#main-nav a:not([hidden])').allTextContents()).not.toContain('Gateway credentials');

      const answers = await page.evaluate(async () => {
        const { csrfToken } = await (await fetch('/api/session')).json();
        const send = async (method: string, url: string, body?: unknown) => {
          const response = await fetch(url, {
            method, headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken }, body: body === undefined ? undefined : JSON.stringify(body),
          });
          return { status: response.status, error: (await response.json()).error };
        };
        return [
          await send('PATCH', '/api/users/sales', { role: 'admin' }),
          await send('POST', '/api/users/sales/password-reset'),
          await send('POST', '/api/gateways/credentials/gw-cold-room-1/rotate'),
        ];
      });
      expect(answers).toEqual([
        { status: 403, error: 'FORBIDDEN' }, { status: 403, error: 'FORBIDDEN' }, { status: 403, error: 'FORBIDDEN' },
      ]);
      expect(cloud.auth.service.parts.accounts.byUsername('sales')!.role).toBe('sales');
      expect(errors.filter((error) => !error.includes('403'))).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 60_000);

  it('a role without users.read has no Users screen: typing its path leads elsewhere', async () => {
    const { page } = await openAs('operator', '/permissions');
    try {
      expect(await page.locator('#main-nav a:not([hidden])').allTextContents()).not.toContain('Users');
      await page.goto(`${http.url}/users`);
      await page.waitForURL((url) => url.pathname !== '/users');
      expect(await page.locator('#screen-users').isVisible()).toBe(false);
    } finally {
      await page.context().close();
    }
  }, 30_000);
});

describe('the gateway credentials screen', () => {
  it('rotates a password after a confirm, shows the new one once with a copy hint, and the gateway logs in with it', async () => {
    const admin = await openAs('admin', '/gateway-credentials');
    try {
      await admin.page.waitForSelector('#gateway-credential-rows tr[data-username="gw-cold-room-1"]');
      const gatewayRow = admin.page.locator('#gateway-credential-rows tr[data-username="gw-cold-room-1"]');
      expect(await gatewayRow.locator('td.rotated').textContent()).toBe('from the cloud config');

      // Cancel rotates nothing
      const cancelled = answerConfirm(admin.page, false);
      await gatewayRow.locator('button[data-action="rotate"]').click();
      expect(await cancelled).toContain('Rotate the broker password of gw-cold-room-1 (demo-plant/gw-cold-room-1)?');
      expect(broker.listGateways()[0]!.rotatedAt).toBeNull();

      const gateway = await mqtt.connectAsync(broker.mqttUrl, { protocolVersion: 4, username: coldRoom.username, password: coldRoom.password, reconnectPeriod: 0 });
      const dropped = new Promise<void>((resolve) => gateway.once('close', () => resolve()));
      const confirmed = answerConfirm(admin.page);
      await gatewayRow.locator('button[data-action="rotate"]').click();
      await confirmed;
      await admin.page.waitForSelector('#gateway-secret:not([hidden]) code.secret');
      const password = (await admin.page.locator('#gateway-secret code.secret').textContent())!;
      expect(password).toMatch(/^[\w-]{32}$/);
      expect(await admin.page.locator('#gateway-secret').textContent()).toContain('north.password');
      expect(await admin.page.locator('#gateway-secret button', { hasText: 'Copy' }).isVisible()).toBe(true);
      await admin.page.waitForFunction(() => document.querySelector('#gateway-credential-rows td.rotated')?.textContent?.startsWith('rotated '));
      await dropped;

      const again = await mqtt.connectAsync(broker.mqttUrl, { protocolVersion: 4, username: coldRoom.username, password, reconnectPeriod: 0 });
      expect(again.connected).toBe(true);
      again.end(true);

      // once: a reload shows the list, not the password
      await admin.page.reload();
      await admin.page.waitForSelector('#gateway-credential-rows tr[data-username="gw-cold-room-1"]');
      expect(await admin.page.locator('#gateway-secret').isHidden()).toBe(true);
      expect(await admin.page.content()).not.toContain(password);
      expect(admin.errors).toEqual([]);
    } finally {
      await admin.page.context().close();
    }
  }, 60_000);

  it('is offered to the plant engineer, who holds devices.manage', async () => {
    const { page } = await openAs('engineer', '/');
    try {
      expect(await page.locator('#main-nav a:not([hidden])').allTextContents()).toContain('Gateway credentials');
    } finally {
      await page.context().close();
    }
  }, 30_000);
});
