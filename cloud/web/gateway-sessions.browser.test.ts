/**
 * The Gateways screen in a real Chromium against the real cloud (startCloud: embedded broker,
 * ingest, SQLite store, admin API). A gateway, played by an MQTT client with its own gateway
 * login, is born with its outbox figures and a device, shows online with its backlog, and shows
 * offline, its device too, after the NDEATH of its session; its values turn stale in the API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../bin/support/chromium.ts';
import { cloudClient } from '../../bin/support/cloud-client.ts';
import { freePort } from '../../bin/support/free-port.ts';
import { waitFor } from '../../bin/support/wait-for.ts';
import { cloudConfigSchema } from '../../config/cloud-schema.ts';
import { parseConfig } from '../../config/load-config.ts';
import { encodePayload, sparkplugTopic, type SparkplugMetric } from '../../connectors/sparkplug/index.ts';
import { startCloud, type CloudService } from '../cloud-service.ts';

const GROUP = 'plant';
const EDGE = 'gw-1';
const DEVICE = 'shelf-4';
const BD_SEQ = 3;

const dir = mkdtempSync(join(tmpdir(), 'edgestock-gateways-ui-'));
const cleanups: Array<() => Promise<unknown> | unknown> = [];
let cloud: CloudService;
let gateway: MqttClient;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const now = Date.now();
const metric = (name: string, alias: number, value: bigint): SparkplugMetric => ({ name, alias, datatype: 'Int64', value, timestamp: now });

beforeAll(async () => {
  const mqttPort = await freePort();
  cloud = await startCloud({
    logger: pino({ level: 'silent' }),
    config: parseConfig(cloudConfigSchema, {
      dataDir: join(dir, 'cloud'),
      http: { port: 0 },
      auth: { demoUsers: true, secureCookies: false },
      broker: { mode: 'embedded', port: mqttPort, users: [{ username: 'gw', password: 'gw-secret', group: GROUP, edge: EDGE }] },
    }, 'test cloud config'),
  });
  cleanups.push(() => cloud.close());
  // The gateway, as a Sparkplug edge node with its own broker login and the ACL that comes with it.
  gateway = await mqtt.connectAsync(cloud.mqttUrl, {
    protocolVersion: 4, username: 'gw', password: 'gw-secret', clientId: 'gw-1', reconnectPeriod: 0,
    will: { topic: sparkplugTopic({ group: GROUP, type: 'NDEATH', edge: EDGE }), payload: Buffer.from(encodePayload({ metrics: [metric('bdSeq', 1, BigInt(BD_SEQ))] })), qos: 1, retain: false },
  });
  (gateway.stream as Socket).setNoDelay(true);
  cleanups.push(() => gateway.endAsync(true));
  browser = await launchChromium();
  cleanups.push(() => browser.close());
  page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const row = () => page.locator(`tr[data-gateway="${GROUP}/${EDGE}"]`);
const cell = (field: string) => row().locator(`[data-field="${field}"]`);

describe('the Gateways screen', () => {
  it('shows a gateway online with its backlog and outbox, then offline after the NDEATH of its session', async () => {
    await gateway.publishAsync(sparkplugTopic({ group: GROUP, type: 'NBIRTH', edge: EDGE }), Buffer.from(encodePayload({
      timestamp: now, seq: 0,
      metrics: [
        metric('bdSeq', 1, BigInt(BD_SEQ)),
        { name: 'Node Control/Rebirth', alias: 2, datatype: 'Boolean', value: false, timestamp: now },
        metric('Outbox/Rows', 3, 1200n), metric('Outbox/Bytes', 4, 262_144n), metric('Outbox/Max Bytes', 5, 1_048_576n),
        metric('Outbox/Dropped', 6, 17n), metric('Outbox/Backlog', 7, 1180n),
      ],
    })), { qos: 1 });
    await gateway.publishAsync(sparkplugTopic({ group: GROUP, type: 'DBIRTH', edge: EDGE, device: DEVICE }), Buffer.from(encodePayload({
      timestamp: now, seq: 1,
      metrics: [{ name: 'temperature', alias: 8, datatype: 'Double', value: 4.5, timestamp: now, properties: { engUnit: { type: 'String', value: '°C' } } }],
    })), { qos: 1 });

    await page.goto(`${cloud.httpUrl}/login?next=%2Fgateways`);
    await page.locator('#username').fill('engineer');
    await page.locator('#password').fill('engineer-demo');
    await page.locator('#login-submit').click();
    await page.waitForURL(`${cloud.httpUrl}/gateways`);
    expect(await page.locator('#main-nav a[aria-current="page"]').textContent()).toBe('Gateways');

    await row().waitFor({ state: 'visible', timeout: 10_000 });
    await page.waitForSelector(`tr[data-gateway="${GROUP}/${EDGE}"][data-online="true"]`, { timeout: 5000 });
    expect(await cell('session').textContent()).toBe('● online');
    expect(await cell('gateway').textContent()).toBe(`${GROUP} / ${EDGE}`);
    expect(await cell('bdSeq').textContent()).toBe(String(BD_SEQ));
    expect(await cell('lastBirth').textContent()).toMatch(/^(now|\d+ s ago)$/);
    expect((await cell('backlog').textContent())?.replace(/\D/g, '')).toBe('1180');
    expect(await cell('outbox').locator('.fill-text').textContent()).toBe('256 KiB of 1 MiB (25 %)');
    expect(await cell('outbox').locator('.fill-bar').getAttribute('aria-valuenow')).toBe('262144');
    expect(await cell('dropped').textContent()).toBe('17');
    expect(await cell('dropped').getAttribute('class')).toContain('is-alarm'); // drops are data lost: highlighted
    expect(await cell('seqGaps').textContent()).toBe('0');
    expect(await cell('devices').locator(`[data-device="${DEVICE}"]`).getAttribute('data-online')).toBe('true');

    const api = cloudClient(cloud.httpUrl, 'auditor'); // telemetry.read is enough
    const latest = await api.getJson<Array<{ device: string; tag: string; stale: boolean }>>(`/api/telemetry/latest?device=${DEVICE}`);
    expect(latest).toEqual([expect.objectContaining({ tag: 'temperature', stale: false })]);

    // the ingest's figures in /api/health (public, for supervisors)
    const health = await (await fetch(`${cloud.httpUrl}/api/health`)).json() as { ingest: Record<string, unknown> };
    expect(health.ingest).toMatchObject({
      connected: true, hostOnline: true, stateBirths: 1, edgeNodesKnown: 1, edgeNodesOnline: 1, devicesOnline: 1,
      births: 2, seqGaps: 0, staleDeaths: 0, stateMalformed: 0, stateFromOtherHosts: 0,
    });

    // The session ends: the broker publishes the gateway's Will (its NDEATH, same bdSeq).
    (gateway.stream as Socket).destroy();
    await page.waitForSelector(`tr[data-gateway="${GROUP}/${EDGE}"][data-online="false"]`, { timeout: 10_000 });
    expect(await cell('session').textContent()).toBe('○ offline');
    expect(await cell('devices').locator(`[data-device="${DEVICE}"]`).getAttribute('data-online')).toBe('false');
    expect((await cell('backlog').textContent())?.replace(/\D/g, '')).toBe('1180'); // the last figures it reported

    const after = await waitFor('stale values', async () => {
      const rows = await api.getJson<Array<{ device: string; tag: string; stale: boolean }>>(`/api/telemetry/latest?edge=${EDGE}`);
      return rows.every((r) => r.stale) ? rows : undefined;
    }, { timeoutMs: 5000 });
    expect(after.map((r) => r.tag)).toContain('Outbox/Backlog');
    // The telemetry tree shows the device's last value as stale, not as a live reading.
    await page.locator('#main-nav a[href="/"]').click();
    const tagRow = page.locator(`[data-tag="${GROUP}/${EDGE}/${DEVICE}/temperature"]`);
    await page.waitForSelector(`[data-tag="${GROUP}/${EDGE}/${DEVICE}/temperature"][data-stale="true"]`, { state: 'attached', timeout: 10_000 });
    expect(await tagRow.locator('[data-field=quality]').textContent()).toBe('◌ stale');
    expect(await tagRow.locator('[data-field=value]').textContent()).toBe('4.5');
    await page.locator('#main-nav a[href="/gateways"]').click();
    await row().waitFor({ state: 'visible', timeout: 10_000 });
    const { gateways } = await api.getJson<{ gateways: Array<Record<string, unknown>> }>('/api/gateways/sessions');
    expect(gateways).toEqual([expect.objectContaining({
      group: GROUP, edge: EDGE, online: false, bdSeq: BD_SEQ, births: 1, backlogRows: 1180, outboxBytes: 262_144, outboxMaxBytes: 1_048_576,
      droppedRows: 17, outboxRows: 1200, lastDeathAt: expect.any(Number), devices: [{ name: DEVICE, online: false }],
    })]);
    const screenshot = join(tmpdir(), 'edgestock-gateways-screen.png');
    await page.screenshot({ path: screenshot });
    console.log(`gateways screen screenshot: ${screenshot}`);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
