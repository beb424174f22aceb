/**
 * bench/connector-performance: each connector against its simulator, measured at the connector.
 * - write latency (connector.write -> device -> acknowledged) while a poll loop keeps reading;
 * - poll throughput (tags/s, requests/s), Modbus with the read planner merging requests and with
 *   it held to one tag per request;
 * - recovery: time from the simulator's return to good quality again.
 * Prints JSON. The full cloud -> gateway -> device command path comes with edge commands.
 *
 *   npm run bench -- connector-performance [--writes 300] [--poll-seconds 5] [--recoveries 5]
 */
import { parseArgs } from 'node:util';
import { freePort } from '../bin/support/free-port.ts';
import { modbusConnectorSchema, s7ConnectorSchema } from '../config/site-schema.ts';
import type { Connector } from '../connectors/connector.ts';
import { ModbusConnector } from '../connectors/modbus/index.ts';
import { S7Connector } from '../connectors/s7/index.ts';
import { startRegisterBank } from '../simulators/modbus/register-bank.ts';
import { startShelfSimulator } from '../simulators/modbus/index.ts';
import { startS7Simulator } from '../simulators/s7/index.ts';

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    writes: { type: 'string', default: '300' },
    'poll-seconds': { type: 'string', default: '5' },
    recoveries: { type: 'string', default: '5' },
    'bank-registers': { type: 'string', default: '2000' },
  },
});
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
const reconnect = { initialDelayMs: 50, maxDelayMs: 200, jitter: 0.2 };

interface Device { start(): Promise<void>; stop(): Promise<void> }
type Stats = { requests: number };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

async function readAllGroups(connector: Connector): Promise<number> {
  let tags = 0;
  for (const group of connector.groups()) tags += (await connector.read(group)).length;
  return tags;
}

/** Sequential writes while another loop polls every group as fast as the link allows. */
async function writeLatency(connector: Connector, tag: string, values: (i: number) => number | boolean, count: number) {
  let polling = true;
  let polls = 0;
  const poller = (async () => { while (polling) { await readAllGroups(connector); polls++; } })();
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await connector.write(tag, values(i));
    latencies.push(performance.now() - started);
  }
  polling = false;
  await poller;
  latencies.sort((a, b) => a - b);
  return {
    writes: count,
    pollsDuringWrites: polls,
    averageMs: round(latencies.reduce((s, v) => s + v, 0) / count),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies.at(-1)!),
  };
}

async function pollThroughput(connector: Connector & { stats(): Stats }, seconds: number) {
  const requestsBefore = connector.stats().requests;
  const started = performance.now();
  let tags = 0;
  while (performance.now() - started < seconds * 1000) tags += await readAllGroups(connector);
  const elapsedS = (performance.now() - started) / 1000;
  const requests = connector.stats().requests - requestsBefore;
  return { tagsPerSecond: Math.round(tags / elapsedS), requestsPerSecond: Math.round(requests / elapsedS), tagsPerRequest: round(tags / requests) };
}

async function recoveryTimes(connector: Connector, device: Device, count: number) {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    await device.stop();
    while ((await readAllGroupsValues(connector)).some((v) => v.quality === 'good')) await new Promise((r) => setTimeout(r, 20));
    await device.start();
    const back = performance.now();
    while (!(await readAllGroupsValues(connector)).every((v) => v.quality === 'good')) await new Promise((r) => setTimeout(r, 10));
    times.push(performance.now() - back);
  }
  times.sort((a, b) => a - b);
  return { restarts: count, averageMs: round(times.reduce((s, v) => s + v, 0) / count, 0), maxMs: round(times.at(-1)!, 0), reconnectPolicy: reconnect };
}

async function readAllGroupsValues(connector: Connector) {
  const values = [];
  for (const group of connector.groups()) values.push(...(await connector.read(group)));
  return values;
}

const writes = Number(args.writes);
const pollSeconds = Number(args['poll-seconds']);
const recoveries = Number(args.recoveries);
const result: Record<string, unknown> = { bench: 'connector-performance', node: process.version };

// Modbus: writes and recovery against the shelf simulator; throughput against a register bank.
{
  const port = await freePort();
  let sim = await startShelfSimulator({ port, stepMs: 0 });
  const device: Device = { start: async () => { sim = await startShelfSimulator({ port, stepMs: 0 }); }, stop: () => sim.close() };
  const connector = new ModbusConnector(modbusConnectorSchema.parse({
    name: 'shelves', protocol: 'modbus', connection: { transport: 'tcp', host: '127.0.0.1', port }, timeoutMs: 1000, reconnect,
    tags: [
      ...Array.from({ length: 8 }, (_, i) => ({ name: `B1${i}/temperature`, address: `ir:${2 * i}:int16`, scale: 0.1 })),
      { name: 'B10/setpoint', address: 'hr:0', scale: 0.1 },
    ],
  }));
  await connector.connect();
  progress('modbus: write latency');
  const modbusWrites = await writeLatency(connector, 'B10/setpoint', (i) => 3 + (i % 20) / 10, writes);
  progress('modbus: recovery');
  const modbusRecovery = await recoveryTimes(connector, device, recoveries);
  await connector.close();
  await sim.close();

  const registers = Number(args['bank-registers']);
  const bankPort = await freePort();
  const bank = await startRegisterBank({ port: bankPort, registers, stepMs: 100 });
  const tags = Array.from({ length: registers }, (_, r) => ({ name: `r${r}`, address: `ir:${r}:uint16` }));
  const polled = async (planner: boolean) => {
    const c = new ModbusConnector(modbusConnectorSchema.parse({
      name: 'bank', protocol: 'modbus', connection: { transport: 'tcp', host: '127.0.0.1', port: bankPort }, timeoutMs: 5000, reconnect, tags,
      // Planner held back: one register per request, no gaps bridged.
      ...(planner ? {} : { maxRegistersPerRead: 1, maxGapRegisters: 0 }),
    }));
    await c.connect();
    progress(`modbus: poll throughput, planner ${planner ? 'on' : 'off'}`);
    const figures = await pollThroughput(c, pollSeconds);
    await c.close();
    return figures;
  };
  result.modbus = {
    writeLatency: modbusWrites,
    pollThroughput: { tags: registers, plannerOn: await polled(true), plannerOff: await polled(false) },
    recovery: modbusRecovery,
  };
  await bank.close();
}

// S7: the snap7 press-hall simulator.
{
  const port = await freePort();
  let sim = await startS7Simulator({ port, stepMs: 0 });
  const device: Device = { start: async () => { sim = await startS7Simulator({ port, stepMs: 0 }); }, stop: () => sim.close() };
  const connector = new S7Connector(s7ConnectorSchema.parse({
    name: 'press-plc', protocol: 's7', connection: { host: '127.0.0.1', port }, timeoutMs: 1000, reconnect,
    tags: [
      { name: 'IMM-01/shot-counter', address: 'DB1,DINT0' },
      { name: 'IMM-01/mold-id', address: 'DB1,S4.16' },
      { name: 'IMM-01/cycle-time', address: 'DB1,REAL22' },
      { name: 'IMM-01/zone-temp', address: 'DB1,INT30.3' },
      { name: 'IMM-02/shot-counter', address: 'DB1,DINT44' },
      { name: 'F1/remnant-weight', address: 'DB2,REAL0' },
      { name: 'IMM-01/hold-pressure', address: 'DB1,REAL36' },
    ],
  }));
  await connector.connect();
  progress('s7: write latency');
  const s7Writes = await writeLatency(connector, 'IMM-01/hold-pressure', (i) => 600 + i, writes);
  progress('s7: poll throughput');
  const s7Poll = await pollThroughput(connector, pollSeconds);
  progress('s7: recovery');
  const s7Recovery = await recoveryTimes(connector, device, recoveries);
  result.s7 = { writeLatency: s7Writes, pollThroughput: { tags: 9, ...s7Poll }, recovery: s7Recovery };
  await connector.close();
  await sim.close();
}

console.log(JSON.stringify(result, null, 2));
