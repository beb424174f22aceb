/**
 * bench/fusion-latency: source report -> derived figures latency through the HTTP API (issue 7,
 * item 4: "a source report is reflected in every derived figure well within 3 seconds").
 *
 *   A real cloud app (openTestCloud: accounts, access control, error handler) with the fusion
 *   routes over a real fusion store on a SQLite file, listening on 127.0.0.1; 500 SKUs in the
 *   inventory catalogue; the worked case's sources and dictionary. A client in this process posts
 *   reports (WMS physical, Meituan pending outbound, Douyin presale lock and sellable, values
 *   drifting within tolerance) with an API token, `--concurrency` at a time. The answer to POST
 *   /api/fusion/reports carries the derived figures the report changed (recomputed in the
 *   report's transaction), so its round trip is the report -> derived figures latency. Every
 *   `--verify-every`th report is followed by GET .../lineage of erp.available, which must name
 *   that report when it set an input: read-after-write, timed as well.
 * Progress on stderr, JSON on stdout.
 *
 *   npm run bench -- fusion-latency [--reports 2000] [--skus 500] [--concurrency 8] [--verify-every 20] [--warmup 100]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../connectors/clock.ts';
import { SqliteInventoryCatalog } from '../cloud/inventory/catalog.ts';
import type { ReportInput } from '../cloud/inventory/fusion/fusion-types.ts';
import { catalogSkus, openFusion } from '../cloud/inventory/fusion/open-fusion.ts';
import { workedDictionary, workedSources } from '../cloud/inventory/fusion/worked-case.ts';
import { openDatabase } from '../cloud/store/database.ts';
import { fusionRoutes } from '../cloud/web/routes/fusion.ts';
import { openTestCloud } from '../cloud/web/test-fixture.ts';

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    reports: { type: 'string', default: '2000' },
    skus: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '8' },
    'verify-every': { type: 'string', default: '20' },
    warmup: { type: 'string', default: '100' },
  },
});
const reportCount = Number(args.reports);
const skuCount = Number(args.skus);
const concurrency = Number(args.concurrency);
const verifyEvery = Number(args['verify-every']);
const warmup = Number(args.warmup);
for (const [name, value] of Object.entries({ reports: reportCount, skus: skuCount, concurrency, 'verify-every': verifyEvery })) {
  if (!(Number.isInteger(value) && value > 0)) throw new Error(`--${name}: expected a whole number above 0, found ${String(value)}`);
}
if (!(Number.isInteger(warmup) && warmup >= 0)) throw new Error(`--warmup: expected a whole number of 0 or more, found ${String(warmup)}`);

const GOAL_MS = 3000;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (ms: number) => Math.round(ms * 100) / 100;
const log = (text: string) => process.stderr.write(`${text}\n`);

const dir = mkdtempSync(join(tmpdir(), 'edgestock-fusion-bench-'));
const file = join(dir, 'inventory.sqlite');
const db = openDatabase(file);
let fusion = openFusion(file, { clock: systemClock, skus: { has: () => false, all: () => [] } });
fusion.close();
const catalog = new SqliteInventoryCatalog(db, systemClock);
catalog.putCategory({ id: 'bench', name: 'Bench goods' });
const skus = Array.from({ length: skuCount }, (_, i) => `BENCH-${String(i + 1).padStart(4, '0')}`);
db.transaction(() => { for (const sku of skus) catalog.putItem({ sku, name: `Bench item ${sku}`, category: 'bench', lotTracked: false }); })();
fusion = openFusion(file, { clock: systemClock, skus: catalogSkus(catalog) });
for (const source of workedSources) fusion.fusion.putSource(source, 'bench');
fusion.fusion.putDictionary(workedDictionary, { actor: 'bench', why: 'fusion-latency bench' });

const served = await openTestCloud({ beforeReady: (app) => app.register(fusionRoutes, { fusion: fusion.fusion }) });
await served.app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(served.app.server.address() as AddressInfo).port}`;
const token = served.tokenFor('warehouse_operator');
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

// Figures drift by at most 1 unit per report, well within every source's tolerance: all apply.
const kinds = [
  { source: 'wms', figure: 'physical', start: 168 },
  { source: 'meituan', figure: 'pending_outbound', start: 12 },
  { source: 'douyin', figure: 'presale_lock', start: 8 },
  { source: 'douyin', figure: 'sellable', start: 152 },
] as const;
const values = new Map<string, number>();
let sequence = 0;
const nextReport = (i: number): ReportInput => {
  const sku = skus[(i * 7919) % skus.length]!;
  const kind = kinds[i % kinds.length]!;
  const key = `${sku}/${kind.source}/${kind.figure}`;
  const value = Math.max(0, (values.get(key) ?? kind.start) + ((i * 31) % 3) - 1);
  values.set(key, value);
  return { source: kind.source, messageId: `bench-${++sequence}`, sku, figure: kind.figure, value, raw: JSON.stringify({ sku, [kind.figure]: value, seq: sequence }) };
};

interface Sample { reportMs: number; verifyMs: number | null; status: string; changed: number }
async function send(i: number, verify: boolean): Promise<Sample> {
  const report = nextReport(i);
  const started = performance.now();
  const response = await fetch(`${base}/api/fusion/reports`, { method: 'POST', headers, body: JSON.stringify(report) });
  const body = await response.json() as { report: { id: number; status: string }; changed: Array<{ figure: string; value: number | null }> };
  const reportMs = performance.now() - started;
  if (response.status !== 201) throw new Error(`report ${i}: HTTP ${response.status} ${JSON.stringify(body)}`);
  let verifyMs: number | null = null;
  if (verify && report.figure !== 'sellable') {
    const lineage = await (await fetch(`${base}/api/fusion/figures/${report.sku}/erp.available/lineage`, { headers })).json() as { inputs: Array<{ cells: Array<{ reportId: number | null; source: string }> }> };
    verifyMs = performance.now() - started;
    const ids = lineage.inputs.flatMap((input) => input.cells.map((c) => c.reportId));
    // Later reports of the same cell (sent concurrently) may have replaced it; with concurrency 1 it must be this one.
    if (concurrency === 1 && !ids.includes(body.report.id)) throw new Error(`report ${body.report.id} is not in the lineage of erp.available of ${report.sku}: ${JSON.stringify(ids)}`);
  }
  return { reportMs, verifyMs, status: body.report.status, changed: body.changed.length };
}

async function run(count: number, offset: number): Promise<{ samples: Sample[]; wallMs: number }> {
  const samples: Sample[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++;
      samples.push(await send(offset + i, (offset + i) % verifyEvery === 0));
      if (samples.length % 500 === 0) log(`fusion-latency: ${samples.length}/${count} reports`);
    }
  }));
  return { samples, wallMs: performance.now() - started };
}

try {
  if (warmup > 0) await run(warmup, 0);
  const { samples, wallMs } = await run(reportCount, warmup);
  const latencies = samples.map((s) => s.reportMs).sort((a, b) => a - b);
  const verified = samples.flatMap((s) => (s.verifyMs === null ? [] : [s.verifyMs])).sort((a, b) => a - b);
  const p99 = percentile(latencies, 99);
  process.stdout.write(`${JSON.stringify({
    bench: 'fusion-latency',
    what: 'POST /api/fusion/reports round trip over HTTP on 127.0.0.1; the answer carries the derived figures recomputed in the report\'s transaction',
    reports: reportCount, skus: skuCount, concurrency, warmup,
    applied: samples.filter((s) => s.status === 'applied').length,
    pending: samples.filter((s) => s.status === 'pending').length,
    derivedFiguresChanged: samples.reduce((sum, s) => sum + s.changed, 0),
    reportToFiguresMs: { p50: round(percentile(latencies, 50)), p99: round(p99), max: round(latencies.at(-1)!), mean: round(latencies.reduce((a, b) => a + b, 0) / latencies.length) },
    reportThenLineageReadMs: verified.length === 0 ? null : { samples: verified.length, p50: round(percentile(verified, 50)), p99: round(percentile(verified, 99)) },
    reportsPerSecond: Math.round(reportCount / (wallMs / 1000)),
    goalMs: GOAL_MS,
    withinGoal: p99 < GOAL_MS,
    node: process.version,
  }, null, 2)}\n`);
} finally {
  await served.close();
  fusion.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
