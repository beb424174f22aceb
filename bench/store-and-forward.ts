/**
 * bench/store-and-forward: how fast a gateway drains a backlog while live data keeps flowing.
 *
 * The gateway's outbox file is pre-filled with --backlog sample rows (as if the broker had been
 * away) for the tags of its one Modbus device, a register bank whose every register changes each
 * step, so live reads continue during the drain. Cloud (embedded aedes broker, ingest, store) and
 * gateway run as separate processes, as in production, so the gateway's RSS is its own.
 * Measured: time from the gateway's first MQTT session to the backlog replayed (gateway side) and
 * to all of it stored (cloud side), live points published and their age in the cloud meanwhile,
 * gateway RSS (/proc VmRSS every --sample-ms), outbox disk size (.sqlite + -wal + -shm), and
 * whether the cloud stored every sample the gateway published exactly once (the device is held
 * still at the end so the gateway goes quiet and its published count is final). Prints JSON; progress on stderr.
 *
 *   npm run bench -- store-and-forward [--backlog 100000] [--replay-rate 20000] [--tags 20] [--poll-ms 100]
 *       [--after-seconds 5] [--batch-size N] [--max-metrics-per-frame N] [--sample-ms 200] [--json] [--keep-dir]
 *
 * --replay-rate: north.replay.pointsPerS (default: the site schema's); 1000000 finds the ceiling.
 * --json: one compact JSON line on stdout and no progress on stderr (default: indented JSON).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { startChildPart, type ChildPart } from '../bin/support/child-part.ts';
import { freePort } from '../bin/support/free-port.ts';
import { getJson, waitFor } from '../bin/support/wait-for.ts';
import { parseConfig } from '../config/load-config.ts';
import { siteConfigSchema } from '../config/site-schema.ts';
import type { OutboxInput } from '../gateway/outbox/outbox.ts';
import { openSqliteOutbox } from '../gateway/outbox/sqlite-outbox.ts';
import { openCloudSampleCounts, type CloudSampleCounts, type DeviceSampleCounts } from './support/cloud-sample-counts.ts';
import { startPausableRegisterBank, type PausableRegisterBank } from './support/pausable-register-bank.ts';
import { processMemoryMiB } from './support/process-memory.ts';
import { sqliteFileBytes } from './support/sqlite-file-bytes.ts';

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    backlog: { type: 'string', default: '100000' },
    'replay-rate': { type: 'string' },
    tags: { type: 'string', default: '20' },
    'poll-ms': { type: 'string', default: '100' },
    'after-seconds': { type: 'string', default: '5' },
    'batch-size': { type: 'string' },
    'max-metrics-per-frame': { type: 'string' },
    'sample-ms': { type: 'string', default: '200' },
    json: { type: 'boolean', default: false },
    'keep-dir': { type: 'boolean', default: false },
  },
});
const backlog = Number(args.backlog);
const tags = Number(args.tags);
const pollMs = Number(args['poll-ms']);
const afterSeconds = Number(args['after-seconds']);
const sampleMs = Number(args['sample-ms']);
if (!(Number.isInteger(backlog) && backlog >= 1)) throw new Error(`--backlog: expected a whole number of rows >= 1, got "${args.backlog}"`);
const progress = (line: string) => { if (!args.json) process.stderr.write(`bench: ${line}\n`); };
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const mib = (bytes: number) => round(bytes / 2 ** 20, 2);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

const loadAtStart = loadavg()[0]!;
const dir = mkdtempSync(join(tmpdir(), 'edgestock-bench-snf-'));
const [httpPort, mqttPort, gatewayHttpPort, modbusPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
const identity = { group: 'bench', edge: 'gw-bench', device: 'bank' };
const password = 'bench-password';
const gatewayDataDir = join(dir, 'gateway');
const outboxPath = join(gatewayDataDir, 'outbox.sqlite');
const cloudStoreFile = join(dir, 'cloud', 'cloud.sqlite');
const tagNames = Array.from({ length: tags }, (_, r) => `r${String(r).padStart(3, '0')}`);

const siteRaw = {
  site: { id: 'bench' },
  gateway: { group: identity.group, edge: identity.edge, dataDir: gatewayDataDir, http: { host: '127.0.0.1', port: gatewayHttpPort } },
  north: {
    url: `mqtt://127.0.0.1:${mqttPort}`, username: 'gw-bench', password,
    ...(args['replay-rate'] ? { replay: { pointsPerS: Number(args['replay-rate']) } } : {}),
    ...(args['batch-size'] ? { batchSize: Number(args['batch-size']) } : {}),
    ...(args['max-metrics-per-frame'] ? { maxMetricsPerFrame: Number(args['max-metrics-per-frame']) } : {}),
  },
  connectors: [{
    name: identity.device, protocol: 'modbus', connection: { transport: 'tcp', host: '127.0.0.1', port: modbusPort },
    pollIntervalMs: pollMs, timeoutMs: 5000,
    tags: tagNames.map((name, r) => ({ name, address: `ir:${r}:uint16` })),
  }],
};
// Parsed here for the effective settings (schema defaults) and to fail before anything starts.
const site = parseConfig(siteConfigSchema, siteRaw, 'bench site config');

/** Rows as the gateway would have queued them while offline: one read of every tag per poll. */
function prefillOutbox(): { firstTs: number; lastTs: number } {
  const reads = Math.ceil(backlog / tags);
  const firstTs = Date.now() - reads * pollMs - 1000;
  mkdirSync(gatewayDataDir, { recursive: true });
  const outbox = openSqliteOutbox({ path: outboxPath, maxBytes: site.outbox.maxBytes });
  try {
    let batch: OutboxInput[] = [];
    for (let i = 0; i < backlog; i++) {
      const read = Math.floor(i / tags);
      const tagIndex = i % tags;
      batch.push({ kind: 'sample', device: identity.device, tag: tagNames[tagIndex]!, value: (read + tagIndex) & 0xffff, quality: 'good', ts: firstTs + read * pollMs });
      if (batch.length === 10_000) { outbox.append(batch); batch = []; }
    }
    outbox.append(batch);
    if (outbox.stats().rows !== backlog) throw new Error(`pre-filled ${outbox.stats().rows} rows, expected ${backlog}`);
  } finally {
    outbox.close();
  }
  return { firstTs, lastTs: firstTs + (Math.ceil(backlog / tags) - 1) * pollMs };
}

/** The gateway's counters from its Prometheus endpoint (the /health schema leaves the replay figures out). */
async function gatewayCounters() {
  const text = await (await fetch(`http://127.0.0.1:${gatewayHttpPort}/metrics`)).text();
  const metric = (name: string) => text.split('\n').filter((l) => l.startsWith(name)).reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  return {
    at: performance.now(),
    published: metric('edgestock_points_published_total'),
    frames: metric('edgestock_frames_published_total'),
    queued: metric('edgestock_points_queued_total'),
    outboxRows: metric('edgestock_outbox_rows'),
  };
}

const parts: ChildPart[] = [];
const logs: string[] = [];
let bank: PausableRegisterBank | undefined;
let counts: CloudSampleCounts | undefined;
let sampler: ReturnType<typeof setInterval> | undefined;

try {
  bank = await startPausableRegisterBank({ port: modbusPort, registers: tags, stepMs: Math.max(10, Math.floor(pollMs / 2)) });
  progress(`pre-filling the outbox with ${backlog} rows for ${tags} tags${args['keep-dir'] ? ` (files kept in ${dir})` : ''}`);
  const backlogTs = prefillOutbox();
  const diskBeforeStart = sqliteFileBytes(outboxPath);

  writeFileSync(join(dir, 'cloud.yaml'), stringify({
    dataDir: join(dir, 'cloud'),
    http: { host: '127.0.0.1', port: httpPort },
    broker: { mode: 'embedded', host: '127.0.0.1', port: mqttPort, users: [{ username: 'gw-bench', password, group: identity.group, edge: identity.edge }] },
  }));
  writeFileSync(join(dir, 'site.yaml'), stringify(siteRaw));
  const keep = (name: string) => (line: string) => { logs.push(`${name}: ${line}`); };
  parts.push(startChildPart('cloud', ['cloud', '--config', join(dir, 'cloud.yaml')], { ...process.env, EDGESTOCK_LOG_LEVEL: 'warn' }, keep('cloud')));
  await waitFor('cloud health', () => getJson(`http://127.0.0.1:${httpPort}/api/health`), { timeoutMs: 60_000 });
  counts = openCloudSampleCounts(cloudStoreFile, identity);

  // The gateway's own log marks the two instants: its first session (with the backlog it found)
  // and the end of the replay (backlogRows reaches 0); this process notes when each line arrives.
  // GET /health cannot tell: its response schema (gateway/http/health-api.ts) serializes only six
  // north fields, and backlogRows and historicalPointsPublished are not among them.
  let sessionsSeen = 0;
  let online: { at: number; backlogRows: number } | undefined;
  let replayedAt: number | undefined;
  const gateway = startChildPart('gateway', ['gateway', '--config', join(dir, 'site.yaml')], { ...process.env, EDGESTOCK_LOG_LEVEL: 'info' }, (line) => {
    logs.push(`gateway: ${line}`);
    const session = /sparkplug edge node online.*backlogRows=(\d+)/.exec(line);
    if (session) {
      sessionsSeen++;
      online ??= { at: performance.now(), backlogRows: Number(session[1]) };
    }
    if (replayedAt === undefined && line.includes('store-and-forward backlog replayed')) replayedAt = performance.now();
  });
  parts.push(gateway);
  const pid = gateway.process.pid!;

  // Every sampleMs: gateway RSS, outbox files, and what the cloud holds for the device.
  interface Sample { at: number; rssMiB: number | undefined; diskBytes: number; cloud: DeviceSampleCounts; ageMs: number | null }
  const samples: Sample[] = [];
  const takeSample = (): Sample => {
    const cloud = counts!.device(backlogTs.lastTs);
    const sample = {
      at: performance.now(),
      rssMiB: processMemoryMiB(pid)?.rssMiB,
      diskBytes: sqliteFileBytes(outboxPath).totalBytes,
      cloud,
      ageMs: cloud.newestAfterTs === null ? null : Date.now() - cloud.newestAfterTs,
    };
    samples.push(sample);
    return sample;
  };
  sampler = setInterval(takeSample, sampleMs);

  await waitFor('the gateway\'s first MQTT session', () => online, { timeoutMs: 60_000, intervalMs: 5 });
  // A fresh gateway has published nothing before its first session: exact baselines, where a
  // /metrics scrape would come late. (What it queued before the birth is known at the end.)
  const atSession = { sample: takeSample(), counters: { published: 0, frames: 0 } };
  progress(`session up with a backlog of ${online!.backlogRows} rows; replay at ${site.north.replay.pointsPerS} points/s`);
  const expectedS = online!.backlogRows / site.north.replay.pointsPerS;
  const reporter = setInterval(() => {
    const last = samples.at(-1);
    if (last) progress(`${round((last.at - online!.at) / 1000)} s: cloud holds ${last.cloud.atOrBefore} backlog + ${last.cloud.after} live rows, gateway RSS ${last.rssMiB} MiB, outbox files ${mib(last.diskBytes)} MiB`);
  }, 2000);
  try {
    await waitFor('the backlog replayed', () => replayedAt, { timeoutMs: expectedS * 3000 + 120_000, intervalMs: 5 });
  } finally {
    clearInterval(reporter);
  }
  const atReplayed = { sample: takeSample(), counters: await gatewayCounters() };
  const cloudDrained = await waitFor('the cloud to store the whole backlog', () => {
    const sample = takeSample();
    return sample.cloud.atOrBefore >= backlog ? sample : undefined;
  }, { timeoutMs: 60_000, intervalMs: 20 });
  progress(`backlog replayed in ${round((replayedAt! - online!.at) / 1000, 2)} s (gateway), stored in ${round((cloudDrained.at - online!.at) / 1000, 2)} s (cloud); ${afterSeconds} s of live data after it`);
  await sleep(afterSeconds * 1000);
  const atEnd = { sample: takeSample(), memory: processMemoryMiB(pid), counters: await gatewayCounters() };
  clearInterval(sampler);
  sampler = undefined;

  // Quiet: the values stop changing, so the change filter queues nothing new and the outbox
  // empties; the gateway's published count (samples only, edge events not counted) is then final.
  progress('holding the device still, to compare what the gateway published with what the cloud stored');
  bank.pause();
  let previousPublished = -1;
  const quiet = await waitFor('the gateway to go quiet', async () => {
    const now = await gatewayCounters();
    const still = now.outboxRows === 0 && now.published === previousPublished;
    previousPublished = now.published;
    return still ? now : undefined;
  }, { timeoutMs: 30_000, intervalMs: Math.max(500, 3 * pollMs) });
  // The ingest stores a frame after the broker acknowledged it to the gateway: wait until still.
  let previousTotal = -1;
  const final = await waitFor('the cloud to store the last frames', () => {
    const now = counts!.device(backlogTs.lastTs);
    const still = now.atOrBefore + now.after === previousTotal;
    previousTotal = now.atOrBefore + now.after;
    return still ? now : undefined;
  }, { timeoutMs: 30_000, intervalMs: 500 });
  const ingest = (await getJson<{ ingest?: Record<string, number> }>(`http://127.0.0.1:${httpPort}/api/health`)).ingest ?? {};

  progress('stopping the gateway');
  await gateway.stop();
  const diskAfterStop = sqliteFileBytes(outboxPath);
  const leftover = openSqliteOutbox({ path: outboxPath, maxBytes: site.outbox.maxBytes });
  const outboxAfter = { rows: leftover.stats().rows, dropped: leftover.stats().dropped };
  leftover.close();

  const drainS = (replayedAt! - online!.at) / 1000;
  const cloudDrainS = (cloudDrained.at - online!.at) / 1000;
  const afterS = (atEnd.counters.at - atReplayed.counters.at) / 1000;
  // Every historical sample the cloud saw was replayed in this drain: the pre-filled rows and what
  // the gateway read before its birth; the rest of the backlog rows were edge events.
  const historicalSamples = ingest.historicalSamples ?? Number.NaN;
  const prebirthSamples = historicalSamples - backlog;
  const livePublished = atReplayed.counters.published - historicalSamples;
  const drainFrames = atReplayed.counters.frames - atSession.counters.frames;
  const liveFramesPerS = (atEnd.counters.frames - atReplayed.counters.frames) / afterS;
  const during = samples.filter((s) => s.at >= online!.at && s.at <= replayedAt!);
  const afterDrain = samples.filter((s) => s.at > cloudDrained.at);
  const ageFigures = (list: Sample[]) => {
    const ages = list.map((s) => s.ageMs).filter((a): a is number => a !== null);
    return { samples: ages.length, p50: percentile(ages, 50), max: ages.length ? Math.max(...ages) : null };
  };
  const rss = samples.map((s) => s.rssMiB).filter((r): r is number => r !== undefined);
  const disk = samples.map((s) => s.diskBytes);

  const result = {
    bench: 'store-and-forward',
    node: process.version,
    cpus: cpus().length,
    // The machine is shared: 1-minute load averages around the run say how quiet it was.
    loadAverage1m: { atStart: round(loadAtStart, 2), atEnd: round(loadavg()[0]!, 2) },
    setup: {
      processes: 'cloud (embedded aedes broker + ingest + SQLite store) and gateway as child processes; Modbus register bank in the bench process',
      backlogRowsPrefilled: backlog,
      tags,
      pollIntervalMs: pollMs,
      offeredLivePointsPerSecond: Math.round((tags * 1000) / pollMs),
      replayPointsPerS: site.north.replay.pointsPerS,
      batchSize: site.north.batchSize,
      maxMetricsPerFrame: site.north.maxMetricsPerFrame,
      outboxSynchronous: 'FULL',
      sampleIntervalMs: sampleMs,
    },
    drain: {
      backlogRowsAtFirstSession: online!.backlogRows,
      prebirthSamplesInBacklog: prebirthSamples,
      edgeEventRowsInBacklog: online!.backlogRows - historicalSamples,
      mqttSessions: sessionsSeen,
      gatewaySeconds: round(drainS, 2),
      gatewayRowsPerSecond: Math.round(online!.backlogRows / drainS),
      cloudStoredAllSeconds: round(cloudDrainS, 2),
      cloudRowsPerSecond: Math.round(backlog / cloudDrainS),
      ddataFramesDuringDrain: drainFrames,
      ddataFramesPerSecondDuringDrain: Math.round(drainFrames / drainS),
      // Live frames run at about one per poll whether or not a backlog is replayed beside them.
      historicalFramesPerSecondEstimate: Math.round(drainFrames / drainS - liveFramesPerS),
      historicalPointsPerFrameEstimate: round(historicalSamples / Math.max(1, drainFrames - liveFramesPerS * drainS)),
    },
    liveDuringDrain: {
      pointsQueued: atReplayed.counters.queued - prebirthSamples,
      pointsPublished: livePublished,
      pointsPerSecondPublished: Math.round(livePublished / drainS),
      // Samples read since the gateway started that the cloud stored meanwhile (the pre-birth ones came with the backlog).
      samplesReadSinceStartStoredInCloud: atReplayed.sample.cloud.after - atSession.sample.cloud.after,
      // now - the newest live ts stored, every --sample-ms: includes up to one poll interval.
      newestLiveSampleAgeInCloudMs: ageFigures(during),
      afterDrainForComparisonMs: ageFigures(afterDrain),
      liveFramesPerSecondAfterDrain: round(liveFramesPerS),
    },
    gatewayRssMiB: {
      atFirstSession: atSession.sample.rssMiB,
      peakSampled: rss.length ? Math.max(...rss) : null,
      peakKernelVmHWM: atEnd.memory?.peakRssMiB ?? null,
      atBacklogReplayed: atReplayed.sample.rssMiB,
      atEnd: atEnd.memory?.rssMiB ?? null,
    },
    outboxDiskMiB: {
      beforeStart: mib(diskBeforeStart.totalBytes),
      atFirstSession: mib(atSession.sample.diskBytes),
      peak: mib(Math.max(diskBeforeStart.totalBytes, ...disk)),
      atBacklogReplayed: mib(atReplayed.sample.diskBytes),
      atEnd: mib(atEnd.sample.diskBytes),
      afterGatewayStopped: mib(diskAfterStop.totalBytes),
      afterGatewayStoppedFiles: diskAfterStop,
    },
    cloudCheck: {
      backlogStored: final.atOrBefore,
      backlogExpected: backlog,
      samplesStoredInTotal: final.atOrBefore + final.after,
      samplesPublishedByGateway: quiet.published,
      rowsLeftInOutbox: outboxAfter.rows,
      rowsDroppedByOutbox: outboxAfter.dropped,
      // The store keeps one sample per (tag, ts): equal counts mean every sample once, none missing.
      everySampleStoredOnce: final.atOrBefore === backlog && final.atOrBefore + final.after === quiet.published,
      // Each DBIRTH repeats a tag's current value, which is also a queued row: one duplicate per tag and birth.
      ingestDuplicatesAbsorbed: ingest.duplicates ?? null,
      ingestHistoricalSamples: ingest.historicalSamples ?? null,
      ingestBirths: ingest.births ?? null,
      ingestRebirthRequests: ingest.rebirthRequests ?? null,
      ingestSeqGaps: ingest.seqGaps ?? null,
      ingestFramesRejected: ingest.framesRejected ?? null,
    },
  };
  console.log(args.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
} catch (err) {
  process.stderr.write(`${logs.slice(-40).join('\n')}\n`);
  throw err;
} finally {
  if (sampler) clearInterval(sampler);
  for (const part of parts.reverse()) await part.stop();
  counts?.close();
  await bank?.close();
  if (!args['keep-dir']) rmSync(dir, { recursive: true, force: true });
}
