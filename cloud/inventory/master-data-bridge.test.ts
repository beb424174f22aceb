/**
 * The master-data bridge with the real parts on one temp SQLite file: the master-data store
 * seeded from the demo plant's seed file (config/examples/demo-plant.master-data.yaml), the
 * inventory catalogue and ledger. Import is complete and idempotent, openings post once even
 * across a restart, the projection writes the ledger's stock back (put, delete, new lots) and
 * nothing else, and bad records are refused naming the record with nothing changed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StockRecord } from '../../config/master-data-schema.ts';
import { masterRecordsOf, readMasterDataFile } from '../../config/master-data-file.ts';
import { SqliteMasterDataStore } from '../masterdata/master-data-store.ts';
import { openDatabase, type SqliteDatabase } from '../store/database.ts';
import { migrate } from '../store/migrations.ts';
import { SqliteInventoryCatalog } from './catalog.ts';
import { InventoryError } from './inventory-errors.ts';
import { MasterDataBridge, virtualLocations, type BridgeRecord } from './master-data-bridge.ts';
import { SqliteLedger } from './sqlite-ledger.ts';
import { settableClock } from './testing/inventory-fixture.ts';

const SEED = new URL('../../config/examples/demo-plant.master-data.yaml', import.meta.url).pathname;
const NOW = Date.parse('2026-05-04T09:00:00Z');
const MILK = '06901234000016';

describe('master-data bridge', () => {
  let dir: string;
  let db: SqliteDatabase;
  let masterData: SqliteMasterDataStore;
  let catalog: SqliteInventoryCatalog;
  let ledger: SqliteLedger;
  let bridge: MasterDataBridge;
  const clock = settableClock(NOW);

  const open = () => {
    db = openDatabase(join(dir, 'cloud.sqlite'));
    migrate(db);
    masterData = new SqliteMasterDataStore(db, clock);
    catalog = new SqliteInventoryCatalog(db, clock);
    ledger = new SqliteLedger(db, clock);
    bridge = new MasterDataBridge({ masterData, catalog, ledger, db });
  };
  const snapshot = () => ({ categories: catalog.categories(), items: catalog.items(), locations: catalog.locations(), lots: catalog.lots(), counts: ledger.counts() });
  const refusal = (run: () => unknown): InventoryError => {
    try {
      run();
    } catch (error) {
      if (error instanceof InventoryError) return error;
      throw error;
    }
    throw new Error('expected an InventoryError');
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-bridge-'));
    open();
    const file = readMasterDataFile(SEED, { now: NOW, env: {} });
    const records = await masterRecordsOf({ ...file, devices: [] }, () => { throw new Error('no device passwords are hashed here'); }, NOW);
    masterData.seed(records, { by: 'system' });
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports categories, items, lots and locations: shelves under their zone under WH, and the virtual locations', () => {
    const report = bridge.importCatalog();
    const counts = masterData.counts();
    const zones = new Set(masterData.list('location').map((l) => l.value.zone)).size;
    expect(report).toEqual({ categories: counts.category, items: counts.item, lots: counts.lot, locations: virtualLocations.length + 1 + zones + counts.location });
    expect(report).toEqual({ categories: 3, items: 8, lots: 18, locations: virtualLocations.length + 1 + 3 + 13 });
    expect(catalog.category('fresh')).toMatchObject({ name: 'Fresh dairy (short shelf life)', nearExpiryDays: 30 });
    expect(catalog.itemByGtin('06901234000115')).toMatchObject({ sku: 'INS-PEN', unit: 'pen', category: 'pharma', temperatureC: { min: 2, max: 8 }, humidityPct: { min: 30, max: 80 }, lotTracked: true });
    expect(catalog.location('B10')).toMatchObject({ kind: 'shelf', path: ['WH', 'cold-room', 'B10'], temperatureC: { min: 2, max: 8 }, name: 'Cold room shelf B10' });
    expect(catalog.location('A01')).toMatchObject({ kind: 'shelf', path: ['WH', 'ambient', 'A01'], temperatureC: null });
    expect(catalog.location('cold-room')).toMatchObject({ kind: 'zone', parent: 'WH' });
    expect(Object.fromEntries(virtualLocations.map((v) => [v.code, [catalog.location(v.code)?.kind, catalog.location(v.code)?.allowNegative]]))).toEqual({
      SUPPLIER: ['supplier', true], CUSTOMER: ['customer', true], TRANSIT: ['transit', false], INSPECTION: ['inspection', false],
      SCRAP: ['scrap', false], PRODUCTION: ['production', true], OPENING: ['adjustment', true],
    });
    expect(catalog.lot('INS-PEN', 'I2402')).toMatchObject({ storedStatus: 'quarantined', statusReason: expect.stringContaining('temperature excursion in transit') });
    expect(catalog.lot('BUT-250', 'B2403')).toMatchObject({ status: 'expired', daysLeft: -3 });
    expect(catalog.lot('MILK-1L', 'M2401')).toMatchObject({ status: 'released', expiry: '2026-05-16' });
  });

  it('changes nothing on a second import and says so', () => {
    bridge.importCatalog();
    const before = snapshot();
    expect(bridge.importCatalog()).toEqual({ categories: 0, items: 0, lots: 0, locations: 0 });
    expect(snapshot()).toEqual(before);
  });

  it('follows a changed master record on the next import, and only that one', () => {
    bridge.importCatalog();
    masterData.put('location', { ...masterData.get('location', 'B17')!.value, zone: 'freezer', temperatureC: { min: -25, max: -18 } }, { by: 'engineer' });
    masterData.put('lot', { ...masterData.get('lot', `${MILK}/M2403`)!.value, expiry: '2026-07-01' }, { by: 'engineer' });
    expect(bridge.importCatalog()).toEqual({ categories: 0, items: 0, lots: 1, locations: 2 });
    expect(catalog.location('B17')).toMatchObject({ path: ['WH', 'freezer', 'B17'], temperatureC: { min: -25, max: -18 } });
    expect(catalog.lot('MILK-1L', 'M2403')!.expiry).toBe('2026-07-01');
  });

  it('opens every master stock row once: a second call and a restart post nothing', () => {
    bridge.importCatalog();
    const stock = masterData.list('stock').map((r) => r.value);
    expect(bridge.openingBalances()).toEqual({ posted: stock.length, already: 0, skipped: 0 });
    const balances = ledger.balances({}).filter((b) => b.location !== 'OPENING');
    expect(balances.map((b) => [catalog.item(b.sku)!.gtin, b.lot, b.location, b.qty]).sort())
      .toEqual(stock.map((s) => [s.gtin, s.batch, s.location, s.qty]).sort());
    expect(ledger.moves({ location: 'B10', limit: 10 }).map((m) => [m.reason, m.from, m.docType, m.docId]))
      .toContainEqual(['opening', 'OPENING', 'opening', `${MILK}/M2401@B10`]);
    expect(bridge.openingBalances()).toEqual({ posted: 0, already: 18, skipped: 0 });
    db.close();
    open();
    expect(bridge.importCatalog()).toEqual({ categories: 0, items: 0, lots: 0, locations: 0 });
    expect(bridge.openingBalances()).toEqual({ posted: 0, already: 18, skipped: 0 });
    expect(ledger.counts().moves).toBe(18);
    expect(ledger.driftCheck().findings).toEqual([]);
  });

  it('refuses a stock row it cannot place, naming the row, and posts none of the rows', () => {
    bridge.importCatalog();
    const rows: StockRecord[] = [
      { gtin: MILK, batch: 'M2401', location: 'B10', qty: 24 },
      { gtin: '06901234999995', batch: 'X1', location: 'B10', qty: 1 },
    ];
    const unknownItem = refusal(() => bridge.openingBalances(rows));
    expect([unknownItem.code, unknownItem.field]).toEqual(['UNKNOWN_SKU', 'stock.1.gtin']);
    expect(unknownItem.message).toContain('no item with GTIN 06901234999995');
    const onVirtual = refusal(() => bridge.openingBalances([{ gtin: MILK, batch: 'M2401', location: 'SCRAP', qty: 1 }]));
    expect([onVirtual.code, onVirtual.field, onVirtual.message]).toEqual(['UNKNOWN_LOCATION', 'stock.0.location', `stock.0.location: SCRAP is a scrap, not a storage location (stock ${MILK}/M2401@SCRAP)`]);
    expect(ledger.counts().moves).toBe(0);
  });

  it('refuses a record the inventory cannot hold, naming the record, with the catalogue unchanged', () => {
    const records: BridgeRecord[] = [
      { kind: 'category', value: { id: 'bulk', name: 'Bulk goods', nearExpiryDays: 10 } },
      { kind: 'item', value: { gtin: '06901234000306', sku: 'SALT-25', name: 'Salt 25 kg', category: 'bulk', unit: 'big bag' } },
    ];
    const before = snapshot();
    const error = refusal(() => bridge.importCatalog(records));
    expect([error.code, error.field]).toEqual(['INVALID_INPUT', 'item/06901234000306.unit']);
    expect(error.message).toMatch(/^item\/06901234000306: unit/);
    expect(snapshot()).toEqual(before);
    const clash = refusal(() => bridge.importCatalog([
      { kind: 'location', value: { code: 'B10' } }, { kind: 'location', value: { code: 'B11', zone: 'B10' } },
    ]));
    expect([clash.code, clash.field]).toEqual(['INVALID_INPUT', 'location/B11.zone']);
    expect(snapshot()).toEqual(before);
  });

  it('projects the ledger stock to master data: nothing after the openings, then puts, deletes and new lots', () => {
    bridge.importCatalog();
    bridge.openingBalances();
    const version = masterData.version();
    expect(bridge.projectStock()).toBe(0);
    expect(masterData.version()).toBe(version);

    ledger.post([{ sku: 'MILK-1L', lot: 'M2401', qty: 4, from: 'B10', to: 'CUSTOMER', reason: 'shipment', docType: 'SO', docId: 'SO-1' }], { actor: 'test' });
    expect(bridge.projectStock()).toBe(1);
    expect(masterData.get('stock', `${MILK}/M2401@B10`)!.value.qty).toBe(20);

    ledger.post([{ sku: 'PARA-500', lot: 'P2401', qty: 200, from: 'A01', to: 'A03', reason: 'transfer' }], { actor: 'test' });
    expect(bridge.projectStockReport()).toMatchObject({ changed: 2, put: 1, deleted: 1, lotsAdded: 0 });
    expect(masterData.get('stock', '06901234000214/P2401@A01')).toBeUndefined();
    expect(masterData.get('stock', '06901234000214/P2401@A03')!.value.qty).toBe(200);

    ledger.post([{ sku: 'MILK-1L', lot: 'M2499', expiry: '2026-06-01', qty: 12, from: 'SUPPLIER', to: 'B11', reason: 'receipt', docType: 'PO', docId: 'PO-5' }], { actor: 'test' });
    ledger.post([{ sku: 'MILK-1L', lot: 'M2402', qty: 2, from: 'B11', to: 'cold-room', reason: 'transfer' }], { actor: 'test' });
    const report = bridge.projectStockReport();
    expect(report).toMatchObject({ changed: 3, put: 2, deleted: 0, lotsAdded: 1 });
    expect(report.skipped).toEqual([{ key: `${MILK}/M2402@cold-room`, why: 'location cold-room is not in master data' }]);
    expect(masterData.get('lot', `${MILK}/M2499`)!.value).toMatchObject({ expiry: '2026-06-01', status: 'released' });
    expect(masterData.get('stock', `${MILK}/M2499@B11`)!.value.qty).toBe(12);
    expect(masterData.get('stock', `${MILK}/M2402@B11`)!.value.qty).toBe(46);
    expect(bridge.projectStock()).toBe(0);
  });
});
