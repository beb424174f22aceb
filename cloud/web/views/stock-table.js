// The stock screen's table: one row per SKU x location with the inventory states (physical,
// frozen, reserved, pending outbound, available, in transit, in inspection) in the item's unit.
// A row opens its lots (batch, expiry, days left, status); a figure opens the moves behind it.
import { el } from './dom.js';
import { formatExpiry, formatQty, lotStatusChip } from './stock-format.js';

/** The StockState figures, in the order the table shows them. */
export const STOCK_COLUMNS = [
  { key: 'physical', label: 'Physical', title: 'On the shelves of this location (storage locations only)' },
  { key: 'frozen', label: 'Frozen', title: 'Physical stock of quarantined, recalled, expired or locked lots, or on a frozen location' },
  { key: 'reserved', label: 'Reserved', title: 'Held by open order reservations' },
  { key: 'pendingOutbound', label: 'Pending outbound', title: 'Held by open outbound reservations (picked for shipping)' },
  { key: 'available', label: 'Available', title: 'physical - frozen - reserved - pending outbound, not below 0' },
  { key: 'inTransit', label: 'In transit', title: 'Balance of a transit location' },
  { key: 'inInspection', label: 'In inspection', title: 'Balance of an inspection location' },
];

const COLUMN_COUNT = 3 + STOCK_COLUMNS.length;

function lotsRow(row, unit) {
  const lots = row.lots.every((lot) => lot.lot === null)
    ? el('p', { class: 'hint', text: 'No lots: the item is not lot-tracked.' })
    : el('table', { class: 'readings stock-lots' },
      el('thead', {}, el('tr', {}, ...['Batch', 'Expiry', 'Days left', 'Status', 'Qty', 'Reserved', 'Pending outbound'].map((text) => el('th', { scope: 'col', text })))),
      el('tbody', {}, ...row.lots.map((lot) => el('tr', { dataset: { batch: lot.lot ?? '' } },
        el('td', { text: lot.lot ?? '(no lot)' }),
        el('td', { text: formatExpiry(lot.expiry, null) }),
        el('td', { class: `num${lot.daysLeft !== null && lot.daysLeft < 0 ? ' is-alarm' : ''}`, text: lot.daysLeft === null ? '—' : String(lot.daysLeft) }),
        el('td', {}, lotStatusChip(lot.status), lot.frozen && lot.status === 'released' ? el('span', { class: 'quality q-stale', text: 'frozen location' }) : null),
        el('td', { class: 'num', text: `${formatQty(lot.qty)} ${unit}` }),
        el('td', { class: 'num', text: `${formatQty(lot.reserved)} ${unit}` }),
        el('td', { class: 'num', text: `${formatQty(lot.pendingOutbound)} ${unit}` })))));
  return el('tr', { class: 'stock-lots-row', dataset: { key: `${row.sku}@${row.location}` } }, el('td', { colspan: COLUMN_COUNT }, lots));
}

/**
 * Draws the rows into `tbody`.
 * @param {HTMLElement} tbody
 * @param {{ rows: any[], items: Map<string, any>, openLots: Set<string>, onDrill: (sku: string, location: string, column: string) => void }} what
 */
export function renderStockTable(tbody, { rows, items, openLots, onDrill }) {
  if (rows.length === 0) {
    tbody.replaceChildren(el('tr', {}, el('td', { class: 'empty', colspan: COLUMN_COUNT, text: 'No stock here. A writer posts a receipt below.' })));
    return;
  }
  const trs = [];
  for (const row of rows) {
    const item = items.get(row.sku);
    const unit = item?.unit ?? 'ea';
    const key = `${row.sku}@${row.location}`;
    const open = openLots.has(key);
    // an item without lots has one "lot" entry with no batch: there is nothing to open
    const lotCount = row.lots.filter((lot) => lot.lot !== null).length;
    const toggle = el('button', {
      type: 'button', class: 'secondary small stock-lots-toggle', 'aria-expanded': String(open),
      text: lotCount ? `${lotCount} lot${lotCount === 1 ? '' : 's'}` : 'no lots',
    });
    const tr = el('tr', { class: 'stock-row', dataset: { sku: row.sku, location: row.location, key } },
      el('th', { scope: 'row', title: item?.name ?? null, text: item ? `${row.sku} · ${item.name}` : row.sku }),
      el('td', { text: row.location }),
      ...STOCK_COLUMNS.map((column) => el('td', { class: 'num', dataset: { col: column.key } },
        el('button', {
          type: 'button', class: 'stock-cell', title: `${column.title}. Select for the moves of ${row.sku} at ${row.location}.`,
          on: { click: () => onDrill(row.sku, row.location, column.key) },
          text: `${formatQty(row[column.key])} ${unit}`,
        }))),
      el('td', {}, toggle));
    trs.push(tr);
    const lots = lotsRow(row, unit);
    lots.hidden = !open;
    trs.push(lots);
    toggle.addEventListener('click', () => {
      const nowOpen = lots.hidden;
      lots.hidden = !nowOpen;
      toggle.setAttribute('aria-expanded', String(nowOpen));
      if (nowOpen) openLots.add(key); else openLots.delete(key);
    });
  }
  tbody.replaceChildren(...trs);
}

/** The table's header row. */
export function stockTableHead() {
  return el('thead', {}, el('tr', {},
    el('th', { scope: 'col', text: 'SKU' }),
    el('th', { scope: 'col', text: 'Location' }),
    ...STOCK_COLUMNS.map((column) => el('th', { scope: 'col', class: 'num', title: column.title, text: column.label })),
    el('th', { scope: 'col', text: 'Lots' })));
}
