// The stock screen's two lists beside the table: expiry warnings (GET
// /api/inventory/expiry-warnings: near expiry, locked for GSP, expired, each with the API's
// message saying what to do) and the open reservations (GET /api/inventory/reservations), so
// what holds stock back from "available" can be seen next to the figure.
import { api, apiOutcome } from './api.js';
import { el } from './dom.js';
import { formatQty, formatWhen, query } from './stock-format.js';

const WARNING_LEVELS = {
  expired: { quality: 'q-bad', text: '✕ expired' },
  locked: { quality: 'q-bad', text: '✕ locked' },
  near_expiry: { quality: 'q-uncertain', text: '! near expiry' },
};

/** Loads and draws the expiry warnings into `container`. */
export async function renderExpiryWarnings(container) {
  const outcome = apiOutcome(await api('GET', '/api/inventory/expiry-warnings'));
  if (!outcome.ok) {
    container.replaceChildren(el('p', { class: 'form-error', text: `Cannot load the expiry warnings: ${outcome.message}` }));
    return;
  }
  const { warnings } = outcome.body;
  container.replaceChildren(warnings.length === 0
    ? el('p', { class: 'hint', text: 'No lot in stock is near its expiry.' })
    : el('ul', { class: 'stock-warnings' }, ...warnings.map((warning) => {
      const level = WARNING_LEVELS[warning.level] ?? { quality: 'q-stale', text: warning.level };
      return el('li', { dataset: { sku: warning.sku, batch: warning.lot, level: warning.level } },
        el('span', { class: `quality ${level.quality}`, text: level.text }),
        el('span', { class: 'stock-warning-lot', text: ` ${warning.sku} lot ${warning.lot} · ${formatQty(warning.qty)} at ${warning.locations.join(', ')} · ${warning.expiry} (${warning.daysLeft} d)` }),
        el('p', { class: 'stock-warning-message', text: warning.message }));
    })));
}

/** Loads and draws the active reservations into `container`. */
export async function renderReservations(container, { items }) {
  const outcome = apiOutcome(await api('GET', `/api/inventory/reservations${query({ status: 'active', limit: 100 })}`));
  if (!outcome.ok) {
    container.replaceChildren(el('p', { class: 'form-error', text: `Cannot load the reservations: ${outcome.message}` }));
    return;
  }
  const { reservations } = outcome.body;
  if (reservations.length === 0) {
    container.replaceChildren(el('p', { class: 'hint', text: 'No open reservations.' }));
    return;
  }
  container.replaceChildren(el('ul', { class: 'stock-warnings stock-reservations' }, ...reservations.map((reservation) => {
    const unit = items.get(reservation.sku)?.unit ?? 'ea';
    const where = reservation.lines.length === 0 ? 'SKU-wide (presale)'
      : reservation.lines.map((line) => `${formatQty(line.qty - line.fulfilled)} at ${line.location}${line.lot ? ` lot ${line.lot}` : ''}`).join('; ');
    const holder = [reservation.channel, reservation.orderRef].filter(Boolean).join(' · ');
    return el('li', { dataset: { reservationId: String(reservation.id), sku: reservation.sku } },
      el('strong', { dataset: { field: 'what' }, text: `#${reservation.id} ${reservation.kind} ${formatQty(reservation.qty)} ${unit} ${reservation.sku}` }),
      holder ? el('span', { dataset: { field: 'for' }, text: ` for ${holder}` }) : null,
      el('p', { class: 'stock-warning-message', dataset: { field: 'where' }, title: reservation.note ?? null, text: `${where} · since ${formatWhen(reservation.createdAt)}` }));
  })));
}
