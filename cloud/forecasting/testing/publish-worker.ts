/**
 * A separate process publishing one factor sandbox on a shared cloud file, for the concurrent
 * publish test: waits until `startAt` so every worker publishes at the same moment, then prints
 * `{ version }` or `{ refused: code }` as one JSON line.
 * Usage: node --import tsx publish-worker.ts <file> <startAt> <sandboxId> <actor>
 */
import { openDatabase } from '../../store/database.ts';
import { FactorVersionError, FactorVersions } from '../factor-versions.ts';

const [file, startAt, sandboxId, actor] = process.argv.slice(2);
const db = openDatabase(file!);
const versions = new FactorVersions(db, () => Date.now());
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
try {
  const published = versions.publish(sandboxId!, { actor: actor!, reason: `published by ${actor}` });
  process.stdout.write(`${JSON.stringify({ version: published.version })}\n`);
} catch (error) {
  if (!(error instanceof FactorVersionError)) throw error;
  process.stdout.write(`${JSON.stringify({ refused: error.code })}\n`);
} finally {
  db.close();
}
