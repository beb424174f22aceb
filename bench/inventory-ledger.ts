/**
 * bench/inventory-ledger: the stock ledger's throughput and read latency on a real SQLite file.
 *
 *   1. Moves posted per second on a fresh ledger: one move per post (one IMMEDIATE transaction
 *      each, every check and both balances), then 100 moves per post.
 *   2. A ledger of --moves moves (default 1,000,000; support/inventory-ledger-data.ts: ~1,000
 *      SKUs, ~20,000 lots, ~300 locations, supplier -> dock -> shelf -> transfer -> customer).
 *   3. On it: posting again (1 and 100 per post), balance query latency p50/p99 by SKU, by
 *      location and for one key, and the drift check's duration (rebuild every balance).
 *
 * Progress on stderr, one JSON object on stdout.
 *
 *   npm run bench -- inventory-ledger [--moves 1000000] [--seconds 5] [--queries 2000] [--keep-dir]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../connectors/clock.ts';
import type { MoveInput } from '../cloud/inventory/inventory-types.ts';
import { SqliteLedger } from '../cloud/inventory/sqlite-ledger.ts';
import { openDatabase } from '../cloud/store/database.ts';
import { fillLedger, seededRandom } from './support/inventory-ledger-data.ts';

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    moves: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '5' },
    queries: { type: 'string', default: '2000' },
    'keep-dir': { type: 'boolean', default: false },
  },
});
const moveCount = Number(args.moves);
const seconds = Number(args.seconds);
const queryCount = Number(args.queries);
for (const [name, value] of Object.entries({ moves: moveCount, seconds, queries: queryCount })) {
  if (!(value > 0) || !Number.isFinite(value)) throw new Error(`--${name}: expected a number above 0, found ${String(value)}`);
}
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

function percentiles(samples: number[]): { p50Ms: number; p99Ms: number; maxMs: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50Ms: round(at(0.5)), p99Ms: round(at(0.99)), maxMs: round(sorted.at(-1)!), n: sorted.length };
}

/**
 * Posts transfers back and forth between two shelves for `seconds`, `perPost` moves per post;
 * stock is put there first, so every post passes every check.
 */
function postRate(ledger: SqliteLedger, perPost: number, shelves: [string, string], sku: string): { movesPerSecond: number; postsPerSecond: number; moves: number } {
  const lot = `BENCH-${perPost}-${Date.now() % 100000}`;
  ledger.post([{ sku, lot, expiry: '2031-12-31', qty: 1_000_000, from: 'SUP-01', to: shelves[0], reason: 'receipt' }], { actor: 'bench' });
  const there: MoveInput = { sku, lot, qty: 1, from: shelves[0], to: shelves[1], reason: 'transfer' };
  const back: MoveInput = { ...there, from: shelves[1], to: shelves[0] };
  const batch = Array.from({ length: perPost }, (_, i) => (i % 2 === 0 ? there : back));
  const started = performance.now();
  let posts = 0;
  while (performance.now() - started < seconds * 1000) {
    ledger.post(batch, { actor: 'bench' });
    posts++;
  }
  const elapsed = (performance.now() - started) / 1000;
  return { movesPerSecond: Math.round((posts * perPost) / elapsed), postsPerSecond: Math.round(posts / elapsed), moves: posts * perPost };
}

const dir = mkdtempSync(join(tmpdir(), 'edgestock-bench-ledger-'));
try {
  // 1. A fresh ledger: the same catalogue, a handful of moves.
  progress('fresh ledger: posting rate');
  const freshFile = join(dir, 'fresh.sqlite');
  const fresh = fillLedger(freshFile, { moves: 1000 });
  let db = openDatabase(freshFile);
  let ledger = new SqliteLedger(db, systemClock);
  const freshShelves: [string, string] = [fresh.shelves[0]!, fresh.shelves[1]!];
  const freshOne = postRate(ledger, 1, freshShelves, fresh.skus[0]!);
  const freshHundred = postRate(ledger, 100, freshShelves, fresh.skus[0]!);
  db.close();

  // 2. The big ledger.
  progress(`filling a ledger with ${moveCount} moves`);
  const file = join(dir, 'ledger.sqlite');
  const filled = fillLedger(file, { moves: moveCount, onProgress: (line) => process.stderr.write(`bench: ${line}`) });
  db = openDatabase(file);
  ledger = new SqliteLedger(db, systemClock);
  const counts = ledger.counts();
  progress(`filled: ${counts.moves} moves, ${counts.balances} balances, ${filled.lots} lots in ${Math.round(filled.durationMs / 1000)} s`);

  // 3. Reads on it.
  const random = seededRandom(11);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const keys = db.prepare('SELECT sku, location, lot_key FROM inv_balance WHERE qty > 0 ORDER BY random() LIMIT 5000').all() as Array<{ sku: string; location: string; lot_key: number }>;
  const time = (fn: () => unknown) => {
    const samples: number[] = [];
    let rows = 0;
    for (let i = 0; i < queryCount; i++) {
      const t = performance.now();
      const result = fn() as unknown[];
      samples.push(performance.now() - t);
      rows += result.length;
    }
    return { ...percentiles(samples), meanRows: round(rows / queryCount, 1) };
  };
  progress('balance queries');
  const bySku = time(() => ledger.balances({ sku: pick(filled.skus) }));
  const byLocation = time(() => ledger.balances({ location: pick(filled.shelves) }));
  const oneKey = time(() => {
    const key = pick(keys);
    return ledger.balances({ sku: key.sku, location: key.location, lotId: key.lot_key });
  });
  const movesOfLot = time(() => ledger.moves({ lotId: pick(keys.filter((k) => k.lot_key !== 0)).lot_key, limit: 100 }));

  progress('posting on the full ledger');
  const fullShelves: [string, string] = [filled.shelves[3]!, filled.shelves[4]!];
  const fullOne = postRate(ledger, 1, fullShelves, filled.skus[0]!);
  const fullHundred = postRate(ledger, 100, fullShelves, filled.skus[0]!);

  progress('drift check');
  const drift = [ledger.driftCheck(), ledger.driftCheck()];
  const fileBytes = statSync(file).size;
  db.close();

  process.stdout.write(`${JSON.stringify({
    bench: 'inventory-ledger',
    host: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
    freshLedger: { onePerPost: freshOne, hundredPerPost: freshHundred },
    fill: { moves: filled.moves, lots: filled.lots, skus: filled.skus.length, locations: filled.locations, seconds: round(filled.durationMs / 1000, 1), movesPerSecond: filled.movesPerSecond, fileMB: round(fileBytes / 1e6, 1) },
    fullLedger: {
      moves: counts.moves, balances: counts.balances,
      balanceQuery: { bySku, byLocation, oneKey }, movesOfLot,
      onePerPost: fullOne, hundredPerPost: fullHundred,
      driftCheck: { durationMs: drift.map((d) => d.durationMs), findings: drift[1]!.findings.length, moves: drift[1]!.moves, balances: drift[1]!.balances },
    },
  }, null, 2)}\n`);
} finally {
  if (args['keep-dir']) progress(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
