/**
 * Opens the production schedule and the maintenance-window planner on the cloud's SQLite file
 * (migrations are applied by the store).
 *
 * Composition (cloud-service.ts): open the tooling part and this one on the same file, give this
 * one the tooling part's asset and machine lookups (`tooling`), and give the tooling part's
 * replacement recommendation `planWindow` (late-bound, so either can be opened first). Routes:
 * cloud/web/routes/tooling-schedule.ts with `{ schedule, planner }`.
 */
import type { Clock } from '../../connectors/clock.ts';
import { openDatabase } from '../store/database.ts';
import type { TelemetryStore } from '../store/telemetry-store.ts';
import type { MaintenanceWindow } from './maintenance-window.ts';
import { ProductionSchedule } from './production-schedule.ts';
import type { Machine, ToolingAsset } from './tooling-types.ts';
import { toolingWindowSubjects, WindowPlanner } from './window-planner.ts';

export interface OpenProductionScheduleOptions {
  clock: Pick<Clock, 'now'>;
  telemetry: Pick<TelemetryStore, 'history'>;
  /** The tooling part; without it machines and molds are not checked and every window is 404. */
  tooling?: {
    assetOf(id: string): ToolingAsset | undefined;
    machineOf(id: string): Machine | undefined;
  };
  /** The window planWindow proposes, hours (default 4). */
  defaultWindowHours?: number;
  /** The look-back of the counter's shot rate, hours (default 24). */
  rateHours?: number;
}

export interface OpenProductionSchedule {
  schedule: ProductionSchedule;
  /** Undefined without the tooling part. */
  planner: WindowPlanner | undefined;
  /** For the replacement recommendation: the window for the asset; null without the tooling part. */
  planWindow(asset: { id: string }): MaintenanceWindow | null;
  close(): void;
}

export function openProductionSchedule(file: string, options: OpenProductionScheduleOptions): OpenProductionSchedule {
  const db = openDatabase(file);
  try {
    const now = () => options.clock.now();
    const { tooling } = options;
    const schedule = new ProductionSchedule(db, {
      now,
      ...(tooling ? {
        machineExists: (id: string) => tooling.machineOf(id) !== undefined,
        moldExists: (id: string) => tooling.assetOf(id)?.kind === 'mold',
      } : {}),
    });
    const planner = tooling ? new WindowPlanner({
      schedule, now, defaultDurationHours: options.defaultWindowHours,
      subjects: toolingWindowSubjects({ ...tooling, telemetry: options.telemetry, rateHours: options.rateHours }),
    }) : undefined;
    return {
      schedule,
      planner,
      planWindow: (asset) => planner?.planWindow(asset) ?? null,
      close: () => db.close(),
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
