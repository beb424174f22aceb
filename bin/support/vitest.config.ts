/**
 * The test runner's config (`npm test` passes it with --config). Only one thing is set: the order
 * files start in. On a fresh clone vitest has no timings cached and would start the system tests
 * (real processes, minutes each; scan-offline keeps the cloud away for 5 minutes and rules-demo runs
 * the cold-chain rule's full 5 minutes) in no
 * particular order, leaving the longest to run alone at the end. Starting them first lets the
 * short files fill the other core meanwhile.
 */
import { fileURLToPath } from 'node:url';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/** Longest first; any other bin/system test follows these, then every other file. */
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
  },
});
