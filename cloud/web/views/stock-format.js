// How the stock and lot-trace screens word quantities, lot statuses, reasons and moves: one place,
// so a figure reads the same in the table, the drill-down and the trace. A status is told by
// symbol and word as well as colour, as qualities and verdicts are (format.js, inventory-format.js).
import { el } from './dom.js';

const qtyFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 });

/** "12.5" (at most 3 decimals, as the ledger keeps them). */
export const formatQty = (qty) => qtyFormat.format(qty);

/** "12.5 kg": a quantity with its item's unit ("ea" when the item is not known here). */
export const formatQtyUnit = (qty, unit) => `${formatQty(qty)} ${unit ?? 'ea'}`;

/** Lot statuses of the inventory core (Lot.status), most to least blocking. */
export const LOT_STATUS_LABELS = {
  recalled: { symbol: '✕', text: 'recalled', quality: 'q-bad' },
  expired: { symbol: '✕', text: 'expired', quality: 'q-bad' },
  quarantined: { symbol: '!', text: 'quarantined', quality: 'q-uncertain' },
  released: { symbol: '✓', text: 'released', quality: 'q-good' },
};

/** A lot status as a chip: released green, quarantined amber, expired / recalled red. */
export function lotStatusChip(status, reason) {
  const label = LOT_STATUS_LABELS[status] ?? { symbol: '?', text: String(status), quality: 'q-stale' };
  return el('span', { class: `quality lot-chip ${label.quality}`, dataset: { status }, title: reason ?? null, text: `${label.symbol} ${label.text}` });
}

/** Move reasons (MoveReason) as a warehouse reads them. */
export const REASON_LABELS = {
  opening: 'opening balance', receipt: 'receipt', putaway: 'put-away', transfer: 'transfer', pick: 'pick', shipment: 'shipment',
  return: 'return', adjustment: 'adjustment', count: 'stock count', scrap: 'scrap', inspection: 'to inspection', release: 'released from inspection',
  production_consume: 'consumed by production', production_output: 'output of production', reversal: 'reversal',
};

export const reasonLabel = (reason) => REASON_LABELS[reason] ?? reason;

/** "PO PO-1", "PO", or "—": a move's source document. */
export function formatDocument(docType, docId) {
  if (docType && docId) return `${docType} ${docId}`;
  return docType ?? docId ?? '—';
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false,
});

/** A ledger time (epoch ms) with its date: moves are often days apart. */
export const formatWhen = (ms) => (ms === null || ms === undefined ? '—' : dateTimeFormat.format(ms));

/** "2026-03-04 (5 d left)" or "no expiry". */
export function formatExpiry(expiry, daysLeft) {
  if (!expiry) return 'no expiry';
  if (daysLeft === null || daysLeft === undefined) return expiry;
  if (daysLeft < 0) return `${expiry} (expired ${-daysLeft} d ago)`;
  return `${expiry} (${daysLeft === 0 ? 'expires today' : `${daysLeft} d left`})`;
}

/** Field name of an API error (`moves.0.qty` -> `qty`), for showing it beside that input. */
export function fieldOf(apiField) {
  if (!apiField) return null;
  const parts = String(apiField).split('.');
  return parts[parts.length - 1] ?? null;
}

/** Query string from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
