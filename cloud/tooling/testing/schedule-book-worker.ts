/**
 * A separate process booking one production order on a shared cloud file, for the schedule's
 * concurrency test: waits until `startAt` so every worker writes at the same moment, then prints
 * `{ booked: true }` or `{ booked: false, code }` as one JSON line.
 * Usage: node --import tsx schedule-book-worker.ts <file> <startAt> <orderId> <startMs> <endMs>
 */
import { openDatabase } from '../../store/database.ts';
import { ProductionSchedule } from '../production-schedule.ts';
import { ScheduleError } from '../schedule-error.ts';

const [file, startAt, id, start, end] = process.argv.slice(2);
const db = openDatabase(file!);
const schedule = new ProductionSchedule(db, { now: () => Date.now() });
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
try {
  schedule.put(id!, { machine: 'IMM-01', sku: 'CAP-28', qty: 100, start: Number(start), end: Number(end) }, `worker-${id}`);
  process.stdout.write(`${JSON.stringify({ booked: true })}\n`);
} catch (error) {
  if (!(error instanceof ScheduleError)) throw error;
  process.stdout.write(`${JSON.stringify({ booked: false, code: error.code })}\n`);
} finally {
  db.close();
}
