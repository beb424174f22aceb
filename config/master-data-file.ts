/**
 * Reads a site's master-data seed file (`*.master-data.yaml`, example in
 * examples/demo-plant.master-data.yaml): what a gateway decides scans with before the cloud sends
 * anything, and what the cloud seeds its store with on a first start. YAML -> environment
 * references -> masterDataFileSchema -> cross-references -> a frozen file, or a ConfigError with
 * every problem at its path (`lots[3].expiry`, `stock[7].location`).
 *
 * A lot may give `expiresInDays` instead of `expiry` (demo and test files); it is counted from the
 * day the file is loaded, UTC, and replaced by `expiry` here.
 */
import { ConfigError, type ConfigProblem } from './config-error.ts';
import { deepFreeze, loadConfigFile, type Env } from './load-config.ts';
import {
  masterDataFileSchema, masterKeyOf,
  type MasterDataFile, type MasterDataKind, type MasterRecordOf,
} from './master-data-schema.ts';

export type { MasterDataFile } from './master-data-schema.ts';

/** One master-data record with its kind and key, as the cache and the cloud's store hold it. */
export type MasterRecord = { [K in MasterDataKind]: { kind: K; key: string; value: MasterRecordOf[K] } }[MasterDataKind];

export interface ReadMasterDataOptions {
  /** The day `expiresInDays` counts from (ms since the epoch); default now. */
  now?: number;
  /** For `${NAME}` references in the file; default process.env. */
  env?: Env;
}

const DAY_MS = 86_400_000;

/** `days` after the UTC date of `now`, as YYYY-MM-DD. */
export function utcDatePlusDays(now: number, days: number): string {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  return new Date(today + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whether a GTIN's last digit is its GS1 mod-10 check digit (GS1 General Specifications 7.9.1). */
export function gtinCheckDigitOk(gtin: string): boolean {
  return /^\d{8,14}$/.test(gtin) && Number(gtin.at(-1)) === gtinCheckDigit(gtin.slice(0, -1));
}

function gtinCheckDigit(body: string): number {
  let sum = 0;
  // Weights 3, 1, 3, ... from the rightmost digit of the body.
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10;
}

/** Reads, validates and cross-checks a seed file; lots come back with `expiry` set. */
export function readMasterDataFile(path: string, options: ReadMasterDataOptions = {}): MasterDataFile {
  const file = loadConfigFile(masterDataFileSchema, path, options.env ?? process.env);
  const problems = crossCheck(file);
  if (problems.length > 0) throw new ConfigError(path, problems);
  const now = options.now ?? Date.now();
  const lots = file.lots.map(({ expiresInDays, ...lot }) => ({ ...lot, expiry: lot.expiry ?? utcDatePlusDays(now, expiresInDays!) }));
  return deepFreeze({ ...file, lots });
}

/** Every reference and key checked at once: what the schema of one record cannot see. */
function crossCheck(file: MasterDataFile): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const uniqueKeys = <T>(list: readonly T[], section: string, field: string, keyOf: (row: T) => string, what: string) => {
    const seen = new Map<string, number>();
    list.forEach((row, i) => {
      const key = keyOf(row);
      const first = seen.get(key);
      if (first === undefined) seen.set(key, i);
      else problems.push({ path: `${section}[${i}].${field}`, message: `${what} "${key}" is already defined at ${section}[${first}]; give each one once` });
    });
    return seen;
  };
  const known = (keys: ReadonlyMap<string, number>) => [...keys.keys()].slice(0, 12).join(', ') || 'none';

  const categories = uniqueKeys(file.categories, 'categories', 'id', (c) => c.id, 'category');
  const items = uniqueKeys(file.items, 'items', 'gtin', (i) => i.gtin, 'item');
  const lots = uniqueKeys(file.lots, 'lots', 'batch', (l) => `${l.gtin}/${l.batch}`, 'lot');
  const locations = uniqueKeys(file.locations, 'locations', 'code', (l) => l.code, 'location');
  uniqueKeys(file.operators, 'operators', 'id', (o) => o.id, 'operator');
  uniqueKeys(file.stock, 'stock', 'location', (s) => masterKeyOf('stock', s), 'stock row');
  uniqueKeys(file.devices, 'devices', 'id', (d) => d.id, 'device');

  file.items.forEach((item, i) => {
    if (!gtinCheckDigitOk(item.gtin)) problems.push({ path: `items[${i}].gtin`, message: `check digit of "${item.gtin}" should be ${gtinCheckDigit(item.gtin.slice(0, -1))}; copy the GTIN from the label` });
    if (!categories.has(item.category)) problems.push({ path: `items[${i}].category`, message: `unknown category "${item.category}"; known: ${known(categories)}` });
  });
  file.lots.forEach((lot, i) => {
    if (!items.has(lot.gtin)) problems.push({ path: `lots[${i}].gtin`, message: `no item has GTIN "${lot.gtin}"; add it to items or correct the GTIN` });
    if (lot.status === 'quarantined' && !lot.reason) problems.push({ path: `lots[${i}].reason`, message: 'a quarantined lot needs a reason (shown to the operator who scans it)' });
  });
  file.stock.forEach((row, i) => {
    if (!lots.has(`${row.gtin}/${row.batch}`)) problems.push({ path: `stock[${i}].batch`, message: `no lot "${row.batch}" of GTIN ${row.gtin}; add it to lots or correct the batch` });
    if (!locations.has(row.location)) problems.push({ path: `stock[${i}].location`, message: `unknown location "${row.location}"; known: ${known(locations)}` });
  });
  return problems;
}

/**
 * The file as master-data records (kind, key, value), in the order a reference needs them
 * (categories before items before lots ...). Clear device passwords are hashed with `hashPassword`
 * (devices/device-credentials.ts hashDevicePassword; injected, as config/ imports nothing of the
 * project). Lots still giving `expiresInDays` (a file not read by readMasterDataFile) count from now.
 */
export async function masterRecordsOf(file: MasterDataFile, hashPassword: (password: string) => Promise<string>, now: number = Date.now()): Promise<MasterRecord[]> {
  const records: MasterRecord[] = [];
  const add = <K extends MasterDataKind>(kind: K, value: MasterRecordOf[K]) => records.push({ kind, key: masterKeyOf(kind, value), value } as MasterRecord);
  for (const category of file.categories) add('category', category);
  for (const item of file.items) add('item', item);
  for (const { expiresInDays, ...lot } of file.lots) add('lot', { ...lot, expiry: lot.expiry ?? utcDatePlusDays(now, expiresInDays!) });
  for (const location of file.locations) add('location', location);
  for (const operator of file.operators) add('operator', operator);
  for (const row of file.stock) add('stock', row);
  for (const { password, passwordHash, ...device } of file.devices) {
    add('device', { ...device, passwordHash: passwordHash ?? await hashPassword(password!) });
  }
  return records;
}

/** Role -> permissions of the seed file, until the cloud sends its matrix (permissions.sync). */
export function seedPermissionsOf(file: MasterDataFile): Record<string, string[]> {
  return Object.fromEntries(Object.entries(file.permissions).map(([role, granted]) => [role, [...new Set(granted)].sort()]));
}
