/**
 * A separate process reserving on the same ledger file, for the reservation concurrency test:
 * it opens its own connection, says `{"ready":true}`, then for each stdin line `{"round":n,"qty":q}`
 * (the parent writes the line to every worker at once: the barrier) tries one order reservation
 * of `q` units and prints one JSON line: `{"round":n,"ok":true,"id":..}` or the refusal's code.
 * Exits when stdin ends. Run: node --import tsx reserve-worker.ts <file> <sku>.
 */
import { createInterface } from 'node:readline';
import { openDatabase } from '../../store/database.ts';
import { InventoryError } from '../inventory-errors.ts';
import { SqliteReservations } from '../reservations.ts';

const [file, sku] = process.argv.slice(2);
const db = openDatabase(file!);
const reservations = new SqliteReservations(db, { now: () => Date.now() });
const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);

say({ ready: true });
for await (const line of createInterface({ input: process.stdin })) {
  const { round, qty } = JSON.parse(line) as { round: number; qty: number };
  try {
    const reservation = reservations.reserve({ sku: sku!, kind: 'order', qty }, { actor: `worker-${process.pid}` });
    say({ round, ok: true, id: reservation.id, qty });
  } catch (error) {
    if (!(error instanceof InventoryError)) {
      say({ round, ok: false, code: 'UNEXPECTED', message: String(error), qty });
    } else {
      say({ round, ok: false, code: error.code, qty });
    }
  }
}
db.close();
