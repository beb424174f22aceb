/**
 * bench/command-latency: a tag write on the whole command path, as a user's write travels:
 *   cloud edge-link client -> MQTT broker (aedes) -> gateway command channel -> connector ->
 *   device -> acknowledgement back over MQTT
 * for Modbus, S7 and OPC UA, while the gateway keeps polling every connector (polling load).
 * The device-side share is reported too (`deviceMs`: the gateway's own timing of the write).
 * Prints JSON.
 *
 * Writes are spaced by --gap-ms so they interleave with the polls rather than finish between two.
 *
 *   npm run bench -- command-latency [--writes 300] [--poll-ms 50] [--gap-ms 10]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { freePort } from '../bin/support/free-port.ts';
import { startEdgeLinkClient } from '../cloud/rollout/edge-link-client.ts';
import { parseConfig } from '../config/load-config.ts';
import { siteConfigSchema } from '../config/site-schema.ts';
import { startGateway } from '../gateway/gateway-daemon.ts';
import { startTestBroker } from '../gateway/testing/test-broker.ts';
import { startShelfSimulator } from '../simulators/modbus/index.ts';
import { startOpcuaSimulator } from '../simulators/opcua/index.ts';
import { startS7Simulator } from '../simulators/s7/index.ts';

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: { writes: { type: 'string', default: '300' }, 'poll-ms': { type: 'string', default: '50' }, 'gap-ms': { type: 'string', default: '10' } },
});
const gapMs = Number(args['gap-ms']);
const writes = Number(args.writes);
const pollMs = Number(args['poll-ms']);
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
const logger = pino({ level: 'silent' });
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const reconnect = { initialDelayMs: 50, maxDelayMs: 500, jitter: 0.2 };

const dir = mkdtempSync(join(tmpdir(), 'edgestock-bench-commands-'));
const ports = { mqtt: await freePort(), modbus: await freePort(), s7: await freePort(), opcua: await freePort() };
const broker = await startTestBroker(ports.mqtt);
const modbus = await startShelfSimulator({ port: ports.modbus, stepMs: 200 });
const s7 = await startS7Simulator({ port: ports.s7, stepMs: 200 });
const opcua = await startOpcuaSimulator({ port: ports.opcua, pkiDir: join(dir, 'opcua-server-pki'), stepMs: 200 });

const config = parseConfig(siteConfigSchema, {
  site: { id: 'bench' },
  gateway: { group: 'bench', edge: 'gw-bench', dataDir: join(dir, 'gateway'), http: { host: '127.0.0.1', port: 0 } },
  north: { url: broker.url },
  connectors: [
    {
      name: 'shelves', protocol: 'modbus', connection: { transport: 'tcp', host: '127.0.0.1', port: ports.modbus }, pollIntervalMs: pollMs, reconnect,
      tags: [
        ...Array.from({ length: 8 }, (_, i) => ({ name: `B1${i}/temperature`, address: `ir:${2 * i}:int16`, scale: 0.1 })),
        { name: 'B10/setpoint', address: 'hr:0:int16', scale: 0.1 },
      ],
    },
    {
      name: 'press-plc', protocol: 's7', connection: { host: '127.0.0.1', port: ports.s7 }, pollIntervalMs: pollMs, reconnect,
      tags: [
        { name: 'IMM-01/shot-counter', address: 'DB1,DINT0' },
        { name: 'IMM-01/cycle-time', address: 'DB1,REAL22' },
        { name: 'IMM-02/shot-counter', address: 'DB1,DINT44' },
        { name: 'F1/remnant-weight', address: 'DB2,REAL0' },
        { name: 'IMM-01/hold-pressure', address: 'DB1,REAL36' },
      ],
    },
    {
      name: 'weld-cell', protocol: 'opcua', endpoint: opcua.endpoint, publishingIntervalMs: pollMs, samplingIntervalMs: 0, reconnect,
      tags: [
        ...['G1', 'G2', 'G3'].flatMap((g) => [
          { name: `${g}/weld-count`, nodeId: `ns=1;s=WeldCell.${g}.WeldCount` },
          { name: `${g}/weld-current`, nodeId: `ns=1;s=WeldCell.${g}.WeldCurrentKa` },
        ]),
        { name: 'G1/cap-life', nodeId: 'ns=1;s=WeldCell.G1.CapLifeWelds', mode: 'poll', intervalMs: pollMs },
      ],
    },
  ],
}, 'bench site config');

const gateway = await startGateway({ config, logger });
const reports: string[] = [];
const link = await startEdgeLinkClient({ url: broker.url, logger, onConfigReport: (group, edge) => reports.push(`${group}/${edge}`), timeoutMs: 10_000 });
const deadline = Date.now() + 30_000;
while (!(reports.length > 0 && Object.values(gateway.stats().links).every((s) => s === 'up'))) {
  if (Date.now() > deadline) throw new Error(`links not up: ${JSON.stringify(gateway.stats().links)}`);
  await new Promise((r) => setTimeout(r, 50));
}

async function measure(device: string, tag: string, value: (i: number) => number | boolean) {
  const roundTrip: number[] = [];
  const deviceShare: number[] = [];
  const readsBefore = gateway.stats().scheduler.filter((g) => g.connector === device).reduce((n, g) => n + g.reads, 0);
  for (let i = 0; i < writes; i++) {
    const started = performance.now();
    const ack = await link.send('bench', 'gw-bench', 'tag.write', { device, tag, value: value(i) });
    roundTrip.push(performance.now() - started);
    if (!ack.ok) throw new Error(`${device}/${tag}: ${ack.error.code} ${ack.error.message}`);
    deviceShare.push((ack.result as { latencyMs: number }).latencyMs);
    await new Promise((r) => setTimeout(r, gapMs));
  }
  const readsDuring = gateway.stats().scheduler.filter((g) => g.connector === device).reduce((n, g) => n + g.reads, 0) - readsBefore;
  roundTrip.sort((a, b) => a - b);
  deviceShare.sort((a, b) => a - b);
  const avg = (xs: number[]) => round(xs.reduce((s, v) => s + v, 0) / xs.length);
  return {
    writes,
    readsOfThisConnectorDuringWrites: readsDuring,
    commandToAck: { averageMs: avg(roundTrip), p50Ms: round(percentile(roundTrip, 50)), p99Ms: round(percentile(roundTrip, 99)), maxMs: round(roundTrip.at(-1)!) },
    deviceMs: { averageMs: avg(deviceShare), p99Ms: round(percentile(deviceShare, 99)) },
  };
}

const result: Record<string, unknown> = { bench: 'command-latency', node: process.version, pollIntervalMs: pollMs, gapBetweenWritesMs: gapMs, path: 'edge-link client -> aedes -> gateway -> device -> ack' };
progress('modbus write');
result.modbus = await measure('shelves', 'B10/setpoint', (i) => 3 + (i % 20) / 10);
progress('s7 write');
result.s7 = await measure('press-plc', 'IMM-01/hold-pressure', (i) => 600 + i);
progress('opcua write');
result.opcua = await measure('weld-cell', 'G1/cap-life', (i) => 200 + (i % 100));
result.gatewayOutbox = gateway.stats().outbox;

await link.close();
await gateway.close();
await opcua.close();
await s7.close();
await modbus.close();
await broker.close();
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify(result, null, 2));
