/**
 * The worked fusion case of DESIGN.md ("Domain vocabulary") as data: the sources, the semantic
 * dictionary and the reports that make the ERP's available 168 - 12 + 8 = 164. The tests pin it,
 * the bench loads it, and a demo can seed it.
 */
import type { DictionaryDefinition, ReportInput, SourceInput } from './fusion-types.ts';

export const workedSources: SourceInput[] = [
  { id: 'douyin', name: 'Douyin shop', kind: 'ecommerce', channel: 'douyin', trust: 0.8, tolerancePct: 10, toleranceAbs: 2 },
  { id: 'meituan', name: 'Meituan flash delivery', kind: 'ecommerce', channel: 'meituan', trust: 0.8, tolerancePct: 10, toleranceAbs: 2 },
  { id: 'pos', name: 'Store POS', kind: 'pos', channel: 'store', trust: 0.7, tolerancePct: 10, toleranceAbs: 2 },
  { id: 'wms', name: 'Warehouse management system', kind: 'wms', channel: null, trust: 0.95, tolerancePct: 50, toleranceAbs: 5 },
  { id: 'manual', name: 'Manual count sheet', kind: 'manual', channel: null, trust: 0.3, tolerancePct: 5, toleranceAbs: 1 },
];

export const workedDictionary: DictionaryDefinition = {
  sources: [
    { figure: 'douyin.sellable', formula: 'physical - pending_outbound - presale_lock + presale_lock[douyin]', note: 'Douyin sells what is on hand, less what is on its way out and locked for other channels\' presales' },
    { figure: 'douyin.presale_lock', formula: 'presale_lock[douyin]' },
    { figure: 'meituan.pending_outbound', formula: 'pending_outbound[meituan]' },
    { figure: 'pos.pending_outbound', formula: 'pending_outbound[store]' },
    { figure: 'wms.physical', formula: 'physical' },
    { figure: 'manual.physical', formula: 'physical' },
  ],
  targets: [
    { figure: 'erp.available', formula: 'physical - pending_outbound + presale_lock', note: 'the ERP counts presale locks as still available' },
    { figure: 'erp.physical', formula: 'physical' },
  ],
  arbitration: [
    { id: 'wms-physical', buckets: ['physical'], prefer: ['wms', 'edgestock'], tieBreak: 'newest', why: 'WMS over everyone for physical' },
    { id: 'sales-ecommerce-over-pos', buckets: ['pending_outbound', 'presale_lock', 'sellable', 'reserved'], prefer: ['kind:ecommerce', 'kind:pos'], tieBreak: 'newest', why: 'e-commerce over POS for sales figures' },
  ],
};

/** Douyin sellable 152; WMS physical 168, Meituan pending outbound 12, Douyin presale lock 8. */
export const workedReports = (sku: string): ReportInput[] => [
  { source: 'douyin', messageId: `dy-${sku}-1`, sku, figure: 'sellable', value: 152, raw: JSON.stringify({ sku_id: sku, stock_num: 152, type: 'sellable' }) },
  { source: 'wms', messageId: `wms-${sku}-1`, sku, figure: 'physical', value: 168, raw: `<StockReport sku="${sku}" onHand="168"/>` },
  { source: 'meituan', messageId: `mt-${sku}-1`, sku, figure: 'pending_outbound', value: 12, raw: JSON.stringify({ app_spu_code: sku, pending: 12 }) },
  { source: 'douyin', messageId: `dy-${sku}-2`, sku, figure: 'presale_lock', value: 8, raw: JSON.stringify({ sku_id: sku, presale_locked: 8 }) },
];
