// The stock screen's move form for writers (inventory.manage): a receipt from a supplier, a
// transfer between locations, or a shipment to a customer, posted as one move to POST
// /api/inventory/moves. The screen sends what was typed; the ledger checks it and its refusal is
// shown next to the field it names (`moves.0.qty` -> the qty input), nothing posted.
import { api, apiOutcome } from './api.js';
import { el, setText } from './dom.js';
import { fieldOf, formatQty } from './stock-format.js';
import { holdsStock, isStorage } from './stock-tree.js';

/** Which locations each kind of move may start and end at, so the lists offer only sensible ones. */
const KINDS = {
  receipt: { label: 'Receipt from a supplier', from: (l) => l.kind === 'supplier', to: isStorage },
  transfer: { label: 'Transfer', from: holdsStock, to: holdsStock },
  shipment: { label: 'Shipment to a customer', from: isStorage, to: (l) => l.kind === 'customer' },
};

const FIELDS = ['reason', 'sku', 'lot', 'expiry', 'qty', 'from', 'to', 'docType', 'docId', 'note'];

const NEXT_STEPS = {
  INSUFFICIENT_STOCK: 'Post less, or move stock there first.',
  LOT_REQUIRED: 'Name the batch.',
  LOT_NOT_RESERVABLE: 'Ship another lot.',
};

export class MoveForm {
  /**
   * @param {HTMLElement} container
   * @param {{ onPosted: (moves: any[]) => Promise<void> }} options
   */
  constructor(container, { onPosted }) {
    this.onPosted = onPosted;
    this.locations = [];
    this.lots = [];
    this.inputs = {
      reason: el('select', { name: 'reason' }, ...Object.entries(KINDS).map(([value, kind]) => el('option', { value, text: kind.label }))),
      sku: el('select', { name: 'sku' }),
      lot: el('input', { name: 'lot', list: 'stock-move-lots', maxlength: 20, autocomplete: 'off', spellcheck: 'false', placeholder: 'batch' }),
      expiry: el('input', { name: 'expiry', type: 'date' }),
      qty: el('input', { name: 'qty', type: 'number', class: 'num', step: 'any', min: '0', inputmode: 'decimal' }),
      from: el('select', { name: 'from' }),
      to: el('select', { name: 'to' }),
      docType: el('input', { name: 'docType', maxlength: 64, placeholder: 'PO', autocomplete: 'off' }),
      docId: el('input', { name: 'docId', maxlength: 128, placeholder: 'PO-1001', autocomplete: 'off' }),
      note: el('input', { name: 'note', maxlength: 500, autocomplete: 'off' }),
    };
    this.problems = Object.fromEntries(FIELDS.map((name) => [name, el('span', { class: 'field-problem', dataset: { for: name }, role: 'alert' })]));
    this.datalist = el('datalist', { id: 'stock-move-lots' });
    this.status = el('p', { class: 'hint', id: 'stock-move-status', role: 'status', 'aria-live': 'polite' });
    const labelled = (name, text) => el('label', { class: `move-field move-${name}` }, text, this.inputs[name], this.problems[name]);
    this.expiryLabel = labelled('expiry', 'Expiry (new lot)');
    this.form = el('form', { class: 'inline-form stock-move-form', id: 'stock-move-form', novalidate: true },
      labelled('reason', 'Move'), labelled('sku', 'SKU'), labelled('lot', 'Lot'), this.expiryLabel, labelled('qty', 'Qty'),
      labelled('from', 'From'), labelled('to', 'To'), labelled('docType', 'Document type'), labelled('docId', 'Document'),
      labelled('note', 'Note'), this.datalist,
      el('button', { type: 'submit', class: 'primary', text: 'Post move' }));
    container.append(el('section', { class: 'stock-move-panel', 'aria-label': 'Post a move' }, el('h3', { text: 'Post a move' }), this.form, this.status));
    this.inputs.reason.addEventListener('change', () => this.fillLocations());
    this.inputs.sku.addEventListener('change', () => this.fillLots());
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
  }

  /** Sets the catalogue the lists offer; keeps what is chosen where it still exists. */
  setCatalogue({ items, locations, lots }) {
    this.locations = locations;
    this.lots = lots;
    const sku = this.inputs.sku.value;
    this.inputs.sku.replaceChildren(...items.map((item) => el('option', { value: item.sku, text: `${item.sku} · ${item.name} (${item.unit})` })));
    if (items.some((item) => item.sku === sku)) this.inputs.sku.value = sku;
    this.fillLocations();
    this.fillLots();
  }

  fillLocations() {
    const kind = KINDS[this.inputs.reason.value];
    this.expiryLabel.hidden = this.inputs.reason.value !== 'receipt';
    for (const side of ['from', 'to']) {
      const select = this.inputs[side];
      const chosen = select.value;
      const codes = this.locations.filter(kind[side]).map((location) => location.code);
      select.replaceChildren(...codes.map((code) => el('option', { value: code, text: code })));
      if (codes.includes(chosen)) select.value = chosen;
    }
  }

  fillLots() {
    const sku = this.inputs.sku.value;
    this.datalist.replaceChildren(...this.lots.filter((lot) => lot.sku === sku)
      .map((lot) => el('option', { value: lot.batch, text: `${lot.batch}${lot.expiry ? ` · expires ${lot.expiry}` : ''} · ${lot.status}` })));
  }

  /** The move as typed: empty optional fields left out, the quantity as a number (the API checks it). */
  moveInput() {
    const value = (name) => this.inputs[name].value.trim();
    const move = { sku: value('sku'), qty: value('qty') === '' ? 0 : Number(value('qty')), from: value('from'), to: value('to'), reason: value('reason') };
    for (const name of ['lot', 'docType', 'docId', 'note']) if (value(name) !== '') move[name] = value(name);
    if (move.reason === 'receipt' && value('expiry') !== '') move.expiry = value('expiry');
    return move;
  }

  clearProblems() {
    for (const [name, problem] of Object.entries(this.problems)) {
      setText(problem, '');
      this.inputs[name].removeAttribute('aria-invalid');
    }
  }

  async submit() {
    this.clearProblems();
    const move = this.moveInput();
    setText(this.status, 'Posting…');
    const outcome = apiOutcome(await api('POST', '/api/inventory/moves', { moves: [move] }), NEXT_STEPS);
    if (!outcome.ok) {
      const field = fieldOf(outcome.body?.field);
      if (field && this.problems[field]) {
        setText(this.problems[field], outcome.message);
        this.inputs[field].setAttribute('aria-invalid', 'true');
        this.inputs[field].focus();
        setText(this.status, `Not posted: see ${field}.`);
      } else {
        setText(this.status, `Not posted: ${outcome.message}`);
      }
      return;
    }
    const [posted] = outcome.body.moves;
    this.inputs.qty.value = '';
    this.inputs.note.value = '';
    await this.onPosted(outcome.body.moves);
    setText(this.status, `Posted move #${posted.id}: ${formatQty(posted.qty)} ${posted.sku}${posted.lot ? ` lot ${posted.lot}` : ''} ${posted.from} → ${posted.to}.`);
  }
}
