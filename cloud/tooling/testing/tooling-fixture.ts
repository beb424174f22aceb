/**
 * For the tooling part's tests: a real cloud SQLite file in a temp folder with the real telemetry
 * store (counter samples are written through `insertSamples`, as the Sparkplug ingest writes
 * them), the tooling part opened on the same file with a clock the test moves, and a plant:
 * mold M-100 (CTE 11.5) with sub-mold SM-1 holding insert INS-0042 (life 9000, warn 8500) on
 * machine IMM-01, and spares around it. Not a test itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock, type ManualClock } from '../../scans/testing/scan-fixture.ts';
import { openTelemetryStore, type TelemetryQuality, type TelemetryStore } from '../../store/telemetry-store.ts';
import { openTooling, type OpenTooling, type OpenToolingOptions } from '../open-tooling.ts';
import type { TagRef, ToolingAssetInput } from '../tooling-types.ts';

/** 2026-03-02T08:00:00Z */
export const T0 = Date.parse('2026-03-02T08:00:00Z');
export const COUNTER: TagRef = { group: 'demo-plant', edge: 'gw-cold-room-1', device: 'press-plc', tag: 'IMM-01/shot-counter' };
export const MOLD_ID: TagRef = { ...COUNTER, tag: 'IMM-01/mold-id' };
/** A minimal PDF and PNG: real signatures, as an inspection report would carry. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
export const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

export interface ToolingWorld {
  dir: string;
  file: string;
  telemetry: TelemetryStore;
  clock: ManualClock;
  tooling: OpenTooling;
  logs: Array<{ level: string; msg?: string; obj: object }>;
  /** Counter samples [ts, value, quality?] as the ingest stores them. */
  counter(points: Array<[number, number, TelemetryQuality?]>, tag?: TagRef): void;
  moldId(points: Array<[number, string]>, tag?: TagRef): void;
  /** Closes the tooling part and opens it again on the same file (a cloud restart). */
  reopen(options?: Partial<OpenToolingOptions>): OpenTooling;
  close(): void;
}

export function openToolingWorld(options: Partial<OpenToolingOptions> = {}): ToolingWorld {
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-tooling-'));
  const file = join(dir, 'cloud.sqlite');
  const telemetry = openTelemetryStore(file);
  const clock = manualClock(T0);
  const logs: ToolingWorld['logs'] = [];
  const logger = {
    info: (obj: object, msg?: string) => { logs.push({ level: 'info', obj, msg }); },
    warn: (obj: object, msg?: string) => { logs.push({ level: 'warn', obj, msg }); },
  };
  const open = (extra: Partial<OpenToolingOptions>) => openTooling(file, { telemetry, clock, logger, pollEveryMs: 0, ...options, ...extra });
  const world: ToolingWorld = {
    dir, file, telemetry, clock, logs,
    tooling: open({}),
    counter: (points, tag = COUNTER) => {
      telemetry.insertSamples(points.map(([ts, value, quality]) => ({ ...tag, ts, value, quality: quality ?? 'good', error: quality === 'bad' ? 'LINK_DOWN' : null })));
    },
    moldId: (points, tag = MOLD_ID) => {
      telemetry.insertSamples(points.map(([ts, value]) => ({ ...tag, ts, value, quality: 'good' })));
    },
    reopen: (extra = {}) => {
      world.tooling.close();
      world.tooling = open(extra);
      return world.tooling;
    },
    close: () => {
      world.tooling.close();
      telemetry.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

export const insert = (id: string, fields: Partial<ToolingAssetInput> = {}): ToolingAssetInput => ({
  id, kind: 'insert', serial: `SN-${id}`, name: `cavity insert ${id}`, partNumber: 'P-CAV-7', lifeShots: 9000, warnAtShots: 8500, ...fields,
});

/**
 * The plant of DESIGN.md's tooling case: M-100 (CTE 11.5) > SM-1 > INS-0042 (CTE 11.4, life 9000,
 * warn 8500), mounted on IMM-01 at T0; spares: INS-0107 (11.6, delta 0.1), INS-0110 (11.3, delta
 * 0.2, more life left), INS-0200 (11.5 but another part), INS-0300 (12.4: outside 0.5), INS-0400
 * (11.5 but worn out) and SM-9 (a sub-mold, CTE 11.5).
 */
export function seedPlant(world: ToolingWorld, actor = 'test'): void {
  const { api } = world.tooling;
  api.putAsset({ id: 'M-100', kind: 'mold', serial: 'M100-2024-01', name: 'housing mold', cteUmPerMK: 11.5, lifeShots: 500_000 }, actor);
  api.putAsset({ id: 'SM-1', kind: 'sub_mold', serial: 'SM1-01', name: 'core side', parent: 'M-100', position: 'core', cteUmPerMK: 11.5 }, actor);
  api.putAsset(insert('INS-0042', {
    parent: 'SM-1', position: 'cavity-1', cteUmPerMK: 11.4,
    certificates: [{ number: 'C-3.1-7781', materialGrade: '1.2343 ESR', supplier: 'Uddeholm', issued: '2025-11-03' }],
    heatTreatment: { hardnessHrc: 50, temperingTemperatureC: 560, temperingCycles: 2, temperingHours: 2 },
  }), actor);
  api.putAsset(insert('INS-0107', { cteUmPerMK: 11.6, location: 'TOOL-ROOM/R3', openingShots: 1000 }), actor);
  api.putAsset(insert('INS-0110', { cteUmPerMK: 11.3, location: 'TOOL-ROOM/R4' }), actor);
  api.putAsset(insert('INS-0200', { cteUmPerMK: 11.5, partNumber: 'P-SLIDE-2', location: 'TOOL-ROOM/R1' }), actor);
  api.putAsset(insert('INS-0300', { cteUmPerMK: 12.4, location: 'TOOL-ROOM/R5' }), actor);
  api.putAsset(insert('INS-0400', { cteUmPerMK: 11.5, location: 'TOOL-ROOM/R6', openingShots: 9000 }), actor);
  api.putAsset({ id: 'SM-9', kind: 'sub_mold', serial: 'SM9-01', name: 'spare core side', cteUmPerMK: 11.5, location: 'TOOL-ROOM/R9' }, actor);
  api.putMachine({ id: 'IMM-01', name: 'Engel 200t', counter: COUNTER, moldIdTag: MOLD_ID, cycleTimeS: 30 }, actor);
  api.mount('IMM-01', 'M-100', actor, T0);
}
