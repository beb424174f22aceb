/**
 * The seam between the tooling part and the schedule part, both opened on one real SQLite file
 * as cloud-service.ts composes them: the recommendation's maintenance window comes from the
 * schedule's planner (late-bound), which reads the tooling part's asset and machine, and the
 * window avoids a planned production order.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openProductionSchedule, type OpenProductionSchedule } from './open-production-schedule.ts';
import { openToolingWorld, seedPlant, T0, type ToolingWorld } from './testing/tooling-fixture.ts';

const H = 3_600_000;

describe('the recommendation with the schedule part', () => {
  let world: ToolingWorld;
  let schedule: OpenProductionSchedule | undefined;

  beforeEach(() => {
    world = openToolingWorld({ planWindow: (asset) => schedule?.planWindow(asset) ?? null });
    seedPlant(world);
    const { api } = world.tooling;
    schedule = openProductionSchedule(world.file, { clock: world.clock, telemetry: world.telemetry, tooling: { assetOf: (id) => api.asset(id), machineOf: (id) => api.machine(id) } });
  });
  afterEach(() => {
    schedule?.close();
    world.close();
  });

  it('proposes a window on the insert\'s machine that does not overlap the planned order', () => {
    world.counter([[T0 + 1000, 0], [T0 + 2000, 8_600]]);
    world.tooling.feed.poll();
    schedule!.schedule.put('PO-1', { machine: 'IMM-01', mold: 'M-100', sku: 'HOUSING-7', qty: 1000, start: T0, end: T0 + 6 * H }, 'planner');
    const window = world.tooling.api.recommendation('INS-0042').maintenanceWindow;
    expect(window).not.toBeNull();
    expect(window!.machine).toBe('IMM-01');
    expect(window!.start).toBeGreaterThanOrEqual(T0 + 6 * H);
    expect(world.tooling.api.warnings()[0]!.recommendation.maintenanceWindow).toEqual(window);
  });
});
