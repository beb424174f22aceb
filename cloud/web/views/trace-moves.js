// The lot trace's moves table: every move of the lot (LotTraceResult.moves), sortable by clicking
// a column header (again: the other way). The chosen column and order also set the "Download CSV"
// link, so the file a regulator gets is sorted as the screen shows it.
import { el } from './dom.js';
import { formatDocument, formatQty, formatWhen, reasonLabel } from './stock-format.js';

/** Columns: `key` is the CSV's column of the same name (GET /api/inventory/trace/:sku/:batch/csv?sort=). */
export const TRACE_MOVE_COLUMNS = [
  { key: 'moveId', label: '#', num: true, value: (m) => m.id, text: (m) => String(m.id) },
  { key: 'effectiveAt', label: 'When', value: (m) => m.effectiveAt, text: (m) => formatWhen(m.effectiveAt) },
  { key: 'reason', label: 'Reason', value: (m) => m.reason, text: (m) => (m.reverses ? `${reasonLabel(m.reason)} of #${m.reverses}` : reasonLabel(m.reason)) },
  { key: 'from', label: 'From', value: (m) => m.from, text: (m) => `${m.from} (${m.fromKind})` },
  { key: 'to', label: 'To', value: (m) => m.to, text: (m) => `${m.to} (${m.toKind})` },
  { key: 'qty', label: 'Qty', num: true, value: (m) => m.qty, text: (m, unit) => `${formatQty(m.qty)} ${unit}` },
  { key: 'docId', label: 'Document', value: (m) => `${m.docType ?? ''} ${m.docId ?? ''}`, text: (m) => formatDocument(m.docType, m.docId) },
  { key: 'actor', label: 'Actor', value: (m) => m.actor, text: (m) => m.actor },
];

const compare = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' }).compare;

export class TraceMovesTable {
  /**
   * @param {HTMLElement} container
   * @param {{ onSort: (sort: { key: string, order: 'asc' | 'desc' }) => void }} options
   */
  constructor(container, { onSort }) {
    this.onSort = onSort;
    this.sort = { key: 'effectiveAt', order: 'asc' };
    this.moves = [];
    this.unit = 'ea';
    this.headCells = TRACE_MOVE_COLUMNS.map((column) => {
      const button = el('button', { type: 'button', text: column.label, title: `Sort by ${column.label.toLowerCase()}` });
      button.addEventListener('click', () => this.sortBy(column.key));
      return el('th', { scope: 'col', class: column.num ? 'num' : null, dataset: { key: column.key } }, button);
    });
    this.body = el('tbody', { id: 'trace-move-rows' });
    this.element = el('table', { class: 'readings trace-moves' }, el('thead', {}, el('tr', {}, ...this.headCells)), this.body);
    container.append(this.element);
  }

  /** Shows `moves` (TraceMove[]) in the current order. */
  show(moves, unit) {
    this.moves = moves;
    this.unit = unit;
    this.draw();
  }

  sortBy(key) {
    this.sort = { key, order: this.sort.key === key && this.sort.order === 'asc' ? 'desc' : 'asc' };
    this.draw();
    this.onSort(this.sort);
  }

  draw() {
    const column = TRACE_MOVE_COLUMNS.find((c) => c.key === this.sort.key);
    const sign = this.sort.order === 'asc' ? 1 : -1;
    const sorted = [...this.moves].sort((a, b) => {
      const [x, y] = [column.value(a), column.value(b)];
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : compare(String(x), String(y));
      return sign * order || a.id - b.id;
    });
    for (const th of this.headCells) {
      if (th.dataset.key === this.sort.key) th.setAttribute('aria-sort', this.sort.order === 'asc' ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
    this.body.replaceChildren(...(sorted.length ? sorted.map((move) => el('tr', { dataset: { moveId: String(move.id) } },
      ...TRACE_MOVE_COLUMNS.map((c) => el('td', { class: c.num ? 'num' : null, text: c.text(move, this.unit) }))))
      : [el('tr', {}, el('td', { class: 'empty', colspan: TRACE_MOVE_COLUMNS.length, text: 'No moves.' }))]));
  }
}
