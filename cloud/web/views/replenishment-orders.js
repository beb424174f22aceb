// The open purchase orders under the replenishment suggestions (purchasing.manage): per order
// line what was ordered, what the ledger says was received against it, what is still to come
// (counted as on order by the next run) and when it is due, overdue ones highlighted. A buyer
// closes a line with a reason (cancelled, or short-closed when part came); the table only draws,
// the screen calls the API (docs/forecasting-api.md "Purchase orders").
import { el } from './dom.js';
import { formatQty } from './replenishment-format.js';

export const ORDER_COLUMNS = ['PO', 'SKU', 'Location', 'Supplier', 'Ordered', 'Received', 'Open', 'Due', 'Close'];
const NUMERIC = new Set(['Ordered', 'Received', 'Open']);

export function purchaseOrderTableHead() {
  return el('thead', {}, el('tr', {}, ...ORDER_COLUMNS.map((text) => el('th', { class: NUMERIC.has(text) ? 'num' : null, scope: 'col', text }))));
}

const figure = (field, value) => el('td', { class: 'num', dataset: { field }, text: formatQty(value) });

function due(line) {
  if (!line.overdue) return el('td', { dataset: { field: 'expectedDay' }, text: line.expectedDay });
  return el('td', { class: 'is-expiring', dataset: { field: 'expectedDay' }, title: 'Not received by its due day; it still counts as on order until received or closed.' },
    el('span', { class: 'quality q-bad', text: `overdue since ${line.expectedDay}` }));
}

function closeForm(line, onClose) {
  const reason = el('input', { name: 'reason', maxlength: 500, autocomplete: 'off', placeholder: 'Reason to close', 'aria-label': `Why ${line.ref} ${line.sku} is closed` });
  const problem = el('span', { class: 'field-problem', dataset: { for: 'reason' }, role: 'alert' });
  const form = el('form', { class: 'replenishment-decide', novalidate: true },
    reason, el('button', { type: 'submit', class: 'small danger', dataset: { action: 'close' }, text: 'Close' }), problem);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onClose(line, reason.value, { input: reason, problem });
  });
  return el('td', { class: 'row-actions', dataset: { field: 'close' } }, form);
}

/**
 * Draws the open order `lines` into `body` (a tbody), or `message` in one row when there are none.
 * @param {HTMLElement} body
 * @param {{ lines: any[], onClose: Function, message?: string }} options
 */
export function renderPurchaseOrders(body, { lines, onClose, message }) {
  if (lines.length === 0) {
    body.replaceChildren(el('tr', {}, el('td', { class: 'empty', colspan: ORDER_COLUMNS.length, text: message ?? 'No open purchase orders. Accepting a suggestion opens one.' })));
    return;
  }
  body.replaceChildren(...lines.map((line) => el('tr', {
    class: `replenishment-order-row${line.overdue ? ' is-overdue' : ''}`,
    dataset: { ref: line.ref, sku: line.sku, location: line.location },
  },
  el('th', { scope: 'row', text: line.ref }),
  el('td', { text: line.sku }),
  el('td', { text: line.location }),
  el('td', { text: line.supplier }),
  figure('orderedQty', line.orderedQty),
  figure('receivedQty', line.receivedQty),
  figure('openQty', line.openQty),
  due(line),
  closeForm(line, onClose))));
}
