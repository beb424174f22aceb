import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTelemetryStore } from '../store/telemetry-store.ts';
import type { NewPackVersion } from './rule-pack-store.ts';
import { openRulePackStore } from './sqlite-rule-pack-store.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A cloud SQLite file with every migration applied, as the cloud opens it. */
function cloudFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-rule-packs-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'cloud.sqlite');
  openTelemetryStore(file).close();
  return file;
}

let now = 1_000;
function open(file: string) {
  const opened = openRulePackStore(file, { now: () => now });
  cleanups.push(() => opened.close());
  return opened.store;
}

const entry = (createdBy: string, examplesPassed = true): NewPackVersion => ({
  pack: 'demo-plant',
  facts: { 'tooling.IMM-01.insertLifeShots': 9000 },
  rules: [{ id: 'remnant-weight-f1', en: 'When remnant weight of furnace F1 exceeds 15 kg, start approval "re-melt".', examples: [] }],
  glossary: { version: 3, terms: [] },
  glossaryVersion: 3,
  astVersion: 1,
  createdBy,
  compiled: [{ id: 'remnant-weight-f1', inputs: ['press-plc/F1/remnant-weight'] }],
  examples: [{ rule: 'remnant-weight-f1', name: '15.3 kg starts the approval', passed: examplesPassed, detail: { effects: [] } }],
  examplesPassed,
});

describe('SqliteRulePackStore', () => {
  it('numbers versions 1, 2, ... and keeps source, glossary, results and author across a reopen', () => {
    const file = cloudFile();
    const store = open(file);
    expect(store.nextVersion()).toBe(1);
    const seeded = store.create({ ...entry('system'), stage: 'production' }, 'seed');
    now = 2_000;
    const second = store.create(entry('expert', false), 'create');
    expect([seeded.version, second.version]).toEqual([1, 2]);
    const reopened = open(file);
    expect(reopened.get(2)).toEqual({ ...entry('expert', false), version: 2, createdAt: 2_000, stage: 'sandbox' });
    expect(reopened.get(1)!.stage).toBe('production');
    expect(reopened.list().map((v) => v.version)).toEqual([2, 1]);
    expect(reopened.get(3)).toBeUndefined();
    expect(reopened.history().map((c) => [c.version, c.action, c.from, c.to, c.by])).toEqual([[1, 'seed', null, 'production', 'system'], [2, 'create', null, 'sandbox', 'expert']]);
  });

  it('records each stage change with who and on which gateways', () => {
    const store = open(cloudFile());
    store.create(entry('expert'), 'create');
    now = 5_000;
    store.setStage(1, 'shadow', { action: 'shadow', by: 'expert', gateways: [{ group: 'plant', edge: 'gw1' }] });
    store.setStage(1, 'grey', { action: 'grey', by: 'expert', gateways: [{ group: 'plant', edge: 'gw1' }] });
    expect(store.get(1)!.stage).toBe('grey');
    expect(store.history(1).slice(1)).toEqual([
      { version: 1, action: 'shadow', from: 'sandbox', to: 'shadow', by: 'expert', at: 5_000, gateways: [{ group: 'plant', edge: 'gw1' }] },
      { version: 1, action: 'grey', from: 'shadow', to: 'grey', by: 'expert', at: 5_000, gateways: [{ group: 'plant', edge: 'gw1' }] },
    ]);
    expect(() => store.setStage(9, 'grey', { action: 'grey', by: 'x', gateways: [] })).toThrow(/version 9 does not exist/);
  });

  it('settles a desired state with the acknowledgement only while it is still the desired one', () => {
    const store = open(cloudFile());
    const gw = { group: 'plant', edge: 'gw1' };
    expect(store.setDesired(gw, { activeVersion: 1, shadowVersion: 2 }, 'expert')).toMatchObject({ status: 'pending', activeVersion: 1, shadowVersion: 2, reported: null });
    const runs = { active: { pack: 'demo-plant', version: 1 }, shadow: { pack: 'demo-plant', version: 2 } };
    store.settle(gw, { activeVersion: 1, shadowVersion: null }, { status: 'applied', reported: runs }); // an older push's answer
    expect(store.deployment('plant', 'gw1')!.status).toBe('pending');
    store.settle(gw, { activeVersion: 1, shadowVersion: 2 }, { status: 'applied', reported: runs });
    expect(store.deployment('plant', 'gw1')).toMatchObject({ status: 'applied', reported: runs, error: null });
    store.setDesired(gw, { activeVersion: 2, shadowVersion: null }, 'engineer');
    store.settle(gw, { activeVersion: 2, shadowVersion: null }, { status: 'failed', error: 'UNKNOWN_TERM: weld count' });
    expect(store.deployment('plant', 'gw1')).toMatchObject({ status: 'failed', error: 'UNKNOWN_TERM: weld count', changedBy: 'engineer' });
    expect(store.deployments().map((d) => d.edge)).toEqual(['gw1']);
  });

  it('takes a report of the desired state as applied, and only records any other report', () => {
    const store = open(cloudFile());
    const gw = { group: 'plant', edge: 'gw1' };
    expect(store.recordReport(gw, { active: null, shadow: null })).toBeUndefined();
    store.setDesired(gw, { activeVersion: 2, shadowVersion: null }, 'expert');
    expect(store.recordReport(gw, { active: { pack: 'demo-plant', version: 1 }, shadow: null })).toMatchObject({ status: 'pending', reported: { active: { version: 1 } } });
    expect(store.recordReport(gw, { active: { pack: 'demo-plant', version: 2 }, shadow: null })).toMatchObject({ status: 'applied', reported: { active: { version: 2 } } });
  });
});
