import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../store/database.ts';
import { cloudMigrations, migrate } from '../store/migrations.ts';
import { addDays, daysBetween, nearestChineseNewYear } from './calendar-features.ts';
import { parseFactorSet, type BaselineDay } from './factor-model.ts';
import { FactorVersions } from './factor-versions.ts';
import { sandboxComparison } from './sandbox-comparison.ts';
import { seededRandom } from './seeded-random.ts';

const decay = (multiplier: number) => parseFactorSet({ factors: [{ kind: 'spring-festival-decay', name: 'pre-Spring-Festival decay', daysBefore: 21, multiplier }] });

/**
 * 16 months over two Spring Festivals (2025-01-29, 2026-02-17) whose true pre-festival decay is
 * 0.62: the model's baseline knows the weekly pattern, the actuals also carry +-5% noise.
 */
function syntheticHistory(trueDecay: number): { baseline: BaselineDay[]; actuals: number[] } {
  const random = seededRandom(2026);
  const firstDay = '2024-12-02'; // a Monday
  const byWeekday = [100, 95, 95, 100, 120, 160, 70];
  const baseline: BaselineDay[] = [];
  const actuals: number[] = [];
  const count = daysBetween(firstDay, '2026-03-31') + 1;
  for (let index = 0; index < count; index++) {
    const day = addDays(firstDay, index);
    const expected = byWeekday[index % 7]!;
    const offset = nearestChineseNewYear(day).daysFromChineseNewYear;
    const truth = offset < 0 && offset >= -21 ? trueDecay : 1;
    baseline.push({ day, baseline: expected });
    actuals.push(Math.round(expected * truth * (1 + random.uniform(-0.05, 0.05))));
  }
  return { baseline, actuals };
}

describe('sandbox comparison', () => {
  it('measures both factor sets on the same days, numbers worked by hand', () => {
    const result = sandboxComparison(
      [
        { day: '2026-02-10', baseline: 100 },
        { day: '2026-03-10', baseline: 100 },
      ],
      [62, 110],
      decay(0.85),
      decay(0.62),
    );
    // Production forecasts 85 and 100: errors 23 and 10 over 172 sold.
    expect(result.production.wape).toBeCloseTo(33 / 172, 12);
    expect(result.production.mape).toBeCloseTo((23 / 62 + 10 / 110) / 2, 12);
    // Sandbox forecasts 62 and 100: errors 0 and 10.
    expect(result.sandbox.wape).toBeCloseTo(10 / 172, 12);
    expect(result.sandbox.mape).toBeCloseTo(10 / 110 / 2, 12);
    expect(result.change.wape).toBeCloseTo(-23 / 172, 12);
    expect(result.sandboxIsBetter).toBe(true);
    expect(result.changedDays).toEqual([{ day: '2026-02-10', actual: 62, production: 85, sandbox: 62 }]);
  });

  it('shows lower error for decay 0.62 than production 0.85 when the true decay is 0.62, then publishes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgestock-sandbox-'));
    const db = openDatabase(join(dir, 'cloud.sqlite'));
    try {
      migrate(db, cloudMigrations);
      let clockMs = Date.parse('2026-04-01T09:00:00Z');
      const versions = new FactorVersions(db, () => clockMs);
      const initial = versions.openSandbox({ scope: 'default', actor: 'li.planner' });
      versions.editSandbox(initial.id, { factors: decay(0.85), actor: 'li.planner' });
      const production = versions.publish(initial.id, { actor: 'li.planner', reason: 'long-run pre-festival decay' });

      const sandbox = versions.openSandbox({ scope: 'default', actor: 'wang.planner' });
      clockMs += 60_000;
      const edited = versions.editSandbox(sandbox.id, { factors: decay(0.62), actor: 'wang.planner' });

      const { baseline, actuals } = syntheticHistory(0.62);
      const result = sandboxComparison(baseline, actuals, versions.production('default')!.factors, edited.factors);
      expect(result.days).toBe(baseline.length);
      expect(result.changedDays).toHaveLength(42); // 21 days before each of the two New Years
      expect(result.changedDays[0]!.day).toBe('2025-01-08');
      expect(result.changedDays.at(-1)!.day).toBe('2026-02-16');
      expect(result.sandboxIsBetter).toBe(true);
      expect(result.sandbox.wape!).toBeLessThan(result.production.wape!);
      expect(result.sandbox.mape!).toBeLessThan(result.production.mape!);
      expect(result.change.wape!).toBeLessThan(0);
      // On the decay days alone the old factor is off by about (0.85 - 0.62) / 0.62 = 37%.
      const decayDays = result.changedDays;
      const productionDecayMape = decayDays.reduce((sum, day) => sum + Math.abs(day.actual - day.production) / day.actual, 0) / decayDays.length;
      const sandboxDecayMape = decayDays.reduce((sum, day) => sum + Math.abs(day.actual - day.sandbox) / day.actual, 0) / decayDays.length;
      expect(productionDecayMape).toBeGreaterThan(0.3);
      expect(sandboxDecayMape).toBeLessThan(0.05);
      // Comparing changed nothing in production; publishing does.
      expect(versions.production('default')).toEqual(production);
      const published = versions.publish(sandbox.id, { actor: 'wang.planner', reason: `backtest WAPE ${result.production.wape!.toFixed(3)} -> ${result.sandbox.wape!.toFixed(3)}` });
      expect(published.version).toBe(2);
      expect(versions.production('default')!.factors).toEqual(decay(0.62));
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows the sandbox worse when it moves away from the truth', () => {
    const { baseline, actuals } = syntheticHistory(0.85);
    const result = sandboxComparison(baseline, actuals, decay(0.85), decay(0.62));
    expect(result.sandboxIsBetter).toBe(false);
    expect(result.change.wape!).toBeGreaterThan(0);
  });

  it('refuses actuals that do not line up with the forecasts', () => {
    expect(() => sandboxComparison([{ day: '2026-02-10', baseline: 100 }], [1, 2], decay(0.85), decay(0.62))).toThrow(
      'actuals: expected one actual per baseline forecast day (1), found 2',
    );
  });
});
