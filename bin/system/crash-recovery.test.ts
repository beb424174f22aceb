/**
 * Nothing acknowledged is lost (DESIGN.md): the gateway is killed with SIGKILL mid-stream, once
 * while the cloud is down (everything piles up in the outbox) and once while it is up (frames in
 * flight). After restarting, every reading the outbox had committed is in the cloud store
 * exactly once, with the value that was read.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { openSqliteOutbox } from '../../gateway/outbox/sqlite-outbox.ts';
import type { OutboxRecord } from '../../gateway/outbox/outbox.ts';
import { startChildPart, type ChildPart } from '../support/child-part.ts';
import { cloudClient } from '../support/cloud-client.ts';
import { freePort } from '../support/free-port.ts';
import { getJson, waitFor } from '../support/wait-for.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgestock-crash-'));
const output: string[] = [];
const running = new Set<ChildPart>();
const shelves = ['B10', 'B11', 'B12', 'B13', 'B14', 'B15', 'B16', 'B17'];
const shelfTags = shelves.flatMap((shelf, i) => [
  { name: `${shelf}/temperature`, address: `ir:${2 * i}:int16`, scale: 0.1, unit: '°C' },
  { name: `${shelf}/humidity`, address: `ir:${2 * i + 1}:uint16`, scale: 0.1, unit: '%RH' },
]);
const tags = [...shelfTags.map((t) => t.name), 'samples'];

afterAll(async () => {
  for (const part of running) await part.stop();
  rmSync(dir, { recursive: true, force: true });
});

function start(name: string, args: string[]): ChildPart {
  const part = startChildPart(name, args, { ...process.env, EDGESTOCK_LOG_LEVEL: 'info' }, (line) => output.push(line));
  running.add(part);
  void part.exited.then(() => running.delete(part));
  return part;
}

async function killHard(part: ChildPart): Promise<void> {
  part.process.kill('SIGKILL');
  await part.exited;
}

function committedRows(outboxPath: string): OutboxRecord[] {
  const outbox = openSqliteOutbox({ path: outboxPath, maxBytes: 256 * 1024 * 1024 });
  try {
    return outbox.peek(1_000_000).filter((r) => r.kind === 'sample'); // event rows (acks, connector.link) are not telemetry
  } finally {
    outbox.close();
  }
}

interface History { points: Array<{ ts: number; value: unknown; quality: string }> }

/** Fails with the missing or duplicated readings, if any. */
async function expectAllStoredOnce(api: string, rows: OutboxRecord[]): Promise<void> {
  const cloud = cloudClient(api, 'auditor');
  const byTag = new Map<string, OutboxRecord[]>();
  for (const row of rows) byTag.set(row.tag, [...(byTag.get(row.tag) ?? []), row]);
  await waitFor(`all ${rows.length} committed readings in the cloud store`, async () => {
    for (const [tag, expected] of byTag) {
      const from = expected[0]!.ts;
      const to = expected[expected.length - 1]!.ts;
      const history = await cloud.getJson<History>(`/api/telemetry/history?edge=gw-crash&device=shelves&tag=${encodeURIComponent(tag)}&from=${from}&to=${to}&limit=100000`);
      const stored = new Map(history.points.map((p) => [p.ts, p]));
      if (stored.size !== history.points.length) throw new Error(`${tag}: a timestamp is stored twice`);
      const missing = expected.filter((row) => !stored.has(row.ts));
      if (missing.length > 0) return undefined;
      for (const row of expected) expect(stored.get(row.ts)!.value).toEqual(row.value);
    }
    return true;
  }, { timeoutMs: 45_000, intervalMs: 500 });
}

describe('crash recovery with real processes', () => {
  it('delivers every committed reading exactly once after kill -9, with the cloud down and with it up', async () => {
    const ports = { http: await freePort(), mqtt: await freePort(), modbus: await freePort(), gateway: await freePort() };
    const api = `http://127.0.0.1:${ports.http}`;
    const password = 'crash-test-password';
    writeFileSync(join(dir, 'cloud.yaml'), stringify({
      dataDir: join(dir, 'cloud'),
      http: { host: '127.0.0.1', port: ports.http },
      broker: { mode: 'embedded', host: '127.0.0.1', port: ports.mqtt, users: [{ username: 'gw-crash', password, group: 'crash-test', edge: 'gw-crash' }] },
      auth: { demoUsers: true, secureCookies: false },
    }));
    writeFileSync(join(dir, 'site.yaml'), stringify({
      site: { id: 'crash' },
      gateway: { group: 'crash-test', edge: 'gw-crash', dataDir: join(dir, 'gateway'), http: { host: '127.0.0.1', port: ports.gateway } },
      // Small publish batches make draining a backlog take long enough to kill the gateway in the middle of it.
      north: { url: `mqtt://127.0.0.1:${ports.mqtt}`, username: 'gw-crash', password, batchSize: 4, maxMetricsPerFrame: 4, reconnect: { initialDelayMs: 100, maxDelayMs: 1000 } },
      connectors: [{
        name: 'shelves', protocol: 'modbus', connection: { transport: 'tcp', host: '127.0.0.1', port: ports.modbus }, pollIntervalMs: 20,
        tags: [...shelfTags, { name: 'samples', address: 'hr:10:uint32' }],
      }],
    }));
    const outboxPath = join(dir, 'gateway', 'outbox.sqlite');
    const gatewayArgs = ['gateway', '--config', join(dir, 'site.yaml')];
    const gatewayHealth = () => getJson<{ outbox: { rows: number } }>(`http://127.0.0.1:${ports.gateway}/health`);
    try {
      start('simulator', ['simulate', 'modbus', '--port', String(ports.modbus), '--step-ms', '20']);

      // 1. Cloud down: readings pile up in the outbox; kill -9 while the gateway is appending.
      let gateway = start('gateway', gatewayArgs);
      // /health counts every row, event rows (connector.link) too; the check below counts samples only, so wait for a margin above 2000.
      await waitFor('2100 rows in the outbox', async () => ((await gatewayHealth()).outbox.rows >= 2100 ? true : undefined), { timeoutMs: 60_000, intervalMs: 100 });
      await killHard(gateway);
      const whileCloudDown = committedRows(outboxPath);
      expect(whileCloudDown.length).toBeGreaterThanOrEqual(2000);
      expect(new Set(whileCloudDown.map((r) => r.tag))).toEqual(new Set(tags));

      // 2. Cloud up, backlog draining: kill -9 in the middle of the replay, with frames in flight.
      const cloud = start('cloud', ['cloud', '--config', join(dir, 'cloud.yaml')]);
      await waitFor('cloud health', () => getJson(`${api}/api/health`), { timeoutMs: 30_000 });
      gateway = start('gateway', gatewayArgs);
      await waitFor('the replay under way', async () => {
        const rows = (await gatewayHealth()).outbox.rows;
        return rows > 0 && rows < whileCloudDown.length - 200 ? true : undefined;
      }, { timeoutMs: 30_000, intervalMs: 20 });
      await killHard(gateway);
      const midReplay = committedRows(outboxPath);
      expect(midReplay.length).toBeGreaterThan(0);

      // 3. Restart: everything committed before either kill is stored once, with the value read.
      gateway = start('gateway', gatewayArgs);
      await expectAllStoredOnce(api, whileCloudDown);
      await expectAllStoredOnce(api, midReplay);
      await gateway.stop();
      await cloud.stop();
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- process output ---\n${output.slice(-80).join('\n')}`);
    }
  }, 150_000);
});
