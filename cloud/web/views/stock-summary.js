// The stock screen's per-SKU summary (GET /api/inventory/stock/summary): the states over all
// locations, the presale lock and what each channel may sell. Every figure explains itself: its
// StockSummary.explain sentence is the cell's tooltip, and "why" opens them all as text, so a
// planner can check the arithmetic without asking anyone.
import { el } from './dom.js';
import { formatQty } from './stock-format.js';

const SUMMARY_FIGURES = [
  ['physical', 'Physical'], ['frozen', 'Frozen'], ['reserved', 'Reserved'], ['pendingOutbound', 'Pending outbound'],
  ['available', 'Available'], ['inTransit', 'In transit'], ['inInspection', 'In inspection'], ['presaleLock', 'Presale lock'],
];

/** The explanation of figure `key` (`sellable.<channel>` for a channel's sellable). */
const explainOf = (summary, key) => summary.explain?.[key] ?? null;

/**
 * Draws the summary table into `container`.
 * @param {HTMLElement} container
 * @param {{ summaries: any[], items: Map<string, any>, channels: Array<{ id: string, name: string }> }} what
 */
export function renderStockSummary(container, { summaries, items, channels }) {
  if (summaries.length === 0) {
    container.replaceChildren(el('p', { class: 'hint', text: 'No items in the catalogue yet.' }));
    return;
  }
  const columns = 2 + SUMMARY_FIGURES.length + channels.length;
  const head = el('thead', {}, el('tr', {},
    el('th', { scope: 'col', text: 'SKU' }),
    ...SUMMARY_FIGURES.map(([, label]) => el('th', { scope: 'col', class: 'num', text: label })),
    ...channels.map((channel) => el('th', { scope: 'col', class: 'num', title: channel.name, text: `Sellable ${channel.id}` })),
    el('th', { scope: 'col', text: 'Why' })));
  const rows = [];
  for (const summary of summaries) {
    const unit = items.get(summary.sku)?.unit ?? 'ea';
    const figure = (key, value) => el('td', { class: 'num', dataset: { figure: key }, title: explainOf(summary, key), text: `${formatQty(value)} ${unit}` });
    const why = el('button', { type: 'button', class: 'secondary small', 'aria-expanded': 'false', text: 'why' });
    const explanation = el('tr', { class: 'stock-explain-row', hidden: true, dataset: { sku: summary.sku } },
      el('td', { colspan: columns },
        el('ul', { class: 'stock-explain' }, ...Object.entries(summary.explain ?? {}).map(([key, text]) => el('li', { dataset: { figure: key }, text })))));
    why.addEventListener('click', () => {
      explanation.hidden = !explanation.hidden;
      why.setAttribute('aria-expanded', String(!explanation.hidden));
    });
    rows.push(el('tr', { class: 'stock-summary-row', dataset: { sku: summary.sku } },
      el('th', { scope: 'row', text: items.get(summary.sku) ? `${summary.sku} · ${items.get(summary.sku).name}` : summary.sku }),
      ...SUMMARY_FIGURES.map(([key]) => figure(key, summary[key])),
      ...channels.map((channel) => figure(`sellable.${channel.id}`, summary.sellable?.[channel.id] ?? 0)),
      el('td', {}, why)), explanation);
  }
  container.replaceChildren(el('table', { class: 'readings stock-summary' }, head, el('tbody', {}, ...rows)));
}
