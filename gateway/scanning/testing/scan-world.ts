/**
 * A small cold-chain site for scan decider tests: dairy on cold shelves B12-B15 (2-8 °C; B12 is
 * at 9.4 °C), flour on dry shelves (30-60 %RH), five milk lots (100, 45 and 10 days left, one
 * expired, one quarantined), the permission matrix of the cloud's defaults (operators scan, sales
 * force-ships near-expiry lots, plant engineers put away on alarm shelves), and helpers that
 * write GS1 codes the way labels carry them.
 */
import type { EnvironmentReading, EnvironmentView, PermissionView } from '../scan-ports.ts';
import type { MasterDataRecords } from './memory-master-data.ts';

/** 2026-01-05 08:00 UTC: "today" of every test. */
export const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const DAY_MS = 86_400_000;

/** YYYY-MM-DD of T0 + `days`. */
export function dayFromT0(days: number): string {
  return new Date(T0 + days * DAY_MS).toISOString().slice(0, 10);
}

/** A GTIN-14 with its GS1 mod-10 check digit (GS1 General Specifications 7.9.1). */
export function gtinOf(first13: string): string {
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += Number(first13[12 - i]) * (i % 2 === 0 ? 3 : 1);
  return `${first13}${(10 - (sum % 10)) % 10}`;
}

export const MILK = gtinOf('0950110153000');
export const FLOUR = gtinOf('0950110154001');
export const CRISPS = gtinOf('0950110155002');

/** The bracketed human-readable GS1 element string of a label. */
export function label(parts: { gtin: string; batch?: string; expiry?: string; serial?: string; qty?: number }): string {
  let code = `(01)${parts.gtin}`;
  if (parts.expiry) code += `(17)${parts.expiry.slice(2, 4)}${parts.expiry.slice(5, 7)}${parts.expiry.slice(8, 10)}`;
  if (parts.batch) code += `(10)${parts.batch}`;
  if (parts.serial) code += `(21)${parts.serial}`;
  if (parts.qty !== undefined) code += `(30)${parts.qty}`;
  return code;
}

export const lots = {
  good: { gtin: MILK, batch: 'M100', expiry: dayFromT0(100) },
  near: { gtin: MILK, batch: 'M045', expiry: dayFromT0(45) },
  earliest: { gtin: MILK, batch: 'M010', expiry: dayFromT0(10) },
  expired: { gtin: MILK, batch: 'M-OLD', expiry: dayFromT0(-3) },
  quarantined: { gtin: MILK, batch: 'M-Q', expiry: dayFromT0(120), status: 'quarantined' as const, reason: 'lab: listeria suspected' },
};

export function siteRecords(): MasterDataRecords {
  return {
    version: 7,
    categories: [{ id: 'dairy', name: 'Dairy', nearExpiryDays: 60 }, { id: 'dry', name: 'Dry goods', nearExpiryDays: 30 }],
    items: [
      { gtin: MILK, sku: 'MILK-1L', name: 'Fresh milk 1 L', category: 'dairy', temperatureC: { min: 2, max: 8 } },
      { gtin: FLOUR, sku: 'FLOUR-25', name: 'Flour 25 kg', category: 'dry', unit: 'kg', humidityPct: { min: 30, max: 60 } },
      { gtin: CRISPS, sku: 'CRISPS', name: 'Crisps', category: 'snacks' },
    ],
    lots: Object.values(lots),
    locations: [
      ...['B12', 'B13', 'B14', 'B15', 'B20'].map((code) => ({
        code, zone: 'cold', temperatureC: { min: 2, max: 8 },
        ...(code === 'B15' ? {} : { temperatureTag: `shelf-sensors/${code}/temperature` }),
      })),
      { code: 'D01', zone: 'dry', humidityTag: 'shelf-sensors/D01/humidity' },
      { code: 'D02', zone: 'dry', humidityTag: 'shelf-sensors/D02/humidity' },
      { code: 'R01', zone: 'receiving' },
    ],
    operators: [
      { id: 'op-anna', name: 'Anna', roles: ['warehouse_operator'] },
      { id: 'op-sam', name: 'Sam', roles: ['warehouse_operator', 'sales'] },
      { id: 'op-pete', name: 'Pete', roles: ['warehouse_operator', 'plant_engineer'] },
      { id: 'op-gone', name: 'Gone', roles: ['warehouse_operator'], active: false },
      { id: 'op-audit', name: 'Audrey', roles: ['auditor'] },
    ],
    stock: [
      { gtin: MILK, batch: 'M100', location: 'B13', qty: 40 },
      { gtin: MILK, batch: 'M045', location: 'B14', qty: 24 },
      { gtin: MILK, batch: 'M010', location: 'B20', qty: 6 },
      { gtin: MILK, batch: 'M-OLD', location: 'B15', qty: 5 },
      { gtin: MILK, batch: 'M-Q', location: 'B12', qty: 10 },
      { gtin: FLOUR, batch: 'F1', location: 'D01', qty: 500 },
    ],
  };
}

export const defaultMatrix: Record<string, string[]> = {
  warehouse_operator: ['scans.perform'],
  sales: ['override.force_ship_near_expiry'],
  plant_engineer: ['override.putaway_on_alarm_shelf'],
  auditor: [],
};

/** A PermissionView over a role -> permissions matrix, plus the roles holding a permission. */
export function matrixPermissions(matrix: Record<string, readonly string[]>): PermissionView & { rolesHolding(permission: string): string[] } {
  return {
    allows: (role, permission) => matrix[role]?.includes(permission) ?? false,
    rolesHolding: (permission) => Object.keys(matrix).filter((role) => matrix[role]!.includes(permission)),
  };
}

/** Latest shelf readings by tag, set by the test. */
export class MemoryEnvironment implements EnvironmentView {
  readonly #readings = new Map<string, EnvironmentReading>();
  set(tagRef: string, value: number, options: { quality?: EnvironmentReading['quality']; ts?: number } = {}): this {
    this.#readings.set(tagRef, { value, quality: options.quality ?? 'good', ts: options.ts ?? T0 - 30_000 });
    return this;
  }
  delete(tagRef: string): void {
    this.#readings.delete(tagRef);
  }
  latest(tagRef: string): EnvironmentReading | undefined {
    return this.#readings.get(tagRef);
  }
}

/** B12 at 9.4 °C (out of 2-8), B13 4.1, B14 5.0, B20 3.5, B15 without a sensor; D01 45 %RH, D02 72 %RH. */
export function siteEnvironment(): MemoryEnvironment {
  return new MemoryEnvironment()
    .set('shelf-sensors/B12/temperature', 9.4)
    .set('shelf-sensors/B13/temperature', 4.1)
    .set('shelf-sensors/B14/temperature', 5.0)
    .set('shelf-sensors/B20/temperature', 3.5)
    .set('shelf-sensors/D01/humidity', 45)
    .set('shelf-sensors/D02/humidity', 72);
}
