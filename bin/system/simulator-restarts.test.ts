/**
 * Issue 3's acceptance test: restarting each simulator 10 times during a run, the gateway never
 * exits, values go bad then good, and no data after recovery is lost.
 *
 * Real processes, as in production: the cloud (embedded broker, SQLite store, API), a gateway,
 * and one process per simulator (Modbus shelves, the S7 press PLC, the OPC UA weld cell when the
 * gateway has an opcua connector). Each simulator is killed and started again on the same port
 * 10 times, alternately with SIGKILL and SIGTERM, all three concurrently.
 *
 * "No data after recovery is lost", precisely: each simulator has a counter that moves +1 per
 * step (1 s), far slower than the gateway reads it (50 ms polls, 100 ms OPC UA publishes), so
 * while the link is good the gateway sees every value. (The step is that long because on a
 * loaded 2-core machine, with simulators starting beside it, reads were seen 500-600 ms apart;
 * a 250 ms step then lost values to CPU starvation, not to recovery.) The cloud's stored
 * history of that counter must be 11 good runs of consecutive values in time order (no hole,
 * no step back; a birth certificate may repeat the current value), split by 10 bad runs that
 * begin after their kill, and each good run must reach the
 * value the test read from the device itself just before the kill, less at most the one step
 * that can fall within the last read interval before it (counter-runs.ts). The simulators restart
 * their counters at each start, so continuity is checked within each good run. At the end the
 * gateway's outbox is empty and dropped nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { knownProtocols } from '../../gateway/connector-factory.ts';
import { startChildPart, type ChildPart } from '../support/child-part.ts';
import { cloudClient } from '../support/cloud-client.ts';
import { counterProbe, type CounterProbe, type CounterTarget } from '../support/counter-probe.ts';
import { checkCounterRuns, type CounterRunsReport, type Outage, type StoredPoint } from '../support/counter-runs.ts';
import { freePort } from '../support/free-port.ts';
import { getJson, waitFor } from '../support/wait-for.ts';

const restartsPerSimulator = 10;
const stepMs = 1000;
const pollIntervalMs = 50;
/** New counter values the cloud must have seen after a recovery before the next kill. */
const goodStepsBeforeKill = 4;
/**
 * Values that may be missing at the end of a good run: a step that falls within the last read
 * interval before a kill is never readable. One, because the step is many read intervals long.
 */
const missableSteps = 1;
/** Fast reconnects: a restarted simulator is back within a second, not the default 30 s cap. */
const reconnect = { initialDelayMs: 50, maxDelayMs: 500, jitter: 0.2 };
const edge = 'gw-restarts';

const dir = mkdtempSync(join(tmpdir(), 'edgestock-restarts-'));
const output: string[] = [];
const running = new Set<ChildPart>();
const probes: CounterProbe[] = [];
/** On failure the stores and the full process output stay in `dir` to be looked at. */
let keepDir = false;
let lagSampler: NodeJS.Timeout | undefined;

afterAll(async () => {
  clearInterval(lagSampler);
  await Promise.all(probes.map((p) => p.dispose()));
  await Promise.all([...running].map((part) => part.stop()));
  if (keepDir) writeFileSync(join(dir, 'output.log'), `${output.join('\n')}\n`);
  else rmSync(dir, { recursive: true, force: true });
});

interface Latest { device: string; tag: string; value: unknown; quality: string; error: string | null; ts: number }
interface GatewayHealth { status: string; links: Record<string, string>; north: { linkState: string }; outbox: { rows: number; dropped: number; appended: number; acked: number } }

/** One simulator kind: how to run it, how the gateway reads it, and which tag counts. */
interface SimulatorKind {
  /** The gateway connector's name: the Sparkplug device id. */
  device: string;
  /** A tag the simulator moves +1 per step. */
  counterTag: string;
  simulateArgs(port: number): string[];
  connector(port: number): Record<string, unknown>;
  counter(port: number): CounterTarget;
}

const simulatorKinds: Record<'modbus' | 's7' | 'opcua', SimulatorKind> = {
  modbus: {
    device: 'shelves',
    counterTag: 'samples',
    simulateArgs: (port) => ['simulate', 'modbus', '--port', String(port), '--step-ms', String(stepMs)],
    connector: (port) => ({
      name: 'shelves', protocol: 'modbus', connection: { transport: 'tcp', host: '127.0.0.1', port }, timeoutMs: 1000, pollIntervalMs, reconnect,
      tags: [
        { name: 'samples', address: 'hr:10:uint32' },
        { name: 'B10/temperature', address: 'ir:0:int16', scale: 0.1, unit: '°C' },
        { name: 'B10/door-open', address: 'co:0' },
      ],
    }),
    counter: (port) => ({ protocol: 'modbus', host: '127.0.0.1', port, unitId: 1, holdingRegister: 10 }),
  },
  s7: {
    device: 'press-plc',
    counterTag: 'IMM-01/shot-counter',
    simulateArgs: (port) => ['simulate', 's7', '--port', String(port), '--step-ms', String(stepMs)],
    connector: (port) => ({
      name: 'press-plc', protocol: 's7', connection: { host: '127.0.0.1', port, rack: 0, slot: 1 }, timeoutMs: 1000, pollIntervalMs, reconnect,
      tags: [
        { name: 'IMM-01/shot-counter', address: 'DB1,DINT0' },
        { name: 'IMM-01/mold-id', address: 'DB1,S4.16' },
        { name: 'F1/remnant-weight', address: 'DB2,REAL0', unit: 'kg' },
      ],
    }),
    counter: (port) => ({ protocol: 's7', host: '127.0.0.1', port, rack: 0, slot: 1, address: 'DB1,DINT0' }),
  },
  opcua: {
    device: 'weld-cell',
    counterTag: 'G1/weld-count',
    simulateArgs: (port) => ['simulate', 'opcua', '--port', String(port), '--step-ms', String(stepMs), '--pki-dir', join(dir, 'opcua-sim-pki')],
    connector: (port) => ({
      name: 'weld-cell', protocol: 'opcua', endpoint: `opc.tcp://127.0.0.1:${port}/edgestock/weld-cell`, securityMode: 'None',
      // Sampling 0: the server reports every change (OPC 10000-4 5.12.1.2), published every 100 ms.
      publishingIntervalMs: 100, samplingIntervalMs: 0, timeoutMs: 2000, reconnect,
      tags: [
        { name: 'G1/weld-count', nodeId: 'ns=1;s=WeldCell.G1.WeldCount', dataType: 'UInt32' },
        { name: 'G1/cap-id', nodeId: 'ns=1;s=WeldCell.G1.ElectrodeCapId', dataType: 'String' },
        { name: 'G1/sheet-thickness', nodeId: 'ns=1;s=WeldCell.G1.SheetThicknessMm', dataType: 'Double', unit: 'mm' },
      ],
    }),
    counter: (port) => ({ protocol: 'opcua', endpoint: `opc.tcp://127.0.0.1:${port}/edgestock/weld-cell`, nodeId: 'ns=1;s=WeldCell.G1.WeldCount', pkiDir: join(dir, 'probe-pki') }),
  },
};

/** What one restart looked like from outside. */
interface Restart {
  signal: 'SIGKILL' | 'SIGTERM';
  outage: Outage;
  /** When the cloud's latest value of the counter turned bad. */
  badSeenAt: number;
  /** The gateway's link state for the device while it was away. */
  linkWhileAway: string;
  spawnedAt: number;
  /** When the new process logged that it listens. */
  listeningAt: number;
  /** When the cloud's latest value of the counter was good again. */
  goodSeenAt: number;
  linkWhenGood: string;
}

function start(name: string, args: string[], onLine?: (line: string) => void): ChildPart {
  const part = startChildPart(name, args, { ...process.env, EDGESTOCK_LOG_LEVEL: 'info' }, (line) => {
    output.push(line);
    onLine?.(line);
  });
  running.add(part);
  void part.exited.then(() => running.delete(part));
  return part;
}

/** Starts a simulator process and waits until it logs that it listens. */
async function startSimulator(name: string, args: string[]): Promise<{ part: ChildPart; spawnedAt: number; listeningAt: number }> {
  const spawnedAt = Date.now();
  let listening!: (at: number) => void;
  const listeningAt = new Promise<number>((resolve) => { listening = resolve; });
  const part = start(name, args, (line) => { if (line.includes('simulator listening')) listening(Date.now()); });
  const at = await Promise.race([
    listeningAt,
    part.exited.then((code) => { throw new Error(`${name} exited with code ${code} before it listened`); }),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${name} did not listen within 30 s`)), 30_000).unref()),
  ]);
  return { part, spawnedAt, listeningAt: at };
}

/** One line per simulator: restarts, how fast the gateway saw them, how much was checked. */
function summaryLine(kind: SimulatorKind, restarts: readonly Restart[], report: CounterRunsReport, skippedTicks: number): string {
  // Times from the history: the first bad and first good reading are the gateway's own read times.
  const toBadMs = restarts.map((r, k) => report.badRuns[k]!.fromTs - r.outage.killedAt);
  const fromListeningMs = restarts.map((r, k) => report.goodRuns[k + 1]!.fromTs - r.listeningAt);
  const fromSpawnMs = restarts.map((r, k) => report.goodRuns[k + 1]!.fromTs - r.spawnedAt);
  const signals = (signal: Restart['signal']) => restarts.filter((r) => r.signal === signal).length;
  return `${kind.device.padEnd(10)} ${restarts.length} restarts (${signals('SIGKILL')} SIGKILL, ${signals('SIGTERM')} SIGTERM); `
    + `kill -> bad median ${median(toBadMs)} ms; listening -> good median ${median(fromListeningMs)} ms (max ${Math.max(...fromListeningMs)}); `
    + `spawn -> good median ${median(fromSpawnMs)} ms; ${report.goodRuns.reduce((n, run) => n + run.values, 0)} counter values in ${report.goodRuns.length} good runs; `
    + `gateway skipped ${skippedTicks} poll ticks`;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
};

describe('simulator restarts with real processes', () => {
  it('keeps the gateway running through 10 restarts of each simulator: bad then good every time, and every counter value after recovery in the cloud', async () => {
    const kinds = Object.entries(simulatorKinds).filter(([protocol]) => knownProtocols().includes(protocol)).map(([, kind]) => kind);
    const ports = { http: await freePort(), mqtt: await freePort(), gateway: await freePort() };
    const devicePorts = new Map<SimulatorKind, number>();
    for (const kind of kinds) devicePorts.set(kind, await freePort());
    const api = `http://127.0.0.1:${ports.http}`;
    const password = 'restart-test-password';
    writeFileSync(join(dir, 'cloud.yaml'), stringify({
      dataDir: join(dir, 'cloud'),
      http: { host: '127.0.0.1', port: ports.http },
      broker: { mode: 'embedded', host: '127.0.0.1', port: ports.mqtt, users: [{ username: edge, password, group: 'restart-test', edge }] },
      auth: { demoUsers: true, secureCookies: false },
    }));
    writeFileSync(join(dir, 'site.yaml'), stringify({
      site: { id: 'restarts' },
      gateway: { group: 'restart-test', edge, dataDir: join(dir, 'gateway'), http: { host: '127.0.0.1', port: ports.gateway } },
      north: { url: `mqtt://127.0.0.1:${ports.mqtt}`, username: edge, password, reconnect: { initialDelayMs: 100, maxDelayMs: 1000 } },
      connectors: kinds.map((kind) => kind.connector(devicePorts.get(kind)!)),
    }));
    const cloud = cloudClient(api, 'auditor');
    const latest = async (kind: SimulatorKind) =>
      (await cloud.getJson<Latest[]>(`/api/telemetry/latest?edge=${edge}&device=${kind.device}&tag=${encodeURIComponent(kind.counterTag)}`))[0];
    const gatewayHealth = () => getJson<GatewayHealth>(`http://127.0.0.1:${ports.gateway}/health`);
    const simulators = new Map<SimulatorKind, ChildPart>();

    try {
      const testStartedAt = Date.now();
      start('cloud', ['cloud', '--config', join(dir, 'cloud.yaml')]);
      await waitFor('cloud health', () => getJson(`${api}/api/health`), { timeoutMs: 30_000 });
      await Promise.all(kinds.map(async (kind) => {
        simulators.set(kind, (await startSimulator(`${kind.device}-sim`, kind.simulateArgs(devicePorts.get(kind)!))).part);
      }));
      const gateway = start('gateway', ['gateway', '--config', join(dir, 'site.yaml')]);
      // Every wait below ends at once if the gateway exits.
      const gatewayExited = gateway.exited.then((code) => { throw new Error(`the gateway exited with code ${code}`); });
      gatewayExited.catch(() => undefined);
      const whileGatewayRuns = <T>(work: Promise<T>) => Promise.race([work, gatewayExited]);

      // The gateway's event-loop delay over time (prom-client resets the maximum at each scrape):
      // tells a stalled gateway from a connector that missed values.
      const loopLag: Array<{ at: number; lagMs: number }> = [];
      lagSampler = setInterval(() => {
        fetch(`http://127.0.0.1:${ports.gateway}/metrics`).then((r) => r.text()).then((text) => {
          const max = /^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text)?.[1];
          if (max !== undefined) loopLag.push({ at: Date.now(), lagMs: Math.round(Number(max) * 1000) });
        }, () => undefined);
      }, 500);

      const goodCounter = (kind: SimulatorKind, after: number, what: string) => whileGatewayRuns(waitFor(what, async () => {
        const value = await latest(kind);
        return value?.quality === 'good' && value.ts > after && typeof value.value === 'number' ? value as Latest & { value: number } : undefined;
      }, { timeoutMs: 20_000, intervalMs: 50 }));

      const restartsOf = async (kind: SimulatorKind): Promise<Restart[]> => {
        const port = devicePorts.get(kind)!;
        const probe = counterProbe(kind.counter(port));
        probes.push(probe);
        const restarts: Restart[] = [];
        let good = await goodCounter(kind, 0, `${kind.device}: first good ${kind.counterTag}`);
        for (let k = 0; k < restartsPerSimulator; k++) {
          const from = good.value;
          await whileGatewayRuns(waitFor(`${kind.device}: ${goodStepsBeforeKill} more values of ${kind.counterTag} after ${from}`, async () => {
            const value = await latest(kind);
            return value?.quality === 'good' && (value.value as number) >= from + goodStepsBeforeKill ? true : undefined;
          }, { timeoutMs: 20_000, intervalMs: 50 }));

          const signal = k % 2 === 0 ? 'SIGKILL' : 'SIGTERM';
          const simulator = simulators.get(kind)!;
          const valueAtKill = await probe.read();
          simulator.process.kill(signal);
          const killedAt = Date.now();
          await simulator.exited;
          await probe.disconnect();

          const bad = await whileGatewayRuns(waitFor(`${kind.device}: ${kind.counterTag} bad after ${signal} #${k}`, async () => {
            const value = await latest(kind);
            return value?.quality === 'bad' && value.ts >= killedAt ? value : undefined;
          }, { timeoutMs: 20_000, intervalMs: 50 })); // as the other waits: CI runs two 5-minute system tests beside this one
          const badSeenAt = Date.now();
          const linkWhileAway = (await gatewayHealth()).links[kind.device]!;

          const restarted = await startSimulator(`${kind.device}-sim`, kind.simulateArgs(port));
          simulators.set(kind, restarted.part);
          good = await goodCounter(kind, bad.ts, `${kind.device}: ${kind.counterTag} good again after restart #${k}`);
          restarts.push({
            signal, outage: { killedAt, valueAtKill }, badSeenAt, linkWhileAway, spawnedAt: restarted.spawnedAt,
            listeningAt: restarted.listeningAt, goodSeenAt: Date.now(), linkWhenGood: (await gatewayHealth()).links[kind.device]!,
          });
        }
        return restarts;
      };
      const settled = await Promise.allSettled(kinds.map(restartsOf));
      const failures = settled.flatMap((s, i) => (s.status === 'rejected' ? [`${kinds[i]!.device}: ${(s.reason as Error).message}`] : []));
      if (failures.length > 0) throw new Error(failures.join('\n'));
      const restartsByKind = new Map(kinds.map((kind, i) => [kind, (settled[i] as PromiseFulfilledResult<Restart[]>).value]));

      // The end of the last good run: what each device holds now must reach the cloud, and the outbox empty.
      const finalValues = new Map<SimulatorKind, number>();
      for (const kind of kinds) {
        const probe = counterProbe(kind.counter(devicePorts.get(kind)!));
        probes.push(probe);
        const value = await probe.read();
        await probe.dispose();
        finalValues.set(kind, value);
        await whileGatewayRuns(waitFor(`${kind.device}: ${kind.counterTag} ${value} in the cloud`, async () => ((await latest(kind))?.value as number) >= value || undefined, { timeoutMs: 10_000, intervalMs: 50 }));
      }
      const health = await whileGatewayRuns(waitFor('the gateway outbox drained', async () => {
        const h = await gatewayHealth();
        return h.outbox.rows === 0 ? h : undefined;
      }, { timeoutMs: 15_000, intervalMs: 100 }));

      clearInterval(lagSampler);
      const metrics = await (await fetch(`http://127.0.0.1:${ports.gateway}/metrics`)).text();
      const metric = (pattern: RegExp) => Number(pattern.exec(metrics)?.[1] ?? NaN);
      const worstLags = [...loopLag].sort((a, b) => b.lagMs - a.lagMs).slice(0, 5);

      // The gateway never exited, and nothing escaped its scheduler or its promises.
      expect(gateway.process.exitCode).toBeNull();
      expect(gateway.process.signalCode).toBeNull();
      expect(output.filter((line) => /read failed unexpectedly|unhandled promise rejection/.test(line))).toEqual([]);
      expect(health).toMatchObject({ status: 'ok', north: { linkState: 'up' }, outbox: { rows: 0, dropped: 0 } });
      expect(health.outbox.acked).toBe(health.outbox.appended);

      const summary: string[] = [];
      const problems: string[] = [];
      for (const kind of kinds) {
        const restarts = restartsByKind.get(kind)!;
        const history = await cloud.getJson<{ points: StoredPoint[] }>(
          `/api/telemetry/history?edge=${edge}&device=${kind.device}&tag=${encodeURIComponent(kind.counterTag)}&from=${testStartedAt}&limit=100000`);
        const report: CounterRunsReport = checkCounterRuns(history.points, {
          outages: restarts.map((r) => r.outage), finalValue: finalValues.get(kind)!, missableSteps,
        });
        problems.push(...report.problems.map((p) => `${kind.device} ${kind.counterTag}: ${p}`));
        for (const [k, r] of restarts.entries()) {
          // Observed live, in this order: bad in the cloud with the link not up, then good with the link up.
          if (!(r.outage.killedAt <= r.badSeenAt && r.badSeenAt <= r.listeningAt && r.listeningAt <= r.goodSeenAt)) problems.push(`${kind.device} restart ${k}: not bad then good: ${JSON.stringify(r)}`);
          if (r.linkWhileAway === 'up') problems.push(`${kind.device} restart ${k}: the gateway's link was "up" while the simulator was away`);
          if (r.linkWhenGood !== 'up') problems.push(`${kind.device} restart ${k}: the gateway's link was "${r.linkWhenGood}" with good values`);
        }
        if (report.goodRuns.length === restarts.length + 1) {
          const skippedTicks = metric(new RegExp(`^edgestock_skipped_ticks_total\\{device="${kind.device}"[^}]*\\} (\\S+)$`, 'm'));
          summary.push(summaryLine(kind, restarts, report, skippedTicks));
        }
      }
      summary.push(`gateway event loop: longest delays ${worstLags.map((l) => `${l.lagMs} ms (${new Date(l.at).toISOString().slice(11, 23)})`).join(', ')}`);
      console.log(`simulator restarts (${Math.round((Date.now() - testStartedAt) / 1000)} s):\n${summary.join('\n')}`);
      expect(problems).toEqual([]);
    } catch (err) {
      keepDir = true;
      throw new Error(`${(err as Error).message}\n--- process output (all of it, and the stores, in ${dir}) ---\n${output.slice(-80).join('\n')}`, { cause: err });
    }
  }, 240_000);
});
