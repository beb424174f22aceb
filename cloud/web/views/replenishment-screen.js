// The replenishment screen (inventory.read; issue 8, items 8 and 9): the suggested orders per
// SKU x location with every number behind each and its explanation, stock that expires before it
// would sell highlighted, and the suppliers they rest on (read-only). Buyers (purchasing.manage)
// run the suggestions now, accept one (with the purchase order it became, if any) or dismiss it,
// and see the open purchase orders accepting opened (counted as on order until the ledger shows
// them received) and close one with a reason; nothing here changes stock (docs/forecasting-api.md
// "Replenishment", "Purchase orders").
import { api, apiOutcome } from './api.js';
import { el, setText } from './dom.js';
import { fieldOf, formatWhen, query } from './stock-format.js';
import { purchaseOrderTableHead, renderPurchaseOrders } from './replenishment-orders.js';
import { renderSuggestions, suggestionTableHead } from './replenishment-table.js';
import { renderSuppliers } from './replenishment-suppliers.js';

const BASE = '/api/replenishment';

const NEXT_STEPS = {
  NOT_FOUND: 'Refresh: the suggestion may have been replaced by a newer run.',
  CONFLICT: 'Refresh: someone decided it meanwhile.',
};
const ORDER_NEXT_STEPS = {
  NOT_FOUND: 'Refresh: the order list may be out of date.',
  CONFLICT: 'Refresh: it was received or closed meanwhile.',
};
const CLOSED_AS = { cancelled: 'cancelled', short_closed: 'short-closed' };

/** GETs `url` and returns its `key`, or throws with the API's words. */
async function list(url, key) {
  const outcome = apiOutcome(await api('GET', url));
  if (!outcome.ok) throw new Error(`${url}: ${outcome.message}`);
  return outcome.body[key];
}

export async function startReplenishment(me) {
  const manage = me.permissions.includes('purchasing.manage');
  const root = document.getElementById('replenishment-root');
  const status = el('p', { class: 'hint', id: 'replenishment-status', role: 'status', 'aria-live': 'polite' });
  const runButton = manage ? el('button', { type: 'button', class: 'primary', id: 'replenishment-run', text: 'Run now' }) : null;
  const refreshButton = el('button', { type: 'button', class: 'secondary', id: 'replenishment-refresh', text: 'Refresh' });
  const stateFilter = el('select', { id: 'replenishment-state', 'aria-label': 'Which suggestions' },
    el('option', { value: 'open', text: 'Open suggestions' }),
    el('option', { value: 'accepted', text: 'Accepted' }),
    el('option', { value: 'dismissed', text: 'Dismissed' }),
    el('option', { value: '', text: 'All' }));
  const skipped = el('div', { class: 'replenishment-skipped', id: 'replenishment-skipped', hidden: true });
  const rows = el('tbody', { id: 'replenishment-rows' });
  const suppliers = el('div', { id: 'replenishment-supplier-tables' });
  const orderRows = manage ? el('tbody', { id: 'replenishment-order-rows' }) : null;
  const orders = manage ? [
    el('h3', { text: 'Open purchase orders' }),
    el('p', { class: 'hint', text: 'Accepted suggestions become order lines. What is still to come counts as on order in the next run until receipts naming the PO (document purchase_order) arrive; close a line that will not come, with the reason.' }),
    el('div', { class: 'replenishment-table-frame' }, el('table', { class: 'readings replenishment-table replenishment-orders', id: 'replenishment-orders' }, purchaseOrderTableHead(), orderRows)),
  ] : [];
  root.replaceChildren(
    el('p', { class: 'hint', text: 'Order = forecast demand over lead time + review period + safety stock − on-hand stock that will still sell before it expires − stock in transit, in the supplier\'s whole packs. '
      + (manage ? 'Accept a suggestion (with its purchase order if there is one) or dismiss it; stock does not change here.'
        : 'Accepting, dismissing and running suggestions needs purchasing.manage.') }),
    el('div', { class: 'replenishment-bar' }, runButton, stateFilter, refreshButton, status),
    skipped,
    el('div', { class: 'replenishment-table-frame' }, el('table', { class: 'readings replenishment-table', id: 'replenishment-table' }, suggestionTableHead(), rows)),
    ...orders,
    el('h3', { text: 'Suppliers' }),
    el('p', { class: 'hint', text: 'Lead time and its spread set the coverage and the safety stock; a supplier delivering less on time in full raises the safety stock.' }),
    suppliers);

  async function decide(suggestion, path, body, problem, input) {
    setText(problem, '');
    input?.removeAttribute('aria-invalid');
    const outcome = apiOutcome(await api('POST', `${BASE}/suggestions/${suggestion.id}/${path}`, body), NEXT_STEPS);
    if (!outcome.ok) {
      const field = fieldOf(outcome.body?.field);
      setText(problem, outcome.message);
      if (input && field === 'purchaseOrder') {
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      }
      setText(status, `Not ${path === 'accept' ? 'accepted' : 'dismissed'}: ${outcome.message}`);
      return;
    }
    await Promise.all([loadSuggestions(), loadOrders()]);
    const done = outcome.body;
    setText(status, `${done.state === 'accepted' ? 'Accepted' : 'Dismissed'} the order of ${done.suggestedQty} ${done.sku} at ${done.location}${done.purchaseOrder ? ` as ${done.purchaseOrder}` : ''}.`);
  }

  const onAccept = (suggestion, purchaseOrder, { input, problem }) =>
    decide(suggestion, 'accept', purchaseOrder === '' ? {} : { purchaseOrder }, problem, input);
  const onDismiss = (suggestion, problem) => decide(suggestion, 'dismiss', {}, problem, null);

  async function loadSuggestions() {
    const suggestions = await list(`${BASE}/suggestions${query({ state: stateFilter.value })}`, 'suggestions');
    renderSuggestions(rows, { suggestions, manage, onAccept, onDismiss });
    return suggestions;
  }

  async function closeOrder(line, reason, { input, problem }) {
    setText(problem, '');
    input.removeAttribute('aria-invalid');
    const outcome = apiOutcome(await api('POST', `${BASE}/purchase-orders/${encodeURIComponent(line.ref)}/close`, { reason: reason.trim(), sku: line.sku }), ORDER_NEXT_STEPS);
    if (!outcome.ok) {
      setText(problem, outcome.message);
      if (fieldOf(outcome.body?.field) === 'reason') {
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      }
      setText(status, `Not closed: ${outcome.message}`);
      return;
    }
    await loadOrders();
    const closed = outcome.body.lines.map((l) => `${l.sku} at ${l.location} ${CLOSED_AS[l.state] ?? l.state} (${l.receivedQty} of ${l.orderedQty} received)`);
    setText(status, `Closed ${line.ref}: ${closed.join('; ')}.`);
  }

  /** The open order lines; their own failure shows in their table and leaves the rest of the screen alone. */
  async function loadOrders() {
    if (!orderRows) return;
    const outcome = apiOutcome(await api('GET', `${BASE}/purchase-orders?state=open`));
    if (!outcome.ok) renderPurchaseOrders(orderRows, { lines: [], onClose: closeOrder, message: `Cannot load purchase orders: ${outcome.message}` });
    else renderPurchaseOrders(orderRows, { lines: outcome.body.lines, onClose: closeOrder });
  }

  async function refresh() {
    setText(status, 'Loading…');
    try {
      const [suggestions, supplierList, sourcing] = await Promise.all([
        loadSuggestions(),
        list(`${BASE}/suppliers`, 'suppliers'),
        list(`${BASE}/sourcing`, 'sourcing'),
        loadOrders(),
      ]);
      renderSuppliers(suppliers, { suppliers: supplierList, sourcing });
      setText(status, `${suggestions.length} suggestion(s) · updated ${formatWhen(Date.now())}`);
    } catch (error) {
      setText(status, `Cannot load replenishment: ${error.message}`);
    }
  }

  runButton?.addEventListener('click', async () => {
    runButton.disabled = true;
    setText(status, 'Computing suggestions…');
    try {
      const outcome = apiOutcome(await api('POST', `${BASE}/runs`, {}));
      if (!outcome.ok) {
        setText(status, `Not run: ${outcome.message}`);
        return;
      }
      const run = outcome.body;
      skipped.hidden = run.skipped.length === 0;
      skipped.replaceChildren(...(run.skipped.length === 0 ? [] : [
        el('p', { text: `Not suggested (${run.skipped.length}):` }),
        el('ul', {}, ...run.skipped.map((s) => el('li', { dataset: { sku: s.sku, location: s.location }, text: `${s.sku} at ${s.location}: ${s.reason}` })))]));
      stateFilter.value = 'open';
      await loadSuggestions();
      const ordering = run.suggestions.filter((s) => s.suggestedQty > 0).length;
      setText(status, `Run at ${formatWhen(run.madeAt)}: ${run.suggestions.length} suggestion(s), ${ordering} with something to order, ${run.skipped.length} skipped.`);
    } finally {
      runButton.disabled = false;
    }
  });
  stateFilter.addEventListener('change', () => refresh());
  refreshButton.addEventListener('click', () => refresh());
  await refresh();
}
