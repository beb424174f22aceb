import { afterEach, describe, expect, it } from 'vitest';
import { DAY1, openScanWorld, scanEvent, type ScanWorld } from './testing/scan-fixture.ts';

describe('scan records', () => {
  let world: ScanWorld;
  afterEach(() => world?.close());

  it('stores a scan.decision once however often the gateway delivers it', () => {
    world = openScanWorld();
    const event = scanEvent({ scanId: 's1', op: 'putaway', location: 'B12', at: DAY1 + 1000, qty: 12 });
    world.scans.onEvent('plant', 'gw1', event);
    world.scans.onEvent('plant', 'gw1', event);
    const { scans, lastSeq } = world.scans.records.list({ limit: 10 });
    expect(scans).toHaveLength(1);
    expect(lastSeq).toBe(scans[0]!.seq);
    expect(scans[0]).toMatchObject({
      id: 'scan-pda-01-s1', scanId: 's1', group: 'plant', edge: 'gw1', device: 'pda-01', operator: 'op-anna', op: 'putaway',
      location: 'B12', gtin: '09506000134352', batch: 'L2403', qty: 12, verdict: 'allow', offline: false, masterDataVersion: 7, at: DAY1 + 1000,
    });
    // The same id from another gateway is another scan.
    world.scans.onEvent('plant', 'gw2', event);
    expect(world.scans.records.list({ limit: 10 }).scans).toHaveLength(2);
  });

  it('survives a reopen: a replay after a cloud restart adds nothing', () => {
    world = openScanWorld();
    const event = scanEvent({ scanId: 's1', op: 'pick', location: 'B12', at: DAY1 });
    world.scans.onEvent('plant', 'gw1', event);
    world.reopen();
    world.scans.onEvent('plant', 'gw1', event);
    expect(world.scans.records.list({ limit: 10 }).scans).toHaveLength(1);
  });

  it('tells the device registry when a device last scanned and who held it', () => {
    world = openScanWorld();
    expect(world.scans.lastSeenOf('pda-01')).toBeNull();
    world.scans.onEvent('plant', 'gw1', scanEvent({ scanId: 'a', op: 'count', location: 'B12', at: DAY1 + 5000, operator: 'op-ben' }));
    world.scans.onEvent('plant', 'gw1', scanEvent({ scanId: 'b', op: 'count', location: 'B12', at: DAY1 + 1000, operator: 'op-anna' }));
    expect(world.scans.lastSeenOf('pda-01')).toEqual({ at: DAY1 + 5000, operator: 'op-ben' });
    expect(world.scans.lastSeenOf('pda-02')).toBeNull();
  });

  it('ignores other event types and logs a malformed scan.decision naming the field', () => {
    world = openScanWorld();
    world.scans.onEvent('plant', 'gw1', { id: 'ev-1', type: 'connector.link', at: DAY1, body: { connector: 'x', state: 'up' } });
    const bad = scanEvent({ scanId: 's1', op: 'pick', at: DAY1 });
    (bad.body as { decision: { verdict: string } }).decision.verdict = 'maybe';
    world.scans.onEvent('plant', 'gw1', bad);
    world.scans.onEvent('plant', 'gw1', { id: 'scan-x', type: 'scan.decision', at: DAY1, body: null });
    expect(world.scans.records.list({ limit: 10 }).scans).toEqual([]);
    expect(world.warnings.map((w) => (w.obj as { problem?: string }).problem)).toEqual([
      expect.stringContaining('body.decision.verdict'),
      expect.stringContaining('body.(root)'),
    ]);
  });

  it('pages the live feed: newest first without after, oldest first after a seq, filtered', () => {
    world = openScanWorld();
    for (let i = 1; i <= 5; i++) {
      world.scans.onEvent('plant', 'gw1', scanEvent({ scanId: `s${i}`, op: 'pick', location: i % 2 ? 'B12' : 'C03', at: DAY1 + i, verdict: i === 4 ? 'block' : 'allow' }));
    }
    const newest = world.scans.records.list({ limit: 2 });
    expect(newest.scans.map((s) => s.scanId)).toEqual(['s5', 's4']);
    expect(newest.lastSeq).toBe(5);
    const feed = world.scans.records.list({ after: 1, limit: 2 });
    expect(feed.scans.map((s) => s.scanId)).toEqual(['s2', 's3']);
    expect(feed.lastSeq).toBe(3);
    const rest = world.scans.records.list({ after: feed.lastSeq, limit: 2 });
    expect(rest.scans.map((s) => s.scanId)).toEqual(['s4', 's5']);
    const none = world.scans.records.list({ after: 5, limit: 2 });
    expect(none).toEqual({ scans: [], lastSeq: 5 });
    expect(world.scans.records.list({ limit: 10, location: 'C03' }).scans.map((s) => s.scanId)).toEqual(['s4', 's2']);
    expect(world.scans.records.list({ limit: 10, verdict: 'block' }).scans.map((s) => s.scanId)).toEqual(['s4']);
    expect(world.scans.records.list({ limit: 10, device: 'pda-02' }).scans).toEqual([]);
  });
});
