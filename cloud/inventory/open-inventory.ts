/**
 * Opens the inventory core on the cloud's SQLite file (issue 7): one connection for the
 * catalogue, the move ledger, reservations, stock states and the lot trace (they share
 * transactions, so the invariants hold across them), and the fusion part on its own connection.
 * The fusion reads the core's own figures as the `edgestock` source.
 *
 * Composition (cloud-service.ts): hand `api` to the web app and `close` it on shutdown.
 */
import type { Clock } from '../../connectors/clock.ts';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import { SqliteInventoryCatalog } from './catalog.ts';
import { bucketsOfSummary } from './fusion/core-buckets.ts';
import { catalogSkus, openFusion } from './fusion/open-fusion.ts';
import type { SqliteFusion } from './fusion/sqlite-fusion.ts';
import { LotTrace } from './lot-trace.ts';
import type { TemperatureOf } from './lot-trace-types.ts';
import { SqliteReservations } from './reservations.ts';
import { SqliteLedger } from './sqlite-ledger.ts';
import { SqliteStockStates } from './stock-states.ts';

/** What the web routes read and write. */
export interface InventoryApi {
  catalog: SqliteInventoryCatalog;
  ledger: SqliteLedger;
  reservations: SqliteReservations;
  states: SqliteStockStates;
  trace: LotTrace;
  fusion: SqliteFusion;
}

export interface OpenInventory {
  api: InventoryApi;
  db: SqliteDatabase;
  close(): void;
}

export interface OpenInventoryOptions {
  clock: Pick<Clock, 'now'>;
  /** The temperature record of a location, for the lot trace's cold-chain evidence. */
  temperatureOf?: TemperatureOf;
  /** The ledger's figures as the fusion's `edgestock` source (default true). */
  fusionFromLedger?: boolean;
}

export function openInventory(file: string, { clock, temperatureOf, fusionFromLedger = true }: OpenInventoryOptions): OpenInventory {
  const db = openDatabase(file);
  let fusionPart: ReturnType<typeof openFusion> | undefined;
  try {
    migrate(db);
    const catalog = new SqliteInventoryCatalog(db, clock);
    const ledger = new SqliteLedger(db, clock);
    const reservations = new SqliteReservations(db, clock);
    const states = new SqliteStockStates(db, clock);
    const trace = new LotTrace(db, clock, { temperatureOf });
    fusionPart = openFusion(file, {
      clock,
      skus: catalogSkus(catalog),
      coreBuckets: fusionFromLedger ? (sku) => (catalog.item(sku) ? bucketsOfSummary(states.summary(sku)) : undefined) : undefined,
      channels: () => catalog.channels().map((c) => c.id),
    });
    const fusion = fusionPart.fusion;
    return {
      api: { catalog, ledger, reservations, states, trace, fusion },
      db,
      close: () => {
        fusionPart?.close();
        db.close();
      },
    };
  } catch (error) {
    fusionPart?.close();
    db.close();
    throw error;
  }
}
