/**
 * The README's main job, as a user runs it: `edgestock demo` starts its processes (cloud, three
 * simulators, gateway), live shelf temperatures reach the cloud API within 60 s, the press hall's
 * S7 and the weld cell's OPC UA values follow, and SIGTERM stops every process cleanly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { startChildPart, type ChildPart } from '../support/child-part.ts';
import { cloudClient } from '../support/cloud-client.ts';
import { freePort } from '../support/free-port.ts';
import { waitFor } from '../support/wait-for.ts';

interface Latest { group: string; edge: string; device: string; protocol: string | null; tag: string; value: unknown; quality: string; ts: number; unit: string | null }

/** True when nothing listens on the port any more (the OPC UA simulator speaks no HTTP). */
const refusesConnections = (port: number) => new Promise<boolean>((resolve) => {
  const socket = connect(port, '127.0.0.1');
  socket.once('connect', () => { socket.destroy(); resolve(false); });
  socket.once('error', () => resolve(true));
});

const dataDir = mkdtempSync(join(tmpdir(), 'edgestock-demo-'));
const output: string[] = [];
let demo: ChildPart | undefined;

afterAll(async () => {
  await demo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('edgestock demo', () => {
  it('shows live shelf temperatures at the admin API within 60 s and stops cleanly on SIGTERM', async () => {
    const ports = { http: await freePort(), mqtt: await freePort(), modbus: await freePort(), s7: await freePort(), opcua: await freePort(), gateway: await freePort(), devices: await freePort() };
    const started = Date.now();
    demo = startChildPart('demo', [
      'demo', '--http-port', String(ports.http), '--mqtt-port', String(ports.mqtt), '--modbus-port', String(ports.modbus), '--s7-port', String(ports.s7),
      '--opcua-port', String(ports.opcua), '--gateway-http-port', String(ports.gateway), '--device-mqtt-port', String(ports.devices), '--data-dir', dataDir,
    ], { ...process.env, EDGESTOCK_LOG_LEVEL: 'info' }, (line) => output.push(line));

    const api = `http://127.0.0.1:${ports.http}`;
    // The demo seeds one user per role (README "Demo users and roles"); the auditor reads telemetry.
    const { getJson } = cloudClient(api, 'auditor');
    const temperatures = await waitFor('shelf temperatures in /api/telemetry/latest', async () => {
      const latest = await getJson<Latest[]>('/api/telemetry/latest?device=shelf-sensors');
      const temps = latest.filter((v) => /^B1\d\/temperature$/.test(v.tag) && v.quality === 'good' && typeof v.value === 'number');
      return temps.length === 8 ? temps : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 }).catch((err: Error) => {
      throw new Error(`${err.message}\n--- demo output ---\n${output.slice(-60).join('\n')}`);
    });
    expect(Date.now() - started).toBeLessThan(60_000);
    for (const t of temperatures) {
      expect(t).toMatchObject({ group: 'demo-plant', edge: 'gw-cold-room-1', device: 'shelf-sensors', protocol: 'modbus', unit: '°C' });
      expect(t.value as number).toBeGreaterThan(-5);
      expect(t.value as number).toBeLessThan(30);
    }
    // The press hall's S7 PLC reports too, as protocol s7.
    const press = await waitFor('S7 values in /api/telemetry/latest', async () => {
      const latest = await getJson<Latest[]>('/api/telemetry/latest?device=press-plc');
      return latest.some((v) => v.tag === 'F1/remnant-weight' && v.quality === 'good') ? latest : undefined;
    }, { timeoutMs: 30_000 }).catch((err: Error) => {
      throw new Error(`${err.message}\n--- demo output ---\n${output.slice(-60).join('\n')}`);
    });
    expect(press.find((v) => v.tag === 'F1/remnant-weight')).toMatchObject({ protocol: 's7', unit: 'kg' });
    expect(press.find((v) => v.tag === 'IMM-01/mold-id')).toMatchObject({ value: expect.stringMatching(/^M-/) });
    // The weld cell's OPC UA server reports too, as protocol opcua: counts as numbers, cap ids as text.
    const weld = await waitFor('OPC UA values in /api/telemetry/latest', async () => {
      const latest = await getJson<Latest[]>('/api/telemetry/latest?device=weld-cell');
      const good = latest.filter((v) => /^G[1-3]\/(weld-count|cap-id|sheet-thickness|weld-current)$/.test(v.tag) && v.quality === 'good');
      return good.length === 12 ? latest : undefined;
    }, { timeoutMs: 30_000 }).catch((err: Error) => {
      throw new Error(`${err.message}\n--- demo output ---\n${output.slice(-60).join('\n')}`);
    });
    for (const v of weld) expect(v).toMatchObject({ group: 'demo-plant', edge: 'gw-cold-room-1', device: 'weld-cell', protocol: 'opcua' });
    const weldTag = (tag: string) => weld.find((v) => v.tag === tag);
    expect(weldTag('G1/weld-count')).toMatchObject({ value: expect.any(Number) });
    expect(weldTag('G1/weld-count')!.value as number).toBeGreaterThanOrEqual(1200);
    expect(weldTag('G2/cap-id')).toMatchObject({ value: expect.stringMatching(/^CAP-G2-\d{4}$/) });
    expect(weldTag('G3/sheet-thickness')).toMatchObject({ value: 2, unit: 'mm' });
    expect(weldTag('G1/weld-current')).toMatchObject({ unit: 'kA' });

    // Live: the sample counter register moves, so a newer reading replaces the old one.
    const first = temperatures[0]!.ts;
    await waitFor('a newer reading', async () => {
      const latest = await getJson<Latest[]>('/api/telemetry/latest?device=shelf-sensors&tag=samples');
      return latest[0] && latest[0].ts > first ? true : undefined;
    }, { timeoutMs: 15_000 });
    expect(output.join('\n')).toContain(`Admin UI:        ${api}`);

    // The demo's three PDAs scan at the gateway's device broker; each decision's event reaches the cloud.
    const scans = await waitFor('scans of the demo PDAs in /api/scans', async () => {
      const { scans: rows } = await getJson<{ scans: Array<{ device: string; verdict: string; edge: string; prompt: { en: string; zh: string } }> }>('/api/scans?limit=200');
      return new Set(rows.map((r) => r.device)).size === 3 ? rows : undefined;
    }, { timeoutMs: 60_000, intervalMs: 1000 }).catch((err: Error) => {
      throw new Error(`${err.message}\n--- demo output ---\n${output.slice(-60).join('\n')}`);
    });
    expect(new Set(scans.map((r) => r.device))).toEqual(new Set(['pda-01', 'pda-02', 'pda-03']));
    for (const r of scans) {
      expect(r.edge).toBe('gw-cold-room-1');
      expect(['allow', 'warn', 'block']).toContain(r.verdict);
      expect(r.prompt.zh.length).toBeGreaterThan(0);
    }

    // In Chromium, the admin page shows the simulator's sample counter moving, through every real part.
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${api}/`);
      await page.waitForURL(`${api}/login`);
      await page.locator('#username').fill('engineer');
      await page.locator('#password').fill('engineer-demo');
      await page.locator('#login-submit').click();
      await page.waitForURL(`${api}/`);
      await page.locator('li.branch-device[data-name="shelf-sensors"] > details > summary').click();
      const counter = page.locator('[data-tag="demo-plant/gw-cold-room-1/shelf-sensors/samples"] [data-field=value]');
      const before = await counter.textContent({ timeout: 10_000 });
      expect(before).toMatch(/^\d+$/);
      await page.waitForFunction(([sel, old]) => {
        const text = document.querySelector(sel!)?.textContent;
        return text !== old && /^\d+$/.test(text ?? '');
      }, ['[data-tag="demo-plant/gw-cold-room-1/shelf-sensors/samples"] [data-field=value]', before], { timeout: 10_000 });
      const temperature = page.locator('[data-tag="demo-plant/gw-cold-room-1/shelf-sensors/B12/temperature"]');
      expect(await temperature.locator('[data-field=unit]').textContent()).toBe('°C');
    } finally {
      await browser.close();
    }

    demo.process.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
    const text = output.join('\n');
    expect(text).toContain('demo: stopped');
    // Every part stopped: nothing answers on its port any more.
    for (const url of [`${api}/api/health`, `http://127.0.0.1:${ports.gateway}/health`]) {
      await expect(fetch(url)).rejects.toThrow();
    }
    expect(await refusesConnections(ports.opcua)).toBe(true);
  }, 90_000);
});
