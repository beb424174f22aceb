/**
 * Issue 5's acceptance on the demo plant, every part real and in its own process (`edgestock
 * demo`): the gateway runs the rule library (rules/library/demo-plant.rules.yaml) on live values.
 * - Weld gun G1 (1.8 mm sheet in the weld-cell simulator) reaching 1247 welds makes the gateway
 *   requisition an electrode cap: a `rule.action` event that the cloud stores and turns into an
 *   open spare-part requisition.
 * - Shelf B12 out of 2-8 °C for 5 minutes (its door opened through the cloud's tag write, which
 *   warms it) blocks put-away there, at the gateway and in the cloud. The rule's full 5 minutes
 *   run: this test takes about six minutes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildPart, type ChildPart } from '../support/child-part.ts';
import { cloudClient } from '../support/cloud-client.ts';
import { freePort } from '../support/free-port.ts';
import { waitFor } from '../support/wait-for.ts';

interface StoredEvent { id: string; type: string; at: number; body: { rule?: string; effect?: Record<string, unknown>; outcome?: string; inputs?: Record<string, unknown> } }
interface Requisition { id: string; item: string; quantity: number; rule: string; status: string; group: string; edge: string }
interface LocationBlock { operation: string; location: string; rule: string; released: boolean }

const dataDir = mkdtempSync(join(tmpdir(), 'edgestock-rules-demo-'));
const output: string[] = [];
let demo: ChildPart | undefined;

afterAll(async () => {
  await demo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const withOutput = (err: Error) => new Error(`${err.message}\n--- demo output ---\n${output.slice(-80).join('\n')}`);

describe('the demo plant runs the rule library', () => {
  it('requisitions an electrode cap at G1 weld 1247 and blocks put-away at B12 after 5 minutes out of range', async () => {
    const ports = { http: await freePort(), mqtt: await freePort(), modbus: await freePort(), s7: await freePort(), opcua: await freePort(), gateway: await freePort(), devices: await freePort() };
    demo = startChildPart('demo', [
      'demo', '--http-port', String(ports.http), '--mqtt-port', String(ports.mqtt), '--modbus-port', String(ports.modbus), '--s7-port', String(ports.s7),
      '--opcua-port', String(ports.opcua), '--gateway-http-port', String(ports.gateway), '--device-mqtt-port', String(ports.devices), '--data-dir', dataDir,
    ], { ...process.env, EDGESTOCK_LOG_LEVEL: 'info' }, (line) => output.push(line));
    const api = `http://127.0.0.1:${ports.http}`;
    const auditor = cloudClient(api, 'auditor');
    const engineer = cloudClient(api, 'engineer');
    const events = (type: string) => auditor.getJson<{ events: StoredEvent[] }>(`/api/gateways/demo-plant/gw-cold-room-1/events?type=${type}&limit=500`).then((r) => r.events);

    // Open shelf B12's door (coil co:2 through the gateway): the open door warms the shelf past 8 °C.
    const doorOpenedAt = await waitFor('B12 door opened through the cloud', async () => {
      try {
        await engineer.postJson('/api/gateways/demo-plant/gw-cold-room-1/tags/write', { device: 'shelf-sensors', tag: 'B12/door-open', value: true });
        return Date.now();
      } catch {
        return undefined; // the gateway is still starting
      }
    }, { timeoutMs: 60_000, intervalMs: 1000 }).catch((err: Error) => { throw withOutput(err); });

    // G1 starts at 1200 welds, one weld per second: the 1247th comes within about a minute.
    const capEvents = await waitFor('the electrode-cap requisition event in the cloud', async () => {
      const found = (await events('rule.action')).filter((e) => e.body.rule === 'electrode-cap-g1');
      return found.length >= 2 ? found : undefined;
    }, { timeoutMs: 120_000, intervalMs: 1000 }).catch((err: Error) => { throw withOutput(err); });
    const effects = capEvents.map((e) => e.body.effect).sort((a, b) => String(a!.kind).localeCompare(String(b!.kind)));
    expect(effects).toEqual([
      { kind: 'requestSparePart', item: 'electrode-cap', quantity: 1 },
      { kind: 'reserve', station: 'W3' },
    ]);
    for (const e of capEvents) expect(e.body.outcome).toBe('done');
    // The decision names the values it was made on.
    expect(capEvents[0]!.body.inputs).toMatchObject({ 'weld-cell/G1/weld-count': 1247, 'weld-cell/G1/sheet-thickness': 1.8 });
    const requisitions = await waitFor('an open requisition', async () => {
      const list = await auditor.getJson<{ requisitions: Requisition[] }>('/api/purchasing/requisitions');
      return list.requisitions.length > 0 ? list.requisitions : undefined;
    }, { timeoutMs: 15_000 });
    expect(requisitions).toEqual([expect.objectContaining({ item: 'electrode-cap', quantity: 1, rule: 'electrode-cap-g1', status: 'open', group: 'demo-plant', edge: 'gw-cold-room-1' })]);

    // Five minutes after B12 left 2-8 °C, put-away there is blocked and QA alerted.
    const blockEvent = await waitFor('the put-away block at B12', async () => {
      const found = (await events('rule.action')).find((e) => e.body.rule === 'cold-chain-b12' && e.body.effect?.kind === 'block');
      return found;
    }, { timeoutMs: 7 * 60_000, intervalMs: 2000 }).catch((err: Error) => { throw withOutput(err); });
    expect(blockEvent.body.effect).toEqual({ kind: 'block', operation: 'put-away', location: 'B12' });
    expect(blockEvent.body.inputs!['shelf-sensors/B12/temperature'] as number).toBeGreaterThan(8);
    // Not before five minutes out of range (the door was opened at most a few seconds before the shelf passed 8 °C).
    expect(blockEvent.at - doorOpenedAt).toBeGreaterThanOrEqual(5 * 60_000);
    const alert = (await events('rule.action')).find((e) => e.body.rule === 'cold-chain-b12' && e.body.effect?.kind === 'alert');
    expect(alert?.body.effect).toEqual({ kind: 'alert', role: 'qa' });
    const blocks = await waitFor('the block in the cloud', async () => {
      const list = await auditor.getJson<{ blocks: LocationBlock[] }>('/api/inventory/location-blocks?active=true');
      return list.blocks.length > 0 ? list.blocks : undefined;
    }, { timeoutMs: 15_000 });
    expect(blocks).toEqual([expect.objectContaining({ operation: 'put-away', location: 'B12', rule: 'cold-chain-b12', released: false })]);
    // The gateway holds the block itself, for scans decided offline.
    const health = await (await fetch(`http://127.0.0.1:${ports.gateway}/health`)).json() as { rules?: { blocks?: Array<{ operation: string; location: string }> } };
    expect(health.rules?.blocks).toEqual([expect.objectContaining({ operation: 'put-away', location: 'B12' })]);

    // Release a new version to production through the cloud: the gateway acknowledges it and runs it;
    // rollback brings version 1 back.
    const admin = cloudClient(api, 'admin');
    const gatewayActive = async () => ((await (await fetch(`http://127.0.0.1:${ports.gateway}/health`)).json()) as { rules?: { active?: { version: number } | null } }).rules?.active?.version;
    const deployment = async () => (await auditor.getJson<{ deployments: Array<{ edge: string; activeVersion: number | null; status: string; inSync: boolean }> }>('/api/rules/deployments'))
      .deployments.find((d) => d.edge === 'gw-cold-room-1');
    expect(await gatewayActive()).toBe(1);
    const created = await admin.postJson<{ version: number; stage: string }>('/api/rules/packs', {
      pack: 'demo-plant',
      facts: { 'tooling.IMM-01.insertLifeShots': 9000 },
      rules: [{ id: 'remnant-weight-f1', en: 'When remnant weight of furnace F1 exceeds 20 kg, start approval "re-melt".', examples: [] }],
    });
    expect(created).toMatchObject({ version: 2, stage: 'sandbox' });
    await admin.postJson('/api/rules/packs/2/promote', { stage: 'production' });
    await waitFor('the gateway running version 2, acknowledged', async () => {
      const d = await deployment();
      return (await gatewayActive()) === 2 && d?.activeVersion === 2 && d.inSync ? true : undefined;
    }, { timeoutMs: 30_000 }).catch((err: Error) => { throw withOutput(err); });
    await admin.postJson('/api/rules/rollback', {});
    await waitFor('the gateway back on version 1', async () => {
      const d = await deployment();
      return (await gatewayActive()) === 1 && d?.activeVersion === 1 && d.inSync ? true : undefined;
    }, { timeoutMs: 30_000 }).catch((err: Error) => { throw withOutput(err); });
  }, 10 * 60_000);
});
