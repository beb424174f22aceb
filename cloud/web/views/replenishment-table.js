// The replenishment suggestions as a table: per SKU x location the order quantity and every
// figure that went into it (demand over the coverage, safety stock, sellable on hand, stock that
// expires before it would sell, in transit, reserved), with the explanation's sum under it, so a
// buyer can redo the arithmetic. Stock that will expire unsold is highlighted: it is on the shelf
// but does not count. Buyers (purchasing.manage) accept an open suggestion, with the purchase
// order it became if there is one, or dismiss it; the table only draws, the screen calls the API.
import { el } from './dom.js';
import { explanationClauses, formatQty, STATE_LABELS } from './replenishment-format.js';
import { formatWhen } from './stock-format.js';

const COLUMNS = [
  { text: 'SKU' }, { text: 'Location' }, { text: 'Supplier' },
  { text: 'Suggested order', num: true }, { text: 'Demand over coverage', num: true }, { text: 'Coverage days', num: true },
  { text: 'Safety stock', num: true }, { text: 'Sellable on hand', num: true }, { text: 'Expiring unsold', num: true },
  { text: 'In transit', num: true }, { text: 'Reserved', num: true }, { text: 'State' }, { text: 'Decision' },
];

export function suggestionTableHead() {
  return el('thead', {}, el('tr', {}, ...COLUMNS.map((c) => el('th', { class: c.num ? 'num' : null, scope: 'col', text: c.text }))));
}

const figure = (field, value, extra = {}) => el('td', { class: `num ${extra.class ?? ''}`.trim(), dataset: { field }, title: extra.title ?? null, text: formatQty(value) });

function decision(suggestion, { manage, onAccept, onDismiss }) {
  if (suggestion.state !== 'open') {
    const what = suggestion.state === 'accepted' ? 'Accepted' : 'Dismissed';
    const po = suggestion.purchaseOrder ? ` as ${suggestion.purchaseOrder}` : '';
    return el('td', { dataset: { field: 'decision' }, text: `${what}${po} by ${suggestion.decidedBy ?? '—'} on ${formatWhen(suggestion.decidedAt)}` });
  }
  if (!manage) return el('td', { class: 'muted', dataset: { field: 'decision' }, text: 'awaiting purchasing' });
  const po = el('input', { name: 'purchaseOrder', maxlength: 128, autocomplete: 'off', spellcheck: 'false', placeholder: 'PO ref (optional)', 'aria-label': `Purchase order for ${suggestion.sku} at ${suggestion.location}` });
  const problem = el('span', { class: 'field-problem', dataset: { for: 'purchaseOrder' }, role: 'alert' });
  // nothing to order: nothing to accept (the API refuses it too), only to dismiss
  const ordering = suggestion.suggestedQty > 0;
  const form = el('form', { class: 'replenishment-decide', novalidate: true },
    ordering ? po : null,
    ordering ? el('button', { type: 'submit', class: 'small primary', dataset: { action: 'accept' }, text: 'Accept' }) : null,
    el('button', { type: 'button', class: 'small danger', dataset: { action: 'dismiss' }, text: 'Dismiss', on: { click: () => onDismiss(suggestion, problem) } }),
    problem);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onAccept(suggestion, po.value.trim(), { input: po, problem });
  });
  return el('td', { class: 'row-actions', dataset: { field: 'decision' } }, form);
}

/**
 * Draws `suggestions` into `body` (a tbody): a figures row and an explanation row each.
 * @param {HTMLElement} body
 * @param {{ suggestions: any[], manage: boolean, onAccept: Function, onDismiss: Function }} options
 */
export function renderSuggestions(body, { suggestions, manage, onAccept, onDismiss }) {
  if (suggestions.length === 0) {
    body.replaceChildren(el('tr', {}, el('td', { class: 'empty', colspan: COLUMNS.length, text: 'No suggestions here. "Run now" computes them for every sourced SKU x location.' })));
    return;
  }
  body.replaceChildren(...suggestions.flatMap((s) => {
    const expiring = s.expiringUnsellable > 0;
    const state = STATE_LABELS[s.state] ?? { text: s.state, quality: 'q-stale' };
    const key = { suggestion: String(s.id), sku: s.sku, location: s.location, state: s.state };
    return [
      el('tr', { class: `replenishment-row${expiring ? ' has-expiring' : ''}`, dataset: key },
        el('th', { scope: 'row', text: s.sku }),
        el('td', { text: s.location }),
        el('td', { text: s.supplier ?? '—' }),
        figure('suggestedQty', s.suggestedQty, { class: s.suggestedQty > 0 ? 'replenishment-order' : 'muted' }),
        figure('demandOverCoverage', s.demandOverCoverage),
        figure('coverageDays', s.coverageDays),
        figure('safetyStock', s.safetyStock),
        figure('sellableOnHand', s.sellableOnHand),
        figure('expiringUnsellable', s.expiringUnsellable, expiring
          ? { class: 'is-expiring', title: 'On hand now, but it expires (or enters its near-expiry lock) before the forecast demand would sell it: not counted as sellable.' }
          : {}),
        figure('inTransit', s.inTransit),
        figure('reserved', s.reserved),
        el('td', {}, el('span', { class: `quality ${state.quality}`, text: state.text })),
        decision(s, { manage, onAccept, onDismiss })),
      el('tr', { class: 'replenishment-explanation-row', dataset: { explains: String(s.id) } },
        el('td', { colspan: COLUMNS.length },
          el('ul', { class: 'replenishment-explanation' }, ...explanationClauses(s.explanation).map((clause) =>
            el('li', { class: expiring && clause.includes('expiring before it would sell') ? 'is-expiring' : null, text: clause }))),
          el('p', { class: 'replenishment-made', text: `computed ${formatWhen(s.createdAt)}` }))),
    ];
  }));
}
