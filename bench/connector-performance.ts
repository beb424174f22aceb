/**
 * bench/connector-performance: each connector against its simulator, measured at the connector.
 * - write latency (connector.write -> device -> acknowledged) while a poll loop keeps reading
 *   (OPC UA: and a subscription delivers a change per gun every few ms);
 * - poll throughput (tags/s, requests/s), Modbus with the read planner merging requests and with
 *   it held to one tag per request; OPC UA with every poll tag in one Read and with one node per
 *   Read; OPC UA subscription throughput and whether every change arrived;
 * - recovery: time from the simulator's return to good quality again.
 * Prints JSON. The full cloud -> gateway -> device command path comes with edge commands.
 *
 *   npm run bench -- connector-performance [--writes 300] [--poll-seconds 5] [--recoveries 5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../bin/support/free-port.ts';
import { modbusConnectorSchema, opcuaConnectorSchema, s7ConnectorSchema } from '../config/site-schema.ts';
import type { Connector, ReadGroup } from '../connectors/connector.ts';
import { ModbusConnector } from '../connectors/modbus/index.ts';
import { createNodeOpcuaPort, OpcuaConnector, type OpcuaPort, type OpcuaPortFactory } from '../connectors/opcua/index.ts';
import { S7Connector } from '../connectors/s7/index.ts';
import { startRegisterBank } from '../simulators/modbus/register-bank.ts';
import { startShelfSimulator } from '../simulators/modbus/index.ts';
import { startOpcuaSimulator, weldGunNames, type OpcuaSimulator } from '../simulators/opcua/index.ts';
import { startS7Simulator } from '../simulators/s7/index.ts';

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    writes: { type: 'string', default: '300' },
    'poll-seconds': { type: 'string', default: '5' },
    recoveries: { type: 'string', default: '5' },
    'bank-registers': { type: 'string', default: '2000' },
    /** Tags in the OPC UA read-throughput test: the weld cell's 18 variables, each under several names. */
    'opcua-tags': { type: 'string', default: '180' },
  },
});
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
const reconnect = { initialDelayMs: 50, maxDelayMs: 200, jitter: 0.2 };

interface Device { start(): Promise<void>; stop(): Promise<void> }

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

/** Reads the groups round and round for `seconds`; `requests` counts what went on the wire. */
async function pollThroughput(connector: Connector, requests: () => number, seconds: number, groups: readonly ReadGroup[] = connector.groups()) {
  const requestsBefore = requests();
  const started = performance.now();
  let tags = 0;
  while (performance.now() - started < seconds * 1000) {
    for (const group of groups) tags += (await connector.read(group)).length;
  }
  const elapsedS = (performance.now() - started) / 1000;
  const sent = requests() - requestsBefore;
  return { tagsPerSecond: Math.round(tags / elapsedS), requestsPerSecond: Math.round(sent / elapsedS), tagsPerRequest: round(tags / sent) };
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
    const figures = await pollThroughput(c, () => c.stats().requests, pollSeconds);
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
  const s7Poll = await pollThroughput(connector, () => connector.stats().requests, pollSeconds);
  progress('s7: recovery');
  const s7Recovery = await recoveryTimes(connector, device, recoveries);
  result.s7 = { writeLatency: s7Writes, pollThroughput: { tags: 9, ...s7Poll }, recovery: s7Recovery };
  await connector.close();
  await sim.close();
}

// OPC UA: the weld-cell simulator (node-opcua's server), security None.
{
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-bench-opcua-'));
  const port = await freePort();
  // A weld on every gun every 10 ms: the subscription delivers changes while writes and reads run.
  const loadStepMs = 10;
  const simulatorAt = (stepMs: number) => startOpcuaSimulator({ port, pkiDir: join(dir, 'server-pki'), stepMs });
  let sim: OpcuaSimulator = await simulatorAt(loadStepMs);
  const device: Device = { start: async () => { sim = await simulatorAt(loadStepMs); }, stop: () => sim.close() };
  // Read requests as they reach node-opcua, counted around the real port.
  let reads = 0;
  const countingPorts: OpcuaPortFactory = (settings) => countReads(createNodeOpcuaPort(settings), () => reads++);
  const node = (gun: string, member: string) => `ns=1;s=WeldCell.${gun}.${member}`;
  const members = [
    { member: 'WeldCount', dataType: 'UInt32', mode: 'subscribe' },
    { member: 'ElectrodeCapId', dataType: 'String', mode: 'subscribe' },
    { member: 'SheetThicknessMm', dataType: 'Double', mode: 'subscribe' },
    { member: 'WeldCurrentKa', dataType: 'Double', mode: 'subscribe' },
    { member: 'CapLifeWelds', dataType: 'UInt32', mode: 'poll' },
    { member: 'Enabled', dataType: 'Boolean', mode: 'poll' },
  ] as const;
  const weldCellConnector = (tags: object[], overrides: object = {}) => new OpcuaConnector(opcuaConnectorSchema.parse({
    name: 'weld-cell', protocol: 'opcua', endpoint: sim.endpoint, timeoutMs: 2000, reconnect,
    samplingIntervalMs: 0, publishingIntervalMs: 50, pollIntervalMs: 100, tags, ...overrides,
  }), { pkiDir: join(dir, 'client-pki'), portFactory: countingPorts });

  // 12 subscribe tags (every change, published every 50 ms) and 6 poll tags (one Read each round).
  const connector = weldCellConnector(weldGunNames.flatMap((gun) => members.map(({ member, dataType, mode }) => ({
    name: `${gun}/${member}`, nodeId: node(gun, member), dataType, mode,
  }))));
  await connector.connect();
  progress('opcua: write latency');
  const notificationsBefore = connector.stats().notifications;
  const writesStarted = performance.now();
  const opcuaWrites = await writeLatency(connector, 'G1/CapLifeWelds', (i) => 250 + (i % 50), writes);
  const subscriptionLoad = round((connector.stats().notifications - notificationsBefore) / ((performance.now() - writesStarted) / 1000), 0);
  progress('opcua: recovery');
  const opcuaRecovery = await recoveryTimes(connector, device, recoveries);
  await connector.close();

  // Subscription throughput: every change of a fast counter, in order, or how many went missing.
  await sim.close();
  const fastStepMs = 2;
  sim = await simulatorAt(fastStepMs);
  const subscriber = weldCellConnector(weldGunNames.map((gun) => ({ name: `${gun}/WeldCount`, nodeId: node(gun, 'WeldCount'), dataType: 'UInt32' })));
  await subscriber.connect();
  progress('opcua: subscription throughput');
  const lastCount = new Map<string, number>();
  let changes = 0;
  let missed = 0;
  const stopListening = subscriber.onChange((value) => {
    if (typeof value.value !== 'number') return;
    const last = lastCount.get(value.tag);
    if (last !== undefined) missed += Math.max(0, value.value - last - 1);
    lastCount.set(value.tag, value.value);
    changes++;
  });
  await new Promise((r) => setTimeout(r, pollSeconds * 1000));
  stopListening();
  await subscriber.close();
  await sim.close();

  // Read throughput: every poll tag in one Read, against one node per Read.
  sim = await simulatorAt(100);
  const copies = Math.max(1, Math.round(Number(args['opcua-tags']) / 18));
  const polledTags = Array.from({ length: copies }, (_, copy) => weldGunNames.flatMap((gun) => members.map(({ member, dataType }) => ({
    name: `c${copy}/${gun}/${member}`, nodeId: node(gun, member), dataType, mode: 'poll',
  })))).flat();
  const polled = async (batched: boolean) => {
    const c = weldCellConnector(polledTags, { timeoutMs: 5000 });
    await c.connect();
    progress(`opcua: read throughput, ${batched ? 'one Read for every tag' : 'one node per Read'}`);
    const groups = batched ? c.groups() : polledTags.map((t) => ({ name: t.name, intervalMs: 100, tags: [t.name] }));
    const figures = await pollThroughput(c, () => reads, pollSeconds, groups);
    await c.close();
    return figures;
  };
  result.opcua = {
    writeLatency: { ...opcuaWrites, subscriptionNotificationsPerSecond: subscriptionLoad, simulatorStepMs: loadStepMs },
    pollThroughput: {
      nodes: 18,
      tags: polledTags.length,
      note: `the weld cell has 18 variables; each is read under ${copies} tag names, so one Read carries ${polledTags.length} nodes. plannerOn: every poll tag of the interval in one Read (what the connector does); plannerOff: one node per Read`,
      plannerOn: await polled(true),
      plannerOff: await polled(false),
    },
    subscription: {
      simulatorStepMs: fastStepMs,
      seconds: pollSeconds,
      changesPerSecond: Math.round(changes / pollSeconds),
      weldCountChanges: changes,
      missed,
      sampling: 'samplingIntervalMs 0 (exception-based), publishingIntervalMs 50',
    },
    recovery: opcuaRecovery,
  };
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}

console.log(JSON.stringify(result, null, 2));

/** The real port, with every Read request counted on its way to node-opcua. */
function countReads(port: OpcuaPort, count: () => void): OpcuaPort {
  return {
    connect: () => port.connect(),
    read: (nodeIds) => { count(); return port.read(nodeIds); },
    nodeInfo: (nodeId) => port.nodeInfo(nodeId),
    write: (nodeId, builtInType, value) => port.write(nodeId, builtInType, value),
    subscribe: (publishingIntervalMs, items, onChange) => port.subscribe(publishingIntervalMs, items, onChange),
    browse: (nodeId) => port.browse(nodeId),
    close: () => port.close(),
    dispose: () => port.dispose(),
    onLinkLost: (listener) => port.onLinkLost(listener),
  };
}
