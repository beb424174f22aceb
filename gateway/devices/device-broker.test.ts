/**
 * The device broker of a running gateway, spoken to by an independent client (mosquitto_pub and
 * mosquitto_sub, spawned) with the demo scanners' credentials: a scan is answered, wrong
 * credentials and other devices' topics are refused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decisionSchema, type Decision } from '../../devices/scan-protocol.ts';
import { demo, mosquitto, startScanGateway, until, type ScanGateway } from './testing/scan-gateway.ts';

interface Subscriber {
  lines: string[];
  decisions(): Decision[];
  stop(): void;
}

describe('device broker of a running gateway, with mosquitto clients', { timeout: 60_000 }, () => {
  let site: ScanGateway;
  const children: ChildProcess[] = [];
  const login = (device: string, password = `${device}-demo`) => ['-h', '127.0.0.1', '-p', String(site.devicePort), '-u', device, '-P', password, '-q', '1'];

  /** mosquitto_sub with -d (protocol trace on stdout), resolved once its SUBACK is in. */
  async function subscribe(device: string, topics: string[]): Promise<Subscriber> {
    // stdbuf: line-buffered stdout, else the client's output sits in its stdio buffer until it exits.
    const child = spawn('stdbuf', ['-oL', 'mosquitto_sub', ...login(device), '-d', ...topics.flatMap((t) => ['-t', t])], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const lines: string[] = [];
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines.push(...parts);
    });
    child.stderr!.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    await until(`${device}'s SUBACK`, () => lines.some((l) => l.startsWith('Subscribed')));
    return {
      lines,
      decisions: () => lines.filter((l) => l.startsWith('{')).map((l) => decisionSchema.parse(JSON.parse(l))),
      stop: () => child.kill('SIGTERM'),
    };
  }

  const scan = (scanId: string, code: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ scanId, operator: 'op-anna', op: 'pick', code, location: 'B15', qty: 2, ...extra });

  beforeAll(async () => {
    site = await startScanGateway();
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await site?.close();
  });

  it('answers pda-01\'s scan of an expired lot with a block naming the expiry', async () => {
    const sub = await subscribe('pda-01', ['devices/pda-01/decision']);
    const published = await mosquitto('mosquitto_pub', [...login('pda-01'), '-t', 'devices/pda-01/scan', '-m', scan('t1-expired', demo.expiredButter)]);
    expect(published).toMatchObject({ code: 0 });
    const [decision] = await until('the decision', () => sub.decisions().length > 0 && sub.decisions());
    expect(decision).toMatchObject({ scanId: 't1-expired', verdict: 'block', signal: 'vibrate' });
    expect(decision!.reasons.map((r) => r.code)).toContain('EXPIRED');
    expect(decision!.prompt.zh.length).toBeGreaterThan(0);
    sub.stop();

    const stats = site.gateway.stats().scanning!;
    expect(stats.scans.recorded).toBeGreaterThanOrEqual(1);
    expect(stats.permissions).toBe('seed');
    // North is away: the scan's event waits in the outbox, flagged offline.
    expect(site.gateway.stats().outbox.rows).toBeGreaterThanOrEqual(1);
  });

  it('refuses a wrong password with CONNACK 4 and counts it', async () => {
    const before = site.gateway.stats().scanning!.broker!.authFailures;
    const refused = await mosquitto('mosquitto_pub', [...login('pda-01', 'not-the-password'), '-t', 'devices/pda-01/scan', '-m', scan('t2', demo.paracetamol)]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/bad user name or password/i);
    const unknown = await mosquitto('mosquitto_pub', [...login('pda-99', 'pda-99-demo'), '-t', 'devices/pda-99/scan', '-m', scan('t2', demo.paracetamol)]);
    expect(unknown.code).not.toBe(0);
    expect(site.gateway.stats().scanning!.broker!.authFailures).toBe(before + 2);
  });

  it('refuses pda-01\'s subscription to pda-02\'s decisions: SUBACK failure, and pda-02\'s decision never reaches it', async () => {
    // One session asks for its own decisions and pda-02's: the first is granted, the second refused.
    const snoop = await subscribe('pda-01', ['devices/pda-01/decision', 'devices/pda-02/decision']);
    expect(snoop.lines.find((l) => l.startsWith('Subscribed'))).toMatch(/Subscribed \(mid: \d+\): 1, 128/);
    const pda02 = await subscribe('pda-02', ['devices/pda-02/decision']);

    await mosquitto('mosquitto_pub', [...login('pda-02'), '-t', 'devices/pda-02/scan', '-m', scan('t3-pda02', demo.paracetamol, { location: 'A01' })]);
    const [theirs] = await until('pda-02\'s decision', () => pda02.decisions().length > 0 && pda02.decisions());
    expect(theirs!.scanId).toBe('t3-pda02');
    // pda-01's session is alive (it gets its own decision next) but heard nothing of pda-02's.
    await mosquitto('mosquitto_pub', [...login('pda-01'), '-t', 'devices/pda-01/scan', '-m', scan('t3-pda01', demo.paracetamol, { location: 'A01' })]);
    await until('pda-01\'s own decision', () => snoop.decisions().length > 0);
    expect(snoop.decisions().map((d) => d.scanId)).toEqual(['t3-pda01']);
    expect(site.gateway.stats().scanning!.broker!.subscribeRefusals).toBeGreaterThanOrEqual(1);
    snoop.stop();
    pda02.stop();
  });

  it('closes pda-01\'s connection when it publishes on pda-02\'s scan topic, and decides nothing for it', async () => {
    const pda02 = await subscribe('pda-02', ['devices/pda-02/decision']);
    const before = site.gateway.stats().scanning!;
    const forged = await mosquitto('mosquitto_pub', [...login('pda-01'), '-d', '-t', 'devices/pda-02/scan', '-m', scan('t4-forged', demo.paracetamol)]);
    expect(forged.code).not.toBe(0);
    expect(forged.stderr).toMatch(/connection was lost/i);
    const after = site.gateway.stats().scanning!;
    expect(after.broker!.publishRefusals).toBe(before.broker!.publishRefusals + 1);
    expect(after.broker!.messages).toBe(before.broker!.messages);
    // A legitimate scan of pda-02 after it is answered; the forged one never was.
    await mosquitto('mosquitto_pub', [...login('pda-02'), '-t', 'devices/pda-02/scan', '-m', scan('t4-real', demo.paracetamol, { location: 'A01' })]);
    await until('pda-02\'s decision', () => pda02.decisions().length > 0);
    expect(pda02.decisions().map((d) => d.scanId)).toEqual(['t4-real']);
    pda02.stop();
  });

  it('shows the scans on /health and /metrics', async () => {
    const health = await (await fetch(`http://127.0.0.1:${site.gateway.httpPort}/health`)).json() as { scanning: { broker: { authFailures: number }; scans: { verdicts: Record<string, number> }; masterData: { counts: Record<string, number> } } };
    expect(health.scanning.broker.authFailures).toBeGreaterThanOrEqual(2);
    expect(health.scanning.scans.verdicts.block).toBeGreaterThanOrEqual(1);
    expect(health.scanning.masterData.counts.device).toBe(4);
    const metrics = await (await fetch(`http://127.0.0.1:${site.gateway.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/edgestock_scans_total\{verdict="block"\} [1-9]/);
    expect(metrics).toMatch(/edgestock_scan_decision_seconds_count [1-9]/);
    expect(metrics).toMatch(/edgestock_device_auth_failures_total [2-9]/);
  });
});
