/**
 * Issue 4, fault 1: `kill -9` the gateway 5 times under load; every sample ends in the cloud store
 * exactly once and in order per tag.
 *
 * Real processes: the cloud (embedded broker, SQLite store, API), the Modbus simulator and the
 * gateway, which reads 3 x 10 tags every 100 ms (up to 300 samples/s; read-clock-tags.ts: every
 * read is a new value, so every read commits one row per tag). The kills fall at random points
 * (seeded, see fault-rig.ts) in each phase a crash can hit:
 *   1. the cloud not started yet: rows pile up in the outbox, killed while appending;
 *   2. the cloud up, the backlog being replayed (isHistorical, rate-bounded): killed with
 *      historical frames in flight;
 *   3. right after the restart, the rest of the backlog replaying beside live data, with the cloud
 *      paused (SIGSTOP) for 400 ms first: the gateway keeps reading and publishing, its frames reach
 *      the broker's socket but nothing is acknowledged, so the kill certainly finds frames in
 *      flight; once the cloud resumes it stores them although the outbox still holds them, and they
 *      go out again after the restart;
 *   4., 5. live data only, frames published at every read.
 * The outbox file is prepared with an audit trigger (outbox-audit.ts), so the test knows every row
 * the outbox ever committed, including those acknowledged and deleted between two kills. At the
 * end the gateway is stopped cleanly and exactly-once.ts checks the store against all of them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { ChildPart } from '../support/child-part.ts';
import { cloudClient } from '../support/cloud-client.ts';
import { alreadyStored, expectExactlyOnce, queuedRows } from '../support/exactly-once.ts';
import { faultRig, listening } from '../support/fault-rig.ts';
import { freePort } from '../support/free-port.ts';
import { gatewayFigures, untilGatewayFigures, type GatewayFigures } from '../support/gateway-figures.ts';
import { prepareAuditedOutbox } from '../support/outbox-audit.ts';
import { readClockConnector } from '../support/read-clock-tags.ts';
import { getJson, waitFor } from '../support/wait-for.ts';

const group = 'kill9-test';
const edge = 'gw-kill9';
const devices = ['line-a', 'line-b', 'line-c'];
const pollIntervalMs = 100;
/** Slow enough that a backlog of a few seconds takes seconds to replay, so a kill can land in it. */
const replayPointsPerS = 1000;

const rig = faultRig('kill9');
afterAll(() => rig.dispose());

interface Kill {
  phase: string;
  /** The gateway's figures just before the kill. */
  before: GatewayFigures;
  /** Rows in the outbox file right after the kill. */
  rowsLeft: number;
  /**
   * Of those, rows the cloud already stored: published before the kill but not yet acknowledged in
   * the outbox (in flight), or carried by a DBIRTH (its current values); all go out again.
   */
  alreadyStored: number | undefined;
  /** With the cloud paused: points acknowledged and rows appended meanwhile (300 ms). */
  whilePaused?: { acknowledged: number; appended: number };
}

describe('kill -9 of the gateway under load, with real processes', () => {
  it('stores every committed sample exactly once and in order after 5 kills at random points', async () => {
    const ports = { http: await freePort(), mqtt: await freePort(), modbus: await freePort(), gateway: await freePort() };
    const api = `http://127.0.0.1:${ports.http}`;
    const password = 'kill9-test-password';
    writeFileSync(join(rig.dir, 'cloud.yaml'), stringify({
      dataDir: join(rig.dir, 'cloud'),
      http: { host: '127.0.0.1', port: ports.http },
      broker: { mode: 'embedded', host: '127.0.0.1', port: ports.mqtt, users: [{ username: edge, password, group, edge }] },
      auth: { demoUsers: true, secureCookies: false },
    }));
    writeFileSync(join(rig.dir, 'site.yaml'), stringify({
      site: { id: 'kill9' },
      gateway: { group, edge, dataDir: join(rig.dir, 'gateway'), http: { host: '127.0.0.1', port: ports.gateway } },
      // Small batches and frames: a replay is many publish cycles, each with several frames in flight.
      north: {
        url: `mqtt://127.0.0.1:${ports.mqtt}`, username: edge, password, batchSize: 100, maxMetricsPerFrame: 20,
        reconnect: { initialDelayMs: 100, maxDelayMs: 500 }, replay: { pointsPerS: replayPointsPerS },
      },
      connectors: devices.map((name) => readClockConnector(name, ports.modbus, pollIntervalMs)),
    }));
    mkdirSync(join(rig.dir, 'gateway'));
    const outboxPath = join(rig.dir, 'gateway', 'outbox.sqlite');
    prepareAuditedOutbox(outboxPath);
    let gateway: ChildPart;
    const startGateway = () => {
      gateway = rig.start('gateway', ['gateway', '--config', join(rig.dir, 'site.yaml')]);
      rig.note(`gateway started (pid ${gateway.process.pid})`);
    };
    const figures = () => gatewayFigures(ports.gateway);
    const until = (what: string, holds: (now: GatewayFigures) => boolean, timeoutMs = 30_000) =>
      untilGatewayFigures(ports.gateway, what, holds, { timeoutMs, intervalMs: 50 });
    const randomMs = (min: number, max: number) => Math.round(min + rig.random() * (max - min));
    const kills: Kill[] = [];
    const cloud = cloudClient(api, 'auditor');
    let cloudProcess: ChildPart | undefined;

    /**
     * Waits `delayMs`, kills the gateway with SIGKILL (with the cloud paused for `pauseCloudMs`
     * first, if given), looks at the outbox file as the crash left it, starts the gateway again.
     */
    const killAfter = async (phase: string, delayMs: number, options: { pauseCloudMs?: number } = {}) => {
      await sleep(delayMs);
      let before = await figures();
      let whilePaused: Kill['whilePaused'];
      if (options.pauseCloudMs) {
        cloudProcess!.process.kill('SIGSTOP');
        await sleep(100); // PUBACKs sent before the pause have arrived
        const paused = await figures();
        await sleep(options.pauseCloudMs);
        before = await figures();
        whilePaused = { acknowledged: before.pointsPublished - paused.pointsPublished, appended: before.outboxRows - paused.outboxRows };
      }
      await rig.killHard(gateway);
      if (options.pauseCloudMs) cloudProcess!.process.kill('SIGCONT');
      const left = queuedRows(outboxPath).records;
      let stored: number | undefined;
      if (cloudProcess) {
        await sleep(500); // frames the broker took before the kill reach the store
        stored = await alreadyStored(cloud, edge, left);
      }
      kills.push({ phase, before, rowsLeft: left.length, alreadyStored: stored, whilePaused });
      rig.note(`kill -9 #${kills.length} (${phase}) after ${delayMs} ms: outbox ${before.outboxRows} rows, backlog ${before.backlogRows}, `
        + `north ${before.linkState}, ${before.historicalPoints} historical points replayed by this process; ${left.length} rows left in the file`
        + `${stored === undefined ? '' : `, ${stored} of them already stored`}${whilePaused ? `; cloud paused: ${JSON.stringify(whilePaused)}` : ''}`);
      startGateway();
    };

    await rig.explained(async () => {
      const startedAt = Date.now();
      rig.start('simulator', ['simulate', 'modbus', '--port', String(ports.modbus), '--step-ms', '1000']);
      await listening(ports.modbus);
      startGateway();

      // 1. No cloud yet: everything piles up in the outbox.
      await until('600 rows in the outbox', (now) => now.outboxRows >= 600);
      await killAfter('cloud not started, appending', randomMs(0, 1000));
      await until('the restarted gateway appending', (now) => now.outboxRows >= kills[0]!.rowsLeft + 400);

      // 2. The cloud comes: the backlog is replayed at replayPointsPerS, with historical frames in flight.
      cloudProcess = rig.start('cloud', ['cloud', '--config', join(rig.dir, 'cloud.yaml')]);
      await waitFor('cloud health', () => getJson(`${api}/api/health`), { timeoutMs: 30_000 });
      rig.note('cloud up');
      await until('the backlog replay under way', (now) => now.historicalPoints > 0);
      await killAfter('replaying the backlog', randomMs(0, 1500));

      // 3. The rest of the backlog (and what came while the gateway was dead) replays beside live data.
      const publishedBefore = (await until(`the north link up after kill ${kills.length}`, (now) => now.linkState === 'up')).pointsPublished;
      await until('the restarted gateway publishing', (now) => now.pointsPublished > publishedBefore);
      await killAfter('right after the restart, frames in flight', randomMs(0, 500), { pauseCloudMs: 300 });

      // 4., 5. Live data only, published at every read.
      for (let k = 0; k < 2; k++) {
        await until(`the backlog replayed after kill ${kills.length}`, (now) => now.linkState === 'up' && now.backlogRows === 0, 60_000);
        await killAfter('live data', randomMs(300, 2000));
      }

      // Let everything drain, then stop cleanly: the outbox must be empty.
      await until('the backlog replayed', (now) => now.linkState === 'up' && now.backlogRows === 0, 60_000);
      await sleep(1000);
      rig.note(`before the stop: ${JSON.stringify(await figures())}`);
      await gateway.stop();
      rig.note('gateway stopped cleanly');

      const report = await expectExactlyOnce({ cloud, group, edge, devices, outboxPath });
      rig.note(`checked: ${JSON.stringify(report)}`);
      expect(kills.map((k) => k.phase)).toHaveLength(5);
      expect(kills[1]!.before.historicalPoints).toBeGreaterThan(0); // kill 2 fell inside the replay
      // Kill 3: while the cloud was paused the gateway kept reading and publishing at every read, and
      // nothing was acknowledged: it died with frames in flight.
      expect(kills[2]!.whilePaused).toMatchObject({ acknowledged: 0, appended: expect.any(Number) });
      expect(kills[2]!.whilePaused!.appended).toBeGreaterThan(0);
      console.log(`gateway-kill9: ${((Date.now() - startedAt) / 1000).toFixed(0)} s; committed ${JSON.stringify(report.committed)}, all stored once, in read order `
        + `(${Object.values(report.readsByDevice).join(' + ')} reads; ${report.badSamples} LINK_DOWN samples; birth placeholders ${report.birthPlaceholders}, copies ${report.birthCopies}); `
        + `kills: ${kills.map((k, i) => `#${i + 1} ${k.phase}: backlog ${k.before.backlogRows}, ${k.rowsLeft} rows left${k.alreadyStored === undefined ? '' : ` (${k.alreadyStored} already stored)`}`
          + `${k.whilePaused ? `, ${k.whilePaused.appended} rows appended and ${k.whilePaused.acknowledged} acknowledged while the cloud was paused` : ''}`).join('; ')}`);
    });
  }, 150_000);
});
