/**
 * Expiry and compliance warnings (issue 7, build 3): every lot with stock on storage locations
 * that is expired, locked by its category's lockDays (drug GSP: the computerised expiry warning
 * and lock), or nearer its expiry than the category's near-expiry threshold ("ship first"). The
 * message names the lot, its expiry, the days left, where it lies and what to do; chilled food
 * (cold_chain_food) points to the lot trace, which carries the shelves' temperature record.
 */
import type { ExpiryWarning } from './inventory-types.ts';
import type { LocationTree } from './location-tree.ts';
import { formatQty, roundQty } from './quantities.ts';
import type { StockRow } from './stock-rows.ts';

type Level = ExpiryWarning['level'];

const levelOrder: Record<Level, number> = { expired: 0, locked: 1, near_expiry: 2 };

const days = (n: number) => `${n} day${Math.abs(n) === 1 ? '' : 's'}`;

interface LotStock { first: StockRow; qty: number; at: Array<[string, number]> }

const whatToDo: Record<Level, (w: LotStock) => string> = {
  expired: () => 'it is frozen and cannot be reserved or shipped; move it to scrap or return it to the supplier',
  locked: (w) => `it is locked (GSP: fewer than ${w.first.lockDays} days left) and cannot be reserved or shipped; return it to the supplier or scrap it`,
  near_expiry: (w) => `ship first (category ${w.first.category} warns at ${days(w.first.nearExpiryDays)})`,
};

function messageOf(level: Level, w: LotStock): string {
  const { first } = w;
  const daysLeft = first.daysLeft!;
  const when = level === 'expired'
    ? `expired on ${first.expiry} (${days(-daysLeft)} ago)`
    : `expires on ${first.expiry} (${days(daysLeft)} left)`;
  const where = w.at.map(([location, qty]) => `${formatQty(qty)} at ${location}`).join(', ');
  const status = first.storedStatus !== null && first.storedStatus !== 'released' ? ` It is also ${first.storedStatus}.` : '';
  const coldChain = first.compliance === 'cold_chain_food'
    ? ` Cold chain: its temperature record is in the lot trace (GET /api/inventory/trace/${first.sku}/${first.batch}).`
    : '';
  return `Lot ${first.batch} of ${first.sku} ${when}; ${where}: ${whatToDo[level](w)}.${status}${coldChain}`;
}

/**
 * Warnings for the lots among `rows` (judged rows, any SKUs). `withinDays` replaces every
 * category's near-expiry threshold (to look further ahead); expired and locked lots are always listed.
 */
export function expiryWarningsOf(rows: StockRow[], tree: LocationTree, options: { withinDays?: number } = {}): ExpiryWarning[] {
  const lots = new Map<number, LotStock>();
  for (const row of rows) {
    if (row.lotId === null || row.daysLeft === null || row.qty <= 0 || !tree.isStorage(row.location)) continue;
    const lot = lots.get(row.lotId) ?? { first: row, qty: 0, at: [] };
    lot.qty = roundQty(lot.qty + row.qty);
    lot.at.push([row.location, row.qty]);
    lots.set(row.lotId, lot);
  }
  const warnings: ExpiryWarning[] = [];
  for (const lot of lots.values()) {
    const { first } = lot;
    const daysLeft = first.daysLeft!;
    const nearDays = options.withinDays ?? first.nearExpiryDays;
    const level: Level | null = daysLeft < 0 ? 'expired' : first.locked ? 'locked' : daysLeft < nearDays ? 'near_expiry' : null;
    if (level === null) continue;
    warnings.push({
      sku: first.sku, lotId: first.lotId!, lot: first.batch!, expiry: first.expiry!, daysLeft, qty: lot.qty, locations: lot.at.map(([code]) => code),
      level, category: first.category, compliance: first.compliance, message: messageOf(level, lot),
    });
  }
  return warnings.sort((a, b) => levelOrder[a.level] - levelOrder[b.level] || a.daysLeft - b.daysLeft || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : a.lotId - b.lotId));
}
