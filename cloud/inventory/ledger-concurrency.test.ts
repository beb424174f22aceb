/**
 * Posts from separate processes on one ledger file: each post is an IMMEDIATE transaction, so
 * they queue instead of interleaving, and 20 workers taking from 10 units never take 11.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openInventoryFixture, SKU, type InventoryFixture } from './testing/inventory-fixture.ts';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./testing/post-worker.ts', import.meta.url));

let f: InventoryFixture;
beforeEach(() => { f = openInventoryFixture({ start: Date.now() }); });
afterEach(() => f.close());

describe('posting from separate processes', () => {
  it('never takes more than the shelf holds: 20 workers, 3 picks each, 10 units', async () => {
    f.ledger.post([{ sku: SKU.milk, lot: 'L1', expiry: '2099-12-31', qty: 10, from: 'SUP-1', to: 'B10', reason: 'receipt' }], { actor: 'anna' });
    const startAt = Date.now() + 1500;
    const picks = JSON.stringify(Array.from({ length: 3 }, () => ({ sku: SKU.milk, lot: 'L1', qty: 1, from: 'B10', to: 'CUST-1', reason: 'shipment' })));
    const results = await Promise.all(Array.from({ length: 20 }, () =>
      run(process.execPath, ['--import', 'tsx', worker, f.file, String(startAt), picks], { timeout: 30_000 })
        .then(({ stdout }) => JSON.parse(stdout) as { posted: number; refused: string[] })));
    expect(results.reduce((sum, r) => sum + r.posted, 0)).toBe(10);
    expect(new Set(results.flatMap((r) => r.refused))).toEqual(new Set(['INSUFFICIENT_STOCK']));
    expect(f.ledger.balances({ sku: SKU.milk, location: 'B10', includeZero: true })[0]!.qty).toBe(0);
    expect(f.ledger.counts().moves).toBe(11);
    expect(f.ledger.driftCheck().findings).toEqual([]);
  }, 60_000);
});
