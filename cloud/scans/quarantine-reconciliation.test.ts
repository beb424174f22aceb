import { afterEach, describe, expect, it } from 'vitest';
import type { LotRecord } from '../../config/master-data-schema.ts';
import { DAY1, GTIN, openScanWorld, scanEvent, type ScanWorld } from './testing/scan-fixture.ts';

const MIN = 60_000;
const quarantinedAt = DAY1 + 10 * 60 * MIN + 5 * MIN; // 10:05 UTC
const quarantined: LotRecord = { gtin: GTIN, batch: 'L2403', expiry: '2026-09-30', status: 'quarantined', reason: 'supplier recall', quarantinedAt };

describe('reconciling offline decisions with quarantined lots', () => {
  let world: ScanWorld;
  afterEach(() => world?.close());

  it('alerts when a scan arrives that allowed a lot the cloud had already quarantined, once per lot, scans appended', () => {
    world = openScanWorld();
    world.lots.set(`${GTIN}/L2403`, quarantined);
    // Before the quarantine, blocked, and of another lot: none of these is suspect.
    world.scans.onEvent('plant', 'gw1', scanEvent({ scanId: 'before', op: 'pick', location: 'B12', at: quarantinedAt - MIN }));
    world.scans.onEvent('plant', 'gw1', scanEvent({ scanId: 'blocked', op: 'pick', location: 'B12', at: quarantinedAt + MIN, verdict: 'block' }));
    world.scans.onEvent('plant', 'gw1', scanEvent({ scanId: 'other', op: 'pick', location: 'B12', batch: 'L2404', at: quarantinedAt + MIN }));
    expect(world.scans.api.alerts()).toEqual([]);

    const first = scanEvent({ scanId: 's1', op: 'pick', location: 'B12', at: quarantinedAt + 2 * MIN, offline: true });
    world.scans.onEvent('plant', 'gw1', first);
    world.scans.onEvent('plant', 'gw1', scanEvent({ scanId: 's2', op: 'putaway', location: 'C03', at: quarantinedAt, verdict: 'warn', device: 'pda-02', offline: true }));
    world.scans.onEvent('plant', 'gw1', first); // a replay
    const alerts = world.scans.api.alerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'lot-quarantined-meanwhile', gtin: GTIN, batch: 'L2403', scans: ['scan-pda-01-s1', 'scan-pda-02-s2'] });
    expect(alerts[0]!.message).toBe(`Lot ${GTIN}/L2403 was quarantined at 2026-03-01 10:05 UTC (supplier recall); 2 scans allowed it afterwards: `
      + 'pda-01 (op-anna) pick at B12 2026-03-01 10:07 UTC [allow, offline]; pda-02 (op-anna) putaway at C03 2026-03-01 10:05 UTC [warn, offline]');
  });

  it('alerts when a lot becomes quarantined after scans that allowed it were stored', () => {
    world = openScanWorld();
    const released: LotRecord = { gtin: GTIN, batch: 'L2403', expiry: '2026-09-30', status: 'released' };
    world.lots.set(`${GTIN}/L2403`, released);
    for (const [scanId, at] of [['early', quarantinedAt - MIN], ['late1', quarantinedAt + MIN], ['late2', quarantinedAt + 3 * MIN]] as const) {
      world.scans.onEvent('plant', 'gw1', scanEvent({ scanId, op: 'pick', location: 'B12', at, offline: true }));
    }
    expect(world.scans.api.alerts()).toEqual([]);
    world.scans.onLotChanged(released);
    expect(world.scans.api.alerts()).toEqual([]);

    world.lots.set(`${GTIN}/L2403`, quarantined);
    world.scans.onLotChanged(quarantined);
    world.scans.onLotChanged(quarantined); // told twice: nothing more
    const [alert, ...more] = world.scans.api.alerts();
    expect(more).toEqual([]);
    expect(alert!.scans).toEqual(['scan-pda-01-late1', 'scan-pda-01-late2']);
    expect(alert!.message).toContain('2 scans allowed it afterwards');

    // A scan reaching the cloud later still joins the same alert.
    world.scans.onEvent('plant', 'gw2', scanEvent({ scanId: 'late3', op: 'pick', location: 'B12', at: quarantinedAt + 9 * MIN, device: 'pda-07' }));
    const [updated] = world.scans.api.alerts();
    expect(updated!.id).toBe(alert!.id);
    expect(updated!.scans).toEqual(['scan-pda-01-late1', 'scan-pda-01-late2', 'scan-pda-07-late3']);
    expect(updated!.message).toContain('3 scans allowed it afterwards');
  });
});
