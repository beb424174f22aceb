/**
 * Test fixture for sqlite-outbox.test.ts: appends batches forever and reports each committed last
 * seq to the parent, so the parent can kill -9 it at an arbitrary moment.
 */
import { SqliteOutbox } from './sqlite-outbox.ts';

const [path, batchSizeArg] = process.argv.slice(2);
const batchSize = Number(batchSizeArg);
const outbox = new SqliteOutbox({ path, maxBytes: 1024 * 1024 * 1024 });
let n = 0;
function appendBatch(): void {
  const batch = Array.from({ length: batchSize }, () => {
    const i = n++;
    return { device: 'crash', tag: `t${i % 7}`, value: i, quality: 'good' as const, ts: i };
  });
  const lastSeq = outbox.append(batch);
  process.send!({ lastSeq, lastValue: n - 1 });
  setImmediate(appendBatch);
}
appendBatch();
