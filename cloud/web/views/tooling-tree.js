// The mold -> sub-mold -> insert tree (GET /api/tooling/assets) with a life bar per asset. Each
// asset is a button in a nested list: Tab reaches it, Enter or a click selects it, and the
// selected one carries aria-current. Status and machine are words beside the bar.
import { el } from './dom.js';
import { lifeBar } from './tooling-life-bar.js';

export const KIND_WORDS = { mold: 'mold', sub_mold: 'sub-mold', insert: 'insert' };
const STATUS_WORDS = { in_service: 'in service', spare: 'spare', maintenance: 'in maintenance', scrapped: 'scrapped' };

/** Every node of the tree, parents before children. */
export function flatten(nodes, out = []) {
  for (const node of nodes) {
    out.push(node);
    flatten(node.children ?? [], out);
  }
  return out;
}

function row(asset, selectedId, onSelect) {
  const select = el('button', {
    type: 'button', class: 'tooling-node-button', dataset: { assetId: asset.id },
    'aria-current': asset.id === selectedId ? 'true' : null,
  },
  el('span', { class: `tooling-kind kind-${asset.kind}`, text: KIND_WORDS[asset.kind] ?? asset.kind }),
  el('span', { class: 'tooling-node-name', text: `${asset.name} · ${asset.serial}` }),
  el('span', { class: 'tooling-node-meta', text: [STATUS_WORDS[asset.status] ?? asset.status, asset.kind === 'mold' && asset.machine ? `on ${asset.machine}` : null, asset.position].filter(Boolean).join(' · ') }));
  select.addEventListener('click', () => onSelect(asset));
  const life = asset.lifeShots === null
    ? el('span', { class: 'life life-none', text: `${asset.shots.toLocaleString('en-US')} shots · no life limit` })
    : lifeBar({ id: asset.id, name: `${KIND_WORDS[asset.kind]} ${asset.serial}`, shots: asset.shots, lifeShots: asset.lifeShots, warnAtShots: asset.warnAtShots, lifeState: asset.lifeState });
  return el('div', { class: 'tooling-node-row' }, select, life);
}

function branch(nodes, selectedId, onSelect, level) {
  return el('ul', { class: `tooling-tree-level level-${level}` }, ...nodes.map((node) => el('li', {
    class: 'tooling-node', dataset: { assetId: node.id, kind: node.kind, lifeState: node.lifeState },
  }, row(node, selectedId, onSelect), node.children?.length ? branch(node.children, selectedId, onSelect, level + 1) : null)));
}

/**
 * Draws `nodes` into `container`.
 * @param {HTMLElement} container
 * @param {any[]} nodes ToolingAssetNode[]
 * @param {{ selectedId: string | null, onSelect: (asset: any) => void }} options
 */
export function renderToolingTree(container, nodes, { selectedId, onSelect }) {
  if (nodes.length === 0) {
    container.replaceChildren(el('p', { class: 'empty', text: 'No molds registered yet (PUT /api/tooling/assets/:id).' }));
    return;
  }
  container.replaceChildren(branch(nodes, selectedId, onSelect, 0));
}
