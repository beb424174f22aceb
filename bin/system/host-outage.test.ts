/**
 * Issue 4, fault 3: stop the host application (its STATE goes offline) and restart it; every
 * sample ends in the cloud store exactly once and in order per tag.
 *
 * Real processes: Debian's mosquitto as an external broker (the embedded one would die with the
 * cloud, and this is about the host going away while the broker stays), the cloud as the
 * Sparkplug host application `edgestock-cloud`, the Modbus simulator, and the gateway with
 * `north.primaryHostId: edgestock-cloud`, reading 3 x 10 tags every 100 ms (read-clock-tags.ts).
 * A raw MQTT client watches everything the gateway and the host say on the broker.
 *
 * Twice: once the cloud is stopped with SIGTERM (it publishes STATE offline itself before it
 * disconnects), once with SIGKILL (mosquitto publishes its Will, the same offline STATE). Each
 * time the gateway must see the host offline, end its session (NDEATH) and publish nothing at all
 * until the host is back, while its outbox keeps growing; when the cloud is back and says online,
 * the gateway is born again and replays the backlog flagged isHistorical. At the end every row the
 * outbox ever committed (outbox-audit.ts) is stored exactly once, in read order (exactly-once.ts).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startMosquitto, type MosquittoProcess } from '../../cloud/broker/mosquitto-process.ts';
import type { ChildPart } from '../support/child-part.ts';
import { cloudClient } from '../support/cloud-client.ts';
import { expectExactlyOnce } from '../support/exactly-once.ts';
import { faultRig, listening } from '../support/fault-rig.ts';
import { freePort } from '../support/free-port.ts';
import { gatewayFigures, untilGatewayFigures, type GatewayFigures } from '../support/gateway-figures.ts';
import { prepareAuditedOutbox } from '../support/outbox-audit.ts';
import { readClockConnector } from '../support/read-clock-tags.ts';
import { getJson, waitFor } from '../support/wait-for.ts';

const group = 'host-outage-test';
const edge = 'gw-host-outage';
const hostId = 'edgestock-cloud';
const devices = ['line-a', 'line-b', 'line-c'];
/** How long the host stays away each time: long enough to see silence and a growing backlog. */
const hostAwayMs = 10_000;
const passwords = { [edge]: 'gw-host-password', 'cloud-ingest': 'ingest-host-password', observer: 'observer-password' };

const rig = faultRig('host-outage');
let broker: MosquittoProcess | undefined;
rig.addOutput('mosquitto', () => broker?.output() ?? '');
rig.addCleanup(async () => { await broker?.stop(); });
let observer: mqtt.MqttClient | undefined;
afterAll(async () => {
  await observer?.endAsync(true);
  await rig.dispose();
});

/** One message seen on the broker. */
interface Seen {
  at: number;
  topic: string;
  /** NBIRTH, DDATA, ... for Sparkplug; 'STATE'; 'edge-link' for edgestock/v1/... */
  type: string;
  /** STATE only. */
  online?: boolean;
}

/** What the gateway publishes (anything but the host's STATE and commands to the gateway). */
const fromGateway = (m: Seen) => m.type !== 'STATE' && m.type !== 'NCMD' && m.type !== 'DCMD' && !m.topic.endsWith('/cmd');

interface Outage {
  signal: 'SIGTERM' | 'SIGKILL';
  /** The observer saw the offline STATE (from the cloud or, after SIGKILL, its Will). */
  offlineAt: number;
  /** The gateway's NDEATH after it. */
  ndeathAfterMs: number;
  /** Frames of the gateway between its NDEATH and the host's next online STATE: must be none. */
  framesWhileOffline: number;
  backlogGrewFrom: number;
  backlogGrewTo: number;
  /** From the online STATE to the gateway's NBIRTH. */
  nbirthAfterMs: number;
  replayedPoints: number;
  replaySeconds: number;
}

describe('the primary host application going offline and back, with real processes', () => {
  it('stops publishing while the host is offline, keeps everything, and stores every sample exactly once and in order', async () => {
    const ports = { http: await freePort(), modbus: await freePort(), gateway: await freePort(), mqtt: await freePort() };
    const api = `http://127.0.0.1:${ports.http}`;
    const brokerUrl = `mqtt://127.0.0.1:${ports.mqtt}`;
    writeFileSync(join(rig.dir, 'cloud.yaml'), stringify({
      dataDir: join(rig.dir, 'cloud'),
      http: { host: '127.0.0.1', port: ports.http },
      broker: { mode: 'external', url: brokerUrl, username: 'cloud-ingest', password: passwords['cloud-ingest'] },
      ingest: { hostId },
      auth: { demoUsers: true, secureCookies: false },
    }));
    writeFileSync(join(rig.dir, 'site.yaml'), stringify({
      site: { id: 'host-outage' },
      gateway: { group, edge, dataDir: join(rig.dir, 'gateway'), http: { host: '127.0.0.1', port: ports.gateway } },
      north: {
        url: brokerUrl, username: edge, password: passwords[edge], primaryHostId: hostId,
        reconnect: { initialDelayMs: 200, maxDelayMs: 1000 }, replay: { pointsPerS: 5000 },
      },
      connectors: devices.map((name) => readClockConnector(name, ports.modbus, 100)),
    }));
    mkdirSync(join(rig.dir, 'gateway'));
    const outboxPath = join(rig.dir, 'gateway', 'outbox.sqlite');
    prepareAuditedOutbox(outboxPath);
    const figures = () => gatewayFigures(ports.gateway);
    const until = (what: string, holds: (now: GatewayFigures) => boolean, timeoutMs = 30_000) =>
      untilGatewayFigures(ports.gateway, what, holds, { timeoutMs, intervalMs: 50 });
    const seen: Seen[] = [];
    let cloud: ChildPart | undefined;
    const startCloud = async () => {
      cloud = rig.start('cloud', ['cloud', '--config', join(rig.dir, 'cloud.yaml')]);
      await waitFor('cloud health', () => getJson(`${api}/api/health`), { timeoutMs: 30_000 });
    };

    await rig.explained(async () => {
      const startedAt = Date.now();
      chmodSync(rig.dir, 0o755); // mosquitto runs as its own user: its folder's parents must be traversable
      const mosquitto = await startMosquitto({
        users: passwords, port: ports.mqtt, dir: join(rig.dir, 'mosquitto'),
        // Connections, Wills and subscriptions, not every PUBLISH (thousands a minute here).
        logTypes: ['error', 'warning', 'notice', 'information', 'subscribe'],
      });
      broker = mosquitto;
      observer = await mqtt.connectAsync(brokerUrl, { username: 'observer', password: passwords.observer, clientId: 'host-outage-observer', reconnectPeriod: 0 });
      observer.on('message', (topic, payload) => {
        const levels = topic.split('/');
        if (levels[0] === 'spBv1.0' && levels[1] === 'STATE') {
          seen.push({ at: Date.now(), topic, type: 'STATE', online: (JSON.parse(payload.toString()) as { online: boolean }).online });
        } else {
          seen.push({ at: Date.now(), topic, type: levels[0] === 'spBv1.0' ? levels[2]! : 'edge-link' });
        }
      });
      await observer.subscribeAsync([`spBv1.0/STATE/${hostId}`, `spBv1.0/${group}/#`, `edgestock/v1/${group}/${edge}/#`], { qos: 1 });
      rig.note(`mosquitto up on ${brokerUrl}, observer subscribed`);

      await startCloud();
      rig.start('simulator', ['simulate', 'modbus', '--port', String(ports.modbus), '--step-ms', '1000']);
      await listening(ports.modbus);
      const gateway = rig.start('gateway', ['gateway', '--config', join(rig.dir, 'site.yaml')]);
      const gatewayExited = gateway.exited.then((code) => { throw new Error(`the gateway exited with code ${code}`); });
      gatewayExited.catch(() => undefined);
      const whileGatewayRuns = <T>(work: Promise<T>) => Promise.race([work, gatewayExited]);
      await whileGatewayRuns(until('live data flowing', (now) => now.hostOnline === true && now.linkState === 'up' && now.pointsPublished > 1000));
      rig.note('live data flowing');

      const outages: Outage[] = [];
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        const stoppedAt = Date.now();
        if (signal === 'SIGTERM') await cloud!.stop();
        else await rig.killHard(cloud!);
        rig.note(`cloud stopped with ${signal}`);

        const offline = await whileGatewayRuns(waitFor(`the offline STATE after ${signal}`, () => seen.find((m) => m.type === 'STATE' && m.online === false && m.at >= stoppedAt), { timeoutMs: 10_000, intervalMs: 20 }));
        const ndeath = await whileGatewayRuns(waitFor(`the gateway's NDEATH after the offline STATE (${signal})`, () => seen.find((m) => m.type === 'NDEATH' && m.at >= offline.at), { timeoutMs: 10_000, intervalMs: 20 }));
        const away = await figures();
        rig.note(`${signal}: offline STATE seen, gateway NDEATH ${ndeath.at - offline.at} ms later; backlog ${away.backlogRows}`);
        await whileGatewayRuns(sleep(Math.max(0, hostAwayMs - (Date.now() - stoppedAt))));

        // Nobody may say the host is online while it is stopped, and the gateway must keep quiet.
        const revived = seen.filter((m) => m.type === 'STATE' && m.online === true && m.at > offline.at);
        expect(revived.length, `online STATE messages after the host's offline one, with the host stopped (${signal})`).toBe(0);
        expect(seen.filter((m) => fromGateway(m) && m.at > ndeath.at).map((m) => m.topic), 'what the gateway published with its primary host offline').toEqual([]);
        const stillAway = await figures();
        expect(stillAway.hostOnline).toBe(false);
        expect(stillAway.linkState).not.toBe('up');
        expect(stillAway.hostOfflineDisconnects).toBeGreaterThanOrEqual(1);
        expect(stillAway.backlogRows, `backlog after ${hostAwayMs} ms with the host away`).toBeGreaterThan(away.backlogRows + 500);

        const restartAt = Date.now();
        await startCloud();
        const online = await whileGatewayRuns(waitFor('the online STATE', () => seen.find((m) => m.type === 'STATE' && m.online === true && m.at >= restartAt), { timeoutMs: 30_000, intervalMs: 20 }));
        const nbirth = await whileGatewayRuns(waitFor('the gateway NBIRTH after the online STATE', () => seen.find((m) => m.type === 'NBIRTH' && m.at >= online.at), { timeoutMs: 30_000, intervalMs: 20 }));
        const framesWhileOffline = seen.filter((m) => fromGateway(m) && m.at > ndeath.at && m.at < online.at);
        expect(framesWhileOffline.map((m) => m.topic), 'what the gateway published with its primary host offline').toEqual([]);
        const replayed = await whileGatewayRuns(until('the backlog replayed', (now) => now.hostOnline === true && now.backlogRows === 0 && now.historicalPoints > 0, 60_000));
        outages.push({
          signal, offlineAt: offline.at, ndeathAfterMs: ndeath.at - offline.at, framesWhileOffline: framesWhileOffline.length,
          backlogGrewFrom: away.backlogRows, backlogGrewTo: stillAway.backlogRows, nbirthAfterMs: nbirth.at - online.at,
          replayedPoints: replayed.historicalPoints, replaySeconds: (Date.now() - online.at) / 1000,
        });
        rig.note(`${signal}: host back, NBIRTH ${nbirth.at - online.at} ms after its STATE; ${replayed.historicalPoints} points replayed by now`);
      }

      await sleep(2000);
      await gateway.stop();
      rig.note('gateway stopped cleanly');
      const report = await expectExactlyOnce({ cloud: cloudClient(api, 'auditor'), group, edge, devices, outboxPath });
      rig.note(`checked: ${JSON.stringify(report)}`);
      // historicalPoints is the process's running total, so the second replay includes the first.
      expect(outages[1]!.replayedPoints).toBeGreaterThan(outages[0]!.replayedPoints);
      console.log(`host-outage: ${((Date.now() - startedAt) / 1000).toFixed(0)} s; `
        + outages.map((o) => `${o.signal}: NDEATH ${o.ndeathAfterMs} ms after the offline STATE, ${o.framesWhileOffline} frames while offline, `
          + `backlog ${o.backlogGrewFrom} -> ${o.backlogGrewTo}, NBIRTH ${o.nbirthAfterMs} ms after the online STATE, `
          + `${o.replayedPoints} historical points (running total) within ${o.replaySeconds.toFixed(1)} s`).join('; ')
        + `; committed ${JSON.stringify(report.committed)}, all stored once, in read order (${Object.values(report.readsByDevice).join(' + ')} reads)`);
    });
  }, 180_000);
});
