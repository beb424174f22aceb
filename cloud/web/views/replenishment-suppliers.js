// The suppliers behind the suggestions, read-only: lead time (mean and spread), on-time-in-full
// rate, minimum order and pack, and which supplier replenishes which SKU at which location with
// its review period and service level, so a buyer can see where coverage and safety come from.
import { el } from './dom.js';
import { formatQty, formatShare } from './replenishment-format.js';
import { formatWhen } from './stock-format.js';

const head = (...names) => el('thead', {}, el('tr', {}, ...names.map(([text, num]) => el('th', { class: num ? 'num' : null, scope: 'col', text }))));
const empty = (colspan, text) => el('tr', {}, el('td', { class: 'empty', colspan, text }));

const supplierRow = (s) => el('tr', { dataset: { supplier: s.id } },
  el('th', { scope: 'row', text: s.id }),
  el('td', { text: s.name }),
  el('td', { class: 'num', dataset: { field: 'leadTimeMeanDays' }, text: formatQty(s.leadTimeMeanDays) }),
  el('td', { class: 'num', dataset: { field: 'leadTimeSdDays' }, text: formatQty(s.leadTimeSdDays) }),
  el('td', { class: 'num', dataset: { field: 'onTimeInFullRate' }, text: formatShare(s.onTimeInFullRate) }),
  el('td', { class: 'num', dataset: { field: 'minOrderQty' }, text: formatQty(s.minOrderQty) }),
  el('td', { class: 'num', dataset: { field: 'packSize' }, text: formatQty(s.packSize) }),
  el('td', { text: `${s.updatedBy} · ${formatWhen(s.updatedAt)}` }));

const sourcingRow = (s) => el('tr', { dataset: { sku: s.sku, location: s.location } },
  el('th', { scope: 'row', text: s.sku }),
  el('td', { text: s.location }),
  el('td', { text: s.supplier }),
  el('td', { class: 'num', dataset: { field: 'reviewPeriodDays' }, text: formatQty(s.reviewPeriodDays) }),
  el('td', { class: 'num', dataset: { field: 'serviceLevel' }, text: formatShare(s.serviceLevel) }));

/** Draws the suppliers and the sourcing into `container`. */
export function renderSuppliers(container, { suppliers, sourcing }) {
  const supplierRows = suppliers.length === 0 ? [empty(8, 'No suppliers yet.')] : suppliers.map(supplierRow);
  const sourcingRows = sourcing.length === 0 ? [empty(5, 'No SKU has a supplier yet: nothing is suggested without one.')] : sourcing.map(sourcingRow);
  container.replaceChildren(
    el('table', { class: 'readings replenishment-suppliers', id: 'replenishment-suppliers' },
      head(['Supplier'], ['Name'], ['Lead time, days', true], ['Lead-time sd, days', true], ['On time in full', true], ['Minimum order', true], ['Pack', true], ['Changed']),
      el('tbody', {}, ...supplierRows)),
    el('h4', { text: 'Who replenishes what' }),
    el('table', { class: 'readings replenishment-sourcing', id: 'replenishment-sourcing' },
      head(['SKU'], ['Location'], ['Supplier'], ['Review period, days', true], ['Service level', true]),
      el('tbody', {}, ...sourcingRows)));
}
