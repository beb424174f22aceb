/**
 * Master data the gateway needs to decide scans offline (issue 6, docs/scan-protocol.md): item
 * categories, items, lots with expiry and status, locations with their environment sensors and
 * ranges, operators with roles, stock per lot and location, and scanner devices with their
 * credentials. One shape for the seed file (`*.master-data.yaml`), the cloud's store and the
 * `masterdata.sync` command, so all three validate alike.
 *
 * Every record has a kind and a key; the cloud gives each change a version (one counter for all
 * kinds), and a gateway holds everything up to the version it acknowledged.
 */
import { z } from 'zod';

export const masterDataKinds = ['category', 'item', 'lot', 'location', 'operator', 'stock', 'device'] as const;
export type MasterDataKind = (typeof masterDataKinds)[number];

const code = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$/, 'use 1 to 64 letters, digits and . _ - (starting with a letter or digit)');
/** A GTIN-14 (a GTIN-8, -12 or -13 is written with leading zeros); the check digit is checked where it is parsed. */
export const gtin14 = z.string().regex(/^\d{14}$/, 'expected a GTIN of 14 digits (pad a GTIN-13 with a leading 0)');
/** A GS1 batch/lot number, AI (10): up to 20 characters of GS1's character set 82. */
export const batchCode = z.string().regex(/^[!-"%-/0-9:-?A-Z_a-z]{1,20}$/, 'expected 1 to 20 characters of GS1 character set 82 (the AI (10) batch)');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');
/** `device/tag` of a gateway tag, e.g. `shelf-sensors/B12/temperature`. */
const tagRef = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\-]*\/[A-Za-z0-9][A-Za-z0-9._\-/[\]]*$/, 'expected device/tag, e.g. shelf-sensors/B12/temperature');
const range = z.strictObject({ min: z.number(), max: z.number() })
  .refine((r) => r.min <= r.max, { message: 'min is above max; swap them', path: ['min'] });

export const categoryRecord = z.strictObject({
  id: code,
  name: z.string().min(1).max(100),
  /** A lot with fewer days left than this gets "ship first" (DESIGN.md: 60 by default). */
  nearExpiryDays: z.number().int().min(0).max(3650).default(60),
});

export const itemRecord = z.strictObject({
  gtin: gtin14,
  sku: code,
  name: z.string().min(1).max(200),
  category: code,
  unit: z.string().min(1).max(20).default('ea'),
  /** Where the product may be stored: °C and %RH; absent means any. */
  temperatureC: range.optional(),
  humidityPct: range.optional(),
});

export const lotRecord = z.strictObject({
  gtin: gtin14,
  batch: batchCode,
  expiry: isoDate,
  status: z.enum(['released', 'quarantined']).default('released'),
  /** Why it is quarantined, for the operator's prompt and the audit. */
  reason: z.string().max(200).optional(),
  /** When it was quarantined (ms since the epoch), for reconciling scans made meanwhile. */
  quarantinedAt: z.number().int().nonnegative().optional(),
});

export const locationRecord = z.strictObject({
  code,
  name: z.string().max(100).optional(),
  zone: z.string().max(50).optional(),
  /** The gateway tags that measure this shelf, read from the gateway's latest values. */
  temperatureTag: tagRef.optional(),
  humidityTag: tagRef.optional(),
  /** The shelf's own alarm limits (a cold room's 2-8 °C); an excursion is an alarm day. */
  temperatureC: range.optional(),
  humidityPct: range.optional(),
});

export const operatorRecord = z.strictObject({
  id: code,
  name: z.string().min(1).max(100),
  /** Roles of the permission matrix (cloud/auth/permissions.ts), e.g. warehouse_operator, sales. */
  roles: z.array(code).min(1),
  active: z.boolean().default(true),
});

export const stockRecord = z.strictObject({
  gtin: gtin14,
  batch: batchCode,
  location: code,
  qty: z.number().nonnegative(),
});

/** `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>`: never a password in clear on the wire. */
export const passwordHash = z.string().regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, 'expected scrypt$N$r$p$salt$hash (hashDevicePassword)');

export const deviceRecord = z.strictObject({
  id: code,
  kind: z.enum(['pda', 'shelf-sensor']),
  passwordHash,
  enabled: z.boolean().default(true),
  /** Where the device is used (free text for the registry screen). */
  note: z.string().max(200).optional(),
});

export const masterRecordSchemas = {
  category: categoryRecord,
  item: itemRecord,
  lot: lotRecord,
  location: locationRecord,
  operator: operatorRecord,
  stock: stockRecord,
  device: deviceRecord,
} as const;

export type CategoryRecord = z.infer<typeof categoryRecord>;
export type ItemRecord = z.infer<typeof itemRecord>;
export type LotRecord = z.infer<typeof lotRecord>;
export type LocationRecord = z.infer<typeof locationRecord>;
export type OperatorRecord = z.infer<typeof operatorRecord>;
export type StockRecord = z.infer<typeof stockRecord>;
export type DeviceRecord = z.infer<typeof deviceRecord>;
export interface MasterRecordOf {
  category: CategoryRecord; item: ItemRecord; lot: LotRecord; location: LocationRecord;
  operator: OperatorRecord; stock: StockRecord; device: DeviceRecord;
}

/** The key of a record of `kind`: unique per kind. */
export function masterKeyOf<K extends MasterDataKind>(kind: K, record: MasterRecordOf[K]): string {
  switch (kind) {
    case 'category': return (record as CategoryRecord).id;
    case 'item': return (record as ItemRecord).gtin;
    case 'lot': return `${(record as LotRecord).gtin}/${(record as LotRecord).batch}`;
    case 'location': return (record as LocationRecord).code;
    case 'operator': return (record as OperatorRecord).id;
    case 'stock': return `${(record as StockRecord).gtin}/${(record as StockRecord).batch}@${(record as StockRecord).location}`;
    case 'device': return (record as DeviceRecord).id;
    default: throw new Error(`unknown master data kind ${String(kind)}`);
  }
}

/**
 * The seed file (`*.master-data.yaml`): what a site starts with before the cloud sends anything,
 * and what the cloud seeds its store with on a first start. A device may be given a clear
 * `password` here (demo only); the loader hashes it.
 */
export const masterDataFileSchema = z.strictObject({
  /**
   * Role -> permissions (`scans.perform`, `override.*`) for scan decisions until the cloud sends its
   * permission matrix (permissions.sync); the matrix replaces these as soon as it arrives.
   */
  permissions: z.record(code, z.array(z.string().regex(/^(scans\.perform|override\.[a-z_]+)$/, 'expected scans.perform or override.<name>'))).default({}),
  categories: z.array(categoryRecord).default([]),
  items: z.array(itemRecord).default([]),
  /**
   * A lot gives `expiry`, or `expiresInDays` counted from the day the file is loaded (demo and test
   * files, so a near-expiry lot stays near expiry whatever the date); the loader turns it into expiry.
   */
  lots: z.array(lotRecord.extend({ expiry: isoDate.optional(), expiresInDays: z.number().int().min(-3650).max(3650).optional() })
    .refine((l) => (l.expiry === undefined) !== (l.expiresInDays === undefined), { message: 'give exactly one of expiry and expiresInDays', path: ['expiry'] })).default([]),
  locations: z.array(locationRecord).default([]),
  operators: z.array(operatorRecord).default([]),
  stock: z.array(stockRecord).default([]),
  devices: z.array(z.strictObject({
    id: code,
    kind: z.enum(['pda', 'shelf-sensor']),
    password: z.string().min(8).optional(),
    passwordHash: passwordHash.optional(),
    enabled: z.boolean().default(true),
    note: z.string().max(200).optional(),
  }).refine((d) => (d.password === undefined) !== (d.passwordHash === undefined), { message: 'give exactly one of password and passwordHash', path: ['password'] })).default([]),
});
export type MasterDataFile = z.infer<typeof masterDataFileSchema>;
