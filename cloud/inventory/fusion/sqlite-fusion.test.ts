import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteInventoryCatalog } from '../catalog.ts';
import { InventoryError } from '../inventory-errors.ts';
import { openDatabase, type SqliteDatabase } from '../../store/database.ts';
import { bucketsOfSummary, type CoreBucketValue } from './core-buckets.ts';
import { DictionaryError } from './dictionary-error.ts';
import type { FigureLineage, ReportInput } from './fusion-types.ts';
import { catalogSkus, openFusion, type OpenFusion } from './open-fusion.ts';
import type { FusionDeps } from './sqlite-fusion.ts';
import { workedDictionary, workedReports, workedSources } from './worked-case.ts';

const SKU = 'TEA-500G';
let dir: string;
let now: number;
let opened: OpenFusion[];
let catalogDb: SqliteDatabase;
const clock = { now: () => now };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'edgestock-fusion-'));
  now = Date.parse('2026-03-01T08:00:00Z');
  opened = [];
});
afterEach(() => {
  for (const o of opened) o.close();
  catalogDb?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fusion on a fresh cloud file whose catalogue knows SKU (and TEA-250G), with the worked case's sources and dictionary. */
function setup(extra: Partial<FusionDeps> = {}) {
  const file = join(dir, 'cloud.sqlite');
  const o = openFusion(file, { clock, skus: { has: () => false, all: () => [] }, ...extra });
  opened.push(o);
  catalogDb = openDatabase(file);
  const catalog = new SqliteInventoryCatalog(catalogDb, clock);
  catalog.putCategory({ id: 'tea', name: 'Tea' });
  catalog.putItem({ sku: SKU, name: 'Green tea 500 g', category: 'tea', lotTracked: false });
  catalog.putItem({ sku: 'TEA-250G', name: 'Green tea 250 g', category: 'tea', lotTracked: false });
  const fusion = openFusion(file, { clock, skus: catalogSkus(catalog), ...extra });
  opened.push(fusion);
  for (const s of workedSources) fusion.fusion.putSource(s, 'admin');
  fusion.fusion.putDictionary(workedDictionary, { actor: 'admin', why: 'the worked case' });
  return { fusion: fusion.fusion, db: catalogDb };
}

const tick = () => { now += 1000; };
const reportAll = (fusion: ReturnType<typeof setup>['fusion'], reports: ReportInput[]) =>
  reports.map((r) => { tick(); return fusion.report(r, 'ingest'); });
const count = (db: SqliteDatabase, table: string) => (db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number);
const figure = (fusion: ReturnType<typeof setup>['fusion'], name: string): FigureLineage => fusion.figures(SKU).figures.find((f) => f.figure === name)!;
const thrown = (run: () => unknown): InventoryError => {
  try { run(); } catch (error) { if (error instanceof InventoryError) return error; throw error; }
  throw new Error('expected an InventoryError');
};

describe('the worked case (DESIGN.md)', () => {
  it('derives ERP available 164 from WMS 168, Meituan 12 and Douyin 8, naming the three reports', () => {
    const { fusion } = setup();
    const outcomes = reportAll(fusion, workedReports(SKU));
    expect(outcomes.every((o) => o.report.status === 'applied')).toBe(true);
    // The last report (Douyin's presale lock) completes the formula: it returns the figure it changed.
    expect(outcomes[3]!.changed).toEqual([expect.objectContaining({ figure: 'erp.available', value: 164, previous: null })]);

    const available = figure(fusion, 'erp.available');
    expect(available).toMatchObject({ value: 164, formula: 'physical - pending_outbound + presale_lock', filled: '168 - 12 + 8', dictionaryVersion: 1, missing: [] });
    const used = available.inputs.flatMap((i) => i.cells.map((c) => ({ ref: i.ref, how: i.how, source: c.source, reportId: c.reportId, raw: c.raw, rule: c.rule.id })));
    const [douyinSellable, wms, meituan, douyinPresale] = outcomes.map((o) => o.report);
    expect(used).toEqual([
      { ref: 'physical', how: 'total', source: 'wms', reportId: wms!.id, raw: `<StockReport sku="${SKU}" onHand="168"/>`, rule: 'wms-physical' },
      { ref: 'pending_outbound', how: 'sum-of-channels', source: 'meituan', reportId: meituan!.id, raw: expect.stringContaining('"pending":12'), rule: 'sales-ecommerce-over-pos' },
      { ref: 'presale_lock', how: 'sum-of-channels', source: 'douyin', reportId: douyinPresale!.id, raw: expect.stringContaining('"presale_locked":8'), rule: 'sales-ecommerce-over-pos' },
    ]);
    expect(available.inputs[0]!.cells[0]).toMatchObject({ trust: 0.95, mappingVersion: 1, messageId: `wms-${SKU}-1` });

    // Douyin's sellable is kept as reported, with its own lineage and the check against its definition.
    const observed = fusion.figures(SKU).observed;
    expect(observed).toEqual([expect.objectContaining({
      figure: 'douyin.sellable', value: 152, report: expect.objectContaining({ id: douyinSellable!.id, raw: expect.stringContaining('"stock_num":152') }),
      check: expect.objectContaining({ expected: 156, difference: -4, filled: '168 - 12 - 8 + 8', formula: 'physical - pending_outbound - presale_lock + presale_lock[douyin]' }),
    })]);
  });

  it('reflects a new report in every derived figure at once and keeps the lineage as it stood before', () => {
    const { fusion } = setup();
    reportAll(fusion, workedReports(SKU));
    const before = now;
    tick();
    const outcome = fusion.report({ source: 'wms', messageId: 'wms-2', sku: SKU, figure: 'physical', value: 170 }, 'ingest');
    expect(outcome.changed.map((c) => [c.figure, c.previous, c.value])).toEqual([['erp.available', 164, 166], ['erp.physical', 168, 170]]);
    expect(figure(fusion, 'erp.available').inputs[0]!.cells[0]!.reportId).toBe(outcome.report.id);
    expect(fusion.lineage(SKU, 'erp.available', before)).toMatchObject({ value: 164, filled: '168 - 12 + 8' });
    expect(fusion.lineage(SKU, 'erp.available')).toMatchObject({ value: 166, filled: '170 - 12 + 8' });
  });
});

describe('arbitration', () => {
  it('keeps WMS physical over a newer manual count, listing the manual one as outranked', () => {
    const { fusion } = setup();
    reportAll(fusion, workedReports(SKU));
    tick();
    const manual = fusion.report({ source: 'manual', messageId: 'count-1', sku: SKU, figure: 'physical', value: 168.5 }, 'clerk');
    expect(manual.report.status).toBe('applied');
    const cell = figure(fusion, 'erp.physical').inputs[0]!.cells[0]!;
    expect(cell).toMatchObject({ source: 'wms', value: 168, rule: { id: 'wms-physical', why: expect.stringContaining('WMS over everyone for physical') } });
    expect(cell.outranked).toEqual([{ source: 'manual', value: 168.5, reportId: manual.report.id }]);
  });

  it('takes e-commerce over POS for a sales figure both report, and the newest within e-commerce', () => {
    const { fusion } = setup();
    fusion.putDictionary({
      ...workedDictionary,
      sources: [...workedDictionary.sources, { figure: 'pos.open_orders', formula: 'pending_outbound' }, { figure: 'meituan.all_pending', formula: 'pending_outbound' }, { figure: 'douyin.all_pending', formula: 'pending_outbound' }],
    }, { actor: 'admin', why: 'POS and the channels report total pending outbound' });
    reportAll(fusion, [
      { source: 'wms', messageId: 'w1', sku: SKU, figure: 'physical', value: 100 },
      { source: 'douyin', messageId: 'd1', sku: SKU, figure: 'presale_lock', value: 0 },
      { source: 'meituan', messageId: 'm1', sku: SKU, figure: 'all_pending', value: 10 },
      { source: 'douyin', messageId: 'd2', sku: SKU, figure: 'all_pending', value: 11 },
      { source: 'pos', messageId: 'p1', sku: SKU, figure: 'open_orders', value: 12 },
    ]);
    const pending = figure(fusion, 'erp.available').inputs[1]!;
    expect(pending).toMatchObject({ how: 'total', value: 11, cells: [{ source: 'douyin', rule: { id: 'sales-ecommerce-over-pos' } }] });
    expect(pending.cells[0]!.outranked.map((c) => c.source)).toEqual(['meituan', 'pos']);
    expect(figure(fusion, 'erp.available').value).toBe(89);
  });
});

describe('trust and confirmation', () => {
  it('holds a report beyond the tolerance until it is confirmed, then applies it', () => {
    const { fusion, db } = setup();
    reportAll(fusion, workedReports(SKU));
    tick();
    const jump = fusion.report({ source: 'wms', messageId: 'wms-big', sku: SKU, figure: 'physical', value: 300 }, 'ingest');
    expect(jump.report).toMatchObject({ status: 'pending', expected: 168, allowedDeviation: 79.8, statusReason: expect.stringContaining('differs from the expected 168 by 132') });
    expect(jump.changed).toEqual([]);
    expect(figure(fusion, 'erp.available').value).toBe(164);
    expect(fusion.figures(SKU).pending.map((r) => r.id)).toEqual([jump.report.id]);

    const valuesBefore = count(db, 'fusion_figure_value');
    tick();
    const confirmed = fusion.confirm(jump.report.id, 'supervisor');
    expect(confirmed.report).toMatchObject({ status: 'applied', decidedBy: 'supervisor' });
    expect(confirmed.changed.find((c) => c.figure === 'erp.available')).toMatchObject({ value: 296, previous: 164 });
    expect(count(db, 'fusion_figure_value')).toBe(valuesBefore + 2);
    expect(thrown(() => fusion.confirm(jump.report.id, 'supervisor'))).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('is applied') });
  });

  it('holds a low-trust manual figure with nothing to check it against, and a rejected one is never used', () => {
    const { fusion } = setup();
    const manual = fusion.report({ source: 'manual', messageId: 'sheet-7', sku: SKU, figure: 'physical', value: 40 }, 'clerk');
    expect(manual.report).toMatchObject({ status: 'pending', expected: null, statusReason: expect.stringContaining('low-trust manual source') });
    const rejected = fusion.reject(manual.report.id, 'supervisor', 'count sheet of the wrong shelf');
    expect(rejected).toMatchObject({ status: 'rejected', statusReason: 'count sheet of the wrong shelf', decidedBy: 'supervisor' });
    expect(fusion.figures(SKU).buckets).toEqual([]);
    expect(figure(fusion, 'erp.physical')).toMatchObject({ value: null, missing: ['physical'] });
  });
});

describe('bad input changes nothing', () => {
  it('refuses unknown sources, SKUs and figures, bad values and reused message ids, naming the field', () => {
    const { fusion, db } = setup();
    reportAll(fusion, workedReports(SKU));
    const before = ['fusion_report', 'fusion_cell', 'fusion_figure_value'].map((t) => count(db, t));
    const base = { source: 'wms', messageId: 'x-1', sku: SKU, figure: 'physical', value: 1 };
    expect(thrown(() => fusion.report({ ...base, source: 'wmss' }, 'a'))).toMatchObject({ code: 'INVALID_INPUT', field: 'source', message: expect.stringContaining('unknown source "wmss" (did you mean "wms"?)') });
    expect(thrown(() => fusion.report({ ...base, source: 'edgestock' }, 'a'))).toMatchObject({ field: 'source' });
    expect(thrown(() => fusion.report({ ...base, sku: 'TEA-500' }, 'a'))).toMatchObject({ code: 'UNKNOWN_SKU', field: 'sku', message: expect.stringContaining('did you mean "TEA-500G"?') });
    expect(thrown(() => fusion.report({ ...base, figure: 'phyiscal' }, 'a'))).toMatchObject({ field: 'figure', message: expect.stringContaining('does not define wms.phyiscal (did you mean "physical"?)') });
    expect(thrown(() => fusion.report({ ...base, value: '12' as unknown as number }, 'a'))).toMatchObject({ field: 'value', message: expect.stringContaining('"12" is not a quantity') });
    expect(thrown(() => fusion.report({ ...base, value: -1 }, 'a'))).toMatchObject({ field: 'value' });
    expect(thrown(() => fusion.report({ ...base, value: Number.NaN }, 'a'))).toMatchObject({ field: 'value' });
    expect(thrown(() => fusion.report({ ...base, messageId: `wms-${SKU}-1`, value: 169 }, 'a'))).toMatchObject({ code: 'CONFLICT', field: 'messageId' });
    expect(['fusion_report', 'fusion_cell', 'fusion_figure_value'].map((t) => count(db, t))).toEqual(before);
  });

  it('answers the same (source, messageId) again with the first report and changes nothing', () => {
    const { fusion, db } = setup();
    const [first] = reportAll(fusion, workedReports(SKU));
    const rows = ['fusion_report', 'fusion_figure_value'].map((t) => count(db, t));
    tick();
    const again = fusion.report(workedReports(SKU)[0]!, 'ingest');
    expect(again).toEqual({ report: first!.report, duplicate: true, changed: [] });
    expect(['fusion_report', 'fusion_figure_value'].map((t) => count(db, t))).toEqual(rows);
  });

  it('refuses a dictionary with formula errors, listing them all, and keeps the version in use', () => {
    const { fusion } = setup();
    const bad = { ...workedDictionary, targets: [{ figure: 'erp.available', formula: 'physcal - pending_outbound[meituna] +' }] };
    const error = thrown(() => fusion.putDictionary(bad, { actor: 'admin', why: 'typo' }));
    expect(error).toBeInstanceOf(DictionaryError);
    expect((error as DictionaryError).problems.map((p) => p.message)).toEqual([
      expect.stringContaining('unknown bucket "physcal" (did you mean "physical"?)'),
      expect.stringContaining('expected a bucket name, a number or "(" but found the end of the formula'),
    ]);
    expect(thrown(() => fusion.putDictionary(workedDictionary, { actor: 'admin', why: ' ' }))).toMatchObject({ field: 'why' });
    expect(fusion.dictionaryVersions().map((v) => v.version)).toEqual([1]);
  });
});

describe('dictionary versions', () => {
  it('recomputes every figure under a new version, which the lineage names', () => {
    const { fusion } = setup();
    reportAll(fusion, workedReports(SKU));
    tick();
    const v2 = fusion.putDictionary({ ...workedDictionary, targets: [{ figure: 'erp.available', formula: 'physical - pending_outbound' }] }, { actor: 'planner', why: 'the ERP no longer counts presale locks' });
    expect(v2).toMatchObject({ version: 2, author: 'planner', why: 'the ERP no longer counts presale locks', createdAt: now });
    expect(fusion.lineage(SKU, 'erp.available')).toMatchObject({ value: 156, dictionaryVersion: 2, filled: '168 - 12' });
    expect(fusion.dictionaryVersions().map((v) => [v.version, v.author])).toEqual([[2, 'planner'], [1, 'admin']]);
    expect(fusion.dictionaryVersion(1)!.targets).toHaveLength(2);
    expect(thrown(() => fusion.lineage(SKU, 'erp.physical'))).toMatchObject({ field: 'figure', message: expect.stringContaining('the targets are erp.available') });
  });
});

describe('the inventory core as a source', () => {
  const core: CoreBucketValue[] = [
    { bucket: 'physical', channel: null, value: 170, explain: 'sum of storage balances' },
    { bucket: 'pending_outbound', channel: null, value: 5, explain: 'open outbound reservations' },
    { bucket: 'presale_lock', channel: null, value: 3, explain: 'active presale reservations' },
  ];

  it('fills buckets no source reported, and gives way where the rules prefer a source', () => {
    const { fusion } = setup({ coreBuckets: (sku) => (sku === SKU ? core : undefined) });
    expect(fusion.sources().map((s) => s.id)).toContain('edgestock');
    expect(figure(fusion, 'erp.available')).toMatchObject({ value: 168, filled: '170 - 5 + 3' });
    expect(figure(fusion, 'erp.physical').inputs[0]!.cells[0]).toMatchObject({ source: 'edgestock', reportId: null, raw: 'sum of storage balances' });

    reportAll(fusion, workedReports(SKU));
    const physical = figure(fusion, 'erp.physical').inputs[0]!.cells[0]!;
    expect(physical).toMatchObject({ source: 'wms', value: 168, outranked: [{ source: 'edgestock', value: 170, reportId: null }] });
    expect(thrown(() => fusion.report({ source: 'edgestock', messageId: 'e', sku: SKU, figure: 'physical', value: 1 }, 'a'))).toMatchObject({ field: 'source' });
  });

  it('reads a StockSummary of the core as bucket cells, per channel for presale locks and sellable', () => {
    const cells = bucketsOfSummary({
      sku: SKU, physical: 170, frozen: 2, reserved: 6, pendingOutbound: 5, available: 157, inTransit: 10, inInspection: 1,
      presaleLock: 3, presaleLockByChannel: { douyin: 3 }, sellable: { douyin: 157, meituan: 77 }, explain: { available: 'physical - frozen - reserved - pending outbound' },
    });
    expect(cells.map((c) => `${c.bucket}${c.channel ? `[${c.channel}]` : ''}=${c.value}`)).toEqual([
      'physical=170', 'available=157', 'reserved=6', 'pending_outbound=5', 'presale_lock=3', 'in_transit=10', 'in_inspection=1', 'frozen=2',
      'presale_lock[douyin]=3', 'sellable[douyin]=157', 'sellable[meituan]=77',
    ]);
    expect(cells.find((c) => c.bucket === 'available')!.explain).toBe('physical - frozen - reserved - pending outbound');
  });
});
