/**
 * Issue 4, fault 2: stop the broker for 2 minutes under load; every sample ends in the cloud
 * store exactly once and in order per tag.
 *
 * Real processes: Debian's mosquitto as an external broker (cloud `broker.mode: external`), the
 * cloud, the Modbus simulator and the gateway reading 3 x 10 tags every 100 ms (up to 300
 * samples/s, read-clock-tags.ts). mosquitto is stopped with SIGTERM for 2 minutes, as the issue
 * asks, and started again on the same port. Meanwhile the gateway keeps reading into its outbox
 * (the backlog must grow all along); afterwards it replays the backlog flagged isHistorical beside
 * live data. At the end every row the outbox ever committed (outbox-audit.ts) must be stored
 * exactly once, in read order (exactly-once.ts).
 *
 * Just before the broker stops, the cloud is paused (SIGSTOP) for 2 s, as an ingest that lags
 * behind (a long GC, a slow disk): the broker then holds frames it has acknowledged to the gateway
 * and not yet delivered to the ingest when it stops. The test counts them (acknowledged rows the
 * cloud lacks during the outage); they must arrive once the broker is back.
 *
 * Why mosquitto runs with persistence (a file in this test's folder): a QoS 1 DATA frame is
 * acknowledged to the gateway (PUBACK, the row leaves the outbox) when the broker has taken it,
 * not when the cloud's ingest has. Frames the broker still held for the ingest when it stopped,
 * queued in the ingest's persistent session (clean session false, client id
 * edgestock-cloud-ingest) or sent but not yet acknowledged by it, exist nowhere else: without
 * persistence a broker restart drops them with the session, and samples the gateway was told
 * were delivered are lost. With it, mosquitto writes sessions, their queued messages and retained
 * messages to disk as it stops and delivers them when the ingest reconnects (docs/production-broker.md
 * asks the same of a production broker). Tried with `persistence false`: this test then fails with
 * exactly the samples the stopped broker held (410 in that run) missing from the store.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startMosquitto, type MosquittoProcess } from '../../cloud/broker/mosquitto-process.ts';
import { cloudClient } from '../support/cloud-client.ts';
import { alreadyStored, expectExactlyOnce } from '../support/exactly-once.ts';
import { faultRig, listening } from '../support/fault-rig.ts';
import { freePort } from '../support/free-port.ts';
import { gatewayFigures, untilGatewayFigures, type GatewayFigures } from '../support/gateway-figures.ts';
import { committedRows, prepareAuditedOutbox, queuedSeqs } from '../support/outbox-audit.ts';
import { readClockConnector } from '../support/read-clock-tags.ts';
import { getJson, waitFor } from '../support/wait-for.ts';

const group = 'outage-test';
const edge = 'gw-broker-outage';
const devices = ['line-a', 'line-b', 'line-c'];
/** What the issue asks; not to be shortened. */
const outageMs = 120_000;
/** How often the test looks at the backlog during the outage. */
const sampleEveryMs = 15_000;
const passwords = { [edge]: 'gw-outage-password', 'cloud-ingest': 'ingest-outage-password' };

const rig = faultRig('broker-outage');
let broker: MosquittoProcess | undefined;
rig.addOutput('mosquitto', () => broker?.output() ?? '');
rig.addCleanup(async () => { await broker?.stop(); });
afterAll(() => rig.dispose());

interface CloudHealth { ingest?: { connected?: boolean; historicalSamples?: number; samplesInserted?: number; duplicates?: number } }

describe('a 2-minute broker outage under load, with real processes', () => {
  it('keeps reading into the outbox, replays it afterwards, and stores every sample exactly once and in order', async () => {
    const ports = { http: await freePort(), modbus: await freePort(), gateway: await freePort(), mqtt: await freePort() };
    const api = `http://127.0.0.1:${ports.http}`;
    const brokerUrl = `mqtt://127.0.0.1:${ports.mqtt}`;
    writeFileSync(join(rig.dir, 'cloud.yaml'), stringify({
      dataDir: join(rig.dir, 'cloud'),
      http: { host: '127.0.0.1', port: ports.http },
      broker: { mode: 'external', url: brokerUrl, username: 'cloud-ingest', password: passwords['cloud-ingest'] },
      auth: { demoUsers: true, secureCookies: false },
    }));
    writeFileSync(join(rig.dir, 'site.yaml'), stringify({
      site: { id: 'broker-outage' },
      gateway: { group, edge, dataDir: join(rig.dir, 'gateway'), http: { host: '127.0.0.1', port: ports.gateway } },
      north: {
        url: brokerUrl, username: edge, password: passwords[edge],
        reconnect: { initialDelayMs: 200, maxDelayMs: 1000 },
        // About 36,000 rows pile up; replayed in seconds, beside live data.
        replay: { pointsPerS: 5000 },
      },
      connectors: devices.map((name) => readClockConnector(name, ports.modbus, 100)),
    }));
    mkdirSync(join(rig.dir, 'gateway'));
    const outboxPath = join(rig.dir, 'gateway', 'outbox.sqlite');
    prepareAuditedOutbox(outboxPath);
    const figures = () => gatewayFigures(ports.gateway);
    const until = (what: string, holds: (now: GatewayFigures) => boolean, timeoutMs = 30_000) =>
      untilGatewayFigures(ports.gateway, what, holds, { timeoutMs, intervalMs: 100 });
    const cloudHealth = () => getJson<CloudHealth>(`${api}/api/health`);
    const cloudApi = cloudClient(api, 'auditor');

    await rig.explained(async () => {
      const startedAt = Date.now();
      chmodSync(rig.dir, 0o755); // mosquitto runs as its own user: its folder's parents must be traversable
      const mosquitto = await startMosquitto({
        users: passwords, port: ports.mqtt, persistence: true, dir: join(rig.dir, 'mosquitto'),
        // Connections, Wills and subscriptions, not every PUBLISH (thousands a minute here).
        logTypes: ['error', 'warning', 'notice', 'information', 'subscribe'],
      });
      broker = mosquitto;
      rig.note(`mosquitto up on ${brokerUrl}, persistence in ${mosquitto.persistenceFile}`);
      const cloud = rig.start('cloud', ['cloud', '--config', join(rig.dir, 'cloud.yaml')]);
      rig.start('simulator', ['simulate', 'modbus', '--port', String(ports.modbus), '--step-ms', '1000']);
      await waitFor('the cloud ingest connected', async () => ((await cloudHealth()).ingest?.connected ? true : undefined), { timeoutMs: 30_000 });
      await listening(ports.modbus);
      const gateway = rig.start('gateway', ['gateway', '--config', join(rig.dir, 'site.yaml')]);
      const gatewayExited = gateway.exited.then((code) => { throw new Error(`the gateway exited with code ${code}`); });
      gatewayExited.catch(() => undefined);
      const whileGatewayRuns = <T>(work: Promise<T>) => Promise.race([work, gatewayExited]);

      await whileGatewayRuns(until('live data flowing', (now) => now.linkState === 'up' && now.pointsPublished > 1000));
      rig.note('live data flowing');

      // The ingest lags, then the broker stops: frames acknowledged to the gateway wait in the broker.
      cloud.process.kill('SIGSTOP');
      await sleep(2000);
      await mosquitto.halt('SIGTERM');
      const haltedAt = Date.now();
      cloud.process.kill('SIGCONT');
      const queued = queuedSeqs(outboxPath);
      const acknowledged = committedRows(outboxPath).filter((row) => row.kind === 'sample' && !queued.has(row.seq));
      rig.note(`mosquitto stopped (SIGTERM) with the cloud paused 2 s; ${acknowledged.length} samples acknowledged to the gateway so far`);
      const during: Array<{ atS: number; figures: GatewayFigures }> = [];
      await sleep(10_000); // the resumed ingest stores what reached its socket before the broker stopped
      const heldByBroker = acknowledged.length - await alreadyStored(cloudApi, edge, acknowledged);
      rig.note(`outage +10 s: ${heldByBroker} acknowledged samples not in the cloud (held by the stopped broker)`);
      expect(heldByBroker, 'acknowledged samples the stopped broker holds').toBeGreaterThan(0);
      while (Date.now() - haltedAt < outageMs - 2000) {
        await whileGatewayRuns(sleep(Math.min(sampleEveryMs, outageMs - 2000 - (Date.now() - haltedAt))));
        const now = await whileGatewayRuns(figures());
        during.push({ atS: Math.round((Date.now() - haltedAt) / 1000), figures: now });
        rig.note(`outage +${during.at(-1)!.atS} s: north ${now.linkState}, backlog ${now.backlogRows}, outbox ${now.outboxRows} rows`);
      }
      await whileGatewayRuns(sleep(Math.max(0, outageMs - (Date.now() - haltedAt))));
      const peak = await figures();
      await mosquitto.launch();
      const relaunchedAt = Date.now();
      rig.note(`mosquitto up again after ${((relaunchedAt - haltedAt) / 1000).toFixed(1)} s, backlog ${peak.backlogRows}`);

      expect(during.every((d) => d.figures.linkState !== 'up')).toBe(true);
      const backlogs = [...during.map((d) => d.figures.backlogRows), peak.backlogRows];
      for (let i = 1; i < backlogs.length; i++) expect(backlogs[i]!, `backlog at sample ${i} of ${backlogs.join(', ')}`).toBeGreaterThan(backlogs[i - 1]!);
      expect(peak.outboxRows).toBe(peak.backlogRows);

      // Back: births, then the backlog replayed flagged isHistorical beside live data.
      await whileGatewayRuns(until('the north link up again', (now) => now.linkState === 'up', 30_000));
      const replayed = await whileGatewayRuns(until('the backlog replayed', (now) => now.backlogRows === 0 && now.historicalPoints > 0, 120_000));
      const replayS = (Date.now() - relaunchedAt) / 1000;
      rig.note(`backlog replayed ${replayS.toFixed(1)} s after the broker came back: ${replayed.historicalPoints} historical points`);
      expect(replayed.historicalPoints).toBeGreaterThanOrEqual(peak.backlogRows * 0.9); // all of it, less rows that were events or reports

      await sleep(2000);
      await gateway.stop();
      rig.note('gateway stopped cleanly');
      const report = await expectExactlyOnce({ cloud: cloudApi, group, edge, devices, outboxPath });
      const ingest = (await cloudHealth()).ingest;
      rig.note(`checked: ${JSON.stringify(report)}; ingest ${JSON.stringify(ingest)}`);
      if (ingest?.historicalSamples !== undefined) expect(ingest.historicalSamples).toBeGreaterThan(0);
      console.log(`broker-outage: ${((Date.now() - startedAt) / 1000).toFixed(0)} s; broker down ${((relaunchedAt - haltedAt) / 1000).toFixed(0)} s; `
        + `${heldByBroker} acknowledged samples held by the stopped broker; backlog ${backlogs.join(' -> ')} rows (peak ${peak.backlogRows}); replayed ${replayed.historicalPoints} points isHistorical in ${replayS.toFixed(1)} s; `
        + `committed ${JSON.stringify(report.committed)}, all stored once, in read order (${Object.values(report.readsByDevice).join(' + ')} reads); `
        + `ingest historicalSamples ${ingest?.historicalSamples ?? '?'}, duplicates ${ingest?.duplicates ?? '?'}`);
    });
  }, 300_000);
});
