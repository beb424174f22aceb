/**
 * The shelves as the admin UI shows them (issue 6, UI: per-shelf environment with alarms): the
 * latest temperature and humidity from the shelf's sensors, whether either is outside the shelf's
 * range now, the recent alarm days, what process rules block there, the stock on it and its open
 * maintenance ticket. Plus one shelf's readings over a time range.
 */
import type { LocationRecord } from '../../config/master-data-schema.ts';
import type { MaintenanceTickets } from './maintenance-tickets.ts';
import type { ScanDeps } from './scan-deps.ts';
import type { ShelfAlarmDays } from './shelf-alarm-days.ts';
import { distanceOutside, measures, type Measure, type Range, type ShelfTelemetry } from './shelf-telemetry.ts';
import { addDays, dayOf } from './utc-days.ts';

/** Alarm days listed per shelf: the last week. */
export const SHELF_ALARM_DAYS = 7;

export interface ShelfReading { value: number; unit: string; ts: number; quality: 'good' | 'uncertain' | 'bad' }

export interface ShelfRanges { temperatureC: Range | null; humidityPct: Range | null }

export interface Shelf {
  code: string;
  name: string | null;
  zone: string | null;
  temperature: ShelfReading | null;
  humidity: ShelfReading | null;
  range: ShelfRanges;
  /** A latest reading (not of bad quality) is outside its range. */
  alarm: boolean;
  /** UTC days of the last week with at least one excursion, oldest first. */
  alarmDays: string[];
  /** Operations process rules block here now. */
  blocked: string[];
  stock: Array<{ gtin: string; batch: string; qty: number; expiry: string | null }>;
  openTicket: { id: number; openedAt: number } | null;
}

export interface ShelfHistory {
  code: string;
  temperature: Array<[number, number]>;
  humidity: Array<[number, number]>;
  range: ShelfRanges;
}

const rangesOf = (l: LocationRecord): ShelfRanges => ({ temperatureC: l.temperatureC ?? null, humidityPct: l.humidityPct ?? null });

export class ShelfOverview {
  readonly #deps: Pick<ScanDeps, 'locations' | 'stockAt' | 'lotOf' | 'activeBlocks'>;
  readonly #telemetry: ShelfTelemetry;
  readonly #alarmDays: ShelfAlarmDays;
  readonly #tickets: MaintenanceTickets;

  constructor(deps: Pick<ScanDeps, 'locations' | 'stockAt' | 'lotOf' | 'activeBlocks'>, telemetry: ShelfTelemetry, alarmDays: ShelfAlarmDays, tickets: MaintenanceTickets) {
    this.#deps = deps;
    this.#telemetry = telemetry;
    this.#alarmDays = alarmDays;
    this.#tickets = tickets;
  }

  /** Every location, in code order. */
  shelves(now: number): Shelf[] {
    const blocks = this.#deps.activeBlocks();
    const today = dayOf(now);
    const firstDay = addDays(today, 1 - SHELF_ALARM_DAYS);
    return [...this.#deps.locations()].sort((a, b) => a.code.localeCompare(b.code)).map((location) => {
      const temperature = this.#reading(location, 'temperature');
      const humidity = this.#reading(location, 'humidity');
      const outside = (measure: Measure, reading: ShelfReading | null): boolean => {
        const range = measures[measure].rangeOf(location);
        return reading !== null && range !== undefined && reading.quality !== 'bad' && distanceOutside(reading.value, range) > 0;
      };
      const alarm = outside('temperature', temperature) || outside('humidity', humidity);
      return {
        code: location.code,
        name: location.name ?? null,
        zone: location.zone ?? null,
        temperature,
        humidity,
        range: rangesOf(location),
        alarm,
        alarmDays: this.#alarmDays.alarmDays(location.code, firstDay, today).map((d) => d.day),
        blocked: [...new Set(blocks.filter((b) => b.location === location.code).map((b) => b.operation))].sort(),
        stock: this.#deps.stockAt(location.code).filter((s) => s.qty > 0).map((s) => ({
          gtin: s.gtin, batch: s.batch, qty: s.qty, expiry: this.#deps.lotOf(s.gtin, s.batch)?.expiry ?? null,
        })),
        openTicket: this.#tickets.openTicketOf(location.code),
      };
    });
  }

  #reading(location: LocationRecord, measure: Measure): ShelfReading | null {
    const tag = measures[measure].tagOf(location);
    const latest = tag ? this.#telemetry.latest(tag) : undefined;
    return latest ? { value: latest.value, unit: measures[measure].unit, ts: latest.ts, quality: latest.quality } : null;
  }

  /** One shelf's readings in [from, to]; undefined for a location master data does not have. */
  history(code: string, from: number, to: number): ShelfHistory | undefined {
    const location = this.#deps.locations().find((l) => l.code === code);
    if (!location) return undefined;
    const series = (measure: Measure): Array<[number, number]> => {
      const tag = measures[measure].tagOf(location);
      return tag ? this.#telemetry.samples(tag, from, to).map((s) => [s.ts, s.value]) : [];
    };
    return { code, temperature: series('temperature'), humidity: series('humidity'), range: rangesOf(location) };
  }
}
