/**
 * The rules runtime as the daemon starts it: the rule states and the location block list in the
 * data dir (`rule-states.sqlite`, `location-blocks.sqlite`), the host over them, and the packs it
 * starts with (starting-rules.ts: pushed, else the site file's). One close for all of it, which
 * the daemon calls before it closes the connectors and the outbox the host still uses.
 */
import { join } from 'node:path';
import { SqliteLocationBlocks } from './location-blocks.ts';
import { RulesHost, type RulesHostOptions } from './rules-host.ts';
import { SqliteRuleStateStore } from './sqlite-rule-state-store.ts';
import { startRules } from './starting-rules.ts';

export interface RulesRuntime {
  host: RulesHost;
  /** Finishes the batches in hand, then closes the files; idempotent. */
  close(): Promise<void>;
}

export async function openRulesRuntime(options: Omit<RulesHostOptions, 'states' | 'blocks'> & { siteFile?: string }): Promise<RulesRuntime> {
  const { siteFile, ...hostOptions } = options;
  const states = new SqliteRuleStateStore({ path: join(options.dataDir, 'rule-states.sqlite'), clock: options.clock });
  const blocks = new SqliteLocationBlocks(join(options.dataDir, 'location-blocks.sqlite'));
  const host = new RulesHost({ ...hostOptions, states, blocks });
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= (async () => {
    try {
      await host.close();
    } finally {
      try {
        states.close();
      } finally {
        blocks.close();
      }
    }
  })());
  try {
    await startRules(host, { dataDir: options.dataDir, siteFile, logger: options.logger });
  } catch (error) {
    await close();
    throw error;
  }
  return { host, close };
}
