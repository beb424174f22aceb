import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { anyOf } from './broker-account.ts';
import { describeCredentialVerifierConformance } from './credential-verifier-conformance.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.ts';
import {
  openGatewayCredentials, rotateGatewayCredential, UnknownGatewayError, type CredentialRotatedEvent, type SqliteGatewayCredentials,
} from './gateway-credentials.ts';
import { staticCredentials } from './static-credentials.ts';

/** Cheap scrypt for tests; the format and code path are the production ones. */
const cost = { N: 2 ** 10, r: 8, p: 1 };
const dir = mkdtempSync(join(tmpdir(), 'edgestock-gw-credentials-'));
let fileCount = 0;
const newFile = () => join(dir, `cloud-${++fileCount}.sqlite`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeCredentialVerifierConformance('SQLite gateway credentials', () => {
  let store: SqliteGatewayCredentials | undefined;
  return {
    async open(gateways) {
      store = openGatewayCredentials(newFile(), { cost });
      await store.seed(gateways);
      return store;
    },
    close: () => store?.close(),
  };
});

const demo = { username: 'gw-cold-room-1', password: 'gw-cold-room-1-demo', group: 'demo-plant', edge: 'gw-cold-room-1' };
const other = { username: 'gw-2', password: 'pw-2', group: 'demo-plant', edge: 'gw-2' };

describe('gateway credential store', () => {
  const opened: SqliteGatewayCredentials[] = [];
  const open = (file: string, now = () => 1_000) => {
    const store = openGatewayCredentials(file, { cost, clock: { now } });
    opened.push(store);
    return store;
  };
  afterEach(() => {
    for (const store of opened.splice(0)) store.close();
  });

  it('stores only scrypt hashes', async () => {
    const file = newFile();
    await open(file).seed([demo]);
    const db = new Database(file, { readonly: true });
    const row = db.prepare('SELECT * FROM gateway_credential').get() as Record<string, unknown>;
    db.close();
    expect(JSON.stringify(row)).not.toContain(demo.password);
    expect(row.password_hash).toMatch(/^scrypt\$1024\$8\$1\$[\w-]+\$[\w-]+$/);
  });

  it('rotates: the new password works at once, the old one no longer, and nothing is kept in clear', async () => {
    const file = newFile();
    const store = open(file, () => 5_000);
    await store.seed([demo]);
    const password = await store.rotate(demo.username);
    expect(password).toMatch(/^[\w-]{32}$/);
    expect(await store.verify(demo.username, Buffer.from(password))).toMatchObject({ edge: 'gw-cold-room-1' });
    expect(await store.verify(demo.username, Buffer.from(demo.password))).toBeUndefined();
    expect(store.list()).toEqual([{ username: demo.username, group: 'demo-plant', edge: 'gw-cold-room-1', updatedAt: 5_000, rotatedAt: 5_000 }]);
    const db = new Database(file, { readonly: true });
    expect(JSON.stringify(db.prepare('SELECT * FROM gateway_credential').all())).not.toContain(password);
    db.close();
  });

  it('keeps a rotated password across a restart while the config still gives the old one', async () => {
    const file = newFile();
    const first = open(file);
    await first.seed([demo]);
    const rotated = await first.rotate(demo.username);
    first.close();
    const second = open(file);
    expect(await second.seed([demo])).toEqual({ added: [], kept: [demo.username], replacedFromConfig: [], removed: [] });
    expect(await second.verify(demo.username, Buffer.from(rotated))).toBeDefined();
    expect(await second.verify(demo.username, Buffer.from(demo.password))).toBeUndefined();
  });

  it("takes the config's password when an operator changes it, and drops gateways no longer configured", async () => {
    const file = newFile();
    const first = open(file);
    await first.seed([demo, other]);
    await first.rotate(demo.username);
    first.close();
    const second = open(file);
    const changed = { ...demo, password: 'changed-by-operator', edge: 'gw-cold-room-1b' };
    expect(await second.seed([changed])).toEqual({ added: [], kept: [], replacedFromConfig: [demo.username], removed: [other.username] });
    expect(await second.verify(demo.username, Buffer.from('changed-by-operator'))).toMatchObject({ edge: 'gw-cold-room-1b' });
    expect(await second.verify(other.username, Buffer.from(other.password))).toBeUndefined();
    expect(second.list()).toMatchObject([{ username: demo.username, rotatedAt: null }]);
  });

  it('refuses to rotate a gateway it does not know', async () => {
    const store = open(newFile());
    await store.seed([demo]);
    await expect(store.rotate('nobody')).rejects.toThrow(UnknownGatewayError);
    await expect(store.rotate('nobody')).rejects.toThrow(/No gateway logs in as "nobody"/);
  });

  it('does not let a login checked during a rotation in with the old password', async () => {
    const file = newFile();
    // The seeded hash is ~64x dearer than the rotation's, so the rotation commits mid-check.
    const slow = openGatewayCredentials(file, { cost: { N: 2 ** 14, r: 8, p: 1 } });
    opened.push(slow);
    await slow.seed([demo]);
    const checking = slow.verify(demo.username, Buffer.from(demo.password));
    await open(file).rotate(demo.username);
    expect(await checking).toBeUndefined();
  });
});

describe('rotateGatewayCredential with the embedded broker', () => {
  let broker: EmbeddedBroker | undefined;
  let store: SqliteGatewayCredentials | undefined;
  afterEach(async () => {
    await broker?.close();
    store?.close();
  });

  it('drops the live session, refuses the old password and lets the gateway in with the new one, without a broker restart', async () => {
    store = openGatewayCredentials(newFile(), { cost });
    await store.seed([demo, other]);
    broker = await startEmbeddedBroker({
      host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }),
      credentials: anyOf(staticCredentials([{ role: 'service', username: 'cloud-ingest', password: 'ingest' }]), store),
    });
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const login = (username: string, password: string) =>
      mqtt.connectAsync(url, { protocolVersion: 4, username, password, reconnectPeriod: 0, connectTimeout: 5000 });
    const observer = await login('cloud-ingest', 'ingest');
    const deaths: string[] = [];
    observer.on('message', (topic) => deaths.push(topic));
    await observer.subscribeAsync('spBv1.0/+/NDEATH/+', { qos: 1 });

    const gateway = await mqtt.connectAsync(url, {
      protocolVersion: 4, username: demo.username, password: demo.password, reconnectPeriod: 0,
      will: { topic: 'spBv1.0/demo-plant/NDEATH/gw-cold-room-1', payload: Buffer.from('death'), qos: 1, retain: false },
    });
    const bystander = await login(other.username, other.password);
    const dropped = new Promise<void>((resolve) => gateway.once('close', () => resolve()));
    const events: CredentialRotatedEvent[] = [];
    const password = await rotateGatewayCredential({ credentials: store, broker, onRotated: (event) => events.push(event), clock: { now: () => 42 } }, demo.username);
    await dropped;

    expect(events).toEqual([{ username: demo.username, group: 'demo-plant', edge: 'gw-cold-room-1', at: 42, disconnectedSessions: 1 }]);
    expect(JSON.stringify(events)).not.toContain(password);
    await expect(login(demo.username, demo.password)).rejects.toThrow(/Bad username or password/i);
    const again = await login(demo.username, password);
    expect(again.connected).toBe(true);
    expect(bystander.connected).toBe(true);
    await expect.poll(() => deaths).toEqual(['spBv1.0/demo-plant/NDEATH/gw-cold-room-1']); // the dropped session's Will
    for (const client of [again, bystander, observer, gateway]) client.end(true);
  });
});
