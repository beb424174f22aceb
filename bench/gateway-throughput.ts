/**
 * bench/gateway-throughput: N Modbus tags polled -> outbox -> MQTT (Sparkplug B) -> cloud store.
 * Cloud and gateway run as separate processes, as in production; register banks (every register
 * changes every step) spread the load over several Modbus connections so the simulator is not
 * what gets measured (TOOLCHAIN.md: ~740 requests/s per modbus-serial server connection).
 * Prints JSON: points/s read by the gateway and stored by the cloud, and peak RSS per process.
 *
 *   npm run bench -- gateway-throughput [--tags 20000] [--connections 4] [--interval-ms 500] [--seconds 30] [--warmup-seconds 10] [--gateway-heap-mb N]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { freePort } from '../bin/support/free-port.ts';
import { startChildPart, type ChildPart } from '../bin/support/child-part.ts';
import { getJson, waitFor } from '../bin/support/wait-for.ts';
import { startRegisterBank, type RegisterBank } from '../simulators/modbus/register-bank.ts';
import { processMemoryMiB } from './support/process-memory.ts';

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    tags: { type: 'string', default: '20000' },
    connections: { type: 'string', default: '4' },
    'interval-ms': { type: 'string', default: '500' },
    seconds: { type: 'string', default: '30' },
    'warmup-seconds': { type: 'string', default: '10' },
    'keep-logs': { type: 'boolean', default: false },
    /** Caps the gateway's V8 old space (--max-old-space-size), to tell retained memory from lazy GC. */
    'gateway-heap-mb': { type: 'string' },
  },
});
const tags = Number(args.tags);
const connections = Number(args.connections);
const intervalMs = Number(args['interval-ms']);
const seconds = Number(args.seconds);
const warmupSeconds = Number(args['warmup-seconds']);
const tagsPerConnection = Math.ceil(tags / connections);

const dir = mkdtempSync(join(tmpdir(), 'edgestock-bench-'));
const logs: string[] = [];
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
const [httpPort, mqttPort, gatewayHttpPort] = [await freePort(), await freePort(), await freePort()];
const banks: RegisterBank[] = [];
const parts: ChildPart[] = [];

try {
  for (let c = 0; c < connections; c++) {
    banks.push(await startRegisterBank({ port: await freePort(), registers: tagsPerConnection, stepMs: Math.max(10, Math.floor(intervalMs / 2)) }));
  }
  const password = 'bench-password';
  writeFileSync(join(dir, 'cloud.yaml'), stringify({
    dataDir: join(dir, 'cloud'),
    http: { host: '127.0.0.1', port: httpPort },
    broker: { mode: 'embedded', host: '127.0.0.1', port: mqttPort, users: [{ username: 'gw-bench', password, group: 'bench', edge: 'gw-bench' }] },
  }));
  writeFileSync(join(dir, 'site.yaml'), stringify({
    site: { id: 'bench' },
    gateway: { group: 'bench', edge: 'gw-bench', dataDir: join(dir, 'gateway'), http: { host: '127.0.0.1', port: gatewayHttpPort } },
    north: { url: `mqtt://127.0.0.1:${mqttPort}`, username: 'gw-bench', password, batchSize: 5000, maxMetricsPerFrame: 1000 },
    connectors: banks.map((bank, c) => ({
      name: `bank-${c}`,
      protocol: 'modbus',
      connection: { transport: 'tcp', host: '127.0.0.1', port: bank.port },
      pollIntervalMs: intervalMs,
      timeoutMs: 5000,
      tags: Array.from({ length: tagsPerConnection }, (_, r) => ({ name: `r${String(r).padStart(5, '0')}`, address: `ir:${r}:uint16` })),
    })),
  }));
  const env = { ...process.env, EDGESTOCK_LOG_LEVEL: 'warn' };
  const keep = (name: string) => (line: string) => { logs.push(`${name}: ${line}`); };
  progress(`${connections * tagsPerConnection} tags over ${connections} Modbus connections every ${intervalMs} ms (offered ${Math.round(connections * tagsPerConnection * 1000 / intervalMs)} points/s)`);
  parts.push(startChildPart('cloud', ['cloud', '--config', join(dir, 'cloud.yaml')], env, keep('cloud')));
  await waitFor('cloud health', () => getJson(`http://127.0.0.1:${httpPort}/api/health`), { timeoutMs: 60_000 });
  const gatewayEnv = args['gateway-heap-mb'] ? { ...env, NODE_OPTIONS: `--max-old-space-size=${Number(args['gateway-heap-mb'])}` } : env;
  parts.push(startChildPart('gateway', ['gateway', '--config', join(dir, 'site.yaml')], gatewayEnv, keep('gateway')));
  await waitFor('gateway health', () => getJson(`http://127.0.0.1:${gatewayHttpPort}/health`), { timeoutMs: 60_000 });

  const sample = async () => {
    const cloud = await getJson<{ store: { samples: number } }>(`http://127.0.0.1:${httpPort}/api/health`);
    const metrics = await (await fetch(`http://127.0.0.1:${gatewayHttpPort}/metrics`)).text();
    const metric = (name: string) => metrics.split('\n').filter((l) => l.startsWith(name)).reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    return {
      t: performance.now(),
      stored: cloud.store.samples,
      read: metric('edgestock_points_read_total'),
      published: metric('edgestock_points_published_total'),
      outboxRows: metric('edgestock_outbox_rows'),
      dropped: metric('edgestock_points_dropped_total'),
    };
  };
  progress(`warming up ${warmupSeconds} s`);
  await new Promise((r) => setTimeout(r, warmupSeconds * 1000));
  const start = await sample();
  for (let s = 0; s < seconds; s += 5) {
    await new Promise((r) => setTimeout(r, Math.min(5, seconds - s) * 1000));
    const now = await sample();
    const dt = (now.t - start.t) / 1000;
    progress(`${Math.round(dt)} s: read ${Math.round((now.read - start.read) / dt)}/s, stored ${Math.round((now.stored - start.stored) / dt)}/s, outbox ${now.outboxRows} rows`);
  }
  const end = await sample();
  const dt = (end.t - start.t) / 1000;
  const [cloudPart, gatewayPart] = parts as [ChildPart, ChildPart];
  console.log(JSON.stringify({
    bench: 'gateway-throughput',
    tags: connections * tagsPerConnection,
    modbusConnections: connections,
    pollIntervalMs: intervalMs,
    gatewayHeapLimitMiB: args['gateway-heap-mb'] ? Number(args['gateway-heap-mb']) : null,
    offeredPointsPerSecond: Math.round(connections * tagsPerConnection * 1000 / intervalMs),
    measuredSeconds: Math.round(dt * 10) / 10,
    gatewayReadPointsPerSecond: Math.round((end.read - start.read) / dt),
    gatewayPublishedPointsPerSecond: Math.round((end.published - start.published) / dt),
    endToEndStoredPointsPerSecond: Math.round((end.stored - start.stored) / dt),
    outboxRowsAtStart: start.outboxRows,
    outboxRowsAtEnd: end.outboxRows,
    dropped: end.dropped,
    gateway: processMemoryMiB(gatewayPart.process.pid!),
    cloud: processMemoryMiB(cloudPart.process.pid!),
    cpus: (await import('node:os')).cpus().length,
    node: process.version,
  }, null, 2));
} catch (err) {
  process.stderr.write(`${logs.slice(-40).join('\n')}\n`);
  throw err;
} finally {
  for (const part of parts.reverse()) await part.stop();
  for (const bank of banks) await bank.close();
  if (!args['keep-logs']) rmSync(dir, { recursive: true, force: true });
}
