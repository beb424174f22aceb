/**
 * For the scan part's tests: a real cloud SQLite file in a temp folder with the real telemetry
 * store, master data held in maps (the shape cloud/masterdata/ hands over), a clock the test
 * moves, and builders for `scan.decision` events and shelf readings. Not a test itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocationRecord, LotRecord } from '../../../config/master-data-schema.ts';
import type { EdgeEvent } from '../../../connectors/edge-link/index.ts';
import type { ScanOp, Verdict } from '../../../devices/scan-protocol.ts';
import { openTelemetryStore, type TelemetryStore } from '../../store/telemetry-store.ts';
import { openScans, type OpenScans, type OpenScansOptions } from '../open-scans.ts';
import type { StockRow } from '../scan-deps.ts';

export const GTIN = '09506000134352';
export const DAY = 86_400_000;
/** 2026-03-01T00:00:00Z */
export const DAY1 = Date.parse('2026-03-01T00:00:00Z');

export interface ManualClock {
  now(): number;
  set(ms: number): void;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Runs the timers due by now, in order; returns how many ran. */
  runDue(): number;
  pending(): number;
}

export function manualClock(start: number): ManualClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    set: (ms) => { now = ms; },
    setTimeout: (fn, ms) => { const id = nextId++; timers.set(id, { at: now + ms, fn }); return id; },
    clearTimeout: (handle) => { timers.delete(handle as number); },
    runDue: () => {
      let ran = 0;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= now).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) return ran;
        timers.delete(due[0]);
        due[1].fn();
        ran++;
      }
    },
    pending: () => timers.size,
  };
}

export interface ScanWorld {
  dir: string;
  file: string;
  telemetry: TelemetryStore;
  clock: ManualClock;
  lots: Map<string, LotRecord>;
  locations: Map<string, LocationRecord>;
  stock: StockRow[];
  blocks: Array<{ operation: string; location: string }>;
  warnings: Array<{ obj: object; msg?: string }>;
  scans: OpenScans;
  /** Shelf sensor readings as a gateway reports them (device shelf-sensors, tag `<shelf>/<measure>`). */
  /** Closes the scan part and opens it again on the same file, as a cloud restart does. */
  reopen(): void;
  readings(shelf: string, measure: 'temperature' | 'humidity', points: Array<[number, number]>, opts?: { edge?: string; quality?: 'good' | 'bad' }): void;
  close(): void;
}

/** A cold shelf watched by `shelf-sensors/<code>/temperature` and `.../humidity`, 2-8 °C and 30-70 %RH. */
export function coldShelf(code: string): LocationRecord {
  return {
    code, name: `Cold shelf ${code}`, zone: 'cold',
    temperatureTag: `shelf-sensors/${code}/temperature`, humidityTag: `shelf-sensors/${code}/humidity`,
    temperatureC: { min: 2, max: 8 }, humidityPct: { min: 30, max: 70 },
  };
}

export function openScanWorld(options: Partial<Pick<OpenScansOptions, 'evaluateEveryMs'>> & { start?: number } = {}): ScanWorld {
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-scans-'));
  const file = join(dir, 'cloud.sqlite');
  const telemetry = openTelemetryStore(file);
  const clock = manualClock(options.start ?? DAY1);
  const lots = new Map<string, LotRecord>();
  const locations = new Map<string, LocationRecord>();
  const stock: StockRow[] = [];
  const blocks: Array<{ operation: string; location: string }> = [];
  const warnings: Array<{ obj: object; msg?: string }> = [];
  const open = () => openScans(file, {
    lotOf: (gtin, batch) => lots.get(`${gtin}/${batch}`),
    locations: () => [...locations.values()],
    stockAt: (location) => stock.filter((s) => s.location === location),
    telemetry,
    activeBlocks: () => blocks,
    clock,
    logger: { info: () => {}, warn: (obj, msg) => { warnings.push({ obj, msg }); } },
    evaluateEveryMs: options.evaluateEveryMs ?? 0,
  });
  const world: ScanWorld = {
    dir, file, telemetry, clock, lots, locations, stock, blocks, warnings, scans: open(),
    reopen: () => {
      world.scans.close();
      world.scans = open();
    },
    readings: (shelf, measure, points, opts = {}) => {
      telemetry.insertSamples(points.map(([ts, value]) => ({
        group: 'plant', edge: opts.edge ?? 'gw1', device: 'shelf-sensors', tag: `${shelf}/${measure}`, value, quality: opts.quality ?? 'good', ts,
      })));
    },
    close: () => {
      world.scans.close();
      telemetry.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

export interface ScanSpec {
  device?: string;
  scanId: string;
  operator?: string;
  op: ScanOp;
  location?: string;
  batch?: string;
  gtin?: string;
  verdict?: Verdict;
  at: number;
  offline?: boolean;
  qty?: number;
}

/** A `scan.decision` edge event as a gateway emits it. */
export function scanEvent(spec: ScanSpec): EdgeEvent {
  const device = spec.device ?? 'pda-01';
  const gtin = spec.gtin ?? GTIN;
  const batch = spec.batch ?? 'L2403';
  const verdict = spec.verdict ?? 'allow';
  return {
    id: `scan-${device}-${spec.scanId}`,
    type: 'scan.decision',
    at: spec.at,
    body: {
      device,
      scan: {
        scanId: spec.scanId, operator: spec.operator ?? 'op-anna', op: spec.op, code: `(01)${gtin}(10)${batch}`,
        ...(spec.location ? { location: spec.location } : {}), ...(spec.qty !== undefined ? { qty: spec.qty } : {}), at: spec.at,
      },
      decision: {
        scanId: spec.scanId, verdict,
        reasons: [{ code: verdict === 'block' ? 'QUARANTINED' : 'OK', message: verdict === 'block' ? 'lot is quarantined' : 'ok' }],
        prompt: { en: verdict, zh: verdict }, signal: verdict === 'allow' ? 'none' : 'beep', decidedAt: spec.at + 2,
        lot: { gtin, batch, expiry: '2026-09-30' },
      },
      parsed: { gtin, batch },
      masterDataVersion: 7,
      offline: spec.offline ?? false,
    },
  };
}
