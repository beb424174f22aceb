/**
 * Opens the fusion part on the cloud's SQLite file: its own connection (migrations applied, as
 * the store does; applying is a no-op on an up-to-date file), the SqliteFusion over it, and a
 * SkuDirectory made from the inventory catalogue so reports name only SKUs the inventory knows.
 *
 * Composition (cloud-service.ts): `openFusion(file, { clock, skus: catalogSkus(catalog),
 * coreBuckets: (sku) => bucketsOfSummary(states.summary(sku)) })`, hand `fusion` to the web app
 * (`{ fusion }`), and `close` it on shutdown.
 */
import { openDatabase } from '../../store/database.ts';
import { migrate } from '../../store/migrations.ts';
import type { InventoryCatalog } from '../inventory-types.ts';
import type { SkuDirectory } from './fusion-types.ts';
import { SqliteFusion, type FusionDeps } from './sqlite-fusion.ts';

export interface OpenFusion {
  fusion: SqliteFusion;
  close(): void;
}

export function openFusion(file: string, deps: FusionDeps): OpenFusion {
  const db = openDatabase(file);
  try {
    migrate(db);
    return { fusion: new SqliteFusion(db, deps), close: () => db.close() };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The catalogue's items as the SKUs fusion accepts. */
export function catalogSkus(catalog: Pick<InventoryCatalog, 'item' | 'items'>): SkuDirectory {
  return { has: (sku) => catalog.item(sku) !== undefined, all: () => catalog.items().map((i) => i.sku) };
}
