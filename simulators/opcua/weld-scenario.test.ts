import { describe, expect, it } from 'vitest';
import { createWeldScenario, nominalCurrentKa } from './weld-scenario.ts';

describe('weld scenario', () => {
  it('increments each enabled gun\'s weld count once per step', () => {
    const scenario = createWeldScenario();
    const before = scenario.guns.map((g) => g.weldCount);
    scenario.guns[1]!.enabled = false;
    scenario.step();
    expect(scenario.guns.map((g) => g.weldCount)).toEqual([before[0]! + 1, before[1], before[2]! + 1]);
  });

  it('keeps the weld current near the nominal current for the sheet thickness', () => {
    const scenario = createWeldScenario({ seed: 7 });
    for (let i = 0; i < 50; i++) {
      scenario.step();
      for (const gun of scenario.guns) {
        expect(Math.abs(gun.weldCurrentKa - nominalCurrentKa(gun.sheetThicknessMm))).toBeLessThanOrEqual(0.71);
      }
    }
  });

  it('changes the electrode cap after capLifeWelds welds', () => {
    const scenario = createWeldScenario({ capLifeWelds: 3 });
    const g1 = scenario.guns[0]!;
    expect(g1.electrodeCapId).toBe('CAP-G1-0001');
    scenario.step();
    scenario.step();
    expect(g1.electrodeCapId).toBe('CAP-G1-0001');
    scenario.step();
    expect(g1.electrodeCapId).toBe('CAP-G1-0002');
    expect(g1.capWelds).toBe(0);
  });

  it('replays the same way for the same seed', () => {
    const a = createWeldScenario({ seed: 3 });
    const b = createWeldScenario({ seed: 3 });
    for (let i = 0; i < 10; i++) { a.step(); b.step(); }
    expect(a.guns).toEqual(b.guns);
  });
});
