/**
 * bench/scan-latency: scan -> decision latency at the scanner, through a real gateway.
 *
 *   50 PDA clients (a child process, support/scan-load-clients.ts) -> the gateway's device broker
 *   (aedes, per-device login and ACL) -> scan service -> decider (master-data cache, shelf
 *   readings from the Modbus shelf simulator, permissions, rules) -> decision on
 *   devices/{id}/decision (QoS 1), and the scan.decision event into the outbox -> north
 *   (mosquitto, a process of its own).
 * The gateway runs in this process (startGateway), with its data dir in a temp folder and the
 * demo's master data plus 50 bench devices (bench-pda-01..50). The clients run in a child process
 * so that process.cpuUsage() here is the gateway's (less its idle cost, measured before the load).
 *
 * First a fixed run (default 200 scans/s for 20 s) -> p50/p99/max; then the offered rate steps up
 * (200, 400, 800, 1200, 1600, 2400, ...) and the highest rate whose p99 stays under 50 ms with at
 * least 95% of the offered rate decided is the maximum sustained rate. Open loop: scans leave on
 * schedule whether or not earlier ones were answered. Progress on stderr, JSON on stdout.
 *
 *   npm run bench -- scan-latency [--devices 50] [--rate 200] [--seconds 20] [--step-seconds 10]
 *       [--steps 200,400,800,1200,1600,2400,3200,4800,6400] [--p99-limit-ms 50] [--keep-dir]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { parse as parseYaml, stringify } from 'yaml';
import { freePort } from '../bin/support/free-port.ts';
import { startMosquitto, type MosquittoProcess } from '../cloud/broker/mosquitto-process.ts';
import { parseConfig } from '../config/load-config.ts';
import { siteConfigSchema } from '../config/site-schema.ts';
import { startGateway, type RunningGateway } from '../gateway/gateway-daemon.ts';
import { startShelfSimulator, type ShelfSimulator } from '../simulators/modbus/index.ts';
import type { LoadResult } from './support/scan-load-clients.ts';

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    devices: { type: 'string', default: '50' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '20' },
    'warmup-seconds': { type: 'string', default: '3' },
    'step-seconds': { type: 'string', default: '10' },
    steps: { type: 'string', default: '200,400,800,1200,1600,2400,3200,4800,6400' },
    'p99-limit-ms': { type: 'string', default: '50' },
    'keep-dir': { type: 'boolean', default: false },
  },
});
const deviceCount = Number(args.devices);
const baseRate = Number(args.rate);
const seconds = Number(args.seconds);
const warmupSeconds = Number(args['warmup-seconds']);
const stepSeconds = Number(args['step-seconds']);
const steps = args.steps.split(',').map(Number);
const p99LimitMs = Number(args['p99-limit-ms']);
for (const [name, value] of Object.entries({ devices: deviceCount, rate: baseRate, seconds, 'step-seconds': stepSeconds, 'p99-limit-ms': p99LimitMs })) {
  if (!(value > 0)) throw new Error(`--${name}: expected a number above 0, found ${String(value)}`);
}
if (steps.some((s) => !(s > 0))) throw new Error(`--steps: expected rates above 0, comma-separated, found "${args.steps}"`);
/** A step passes when at least this share of the offered scans per second was decided. */
const MIN_ACHIEVED_SHARE = 0.95;

const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
const root = new URL('../', import.meta.url);
const demoMasterData = fileURLToPath(new URL('config/examples/demo-plant.master-data.yaml', root));

// The gateway's scanning parts come from another change; say so plainly rather than fail deep inside.
const wiringMissing = [
  [!existsSync(fileURLToPath(new URL('gateway/devices/device-broker.ts', root))), 'gateway/devices/device-broker.ts'],
  [!readFileSync(fileURLToPath(new URL('config/site-schema.ts', root)), 'utf8').includes('scanning'), 'a scanning section in config/site-schema.ts'],
  [!readFileSync(fileURLToPath(new URL('gateway/gateway-daemon.ts', root)), 'utf8').includes('deviceBroker'), 'the device broker in startGateway'],
].filter(([missing]) => missing).map(([, what]) => what);
if (wiringMissing.length > 0) {
  process.stderr.write(`scan-latency: the gateway has no device broker to measure yet (missing: ${wiringMissing.join(', ')})\n`);
  process.exit(2);
}

const shelves = Array.from({ length: 8 }, (_, i) => `B${10 + i}`);
const operators = ['op-anna', 'op-li', 'op-chen', 'op-wang'];
const benchDevices = Array.from({ length: deviceCount }, (_, i) => {
  const n = String(i + 1).padStart(2, '0');
  return { id: `bench-pda-${n}`, password: `bench-pda-${n}-secret`, operator: operators[i % operators.length]! };
});

const dir = mkdtempSync(join(tmpdir(), 'edgestock-bench-scan-'));
let mosquitto: MosquittoProcess | undefined;
let shelfSim: ShelfSimulator | undefined;
let gateway: RunningGateway | undefined;
let load: ChildProcess | undefined;

/** Sends a command to the load process and waits for its answer. */
function ask<T>(command: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string; message?: string }) => {
      load!.off('exit', onExit);
      if (message.type === 'error') reject(new Error(`load clients: ${message.message}`));
      else resolve(message as T);
    };
    const onExit = (code: number | null) => reject(new Error(`the load clients exited (code ${code})`));
    load!.once('message', onMessage);
    load!.once('exit', onExit);
    load!.send(command);
  });
}

/** One run at a rate, with the gateway process's CPU time around it. */
async function measure(ratePerSecond: number, runSeconds: number, idleCpuUsPerS: number) {
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const result = await ask<LoadResult>({ type: 'run', ratePerSecond, seconds: runSeconds });
  const elapsedS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuUs = cpu.user + cpu.system;
  const perScan = (us: number) => (result.decided > 0 ? Math.round((us / result.decided) * 10) / 10 : null);
  const { type: _type, ...figures } = result;
  const passed = result.latencyMs.p99 !== null && result.latencyMs.p99 < p99LimitMs && result.achievedPerSecond >= MIN_ACHIEVED_SHARE * ratePerSecond;
  progress(`${ratePerSecond}/s for ${runSeconds} s: decided ${result.achievedPerSecond}/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms, `
    + `unanswered ${result.unanswered}, gateway CPU ${perScan(cpuUs)} us/scan${passed ? '' : '  (over the limit)'}`);
  return {
    ...figures,
    passed,
    gatewayCpuUsPerScan: perScan(cpuUs),
    /** Less what the idle gateway (polling shelves, its heartbeat) spends in the same time. */
    gatewayCpuUsPerScanBeyondIdle: perScan(Math.max(0, cpuUs - idleCpuUsPerS * elapsedS)),
    gatewayCpuShareOfOneCore: Math.round((cpuUs / (elapsedS * 1e6)) * 1000) / 1000,
  };
}

try {
  // Master data: the demo's, plus the bench devices (the seed loader hashes their passwords).
  const masterData = parseYaml(readFileSync(demoMasterData, 'utf8')) as { devices?: unknown[] };
  masterData.devices = [...(masterData.devices ?? []), ...benchDevices.map((d) => ({ id: d.id, kind: 'pda', password: d.password, note: 'scan-latency bench' }))];
  const masterDataFile = join(dir, 'bench.master-data.yaml');
  writeFileSync(masterDataFile, stringify(masterData));

  const [northPort, modbusPort, devicePort] = [await freePort(), await freePort(), await freePort()];
  const gatewayLogin = { username: 'gw-bench', password: 'bench-gateway-password' };
  // The north broker is mosquitto in its own process, quiet, Nagle off: not part of what is measured.
  mosquitto = await startMosquitto({ users: { [gatewayLogin.username]: gatewayLogin.password }, port: northPort, logTypes: ['error'], extraConfig: ['set_tcp_nodelay true'] });
  shelfSim = await startShelfSimulator({ port: modbusPort, stepMs: 1000 });
  const config = parseConfig(siteConfigSchema, {
    site: { id: 'bench' },
    gateway: { group: 'bench', edge: 'gw-bench', dataDir: join(dir, 'gateway'), http: { host: '127.0.0.1', port: 0 } },
    north: { url: `mqtt://127.0.0.1:${northPort}`, ...gatewayLogin },
    connectors: [{
      name: 'shelf-sensors', protocol: 'modbus', connection: { transport: 'tcp', host: '127.0.0.1', port: modbusPort },
      unitId: 1, timeoutMs: 1000, pollIntervalMs: 1000,
      tags: shelves.flatMap((shelf, i) => [
        { name: `${shelf}/temperature`, address: `ir:${2 * i}:int16`, scale: 0.1, unit: '°C', deadband: 0.05 },
        { name: `${shelf}/humidity`, address: `ir:${2 * i + 1}:uint16`, scale: 0.1, unit: '%RH', deadband: 0.2 },
      ]),
    }],
    scanning: { broker: { host: '127.0.0.1', port: devicePort }, masterData: masterDataFile },
  }, 'bench site config');
  progress(`starting the gateway (device broker on ${devicePort}, ${deviceCount} bench devices, master data hashed at load)`);
  gateway = await startGateway({ config, logger: pino({ level: 'error' }, pino.destination(2)) });

  load = fork(fileURLToPath(new URL('support/scan-load-clients.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await ask({ type: 'start', url: `mqtt://127.0.0.1:${devicePort}`, devices: benchDevices, catalogFile: masterDataFile, seed: 1 });
  progress(`${deviceCount} devices logged in; waiting for the first shelf readings`);
  await new Promise((r) => setTimeout(r, 2500));

  progress(`warm-up: ${baseRate}/s for ${warmupSeconds} s`);
  await ask<LoadResult>({ type: 'run', ratePerSecond: baseRate, seconds: warmupSeconds });
  const idleSeconds = 3;
  const idleBefore = process.cpuUsage();
  await new Promise((r) => setTimeout(r, idleSeconds * 1000));
  const idle = process.cpuUsage(idleBefore);
  const idleCpuUsPerS = (idle.user + idle.system) / idleSeconds;
  progress(`idle gateway: ${Math.round(idleCpuUsPerS / 1000)} ms CPU per s`);

  progress(`timed run: ${baseRate}/s from ${deviceCount} devices for ${seconds} s`);
  const main = await measure(baseRate, seconds, idleCpuUsPerS);

  const stepResults: Array<Awaited<ReturnType<typeof measure>>> = [];
  for (const rate of steps) {
    const result = await measure(rate, stepSeconds, idleCpuUsPerS);
    stepResults.push(result);
    if (!result.passed) break;
    await new Promise((r) => setTimeout(r, 1000)); // let the outbox and north catch up between steps
  }
  const sustained = stepResults.filter((s) => s.passed).at(-1);
  const scanning = gateway.stats().scanning;
  console.log(JSON.stringify({
    bench: 'scan-latency',
    node: process.version,
    cpus: cpus().length,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    path: 'PDA client publish (QoS 1) -> device broker (aedes, login + ACL) -> scan service -> decider (master data, shelf readings, permissions, rules) -> decision (QoS 1) -> client; scan.decision event -> outbox -> north',
    measuredAt: 'the client: performance.now() before publish to the decision message; one machine, loopback',
    gatewayProcess: 'this process (startGateway); clients in a child process; north broker mosquitto in its own process',
    devices: deviceCount,
    masterData: 'config/examples/demo-plant.master-data.yaml + bench devices',
    run: { seconds, ...main },
    steps: { seconds: stepSeconds, p99LimitMs, minAchievedShare: MIN_ACHIEVED_SHARE, results: stepResults },
    maxSustainedScansPerSecond: sustained?.offeredPerSecond ?? null,
    maxSustainedNote: sustained === stepResults.at(-1) ? 'every step passed: the limit is above the last step' : undefined,
    gatewayIdleCpuMsPerS: Math.round(idleCpuUsPerS / 100) / 10,
    gatewayScanning: scanning,
  }, null, 2));
} finally {
  if (load && load.connected) {
    load.send({ type: 'stop' });
    await new Promise((r) => load!.once('exit', r));
  }
  await gateway?.close();
  await shelfSim?.close();
  await mosquitto?.stop();
  if (!args['keep-dir']) rmSync(dir, { recursive: true, force: true });
}
