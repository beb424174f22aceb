/**
 * The tooling screen in a real Chromium against the real cloud app (openTestCloud) with the
 * tooling part and the production schedule on a real SQLite file: the plant of DESIGN.md's tooling
 * case (tooling-fixture.ts seedPlant), its insert counted by the edge feed from counter samples to
 * 8,500 of 9,000 shots, production orders on its machine. The tree shows a life bar per asset;
 * the insert shows the warning, the recommended spare and a maintenance window that names the
 * order in the way; the engineer records an inspection and mounts a mold; a reader gets no forms.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../bin/support/chromium.ts';
import { freePort } from '../../bin/support/free-port.ts';
import { openProductionSchedule, type OpenProductionSchedule } from '../tooling/open-production-schedule.ts';
import { openToolingWorld, seedPlant, T0, type ToolingWorld } from '../tooling/testing/tooling-fixture.ts';
import { toolingScheduleRoutes } from './routes/tooling-schedule.ts';
import { toolingRoutes } from './routes/tooling.ts';
import { startCloudHttp, type CloudHttp } from './server.ts';
import { demoPassword, openTestCloud, type TestCloud } from './test-fixture.ts';

const H = 3_600_000;
/** The edge counted 100 shots an hour for 85 h: INS-0042 stands at 8,500 of 9,000. */
const NOW = T0 + 85 * H;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

let world: ToolingWorld;
let schedule: OpenProductionSchedule;
let cloud: TestCloud;
let http: CloudHttp;
let browser: Browser;

beforeAll(async () => {
  world = openToolingWorld({ planWindow: (asset) => schedule.planWindow(asset) });
  seedPlant(world, 'engineer');
  world.tooling.api.putAsset({ id: 'M-200', kind: 'mold', serial: 'M200-2025-02', name: 'lid mold', cteUmPerMK: 11.5, lifeShots: 500_000 }, 'engineer');
  world.tooling.api.putMachine({ id: 'IMM-02', name: 'Arburg 150t', counter: null, cycleTimeS: 20 }, 'engineer');
  world.counter(Array.from({ length: 86 }, (_, h) => [T0 + h * H, 70_000 + 100 * h]));
  world.clock.set(NOW);
  world.tooling.feed.poll();
  for (const [date, result] of [['2026-01-10', 'ok'], ['2026-02-01', 'ok'], ['2026-02-20', 'wear']] as const) {
    world.tooling.api.addInspection('INS-0042', { date, inspector: 'Li Wei', result, notes: `${result} at the gate` }, 'engineer');
  }
  world.tooling.api.addInspection('INS-0042', {
    date: '2026-03-01', inspector: 'Li Wei', result: 'wear', measurements: [{ name: 'cavity depth', value: 12.01, unit: 'mm' }],
    attachments: [{ filename: 'ins-0042-report.pdf', contentType: 'application/pdf', dataBase64: PDF.toString('base64') }],
  }, 'engineer');
  schedule = openProductionSchedule(world.file, {
    clock: world.clock, telemetry: world.telemetry, tooling: { assetOf: world.tooling.api.asset, machineOf: world.tooling.api.machine },
  });
  // the life is reached at NOW + 5 h (500 shots at 100/h); PO-2 runs through it, so the 4 h window comes after PO-3
  schedule.schedule.put('PO-1', { machine: 'IMM-01', mold: 'M-100', sku: 'HOUSING-A', qty: 300, start: NOW - H, end: NOW + 2 * H, status: 'running' }, 'engineer');
  schedule.schedule.put('PO-2', { machine: 'IMM-01', mold: 'M-100', sku: 'HOUSING-A', qty: 500, start: NOW + 3 * H, end: NOW + 8 * H }, 'engineer');
  schedule.schedule.put('PO-3', { machine: 'IMM-01', mold: 'M-100', sku: 'HOUSING-B', qty: 1200, start: NOW + 8 * H, end: NOW + 20 * H }, 'engineer');

  cloud = await openTestCloud({
    demoUsers: true,
    beforeReady: (app) => {
      app.register(toolingRoutes, { tooling: world.tooling.api });
      app.register(toolingScheduleRoutes, { schedule: schedule.schedule, planner: schedule.planner });
    },
  });
  http = await startCloudHttp({ app: cloud.app, host: '127.0.0.1', port: await freePort() });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await cloud?.close();
  schedule?.close();
  world?.close();
});

/** A fresh browser context logged in as `username` on the tooling screen; collects page errors and CSP violations. */
async function openTooling(username: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  await page.goto(`${http.url}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(demoPassword(username));
  await page.locator('#login-submit').click();
  await page.waitForSelector('#user-name:not(:empty)');
  await page.goto(`${http.url}/#/tooling`);
  await page.waitForSelector('#screen-tooling:not([hidden]) #tooling-tree li[data-asset-id="INS-0042"]');
  return { page, errors };
}

describe('the tooling screen', () => {
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ({ page, errors } = await openTooling('engineer'));
  }, 30_000);

  afterAll(async () => {
    await page?.context().close();
  }, 30_000);

  it('shows the mold -> sub-mold -> insert tree with a life bar per asset with a life', async () => {
    expect(await page.locator('#main-nav a[aria-current="page"]').textContent()).toBe('Tooling');
    // nesting: INS-0042 sits in SM-1, which sits in M-100
    expect(await page.locator('li[data-asset-id="M-100"] > ul li[data-asset-id="SM-1"] > ul li[data-asset-id="INS-0042"]').count()).toBe(1);
    const bar = page.locator('li[data-asset-id="INS-0042"] > .tooling-node-row [role="meter"]');
    expect(await bar.getAttribute('data-state')).toBe('warning');
    expect(await bar.getAttribute('aria-valuenow')).toBe('8500');
    expect(await bar.getAttribute('aria-valuemax')).toBe('9000');
    expect(await bar.getAttribute('aria-valuetext')).toBe('8,500 / 9,000 shots (94%), warn at 8,500: plan replacement');
    const row = (await page.locator('li[data-asset-id="INS-0042"] > .tooling-node-row').textContent())!;
    expect(row).toContain('8,500 / 9,000 shots (94%)');
    expect(row).toContain('! plan replacement');
    // the warn mark sits at 8,500 / 9,000 of the bar's width
    const [barBox, markBox] = await Promise.all([bar.boundingBox(), bar.locator('.life-warn-mark').boundingBox()]);
    expect((markBox!.x + markBox!.width / 2 - barBox!.x) / barBox!.width).toBeCloseTo(8500 / 9000, 1);
    // the worn-out spare shows over life, a fresh one ok, the sub-mold without a life its shots
    expect(await page.locator('li[data-asset-id="INS-0400"] [role="meter"]').getAttribute('data-state')).toBe('over_life');
    expect(await page.locator('li[data-asset-id="INS-0110"] [role="meter"]').getAttribute('data-state')).toBe('ok');
    expect(await page.locator('li[data-asset-id="SM-1"] > .tooling-node-row .life-none').textContent()).toContain('8,500 shots · no life limit');
    const bars = await page.locator('#tooling-tree [role="meter"]').count();
    const withLife = [...world.tooling.assets.all().values()].filter((a) => a.lifeShots !== null).length;
    expect(bars).toBe(withLife);
  }, 30_000);

  it('lists the warning with the recommended spare, and the machines with their mold and counter', async () => {
    const warning = page.locator('#tooling-warnings li[data-asset-id="INS-0042"]');
    const text = (await warning.textContent())!;
    expect(text).toContain('insert INS-0042 on mold M-100 (IMM-01) has 8,500 of 9,000 shots (94%): plan its replacement');
    expect(text).toContain('recommended spare: SN-INS-0107 (TOOL-ROOM/R3)');
    const imm1 = page.locator('#tooling-machine-rows tr[data-machine="IMM-01"]');
    expect(await imm1.locator('.machine-mold').textContent()).toBe('M-100');
    expect(await imm1.locator('.machine-shots').textContent()).toContain('78,500');
    expect(await page.locator('#tooling-machine-rows tr[data-machine="IMM-02"] .machine-mold').textContent()).toBe('— none');
  }, 30_000);

  it('selecting the insert shows its certificate, heat treatment, CTE against the mother mold and last three inspections', async () => {
    await page.locator('button.tooling-node-button[data-asset-id="INS-0042"]').click();
    await page.waitForSelector('#tooling-detail #tooling-window .timeline, #tooling-detail #tooling-window .form-error');
    expect(await page.locator('button.tooling-node-button[data-asset-id="INS-0042"]').getAttribute('aria-current')).toBe('true');
    const detail = (await page.locator('#tooling-detail').textContent())!;
    expect(detail).toContain('C-3.1-7781 · 1.2343 ESR · Uddeholm · issued 2025-11-03');
    expect(detail).toContain('50 HRC, tempered at 560 °C × 2 (2 h each)');
    expect(detail).toContain('11.4 µm/(m·K); mother mold M-100: 11.5 µm/(m·K) (Δ 0.1)');
    const inspections = page.locator('#tooling-inspections > ol > li');
    expect(await inspections.count()).toBe(3);
    expect(await inspections.locator('> strong').allTextContents()).toEqual(['2026-03-01 · wear', '2026-02-20 · wear', '2026-02-01 · ok']);
    const link = page.locator('#tooling-inspections a[data-attachment-id]');
    expect(await link.textContent()).toBe('ins-0042-report.pdf');
    const file = await page.request.get(`${http.url}${await link.getAttribute('href')}`);
    expect(file.status()).toBe(200);
    expect(file.headers()['content-type']).toBe('application/pdf');
    expect(Buffer.from(await file.body()).equals(PDF)).toBe(true);
  }, 30_000);

  it('shows the recommendation and the maintenance window on the timeline, naming the order in the way', async () => {
    const recommended = page.locator('#tooling-recommendation tr.is-recommended');
    expect(await recommended.getAttribute('data-candidate')).toBe('INS-0107');
    expect(await page.locator('#tooling-recommendation .tooling-advice').textContent()).toMatch(/^Replace insert INS-0042 with INS-0107/);
    expect(await page.locator('#tooling-window-warning').textContent()).toContain('No 4 h gap on IMM-01 starts before insert INS-0042 reaches its life at 2026-03-06 02:00 UTC: order PO-2 (HOUSING-A, 2026-03-06 00:00 UTC to 2026-03-06 05:00 UTC) runs through it. Production will run 15 h past the life unless order PO-2 moves.');
    expect(await page.locator('#tooling-window .timeline-order').evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset.order))).toEqual(['PO-1', 'PO-2', 'PO-3']);
    expect(await page.locator('#tooling-window .timeline-order.timeline-move').textContent()).toBe('PO-2');
    // the window block starts where PO-3 ends
    const [po3, win] = await Promise.all([page.locator('.timeline-order[data-order="PO-3"]').boundingBox(), page.locator('.timeline-window').boundingBox()]);
    expect(Math.abs(win!.x - (po3!.x + po3!.width))).toBeLessThan(2);
    const facts = await page.locator('#tooling-window .timeline-facts li').allTextContents();
    expect(facts[0]).toMatch(/^Window on IMM-01: .* \(4 h\)$/);
    expect(facts[1]).toMatch(/^Life reached: .* at 100 shots\/h$/);
    expect(facts.find((f) => f.startsWith('Order PO-2'))).toContain('move this order to replace before the life');
    expect(await page.locator('#tooling-window-text').textContent()).toContain('at 100 shots/h (2,400 shots over the last 24 h of the IMM-01 counter) it reaches its life at 2026-03-06 02:00 UTC');
  }, 30_000);

  it('records an inspection: it heads the last three', async () => {
    await page.locator('.tooling-inspection-details summary').click();
    await page.locator('#tooling-inspection-form input[name="date"]').fill('2026-03-05');
    await page.locator('#tooling-inspection-form select[name="result"]').selectOption('crack');
    await page.locator('#tooling-inspection-form textarea[name="notes"]').fill('hairline crack at the gate');
    await page.locator('#tooling-inspection-form button[type="submit"]').click();
    await page.waitForSelector('#tooling-inspections li[data-result="crack"]');
    expect(await page.locator('#tooling-inspections > ol > li > strong').allTextContents()).toEqual(['2026-03-05 · crack', '2026-03-01 · wear', '2026-02-20 · wear']);
    const stored = world.tooling.api.inspections('INS-0042', 1)[0]!;
    expect(stored).toMatchObject({ date: '2026-03-05', result: 'crack', inspector: 'engineer', notes: 'hairline crack at the gate', actor: 'engineer' });
  }, 30_000);

  it('a refused inspection shows the API\'s words and records nothing', async () => {
    const before = world.tooling.api.inspections('INS-0042', 100).length;
    // the details were reloaded after the last recording: the form is folded again
    await page.locator('.tooling-inspection-details summary').click();
    await page.locator('#tooling-inspection-form input[name="inspector"]').fill('');
    await page.locator('#tooling-inspection-form input[name="inspector"]').evaluate((input) => input.removeAttribute('required'));
    await page.locator('#tooling-inspection-form button[type="submit"]').click();
    await page.waitForFunction(() => document.querySelector('#tooling-inspection-status')?.textContent?.startsWith('Not recorded'));
    expect(await page.locator('#tooling-inspection-status').textContent()).toMatch(/^Not recorded: \w+: .*inspector/);
    expect(world.tooling.api.inspections('INS-0042', 100)).toHaveLength(before);
    // the browser logs the refused request itself; nothing else went wrong
    expect(errors).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    errors.length = 0;
  }, 30_000);

  it('mounts a mold on a machine', async () => {
    const row = page.locator('#tooling-machine-rows tr[data-machine="IMM-02"]');
    await row.locator('select[name="mold"]').selectOption('M-200');
    await row.locator('button[type="submit"]').click();
    await page.waitForFunction(() => document.querySelector('#tooling-machine-rows tr[data-machine="IMM-02"] .machine-mold')?.textContent === 'M-200');
    expect(await page.locator('#tooling-status').textContent()).toContain('Mounted M-200 on IMM-02');
    expect(world.tooling.api.machine('IMM-02')!.mold).toBe('M-200');
    expect(errors).toEqual([]);
  }, 30_000);
});

describe('the tooling screen for a reader', () => {
  it('shows the tree and details without the mount and inspection forms', async () => {
    const { page, errors } = await openTooling('operator');
    try {
      expect(await page.locator('#tooling-tree [role="meter"]').count()).toBeGreaterThan(0);
      expect(await page.locator('#tooling-machine-rows form').count()).toBe(0);
      await page.locator('button.tooling-node-button[data-asset-id="INS-0042"]').click();
      await page.waitForSelector('#tooling-window .timeline');
      expect(await page.locator('#tooling-inspection-form').count()).toBe(0);
      expect(await page.locator('#screen-tooling .hint').first().textContent()).toContain('Read-only');
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 30_000);
});
