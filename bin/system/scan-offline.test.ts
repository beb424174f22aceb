/**
 * Issue 6, offline: the cloud is stopped for 5 minutes while 1,000 scans happen at the gateway.
 * Every scan is decided locally (the gateway's master-data cache, its rules, its shelves'
 * readings) and answered; the scans' events wait in the outbox; when the cloud is back each one
 * is in the cloud exactly once. Meanwhile a lot is quarantined in the cloud's store (as QA would,
 * on a cloud the gateway cannot reach): the gateway keeps allowing it, and on reconnect the cloud
 * raises one alert naming exactly the scans that were allowed after the quarantine, and syncs the
 * quarantine down so the next scan of that lot is blocked.
 *
 * Real processes: the cloud (embedded broker: stopping it takes the broker away too), the Modbus
 * shelf simulator and the gateway with its device broker; three PDAs as MQTT clients.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { readFileSync } from 'node:fs';
import { SqliteMasterDataStore } from '../../cloud/masterdata/master-data-store.ts';
import { openDatabase } from '../../cloud/store/database.ts';
import { readMasterDataFile } from '../../config/master-data-file.ts';
import { systemClock } from '../../connectors/clock.ts';
import { formatGs1 } from '../../connectors/scanner/gs1.ts';
import type { Decision } from '../../devices/scan-protocol.ts';
import type { ChildPart } from '../support/child-part.ts';
import { cloudClient } from '../support/cloud-client.ts';
import { faultRig, listening } from '../support/fault-rig.ts';
import { freePort } from '../support/free-port.ts';
import { getJson, waitFor } from '../support/wait-for.ts';

const group = 'scan-offline-test';
const edge = 'gw-scan-offline';
const gatewayPassword = 'gw-scan-offline-password';
const examples = resolve(import.meta.dirname, '../../config/examples');
const masterDataFile = join(examples, 'demo-plant.master-data.yaml');
/** How long the cloud stays away, and how many scans happen meanwhile (the figures). */
const OUTAGE_MS = 5 * 60_000;
const SCANS = 1000;
const pdas = [
  { id: 'pda-01', password: 'pda-01-demo', operator: 'op-anna' },
  { id: 'pda-02', password: 'pda-02-demo', operator: 'op-li' },
  { id: 'pda-03', password: 'pda-03-demo', operator: 'op-chen' },
];

const rig = faultRig('scan-offline');
afterAll(async () => { await rig.dispose(); });

interface GatewayHealth {
  north: { linkState: string };
  outbox: { rows: number };
  scanning: { masterData: { version: number }; scans: { recorded: number } };
}
interface CloudScan { id: string; device: string; gtin: string | null; batch: string | null; verdict: string; offline: boolean; at: number }

describe('scanning while the cloud is away, with real processes', () => {
  it('decides 1,000 scans locally during a 5-minute cloud outage; afterwards every scan is in the cloud exactly once and a lot quarantined meanwhile raises an alert naming its scans', async () => {
    const ports = { http: await freePort(), mqtt: await freePort(), modbus: await freePort(), gateway: await freePort(), devices: await freePort() };
    const api = `http://127.0.0.1:${ports.http}`;
    const cloudDir = join(rig.dir, 'cloud');
    writeFileSync(join(rig.dir, 'cloud.yaml'), stringify({
      dataDir: cloudDir,
      http: { host: '127.0.0.1', port: ports.http },
      broker: { mode: 'embedded', host: '127.0.0.1', port: ports.mqtt, users: [{ username: edge, password: gatewayPassword, group, edge }] },
      ingest: { hostId: 'edgestock-cloud' },
      auth: { demoUsers: true, secureCookies: false },
      masterData: { seed: masterDataFile },
    }));
    // The demo site's shelf sensors (B10-B17 on the Modbus simulator), nothing else.
    const demoSite = parse(readFileSync(join(examples, 'demo-plant.yaml'), 'utf8')) as { connectors: Array<Record<string, unknown> & { connection: Record<string, unknown> }> };
    const shelves = { ...demoSite.connectors[0]!, connection: { ...demoSite.connectors[0]!.connection, port: ports.modbus } };
    writeFileSync(join(rig.dir, 'site.yaml'), stringify({
      site: { id: 'scan-offline' },
      gateway: { group, edge, dataDir: join(rig.dir, 'gateway'), http: { host: '127.0.0.1', port: ports.gateway } },
      north: { url: `mqtt://127.0.0.1:${ports.mqtt}`, username: edge, password: gatewayPassword, reconnect: { initialDelayMs: 200, maxDelayMs: 2000 } },
      connectors: [shelves],
      scanning: { broker: { host: '127.0.0.1', port: ports.devices }, masterData: masterDataFile },
    }));
    const health = () => getJson<GatewayHealth>(`http://127.0.0.1:${ports.gateway}/health`);
    const auditor = cloudClient(api, 'auditor');
    let cloud: ChildPart | undefined;
    const startCloud = async () => {
      cloud = rig.start('cloud', ['cloud', '--config', join(rig.dir, 'cloud.yaml')]);
      await waitFor('cloud health', () => getJson(`${api}/api/health`), { timeoutMs: 60_000 });
    };
    const cloudVersion = async () => (await auditor.getJson<{ version: number }>('/api/master-data')).version;

    // What the PDAs scan: released lots with stock, at their shelves, in every operation.
    const md = readMasterDataFile(masterDataFile);
    const lotOf = (gtin: string, batch: string) => md.lots.find((l) => l.gtin === gtin && l.batch === batch)!;
    const today = new Date().toISOString().slice(0, 10);
    const stocked = md.stock.filter((s) => lotOf(s.gtin, s.batch).status === 'released' && lotOf(s.gtin, s.batch).expiry! > today);
    const farFromExpiry = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
    const codeOf = (gtin: string, batch: string) => {
      const expiry = lotOf(gtin, batch).expiry!.replaceAll('-', '').slice(2);
      return formatGs1([{ ai: '01', value: gtin }, { ai: '17', value: expiry }, { ai: '10', value: batch }], 'bracketed');
    };
    // The lot QA quarantines during the outage: one in stock, scanned on every fifth scan.
    const target = stocked.find((s) => lotOf(s.gtin, s.batch).expiry! > farFromExpiry)!;
    const ops = ['receive', 'putaway', 'pick', 'count'] as const;
    const scanFor = (n: number, pda: (typeof pdas)[number]) => {
      const row = n % 5 === 0 ? target : stocked[n % stocked.length]!;
      const op = ops[n % ops.length]!;
      return {
        scanId: `s${n}`, operator: pda.operator, op, code: codeOf(row.gtin, row.batch),
        ...(op === 'receive' ? { location: 'RECV-01' } : { location: row.location }), qty: 1,
      };
    };

    await rig.explained(async () => {
      await startCloud();
      rig.start('simulator', ['simulate', 'modbus', '--port', String(ports.modbus)]);
      await listening(ports.modbus);
      rig.start('gateway', ['gateway', '--config', join(rig.dir, 'site.yaml')]);
      const version0 = await cloudVersion();
      await waitFor('the gateway holding the cloud\'s master data', async () => {
        const h = await health().catch(() => undefined);
        return h?.north.linkState === 'up' && h.scanning.masterData.version === version0 ? h : undefined;
      }, { timeoutMs: 60_000, intervalMs: 250 });
      rig.note(`gateway holds master data version ${version0}`);

      // Three PDAs on the gateway's device broker.
      const decisions = new Map<string, (d: Decision) => void>();
      const clients = await Promise.all(pdas.map(async (pda) => {
        const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${ports.devices}`, { username: pda.id, password: pda.password, clientId: pda.id, reconnectPeriod: 500 });
        await client.subscribeAsync(`devices/${pda.id}/decision`, { qos: 1 });
        client.on('message', (_topic, payload) => {
          const decision = JSON.parse(payload.toString()) as Decision;
          decisions.get(`${pda.id}/${decision.scanId}`)?.(decision);
        });
        return client;
      }));

      // The cloud goes away (its broker with it).
      cloud!.process.kill('SIGTERM');
      await cloud!.exited;
      const outageStart = Date.now();
      rig.note('cloud stopped');
      await waitFor('the gateway seeing its north link down', async () => ((await health()).north.linkState !== 'up' ? true : undefined), { timeoutMs: 15_000 });

      // QA quarantines the target lot a minute into the outage, in the cloud's store.
      let quarantinedAt: number | undefined;
      const quarantine = (async () => {
        await sleep(OUTAGE_MS / 5);
        const db = openDatabase(join(cloudDir, 'cloud.sqlite'));
        try {
          const outcome = new SqliteMasterDataStore(db, systemClock).quarantineLot(target.gtin, target.batch, 'supplier recall R-17', { by: 'qa' });
          quarantinedAt = (outcome.record.value as { quarantinedAt: number }).quarantinedAt;
        } finally {
          db.close();
        }
        rig.note(`lot ${target.gtin}/${target.batch} quarantined in the cloud store`);
      })();

      // 1,000 scans over the 5 minutes, each PDA in turn, each answered within 5 s.
      const answered: Array<{ pda: string; scan: ReturnType<typeof scanFor>; decision: Decision; latencyMs: number }> = [];
      const perPda = Math.ceil(SCANS / pdas.length);
      const spacingMs = (OUTAGE_MS - 20_000) / perPda;
      await Promise.all(pdas.map(async (pda, p) => {
        for (let i = 0; i < perPda; i++) {
          const n = i * pdas.length + p;
          if (n >= SCANS) return;
          const due = outageStart + i * spacingMs;
          if (due > Date.now()) await sleep(due - Date.now());
          const scan = scanFor(n, pda);
          const sent = performance.now();
          const decision = await new Promise<Decision>((resolveDecision, reject) => {
            const timer = setTimeout(() => reject(new Error(`${pda.id} scan ${scan.scanId} got no decision within 5 s`)), 5000);
            decisions.set(`${pda.id}/${scan.scanId}`, (d) => { clearTimeout(timer); resolveDecision(d); });
            clients[p]!.publish(`devices/${pda.id}/scan`, JSON.stringify(scan), { qos: 1 });
          });
          answered.push({ pda: pda.id, scan, decision, latencyMs: performance.now() - sent });
        }
      }));
      await quarantine;
      expect(answered).toHaveLength(SCANS);
      const latencies = answered.map((a) => a.latencyMs).sort((a, b) => a - b);
      rig.note(`${SCANS} scans answered offline: p50 ${latencies[SCANS / 2]!.toFixed(1)} ms, p99 ${latencies[Math.floor(SCANS * 0.99)]!.toFixed(1)} ms`);
      expect(answered.filter((a) => a.decision.verdict === 'allow').length).toBeGreaterThan(0);
      const during = await health();
      expect(during.north.linkState).not.toBe('up');
      expect(during.scanning.scans.recorded).toBeGreaterThanOrEqual(SCANS);
      // The gateway never heard of the quarantine: it decided the target lot on what it held.
      const targetAfterQuarantine = answered.filter((a) => a.scan.code === codeOf(target.gtin, target.batch) && a.decision.decidedAt >= quarantinedAt!);
      expect(targetAfterQuarantine.length).toBeGreaterThan(10);
      expect(targetAfterQuarantine.some((a) => a.decision.reasons.some((r) => r.code === 'QUARANTINED'))).toBe(false);
      const elapsed = Date.now() - outageStart;
      if (elapsed < OUTAGE_MS) await sleep(OUTAGE_MS - elapsed);

      // The cloud comes back: every scan's event arrives, once.
      await startCloud();
      rig.note('cloud started again');
      const expectedIds = new Set(answered.map((a) => `scan-${a.pda}-${a.scan.scanId}`));
      const stored = await waitFor('every scan of the outage in the cloud', async () => {
        const rows: CloudScan[] = [];
        for (let after = 0; ;) {
          const page = await auditor.getJson<{ scans: CloudScan[]; lastSeq: number }>(`/api/scans?after=${after}&limit=500`);
          rows.push(...page.scans);
          if (page.scans.length < 500) break;
          after = page.lastSeq;
        }
        return rows.length >= SCANS ? rows : undefined;
      }, { timeoutMs: 120_000, intervalMs: 1000 });
      await waitFor('the gateway\'s outbox drained', async () => ((await health()).outbox.rows === 0 ? true : undefined), { timeoutMs: 60_000 });
      const ids = stored.map((s) => s.id);
      expect(ids).toHaveLength(SCANS); // exactly once: no scan twice
      expect(new Set(ids)).toEqual(expectedIds); // and none missing
      expect(stored.every((s) => s.offline)).toBe(true);

      // The cloud reconciles: one alert for the lot, naming exactly the scans allowed after its quarantine.
      const expectedAlertScans = new Set(targetAfterQuarantine.filter((a) => a.decision.verdict !== 'block').map((a) => `scan-${a.pda}-${a.scan.scanId}`));
      const alert = await waitFor('the quarantine alert', async () => {
        const { alerts } = await auditor.getJson<{ alerts: Array<{ kind: string; gtin: string; batch: string; scans: string[]; message: string }> }>('/api/scans/alerts');
        return alerts.find((a) => a.gtin === target.gtin && a.batch === target.batch);
      }, { timeoutMs: 30_000 });
      expect(alert.kind).toBe('lot-quarantined-meanwhile');
      expect(new Set(alert.scans)).toEqual(expectedAlertScans);
      expect(alert.message).toContain('supplier recall R-17');
      rig.note(`alert names ${alert.scans.length} scans`);

      // And the quarantine reaches the gateway: the next scan of the lot is blocked.
      const version1 = await cloudVersion();
      expect(version1).toBeGreaterThan(version0);
      await waitFor('the gateway holding the quarantine', async () => ((await health()).scanning.masterData.version === version1 ? true : undefined), { timeoutMs: 60_000, intervalMs: 250 });
      const last = { ...scanFor(5, pdas[0]!), scanId: 'after-sync', op: 'pick' as const, location: target.location };
      const blocked = await new Promise<Decision>((resolveDecision, reject) => {
        const timer = setTimeout(() => reject(new Error('no decision for the scan after the sync')), 5000);
        decisions.set(`pda-01/after-sync`, (d) => { clearTimeout(timer); resolveDecision(d); });
        clients[0]!.publish('devices/pda-01/scan', JSON.stringify(last), { qos: 1 });
      });
      expect(blocked.verdict).toBe('block');
      expect(blocked.reasons.map((r) => r.code)).toContain('QUARANTINED');
      await Promise.all(clients.map((c) => c.endAsync()));
    });
  }, 12 * 60_000);
});
