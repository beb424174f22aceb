// The stock screen (inventory.read): stock by location and state, from the inventory core's one
// ledger. The location tree with totals filters the SKU x location table (physical, frozen,
// reserved, pending outbound, available, in transit, in inspection; lots expandable); the per-SKU
// summary explains each figure; a figure opens the moves behind it. Writers (inventory.manage)
// post receipts, transfers and shipments and reverse moves. Expiry warnings and open
// reservations sit beside the table. Refreshed after every post and by the refresh button.
import { api, apiOutcome } from './api.js';
import { el, setText } from './dom.js';
import { formatTime } from './format.js';
import { MoveForm } from './stock-move-form.js';
import { MovesPanel } from './stock-moves.js';
import { renderExpiryWarnings, renderReservations } from './stock-panels.js';
import { renderStockSummary } from './stock-summary.js';
import { renderStockTable, stockTableHead } from './stock-table.js';
import { childrenOf, holdsStock, renderLocationTree, subtree } from './stock-tree.js';

/** GETs `url` and returns its `key`, or throws with the API's words (the screen says which list failed). */
async function list(url, key) {
  const outcome = apiOutcome(await api('GET', url));
  if (!outcome.ok) throw new Error(`${url}: ${outcome.message}`);
  return outcome.body[key];
}

export async function startStock(me) {
  const manage = me.permissions.includes('inventory.manage');
  const root = document.getElementById('stock-root');
  const status = el('p', { class: 'hint', id: 'stock-status', role: 'status', 'aria-live': 'polite' });
  const refreshButton = el('button', { type: 'button', class: 'secondary', id: 'stock-refresh', text: 'Refresh' });
  const tree = el('nav', { class: 'stock-tree', id: 'stock-tree', 'aria-label': 'Locations' });
  const scope = el('h3', { id: 'stock-scope' });
  const rows = el('tbody', { id: 'stock-rows' });
  const summary = el('div', { id: 'stock-summary' });
  const warnings = el('div', { id: 'stock-warnings' });
  const reservations = el('div', { id: 'stock-reservations' });
  const main = el('section', { class: 'stock-main' },
    scope,
    el('div', { class: 'stock-table-frame' }, el('table', { class: 'readings stock-table' }, stockTableHead(), rows)));
  const side = el('aside', { class: 'stock-side' },
    el('h3', { text: 'Expiry warnings' }), warnings,
    el('h3', { text: 'Open reservations' }), reservations);
  root.replaceChildren(
    el('p', { class: 'hint', text: manage
      ? 'Every figure is computed from the move ledger. Select a figure for the moves behind it; reverse a move there, or post one below.'
      : 'Every figure is computed from the move ledger. Select a figure for the moves behind it. Posting and reversing moves needs inventory.manage.' }),
    el('div', { class: 'stock-bar' }, refreshButton, status),
    el('div', { class: 'stock-layout' }, tree, main, side),
    el('h3', { text: 'Per SKU: presale lock and sellable per channel' }),
    summary);

  const state = { items: new Map(), locations: [], rows: [], selected: null, openLots: new Set() };
  const moves = new MovesPanel(main, { manage, items: () => state.items, onChanged: () => refresh() });
  const form = manage ? new MoveForm(main, { onPosted: async () => { await refresh(); await moves.reload(); } }) : null;

  function pick(code) {
    state.selected = code;
    const location = state.locations.find((l) => l.code === code);
    // a supplier or customer holds no stock of ours: its moves are what there is to see
    if (location && !holdsStock(location)) moves.open({ sku: null, location: code });
    draw();
  }

  function draw() {
    renderLocationTree(tree, { locations: state.locations, rows: state.rows, selected: state.selected, onPick: pick });
    const within = state.selected === null ? null : subtree(childrenOf(state.locations), state.selected);
    const shown = within === null ? state.rows : state.rows.filter((row) => within.has(row.location));
    setText(scope, state.selected === null ? 'All locations' : `${state.selected} and the locations under it`);
    renderStockTable(rows, { rows: shown, items: state.items, openLots: state.openLots, onDrill: (sku, location) => moves.open({ sku, location }) });
  }

  async function refresh() {
    setText(status, 'Loading…');
    try {
      const [items, locations, lots, channels, stockRows, summaries] = await Promise.all([
        list('/api/inventory/items', 'items'),
        list('/api/inventory/locations', 'locations'),
        list('/api/inventory/lots', 'lots'),
        list('/api/inventory/channels', 'channels'),
        list('/api/inventory/stock?includeVirtual=true', 'rows'),
        list('/api/inventory/stock/summary', 'summaries'),
      ]);
      state.items = new Map(items.map((item) => [item.sku, item]));
      state.locations = locations;
      state.rows = stockRows;
      if (state.selected !== null && !locations.some((l) => l.code === state.selected)) state.selected = null;
      draw();
      renderStockSummary(summary, { summaries, items: state.items, channels });
      form?.setCatalogue({ items, locations, lots });
      await Promise.all([renderExpiryWarnings(warnings), renderReservations(reservations, { items: state.items })]);
      setText(status, `${stockRows.length} SKU x location rows · updated ${formatTime(Date.now())}`);
    } catch (error) {
      setText(status, `Cannot load the stock: ${error.message}`);
    }
  }

  refreshButton.addEventListener('click', async () => {
    await refresh();
    await moves.reload();
  });
  await refresh();
}
