/**
 * The test runner's config (`npm test` passes it with --config). Two things are set.
 *
 * Two files at a time: vitest's default on a 2-core machine is one (cores - 1), so the two
 * longest system tests, which mostly wait (a broker kept away, a rule's 5-minute timer), ran one
 * after the other with a core idle: 23 minutes in CI, 18 with two workers on a loaded machine.
 *
 * The order files start in. On a fresh clone vitest has no timings cached and would start the system tests
 * (real processes, minutes each; scan-offline keeps the cloud away for 5 minutes and rules-demo runs
 * the cold-chain rule's full 5 minutes) in no
 * particular order, leaving the longest to run alone at the end. Starting them first lets the
 * short files fill the other core meanwhile.
 */
import { fileURLToPath } from 'node:url';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/** Longest first (the first two run side by side); any other bin/system test follows these, then every other file. */
const slowest = ['scan-offline', 'rules-demo', 'broker-outage', 'simulator-restarts', 'host-outage', 'gateway-kill9', 'crash-recovery', 'demo'];

function rank(moduleId: string): number {
  const match = /bin\/system\/([^/]+)\.test\.ts$/.exec(moduleId);
  if (!match) return slowest.length + 1;
  const index = slowest.indexOf(match[1]!);
  return index === -1 ? slowest.length : index;
}

class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [...sorted].sort((a, b) => rank(a.moduleId) - rank(b.moduleId));
  }
}

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    sequence: { sequencer: SlowFirstSequencer },
    maxWorkers: 2,
  },
});
