/**
 * Issue 7: "20 concurrent reservers (separate connections or processes) on 10 units: no
 * oversell, ever (run it many times)". Twenty child processes, each with its own connection to
 * one SQLite file, are started once and then released together round after round (one stdin
 * line written to all of them is the barrier). Each round every worker tries to reserve; after
 * each round the test reads the tables directly: exactly the stock was reserved, never more,
 * and no key's open reservations exceed its balance. Between rounds everything is released.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteReservations } from './reservations.ts';
import { openInventoryFixture, SKU, type InventoryFixture } from './testing/inventory-fixture.ts';

const WORKERS = 20;
const UNITS = 10;
const ONE_UNIT_ROUNDS = 100;
const MIXED_ROUNDS = 20;
const workerScript = fileURLToPath(new URL('./testing/reserve-worker.ts', import.meta.url));

interface Answer { round: number; ok: boolean; id?: number; code?: string; qty: number; message?: string }

/** A worker process and the lines it has printed, awaited one at a time. */
class Worker {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: string[] = [];
  readonly #waiting: Array<(line: string) => void> = [];
  #stderr = '';

  constructor(file: string) {
    this.#child = spawn(process.execPath, ['--import', 'tsx', workerScript, file, SKU.milk], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stderr.on('data', (chunk: Buffer) => { this.#stderr += chunk.toString(); });
    createInterface({ input: this.#child.stdout }).on('line', (line) => {
      const waiter = this.#waiting.shift();
      if (waiter) waiter(line); else this.#lines.push(line);
    });
  }

  next(timeoutMs = 20_000): Promise<Answer & { ready?: boolean }> {
    const queued = this.#lines.shift();
    if (queued !== undefined) return Promise.resolve(JSON.parse(queued));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker ${this.#child.pid} said nothing for ${timeoutMs} ms; stderr: ${this.#stderr}`)), timeoutMs);
      this.#waiting.push((line) => { clearTimeout(timer); resolve(JSON.parse(line)); });
    });
  }

  send(command: object): void {
    this.#child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#child.exitCode !== null) return resolve();
      this.#child.once('exit', () => resolve());
      this.#child.stdin.end();
    });
  }
}

let f: InventoryFixture;
let reservations: SqliteReservations;
let workers: Worker[] = [];

beforeAll(async () => {
  f = openInventoryFixture({ start: Date.now() });
  reservations = new SqliteReservations(f.db, f.clock);
  // Two lots on two shelves, so allocations cross keys.
  f.receive({ sku: SKU.milk, lot: 'L1', expiry: '2099-06-30', qty: 6, to: 'B10' });
  f.receive({ sku: SKU.milk, lot: 'L2', expiry: '2099-12-31', qty: UNITS - 6, to: 'B11' });
  workers = Array.from({ length: WORKERS }, () => new Worker(f.file));
  const hellos = await Promise.all(workers.map((w) => w.next(30_000)));
  expect(hellos.every((h) => h.ready)).toBe(true);
}, 40_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  f?.close();
});

/** Releases every worker at once with its quantity and collects the answers. */
async function round(round: number, qtyOf: (worker: number) => number): Promise<Answer[]> {
  workers.forEach((w, i) => w.send({ round, qty: qtyOf(i) }));
  const answers = await Promise.all(workers.map((w) => w.next()));
  expect(answers.map((a) => a.round)).toEqual(Array(WORKERS).fill(round));
  return answers;
}

/** Read from the tables, not through the code under test. */
function openReservedAgainstBalances() {
  const keys = f.db.prepare(`SELECT b.location, b.lot_key, b.qty AS balance, IFNULL((SELECT SUM(l.qty - l.fulfilled) FROM inv_reservation_line l
      JOIN inv_reservation r ON r.id = l.reservation_id WHERE r.status = 'active' AND l.sku = b.sku AND l.location = b.location AND l.lot_key = b.lot_key), 0) AS reserved
    FROM inv_balance b JOIN inv_location loc ON loc.code = b.location WHERE b.sku = ? AND loc.kind IN ('warehouse', 'zone', 'shelf')`).all(SKU.milk) as Array<{ balance: number; reserved: number }>;
  const reservedTotal = f.db.prepare(`SELECT IFNULL(SUM(qty), 0) FROM inv_reservation WHERE status = 'active' AND sku = ?`).pluck().get(SKU.milk) as number;
  return { keys, reservedTotal };
}

function releaseAll(): void {
  for (const r of reservations.list({ status: 'active', limit: 500 })) reservations.release(r.id, { actor: 'test' });
}

describe('20 reservers in separate processes on 10 units', () => {
  it(`never oversells: ${ONE_UNIT_ROUNDS} rounds of 1 unit each, exactly 10 succeed`, async () => {
    for (let n = 1; n <= ONE_UNIT_ROUNDS; n++) {
      const answers = await round(n, () => 1);
      const won = answers.filter((a) => a.ok);
      expect(won, `round ${n}`).toHaveLength(UNITS);
      expect(new Set(answers.filter((a) => !a.ok).map((a) => a.code)), `round ${n}`).toEqual(new Set(['INSUFFICIENT_STOCK']));
      expect(new Set(won.map((a) => a.id)).size).toBe(UNITS);
      const { keys, reservedTotal } = openReservedAgainstBalances();
      expect(reservedTotal, `round ${n}`).toBe(UNITS);
      for (const key of keys) expect(key.reserved, `round ${n}`).toBeLessThanOrEqual(key.balance);
      releaseAll();
      expect(openReservedAgainstBalances().reservedTotal).toBe(0);
    }
  }, 60_000);

  it(`never oversells with 2 or 3 units each: ${MIXED_ROUNDS} rounds, and refuses only when too little is left`, async () => {
    for (let n = 1; n <= MIXED_ROUNDS; n++) {
      const answers = await round(100 + n, (i) => 2 + ((i + n) % 2));
      const reserved = answers.filter((a) => a.ok).reduce((sum, a) => sum + a.qty, 0);
      const refused = answers.filter((a) => !a.ok);
      expect(new Set(refused.map((a) => a.code)), `round ${n}`).toEqual(new Set(['INSUFFICIENT_STOCK']));
      expect(reserved, `round ${n}`).toBeLessThanOrEqual(UNITS);
      // Free stock only shrinks during a round, so each refusal saw less than it asked and so does the end.
      expect(UNITS - reserved, `round ${n}`).toBeLessThan(Math.min(...refused.map((a) => a.qty)));
      const { keys, reservedTotal } = openReservedAgainstBalances();
      expect(reservedTotal).toBe(reserved);
      for (const key of keys) expect(key.reserved).toBeLessThanOrEqual(key.balance);
      releaseAll();
    }
    expect(f.ledger.driftCheck()).toMatchObject({ findings: [], overReserved: [] });
  }, 60_000);
});
