/**
 * The fleet against a plain aedes broker that checks each PDA's login, with a small responder in
 * the test: a real MQTT peer that reads the scans and publishes decisions, so the PDAs' reactions
 * are pinned on the wire. Every scan published must satisfy the project's scan schema.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { freePort } from '../../bin/support/free-port.ts';
import { scanSchema, type Decision, type Scan } from '../../devices/scan-protocol.ts';
import { startScannerFleet, type ScannerFleet, type ScannerFleetOptions } from './scanner-fleet.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const CHILLED = '09506000134352';
const AMBIENT = '04006381333931';
const passwords: Record<string, string> = { 'pda-01': 'pda-01-secret', 'pda-02': 'pda-02-secret', 'pda-03': 'pda-03-secret' };

const catalog = {
  permissions: { supervisor: ['scans.perform', 'override.force_ship_near_expiry'], picker: ['scans.perform'] },
  categories: [{ id: 'dairy', name: 'Dairy' }],
  items: [
    { gtin: CHILLED, sku: 'MILK-1L', name: 'Milk 1 l', category: 'dairy', temperatureC: { min: 2, max: 8 } },
    { gtin: AMBIENT, sku: 'PEN', name: 'Pen', category: 'dairy' },
  ],
  lots: [
    { gtin: CHILLED, batch: 'EARLY', expiresInDays: 20 },
    { gtin: CHILLED, batch: 'LATE', expiresInDays: 200 },
    { gtin: AMBIENT, batch: 'P1', expiry: '2030-01-31' },
  ],
  locations: [
    { code: 'RECV-01', zone: 'receiving' },
    ...['B10', 'B11', 'B12', 'B13', 'B14'].map((code) => ({ code, zone: 'cold-room-1', temperatureC: { min: 2, max: 8 } })),
    { code: 'A01', zone: 'ambient' },
  ],
  operators: [
    { id: 'op-anna', name: 'Anna', roles: ['supervisor'] },
    { id: 'op-li', name: 'Li', roles: ['picker'] },
  ],
  stock: [
    { gtin: CHILLED, batch: 'EARLY', location: 'B11', qty: 500 },
    { gtin: CHILLED, batch: 'LATE', location: 'B14', qty: 500 },
    { gtin: AMBIENT, batch: 'P1', location: 'A01', qty: 500 },
  ],
};

interface Seen { device: string; scan: Scan; at: number }

/** An aedes broker that admits a PDA only with its id as username and its password. */
async function startBroker(): Promise<{ url: string; refused: string[] }> {
  const { Aedes } = await import('aedes');
  const refused: string[] = [];
  const broker = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      const ok = username !== undefined && passwords[username] !== undefined && password?.toString() === passwords[username] && client.id === username;
      if (!ok) refused.push(username ?? '');
      const error = Object.assign(new Error('bad username or password'), { returnCode: 4 });
      done(ok ? null : error, ok);
    },
  });
  const sockets = new Set<Socket>();
  const server: Server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => broker.close(() => resolve()));
  });
  return { url: `mqtt://127.0.0.1:${port}`, refused };
}

type Answer = Pick<Decision, 'verdict' | 'reasons'> & { suggestion?: Decision['suggestion'] } | 'ignore';

/** Subscribes to every PDA's scans and answers each as `decide` says; keeps what it saw. */
async function startResponder(url: string, decide: (device: string, scan: Scan, seen: readonly Seen[]) => Answer): Promise<{ seen: Seen[]; invalid: string[] }> {
  passwords.responder = 'responder-secret';
  const client: MqttClient = await mqtt.connectAsync(url, { clientId: 'responder', username: 'responder', password: 'responder-secret', protocolVersion: 4 });
  cleanups.push(() => client.endAsync(true));
  const seen: Seen[] = [];
  const invalid: string[] = [];
  client.on('message', (topic, payload) => {
    const device = topic.split('/')[1]!;
    const parsed = scanSchema.safeParse(JSON.parse(payload.toString()));
    if (!parsed.success) {
      invalid.push(`${payload.toString()}: ${parsed.error.message}`);
      return;
    }
    const answer = decide(device, parsed.data, seen);
    seen.push({ device, scan: parsed.data, at: Date.now() });
    if (answer === 'ignore') return;
    const decision: Decision = { scanId: parsed.data.scanId, ...answer, prompt: { en: 'ok', zh: '好' }, signal: 'none', decidedAt: Date.now() };
    client.publish(`devices/${device}/decision`, JSON.stringify(decision), { qos: 1 });
  });
  await client.subscribeAsync('devices/+/scan', { qos: 1 });
  return { seen, invalid };
}

async function fleet(url: string, opts: Partial<ScannerFleetOptions>): Promise<ScannerFleet> {
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-scanner-fleet-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'site.master-data.yaml'), stringify(catalog));
  const started = await startScannerFleet({
    url, catalog: join(dir, 'site.master-data.yaml'), ratePerDevice: 40, seed: 7, reactionDelayMs: 10, connectTimeoutMs: 5000,
    devices: [{ id: 'pda-01', password: passwords['pda-01']!, operator: 'op-anna' }, { id: 'pda-02', password: passwords['pda-02']!, operator: 'op-li' }],
    ...opts,
  });
  cleanups.push(() => started.close());
  return started;
}

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The test's own reading of a label, in either form. */
function labelOf(code: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (code.startsWith('(')) {
    for (const m of code.matchAll(/\((\d{2})\)([^(]*)/g)) out[m[1]!] = m[2]!;
    return out;
  }
  const fixed: Record<string, number> = { '01': 14, '17': 6 };
  let rest = code;
  while (rest.length > 0) {
    const ai = rest.slice(0, 2);
    rest = rest.slice(2);
    const length = fixed[ai] ?? (rest.includes('\x1d') ? rest.indexOf('\x1d') : rest.length);
    out[ai] = rest.slice(0, length);
    rest = rest.slice(length).replace(/^\x1d/, '');
  }
  return out;
}

const allow: Answer = { verdict: 'allow', reasons: [{ code: 'OK', message: 'ok' }] };
const next = (seen: readonly Seen[], after: Seen) => seen.find((s) => s.device === after.device && s.at >= after.at && s !== after && s.scan.scanId !== after.scan.scanId);

describe('scanner fleet', { timeout: 20_000 }, () => {
  it('logs in as each device id, sends protocol-valid scans in both code forms, and keeps going when one PDA is refused', async () => {
    const { url, refused } = await startBroker();
    const responder = await startResponder(url, () => allow);
    const running = await fleet(url, {
      connectTimeoutMs: 1000,
      devices: [
        { id: 'pda-01', password: passwords['pda-01']!, operator: 'op-anna' },
        { id: 'pda-03', password: 'wrong-password', operator: 'op-li' },
      ],
    });
    await until('100 scans', () => responder.seen.length >= 100);
    expect(responder.invalid).toEqual([]);
    expect(new Set(responder.seen.map((s) => s.device))).toEqual(new Set(['pda-01']));
    expect(refused).toContain('pda-03');
    const codes = responder.seen.map((s) => s.scan.code);
    expect(codes.some((c) => c.startsWith('(01)'))).toBe(true);
    expect(codes.some((c) => c.startsWith('01') && c.includes('\x1d'))).toBe(true);
    expect(codes.some((c) => labelOf(c)['21'] !== undefined)).toBe(true);
    for (const code of codes) {
      const label = labelOf(code);
      expect(label['01']).toMatch(/^\d{14}$/);
      expect(label['17']).toMatch(/^\d{6}$/);
      expect(label['10']).toMatch(/^(EARLY|LATE|P1)$/);
    }
    // A (30) count in the code agrees with the scan's qty.
    for (const s of responder.seen) if (labelOf(s.scan.code)['30'] !== undefined) expect(Number(labelOf(s.scan.code)['30'])).toBe(s.scan.qty);
    expect(new Set(responder.seen.map((s) => s.scan.op))).toEqual(new Set(['receive', 'putaway', 'pick', 'move', 'count']));
    // Receipts are at RECV-01; chilled goods go on cold-room shelves, the pen on A01.
    for (const s of responder.seen.filter((x) => x.scan.op === 'receive')) expect(s.scan.location).toBe('RECV-01');
    for (const s of responder.seen.filter((x) => x.scan.op === 'putaway')) {
      expect(s.scan.location).toMatch(labelOf(s.scan.code)['01'] === CHILLED ? /^B1\d$/ : /^A01$/);
    }
    const stats = running.stats();
    expect(stats.connected).toBe(1);
    expect(stats.sent).toBeGreaterThanOrEqual(100);
    expect(stats.decided.allow).toBeGreaterThan(90);
    expect(stats.latencyMs.p50).not.toBeNull();
    expect(stats.latencyMs.p99!).toBeLessThan(1000);
  });

  it('rescans the batch a FEFO warning suggests, at the suggested location', async () => {
    const { url } = await startBroker();
    const responder = await startResponder(url, (_device, scan) => {
      if (scan.op !== 'pick' || labelOf(scan.code)['10'] !== 'LATE') return allow;
      return { verdict: 'warn', reasons: [{ code: 'FEFO', message: 'EARLY expires first' }], suggestion: { location: 'B11', batch: 'EARLY' } };
    });
    const running = await fleet(url, {});
    const warned = await until('a FEFO warning followed by a rescan', () => {
      const w = responder.seen.filter((s) => s.scan.op === 'pick' && labelOf(s.scan.code)['10'] === 'LATE');
      return w.find((s) => next(responder.seen, s));
    });
    const rescan = next(responder.seen, warned)!;
    expect(rescan.scan).toMatchObject({ op: 'pick', location: 'B11', operator: warned.scan.operator, qty: warned.scan.qty });
    expect(labelOf(rescan.scan.code)).toMatchObject({ '01': CHILLED, '10': 'EARLY', '17': expect.stringMatching(/^\d{6}$/) });
    expect(running.stats().reactions.fefoRescans).toBeGreaterThan(0);
  });

  it('puts away on the suggested shelf after an out-of-range block, then on another shelf when none is suggested', async () => {
    const { url } = await startBroker();
    const block = (suggestion?: string): Answer => ({
      verdict: 'block', reasons: [{ code: 'SHELF_OUT_OF_RANGE', message: 'shelf at 11 °C' }], ...(suggestion ? { suggestion: { location: suggestion } } : {}),
    });
    const responder = await startResponder(url, (_device, scan) => {
      if (scan.op !== 'putaway') return allow;
      if (scan.location === 'B12') return block('B13');
      if (scan.location === 'B13') return block();
      return allow;
    });
    const running = await fleet(url, {});
    const first = await until('a put-away on B12 answered by a move to B13 and on', () => responder.seen.find((s) => {
      if (s.scan.op !== 'putaway' || s.scan.location !== 'B12') return false;
      const second = next(responder.seen, s);
      return second && second.scan.location === 'B13' && next(responder.seen, second);
    }));
    const second = next(responder.seen, first)!;
    const third = next(responder.seen, second)!;
    for (const retry of [second, third]) {
      expect(retry.scan.op).toBe('putaway');
      expect(labelOf(retry.scan.code)['10']).toBe(labelOf(first.scan.code)['10']);
      expect(retry.scan.qty).toBe(first.scan.qty);
    }
    expect(third.scan.location).toMatch(/^B1[014]$/);
    expect(running.stats().reactions.putawayRetries).toBeGreaterThanOrEqual(2);
  });

  it('force-ships a near-expiry pick only when the operator may override; others leave the lot', async () => {
    const { url } = await startBroker();
    const responder = await startResponder(url, (_device, scan) => {
      if (scan.op !== 'pick') return allow;
      if (scan.override === 'force_ship_near_expiry') return { verdict: 'allow', reasons: [{ code: 'OVERRIDE_APPLIED', message: 'shipped on consent' }] };
      return { verdict: 'warn', reasons: [{ code: 'NEAR_EXPIRY', message: '20 days left' }] };
    });
    const running = await fleet(url, {});
    const warned = await until("op-anna's override", () => responder.seen.find((s) => s.device === 'pda-01' && s.scan.op === 'pick' && !s.scan.override && next(responder.seen, s)));
    const override = next(responder.seen, warned)!;
    expect(override.scan).toMatchObject({ op: 'pick', override: 'force_ship_near_expiry', code: warned.scan.code, location: warned.scan.location, qty: warned.scan.qty });
    expect(override.scan.scanId).not.toBe(warned.scan.scanId);
    await until("op-li's picks", () => responder.seen.filter((s) => s.device === 'pda-02' && s.scan.op === 'pick').length >= 5);
    expect(responder.seen.filter((s) => s.device === 'pda-02' && s.scan.override !== undefined)).toEqual([]);
    const { reactions } = running.stats();
    expect(reactions.overrides).toBeGreaterThan(0);
    expect(reactions.nearExpirySkipped).toBeGreaterThan(0);
  });

  it('resends an unanswered scan with the same scanId after 2 s, and gives up after the last resend', async () => {
    const { url } = await startBroker();
    const responder = await startResponder(url, (device, scan, seen) => {
      if (device === 'pda-02') return 'ignore';
      // pda-01: the first delivery of each scan is lost.
      return seen.some((s) => s.scan.scanId === scan.scanId) ? allow : 'ignore';
    });
    const running = await fleet(url, { ratePerDevice: 5, maxResends: 1 });
    const resent = await until('a resend', () => {
      const firsts = responder.seen.filter((s) => s.device === 'pda-01');
      return firsts.find((s) => firsts.some((t) => t !== s && t.scan.scanId === s.scan.scanId));
    }, 8000);
    const again = responder.seen.find((s) => s !== resent && s.scan.scanId === resent.scan.scanId)!;
    expect(again.scan).toEqual(resent.scan);
    expect(again.at - resent.at).toBeGreaterThanOrEqual(1900);
    expect(again.at - resent.at).toBeLessThan(3000);
    await until('pda-02 giving up', () => running.stats().unanswered >= 1, 8000);
    // pda-02 sent its first scan twice (the resend) and then nothing until it gave up.
    const pda02 = responder.seen.filter((s) => s.device === 'pda-02');
    expect(pda02[0]!.scan.scanId).toBe(pda02[1]!.scan.scanId);
    const stats = running.stats();
    expect(stats.resends).toBeGreaterThanOrEqual(2);
    expect(stats.decided.allow).toBeGreaterThanOrEqual(1);
    expect(stats.latencyMs.max!).toBeGreaterThanOrEqual(1900);
  });

  it('refuses a device list without operators or a catalog with missing fields, naming the field', async () => {
    const { parseDeviceList } = await import('./scanner-fleet.ts');
    expect(() => parseDeviceList('pda-01:pda-01-demo')).toThrow('"pda-01:pda-01-demo" is not id:password:operator');
    expect(parseDeviceList('pda-01:pw-1:op-anna, pda-02:pw-2:op-li')).toEqual([
      { id: 'pda-01', password: 'pw-1', operator: 'op-anna' }, { id: 'pda-02', password: 'pw-2', operator: 'op-li' },
    ]);
    const { parseCatalog } = await import('./catalog.ts');
    expect(() => parseCatalog({ items: [{ sku: 'X' }], lots: [{ gtin: CHILLED, batch: 'B1' }], locations: [{ code: 'B10' }] }, 'x.yaml'))
      .toThrow(/items\[0\]\.gtin: expected a string matching.*\n.*lots\[0\]\.expiry/s);
  });
});
