// An asset's life as a bar (shots of its life, with a mark at the warn threshold), told by colour,
// symbol, numbers and words: a screen reader hears it as a meter with the same sentence. Widths
// are set through the style object (CSSOM), which the page's CSP allows, not style attributes.
import { el } from './dom.js';

const count = new Intl.NumberFormat('en-US');

/** The API's life states (tooling-types.ts LifeState) in symbol and words. */
export const LIFE_STATES = {
  ok: { symbol: '✓', text: 'ok' },
  warning: { symbol: '!', text: 'plan replacement' },
  over_life: { symbol: '✕', text: 'over life' },
};

/** 'ok', 'warning' (at or past warnAt) or 'over_life' (at or past its life), as the API decides it. */
export function lifeState(shots, life, warnAt) {
  if (life > 0 && shots >= life) return 'over_life';
  if (warnAt !== null && warnAt !== undefined && shots >= warnAt) return 'warning';
  return 'ok';
}

/** `8,500 / 9,000 shots (94%)` */
export function lifeText(shots, life) {
  const pct = life > 0 ? Math.floor((shots / life) * 100) : 0;
  return `${count.format(shots)} / ${count.format(life)} shots (${pct}%)`;
}

/**
 * The bar with its text. `asset`: `{ id, name, shots, lifeShots, warnAtShots, lifeState? }`
 * (warnAtShots may be null: no warn mark; lifeState as the API gave it, else worked out here).
 */
export function lifeBar({ id, name, shots, lifeShots, warnAtShots, lifeState: given }) {
  const state = LIFE_STATES[given] ? given : lifeState(shots, lifeShots, warnAtShots);
  const label = LIFE_STATES[state];
  const pct = lifeShots > 0 ? Math.min(100, (shots / lifeShots) * 100) : 0;
  const text = lifeText(shots, lifeShots);
  const warnWords = warnAtShots === null || warnAtShots === undefined ? '' : `, warn at ${count.format(warnAtShots)}`;
  const fill = el('span', { class: 'life-fill' });
  fill.style.width = `${pct}%`;
  const bar = el('span', {
    class: 'life-bar', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': lifeShots, 'aria-valuenow': Math.min(shots, lifeShots),
    'aria-valuetext': `${text}${warnWords}: ${label.text}`, 'aria-label': `Life of ${name ?? id}`, dataset: { state },
  }, fill);
  if (warnAtShots !== null && warnAtShots !== undefined && lifeShots > 0) {
    const mark = el('span', { class: 'life-warn-mark', title: `warn at ${count.format(warnAtShots)} shots` });
    mark.style.left = `${Math.min(100, (warnAtShots / lifeShots) * 100)}%`;
    bar.append(mark);
  }
  return el('span', { class: 'life', dataset: { state } },
    bar,
    el('span', { class: 'life-text', text }),
    el('span', { class: `life-state life-${state}`, text: `${label.symbol} ${label.text}` }));
}
