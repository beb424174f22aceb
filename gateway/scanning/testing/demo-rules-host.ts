/**
 * A real RulesHost running the demo plant's rule library (rules/library/demo-plant.rules.yaml),
 * on SQLite files in a fresh temp dir, with events going through the real EdgeEvents into a
 * SQLite outbox and a clock that moves only when told: what the scan decider's rules view talks
 * to in tests. `close()` stops it and removes the dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRulePackFile } from '../../../config/rule-pack-file.ts';
import type { DeployedPack } from '../../../connectors/edge-link/index.ts';
import { EdgeEvents } from '../../events/edge-events.ts';
import { EdgeLinkOutbox } from '../../events/edge-link-outbox.ts';
import { SqliteOutbox } from '../../outbox/sqlite-outbox.ts';
import { SqliteLocationBlocks } from '../../rules/location-blocks.ts';
import { RulesHost } from '../../rules/rules-host.ts';
import { ManualClock } from '../../rules/rules-test-fixtures.ts';
import { SqliteRuleStateStore } from '../../rules/sqlite-rule-state-store.ts';

export const demoPackPath = new URL('../../../rules/library/demo-plant.rules.yaml', import.meta.url).pathname;

/** The demo pack as the cloud deploys it; `only` keeps just the rules named. */
export function demoPack(only?: readonly string[]): DeployedPack {
  const file = readRulePackFile(demoPackPath);
  const pack = file.pack as { pack: string; version: number; facts?: Record<string, number | string | boolean>; rules: Array<{ id: string; en?: string; zh?: string }> };
  const rules = pack.rules.filter((r) => !only || only.includes(r.id)).map((r) => ({ id: r.id, ...(r.en ? { en: r.en } : {}), ...(r.zh ? { zh: r.zh } : {}) }));
  return { pack: pack.pack, version: pack.version, glossary: file.glossary as Record<string, unknown>, facts: pack.facts ?? {}, rules };
}

export interface DemoRulesHost {
  host: RulesHost;
  clock: ManualClock;
  outbox: SqliteOutbox;
  /** Feeds one tag value at the clock's current time and waits until the rules processed it. */
  feed(device: string, tag: string, value: number): Promise<void>;
  /** Moves the clock, running due rule timers (a 5-minute duration). */
  advanceTo(at: number): Promise<void>;
  close(): Promise<void>;
}

export async function openDemoRulesHost(options: { now: number; active: DeployedPack; shadow?: DeployedPack | null }): Promise<DemoRulesHost> {
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-scan-rules-'));
  const clock = new ManualClock(options.now);
  const outbox = new SqliteOutbox({ path: join(dir, 'outbox.sqlite'), maxBytes: 1 << 24 });
  const states = new SqliteRuleStateStore({ path: join(dir, 'rule-states.sqlite'), clock });
  const blocks = new SqliteLocationBlocks(join(dir, 'location-blocks.sqlite'));
  const events = new EdgeEvents({ link: new EdgeLinkOutbox({ outbox, notify: () => {}, clock }), clock });
  const silent = { info() {}, warn() {}, error() {} };
  const host = new RulesHost({ states, blocks, events, dataDir: dir, clock, logger: silent, writeTag: async () => {} });
  const applied = await host.apply({ active: options.active, shadow: options.shadow ?? null }, { source: 'pushed', persist: false });
  if (!applied.ok) throw new Error(`the demo pack does not compile: ${JSON.stringify(applied.problems)}`);
  return {
    host, clock, outbox,
    async feed(device, tag, value) {
      host.onValues([{ device, tag, value, quality: 'good', ts: clock.now() }]);
      await host.idle();
    },
    advanceTo: (at) => clock.advanceTo(at, () => host.idle()),
    async close() {
      await host.close();
      states.close();
      blocks.close();
      outbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
