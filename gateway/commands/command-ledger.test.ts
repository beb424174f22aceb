import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EdgeAck } from '../../connectors/edge-link/index.ts';
import { DEFAULT_LEDGER_AGE_MS, openCommandLedger, type SqliteCommandLedger } from './command-ledger.ts';

const dirs: string[] = [];
const ledgers: SqliteCommandLedger[] = [];
afterEach(() => {
  for (const ledger of ledgers.splice(0)) ledger.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function ledgerFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-ledger-'));
  dirs.push(dir);
  return join(dir, 'commands.sqlite');
}

function open(path: string, options: { now?: () => number; maxEntries?: number } = {}) {
  const ledger = openCommandLedger({ path, clock: { now: options.now ?? (() => 1_000) }, maxEntries: options.maxEntries });
  ledgers.push(ledger);
  return ledger;
}

const ack = (id: string, value = 6.5): EdgeAck => ({ id, type: 'tag.write', ok: true, result: { device: 'shelf', tag: 'B10/setpoint', value }, at: 1_000 });

describe('SqliteCommandLedger', () => {
  it('answers a recorded id with its acknowledgement after the file is reopened (a restart)', () => {
    const path = ledgerFile();
    const first = open(path);
    first.record(ack('cmd-00000001'));
    first.record({ id: 'cmd-00000002', type: 'config.apply', ok: false, error: { code: 'CONFIG_INVALID', message: 'x', problems: [{ path: 'connectors[0]', message: 'y' }] }, at: 2_000 });
    first.close();
    const reopened = open(path);
    expect(reopened.answerOf('cmd-00000001')).toEqual(ack('cmd-00000001'));
    expect(reopened.answerOf('cmd-00000002')).toMatchObject({ ok: false, error: { code: 'CONFIG_INVALID', problems: [{ path: 'connectors[0]' }] } });
    expect(reopened.answerOf('cmd-unknown')).toBeUndefined();
  });

  it('keeps the first answer of an id', () => {
    const ledger = open(ledgerFile());
    ledger.record(ack('cmd-00000001', 6.5));
    ledger.record(ack('cmd-00000001', 9));
    expect(ledger.answerOf('cmd-00000001')).toEqual(ack('cmd-00000001', 6.5));
    expect(ledger.stats().entries).toBe(1);
  });

  it('keeps only the newest maxEntries ids', () => {
    const ledger = open(ledgerFile(), { maxEntries: 3 });
    for (let i = 1; i <= 5; i++) ledger.record(ack(`cmd-0000000${i}`));
    expect(ledger.stats()).toEqual({ entries: 3, pruned: 2 });
    expect(ledger.answerOf('cmd-00000002')).toBeUndefined();
    expect(ledger.answerOf('cmd-00000003')).toBeDefined();
    expect(ledger.answerOf('cmd-00000005')).toBeDefined();
  });

  it('forgets ids older than seven days, at the next record and at open', () => {
    const path = ledgerFile();
    let now = 1_000_000;
    const ledger = open(path, { now: () => now });
    ledger.record(ack('cmd-old-0001'));
    now += DEFAULT_LEDGER_AGE_MS - 1;
    ledger.record(ack('cmd-new-0001'));
    expect(ledger.answerOf('cmd-old-0001')).toBeDefined();
    now += 2;
    ledger.record(ack('cmd-new-0002'));
    expect(ledger.answerOf('cmd-old-0001')).toBeUndefined();
    ledger.close();
    now += DEFAULT_LEDGER_AGE_MS + 1;
    const reopened = open(path, { now: () => now });
    expect(reopened.stats().entries).toBe(0);
  });
});
