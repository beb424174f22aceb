// The stock screen's drill-down: the moves behind a figure (GET /api/inventory/moves?sku&location,
// newest first, "older" pages on with nextBefore) with date, reason, from -> to, qty, lot,
// document and actor. A writer (inventory.manage) reverses a move after a confirm; a refusal
// (already reversed, not enough stock left to take back, ...) is shown in the API's words.
import { api, apiOutcome } from './api.js';
import { el, setText } from './dom.js';
import { formatDocument, formatQty, formatWhen, query, reasonLabel } from './stock-format.js';

const PAGE = 50;

export class MovesPanel {
  /**
   * @param {HTMLElement} container
   * @param {{ manage: boolean, items: () => Map<string, any>, onChanged: () => Promise<void> }} options
   */
  constructor(container, { manage, items, onChanged }) {
    this.manage = manage;
    this.items = items;
    this.onChanged = onChanged;
    this.filter = null;
    /** Move id -> the id of its reversal, as far as the loaded pages show. */
    this.reversedBy = new Map();
    this.title = el('h3', {});
    this.status = el('p', { class: 'hint', id: 'stock-moves-status', role: 'status', 'aria-live': 'polite' });
    this.rows = el('tbody', { id: 'stock-move-rows' });
    this.older = el('button', { type: 'button', class: 'secondary', id: 'stock-moves-older', hidden: true, text: 'Older moves' });
    this.older.addEventListener('click', () => this.load(this.nextBefore));
    const close = el('button', { type: 'button', class: 'secondary', text: 'Close' });
    close.addEventListener('click', () => this.close());
    this.element = el('section', { class: 'stock-moves', id: 'stock-moves', hidden: true, 'aria-label': 'Moves' },
      el('div', { class: 'chart-head' }, this.title, close),
      this.status,
      el('table', { class: 'readings stock-move-table' },
        el('thead', {}, el('tr', {}, ...['Date', 'Reason', 'From → to', 'Qty', 'Lot', 'Document', 'Actor', this.manage ? 'Actions' : null]
          .filter(Boolean).map((text) => el('th', { scope: 'col', class: text === 'Qty' ? 'num' : null, text })))),
        this.rows),
      el('p', { class: 'actions' }, this.older));
    container.append(this.element);
  }

  /** Opens the moves of `sku` at `location` (either may be null: all). */
  async open({ sku, location }) {
    this.filter = { sku, location };
    setText(this.title, `Moves${sku ? ` of ${sku}` : ''}${location ? ` at ${location}` : ''}, newest first`);
    this.element.hidden = false;
    this.rows.replaceChildren();
    this.reversedBy = new Map();
    await this.load(null);
    this.element.scrollIntoView({ block: 'nearest' });
  }

  close() {
    this.filter = null;
    this.element.hidden = true;
    this.rows.replaceChildren();
  }

  /** Loads the page before move id `before` (null: the newest) and appends it. */
  async load(before) {
    const filter = this.filter;
    if (!filter) return;
    setText(this.status, 'Loading…');
    const outcome = apiOutcome(await api('GET', `/api/inventory/moves${query({ sku: filter.sku, location: filter.location, before, limit: PAGE })}`));
    if (filter !== this.filter) return;
    if (!outcome.ok) return setText(this.status, `Cannot load the moves: ${outcome.message}`);
    const { moves, nextBefore } = outcome.body;
    // newest first: a reversal is listed before the move it reverses
    for (const move of moves) if (move.reverses !== null) this.reversedBy.set(move.reverses, move.id);
    if (before === null && moves.length === 0) {
      this.rows.replaceChildren(el('tr', {}, el('td', { class: 'empty', colspan: this.manage ? 8 : 7, text: 'No moves.' })));
    } else {
      this.rows.append(...moves.map((move) => this.row(move)));
    }
    this.nextBefore = nextBefore;
    this.older.hidden = nextBefore === null;
    setText(this.status, `${this.rows.querySelectorAll('tr[data-move-id]').length} moves shown${nextBefore === null ? ', all of them' : ''}.`);
  }

  /** Reloads what is open from the newest (after a post or a reversal). */
  async reload() {
    if (!this.filter) return;
    this.rows.replaceChildren();
    this.reversedBy = new Map();
    await this.load(null);
  }

  row(move) {
    const unit = this.items().get(move.sku)?.unit ?? 'ea';
    const tr = el('tr', { dataset: { moveId: String(move.id), reason: move.reason } },
      el('td', { title: move.postedAt !== move.effectiveAt ? `posted ${formatWhen(move.postedAt)}` : null, text: formatWhen(move.effectiveAt) }),
      el('td', { text: move.reverses ? `${reasonLabel(move.reason)} of #${move.reverses}` : reasonLabel(move.reason) }),
      el('td', { class: 'move-route', text: `${move.from} → ${move.to}` }),
      el('td', { class: 'num', text: `${formatQty(move.qty)} ${unit}` }),
      el('td', { text: [move.lot, move.serial ? `serial ${move.serial}` : null].filter(Boolean).join(' · ') || '—' }),
      el('td', { text: formatDocument(move.docType, move.docId) }),
      el('td', { title: move.note ?? null, text: move.actor }));
    if (this.manage) {
      const cell = el('td', { class: 'row-actions' });
      if (this.reversedBy.has(move.id)) {
        cell.append(el('span', { class: 'hint', text: `reversed by #${this.reversedBy.get(move.id)}` }));
      } else if (move.reason !== 'reversal') {
        const reverse = el('button', { type: 'button', class: 'secondary small', dataset: { action: 'reverse' }, text: 'Reverse…' });
        reverse.addEventListener('click', () => this.reverse(move));
        cell.append(reverse);
      }
      tr.append(cell);
    }
    return tr;
  }

  async reverse(move) {
    const question = `Reverse move #${move.id} (${reasonLabel(move.reason)} of ${formatQty(move.qty)} ${move.sku}${move.lot ? ` lot ${move.lot}` : ''} ${move.from} → ${move.to})? `
      + `A mirror move ${move.to} → ${move.from} is posted now; the original stays in the ledger.`;
    if (!confirm(question)) return;
    setText(this.status, `Reversing move #${move.id}…`);
    const outcome = apiOutcome(await api('POST', `/api/inventory/moves/${move.id}/reverse`, {}), {
      ALREADY_REVERSED: 'The ledger already holds its reversal.',
      INSUFFICIENT_STOCK: 'Stock has moved on since: move it back first, or post an adjustment.',
    });
    if (!outcome.ok) return setText(this.status, `Not reversed: ${outcome.message}`);
    await this.onChanged();
    await this.reload();
    setText(this.status, `Reversed move #${move.id} with move #${outcome.body.move.id}.`);
  }
}
