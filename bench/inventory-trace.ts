/**
 * bench/inventory-trace: lot-trace latency on a large ledger (issue 7 "Measure": trace under 1 s
 * with 1,000,000 moves in the ledger).
 *
 *   1. A ledger of --moves moves (default 1,000,000; support/inventory-ledger-data.ts: ~1,000
 *      SKUs, ~20,000 lots, ~300 locations, supplier -> dock -> shelf -> transfer -> customer),
 *      plus --orders production orders (default 1,000), each consuming from a lot on hand and
 *      outputting a new lot, some consuming earlier outputs, so traces follow production links.
 *   2. --traces random lots (default 200; half of them linked by production) are traced both
 *      ways (LotTrace.trace, the route's work) -> p50/p99/max; then each exported as CSV
 *      (traceCsv, default sort) -> p50/p99/max and the mean rows per CSV.
 *
 * Progress on stderr, one JSON object on stdout.
 *
 *   npm run bench -- inventory-trace [--moves 1000000] [--orders 1000] [--traces 200] [--keep-dir]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../connectors/clock.ts';
import { SqliteInventoryCatalog } from '../cloud/inventory/catalog.ts';
import { LotTrace } from '../cloud/inventory/lot-trace.ts';
import { SqliteLedger } from '../cloud/inventory/sqlite-ledger.ts';
import { traceCsv } from '../cloud/inventory/trace-csv.ts';
import { openDatabase, type SqliteDatabase } from '../cloud/store/database.ts';
import { fillLedger, seededRandom } from './support/inventory-ledger-data.ts';

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    moves: { type: 'string', default: '1000000' },
    orders: { type: 'string', default: '1000' },
    traces: { type: 'string', default: '200' },
    'keep-dir': { type: 'boolean', default: false },
  },
});
const moveCount = Number(args.moves);
const orderCount = Number(args.orders);
const traceCount = Number(args.traces);
for (const [name, value] of Object.entries({ moves: moveCount, orders: orderCount, traces: traceCount })) {
  if (!(value >= 0) || !Number.isInteger(value)) throw new Error(`--${name}: expected a whole number of 0 or more, found ${String(value)}`);
}
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

function percentiles(samples: number[]): { p50Ms: number; p99Ms: number; maxMs: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50Ms: round(at(0.5)), p99Ms: round(at(0.99)), maxMs: round(sorted.at(-1) ?? 0), n: sorted.length };
}

/**
 * Production orders on the filled ledger: each consumes 1 to 5 units of a lot-tracked lot on a
 * shelf (a third of them an earlier order's output, so links go several orders deep) and outputs
 * a new lot of another SKU onto the same shelf. Returns the lots involved.
 */
function addProduction(db: SqliteDatabase, orders: number): { posted: number; involved: Array<{ sku: string; batch: string }> } {
  const random = seededRandom(11);
  const catalog = new SqliteInventoryCatalog(db, systemClock);
  const ledger = new SqliteLedger(db, systemClock);
  catalog.putLocation({ code: 'PRODUCTION', kind: 'production', allowNegative: true });
  const onHand = db.prepare(`SELECT b.sku, l.batch, b.location, b.qty FROM inv_balance b JOIN inv_lot l ON l.id = b.lot_key
      JOIN inv_location loc ON loc.code = b.location WHERE loc.kind = 'shelf' AND b.qty >= 5 ORDER BY b.sku, b.location, b.lot_key LIMIT 20000`)
    .all() as Array<{ sku: string; batch: string; location: string; qty: number }>;
  const skus = [...new Set(onHand.map((r) => r.sku))];
  const outputs: Array<{ sku: string; batch: string; location: string; qty: number }> = [];
  const involved: Array<{ sku: string; batch: string }> = [];
  let posted = 0;
  for (let i = 0; i < orders && onHand.length > 0; i++) {
    const fromOutputs = outputs.length > 0 && random() < 0.33;
    const pool = fromOutputs ? outputs : onHand;
    const input = pool[Math.floor(random() * pool.length)]!;
    if (input.qty < 1) continue;
    const qty = Math.min(input.qty, 1 + Math.floor(random() * 5));
    input.qty -= qty;
    const output = { sku: skus[Math.floor(random() * skus.length)]!, batch: `MO${String(i).padStart(6, '0')}`, location: input.location, qty: 10 };
    ledger.post([
      { sku: input.sku, lot: input.batch, qty, from: input.location, to: 'PRODUCTION', reason: 'production_consume', docType: 'MO', docId: `MO-${i}` },
      { sku: output.sku, lot: output.batch, expiry: '2030-12-31', qty: output.qty, from: 'PRODUCTION', to: output.location, reason: 'production_output', docType: 'MO', docId: `MO-${i}` },
    ], { actor: 'bench' });
    posted++;
    outputs.push(output);
    involved.push({ sku: input.sku, batch: input.batch }, { sku: output.sku, batch: output.batch });
  }
  return { posted, involved };
}

const dir = mkdtempSync(join(tmpdir(), 'edgestock-bench-trace-'));
const file = join(dir, 'ledger.sqlite');
try {
  progress(`filling a ledger of ${moveCount} moves in ${file}`);
  const filled = fillLedger(file, { moves: moveCount, onProgress: (line) => process.stderr.write(`bench: ${line}`) });
  const db = openDatabase(file);
  const productionStarted = performance.now();
  const { posted: ordersPosted, involved: linked } = addProduction(db, orderCount);
  progress(`${ordersPosted} production orders posted in ${Math.round(performance.now() - productionStarted)} ms`);

  const random = seededRandom(23);
  const allLots = db.prepare('SELECT sku, batch FROM inv_lot ORDER BY id').all() as Array<{ sku: string; batch: string }>;
  const picks = Array.from({ length: traceCount }, (_, i) => {
    const pool = i % 2 === 1 && linked.length > 0 ? linked : allLots;
    return pool[Math.floor(random() * pool.length)]!;
  });
  const trace = new LotTrace(db, systemClock);
  trace.trace(picks[0]!.sku, picks[0]!.batch); // warm the statement cache and the page cache's root pages
  const traceMs: number[] = [];
  const csvMs: number[] = [];
  let moves = 0;
  let links = 0;
  let rows = 0;
  for (const { sku, batch } of picks) {
    const started = performance.now();
    const result = trace.trace(sku, batch, { direction: 'both' });
    traceMs.push(performance.now() - started);
    if (!result) throw new Error(`lot ${sku}/${batch} was not found: the bench picked a lot that does not exist`);
    moves += result.moves.length;
    links += result.forward!.produced.length + result.backward!.inputs.length;
    const csvStarted = performance.now();
    const csv = traceCsv(result);
    csvMs.push(performance.now() - csvStarted);
    rows += csv.split('\r\n').length - 2;
  }
  const counts = db.prepare('SELECT (SELECT COUNT(*) FROM inv_move) AS moves, (SELECT COUNT(*) FROM inv_lot) AS lots').get() as { moves: number; lots: number };
  db.close();
  const trace1s = percentiles(traceMs);
  process.stdout.write(`${JSON.stringify({
    bench: 'inventory-trace',
    ledger: { moves: counts.moves, lots: counts.lots, skus: filled.skus.length, locations: filled.locations, fileMb: round(statSync(file).size / 1e6, 1), fillMovesPerSecond: filled.movesPerSecond },
    productionOrders: ordersPosted,
    traceLatency: { ...trace1s, meanMovesPerLot: round(moves / picks.length, 1), meanProductionLinks: round(links / picks.length, 2), goalMs: 1000, withinGoal: trace1s.p99Ms < 1000 },
    csvExport: { ...percentiles(csvMs), meanRows: round(rows / picks.length, 1) },
    host: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
  })}\n`);
} finally {
  if (args['keep-dir']) progress(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
