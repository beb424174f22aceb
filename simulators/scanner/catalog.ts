/**
 * What the scanner fleet knows about the warehouse: items, lots, locations, stock, operators and
 * their override permissions, read from a site's master-data seed file (`*.master-data.yaml`).
 * The simulator reads the YAML itself rather than through the project's schema (a simulator
 * imports protocol libraries only), checking just the fields it uses.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

export interface Range { min: number; max: number }
export interface CatalogItem { gtin: string; sku: string; name: string; category: string; temperatureC?: Range }
export interface CatalogLot { gtin: string; batch: string; expiry: string; status: 'released' | 'quarantined' }
export interface CatalogLocation { code: string; zone?: string; temperatureC?: Range }
export interface CatalogStock { gtin: string; batch: string; location: string; qty: number }

export interface Catalog {
  items: readonly CatalogItem[];
  lots: readonly CatalogLot[];
  locations: readonly CatalogLocation[];
  stock: readonly CatalogStock[];
  /** Operator id -> roles. */
  operators: ReadonlyMap<string, readonly string[]>;
  /** Role -> permissions (`scans.perform`, `override.<name>`). */
  permissions: Readonly<Record<string, readonly string[]>>;
}

/** Where goods arrive: a location whose code starts with RECV or whose zone is "receiving". */
export function receivingLocation(catalog: Catalog): string | undefined {
  return catalog.locations.find((l) => /^RECV/i.test(l.code) || l.zone?.toLowerCase() === 'receiving')?.code;
}

/**
 * Shelves an item may go to: a chilled item (one with a temperature range) to a cold-room shelf
 * whose own range overlaps it, anything else to a shelf without a temperature range (falling
 * back to every shelf). Receiving is never a shelf.
 */
export function shelvesFor(catalog: Catalog, item: CatalogItem | undefined): string[] {
  const receiving = receivingLocation(catalog);
  const shelves = catalog.locations.filter((l) => l.code !== receiving);
  const chilled = item?.temperatureC;
  const fitting = chilled
    ? shelves.filter((l) => l.temperatureC && l.temperatureC.min <= chilled.max && l.temperatureC.max >= chilled.min)
    : shelves.filter((l) => !l.temperatureC);
  return (fitting.length > 0 ? fitting : shelves).map((l) => l.code);
}

/** Whether one of the operator's roles holds `override.<name>`. */
export function mayOverride(catalog: Catalog, operator: string, override: string): boolean {
  const roles = catalog.operators.get(operator) ?? [];
  return roles.some((role) => catalog.permissions[role]?.includes(`override.${override}`) ?? false);
}

export function loadCatalog(file: string, today: Date = new Date()): Catalog {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`catalog: cannot read ${file} (${(err as Error).message}); give --catalog a *.master-data.yaml file`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new Error(`catalog: ${file} is not YAML: ${(err as Error).message}`);
  }
  return parseCatalog(raw, file, today);
}

type Row = Record<string, unknown>;

/** Checks the fields the fleet uses; every problem is reported at once. */
export function parseCatalog(raw: unknown, source: string, today: Date = new Date()): Catalog {
  const problems: string[] = [];
  const root = (raw ?? {}) as Row;
  if (typeof root !== 'object' || Array.isArray(root)) throw new Error(`catalog: ${source}: expected a mapping with items, lots, locations, stock, operators`);
  const list = (key: string): Row[] => {
    const value = root[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) { problems.push(`${key}: expected a list`); return []; }
    return value as Row[];
  };
  const text = (row: Row, path: string, key: string, pattern?: RegExp): string => {
    const value = row[key];
    if (typeof value !== 'string' || (pattern && !pattern.test(value))) {
      problems.push(`${path}.${key}: expected ${pattern ? `a string matching ${pattern}` : 'a string'}, found ${JSON.stringify(value)}`);
      return '';
    }
    return value;
  };
  const range = (row: Row, path: string, key: string): Range | undefined => {
    const value = row[key] as Row | undefined;
    if (value === undefined) return undefined;
    if (typeof value?.min !== 'number' || typeof value.max !== 'number') {
      problems.push(`${path}.${key}: expected { min, max } numbers`);
      return undefined;
    }
    return { min: value.min, max: value.max };
  };

  const items = list('items').map((row, i): CatalogItem => {
    const temperatureC = range(row, `items[${i}]`, 'temperatureC');
    return {
      gtin: text(row, `items[${i}]`, 'gtin', /^\d{14}$/), sku: text(row, `items[${i}]`, 'sku'), name: String(row.name ?? ''),
      category: String(row.category ?? ''), ...(temperatureC ? { temperatureC } : {}),
    };
  });
  const lots = list('lots').map((row, i): CatalogLot => {
    const path = `lots[${i}]`;
    let expiry: string;
    if (typeof row.expiresInDays === 'number') {
      expiry = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) + row.expiresInDays * 86_400_000).toISOString().slice(0, 10);
    } else {
      expiry = text(row, path, 'expiry', /^\d{4}-\d{2}-\d{2}$/);
    }
    return {
      gtin: text(row, path, 'gtin', /^\d{14}$/), batch: text(row, path, 'batch', /^[!-"%-/0-9:-?A-Z_a-z]{1,20}$/), expiry,
      status: row.status === 'quarantined' ? 'quarantined' : 'released',
    };
  });
  const locations = list('locations').map((row, i): CatalogLocation => {
    const temperatureC = range(row, `locations[${i}]`, 'temperatureC');
    return { code: text(row, `locations[${i}]`, 'code'), ...(typeof row.zone === 'string' ? { zone: row.zone } : {}), ...(temperatureC ? { temperatureC } : {}) };
  });
  const stock = list('stock').map((row, i): CatalogStock => {
    const path = `stock[${i}]`;
    if (typeof row.qty !== 'number' || row.qty < 0) problems.push(`${path}.qty: expected a number >= 0, found ${JSON.stringify(row.qty)}`);
    return { gtin: text(row, path, 'gtin', /^\d{14}$/), batch: text(row, path, 'batch'), location: text(row, path, 'location'), qty: Number(row.qty) };
  });
  const operators = new Map(list('operators').map((row, i) => {
    const roles = Array.isArray(row.roles) ? row.roles.map(String) : (problems.push(`operators[${i}].roles: expected a list of roles`), []);
    return [text(row, `operators[${i}]`, 'id'), roles] as const;
  }));
  const permissions: Record<string, string[]> = {};
  const rawPermissions = root.permissions as Row | undefined;
  if (rawPermissions !== undefined && (typeof rawPermissions !== 'object' || Array.isArray(rawPermissions))) problems.push('permissions: expected role -> list of permissions');
  for (const [role, granted] of Object.entries(rawPermissions ?? {})) permissions[role] = Array.isArray(granted) ? granted.map(String) : [];

  if (items.length === 0) problems.push('items: the fleet needs at least one item to scan');
  if (lots.length === 0) problems.push('lots: the fleet needs at least one lot to scan');
  if (locations.length === 0) problems.push('locations: the fleet needs at least one location');
  if (problems.length > 0) throw new Error(`catalog: ${source} has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  return { items, lots, locations, stock, operators, permissions };
}
