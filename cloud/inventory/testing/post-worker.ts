/**
 * A separate process posting moves on the same ledger file, for the concurrency tests: it opens
 * its own connection, waits for the start time (so every worker starts together), posts each
 * move of argv as a post of its own, and prints one JSON line: how many were posted and the
 * codes of those refused. Run: node --import tsx post-worker.ts <file> <startAtMs> <moves JSON>.
 */
import { openDatabase } from '../../store/database.ts';
import { InventoryError } from '../inventory-errors.ts';
import type { MoveInput } from '../inventory-types.ts';
import { SqliteLedger } from '../sqlite-ledger.ts';

const [file, startAt, movesJson] = process.argv.slice(2);
const db = openDatabase(file!);
const ledger = new SqliteLedger(db, { now: () => Date.now() });
const moves = JSON.parse(movesJson!) as MoveInput[];
while (Date.now() < Number(startAt)) { /* spin: start together with the other workers */ }
let posted = 0;
const refused: string[] = [];
for (const move of moves) {
  try {
    ledger.post([move], { actor: `worker-${process.pid}` });
    posted++;
  } catch (error) {
    if (!(error instanceof InventoryError)) throw error;
    refused.push(error.code);
  }
}
db.close();
process.stdout.write(`${JSON.stringify({ posted, refused })}\n`);
