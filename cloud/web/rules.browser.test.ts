/**
 * The Rules screen in a real Chromium against the real cloud (startCloud with the demo plant's
 * glossary and seed pack: the rule routes, compiler, pack store and release as they run). A rule
 * with a misspelled term shows its problem at line:col with "did you mean", underlined exactly
 * under the misspelled text; fixed, it previews as a FUNCTION_BLOCK and in canonical Chinese; put
 * into a draft it is saved as version 2, promoted to production, and rolled back. A process expert
 * sees why production and rollback are not theirs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../bin/support/chromium.ts';
import { cloudClient } from '../../bin/support/cloud-client.ts';
import { freePort } from '../../bin/support/free-port.ts';
import { cloudConfigSchema } from '../../config/cloud-schema.ts';
import { parseConfig } from '../../config/load-config.ts';
import { startCloud, type CloudService } from '../cloud-service.ts';

const library = (file: string) => fileURLToPath(new URL(`../../rules/library/${file}`, import.meta.url));
const MISSPELLED = 'When remnant wieght of furnace F1 exceeds 15 kg, start approval "re-melt".';
const FIXED = 'When remnant weight of furnace F1 exceeds 15 kg, start approval "re-melt".';
const FIXED_ZH = '当F1熔炉余料重量超过15公斤时，启动审批"回炉"';

const dir = mkdtempSync(join(tmpdir(), 'edgestock-rules-ui-'));
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
      broker: { mode: 'embedded', port: await freePort(), users: [{ username: 'gw', password: 'gw-secret', group: 'demo-plant', edge: 'gw-cold-room-1' }] },
      rules: { glossary: library('demo-plant.glossary.yaml'), seedPack: library('demo-plant.rules.yaml') },
    }, 'test cloud config'),
  });
  cleanups.push(() => cloud.close());
  browser = await launchChromium();
  cleanups.push(() => browser.close());
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const versionRow = (version: number) => page.locator(`#rule-versions tr[data-version="${version}"]`);

/** Where the text at `offset..offset+length` of the (single-line) textarea is drawn, measured independently of the mirror. */
function measureInTextarea(offset: number, length: number) {
  return page.evaluate(([start, count]) => {
    const area = document.getElementById('rule-text') as HTMLTextAreaElement;
    const style = getComputedStyle(area);
    const context = document.createElement('canvas').getContext('2d')!;
    context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const box = area.getBoundingClientRect();
    const textLeft = box.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft);
    return {
      left: textLeft + context.measureText(area.value.slice(0, start)).width,
      width: context.measureText(area.value.slice(start, start + count)).width,
      top: box.top, bottom: box.bottom,
    };
  }, [offset, length] as const);
}

describe('the Rules screen', () => {
  it('underlines a misspelled term, previews the fixed rule, saves it as a version, promotes it and rolls back', async () => {
    await page.goto(`${cloud.httpUrl}/login?next=%2Frules`);
    await page.locator('#username').fill('admin');
    await page.locator('#password').fill('admin-demo');
    await page.locator('#login-submit').click();
    await page.waitForURL(`${cloud.httpUrl}/rules`);
    expect(await page.locator('#main-nav a[aria-current="page"]').textContent()).toBe('Rules');
    // the seed pack is version 1, in production
    await page.waitForSelector('#rule-versions tr[data-version="1"][data-stage="production"]', { timeout: 10_000 });
    await page.locator('#pack-rules tr[data-rule="remnant-weight-f1"]').waitFor();

    // The glossary inserts a phrase with its parameter selected, to be typed over.
    await page.locator('#glossary-search').fill('remnant');
    expect(await page.locator('#glossary-list [data-term]:not([hidden])').evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset.term))).toEqual(['remnant-weight']);
    await page.locator('#glossary-list [data-term="remnant-weight"] .glossary-phrase[data-phrase="remnant weight of furnace {furnace}"]').click();
    expect(await page.locator('#rule-text').evaluate((a: HTMLTextAreaElement) => [a.value, a.value.slice(a.selectionStart, a.selectionEnd)]))
      .toEqual(['remnant weight of furnace {furnace}', '{furnace}']);

    // Open the pack's rule in the editor (id, title and examples come along), then misspell a term.
    await page.locator('#pack-rules tr[data-rule="remnant-weight-f1"] [data-action="edit"]').click();
    expect(await page.locator('#draft-rule-id').inputValue()).toBe('remnant-weight-f1');
    await page.locator('#rule-text').fill(MISSPELLED);
    const problem = page.locator('#rule-problems .rules-problem[data-code="UNKNOWN_TERM"]');
    await problem.waitFor({ timeout: 10_000 });
    expect(await problem.locator('.problem-message').textContent()).toContain('did you mean');
    expect(await problem.locator('.problem-message').textContent()).toContain('remnant weight');
    const at = (await problem.locator('.problem-at').textContent())!;
    expect(at).toMatch(/^1:\d+$/);
    const col = Number(at.split(':')[1]);
    expect(col).toBeLessThanOrEqual(MISSPELLED.indexOf('wieght') + 1); // the problem starts at or before the misspelled word

    const underline = page.locator('#rule-mirror .rule-underline');
    expect(await underline.count()).toBe(1);
    const underlined = (await underline.textContent())!;
    expect(underlined).toContain('wieght');
    expect(MISSPELLED.slice(col - 1, col - 1 + underlined.length)).toBe(underlined); // starts at the problem's column
    expect(await underline.getAttribute('title')).toContain('did you mean');
    expect(await underline.evaluate((node) => getComputedStyle(node).textDecorationStyle)).toBe('wavy');
    // ...and is drawn where the textarea draws that text: measured from the textarea's own font
    const expected = await measureInTextarea(col - 1, underlined.length);
    const box = (await underline.boundingBox())!;
    expect(Math.abs(box.x - expected.left)).toBeLessThan(2);
    expect(Math.abs(box.width - expected.width)).toBeLessThan(3);
    expect(box.y).toBeGreaterThanOrEqual(expected.top);
    expect(box.y + box.height).toBeLessThanOrEqual(expected.bottom);
    expect(await page.locator('#draft-put').isDisabled()).toBe(true);

    // Fixed: no problem, the ST function block and the canonical Chinese.
    await page.locator('#rule-text').fill(FIXED);
    await page.waitForSelector('#rule-status[data-state="ok"]', { timeout: 10_000 });
    expect(await page.locator('#rule-problems li').count()).toBe(0);
    expect(await page.locator('#rule-mirror .rule-underline').count()).toBe(0);
    expect(await page.locator('#understood-zh').textContent()).toBe(FIXED_ZH);
    expect(await page.locator('#understood-en').textContent()).toBe(FIXED);
    await page.locator('#rules-tab-st').click();
    expect(await page.locator('#preview-st').isVisible()).toBe(true);
    expect(await page.locator('#preview-st').textContent()).toContain('FUNCTION_BLOCK');
    expect(await page.locator('#preview-st').textContent()).toContain('END_FUNCTION_BLOCK');
    await page.locator('#rules-tab-ast').click();
    expect(JSON.parse((await page.locator('#preview-ast').textContent())!)).toMatchObject({
      condition: { kind: 'compare', op: 'exceeds', left: { kind: 'term', term: 'remnant-weight', args: { furnace: 'F1' } }, right: { kind: 'quantity', value: 15, unit: 'kg' } },
      actions: [{ kind: 'startApproval', flow: 're-melt' }],
    });

    // Into the draft with a new title, saved as version 2 (sandbox, its examples pass).
    await page.locator('#draft-rule-title').fill('Remnant above 15 kg goes to re-melt approval (reviewed)');
    await page.locator('#draft-put').click();
    expect(await page.locator('#draft-rules tr[data-rule="remnant-weight-f1"]').getAttribute('data-change')).toBe('changed');
    await page.locator('#draft-save').click();
    await page.waitForFunction(() => document.getElementById('draft-status')?.textContent?.startsWith('Saved as version 2'), undefined, { timeout: 10_000 });
    await page.waitForSelector('#rule-versions tr[data-version="2"][data-stage="sandbox"]');
    // no gateway has reported: grey, which needs a chosen few, is disabled and says why
    const grey = versionRow(2).locator('[data-action="grey"]');
    expect(await grey.isDisabled()).toBe(true);
    expect(await grey.getAttribute('title')).toContain('No gateway has reported yet');
    expect(await versionRow(1).locator('[data-action="production"]').getAttribute('title')).toBe('Already production.');

    // Promote version 2 to production, confirmed in the dialog.
    await versionRow(2).locator('[data-action="production"]').click();
    expect(await page.locator('#release-dialog').isVisible()).toBe(true);
    await page.locator('#release-confirm').click();
    await page.waitForSelector('#rule-versions tr[data-version="2"][data-stage="production"]', { timeout: 15_000 });
    await page.waitForSelector('#rule-versions tr[data-version="1"][data-stage="retired"]');
    expect(await page.locator('#release-status').textContent()).toContain('Version 2 is production');

    // Roll back: version 1 is production again, version 2 retired.
    expect(await page.locator('#rules-rollback').textContent()).toBe('Roll back production v2 → v1');
    await page.locator('#rules-rollback').click();
    await page.locator('#release-confirm').click();
    await page.waitForSelector('#rule-versions tr[data-version="1"][data-stage="production"]', { timeout: 15_000 });
    await page.waitForSelector('#rule-versions tr[data-version="2"][data-stage="retired"]');
    expect(await page.locator('#release-status').textContent()).toContain('Rolled back: version 1 is production again, v2 is retired');
    // v1 was the first production version: nothing earlier to roll back to, and the button says so
    expect(await page.locator('#rules-rollback').isDisabled()).toBe(true);
    expect(await page.locator('#rules-rollback-reason').textContent()).toBe('Version 1 is the first production version; there is no earlier one to roll back to.');

    // The API agrees with the screen, and the audit log has each step by the user who did it.
    const auditor = cloudClient(cloud.httpUrl, 'auditor');
    const { production, packs } = await auditor.getJson<{ production: number; packs: Array<{ version: number; stage: string }> }>('/api/rules/packs');
    expect(production).toBe(1);
    expect(packs.map((p) => [p.version, p.stage])).toEqual([[2, 'retired'], [1, 'production']]);
    const saved = await auditor.getJson<{ rules: Array<{ id: string; title?: string; zh?: string }> }>('/api/rules/packs/2');
    expect(saved.rules.find((r) => r.id === 'remnant-weight-f1')).toMatchObject({ title: 'Remnant above 15 kg goes to re-melt approval (reviewed)', zh: FIXED_ZH });
    const audit = await auditor.getJson<Array<{ actor: string; action: string; outcome: string }>>('/api/audit?actor=admin');
    expect(audit.filter((e) => e.action.startsWith('rules.')).map((e) => [e.action, e.outcome]).reverse())
      .toEqual([['rules.pack.create', 'success'], ['rules.pack.promote', 'success'], ['rules.pack.rollback', 'success']]);

    const screenshot = join(tmpdir(), 'edgestock-rules-screen.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`rules screen screenshot: ${screenshot}`);
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('shows a process expert why production and rollback are not theirs, and compares a version that never ran in shadow', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    cleanups.push(() => context.close());
    const expert = await context.newPage();
    const errors: string[] = [];
    expert.on('pageerror', (error) => errors.push(error.message));
    await expert.goto(`${cloud.httpUrl}/login?next=%2Frules`);
    await expert.locator('#username').fill('expert');
    await expert.locator('#password').fill('expert-demo');
    await expert.locator('#login-submit').click();
    await expert.waitForURL(`${cloud.httpUrl}/rules`);
    const v2 = expert.locator('#rule-versions tr[data-version="2"]');
    await v2.waitFor({ timeout: 10_000 });
    // v2 is retired by the first test's rollback; v1 is production
    expect(await v2.locator('[data-action="shadow"]').getAttribute('title')).toBe('A retired version is not shadowed; only sandbox and shadow versions are.');
    expect(await expert.locator('#rule-versions tr[data-version="1"] [data-action="production"]').getAttribute('title'))
      .toBe('Only a plant engineer (rules.release.production.approve) approves production.');
    expect(await expert.locator('#rules-rollback').isDisabled()).toBe(true);
    expect(await expert.locator('#rules-rollback-reason').textContent()).toBe('Only a plant engineer (rules.release.production.approve) rolls back production.');
    // the shadow comparison lists the candidate's rules with zero firings on both sides
    await expert.locator('#shadow-version').selectOption('2');
    await expert.waitForFunction(() => document.getElementById('shadow-summary')?.textContent?.includes('has never run in shadow'));
    expect(await expert.locator('#shadow-rows tr[data-rule="remnant-weight-f1"] [data-field="shadow"]').textContent()).toBe('0');
    expect(await expert.locator('#shadow-chart canvas').count()).toBe(1); // uPlot drew the bar chart
    expect(errors).toEqual([]);
  }, 60_000);
});
