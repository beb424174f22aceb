/**
 * Planners publishing from separate processes at the same moment: each publish checks, in its
 * own (IMMEDIATE) transaction, that production has not moved since its sandbox was opened, so
 * exactly one of several sandboxes opened from the same version becomes the next version and
 * the others are refused as stale rather than overwriting it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { openDatabase } from '../store/database.ts';
import { cloudMigrations, migrate } from '../store/migrations.ts';
import { FactorVersions } from './factor-versions.ts';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./testing/publish-worker.ts', import.meta.url));
const decay = (multiplier: number) => ({ factors: [{ kind: 'spring-festival-decay', name: 'pre-Spring-Festival decay', daysBefore: 21, multiplier }] });

it('lets exactly one of eight simultaneous publishes from version 1 through', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-factor-race-'));
  const file = join(dir, 'cloud.sqlite');
  const db = openDatabase(file);
  try {
    migrate(db, cloudMigrations);
    const versions = new FactorVersions(db, () => Date.now());
    const first = versions.openSandbox({ scope: 'default', actor: 'li.planner' });
    versions.editSandbox(first.id, { factors: decay(0.85), actor: 'li.planner' });
    versions.publish(first.id, { actor: 'li.planner', reason: 'initial' });
    const sandboxes = Array.from({ length: 8 }, (_, index) => {
      const sandbox = versions.openSandbox({ scope: 'default', actor: `planner-${index}` });
      return versions.editSandbox(sandbox.id, { factors: decay(0.6 + index / 100), actor: `planner-${index}` });
    });

    const startAt = Date.now() + 1500;
    const results = await Promise.all(
      sandboxes.map((sandbox, index) =>
        run(process.execPath, ['--import', 'tsx', worker, file, String(startAt), sandbox.id, `planner-${index}`], { timeout: 30_000 }).then(
          ({ stdout }) => JSON.parse(stdout) as { version?: number; refused?: string },
        ),
      ),
    );
    expect(results.filter((result) => result.version !== undefined)).toEqual([{ version: 2 }]);
    expect(results.filter((result) => result.refused === 'STALE_SANDBOX')).toHaveLength(7);
    const winner = results.findIndex((result) => result.version === 2);
    expect(versions.history('default').map((version) => version.version)).toEqual([2, 1]);
    expect(versions.production('default')).toMatchObject({ publishedBy: `planner-${winner}`, factors: decay(0.6 + winner / 100) });
    expect(versions.sandboxes('default')).toHaveLength(7);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
