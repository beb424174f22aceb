/**
 * Joins the pure window planner (maintenance-window.ts) to the data it needs: the asset's shots
 * and life and the machine its mold is mounted on (the tooling part), the machine's shot rate
 * (its counter in the telemetry store, or a cycle time) and the machine's production orders
 * (production-schedule.ts). The tooling part is reached through a narrow port
 * (`WindowSubjects`) so the schedule, its routes and its tests need only what they use.
 * `planWindow(asset)` is the dependency the replacement recommendation takes.
 */
import type { HistoryQuery, TelemetryStore } from '../store/telemetry-store.ts';
import { DEFAULT_WINDOW_HOURS, planMaintenanceWindow, type MaintenanceWindow } from './maintenance-window.ts';
import type { ProductionOrder, ProductionSchedule } from './production-schedule.ts';
import type { Machine, ToolingAsset } from './tooling-types.ts';
import { DEFAULT_RATE_HOURS, HOUR_MS, shotRateFromCounter, shotRateFromCycleTime, type ShotRate } from './shot-rate.ts';

/** What the planner needs to know of an asset. */
export interface WindowSubject {
  id: string;
  /** e.g. `insert INS-0042`, used in the explanation. */
  label: string;
  shots: number;
  /** Null: no life limit. */
  lifeShots: number | null;
  /** The machine its (top) mold is mounted on now; null when not mounted. */
  machine: string | null;
}

/** The tooling part, as the planner sees it. */
export interface WindowSubjects {
  /** Undefined for an asset the tooling part does not know. */
  subjectOf(assetId: string): WindowSubject | undefined;
  /** How fast `machine` makes shots at `now`; null when unknown. */
  rateOf(machine: string, now: number): ShotRate | null;
}

export interface MaintenancePlan {
  assetId: string;
  machine: string | null;
  window: MaintenanceWindow | null;
  /** The machine's planned and running orders from now to a day past the window: the timeline. */
  orders: ProductionOrder[];
  /** Why there is no window; null when there is one. */
  reason: string | null;
}

export interface WindowPlannerDeps {
  schedule: Pick<ProductionSchedule, 'activeOn'>;
  subjects: WindowSubjects;
  now(): number;
  /** Default DEFAULT_WINDOW_HOURS: the duration of the window `planWindow` proposes. */
  defaultDurationHours?: number;
}

/** How far past the window's end the timeline shows orders. */
const TIMELINE_TAIL_MS = 24 * HOUR_MS;

export class WindowPlanner {
  readonly #deps: WindowPlannerDeps;

  constructor(deps: WindowPlannerDeps) {
    this.#deps = deps;
  }

  /** The plan for `assetId`; undefined for an asset the tooling part does not know. */
  planFor(assetId: string, durationHours = this.#deps.defaultDurationHours ?? DEFAULT_WINDOW_HOURS): MaintenancePlan | undefined {
    const subject = this.#deps.subjects.subjectOf(assetId);
    if (!subject) return undefined;
    const now = this.#deps.now();
    if (subject.machine === null) {
      return { assetId, machine: null, window: null, orders: [], reason: `${subject.label} is not on a machine (its mold is not mounted), so no production stands in the way: replace it whenever convenient.` };
    }
    const orders = this.#deps.schedule.activeOn(subject.machine, now);
    const window = planMaintenanceWindow({
      now, durationHours, assetLabel: subject.label, machine: subject.machine, remainingShots: subject.lifeShots === null ? null : subject.lifeShots - subject.shots,
      lifeShots: subject.lifeShots, rate: this.#deps.subjects.rateOf(subject.machine, now), orders,
    });
    const until = Math.max(window.end, window.lifeReachedAt ?? 0) + TIMELINE_TAIL_MS;
    return { assetId, machine: subject.machine, window, orders: orders.filter((o) => o.start < until), reason: null };
  }

  /** The replacement recommendation's dependency: the window for the asset, null without one. */
  readonly planWindow = (asset: { id: string }): MaintenanceWindow | null => this.planFor(asset.id)?.window ?? null;
}

/** Where a machine's shot counter is, and its cycle time when known. */
export interface MachineCounter {
  counter: Pick<HistoryQuery, 'group' | 'edge' | 'device' | 'tag'> | null;
  cycleTimeS?: number | null;
}

/**
 * `rateOf` over the telemetry store: the counter's good samples over the last `hours`, else the
 * cycle time, else null.
 */
export function telemetryShotRate(
  telemetry: Pick<TelemetryStore, 'history'>, counterOf: (machine: string) => MachineCounter | undefined, hours = DEFAULT_RATE_HOURS,
): (machine: string, now: number) => ShotRate | null {
  return (machine, now) => {
    const found = counterOf(machine);
    if (!found) return null;
    if (found.counter) {
      const points = telemetry.history({ ...found.counter, from: now - hours * HOUR_MS, to: now });
      const samples = points.filter((p) => p.quality === 'good' && typeof p.value === 'number').map((p) => ({ ts: p.ts, value: p.value as number }));
      const rate = shotRateFromCounter(samples, now, hours, `the ${machine} counter`);
      if (rate) return rate;
    }
    return found.cycleTimeS ? shotRateFromCycleTime(found.cycleTimeS) : null;
  };
}

const kindWords: Record<ToolingAsset['kind'], string> = { mold: 'mold', sub_mold: 'sub-mold', insert: 'insert' };

/**
 * The port over the tooling part (tooling-types.ts): an asset's shots, life and machine, and the
 * machine's counter tag and cycle time for its shot rate from the telemetry store.
 */
export function toolingWindowSubjects(deps: {
  assetOf(id: string): ToolingAsset | undefined;
  machineOf(id: string): Machine | undefined;
  telemetry: Pick<TelemetryStore, 'history'>;
  rateHours?: number;
}): WindowSubjects {
  return {
    subjectOf: (id) => {
      const asset = deps.assetOf(id);
      if (!asset) return undefined;
      return { id, label: `${kindWords[asset.kind]} ${asset.id}`, shots: asset.shots, lifeShots: asset.lifeShots, machine: asset.machine };
    },
    rateOf: telemetryShotRate(deps.telemetry, (machine) => {
      const found = deps.machineOf(machine);
      return found && { counter: found.counter, cycleTimeS: found.cycleTimeS };
    }, deps.rateHours),
  };
}
