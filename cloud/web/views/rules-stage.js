// Stage badges of rule pack versions (docs/rule-release.md): a symbol and a word, never colour alone.
import { el } from './dom.js';

export const STAGES = {
  sandbox: { symbol: '◇', text: 'sandbox', title: 'Stored, compiled, examples run; runs nowhere.' },
  shadow: { symbol: '◐', text: 'shadow', title: 'Runs beside the active version on the chosen gateways; its effects are only logged.' },
  grey: { symbol: '◑', text: 'grey', title: 'Active (effects carried out) on the chosen gateways only.' },
  production: { symbol: '●', text: 'production', title: 'Active on every gateway.' },
  retired: { symbol: '○', text: 'retired', title: 'Replaced or rolled back; runs nowhere.' },
};

/** @param {string} stage */
export function stageBadge(stage) {
  const known = STAGES[stage] ?? { symbol: '?', text: stage, title: '' };
  return el('span', { class: `stage-badge stage-${stage}`, dataset: { stage }, title: known.title, text: `${known.symbol} ${known.text}` });
}
