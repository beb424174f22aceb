/**
 * NORMAL vs FULL for the outbox, with the gateway's batch shapes. Run:
 *   node --import tsx gateway/outbox/sync-mode-bench.ts [dir]
 * `dir` should be on the filesystem the gateway's dataDir uses (tmpfs makes fsync free).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteOutbox, type SqliteSynchronous } from './sqlite-outbox.ts';

const dir = mkdtempSync(join(process.argv[2] ?? tmpdir(), 'outbox-bench-'));
const TOTAL_ROWS = 20_000;

function run(synchronous: SqliteSynchronous, batchSize: number): number {
  const path = join(dir, `${synchronous}-${batchSize}.sqlite`);
  const outbox = new SqliteOutbox({ path, maxBytes: 1 << 30, synchronous });
  const batches = Math.max(1, Math.floor(TOTAL_ROWS / batchSize));
  const started = process.hrtime.bigint();
  let i = 0;
  for (let b = 0; b < batches; b++) {
    const batch = Array.from({ length: batchSize }, () => ({ device: 'shelf-sensors', tag: `B1${i % 8}/temperature`, value: 4 + (i++ % 40) / 10, quality: 'good' as const, ts: Date.now() }));
    outbox.append(batch);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  outbox.close();
  return (batches * batchSize) / seconds;
}

const rows: string[] = [];
for (const batchSize of [1, 10, 40, 100, 1000]) {
  const medians = (['NORMAL', 'FULL'] as const).map((mode) => {
    const samples = [run(mode, batchSize), run(mode, batchSize), run(mode, batchSize)].sort((a, b) => a - b);
    return samples[1];
  });
  rows.push(`batch ${String(batchSize).padStart(4)}: NORMAL ${Math.round(medians[0]).toLocaleString('en')} rows/s, FULL ${Math.round(medians[1]).toLocaleString('en')} rows/s (x${(medians[0] / medians[1]).toFixed(1)})`);
}
console.log(rows.join('\n'));
rmSync(dir, { recursive: true, force: true });
