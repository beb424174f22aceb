/**
 * The catalogue routes on the real cloud app over a real catalogue file: permissions, each
 * record kind put and listed, lot status changes in the audit log, and refusals naming the field
 * with nothing changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteAuditLog } from '../../auth/audit-log.ts';
import { openInventoryFixture, SKU, type InventoryFixture } from '../../inventory/testing/inventory-fixture.ts';
import { openTestCloud, type LoggedIn, type TestCloud } from '../test-fixture.ts';
import { inventoryCatalogRoutes } from './inventory-catalog.ts';

describe('inventory catalogue routes', () => {
  let f: InventoryFixture;
  let audit: SqliteAuditLog;
  let cloud: TestCloud;
  let engineer: LoggedIn;

  beforeAll(async () => {
    f = openInventoryFixture({ start: Date.parse('2026-03-01T12:00:00Z') });
    audit = new SqliteAuditLog(f.db, f.clock);
    cloud = await openTestCloud({ demoUsers: true, beforeReady: (app) => { app.register(inventoryCatalogRoutes, { catalog: f.catalog, ledger: f.ledger, audit }); } });
    engineer = await cloud.login('engineer');
  }, 30_000);

  afterAll(async () => {
    await cloud?.close();
    f?.close();
  });

  it('reads with inventory.read and changes with inventory.manage', async () => {
    expect((await cloud.app.inject({ method: 'GET', url: '/api/inventory/items' })).statusCode).toBe(401);
    const finance = await cloud.login('finance');
    expect((await finance.inject({ method: 'GET', url: '/api/inventory/locations' })).statusCode).toBe(403);
    const sales = await cloud.login('sales');
    expect((await sales.inject({ method: 'GET', url: '/api/inventory/categories' })).statusCode).toBe(200);
    const put = await sales.inject({ method: 'PUT', url: '/api/inventory/channels/douyin', payload: { name: 'Douyin' } });
    expect(put.statusCode).toBe(403);
    const routes = cloud.app.routeTable.filter((r) => r.method !== 'HEAD' && /^\/api\/inventory\/(categories|items|locations|lots|channels)/.test(r.url));
    expect(routes).toHaveLength(11);
    for (const r of routes) expect(r.permission, `${r.method} ${r.url}`).toBe(r.method === 'GET' ? 'inventory.read' : 'inventory.manage');
  });

  it('puts and lists categories, items, locations, lots and channels', async () => {
    const category = await engineer.inject({ method: 'PUT', url: '/api/inventory/categories/frozen', payload: { name: 'Frozen food', compliance: 'cold_chain_food', nearExpiryDays: 30 } });
    expect(category.json()).toEqual({ id: 'frozen', name: 'Frozen food', nearExpiryDays: 30, compliance: 'cold_chain_food', lockDays: null });
    const item = await engineer.inject({ method: 'PUT', url: '/api/inventory/items/PEAS-1KG', payload: { name: 'Peas 1 kg', category: 'frozen', temperatureC: { min: -25, max: -18 } } });
    expect(item.json()).toMatchObject({ sku: 'PEAS-1KG', lotTracked: true, serialized: false, temperatureC: { min: -25, max: -18 }, humidityPct: null, unit: 'ea' });
    const location = await engineer.inject({ method: 'PUT', url: '/api/inventory/locations/F01', payload: { kind: 'shelf', parent: 'COLD', name: 'Freezer 1' } });
    expect(location.json()).toEqual({ code: 'F01', name: 'Freezer 1', kind: 'shelf', parent: 'COLD', allowNegative: false, frozen: false, temperatureC: null, path: ['WH1', 'COLD', 'F01'] });
    const lot = await engineer.inject({ method: 'PUT', url: '/api/inventory/lots/PEAS-1KG/P-01', payload: { expiry: '2026-03-31', supplier: 'SUP-1' } });
    expect(lot.json()).toMatchObject({ sku: 'PEAS-1KG', batch: 'P-01', expiry: '2026-03-31', status: 'released', daysLeft: 30 });
    const channel = await engineer.inject({ method: 'PUT', url: '/api/inventory/channels/meituan', payload: { name: 'Meituan', quotaPct: 40 } });
    expect(channel.json()).toEqual({ id: 'meituan', name: 'Meituan', quotaPct: 40 });

    const codes = (await engineer.inject({ method: 'GET', url: '/api/inventory/locations' })).json().locations.map((l: { code: string }) => l.code);
    expect(codes.indexOf('COLD')).toBeLessThan(codes.indexOf('F01'));
    expect((await engineer.inject({ method: 'GET', url: '/api/inventory/lots?sku=PEAS-1KG' })).json().lots).toHaveLength(1);
    expect((await engineer.inject({ method: 'GET', url: '/api/inventory/items' })).json().items.map((i: { sku: string }) => i.sku)).toContain('PEAS-1KG');
    expect((await engineer.inject({ method: 'GET', url: '/api/inventory/channels' })).json().channels).toEqual([{ id: 'meituan', name: 'Meituan', quotaPct: 40 }]);
    expect((await engineer.inject({ method: 'GET', url: '/api/inventory/categories' })).json().categories).toHaveLength(4);
  });

  it('quarantines and releases a lot, with the reason kept and the change audited', async () => {
    f.catalog.putLot({ sku: SKU.milk, batch: 'Q1', expiry: '2026-03-15' });
    const quarantined = await engineer.inject({ method: 'POST', url: `/api/inventory/lots/${SKU.milk}/Q1/status`, payload: { status: 'quarantined', reason: 'cold chain broken' } });
    expect(quarantined.json()).toMatchObject({ status: 'quarantined', statusReason: 'cold chain broken' });
    const [entry] = audit.query({ action: 'lot.quarantine' });
    expect(entry).toMatchObject({ actor: 'engineer', outcome: 'success', target: `inventory/lot/${SKU.milk}/Q1`, after: { status: 'quarantined' } });
    const released = await engineer.inject({ method: 'POST', url: `/api/inventory/lots/${SKU.milk}/Q1/status`, payload: { status: 'released' } });
    expect(released.json()).toMatchObject({ status: 'released', statusReason: null });
  });

  it('refuses bad changes naming the field, and changes nothing', async () => {
    const before = () => ({ locations: f.catalog.locations(), items: f.catalog.items(), lots: f.catalog.lots() });
    const cases: Array<[string, string, object, number, string, string]> = [
      ['PUT', '/api/inventory/locations/WH1', { kind: 'warehouse', parent: 'B10' }, 400, 'INVALID_INPUT', 'parent'],
      ['PUT', '/api/inventory/locations/B19', { kind: 'shelf', allowNegative: true }, 400, 'INVALID_INPUT', 'allowNegative'],
      ['PUT', '/api/inventory/locations/B19', { kind: 'attic' }, 400, 'INVALID_VALUE', 'kind'],
      ['PUT', '/api/inventory/items/YOG-1', { name: 'Yoghurt', category: 'nope' }, 400, 'UNKNOWN_CATEGORY', 'category'],
      ['PUT', '/api/inventory/items/YOG-1', { name: 'Yoghurt', category: 'chilled', colour: 'white' }, 400, 'UNKNOWN_FIELD', 'colour'],
      ['PUT', `/api/inventory/lots/${SKU.milk}/L9`, { expiry: '2026-13-01' }, 400, 'INVALID_INPUT', 'expiry'],
      ['POST', `/api/inventory/lots/${SKU.milk}/NOPE/status`, { status: 'recalled' }, 400, 'UNKNOWN_LOT', 'batch'],
      ['PUT', '/api/inventory/channels/tmall', { name: 'Tmall', quotaPct: 140 }, 400, 'INVALID_VALUE', 'quotaPct'],
    ];
    for (const [method, url, payload, status, error, field] of cases) {
      const was = before();
      const response = await engineer.inject({ method: method as 'PUT' | 'POST', url, payload });
      expect(response.statusCode, url).toBe(status);
      expect(response.json(), url).toMatchObject({ error, field });
      expect(before()).toEqual(was);
    }
    expect(audit.query({ action: 'masterdata.put' }).some((e) => e.outcome === 'failure' && e.target === 'inventory/location/WH1')).toBe(true);
  });
});
