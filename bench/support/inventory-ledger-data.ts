/**
 * A realistic ledger for the inventory benches: a catalogue of ~1,000 SKUs in a few categories
 * (10% without lots), 3 warehouses of receiving dock + 4 zones x 22 shelves, 10 suppliers, 20
 * customers, transit and scrap (~300 locations), and moves posted through the real ledger (so
 * every balance, lot and invariant is what production would hold) in the flows a plant has:
 * supplier -> receiving dock (a new lot with its expiry) -> two shelves -> transfers between
 * shelves -> many small shipments to customers, the last remainder scrapped. About 50 moves per
 * lot, so 1,000,000 moves make ~20,000 lots. Seeded: the same options give the same ledger.
 *
 *   fillLedger(file, { moves: 1_000_000, onProgress: (line) => process.stderr.write(line) })
 */
import { systemClock } from '../../connectors/clock.ts';
import { SqliteInventoryCatalog } from '../../cloud/inventory/catalog.ts';
import type { MoveInput } from '../../cloud/inventory/inventory-types.ts';
import { SqliteLedger } from '../../cloud/inventory/sqlite-ledger.ts';
import { openDatabase } from '../../cloud/store/database.ts';
import { migrate } from '../../cloud/store/migrations.ts';

export interface FillOptions {
  moves: number;
  /** Called about every 5% with a line of progress (newline included). */
  onProgress?: (line: string) => void;
  /** Moves per post (one transaction each); default 500. */
  batchSize?: number;
  seed?: number;
}

export interface FilledLedger {
  moves: number; skus: string[]; lots: number; shelves: string[]; customers: string[]; locations: number; durationMs: number; movesPerSecond: number;
}

const WAREHOUSES = 3;
const ZONES_PER_WAREHOUSE = 4;
const SHELVES_PER_ZONE = 22;
const SUPPLIERS = 10;
const CUSTOMERS = 20;
const MAX_SKUS = 1000;
const MOVES_PER_LOT = 50;
/** Lots in flight at once: their moves interleave as a plant's do. */
const ACTIVE_LOTS = 400;

/** mulberry32: a small seeded PRNG, so two runs build the same ledger. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface LotInFlight { sku: string; batch: string | undefined; warehouse: number; stock: Map<string, number> }

export function fillLedger(file: string, options: FillOptions): FilledLedger {
  const started = performance.now();
  const random = seededRandom(options.seed ?? 7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const db = openDatabase(file);
  migrate(db);
  const catalog = new SqliteInventoryCatalog(db, systemClock);
  const ledger = new SqliteLedger(db, systemClock);

  const lotTarget = Math.max(10, Math.round(options.moves / MOVES_PER_LOT));
  const skuCount = Math.min(MAX_SKUS, Math.max(10, Math.round(lotTarget / 20)));
  const skus = Array.from({ length: skuCount }, (_, i) => `SKU-${String(i + 1).padStart(5, '0')}`);
  const lotTracked = (index: number) => index % 10 !== 9;
  const shelvesOf: string[][] = [];
  const docks: string[] = [];
  const suppliers = Array.from({ length: SUPPLIERS }, (_, i) => `SUP-${String(i + 1).padStart(2, '0')}`);
  const customers = Array.from({ length: CUSTOMERS }, (_, i) => `CUST-${String(i + 1).padStart(2, '0')}`);

  db.transaction(() => {
    for (const [id, name] of [['general', 'General goods'], ['chilled', 'Chilled food'], ['drug', 'Drugs']] as const) {
      catalog.putCategory({ id, name, compliance: id === 'chilled' ? 'cold_chain_food' : id === 'drug' ? 'drug_gsp' : 'none', lockDays: id === 'drug' ? 30 : null });
    }
    skus.forEach((sku, i) => catalog.putItem({ sku, name: `Item ${i + 1}`, category: ['general', 'chilled', 'drug'][i % 3]!, lotTracked: lotTracked(i) }));
    for (let w = 1; w <= WAREHOUSES; w++) {
      const warehouse = `WH${w}`;
      catalog.putLocation({ code: warehouse, kind: 'warehouse' });
      docks.push(`${warehouse}-RECV`);
      catalog.putLocation({ code: `${warehouse}-RECV`, kind: 'zone', parent: warehouse });
      const shelves: string[] = [];
      for (let z = 1; z <= ZONES_PER_WAREHOUSE; z++) {
        const zone = `${warehouse}-Z${z}`;
        catalog.putLocation({ code: zone, kind: 'zone', parent: warehouse });
        for (let s = 1; s <= SHELVES_PER_ZONE; s++) {
          const shelf = `${zone}-S${String(s).padStart(2, '0')}`;
          catalog.putLocation({ code: shelf, kind: 'shelf', parent: zone });
          shelves.push(shelf);
        }
      }
      shelvesOf.push(shelves);
    }
    for (const code of suppliers) catalog.putLocation({ code, kind: 'supplier', allowNegative: true });
    for (const code of customers) catalog.putLocation({ code, kind: 'customer', allowNegative: true });
    catalog.putLocation({ code: 'TRANSIT', kind: 'transit' });
    catalog.putLocation({ code: 'SCRAP', kind: 'scrap' });
  }).immediate();

  const batchSize = options.batchSize ?? 500;
  const yearAgo = Date.now() - 365 * 86_400_000;
  const stepMs = Math.max(1, Math.floor((365 * 86_400_000) / options.moves));
  let emitted = 0;
  let lotsMade = 0;
  let pending: MoveInput[] = [];
  let nextReport = 0.05;
  const flush = () => {
    if (pending.length === 0) return;
    ledger.post(pending, { actor: 'bench' });
    pending = [];
    if (emitted / options.moves >= nextReport) {
      const seconds = (performance.now() - started) / 1000;
      options.onProgress?.(`fill: ${emitted} of ${options.moves} moves (${Math.round(emitted / seconds)}/s), ${lotsMade} lots\n`);
      nextReport += 0.05;
    }
  };
  const emit = (move: MoveInput) => {
    pending.push({ ...move, effectiveAt: yearAgo + emitted * stepMs });
    emitted++;
    if (pending.length >= batchSize) flush();
  };

  const active: LotInFlight[] = [];
  const startLot = () => {
    const index = lotsMade++;
    const skuIndex = index % skuCount;
    const sku = skus[skuIndex]!;
    const batch = lotTracked(skuIndex) ? `B${String(index).padStart(6, '0')}` : undefined;
    const warehouse = int(0, WAREHOUSES - 1);
    const qty = int(800, 1000);
    const expiry = batch && new Date(Date.UTC(2028 + int(0, 3), int(0, 11), int(1, 28))).toISOString().slice(0, 10);
    const dock = docks[warehouse]!;
    emit({ sku, lot: batch, ...(expiry ? { expiry } : {}), qty, from: pick(suppliers), to: dock, reason: 'receipt', docType: 'PO', docId: `PO-${index}` });
    const [first, second] = [pick(shelvesOf[warehouse]!), pick(shelvesOf[warehouse]!)];
    const half = Math.floor(qty / 2);
    const stock = new Map<string, number>();
    emit({ sku, lot: batch, qty: half, from: dock, to: first!, reason: 'putaway' });
    stock.set(first!, half);
    emit({ sku, lot: batch, qty: qty - half, from: dock, to: second!, reason: 'putaway' });
    stock.set(second!, (stock.get(second!) ?? 0) + qty - half);
    active.push({ sku, batch, warehouse, stock });
  };
  const take = (lot: LotInFlight, shelf: string, qty: number) => {
    const left = lot.stock.get(shelf)! - qty;
    if (left > 0) lot.stock.set(shelf, left);
    else lot.stock.delete(shelf);
  };

  while (emitted < options.moves) {
    if (active.length < ACTIVE_LOTS && (lotsMade < lotTarget || active.length < ACTIVE_LOTS / 4)) {
      startLot();
      continue;
    }
    const at = Math.floor(random() * active.length);
    const lot = active[at]!;
    const shelves = [...lot.stock.keys()];
    const shelf = pick(shelves);
    const held = lot.stock.get(shelf)!;
    if (random() < 0.08) {
      const to = pick(shelvesOf[lot.warehouse]!);
      if (to !== shelf) {
        const qty = Math.min(held, int(20, 200));
        emit({ sku: lot.sku, lot: lot.batch, qty, from: shelf, to, reason: 'transfer' });
        take(lot, shelf, qty);
        lot.stock.set(to, (lot.stock.get(to) ?? 0) + qty);
      }
    } else {
      const qty = Math.min(held, int(10, 30));
      const last = qty === held && shelves.length === 1;
      // The last small remainder of a lot is scrapped, as a plant writes off a broken case.
      if (last && qty < 10) emit({ sku: lot.sku, lot: lot.batch, qty, from: shelf, to: 'SCRAP', reason: 'scrap' });
      else emit({ sku: lot.sku, lot: lot.batch, qty, from: shelf, to: pick(customers), reason: 'shipment', docType: 'SO', docId: `SO-${emitted}` });
      take(lot, shelf, qty);
    }
    if (lot.stock.size === 0) active.splice(at, 1);
  }
  flush();
  db.close();
  const durationMs = performance.now() - started;
  return {
    moves: emitted, skus, lots: lotsMade, shelves: shelvesOf.flat(), customers,
    locations: WAREHOUSES * (2 + ZONES_PER_WAREHOUSE * (1 + SHELVES_PER_ZONE)) + SUPPLIERS + CUSTOMERS + 2,
    durationMs: Math.round(durationMs), movesPerSecond: Math.round(emitted / (durationMs / 1000)),
  };
}
