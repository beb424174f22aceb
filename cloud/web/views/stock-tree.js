// The stock screen's location tree: warehouse > zone > shelf with each node's totals (its own
// stock and everything under it), and the virtual locations (supplier, customer, transit,
// inspection, scrap, production, adjustment) apart, since they hold no stock of the plant's own
// except goods in transit or in inspection. Picking a node filters the stock table to it and
// everything under it.
import { el } from './dom.js';
import { formatQty } from './stock-format.js';

const STORAGE_KINDS = new Set(['warehouse', 'zone', 'shelf']);
/** Virtual kinds whose balance the stock states show (as in transit / in inspection). */
const HOLDING_VIRTUAL_KINDS = new Set(['transit', 'inspection']);

export const isStorage = (location) => STORAGE_KINDS.has(location.kind);
export const holdsStock = (location) => isStorage(location) || HOLDING_VIRTUAL_KINDS.has(location.kind);

/** code -> codes of its children, from the catalogue's locations (parents before children). */
export function childrenOf(locations) {
  const children = new Map();
  for (const location of locations) {
    if (location.parent === null) continue;
    children.set(location.parent, [...(children.get(location.parent) ?? []), location.code]);
  }
  return children;
}

/** `code` and every location under it. */
export function subtree(children, code) {
  const codes = new Set([code]);
  for (const next of codes) for (const child of children.get(next) ?? []) codes.add(child);
  return codes;
}

/** Per location: the totals of the stock rows at it and under it. */
function totalsOf(locations, children, rows) {
  const own = new Map();
  for (const row of rows) {
    const total = own.get(row.location) ?? { onHand: 0, available: 0, skus: new Set() };
    total.onHand += row.physical + row.inTransit + row.inInspection;
    total.available += row.available;
    if (row.physical + row.inTransit + row.inInspection !== 0) total.skus.add(row.sku);
    own.set(row.location, total);
  }
  const totals = new Map();
  for (const location of locations) {
    const sum = { onHand: 0, available: 0, skus: new Set() };
    for (const code of subtree(children, location.code)) {
      const part = own.get(code);
      if (!part) continue;
      sum.onHand += part.onHand;
      sum.available += part.available;
      for (const sku of part.skus) sum.skus.add(sku);
    }
    totals.set(location.code, sum);
  }
  return totals;
}

/**
 * Draws the tree into `container`.
 * @param {HTMLElement} container
 * @param {{ locations: any[], rows: any[], selected: string | null, onPick: (code: string | null) => void }} what
 */
export function renderLocationTree(container, { locations, rows, selected, onPick }) {
  const children = childrenOf(locations);
  const totals = totalsOf(locations, children, rows);
  const byCode = new Map(locations.map((location) => [location.code, location]));
  const allTotal = rows.reduce((sum, row) => sum + row.physical + row.inTransit + row.inInspection, 0);

  const nodeButton = (location) => {
    const total = totals.get(location.code);
    const figures = holdsStock(location)
      ? `${formatQty(total.onHand)} on hand · ${formatQty(total.available)} available · ${total.skus.size} SKU${total.skus.size === 1 ? '' : 's'}`
      : 'moves only';
    return el('button', {
      type: 'button', class: 'stock-node', 'aria-pressed': String(selected === location.code), dataset: { code: location.code, kind: location.kind },
      title: holdsStock(location) ? 'Totals over SKUs of this location and those under it (units as each item counts them)' : `A ${location.kind} location: open its moves`,
      on: { click: () => onPick(location.code) },
    },
    el('span', { class: 'stock-node-name', text: location.name ? `${location.code} · ${location.name}` : location.code }),
    el('span', { class: 'stock-node-kind', text: location.kind }),
    el('span', { class: 'stock-node-total', text: figures }));
  };

  const branch = (codes) => el('ul', { class: 'stock-tree-level' }, ...codes.map((code) => {
    const location = byCode.get(code);
    const kids = (children.get(code) ?? []).filter((child) => isStorage(byCode.get(child)));
    return el('li', {}, nodeButton(location), kids.length ? branch(kids) : null);
  }));

  const roots = locations.filter((location) => isStorage(location) && (location.parent === null || !isStorage(byCode.get(location.parent) ?? {})));
  const virtual = locations.filter((location) => !isStorage(location));
  const all = el('button', { type: 'button', class: 'stock-node', 'aria-pressed': String(selected === null), dataset: { code: '' }, on: { click: () => onPick(null) } },
    el('span', { class: 'stock-node-name', text: 'All locations' }),
    el('span', { class: 'stock-node-total', text: `${formatQty(allTotal)} on hand` }));

  container.replaceChildren(
    el('div', { class: 'stock-tree-all' }, all),
    roots.length ? branch(roots.map((location) => location.code)) : el('p', { class: 'hint', text: 'No warehouse yet: PUT /api/inventory/locations/:code adds one.' }),
    el('h4', { text: 'Virtual locations' }),
    virtual.length
      ? el('ul', { class: 'stock-tree-level stock-tree-virtual' }, ...virtual.map((location) => el('li', {}, nodeButton(location))))
      : el('p', { class: 'hint', text: 'None.' }));
}
