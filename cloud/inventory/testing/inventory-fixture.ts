/**
 * For the inventory tests (and the other inventory parts built on the ledger): a real SQLite file
 * in a temp folder with the cloud migrations, a small plant's catalogue, and a clock the test
 * sets. Not a test itself.
 *
 * Catalogue: categories general, drug (drug_gsp, lock 30 days, warn 90) and chilled
 * (cold_chain_food, warn 7); items MILK-1L (chilled, lot-tracked, 2-8 °C), AMOX-500 (drug,
 * lot-tracked), BOLT-M8 (general, no lots), PDA-X1 (general, serialized, no lots); locations
 * WH1 > RECV (receiving dock), WH1 > COLD > B10, B11, B12 (2-8 °C), WH1 > AMB > A01, A02, and the
 * virtual SUP-1 (supplier), CUST-1 (customer), TRANSIT, INSPECT, SCRAP, PROD (production) and ADJ
 * (adjustment); the supplier, customer, production and adjustment ones allow negative stock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type SqliteDatabase } from '../../store/database.ts';
import { migrate } from '../../store/migrations.ts';
import { SqliteInventoryCatalog } from '../catalog.ts';
import type { Move, MoveInput } from '../inventory-types.ts';
import { SqliteLedger } from '../sqlite-ledger.ts';

export const DAY = 86_400_000;
/** 2026-03-01T00:00:00Z, the fixture clock's default start. */
export const DAY1 = Date.parse('2026-03-01T00:00:00Z');

export const SKU = { milk: 'MILK-1L', drug: 'AMOX-500', bolt: 'BOLT-M8', pda: 'PDA-X1' } as const;

export interface SettableClock {
  now(): number;
  set(ms: number): void;
  advance(ms: number): void;
}

export interface InventoryFixture {
  dir: string;
  file: string;
  db: SqliteDatabase;
  catalog: SqliteInventoryCatalog;
  ledger: SqliteLedger;
  clock: SettableClock;
  /** Posts a receipt SUP-1 -> `to` (default RECV) as actor "test"; a new lot needs `expiry`. */
  receive(move: Omit<MoveInput, 'from' | 'to' | 'reason'> & { to?: string }): Move;
  close(): void;
}

export function settableClock(start: number): SettableClock {
  let now = start;
  return { now: () => now, set: (ms) => { now = ms; }, advance: (ms) => { now += ms; } };
}

export function openInventoryFixture(options: { start?: number } = {}): InventoryFixture {
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-inventory-'));
  const file = join(dir, 'cloud.sqlite');
  const db = openDatabase(file);
  migrate(db);
  const clock = settableClock(options.start ?? DAY1);
  const catalog = new SqliteInventoryCatalog(db, clock);
  const ledger = new SqliteLedger(db, clock);
  seedCatalog(catalog);
  return {
    dir, file, db, catalog, ledger, clock,
    receive: ({ to, ...move }) => ledger.post([{ ...move, from: 'SUP-1', to: to ?? 'RECV', reason: 'receipt' }], { actor: 'test' })[0]!,
    close: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The fixture's catalogue; exported so a second connection's test can describe what it expects. */
export function seedCatalog(catalog: SqliteInventoryCatalog): void {
  catalog.putCategory({ id: 'general', name: 'General goods' });
  catalog.putCategory({ id: 'drug', name: 'Prescription drugs', compliance: 'drug_gsp', lockDays: 30, nearExpiryDays: 90 });
  catalog.putCategory({ id: 'chilled', name: 'Chilled food', compliance: 'cold_chain_food', nearExpiryDays: 7 });
  catalog.putItem({ sku: SKU.milk, gtin: '09506000134352', name: 'Milk 1 l', category: 'chilled', shelfLifeDays: 21, temperatureC: { min: 2, max: 8 } });
  catalog.putItem({ sku: SKU.drug, gtin: '09506000134369', name: 'Amoxicillin 500 mg', category: 'drug', shelfLifeDays: 730 });
  catalog.putItem({ sku: SKU.bolt, name: 'Bolt M8', category: 'general', unit: 'kg', lotTracked: false });
  catalog.putItem({ sku: SKU.pda, name: 'Handheld scanner', category: 'general', lotTracked: false, serialized: true });
  catalog.putLocation({ code: 'WH1', name: 'Main warehouse', kind: 'warehouse' });
  catalog.putLocation({ code: 'RECV', name: 'Receiving dock', kind: 'zone', parent: 'WH1' });
  catalog.putLocation({ code: 'COLD', name: 'Cold room', kind: 'zone', parent: 'WH1', temperatureC: { min: 2, max: 8 } });
  for (const code of ['B10', 'B11', 'B12']) catalog.putLocation({ code, name: `Cold shelf ${code}`, kind: 'shelf', parent: 'COLD', temperatureC: { min: 2, max: 8 } });
  catalog.putLocation({ code: 'AMB', name: 'Ambient', kind: 'zone', parent: 'WH1' });
  for (const code of ['A01', 'A02']) catalog.putLocation({ code, name: `Shelf ${code}`, kind: 'shelf', parent: 'AMB' });
  catalog.putLocation({ code: 'SUP-1', name: 'Dairy supplier', kind: 'supplier', allowNegative: true });
  catalog.putLocation({ code: 'CUST-1', name: 'Customer', kind: 'customer', allowNegative: true });
  catalog.putLocation({ code: 'TRANSIT', kind: 'transit' });
  catalog.putLocation({ code: 'INSPECT', kind: 'inspection' });
  catalog.putLocation({ code: 'SCRAP', kind: 'scrap' });
  catalog.putLocation({ code: 'PROD', kind: 'production', allowNegative: true });
  catalog.putLocation({ code: 'ADJ', kind: 'adjustment', allowNegative: true });
}
