// The forecast series (SKU x location) as a table to pick one from: demand class, the model
// forecasting it (its class's champion), last week's MAPE against the 15% threshold, and
// whether a review is open. A review is told in words and a symbol, not by colour alone.
import { el } from './dom.js';
import { formatPct } from './forecast-format.js';

const HEAD = ['SKU', 'Location', 'Demand class', 'Model', 'Last week MAPE', 'Review'];

export const seriesKey = (s) => `${s.sku}@${s.location}`;

/**
 * @param {HTMLElement} tbody
 * @param {{ series: object[], selected: string | null, threshold: number, onPick: (series) => void }} what
 */
export function renderSeriesList(tbody, { series, selected, threshold, onPick }) {
  if (series.length === 0) {
    tbody.replaceChildren(el('tr', {}, el('td', { class: 'empty', colspan: HEAD.length, text: 'No series yet: series appear once the ledger has sales.' })));
    return;
  }
  tbody.replaceChildren(...series.map((s) => {
    const key = seriesKey(s);
    const over = s.lastWeekMape !== null && s.lastWeekMape > threshold;
    const pick = el('button', { type: 'button', class: 'link-button forecast-pick', text: s.sku, dataset: { key } });
    pick.addEventListener('click', () => onPick(s));
    return el('tr', { class: 'forecast-series-row', dataset: { key, sku: s.sku, location: s.location }, 'aria-selected': key === selected ? 'true' : 'false' },
      el('th', { scope: 'row' }, pick),
      el('td', { text: s.location }),
      el('td', { text: s.demandClass ?? '—' }),
      el('td', { class: 'forecast-model', text: s.model ?? '—' }),
      el('td', { class: `num forecast-mape${over ? ' is-breach' : ''}`, text: `${formatPct(s.lastWeekMape)}${over ? ' ▲' : ''}` }),
      el('td', { class: 'forecast-review', text: s.openReview ? '⚑ open review' : '—' }));
  }));
}

export const seriesListHead = () => el('thead', {}, el('tr', {}, ...HEAD.map((text) => el('th', { scope: 'col', text }))));
