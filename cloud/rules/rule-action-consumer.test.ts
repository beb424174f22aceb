/**
 * Requisitions and location blocks made from stored rule-action events, on a real cloud SQLite
 * file, the events going through the real event store first as cloud-service.ts wires it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EdgeEvent } from '../../connectors/edge-link/index.ts';
import { openEdgeEventStore } from '../events/sqlite-edge-event-store.ts';
import { LocationBlocks } from '../inventory/location-blocks.ts';
import { SparePartRequisitions } from '../purchasing/spare-part-requisitions.ts';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import { openTelemetryStore } from '../store/telemetry-store.ts';
import { RuleActionConsumer } from './rule-action-consumer.ts';

let dir: string;
let db: SqliteDatabase;
let events: ReturnType<typeof openEdgeEventStore>;
let requisitions: SparePartRequisitions;
let blocks: LocationBlocks;
let deliver: (event: EdgeEvent, edge?: string) => boolean;
const warnings: object[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'edgestock-rule-actions-'));
  const file = join(dir, 'cloud.sqlite');
  openTelemetryStore(file).close();
  db = openDatabase(file);
  events = openEdgeEventStore(file);
  requisitions = new SparePartRequisitions(db, { now: () => 9_999 });
  blocks = new LocationBlocks(db);
  warnings.length = 0;
  const consumer = new RuleActionConsumer({ requisitions, blocks, logger: { warn: (obj) => warnings.push(obj) } });
  // As cloud-service.ts: store the event, then hand every copy to the consumer.
  deliver = (event, edge = 'gw1') => {
    const added = events.events.add('plant', edge, event, 9_999);
    consumer.onEvent('plant', edge, event);
    return added;
  };
});

afterEach(() => {
  events.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const action = (id: string, at: number, rule: string, effect: Record<string, unknown>, outcome = 'done', type = 'rule.action'): EdgeEvent => ({
  id, type, at, body: { pack: 'demo-plant', version: 1, rule, effect, outcome, inputs: { 'weld-cell/G1/weld-count': 1247 } },
});

describe('requisitions from rule actions', () => {
  it('opens one requisition per requestSparePart event, and a replayed event adds nothing', () => {
    const capEvent = action('ev-7', 1_000, 'electrode-cap-g1', { kind: 'requestSparePart', item: 'electrode-cap', quantity: 1 });
    expect(deliver(capEvent)).toBe(true);
    expect(deliver(capEvent)).toBe(false);
    deliver(action('ev-8', 1_000, 'electrode-cap-g1', { kind: 'reserve', station: 'W3' }));
    expect(requisitions.list()).toEqual([{
      id: 'plant/gw1/ev-7', item: 'electrode-cap', quantity: 1, group: 'plant', edge: 'gw1', rule: 'electrode-cap-g1', packVersion: 1,
      status: 'open', requestedAt: 1_000, createdAt: 9_999,
    }]);
    // The same event id from another gateway is another requisition.
    deliver(capEvent, 'gw2');
    expect(requisitions.list().map((r) => r.id).sort()).toEqual(['plant/gw1/ev-7', 'plant/gw2/ev-7']);
  });

  it('makes nothing of shadow firings, failed actions or a malformed effect', () => {
    deliver(action('ev-1', 1_000, 'electrode-cap-g1', { kind: 'requestSparePart', item: 'electrode-cap', quantity: 1 }, 'logged', 'rule.shadow'));
    deliver(action('ev-2', 1_000, 'electrode-cap-g1', { kind: 'requestSparePart', item: 'electrode-cap', quantity: 1 }, 'failed'));
    deliver(action('ev-3', 1_000, 'electrode-cap-g1', { kind: 'requestSparePart', quantity: 1 }));
    deliver({ id: 'ev-4', type: 'rule.action', at: 1, body: 'not an object' });
    expect(requisitions.list()).toEqual([]);
    expect(warnings).toHaveLength(1);
  });
});

describe('location blocks from rule actions', () => {
  const block = (id: string, at: number, released?: boolean) =>
    action(id, at, 'cold-chain-b12', { kind: 'block', operation: 'put-away', location: 'B12', ...(released ? { released } : {}) });

  it('sets a block, releases it when the rule says so, and a replay of either changes nothing', () => {
    deliver(block('ev-10', 6 * 60_000));
    deliver(block('ev-10', 6 * 60_000));
    expect(blocks.list({ activeOnly: true })).toEqual([{
      id: 'plant/gw1/ev-10', operation: 'put-away', location: 'B12', group: 'plant', edge: 'gw1', rule: 'cold-chain-b12', packVersion: 1,
      since: 6 * 60_000, released: false, releasedAt: null,
    }]);
    deliver(block('ev-11', 8 * 60_000, true));
    expect(blocks.list({ activeOnly: true })).toEqual([]);
    expect(blocks.list()).toEqual([expect.objectContaining({ id: 'plant/gw1/ev-10', released: true, releasedAt: 8 * 60_000 })]);
    // The shelf goes out of range again: a new block; the old release replayed does not lift it.
    deliver(block('ev-12', 30 * 60_000));
    deliver(block('ev-11', 8 * 60_000, true));
    deliver(block('ev-10', 6 * 60_000));
    expect(blocks.list({ activeOnly: true }).map((b) => b.id)).toEqual(['plant/gw1/ev-12']);
    expect(blocks.list()).toHaveLength(2);
  });

  it('keeps one block while the same rule blocks the same place again, and ignores a release of nothing', () => {
    deliver(block('ev-20', 100, true));
    deliver(block('ev-21', 200));
    deliver(block('ev-22', 300));
    expect(blocks.list().map((b) => [b.id, b.released])).toEqual([['plant/gw1/ev-21', false]]);
  });
});
