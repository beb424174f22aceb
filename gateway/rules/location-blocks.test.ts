import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteLocationBlocks } from './location-blocks.ts';

const dirs: string[] = [];
const stores: SqliteLocationBlocks[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function file(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-blocks-'));
  dirs.push(dir);
  return join(dir, 'location-blocks.sqlite');
}

function open(path: string): SqliteLocationBlocks {
  const store = new SqliteLocationBlocks(path);
  stores.push(store);
  return store;
}

describe('SqliteLocationBlocks', () => {
  it('keeps a block across a reopen of the file (a restart) until its rule releases it', () => {
    const path = file();
    const first = open(path);
    expect(first.block({ operation: 'put-away', location: 'B12', pack: 'demo-plant', rule: 'cold-chain-b12', since: 1000 })).toBe(true);
    first.close();
    const reopened = open(path);
    expect(reopened.isBlocked('put-away', 'B12')).toBe(true);
    expect(reopened.isBlocked('picking', 'B12')).toBe(false);
    expect(reopened.isBlocked('put-away', 'B13')).toBe(false);
    expect(reopened.list()).toEqual([{ operation: 'put-away', location: 'B12', pack: 'demo-plant', rule: 'cold-chain-b12', since: 1000 }]);
    expect(reopened.release('put-away', 'B12', 'cold-chain-b12')).toBe(true);
    expect(reopened.isBlocked('put-away', 'B12')).toBe(false);
    expect(reopened.release('put-away', 'B12', 'cold-chain-b12')).toBe(false);
  });

  it('keeps the first since when the same rule sets the same block again (an effect re-run after a crash)', () => {
    const store = open(file());
    store.block({ operation: 'put-away', location: 'B12', pack: 'demo-plant', rule: 'cold-chain-b12', since: 1000 });
    expect(store.block({ operation: 'put-away', location: 'B12', pack: 'demo-plant', rule: 'cold-chain-b12', since: 5000 })).toBe(false);
    expect(store.list().map((b) => b.since)).toEqual([1000]);
  });

  it('frees a place only when every rule that blocked it released it', () => {
    const store = open(file());
    store.block({ operation: 'put-away', location: 'B12', pack: 'demo-plant', rule: 'cold-chain-b12', since: 1000 });
    store.block({ operation: 'put-away', location: 'B12', pack: 'demo-plant', rule: 'door-open-b12', since: 2000 });
    store.release('put-away', 'B12', 'cold-chain-b12');
    expect(store.blocksOn('put-away', 'B12').map((b) => b.rule)).toEqual(['door-open-b12']);
    store.release('put-away', 'B12', 'door-open-b12');
    expect(store.isBlocked('put-away', 'B12')).toBe(false);
  });
});
