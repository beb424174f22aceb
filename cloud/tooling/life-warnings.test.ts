/**
 * DESIGN.md's tooling case end to end on the store: the edge counts insert INS-0042 to 8,512 of
 * its 9,000 shots; it warns (from 8,500), and the recommendation picks the spare whose CTE is
 * closest to the MOTHER MOLD's, passing over a closer spare of the wrong part, one outside the
 * tolerance, a worn-out one and a sub-mold; with the last three inspection reports and the
 * schedule's window.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MaintenanceWindow } from './maintenance-window.ts';
import { openToolingWorld, seedPlant, T0, type ToolingWorld } from './testing/tooling-fixture.ts';
import type { ToolingAsset } from './tooling-types.ts';

const S = 1000;

describe('life warnings and the replacement recommendation', () => {
  let world: ToolingWorld;
  const planned: string[] = [];
  const window = { machine: 'IMM-01', start: T0 + 3_600_000, end: T0 + 4 * 3_600_000 } as MaintenanceWindow;

  beforeEach(() => {
    planned.length = 0;
    world = openToolingWorld({ planWindow: (asset: ToolingAsset) => { planned.push(asset.id); return window; } });
    seedPlant(world);
  });
  afterEach(() => world.close());

  const countTo = (shots: number) => {
    world.counter([[T0 + S, 70_000], [T0 + 2 * S, 70_000 + shots]]);
    world.tooling.feed.poll();
  };

  it('warns nothing below the threshold', () => {
    countTo(8_499);
    expect(world.tooling.api.warnings()).toEqual([]);
  });

  it('warns at 8,512 of 9,000 and recommends the spare matching the mother mold within 0.5', () => {
    for (const [date, result] of [['2026-01-10', 'ok'], ['2026-02-01', 'ok'], ['2026-02-20', 'wear'], ['2026-03-01', 'wear']] as const) {
      world.tooling.api.addInspection('INS-0042', { date, inspector: 'Li Wei', result, measurements: [{ name: 'cavity depth', value: 12.01, unit: 'mm' }] }, 'qa');
    }
    countTo(8_512);
    const warnings = world.tooling.api.warnings();
    // INS-0400 is over its life too, but a spare: it runs in no mold.
    expect(warnings.map((w) => w.assetId)).toEqual(['INS-0042']);
    const [w] = warnings;
    expect(w).toMatchObject({ state: 'warning', shots: 8_512, lifeShots: 9_000, lifePct: 95, motherMold: 'M-100', machine: 'IMM-01' });
    expect(w!.message).toBe('insert INS-0042 on mold M-100 (IMM-01) has 8,512 of 9,000 shots (95%): plan its replacement');
    const r = w!.recommendation;
    expect(r.motherMold).toEqual({ id: 'M-100', cteUmPerMK: 11.5 });
    expect(r.toleranceUmPerMK).toBe(0.5);
    // INS-0042 itself has 11.4: matching it would rank INS-0110 (11.3) first; the mother mold's 11.5 ranks INS-0107 (11.6).
    expect(r.candidates.map((c) => [c.id, c.deltaCteUmPerMK, c.remainingShots])).toEqual([['INS-0107', 0.1, 8_000], ['INS-0110', 0.2, 9_000]]);
    expect(Object.fromEntries(r.excluded.map((e) => [e.id, e.reason]))).toEqual({
      'INS-0200': 'part number P-SLIDE-2, not P-CAV-7',
      'INS-0300': 'CTE 12.4 is 0.9 from the mother mold\'s 11.5 µm/(m·K), outside the tolerance of 0.5',
      'INS-0400': 'no life left (9,000 of 9,000 shots)',
    });
    expect(r.advice).toMatch(/^Replace insert INS-0042 with INS-0107 \(serial SN-INS-0107, at TOOL-ROOM\/R3\): CTE 11.6 µm\/\(m·K\), 0.1 from the mother mold M-100's 11.5, 8,000 shots of life left\. 1 more fits: INS-0110\.$/);
    expect(r.lastInspections.map((i) => i.date)).toEqual(['2026-03-01', '2026-02-20', '2026-02-01']);
    expect(r.maintenanceWindow).toBe(window);
    expect(planned).toEqual(['INS-0042']);
  });

  it('ranks equal CTE distances by remaining life, and says to buy when nothing fits', () => {
    countTo(9_100);
    const [w] = world.tooling.api.warnings(0.05);
    expect(w!.state).toBe('over_life');
    expect(w!.message).toBe('insert INS-0042 on mold M-100 (IMM-01) has 9,100 of 9,000 shots (101%): over its life: replace it now');
    expect(w!.recommendation.candidates).toEqual([]);
    expect(w!.recommendation.advice).toBe('No spare insert of part P-CAV-7 matches the mother mold M-100 (CTE 11.5 ± 0.05 µm/(m·K)) with life left: buy one, specifying a CTE of 11.5 µm/(m·K) (certificate with the material grade and heat treatment).');
    world.tooling.api.putAsset({ id: 'INS-0110', kind: 'insert', serial: 'SN-INS-0110', name: 'x', cteUmPerMK: 11.4 }, 't');
    const ranked = world.tooling.api.recommendation('INS-0042', 0.5).candidates.map((c) => c.id);
    expect(ranked).toEqual(['INS-0110', 'INS-0107']); // both 0.1 away; INS-0110 has 9,000 left, INS-0107 8,000
  });

  it('asks for the mother mold\'s CTE when it is missing, and refuses a negative tolerance', () => {
    world.tooling.api.putAsset({ id: 'M-100', kind: 'mold', serial: 'M100-2024-01', name: 'housing mold', cteUmPerMK: null }, 't');
    const r = world.tooling.api.recommendation('INS-0042');
    expect(r.candidates).toEqual([]);
    expect(r.advice).toMatch(/M-100 has no thermal expansion coefficient recorded.*record its cteUmPerMK/);
    expect(() => world.tooling.api.recommendation('INS-0042', -1)).toThrow(/toleranceUmPerMK: -1 is not a tolerance/);
    expect(() => world.tooling.api.recommendation('NOPE')).toThrow(/no asset "NOPE"/);
  });
});
