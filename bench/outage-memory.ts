/**
 * bench/outage-memory: a gateway whose broker is gone for a long time. It keeps polling N Modbus
 * tags into its outbox until the byte budget is full, then drops the oldest rows; the question is
 * whether memory stays flat meanwhile (DESIGN.md: no unbounded memory growth during an outage).
 * Prints JSON: the gateway's RSS over time (first third vs last third), the outbox's rows, bytes,
 * drops and file size.
 *
 *   npm run bench -- outage-memory [--tags 4000] [--connections 2] [--interval-ms 250] [--seconds 120] [--outbox-mb 32]
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
import { sqliteFileBytes } from './support/sqlite-file-bytes.ts';

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    tags: { type: 'string', default: '4000' },
    connections: { type: 'string', default: '2' },
    'interval-ms': { type: 'string', default: '250' },
    seconds: { type: 'string', default: '120' },
    'outbox-mb': { type: 'string', default: '32' },
  },
});
const tags = Number(args.tags);
const connections = Number(args.connections);
const intervalMs = Number(args['interval-ms']);
const seconds = Number(args.seconds);
const outboxBytes = Number(args['outbox-mb']) * 1024 * 1024;
const tagsPerConnection = Math.ceil(tags / connections);

interface Health { outbox: { rows: number; bytes: number; dropped: number; appended: number }; north: { linkState: string } }
interface Sample { atS: number; rssMiB: number; rows: number; bytes: number; dropped: number; fileBytes: number }

const dir = mkdtempSync(join(tmpdir(), 'edgestock-bench-'));
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
const banks: RegisterBank[] = [];
const parts: ChildPart[] = [];
const logs: string[] = [];

try {
  for (let c = 0; c < connections; c++) {
    banks.push(await startRegisterBank({ port: await freePort(), registers: tagsPerConnection, stepMs: Math.max(10, Math.floor(intervalMs / 2)) }));
  }
  const gatewayHttpPort = await freePort();
  const deadBrokerPort = await freePort(); // nothing listens here: the broker is "down" for the whole run
  const outboxPath = join(dir, 'gateway', 'outbox.sqlite');
  writeFileSync(join(dir, 'site.yaml'), stringify({
    site: { id: 'bench' },
    gateway: { group: 'bench', edge: 'gw-bench', dataDir: join(dir, 'gateway'), http: { host: '127.0.0.1', port: gatewayHttpPort } },
    north: { url: `mqtt://127.0.0.1:${deadBrokerPort}`, reconnect: { initialDelayMs: 500, maxDelayMs: 5000 } },
    outbox: { maxBytes: outboxBytes },
    connectors: banks.map((bank, c) => ({
      name: `bank-${c}`,
      protocol: 'modbus',
      connection: { transport: 'tcp', host: '127.0.0.1', port: bank.port },
      pollIntervalMs: intervalMs,
      timeoutMs: 5000,
      tags: Array.from({ length: tagsPerConnection }, (_, r) => ({ name: `r${String(r).padStart(5, '0')}`, address: `ir:${r}:uint16` })),
    })),
  }));
  progress(`${connections * tagsPerConnection} tags every ${intervalMs} ms into a ${args['outbox-mb']} MiB outbox with no broker, for ${seconds} s`);
  const gateway = startChildPart('gateway', ['gateway', '--config', join(dir, 'site.yaml')], { ...process.env, EDGESTOCK_LOG_LEVEL: 'error' }, (line) => logs.push(line));
  parts.push(gateway);
  const health = () => getJson<Health>(`http://127.0.0.1:${gatewayHttpPort}/health`);
  await waitFor('gateway health', health, { timeoutMs: 60_000 });

  const samples: Sample[] = [];
  const started = Date.now();
  while (Date.now() - started < seconds * 1000) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const h = await health();
    const memory = processMemoryMiB(gateway.process.pid!);
    const sample: Sample = {
      atS: Math.round((Date.now() - started) / 1000), rssMiB: memory?.rssMiB ?? NaN,
      rows: h.outbox.rows, bytes: h.outbox.bytes, dropped: h.outbox.dropped, fileBytes: sqliteFileBytes(outboxPath).totalBytes,
    };
    samples.push(sample);
    if (samples.length % 5 === 0) progress(`${sample.atS} s: RSS ${sample.rssMiB} MiB, outbox ${sample.rows} rows / ${(sample.bytes / 1048576).toFixed(1)} MiB, dropped ${sample.dropped}`);
  }
  const third = Math.max(1, Math.floor(samples.length / 3));
  const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10;
  const first = samples.slice(0, third);
  const last = samples.slice(-third);
  const end = samples.at(-1)!;
  const result = {
    bench: 'outage-memory',
    tags: connections * tagsPerConnection, intervalMs, seconds, outboxMaxBytes: outboxBytes,
    rssMiB: { firstThirdMean: mean(first.map((s) => s.rssMiB)), lastThirdMean: mean(last.map((s) => s.rssMiB)), max: Math.max(...samples.map((s) => s.rssMiB)), peak: processMemoryMiB(gateway.process.pid!)?.peakRssMiB },
    outbox: { rows: end.rows, bytes: end.bytes, dropped: end.dropped, fileBytes: end.fileBytes, maxFileBytes: Math.max(...samples.map((s) => s.fileBytes)) },
    budgetReachedAtS: samples.find((s) => s.dropped > 0)?.atS ?? null,
    samples,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${logs.slice(-20).join('\n')}\n`);
  process.exitCode = 1;
} finally {
  for (const part of parts.reverse()) await part.stop();
  for (const bank of banks) await bank.close();
  rmSync(dir, { recursive: true, force: true });
}
