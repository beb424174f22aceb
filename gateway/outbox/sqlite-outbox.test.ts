import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { describeOutboxConformance, sample } from './outbox-conformance.ts';
import { SqliteOutbox } from './sqlite-outbox.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'edgestock-outbox-'));
}

describeOutboxConformance('SqliteOutbox on a real file', () => {
  const dir = tempDir();
  return {
    open: ({ maxBytes }) => new SqliteOutbox({ path: join(dir, 'outbox.sqlite'), maxBytes }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('SqliteOutbox', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('commits a batch as a whole or not at all', () => {
    const outbox = new SqliteOutbox({ path: ':memory:', maxBytes: 1 << 20 });
    outbox.append([sample(0)]);
    const broken = { ...sample(2), device: undefined as unknown as string };
    expect(() => outbox.append([sample(1), broken, sample(3)])).toThrow();
    expect(outbox.peek(10).map((r) => r.ts)).toEqual([sample(0).ts]);
    expect(outbox.stats()).toMatchObject({ rows: 1, appended: 1 });
    outbox.close();
  });

  it('keeps every committed batch when the writing process is killed with SIGKILL', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const path = join(dir, 'outbox.sqlite');
    const batchSize = 50;
    const child = fork(fileURLToPath(new URL('./crash-child.fixture.ts', import.meta.url)), [path, String(batchSize)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let reported = { lastSeq: 0, lastValue: -1 };
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve) => {
      child.on('message', (m: typeof reported) => {
        reported = m;
        if (m.lastSeq >= 40 * batchSize) resolve();
      });
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const outbox = new SqliteOutbox({ path, maxBytes: 1 << 30 });
    const rows = outbox.peek(1_000_000);
    // Everything reported as committed is there; anything beyond is whole batches, never a torn one.
    expect(rows.length).toBeGreaterThanOrEqual(reported.lastSeq);
    expect(rows.length % batchSize).toBe(0);
    rows.forEach((row, i) => {
      expect(row.seq).toBe(i + 1);
      expect(row.value).toBe(i);
      expect(row.tag).toBe(`t${i % 7}`);
    });
    outbox.close();
  });
});
