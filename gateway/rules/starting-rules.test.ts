import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config-error.ts';
import { loadSiteConfig } from '../../config/load-config.ts';
import type { Clock } from '../../connectors/clock.ts';
import { EdgeEvents } from '../events/edge-events.ts';
import { EdgeLinkOutbox } from '../events/edge-link-outbox.ts';
import { SqliteOutbox } from '../outbox/sqlite-outbox.ts';
import { SqliteLocationBlocks } from './location-blocks.ts';
import { pushedRulesPath, writePushedRules } from './pushed-rules.ts';
import { RulesHost } from './rules-host.ts';
import { SqliteRuleStateStore } from './sqlite-rule-state-store.ts';
import { readSitePack, startRules } from './starting-rules.ts';
import { deployedPack, sentences } from './rules-test-fixtures.ts';

const libraryPack = new URL('../../rules/library/demo-plant.rules.yaml', import.meta.url).pathname;
const glossaryPath = new URL('../../rules/library/demo-plant.glossary.yaml', import.meta.url).pathname;
const clock: Clock = { now: () => 1_000, setTimeout: () => 0, clearTimeout: () => {} };
const silent = { info() {}, warn() {}, error() {} };
const dirs: string[] = [];
const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-starting-rules-'));
  dirs.push(dir);
  const outbox = new SqliteOutbox({ path: ':memory:', maxBytes: 1 << 20 });
  const states = new SqliteRuleStateStore({ path: join(dir, 'rule-states.sqlite'), clock });
  const blocks = new SqliteLocationBlocks(join(dir, 'location-blocks.sqlite'));
  const host = new RulesHost({
    states, blocks, events: new EdgeEvents({ link: new EdgeLinkOutbox({ outbox, notify: () => {}, clock }), clock }),
    writeTag: async () => {}, dataDir: dir, clock, logger: silent,
  });
  closers.push(async () => {
    await host.close();
    states.close();
    blocks.close();
    outbox.close();
  });
  return { dir, host };
}

describe('startRules', () => {
  it('runs the site file\'s pack when nothing was pushed', async () => {
    const { dir, host } = setup();
    await startRules(host, { dataDir: dir, siteFile: libraryPack, logger: silent });
    expect(host.report()).toEqual({ active: { pack: 'demo-plant', version: 1 }, shadow: null });
    expect(host.health()).toMatchObject({ source: 'file', active: { rules: readSitePack(libraryPack).rules.length } });
  });

  it('runs the pushed packs over the site file\'s', async () => {
    const { dir, host } = setup();
    writePushedRules(dir, { rules: { active: deployedPack(5, [{ id: 'remnant-weight-f1', en: sentences.remnant }]), shadow: null }, appliedAt: 1 });
    await startRules(host, { dataDir: dir, siteFile: libraryPack, logger: silent });
    expect(host.report()).toEqual({ active: { pack: 'demo-plant', version: 5 }, shadow: null });
    expect(host.health().source).toBe('pushed');
  });

  it('falls back to the site file when the pushed file is damaged', async () => {
    const { dir, host } = setup();
    writeFileSync(pushedRulesPath(dir), '{"rules": {"active": 3}}');
    await startRules(host, { dataDir: dir, siteFile: libraryPack, logger: silent });
    expect(host.report().active).toEqual({ pack: 'demo-plant', version: 1 });
  });

  it('refuses to start on a site pack with a bad rule, naming the file and the rule', async () => {
    const { dir, host } = setup();
    const file = join(dir, 'bad.rules.yaml');
    writeFileSync(file, `pack: bad\nversion: 1\nglossary: ${JSON.stringify(glossaryPath)}\nrules:\n  - id: typo\n    en: When remnant wieght of furnace F1 exceeds 15 kg, start approval "re-melt".\n`);
    const error = await startRules(host, { dataDir: dir, siteFile: file, logger: silent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).file).toBe(file);
    expect((error as ConfigError).problems).toEqual([{ path: 'rules.typo', message: expect.stringMatching(/^1:\d+: .*wieght/) }]);
    expect(host.report()).toEqual({ active: null, shadow: null });
  });
});

describe('site rule pack file', () => {
  it('is found relative to the site config file', () => {
    const config = loadSiteConfig(new URL('../../config/examples/demo-plant.yaml', import.meta.url).pathname, {});
    expect(config.rules?.file).toBe(libraryPack);
  });

  it('is read with its glossary into the form the cloud deploys', () => {
    const pack = readSitePack(libraryPack);
    expect(pack).toMatchObject({ pack: 'demo-plant', version: 1, facts: { 'tooling.IMM-01.insertLifeShots': 9000 } });
    expect(pack.rules.map((r) => r.id)).toContain('cold-chain-b12');
    expect(pack.glossary).toMatchObject({ version: 1 });
  });
});
