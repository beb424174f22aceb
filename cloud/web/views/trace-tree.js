// The lot trace's two directions as nested lists (LotTraceResult.forward / .backward, see
// cloud/inventory/lot-trace-types.ts). Backward: suppliers with their receipt documents, opening
// balances and count gains, and the input lots of the production that made it, nested through
// every production order further back. Forward: customers with their delivery documents, scrap,
// what is still on hand, and the lots production made from it, each with where it went in turn.
// Every entry carries its quantity in the item's unit.
import { el } from './dom.js';
import { formatDocument, formatQty, formatWhen, lotStatusChip } from './stock-format.js';

const qtyText = (qty, unit) => `${formatQty(qty)} ${unit}`;

/** "DN DN-1: 20 ea (May 3, 10:00)" per document of a party. */
function documentsList(documents, unit) {
  if (documents.length === 0) return null;
  return el('ul', { class: 'trace-documents' }, ...documents.map((doc) => el('li', { dataset: { doc: formatDocument(doc.docType, doc.docId) } },
    el('span', { text: formatDocument(doc.docType, doc.docId) }),
    el('span', { class: 'trace-node-qty', text: qtyText(doc.qty, unit) }),
    el('span', { class: 'trace-node-meta', text: formatWhen(doc.firstAt) }))));
}

function partyItem(party, unit) {
  return el('li', { class: 'trace-node', dataset: { location: party.location } },
    el('span', { class: 'trace-node-label', text: party.name ? `${party.location} · ${party.name}` : party.location }),
    el('span', { class: 'trace-node-qty', text: qtyText(party.qty, unit) }),
    party.returned ? el('span', { class: 'trace-node-meta', text: `${qtyText(party.returned, unit)} came back` }) : null,
    documentsList(party.documents, unit));
}

function onHandItem(place, unit) {
  return el('li', { class: 'trace-node', dataset: { location: place.location } },
    el('span', { class: 'trace-node-label', text: place.location }),
    el('span', { class: 'trace-node-qty', text: qtyText(place.qty, unit) }),
    el('span', { class: 'trace-node-meta', text: place.locationKind }));
}

/** A titled part ("Customers (2)") with its entries, or "none". */
function part(key, title, entries) {
  return el('li', { class: 'trace-part', dataset: { part: key } },
    el('span', { class: 'trace-node-label', text: `${title} (${entries.length})` }),
    entries.length ? el('ul', {}, ...entries) : el('span', { class: 'trace-node-meta', text: ' none' }));
}

const lotName = (ref) => `${ref.sku} lot ${ref.batch}`;

/**
 * A production link: the linked lot, the order, the quantities, and (`more`) what hangs under it;
 * then the links one order further, found by their `via`.
 */
function linkItem(link, links, more) {
  const further = links.filter((next) => next.depth === link.depth + 1 && next.via.lotId === link.lot.lotId);
  return el('li', { class: 'trace-node trace-link', dataset: { batch: link.lot.batch, depth: String(link.depth) } },
    el('span', { class: 'trace-node-label', text: lotName(link.lot) }), ' ',
    lotStatusChip(link.lot.status),
    el('span', { class: 'trace-node-meta', text: `${formatDocument(link.docType, link.docId)}: ${formatQty(link.consumedQty)} consumed, ${formatQty(link.producedQty)} produced${link.lot.expiry ? ` · expires ${link.lot.expiry}` : ''}` }),
    more(link),
    further.length ? el('ul', {}, ...further.map((next) => linkItem(next, links, more))) : null);
}

function truncatedNote(side) {
  return side.truncated ? el('p', { class: 'hint', text: 'More production links exist than the trace follows; the CSV and the moves show the traced lot itself in full.' }) : null;
}

/** Shows the nodes given (a part left out is null). */
const present = (container, ...nodes) => container.replaceChildren(...nodes.filter(Boolean));

/** Draws `forward` (ForwardTrace | null) into `container`. */
export function renderForward(container, forward, unit) {
  if (!forward) {
    container.replaceChildren(el('p', { class: 'hint', text: 'Not traced: choose forward or both.' }));
    return;
  }
  const links = forward.produced;
  present(container, el('ul', { class: 'trace-tree' },
    part('customers', 'Customers', forward.customers.map((party) => partyItem(party, unit))),
    part('scrapped', 'Scrapped', forward.scrapped.map((party) => partyItem(party, unit))),
    part('onHand', 'Still on hand', forward.onHand.map((place) => onHandItem(place, unit))),
    part('produced', 'Made into', links.filter((link) => link.depth === 1).map((link) => linkItem(link, links, (l) => {
      const { customers, scrapped, onHand } = l.destinations;
      const where = [...customers.map((p) => `${p.location} ${formatQty(p.qty)}`), ...scrapped.map((p) => `scrap ${p.location} ${formatQty(p.qty)}`),
        ...onHand.map((p) => `on hand ${p.location} ${formatQty(p.qty)}`)];
      return where.length ? el('span', { class: 'trace-node-meta', text: ` → ${where.join(', ')}` }) : null;
    })))), truncatedNote(forward));
}

/** Draws `backward` (BackwardTrace | null) into `container`. */
export function renderBackward(container, backward, unit) {
  if (!backward) {
    container.replaceChildren(el('p', { class: 'hint', text: 'Not traced: choose backward or both.' }));
    return;
  }
  const links = backward.inputs;
  present(container, el('ul', { class: 'trace-tree' },
    part('suppliers', 'Suppliers', backward.suppliers.map((party) => partyItem(party, unit))),
    part('adjustments', 'Opening balances and count gains', backward.adjustments.map((party) => partyItem(party, unit))),
    part('inputs', 'Made from', links.filter((link) => link.depth === 1).map((link) => linkItem(link, links, (l) => (l.suppliers.length
      ? el('span', { class: 'trace-node-meta', text: ` ← ${l.suppliers.map((p) => `${p.location} ${formatQty(p.qty)}`).join(', ')}` }) : null))))),
  truncatedNote(backward));
}
