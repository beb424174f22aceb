// The lot trace screen (inventory.read): choose a SKU and a batch (the lots the catalogue knows,
// as a datalist) and a direction; the answer of GET /api/inventory/trace/:sku/:batch shows where
// the lot came from (backward) and where it went (forward) as nested lists with quantities, the
// stays on each location with the temperature excursions of monitored ones, and every move in a
// table sortable by its headers. "Download CSV" fetches the regulator's file sorted the same way.
import { api, apiOutcome } from './api.js';
import { el, setText } from './dom.js';
import { formatTime } from './format.js';
import { formatExpiry, lotStatusChip, query } from './stock-format.js';
import { TraceMovesTable } from './trace-moves.js';
import { renderStays } from './trace-stays.js';
import { renderBackward, renderForward } from './trace-tree.js';

const plural = (count, noun) => `${count} ${noun}${count === 1 ? '' : 's'}`;
const tracePath = (sku, batch) => `/api/inventory/trace/${encodeURIComponent(sku)}/${encodeURIComponent(batch)}`;

export async function startTrace() {
  const root = document.getElementById('trace-root');
  const sku = el('select', { name: 'sku', id: 'trace-sku' });
  const batch = el('input', { name: 'batch', id: 'trace-batch', list: 'trace-lots', maxlength: 20, autocomplete: 'off', spellcheck: 'false', placeholder: 'batch', required: true });
  const lots = el('datalist', { id: 'trace-lots' });
  const direction = el('select', { name: 'direction', id: 'trace-direction' },
    ...[['both', 'Both ways'], ['backward', 'Backward: where it came from'], ['forward', 'Forward: where it went']].map(([value, text]) => el('option', { value, text })));
  const form = el('form', { class: 'inline-form trace-form', id: 'trace-form' },
    el('label', {}, 'SKU', sku), el('label', {}, 'Batch', batch, lots), el('label', {}, 'Direction', direction),
    el('button', { type: 'submit', class: 'primary', text: 'Trace' }));
  const status = el('p', { class: 'hint', id: 'trace-status', role: 'status', 'aria-live': 'polite' });
  const facts = el('p', { class: 'trace-lot-facts', id: 'trace-lot' });
  const backward = el('div', { id: 'trace-backward' });
  const forward = el('div', { id: 'trace-forward' });
  const stays = el('div', { id: 'trace-stays' });
  const csv = el('a', { class: 'small-link', id: 'trace-csv', download: '', text: 'Download CSV' });
  const movesBox = el('div', {});
  const result = el('section', { id: 'trace-result', hidden: true, 'aria-live': 'polite' },
    facts,
    el('div', { class: 'trace-directions' },
      el('section', { class: 'trace-direction' }, el('h3', { text: 'Backward: where it came from' }), backward),
      el('section', { class: 'trace-direction' }, el('h3', { text: 'Forward: where it went' }), forward)),
    el('h3', { text: 'Where it sat' }), stays,
    el('div', { class: 'chart-head' }, el('h3', { text: 'Moves of the lot' }), csv),
    movesBox);
  root.replaceChildren(
    el('p', { class: 'hint', text: 'The record a regulator asks for: every supplier, customer, location and temperature excursion of one lot, from the move ledger. Sort the moves by a header; the CSV comes sorted the same way.' }),
    form, status, result);

  const moves = new TraceMovesTable(movesBox, { onSort: () => setCsvLink() });
  let traced = null;
  let freeCharts = () => {};

  function setCsvLink() {
    if (!traced) return;
    csv.href = `${tracePath(traced.sku, traced.batch)}/csv${query({ sort: moves.sort.key, order: moves.sort.order })}`;
  }

  async function fillLots() {
    const outcome = apiOutcome(await api('GET', `/api/inventory/lots${query({ sku: sku.value })}`));
    lots.replaceChildren(...(outcome.ok ? outcome.body.lots : []).map((lot) => el('option', { value: lot.batch, text: `${lot.batch} · ${formatExpiry(lot.expiry, lot.daysLeft)} · ${lot.status}` })));
  }

  async function trace() {
    const chosen = { sku: sku.value, batch: batch.value.trim() };
    setText(status, `Tracing ${chosen.sku} lot ${chosen.batch}…`);
    const outcome = apiOutcome(await api('GET', `${tracePath(chosen.sku, chosen.batch)}${query({ direction: direction.value })}`), {
      UNKNOWN_LOT: 'Pick a batch from the list.', NOT_FOUND: 'Pick a batch from the list.',
    });
    if (!outcome.ok) {
      result.hidden = true;
      return setText(status, `Cannot trace: ${outcome.message}`);
    }
    const answer = outcome.body;
    traced = chosen;
    const { lot, item } = answer;
    facts.replaceChildren(...[
      el('strong', { text: `${item.sku} · ${item.name} · lot ${lot.batch}` }), ' ',
      lotStatusChip(lot.status, lot.statusReason), ' ',
      el('span', { text: `${formatExpiry(lot.expiry, lot.daysLeft)}${lot.produced ? ` · produced ${lot.produced}` : ''}${lot.supplier ? ` · supplier ${lot.supplier}` : ''}` }),
      item.temperatureC ? el('span', { class: 'trace-node-meta', text: `store at ${item.temperatureC.min} – ${item.temperatureC.max} °C` }) : null,
    ].filter(Boolean));
    renderBackward(backward, answer.backward, item.unit);
    renderForward(forward, answer.forward, item.unit);
    freeCharts();
    freeCharts = renderStays(stays, { stays: answer.stays, excursions: answer.excursions, temperatureEvidence: answer.temperatureEvidence, unit: item.unit, now: answer.tracedAt });
    moves.show(answer.moves, item.unit);
    setCsvLink();
    csv.setAttribute('download', `trace-${chosen.sku}-${chosen.batch}.csv`);
    result.hidden = false;
    const excursionCount = answer.excursions.reduce((sum, record) => sum + record.excursions.length, 0);
    setText(status, `${plural(answer.moves.length, 'move')}, ${plural(answer.stays.length, 'stay')}, ${excursionCount} temperature excursion${excursionCount === 1 ? '' : 's'} · traced ${formatTime(answer.tracedAt)}`);
  }

  sku.addEventListener('change', () => { batch.value = ''; fillLots(); });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    trace();
  });

  const items = apiOutcome(await api('GET', '/api/inventory/items'));
  if (!items.ok) return setText(status, `Cannot load the items: ${items.message}`);
  const traceable = items.body.items.filter((item) => item.lotTracked);
  sku.replaceChildren(...traceable.map((item) => el('option', { value: item.sku, text: `${item.sku} · ${item.name}` })));
  if (traceable.length === 0) setText(status, 'No lot-tracked items in the catalogue: nothing to trace.');
  await fillLots();
}
