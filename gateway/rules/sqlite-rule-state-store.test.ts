import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteRuleStateStore } from './sqlite-rule-state-store.ts';

const dirs: string[] = [];
const stores: SqliteRuleStateStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function file(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-rule-states-'));
  dirs.push(dir);
  return join(dir, 'rule-states.sqlite');
}

function open(path: string): SqliteRuleStateStore {
  const store = new SqliteRuleStateStore({ path, clock: { now: () => 1_000 } });
  stores.push(store);
  return store;
}

describe('SqliteRuleStateStore', () => {
  it('gives back a flushed state after the file is reopened (a restart)', () => {
    const path = file();
    const first = open(path);
    first.save('active/cold-chain-b12@1', { firings: 2, timers: { c: 1_700_000_000_000 } });
    expect(first.flush()).toBe(1);
    first.close();
    const reopened = open(path);
    expect(reopened.load('active/cold-chain-b12@1')).toEqual({ firings: 2, timers: { c: 1_700_000_000_000 } });
    expect(reopened.load('active/unknown@1')).toBeUndefined();
  });

  it('loses a state saved but never flushed when the process dies (the batch that was in hand)', () => {
    const path = file();
    const first = open(path);
    first.save('active/a@1', { firings: 1 });
    first.flush();
    first.save('active/a@1', { firings: 2 });
    expect(first.load('active/a@1')).toEqual({ firings: 2 }); // staged wins while running
    // A second connection sees only what was committed, as a restarted process would.
    const other = open(path);
    expect(other.load('active/a@1')).toEqual({ firings: 1 });
  });

  it('copies the state when it is saved, so later changes by the engine are not written unsaved', () => {
    const store = open(file());
    const state = { count: 1 };
    store.save('k', state);
    state.count = 99;
    expect(store.load('k')).toEqual({ count: 1 });
  });

  it('writes every state of one batch in one transaction', () => {
    const path = file();
    const store = open(path);
    store.saveMany([{ ruleKey: 'a', state: { n: 1 } }, { ruleKey: 'b', state: { n: 2 } }, { ruleKey: 'c', state: { n: 3 } }]);
    expect(store.pending).toBe(3);
    expect(store.flush()).toBe(3);
    expect(store.pending).toBe(0);
    const other = open(path);
    expect(['a', 'b', 'c'].map((k) => other.load(k))).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('flushes what is staged when closed', () => {
    const path = file();
    const store = open(path);
    store.save('k', { n: 7 });
    store.close();
    expect(open(path).load('k')).toEqual({ n: 7 });
  });
});
