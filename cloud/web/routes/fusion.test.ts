/**
 * The fusion routes on the real cloud app (accounts, sessions, access control, error handler)
 * over a real fusion store and inventory catalogue on a SQLite file: the worked case end to end,
 * confirmation, lineage, and bad input answered with the field and changing nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteInventoryCatalog } from '../../inventory/catalog.ts';
import { catalogSkus, openFusion, type OpenFusion } from '../../inventory/fusion/open-fusion.ts';
import { workedDictionary, workedReports, workedSources } from '../../inventory/fusion/worked-case.ts';
import { openDatabase, type SqliteDatabase } from '../../store/database.ts';
import { openTestCloud, type LoggedIn, type TestCloud } from '../test-fixture.ts';
import { fusionRoutes } from './fusion.ts';

const SKU = 'TEA-500G';

describe('fusion routes', () => {
  let dir: string;
  let db: SqliteDatabase;
  let fusion: OpenFusion;
  let cloud: TestCloud;
  let admin: LoggedIn;
  let operator: LoggedIn;
  let auditor: LoggedIn;
  let now = Date.parse('2026-03-01T08:00:00Z');
  const clock = { now: () => (now += 10) };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgestock-fusion-web-'));
    const file = join(dir, 'inventory.sqlite');
    fusion = openFusion(file, { clock, skus: { has: () => false, all: () => [] } });
    db = openDatabase(file);
    const catalog = new SqliteInventoryCatalog(db, clock);
    catalog.putCategory({ id: 'tea', name: 'Tea' });
    catalog.putItem({ sku: SKU, name: 'Green tea 500 g', category: 'tea', lotTracked: false });
    fusion.close();
    fusion = openFusion(file, { clock, skus: catalogSkus(catalog) });
    cloud = await openTestCloud({ demoUsers: true, beforeReady: (app) => app.register(fusionRoutes, { fusion: fusion.fusion }) });
    [admin, operator, auditor] = await Promise.all([cloud.login('admin'), cloud.login('operator'), cloud.login('auditor')]);
  }, 30_000);

  afterAll(async () => {
    await cloud?.close();
    fusion?.close();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads with inventory.read and changes with inventory.manage', async () => {
    expect((await cloud.app.inject({ method: 'GET', url: '/api/fusion/sources' })).statusCode).toBe(401);
    const finance = await cloud.login('finance');
    expect((await finance.inject({ method: 'GET', url: '/api/fusion/sources' })).json()).toMatchObject({ error: 'FORBIDDEN' });
    expect((await auditor.inject({ method: 'GET', url: '/api/fusion/sources' })).statusCode).toBe(200);
    const refused = await auditor.inject({ method: 'POST', url: '/api/fusion/reports', payload: workedReports(SKU)[0] });
    expect(refused.statusCode).toBe(403);
    const ours = cloud.app.routeTable.filter((r) => r.url.startsWith('/api/fusion') && r.method !== 'HEAD');
    expect(Object.fromEntries(ours.map((r) => [`${r.method} ${r.url}`, r.permission]))).toEqual({
      'GET /api/fusion/sources': 'inventory.read', 'PUT /api/fusion/sources/:id': 'inventory.manage',
      'GET /api/fusion/dictionary': 'inventory.read', 'PUT /api/fusion/dictionary': 'inventory.manage',
      'GET /api/fusion/dictionary/versions': 'inventory.read', 'GET /api/fusion/dictionary/versions/:version': 'inventory.read',
      'POST /api/fusion/reports': 'inventory.manage', 'GET /api/fusion/reports': 'inventory.read',
      'POST /api/fusion/reports/:id/confirm': 'inventory.manage', 'POST /api/fusion/reports/:id/reject': 'inventory.manage',
      'GET /api/fusion/skus': 'inventory.read', 'GET /api/fusion/figures/:sku': 'inventory.read', 'GET /api/fusion/figures/:sku/:figure/lineage': 'inventory.read',
    });
  });

  it('refuses a dictionary with formula errors, listing every problem, and saves none', async () => {
    for (const { id, ...body } of workedSources) {
      const put = await admin.inject({ method: 'PUT', url: `/api/fusion/sources/${id}`, payload: body });
      expect(put.statusCode, put.body).toBe(200);
    }
    const bad = await admin.inject({
      method: 'PUT', url: '/api/fusion/dictionary',
      payload: { ...workedDictionary, why: 'first try', targets: [{ figure: 'erp.available', formula: 'physical - pending_outbond + presale_lock[douyn]' }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'INVALID_INPUT', field: 'targets.0.formula' });
    expect(bad.json().problems.map((p: { message: string }) => p.message)).toEqual([
      expect.stringContaining('unknown bucket "pending_outbond" (did you mean "pending_outbound"?)'),
      expect.stringContaining('unknown channel "douyn" (did you mean "douyin"?)'),
    ]);
    expect((await auditor.inject({ method: 'GET', url: '/api/fusion/dictionary' })).json().dictionary).toBeNull();
  });

  it('runs the worked case: ERP available 164 with the lineage of the three reports', async () => {
    const saved = await admin.inject({ method: 'PUT', url: '/api/fusion/dictionary', payload: { ...workedDictionary, why: 'the worked case' } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ version: 1, author: 'admin', why: 'the worked case' });

    const answers = [];
    for (const report of workedReports(SKU)) answers.push(await operator.inject({ method: 'POST', url: '/api/fusion/reports', payload: report }));
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201]);
    expect(answers[3]!.json().changed).toEqual([expect.objectContaining({ figure: 'erp.available', value: 164, previous: null, filled: '168 - 12 + 8' })]);
    const ids = answers.map((a) => a.json().report.id as number);

    const lineage = (await auditor.inject({ method: 'GET', url: `/api/fusion/figures/${SKU}/erp.available/lineage` })).json();
    expect(lineage).toMatchObject({ value: 164, formula: 'physical - pending_outbound + presale_lock', filled: '168 - 12 + 8', dictionaryVersion: 1 });
    expect(lineage.inputs.flatMap((i: { cells: Array<{ reportId: number; source: string; rule: { id: string } }> }) => i.cells.map((c) => [c.source, c.reportId, c.rule.id]))).toEqual([
      ['wms', ids[1], 'wms-physical'], ['meituan', ids[2], 'sales-ecommerce-over-pos'], ['douyin', ids[3], 'sales-ecommerce-over-pos'],
    ]);

    const sku = (await auditor.inject({ method: 'GET', url: `/api/fusion/figures/${SKU}` })).json();
    expect(sku.observed[0]).toMatchObject({ figure: 'douyin.sellable', value: 152, report: { id: ids[0] }, check: { expected: 156, difference: -4 } });
    expect(sku.buckets.map((b: { bucket: string; channel: string | null; value: number }) => `${b.bucket}[${b.channel ?? ''}]=${b.value}`))
      .toEqual(['pending_outbound[meituan]=12', 'physical[]=168', 'presale_lock[douyin]=8']);

    const again = await operator.inject({ method: 'POST', url: '/api/fusion/reports', payload: workedReports(SKU)[1] });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ duplicate: true, changed: [], report: { id: ids[1] } });
  });

  it('answers bad reports with the field at fault and stores nothing', async () => {
    const count = async () => (await auditor.inject({ method: 'GET', url: '/api/fusion/reports?limit=500' })).json().reports.length as number;
    const before = await count();
    const base = { source: 'wms', messageId: 'bad-1', sku: SKU, figure: 'physical', value: 170 };
    const cases: Array<[object, number, string, string, string]> = [
      [{ ...base, value: '170' }, 400, 'INVALID_VALUE', 'value', 'is not a number'],
      [{ ...base, source: 'wmss' }, 400, 'INVALID_INPUT', 'source', 'did you mean "wms"?'],
      [{ ...base, sku: 'TEA-500' }, 400, 'UNKNOWN_SKU', 'sku', 'did you mean "TEA-500G"?'],
      [{ ...base, figure: 'sellable' }, 400, 'INVALID_INPUT', 'figure', 'does not define wms.sellable'],
      [{ ...base, value: -3 }, 400, 'INVALID_INPUT', 'value', 'expected a number of 0 or more'],
      [{ ...base, valeu: 3 }, 400, 'UNKNOWN_FIELD', 'valeu', 'did you mean "value"?'],
      [{ ...base, messageId: `wms-${SKU}-1` }, 409, 'CONFLICT', 'messageId', 'needs a new messageId'],
    ];
    for (const [payload, status, error, field, message] of cases) {
      const response = await operator.inject({ method: 'POST', url: '/api/fusion/reports', payload });
      expect(response.statusCode, response.body).toBe(status);
      expect(response.json()).toMatchObject({ error, field, message: expect.stringContaining(message) });
    }
    expect(await count()).toBe(before);
  });

  it('holds a doubtful report until someone confirms it', async () => {
    const held = await operator.inject({ method: 'POST', url: '/api/fusion/reports', payload: { source: 'manual', messageId: 'sheet-1', sku: SKU, figure: 'physical', value: 90 } });
    expect(held.statusCode).toBe(201);
    expect(held.json()).toMatchObject({ report: { status: 'pending', expected: 168 }, changed: [] });
    const id = held.json().report.id as number;
    expect((await auditor.inject({ method: 'GET', url: '/api/fusion/reports?status=pending' })).json().reports.map((r: { id: number }) => r.id)).toEqual([id]);

    expect((await operator.inject({ method: 'POST', url: '/api/fusion/reports/99999/confirm', payload: {} })).json()).toMatchObject({ error: 'NOT_FOUND' });
    const confirmed = await admin.inject({ method: 'POST', url: `/api/fusion/reports/${id}/confirm`, payload: {} });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    // WMS still wins physical (the rule), so the confirmed count changes no figure; it is applied and outranked.
    expect(confirmed.json()).toMatchObject({ report: { status: 'applied', decidedBy: 'admin' }, changed: [] });
    const lineage = (await auditor.inject({ method: 'GET', url: `/api/fusion/figures/${SKU}/erp.physical/lineage` })).json();
    expect(lineage.inputs[0].cells[0].outranked).toEqual([{ source: 'manual', value: 90, reportId: id }]);
    expect((await admin.inject({ method: 'POST', url: `/api/fusion/reports/${id}/confirm`, payload: {} })).statusCode).toBe(409);
  });

  it('gives a figure\'s lineage as it stood at a time, and 404 before it existed', async () => {
    const early = await auditor.inject({ method: 'GET', url: `/api/fusion/figures/${SKU}/erp.available/lineage?at=1000` });
    expect(early.statusCode).toBe(404);
    const unknown = await auditor.inject({ method: 'GET', url: `/api/fusion/figures/${SKU}/erp.availabel/lineage` });
    expect(unknown.json()).toMatchObject({ error: 'INVALID_INPUT', field: 'figure', message: expect.stringContaining('did you mean "erp.available"?') });
    const versions = (await auditor.inject({ method: 'GET', url: '/api/fusion/dictionary/versions' })).json().versions;
    expect(versions).toEqual([expect.objectContaining({ version: 1, author: 'admin' })]);
    expect((await auditor.inject({ method: 'GET', url: '/api/fusion/dictionary/versions/7' })).statusCode).toBe(404);
  });
});
