/**
 * The cloud and the gateway as real processes against an external broker: Debian's mosquitto (an
 * independent MQTT implementation) with only a TLS listener (a CA made here, trusted through
 * tls.caFile), password logins, anonymous refused, and docs/broker-acl.md's acl_file exactly as
 * documented, so the doc is proven with the real processes, not only with hand-made clients.
 *
 * Over MQTT 3.1.1 and over MQTT 5: readings reach the cloud; readings sent while the cloud
 * restarts wait in the ingest's persistent session. Logins and links that must fail: a wrong
 * password, an untrusted CA, a gateway publishing outside its ACL, a cloud with a wrong password.
 * mosquitto's own log says which protocol level each client really spoke ("New client connected
 * ... (p2, ..." is 3.1.1, "(p5, ..." is 5).
 *
 * The cases run one after another: each starts a broker and three or four Node processes, and on
 * two cores concurrent cases would test start-up timings rather than the code.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseMosquittoConnections, startMosquitto, type MosquittoProcess } from '../../cloud/broker/mosquitto-process.ts';
import { startChildPart, type ChildPart } from '../support/child-part.ts';
import { cloudClient } from '../support/cloud-client.ts';
import { freePort } from '../support/free-port.ts';
import { createTestCa, type TestCa } from '../support/test-ca.ts';
import { getJson, waitFor } from '../support/wait-for.ts';

/** The fenced ```acl_file block of docs/broker-acl.md, byte for byte. */
function documentedAcl(): string {
  const doc = readFileSync(new URL('../../docs/broker-acl.md', import.meta.url), 'utf8');
  const match = /```acl_file\n([\s\S]*?)```/.exec(doc);
  if (!match) throw new Error('docs/broker-acl.md has no ```acl_file block');
  return match[1]!;
}

// The documented ACL's demo plant: the gateway under test is its first cold room.
const GROUP = 'demo-plant';
const EDGE = 'gw-cold-room-1';
/** The cloud's Sparkplug host_id: its STATE is spBv1.0/STATE/edgestock-cloud. */
const HOST_ID = 'edgestock-cloud';
const passwords = { 'gw-cold-room-1': 'pw-cold-room-1', 'gw-cold-room-2': 'pw-cold-room-2', 'cloud-ingest': 'pw-cloud-ingest' } as const;

type ProtocolVersion = 4 | 5;
const mosquittoName: Readonly<Record<ProtocolVersion, string>> = { 4: 'mqttv311', 5: 'mqttv5' };

const dir = mkdtempSync(join(tmpdir(), 'edgestock-external-broker-'));
let ca: TestCa;
let output: string[] = [];
let parts: ChildPart[] = [];
let broker: MosquittoProcess | undefined;

beforeAll(() => {
  chmodSync(dir, 0o755); // mosquitto runs as its own user and reads the certificates below
  mkdirSync(join(dir, 'ca'));
  ca = createTestCa(join(dir, 'ca')); // made here, trusted only through tls.caFile
});
/** Stops the processes, then mosquitto (so its log is complete), and returns that log. */
async function stopAll(): Promise<string> {
  for (const part of parts.reverse()) await part.stop();
  parts = [];
  await broker?.stop();
  return broker?.output() ?? '';
}

afterEach(async () => {
  await stopAll();
  broker = undefined;
  output = [];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** mosquitto with only a TLS listener, the documented ACL and the three logins. */
async function startBroker(): Promise<{ url: string }> {
  const port = await freePort();
  broker = await startMosquitto({ users: passwords, acl: documentedAcl(), tls: { port, certFile: ca.certFile, keyFile: ca.keyFile } });
  return { url: `mqtts://127.0.0.1:${port}` };
}

function start(name: string, args: string[]): ChildPart {
  const part = startChildPart(name, args, process.env, (line) => output.push(line));
  parts.push(part);
  return part;
}

/** Failure messages carry what the processes and mosquitto said. */
async function explained<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const mosquittoLog = broker?.output().split('\n').slice(-40).join('\n') ?? '';
    throw new Error(`${(error as Error).message}\n--- processes ---\n${output.slice(-40).join('\n')}\n--- mosquitto ---\n${mosquittoLog}`, { cause: error });
  }
}

interface GatewaySetup {
  name: string;
  url: string;
  protocolVersion: ProtocolVersion;
  username: string;
  password: string;
  caFile: string;
  modbusPort: number;
  clientId?: string;
  /** Sparkplug edge node id; default the one the username's ACL block is for. */
  edge?: string;
  primaryHostId?: string;
}

/** Writes a site config and starts the gateway; returns its health URL. */
async function startGatewayProcess(setup: GatewaySetup): Promise<{ part: ChildPart; healthUrl: string }> {
  const httpPort = await freePort();
  const file = join(dir, `${setup.name}.site.yaml`);
  writeFileSync(file, stringify({
    site: { id: setup.name },
    gateway: { group: GROUP, edge: setup.edge ?? EDGE, dataDir: join(dir, setup.name), http: { host: '127.0.0.1', port: httpPort } },
    north: {
      url: setup.url, username: setup.username, password: setup.password, tls: { caFile: setup.caFile },
      protocolVersion: setup.protocolVersion, reconnect: { initialDelayMs: 200, maxDelayMs: 1000 },
      ...(setup.clientId ? { clientId: setup.clientId } : {}),
      ...(setup.primaryHostId ? { primaryHostId: setup.primaryHostId } : {}),
    },
    connectors: [{
      name: 'shelves', protocol: 'modbus', connection: { transport: 'tcp', host: '127.0.0.1', port: setup.modbusPort }, pollIntervalMs: 200,
      tags: [{ name: 'B10/temperature', address: 'ir:0:int16', scale: 0.1, unit: '°C' }, { name: 'samples', address: 'hr:10:uint32' }],
    }],
  }));
  return { part: start(setup.name, ['gateway', '--config', file]), healthUrl: `http://127.0.0.1:${httpPort}/health` };
}

interface GatewayHealth {
  north: { linkState: string; lastError: string | null; sessions?: number };
  outbox: { rows: number; acked: number };
}

interface CloudHealth {
  ingest: { connected: boolean; rejectedByReason: Record<string, number>; rebirthRequests: number };
  edgeLink: { connected: boolean };
}

interface LatestReading {
  tag: string;
  value: unknown;
  unit: string | null;
  quality: string;
  ts: number;
}

interface Plant {
  api: string;
  cloudFile: string;
  storeFile: string;
  gatewayHealthUrl: string;
  startCloud(): ChildPart;
}

/**
 * mosquitto, the Modbus simulator, the cloud and one gateway, all speaking `protocolVersion`. With
 * `waitForHost` the gateway names the cloud as its primary host and publishes only once it has
 * read the cloud's retained STATE (the documented ACL's `topic read spBv1.0/STATE/+`).
 */
async function startPlant(protocolVersion: ProtocolVersion, name: string, options: { waitForHost?: boolean } = {}): Promise<Plant> {
  const { url } = await startBroker();
  const ports = { http: await freePort(), modbus: await freePort() };
  const cloudFile = join(dir, `${name}.cloud.yaml`);
  const dataDir = join(dir, `${name}-cloud`);
  writeFileSync(cloudFile, stringify({
    dataDir,
    http: { host: '127.0.0.1', port: ports.http },
    broker: { mode: 'external', url, username: 'cloud-ingest', password: passwords['cloud-ingest'], tls: { caFile: ca.caFile } },
    ingest: { protocolVersion, hostId: HOST_ID },
    auth: { demoUsers: true, secureCookies: false },
  }));
  const startCloud = () => start('cloud', ['cloud', '--config', cloudFile]);
  start('simulator', ['simulate', 'modbus', '--port', String(ports.modbus), '--step-ms', '200']);
  startCloud();
  const gateway = await startGatewayProcess({
    name: `${name}-gateway`, url, protocolVersion, username: EDGE, password: passwords[EDGE], caFile: ca.caFile, modbusPort: ports.modbus,
    primaryHostId: options.waitForHost ? HOST_ID : undefined,
  });
  return { api: `http://127.0.0.1:${ports.http}`, cloudFile, storeFile: join(dataDir, 'cloud.sqlite'), gatewayHealthUrl: gateway.healthUrl, startCloud };
}

/** Waits until the cloud's latest values of both tags are good, newer than `since` (epoch ms). */
function goodReadings(api: string, what: string, since = 0): Promise<LatestReading[]> {
  const cloud = cloudClient(api, 'auditor');
  return waitFor(what, async () => {
    const values = await cloud.getJson<LatestReading[]>(`/api/telemetry/latest?edge=${EDGE}`);
    return ['B10/temperature', 'samples'].every((tag) => values.some((v) => v.tag === tag && v.quality === 'good' && v.ts > since)) ? values : undefined;
  }, { timeoutMs: 30_000 });
}

/**
 * mosquitto's word for the protocol level of every login (the gateway, the ingest and the edge
 * link, before and after any restart), from its whole log once everything has stopped. Also:
 * nobody got in anonymously, and mosquitto dropped no publish (or Will) of ours for being outside
 * the documented ACL.
 */
function expectProtocolLevels(log: string, protocolVersion: ProtocolVersion): void {
  const connections = parseMosquittoConnections(log);
  const gatewayLogins = connections.filter((c) => c.username === EDGE);
  const cloudLogins = connections.filter((c) => c.username === 'cloud-ingest');
  expect(gatewayLogins.length).toBeGreaterThanOrEqual(1);
  expect(cloudLogins.map((c) => c.clientId)).toEqual(expect.arrayContaining(['edgestock-cloud-ingest', expect.stringMatching(/^edgestock-cloud-edge-link/)]));
  expect([...gatewayLogins, ...cloudLogins].map((c) => `${c.clientId} ${c.protocol}`))
    .toEqual([...gatewayLogins, ...cloudLogins].map((c) => `${c.clientId} ${mosquittoName[protocolVersion]}`));
  expect(connections.filter((c) => c.username === undefined)).toEqual([]);
  expect(log.split('\n').filter((line) => /Denied PUBLISH/.test(line))).toEqual([]);
}

async function carriesReadings(protocolVersion: ProtocolVersion): Promise<void> {
  const plant = await startPlant(protocolVersion, `readings-${protocolVersion}`, { waitForHost: true });
  await explained(async () => {
    const latest = await goodReadings(plant.api, `readings through mosquitto over ${mosquittoName[protocolVersion]} and TLS`);
    expect(latest.find((v) => v.tag === 'B10/temperature')).toMatchObject({ unit: '°C', quality: 'good', value: expect.any(Number) });
    expect(latest.find((v) => v.tag === 'samples')).toMatchObject({ quality: 'good', value: expect.any(Number) });

    // All three start at once: if the gateway's births went out before the ingest subscribed, its
    // DATA was refused as unknown aliases and the ingest asked it to rebirth. Nothing else is refused.
    const health = await getJson<CloudHealth>(`${plant.api}/api/health`);
    expect(health.ingest.connected).toBe(true);
    expect(health.edgeLink.connected).toBe(true);
    expect(Object.keys(health.ingest.rejectedByReason).filter((reason) => reason !== 'unknown_alias')).toEqual([]);
    if (health.ingest.rejectedByReason.unknown_alias) expect(health.ingest.rebirthRequests).toBeGreaterThan(0);
    expect((await getJson<GatewayHealth>(plant.gatewayHealthUrl)).north).toMatchObject({ linkState: 'up', lastError: null });

    const log = await stopAll();
    expectProtocolLevels(log, protocolVersion);
    // The gateway waited for the host: mosquitto delivered it the cloud's retained STATE.
    expect(log).toMatch(new RegExp(`Sending PUBLISH to edgestock-${GROUP}-${EDGE} \\([^)]*'spBv1\\.0/STATE/${HOST_ID}'`));
  });
}

/** Stored timestamps of one tag of the gateway under test, oldest first. */
function storedTimestamps(storeFile: string, tag: string): number[] {
  const db = new Database(storeFile, { readonly: true });
  try {
    return db.prepare('SELECT sample.ts AS ts FROM sample JOIN metric ON metric.id = sample.metric_id WHERE metric.edge = ? AND metric.tag = ? ORDER BY sample.ts')
      .all(EDGE, tag).map((row) => (row as { ts: number }).ts);
  } finally {
    db.close();
  }
}

/**
 * The ingest's session outlives the cloud process: while the cloud restarts, the gateway keeps
 * publishing (it has no primary host to wait for here) and mosquitto queues the QoS 1 DATA for the
 * ingest's client id. That needs clean session false on 3.1.1, and on MQTT 5 clean start false
 * plus a session expiry interval [MQTT-3.1.2-23]: expiry 0, the default, ends the session at
 * disconnect and those readings are gone.
 */
async function keepsReadingsAcrossCloudRestart(protocolVersion: ProtocolVersion): Promise<void> {
  const plant = await startPlant(protocolVersion, `restart-${protocolVersion}`);
  await explained(async () => {
    await goodReadings(plant.api, 'readings before the cloud restarts');
    const cloud = parts.find((part) => part.name === 'cloud')!;
    await cloud.stop();
    const downAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const upAt = Date.now();
    plant.startCloud();
    await goodReadings(plant.api, 'readings after the cloud restarted', upAt + 1000);
    expectProtocolLevels(await stopAll(), protocolVersion);

    // The simulator's sample counter changes at every 200 ms step, so the gateway reports it at
    // every poll: a stored gap much longer than that is readings lost while the cloud was down.
    const ts = storedTimestamps(plant.storeFile, 'samples');
    const across = ts.filter((t) => t > downAt - 2000); // from before the stop to after the restart
    const gaps = across.slice(1).map((t, i) => t - across[i]!);
    expect(Math.max(...gaps), 'longest stretch without a stored reading (ms)').toBeLessThan(1500);
    expect(across.length).toBeGreaterThan(10);
  });
}

describe('gateway and cloud against mosquitto (TLS, passwords, the documented ACL)', () => {
  it('carries readings over MQTT 3.1.1 with TLS and password logins', () => carriesReadings(4), 60_000);

  it('carries readings over MQTT 5 with TLS and password logins', () => carriesReadings(5), 60_000);

  it('keeps the readings sent while the cloud restarts in its persistent session (MQTT 3.1.1)', () => keepsReadingsAcrossCloudRestart(4), 60_000);

  it('keeps the readings sent while the cloud restarts in its persistent session (MQTT 5)', () => keepsReadingsAcrossCloudRestart(5), 60_000);

  it('keeps a gateway with a wrong password or an untrusted CA out, saying why in /health, and retrying', async () => {
    const { url } = await startBroker();
    const modbusPort = await freePort();
    start('simulator', ['simulate', 'modbus', '--port', String(modbusPort), '--step-ms', '200']);
    const base = { url, username: EDGE, caFile: ca.caFile, modbusPort };
    const wrongPassword311 = await startGatewayProcess({ ...base, name: 'wrong-password-311', protocolVersion: 4, password: 'not-the-password', clientId: 'wrong-password-311' });
    const wrongPassword5 = await startGatewayProcess({ ...base, name: 'wrong-password-5', protocolVersion: 5, password: 'not-the-password', clientId: 'wrong-password-5' });
    // The right password, but it trusts a CA that did not sign mosquitto's certificate.
    const untrustedCa = await startGatewayProcess({ ...base, name: 'untrusted-ca', protocolVersion: 4, password: passwords[EDGE], caFile: ca.otherCaFile, clientId: 'untrusted-ca' });

    await explained(async () => {
      const lastError = async (healthUrl: string, pattern: RegExp) => {
        const { north } = await getJson<GatewayHealth>(healthUrl);
        return north.lastError !== null && pattern.test(north.lastError) ? north : undefined;
      };
      const refused = /not authori[sz]ed|bad user ?name or password/i;
      const wrongPassword311Health = await waitFor('the refused login in /health (3.1.1)', () => lastError(wrongPassword311.healthUrl, refused), { timeoutMs: 20_000 });
      const wrongPassword5Health = await waitFor('the refused login in /health (5)', () => lastError(wrongPassword5.healthUrl, refused), { timeoutMs: 20_000 });
      const untrustedHealth = await waitFor('the TLS failure in /health', () => lastError(untrustedCa.healthUrl, /certificate|self[- ]signed/i), { timeoutMs: 20_000 });
      for (const north of [wrongPassword311Health, wrongPassword5Health, untrustedHealth]) expect(north.linkState).not.toBe('up');

      // They keep trying: mosquitto refuses each attempt again (CONNACK 5 is 3.1.1's "not
      // authorized", reason code 135 MQTT 5's; the TLS handshake fails on the unknown CA).
      const attempts = () => {
        const log = broker!.output();
        return {
          refused311: log.match(/Sending CONNACK to \S+ \(0, 5\)/g)?.length ?? 0,
          refused5: log.match(/Sending CONNACK to \S+ \(0, 135\)/g)?.length ?? 0,
          tlsFailures: log.match(/OpenSSL Error\[0\]/g)?.length ?? 0,
        };
      };
      await waitFor('three refused attempts of each gateway', () => {
        const seen = attempts();
        return seen.refused311 >= 3 && seen.refused5 >= 3 && seen.tlsFailures >= 3 ? seen : undefined;
      }, { timeoutMs: 30_000 });
      for (const gateway of [wrongPassword311, wrongPassword5, untrustedCa]) {
        expect(gateway.part.process.exitCode).toBeNull(); // still running, health still answering
        expect((await getJson<GatewayHealth>(gateway.healthUrl)).north.linkState).not.toBe('up');
      }
      expect(parseMosquittoConnections(await stopAll())).toEqual([]); // none of them ever got in
    });
  }, 60_000);

  it('hears of a publish outside its ACL over MQTT 5 (PUBACK 0x87) and keeps the rows; over 3.1.1 mosquitto drops it unseen', async () => {
    const { url } = await startBroker();
    const modbusPort = await freePort();
    start('simulator', ['simulate', 'modbus', '--port', String(modbusPort), '--step-ms', '200']);
    // Logs in as gw-cold-room-1 but is configured as gw-cold-room-2: every topic it publishes is another gateway's.
    const base = { url, username: EDGE, password: passwords[EDGE], caFile: ca.caFile, modbusPort, edge: 'gw-cold-room-2' };
    const over5 = await startGatewayProcess({ ...base, name: 'wrong-edge-5', protocolVersion: 5, clientId: 'wrong-edge-5' });
    const over311 = await startGatewayProcess({ ...base, name: 'wrong-edge-311', protocolVersion: 4, clientId: 'wrong-edge-311' });
    await explained(async () => {
      const refused = await waitFor('the refused publish in /health (MQTT 5)', async () => {
        const health = await getJson<GatewayHealth>(over5.healthUrl);
        return /not authori[sz]ed/i.test(health.north.lastError ?? '') ? health : undefined;
      }, { timeoutMs: 20_000 });
      expect(refused.outbox.rows).toBeGreaterThan(0); // nothing acknowledged, nothing deleted
      // MQTT 3.1.1 has no way to say no to a QoS 1 publish but closing the connection [MQTT-3.3.5-2];
      // mosquitto acknowledges and drops, so this gateway believes all is well and deletes its rows.
      const unaware = await waitFor('the 3.1.1 gateway deleting acknowledged rows', async () => {
        const health = await getJson<GatewayHealth>(over311.healthUrl);
        return health.outbox.acked > 0 ? health : undefined;
      }, { timeoutMs: 20_000 });
      expect(unaware.north).toMatchObject({ linkState: 'up', lastError: null });
      const denied = (await stopAll()).split('\n').filter((line) => /Denied PUBLISH/.test(line));
      // Births (QoS 0), then QoS 1 publishes: the first of them is the gateway's config report on the
      // edge link (docs/edge-events.md); over 5 its refusal ends the session before any DDATA.
      for (const clientId of ['wrong-edge-5', 'wrong-edge-311']) {
        expect(denied.some((line) => line.includes(`from ${clientId} `) && line.includes('/gw-cold-room-2'))).toBe(true);
        expect(denied.some((line) => line.includes(`from ${clientId} `) && line.includes(`(d0, q1,`))).toBe(true);
      }
    });
  }, 60_000);

  it('stops a cloud whose broker login is refused, saying why, over MQTT 3.1.1 and MQTT 5', async () => {
    const { url } = await startBroker();
    const clouds = await Promise.all(([4, 5] as const).map(async (protocolVersion) => {
      const name = `cloud-refused-${protocolVersion}`;
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, stringify({
        dataDir: join(dir, name),
        http: { host: '127.0.0.1', port: await freePort() },
        broker: { mode: 'external', url, username: 'cloud-ingest', password: 'not-the-password', tls: { caFile: ca.caFile } },
        ingest: { protocolVersion },
      }));
      return { name, part: start(name, ['cloud', '--config', file]) };
    }));
    await explained(async () => {
      for (const { name, part } of clouds) {
        // Refused credentials do not heal by retrying: the start fails at the first refusal, not
        // after the "broker not reachable yet" wait, and says what to check.
        const exitCode = await Promise.race([part.exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 30_000).unref())]);
        expect({ name, exitCode }).toEqual({ name, exitCode: 1 });
        const said = output.filter((line) => line.includes(name)).join('\n');
        expect(said).toMatch(/refused the ingest's login/);
        expect(said).not.toMatch(/not reachable yet/);
      }
      // mosquitto refused one 3.1.1 login (return code 5) and one MQTT 5 login (reason code 135).
      const refusals = (await stopAll()).match(/Sending CONNACK to \S+ \(0, \d+\)/g) ?? [];
      expect(refusals.map((line) => line.replace(/^.*\(0, /, 'code ').replace(')', '')).sort()).toEqual(['code 135', 'code 5']);
    });
  }, 60_000);
});
