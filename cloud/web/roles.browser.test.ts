/**
 * Each demo role in a real Chromium: logs in through the login page and sees only the screens
 * its permissions allow; the permission matrix is editable for the admin and read-only for the
 * rest; the audit log shows what happened and offers its CSV. Also the login page's error and
 * lock-out messages.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../bin/support/chromium.ts';
import { freePort } from '../../bin/support/free-port.ts';
import { auditActions } from '../auth/audit-log.ts';
import { defaultMatrix, roleIds, type RoleId } from '../auth/permissions.ts';
import { startCloudHttp, type CloudHttp } from './server.ts';
import { demoPassword, demoUsernames, openTestCloud, type TestCloud } from './test-fixture.ts';

let cloud: TestCloud;
let http: CloudHttp;
let browser: Browser;

beforeAll(async () => {
  cloud = await openTestCloud({ demoUsers: true });
  cloud.store.insertSamples([{ group: 'plant', edge: 'gw-1', device: 'shelf', tag: 'B10/temperature', value: 4.5, quality: 'good', ts: Date.now() }]);
  http = await startCloudHttp({ app: cloud.app, host: '127.0.0.1', port: await freePort() });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await cloud?.close();
});

/** A fresh browser context (no cookies) logged in as `username`; collects page errors and CSP violations. */
async function logIn(username: string, password = demoPassword(username)): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  await page.goto(`${http.url}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('#login-submit').click();
  await page.waitForSelector('#user-name:not(:empty)', { timeout: 10_000 });
  return { page, errors };
}

const visibleNav = (page: Page) => page.locator('#main-nav a:not([hidden])').allTextContents();

/** The screens each role should see under the default matrix. */
function expectedScreens(role: RoleId): string[] {
  const holds = (permission: string) => (defaultMatrix[role] as readonly string[]).includes(permission);
  return [
    holds('telemetry.read') && 'Telemetry', holds('telemetry.read') && 'Connectors', holds('telemetry.read') && 'Gateways', 'Permissions', holds('audit.read') && 'Audit log',
    holds('users.read') && 'Users', holds('devices.manage') && 'Gateway credentials', 'Rules',
    holds('inventory.read') && 'Scans', holds('inventory.read') && 'Shelves', holds('inventory.read') && 'Lots',
    holds('inventory.read') && 'Stock', holds('inventory.read') && 'Lot trace', holds('inventory.read') && 'Fusion', holds('inventory.read') && 'Tooling',
    holds('inventory.read') && 'Forecasting', holds('inventory.read') && 'Replenishment',
    holds('devices.manage') && 'Devices',
  ].filter(Boolean) as string[];
}

describe('each demo role in the browser', () => {
  it.each(roleIds)('%s sees exactly the screens its permissions allow, and its name and role in the top bar', async (role) => {
    const { page, errors } = await logIn(demoUsernames[role]);
    try {
      expect(await page.locator('#user-name').textContent()).toBe(demoUsernames[role]);
      expect(await page.locator('#user-role').textContent()).toBe(role.replaceAll('_', ' '));
      expect(await visibleNav(page)).toEqual(expectedScreens(role));
      if (expectedScreens(role).includes('Telemetry')) {
        await page.waitForSelector('#connection[data-state="live"]', { timeout: 5000 });
        expect(await page.locator('#screen-telemetry').isVisible()).toBe(true);
      } else {
        // no telemetry.read: / sends the browser on to the first screen the role has
        await page.waitForURL(`${http.url}/permissions`);
        await page.waitForSelector('#matrix tbody tr');
      }
      // Typing the path of a screen the role lacks shows nothing of it
      if (!expectedScreens(role).includes('Audit log')) {
        await page.goto(`${http.url}/audit`);
        await page.waitForURL((url) => url.pathname !== '/audit');
        expect(await page.locator('#screen-audit').isVisible()).toBe(false);
      }
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 30_000);

  it('the auditor reads the matrix but cannot change it, and reads the audit log with its export', async () => {
    const { page, errors } = await logIn('auditor');
    try {
      await page.goto(`${http.url}/permissions`);
      await page.waitForSelector('#matrix tbody tr');
      expect(await page.locator('#permissions-note').textContent()).toContain('Read-only');
      expect(await page.locator('#matrix-save').isVisible()).toBe(false);
      expect(await page.locator('#matrix input:not([disabled])').count()).toBe(0);
      expect(await page.locator('#matrix input[data-role="auditor"][data-permission="audit.read"]').isChecked()).toBe(true);

      await page.goto(`${http.url}/audit`);
      await page.waitForSelector('#audit-rows tr');
      await page.locator('#audit-filter select[name=action]').selectOption('session.login');
      await page.locator('#audit-filter input[name=actor]').fill('auditor');
      await page.locator('#audit-filter button[type=submit]').click();
      await page.waitForFunction(() => Array.from(document.querySelectorAll('#audit-rows tr')).every((tr) => (tr as HTMLElement).dataset.action === 'session.login'));
      expect(await page.locator('#audit-rows tr td:nth-child(2)').allTextContents()).toContain('auditor');
      expect(await page.locator('#audit-export').getAttribute('href')).toBe('/api/audit/export.csv?actor=auditor&action=session.login');
      const csv = await page.evaluate(async (href) => (await fetch(href!)).text(), await page.locator('#audit-export').getAttribute('href'));
      expect(csv.split('\r\n')[0]).toBe('id,at,actor,actorKind,ip,userAgent,action,outcome,target,before,after');
      // the page's list of actions is the server's
      expect(await page.evaluate("import('/ui/audit-screen.js').then((m) => m.AUDIT_ACTIONS)")).toEqual([...auditActions]);
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 30_000);

  it('the admin grants the operator telemetry.read, the operator then sees telemetry, and the change is in the audit log', async () => {
    const { page: admin, errors } = await logIn('admin');
    const { page: operator } = await logIn('operator');
    try {
      await admin.goto(`${http.url}/permissions`);
      await admin.waitForSelector('#matrix tbody tr');
      expect(await admin.locator('#matrix-save').isVisible()).toBe(true);
      await admin.locator('#matrix input[data-role="warehouse_operator"][data-permission="telemetry.read"]').check();
      await admin.locator('#matrix-save').click();
      await admin.waitForFunction(() => document.getElementById('matrix-status')?.textContent === 'Saved.');

      await operator.goto(`${http.url}/`);
      await operator.waitForSelector('#connection[data-state="live"]', { timeout: 5000 });
      expect(await visibleNav(operator)).toEqual(['Telemetry', 'Connectors', 'Gateways', 'Permissions', 'Rules', 'Scans', 'Shelves', 'Lots', 'Stock', 'Lot trace', 'Fusion', 'Tooling', 'Forecasting', 'Replenishment']);

      await admin.goto(`${http.url}/audit`);
      await admin.waitForSelector('#audit-rows tr[data-action="permissions.update"]');
      expect(await admin.locator('#audit-rows tr[data-action="permissions.update"] td.details').first().textContent()).toContain('"warehouse_operator":["telemetry.read","scans.perform","inventory.read","inventory.manage"]');
      expect(errors).toEqual([]);
    } finally {
      // put the default back for the other tests
      cloud.auth.service.parts.matrix.replace(structuredClone(defaultMatrix) as never);
      await admin.context().close();
      await operator.context().close();
    }
  }, 30_000);

  it('logs out from the top bar, after which the page asks for a login again', async () => {
    const { page } = await logIn('engineer');
    try {
      await page.locator('#logout').click();
      await page.waitForURL(`${http.url}/login`);
      await page.goto(`${http.url}/`);
      await page.waitForURL(`${http.url}/login`);
    } finally {
      await page.context().close();
    }
  }, 30_000);
});

describe('the login page', () => {
  it('says when the password is wrong, and that the account is locked after repeated failures', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${http.url}/login`);
      await page.locator('#username').fill('finance');
      await page.locator('#password').fill('wrong');
      await page.locator('#login-submit').click();
      await page.waitForSelector('#login-error:not([hidden])');
      expect(await page.locator('#login-error').textContent()).toBe('Wrong username or password.');
      // further tries arrive inside the wait: the page says so, and finally that the account is locked
      const throttle = cloud.auth.service.parts.throttle;
      for (let i = 0; i < 4; i++) throttle.recordFailure('finance', '203.0.113.1');
      await page.locator('#login-submit').click();
      await page.waitForFunction(() => document.getElementById('login-error')?.textContent?.startsWith('Locked after too many failed logins'));
      expect(page.url()).toBe(`${http.url}/login`);
    } finally {
      await context.close();
    }
  }, 30_000);

  it('keeps the security headers on every page: same-origin scripts and styles only', async () => {
    const response = await fetch(`${http.url}/login`);
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none';script-src 'self';style-src 'self';img-src 'self' data:;connect-src 'self';base-uri 'none';form-action 'self';frame-ancestors 'none'",
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});
