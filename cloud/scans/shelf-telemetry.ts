/**
 * A shelf's sensor readings, found in the cloud's telemetry. A location names its sensors as
 * gateway tags (`shelf-sensors/B12/temperature` = device `shelf-sensors`, tag `B12/temperature`);
 * which gateway reports them is not configured, so every gateway reporting that device and tag is
 * looked at, and the newest reading wins.
 */
import type { LocationRecord } from '../../config/master-data-schema.ts';
import type { TelemetryQuality, TelemetryStore } from '../store/telemetry-store.ts';

export type Measure = 'temperature' | 'humidity';
export interface Range { min: number; max: number }

/** Where each measure's tag and limits are on a location, and its unit. */
export const measures: Readonly<Record<Measure, { tagOf(l: LocationRecord): string | undefined; rangeOf(l: LocationRecord): Range | undefined; unit: string }>> = {
  temperature: { tagOf: (l) => l.temperatureTag, rangeOf: (l) => l.temperatureC, unit: '°C' },
  humidity: { tagOf: (l) => l.humidityTag, rangeOf: (l) => l.humidityPct, unit: '%RH' },
};
export const measureNames = Object.keys(measures) as Measure[];

export interface Sample { ts: number; value: number; quality: TelemetryQuality }

/** Most samples read for one tag and interval; a longer one keeps the newest (the store's rule). */
export const MAX_SAMPLES = 500_000;

/** How far `value` is outside `range` (0 inside): the worst reading is the furthest out. */
export function distanceOutside(value: number, range: Range): number {
  return value < range.min ? range.min - value : value > range.max ? value - range.max : 0;
}

/** `device/tag` split at the first slash: the tag part may hold slashes itself. */
export function splitTagRef(ref: string): { device: string; tag: string } {
  const slash = ref.indexOf('/');
  return { device: ref.slice(0, slash), tag: ref.slice(slash + 1) };
}

export class ShelfTelemetry {
  readonly #store: Pick<TelemetryStore, 'latest' | 'history'>;

  constructor(store: Pick<TelemetryStore, 'latest' | 'history'>) {
    this.#store = store;
  }

  /** The newest numeric reading of the tag on any gateway; undefined when none has one. */
  latest(ref: string): Sample | undefined {
    const { device, tag } = splitTagRef(ref);
    let newest: Sample | undefined;
    for (const v of this.#store.latest({ device, tag })) {
      if (typeof v.value !== 'number' || !Number.isFinite(v.value)) continue;
      if (!newest || v.ts > newest.ts) newest = { ts: v.ts, value: v.value, quality: v.quality };
    }
    return newest;
  }

  /**
   * Numeric readings in [from, to], oldest first, from every gateway reporting the tag. Bad-quality
   * readings are left out: they say the sensor could not be read, not what the shelf measured.
   */
  samples(ref: string, from: number, to: number): Sample[] {
    const { device, tag } = splitTagRef(ref);
    const sources = this.#store.latest({ device, tag });
    const out: Sample[] = [];
    for (const { group, edge } of sources) {
      for (const p of this.#store.history({ group, edge, device, tag, from, to, limit: MAX_SAMPLES })) {
        if (p.quality === 'bad' || typeof p.value !== 'number' || !Number.isFinite(p.value)) continue;
        out.push({ ts: p.ts, value: p.value, quality: p.quality });
      }
    }
    if (sources.length > 1) out.sort((a, b) => a.ts - b.ts);
    return out;
  }
}
