// A small timeline of a proposed maintenance window against the machine's production orders
// (GET /api/tooling/assets/:id/maintenance-window): orders as labelled blocks, the window as a
// hatched block, the moment the insert reaches its life as a line. The same facts are listed in
// words beneath it, so nothing depends on seeing the drawing.
import { el } from './dom.js';

const HOUR_MS = 3_600_000;
const when = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
const fmt = (ts) => when.format(ts);

/** Places `node` from `start` to `end` on a timeline running from `from` to `to` (percentages via CSSOM). */
function place(node, start, end, from, to) {
  const span = to - from;
  const left = Math.max(0, ((start - from) / span) * 100);
  const right = Math.min(100, ((end - from) / span) * 100);
  node.style.left = `${left}%`;
  node.style.width = `${Math.max(0.5, right - left)}%`;
  return node;
}

/**
 * Fills `container` with the plan's timeline and its explanation.
 * @param {HTMLElement} container
 * @param {{ machine: string | null, window: any, orders: any[], reason: string | null }} plan
 */
export function showWindowTimeline(container, plan) {
  if (!plan.window) {
    container.replaceChildren(el('p', { class: 'hint', id: 'tooling-window-text', text: plan.reason ?? 'No maintenance window proposed.' }));
    return;
  }
  const w = plan.window;
  // From the first thing to show (the server's clock decides what is "now", not the browser's)
  const from = Math.min(w.start, w.lifeReachedAt ?? w.start, ...plan.orders.map((o) => o.start)) - HOUR_MS;
  const lastEnd = Math.max(w.end, w.lifeReachedAt ?? 0, ...plan.orders.map((o) => o.end));
  const to = Math.max(lastEnd, from + 8 * HOUR_MS) + HOUR_MS;
  const track = el('div', { class: 'timeline-track', 'aria-hidden': 'true' });
  for (const order of plan.orders) {
    const moving = order.id === w.orderToMove;
    track.append(place(el('span', { class: `timeline-order${moving ? ' timeline-move' : ''}`, dataset: { order: order.id }, title: `${order.id} ${order.sku} ${fmt(order.start)} – ${fmt(order.end)}`, text: order.id }), order.start, order.end, from, to));
  }
  track.append(place(el('span', { class: 'timeline-window', title: `window ${fmt(w.start)} – ${fmt(w.end)}`, text: 'window' }), w.start, w.end, from, to));
  if (w.lifeReachedAt !== null) {
    const life = el('span', { class: 'timeline-life', title: `life reached ${fmt(w.lifeReachedAt)}` });
    life.style.left = `${((w.lifeReachedAt - from) / (to - from)) * 100}%`;
    track.append(life);
  }
  const axis = el('div', { class: 'timeline-axis', 'aria-hidden': 'true' }, el('span', { text: fmt(from) }), el('span', { text: fmt(to) }));
  const facts = el('ul', { class: 'timeline-facts' },
    el('li', { class: 'timeline-fact-window', text: `Window on ${w.machine}: ${fmt(w.start)} – ${fmt(w.end)} (${w.durationHours} h)` }),
    w.lifeReachedAt === null ? el('li', { text: 'Life point: unknown (no shot rate)' }) : el('li', { text: `Life reached: ${fmt(w.lifeReachedAt)}${w.shotsPerHour ? ` at ${Math.round(w.shotsPerHour)} shots/h` : ''}` }),
    ...plan.orders.map((o) => el('li', { dataset: { order: o.id }, text: `Order ${o.id} (${o.sku}, ${o.status}): ${fmt(o.start)} – ${fmt(o.end)}${o.id === w.orderToMove ? ' — move this order to replace before the life' : ''}` })));
  container.replaceChildren(
    w.warning ? el('p', { class: 'form-error timeline-warning', role: 'alert', id: 'tooling-window-warning', text: `! ${w.warning}` }) : null,
    el('div', { class: 'timeline', role: 'group', 'aria-label': `Maintenance window against the production orders of ${w.machine}` }, track, axis),
    facts,
    el('p', { class: 'hint', id: 'tooling-window-text', text: w.explanation }));
}
