/**
 * bench/end-to-end-latency: from a device read in the gateway to the sample committed in the
 * cloud store, on the embedded aedes broker and on mosquitto:
 *   register bank (Modbus) -> gateway: poll, change filter, outbox (SQLite, FULL) -> Sparkplug
 *   DDATA (QoS 1) -> broker -> cloud ingest -> TelemetryStore (SQLite)
 * The store is wrapped (support/latency-recording-store.ts) to record `Date.now() - point.ts`
 * after each commit; `ts` is the gateway's read time. Gateway and cloud share this machine's
 * clock, so there is no clock skew; both ends are Date.now(), 1 ms resolution.
 *
 * Processes: the gateway is a child process (bin/edgestock.js gateway), as it runs on its own
 * machine in production and so that its event loop does not share turns with the broker and the
 * ingest. The cloud side runs here the way cloud/cloud-service.ts composes it: the ingest and
 * the store, plus for 'embedded' the aedes broker in the same process (startCloudBroker); for
 * 'mosquitto' a mosquitto child process (cloud/broker/mosquitto-process.ts) reached as an
 * external broker; 'mosquitto-nodelay' the same with set_tcp_nodelay true (mosquitto leaves
 * Nagle's algorithm on by default, and TOOLCHAIN.md measured what that costs at QoS 0). The Modbus register bank also runs here; it changes every register several
 * times per poll, so every poll reports every tag.
 *
 * Points read during the warm-up (births, the replay of what was read before the first session)
 * are not timed; the ingest's historical count over the window must stay 0. Prints JSON.
 *
 *   npm run bench -- end-to-end-latency [--seconds 20] [--warmup-seconds 3] [--tags 10] [--poll-ms 50]
 *       [--brokers embedded,mosquitto,mosquitto-nodelay] [--json] [--keep-dir]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { startChildPart, type ChildPart } from '../bin/support/child-part.ts';
import { freePort } from '../bin/support/free-port.ts';
import { getJson, waitFor } from '../bin/support/wait-for.ts';
import { startCloudBroker, type CloudBroker } from '../cloud/broker/cloud-broker.ts';
import { startMosquitto, type MosquittoProcess } from '../cloud/broker/mosquitto-process.ts';
import { startSparkplugIngest, type SparkplugIngest } from '../cloud/ingest/sparkplug-ingest.ts';
import { openTelemetryStore, type TelemetryStore } from '../cloud/store/telemetry-store.ts';
import { cloudConfigSchema, INGEST_USERNAME } from '../config/cloud-schema.ts';
import { parseConfig } from '../config/load-config.ts';
import { startRegisterBank, type RegisterBank } from '../simulators/modbus/register-bank.ts';
import { LatencyRecordingStore } from './support/latency-recording-store.ts';

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    seconds: { type: 'string', default: '20' },
    'warmup-seconds': { type: 'string', default: '3' },
    tags: { type: 'string', default: '10' },
    'poll-ms': { type: 'string', default: '50' },
    brokers: { type: 'string', default: 'embedded,mosquitto,mosquitto-nodelay' },
    json: { type: 'boolean', default: false },
    'keep-dir': { type: 'boolean', default: false },
  },
});
const seconds = Number(args.seconds);
const warmupSeconds = Number(args['warmup-seconds']);
const tags = Number(args.tags);
const pollMs = Number(args['poll-ms']);
const knownBrokers = ['embedded', 'mosquitto', 'mosquitto-nodelay'] as const;
type BrokerKind = typeof knownBrokers[number];
const brokerKinds = args.brokers.split(',').map((b) => b.trim()) as BrokerKind[];
for (const kind of brokerKinds) {
  if (!knownBrokers.includes(kind)) throw new Error(`--brokers: unknown broker "${kind}"; expected some of ${knownBrokers.join(', ')}, comma-separated`);
}
const brokerDescriptions: Readonly<Record<BrokerKind, string>> = {
  embedded: 'embedded aedes (startCloudBroker), in one process with the ingest and the store, as in the cloud service',
  mosquitto: 'mosquitto 2 as cloud/broker/mosquitto-process.ts starts it (its default: Nagle on, set_tcp_nodelay false), external to the ingest',
  'mosquitto-nodelay': 'the same mosquitto with set_tcp_nodelay true',
};
const progress = (line: string) => { if (!args.json) process.stderr.write(`bench: ${line}\n`); };
const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How long after the window points read within it may still arrive and be timed. */
const LATE_ARRIVAL_GRACE_MS = 2000;
const identity = { group: 'bench', edge: 'gw-bench', device: 'bank' };
const gatewayLogin = { username: 'gw-bench', password: 'bench-gateway-password' };

function summary(latenciesMs: readonly number[]) {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? null;
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  return { count: sorted.length, minMs: sorted[0] ?? null, p50Ms: at(50), p90Ms: at(90), p99Ms: at(99), maxMs: sorted.at(-1) ?? null, meanMs: Math.round(mean * 10) / 10 };
}

/** The cloud's MQTT side for one run: the embedded broker here, or mosquitto as an external one. */
async function startBroker(kind: BrokerKind, storeFile: string): Promise<{ broker: CloudBroker; gatewayUrl: string; mosquitto?: MosquittoProcess }> {
  const port = await freePort();
  if (kind === 'embedded') {
    const { broker: config } = parseConfig(cloudConfigSchema, {
      broker: { mode: 'embedded', host: '127.0.0.1', port, users: [{ ...gatewayLogin, group: identity.group, edge: identity.edge }] },
    }, 'bench cloud config');
    const broker = await startCloudBroker({ config, storeFile, logger });
    return { broker, gatewayUrl: broker.mqttUrl };
  }
  const ingestPassword = 'bench-ingest-password';
  const mosquitto = await startMosquitto({
    users: { [gatewayLogin.username]: gatewayLogin.password, [INGEST_USERNAME]: ingestPassword }, port,
    extraConfig: kind === 'mosquitto-nodelay' ? ['set_tcp_nodelay true'] : [],
  });
  const url = `mqtt://127.0.0.1:${port}`;
  const { broker: config } = parseConfig(cloudConfigSchema, {
    broker: { mode: 'external', url, username: INGEST_USERNAME, password: ingestPassword },
  }, 'bench cloud config');
  return { broker: await startCloudBroker({ config, storeFile, logger }), gatewayUrl: url, mosquitto };
}

async function measure(kind: BrokerKind) {
  const dir = mkdtempSync(join(tmpdir(), `edgestock-bench-e2e-${kind}-`));
  const storeFile = join(dir, 'cloud', 'cloud.sqlite');
  const logs: string[] = [];
  let store: TelemetryStore | undefined;
  let cloud: Awaited<ReturnType<typeof startBroker>> | undefined;
  let ingest: SparkplugIngest | undefined;
  let bank: RegisterBank | undefined;
  let gateway: ChildPart | undefined;
  try {
    store = openTelemetryStore(storeFile);
    // Timed: the device's points read within [windowStartTs, windowEndTs), whenever they arrive.
    let windowStartTs = Number.POSITIVE_INFINITY;
    let windowEndTs = Number.POSITIVE_INFINITY;
    const recording = new LatencyRecordingStore(store, { accept: (p) => p.device === identity.device && p.ts >= windowStartTs && p.ts < windowEndTs });
    cloud = await startBroker(kind, storeFile);
    ingest = await startSparkplugIngest({ ...cloud.broker.ingest, store: recording, logger });
    const [modbusPort, gatewayHttpPort] = [await freePort(), await freePort()];
    bank = await startRegisterBank({ port: modbusPort, registers: tags, stepMs: Math.max(5, Math.floor(pollMs / 5)) });
    writeFileSync(join(dir, 'site.yaml'), stringify({
      site: { id: 'bench' },
      gateway: { group: identity.group, edge: identity.edge, dataDir: join(dir, 'gateway'), http: { host: '127.0.0.1', port: gatewayHttpPort } },
      north: { url: cloud.gatewayUrl, ...gatewayLogin },
      connectors: [{
        name: identity.device, protocol: 'modbus', connection: { transport: 'tcp', host: '127.0.0.1', port: modbusPort },
        pollIntervalMs: pollMs, timeoutMs: 5000,
        tags: Array.from({ length: tags }, (_, r) => ({ name: `r${String(r).padStart(3, '0')}`, address: `ir:${r}:uint16` })),
      }],
    }));
    gateway = startChildPart('gateway', ['gateway', '--config', join(dir, 'site.yaml')], { ...process.env, EDGESTOCK_LOG_LEVEL: 'warn' }, (line) => { logs.push(line); });
    await waitFor(`the gateway's session on ${kind}`, async () => {
      const health = await getJson<{ north: { linkState: string } }>(`http://127.0.0.1:${gatewayHttpPort}/health`);
      return health.north.linkState === 'up' ? true : undefined;
    }, { timeoutMs: 60_000 });
    progress(`${kind}: gateway up; warm-up ${warmupSeconds} s, then ${seconds} s timed`);
    await sleep(warmupSeconds * 1000);
    const before = ingest.stats();
    windowStartTs = Date.now();
    windowEndTs = windowStartTs + seconds * 1000;
    await sleep(seconds * 1000 + LATE_ARRIVAL_GRACE_MS); // a slow point read at the end still counts
    const after = ingest.stats();
    const { latenciesMs, batches, skippedForDuplicates } = recording.recorded();
    const figures = summary(latenciesMs);
    progress(`${kind}: ${figures.count} points, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, max ${figures.maxMs} ms`);
    return {
      broker: brokerDescriptions[kind],
      // The machine is shared: the 1-minute load average at the end of the window says how quiet it was.
      loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
      ...figures,
      pointsPerSecond: Math.round(figures.count / seconds),
      storeBatches: batches,
      pointsLeftOutForDuplicates: skippedForDuplicates,
      historicalSamplesInWindow: after.historicalSamples - before.historicalSamples,
      seqGapsInWindow: after.seqGaps - before.seqGaps,
      rebirthRequestsInWindow: after.rebirthRequests - before.rebirthRequests,
      framesRejectedInWindow: after.framesRejected - before.framesRejected,
    };
  } catch (err) {
    process.stderr.write(`${logs.slice(-40).join('\n')}\n${cloud?.mosquitto?.output().slice(-4000) ?? ''}\n`);
    throw err;
  } finally {
    await gateway?.stop();
    await ingest?.close();
    await cloud?.broker.close();
    await cloud?.mosquitto?.stop();
    await bank?.close();
    store?.close();
    if (!args['keep-dir']) rmSync(dir, { recursive: true, force: true });
  }
}

const result: Record<string, unknown> = {
  bench: 'end-to-end-latency',
  node: process.version,
  cpus: cpus().length,
  path: 'Modbus read (ts) -> change filter -> outbox (SQLite, synchronous FULL) -> DDATA QoS 1 -> broker -> ingest -> SQLite store committed',
  clock: 'gateway and cloud on one machine, one clock (no skew); Date.now() at both ends, 1 ms resolution',
  gatewayProcess: 'child process (bin/edgestock.js gateway)',
  tags,
  pollIntervalMs: pollMs,
  offeredPointsPerSecond: Math.round((tags * 1000) / pollMs),
  warmupSeconds,
  timedSeconds: seconds,
};
for (const kind of brokerKinds) result[kind] = await measure(kind);
console.log(args.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
