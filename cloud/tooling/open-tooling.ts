/**
 * Opens the tooling part on the cloud's SQLite file: assets, machines and mounts, the shot
 * counter feed over the telemetry store, inspections with attachments, life warnings and the
 * replacement recommendation.
 *
 * Composition (cloud-service.ts): open it after the telemetry store, give the web routes `api`,
 * and `close` it on shutdown. The schedule part (open-production-schedule.ts) takes
 * `{ assetOf: api.asset, machineOf: api.machine }`, and the recommendation takes the schedule's
 * `planWindow`: pass it as a closure over the schedule part opened after this one.
 */
import type { Clock } from '../../connectors/clock.ts';
import { openDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import type { TelemetryStore } from '../store/telemetry-store.ts';
import { Inspections } from './inspections.ts';
import { LifeWarnings } from './life-warnings.ts';
import { Machines } from './machines.ts';
import type { MaintenanceWindow } from './maintenance-window.ts';
import { Replacements } from './replacements.ts';
import { ShotCounterFeed } from './shot-counter-feed.ts';
import { ToolingAssets } from './tooling-assets.ts';
import { ToolingError } from './tooling-errors.ts';
import type {
  AttachmentInput, AttachmentMeta, FeedStats, Inspection, InspectionInput, LifeWarning, Machine, MachineInput, Mount, ReplaceInput,
  ReplacementRecommendation, ToolingAsset, ToolingAssetInput, ToolingAssetNode,
} from './tooling-types.ts';

/** What the web routes (cloud/web/routes/tooling.ts) use; `actor` is the caller's username. */
export interface ToolingApi {
  tree(): ToolingAssetNode[];
  asset(id: string): ToolingAsset | undefined;
  putAsset(input: ToolingAssetInput, actor: string): ToolingAsset;
  replace(id: string, input: ReplaceInput, actor: string): { removed: ToolingAsset; installed: ToolingAsset };
  recommendation(id: string, toleranceUmPerMK?: number): ReplacementRecommendation;
  warnings(toleranceUmPerMK?: number): LifeWarning[];
  addInspection(assetId: string, input: InspectionInput, actor: string): Inspection;
  inspections(assetId: string, limit?: number): Inspection[];
  attach(assetId: string, file: AttachmentInput & { certificate?: string | null }, actor: string): AttachmentMeta;
  attachment(id: number): { meta: AttachmentMeta; data: Buffer } | undefined;
  machines(): Machine[];
  machine(id: string): Machine | undefined;
  putMachine(input: MachineInput, actor: string): Machine;
  /** `at` default now. */
  mount(machine: string, mold: string | null, actor: string, at?: number): Machine;
  mounts(machine: string): Mount[];
  feedStats(): FeedStats;
}

export interface OpenTooling {
  api: ToolingApi;
  assets: ToolingAssets;
  machines: Machines;
  feed: ShotCounterFeed;
  close(): void;
}

export interface OpenToolingOptions {
  telemetry: Pick<TelemetryStore, 'history'>;
  clock: Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** Default DEFAULT_POLL_EVERY_MS (shot-counter-feed.ts); 0: no timer (tests call feed.poll()). */
  pollEveryMs?: number;
  /** The schedule part's maintenance window for an asset; without it the recommendation's is null. */
  planWindow?: (asset: ToolingAsset) => MaintenanceWindow | null;
}

export function openTooling(file: string, options: OpenToolingOptions): OpenTooling {
  const db = openDatabase(file);
  try {
    migrate(db);
    const now = () => options.clock.now();
    const assets = new ToolingAssets(db, now);
    const machines = new Machines(db, now);
    const inspections = new Inspections(db, now);
    const replacements = new Replacements({ assets, inspections, planWindow: options.planWindow });
    const warnings = new LifeWarnings({ assets, replacements });
    const feed = new ShotCounterFeed({ db, telemetry: options.telemetry, assets, machines, clock: options.clock, logger: options.logger, pollEveryMs: options.pollEveryMs });
    feed.start();

    const unknownMachine = (id: string) => new ToolingError('UNKNOWN_MACHINE', 'id', `id: no machine ${JSON.stringify(id)}; GET /api/tooling/machines lists them`);
    const api: ToolingApi = {
      tree: () => assets.tree(),
      asset: (id) => assets.get(id),
      putAsset: (input, actor) => assets.put(input, actor),
      replace: (id, input, actor) => assets.replace(id, input, actor),
      recommendation: (id, tolerance) => replacements.recommend(id, tolerance),
      warnings: (tolerance) => warnings.list(tolerance),
      addInspection: (assetId, input, actor) => inspections.add(assetId, input, actor),
      inspections: (assetId, limit) => inspections.list(assetId, limit),
      attach: (assetId, f, actor) => inspections.attach(assetId, f, actor),
      attachment: (id) => inspections.file(id),
      machines: () => machines.list(),
      machine: (id) => machines.get(id),
      putMachine: (input, actor) => machines.put(input, actor),
      mount: (machine, mold, actor, at) => {
        if (!machines.get(machine)) throw unknownMachine(machine);
        return machines.mount(machine, mold, at ?? now(), 'api', actor);
      },
      mounts: (machine) => machines.mounts(machine),
      feedStats: () => feed.stats(),
    };

    return {
      api, assets, machines, feed,
      close: () => {
        feed.stop();
        db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
