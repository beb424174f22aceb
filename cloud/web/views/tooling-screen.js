// The tooling screen (inventory.read): life warnings, the molding machines with the mold on each
// and its shot counter, and the mold -> sub-mold -> insert tree with a life bar per asset.
// Selecting an asset opens its details (tooling-detail.js): certificates, heat treatment, CTE
// against the mother mold, the last three inspections, and for an insert the replacement
// recommendation and the maintenance window against the production orders. Writers
// (tooling.manage) mount molds and record inspections. Refreshed every 5 s; the open details
// are reloaded only after a change made here, so a form being filled in is left alone.
import { api, apiOutcome } from './api.js';
import { el, setText } from './dom.js';
import { LIFE_STATES } from './tooling-life-bar.js';
import { showAssetDetail } from './tooling-detail.js';
import { renderMachines } from './tooling-machines.js';
import { flatten, renderToolingTree } from './tooling-tree.js';

const REFRESH_MS = 5000;

export async function startTooling(me) {
  const manage = me.permissions.includes('tooling.manage');
  const root = document.getElementById('tooling-root');
  const status = el('p', { class: 'hint', id: 'tooling-status', role: 'status', 'aria-live': 'polite' });
  const warnings = el('ul', { class: 'tooling-warnings', id: 'tooling-warnings' });
  const machineRows = el('tbody', { id: 'tooling-machine-rows' });
  const tree = el('div', { class: 'tooling-tree', id: 'tooling-tree', role: 'region', 'aria-label': 'Tooling tree' });
  const detail = el('section', { class: 'tooling-detail', id: 'tooling-detail', 'aria-live': 'polite', 'aria-label': 'Selected asset' },
    el('p', { class: 'hint', text: 'Select an asset for its certificates, inspections, replacement and maintenance window.' }));
  root.replaceChildren(
    el('p', { class: 'hint', text: manage
      ? 'Shots come from each machine\'s counter at the edge. Mount a mold to count its shots; select an insert to record an inspection or see its replacement.'
      : 'Read-only: mounting molds and recording inspections needs tooling.manage. Shots come from each machine\'s counter at the edge.' }),
    status,
    el('section', { class: 'tooling-section', 'aria-labelledby': 'tooling-warnings-title' }, el('h3', { id: 'tooling-warnings-title', text: 'Life warnings' }), warnings),
    el('section', { class: 'tooling-section', 'aria-labelledby': 'tooling-machines-title' },
      el('h3', { id: 'tooling-machines-title', text: 'Machines' }),
      el('table', { class: 'readings tooling-machines' },
        el('thead', {}, el('tr', {}, ...['Machine', 'Mold mounted', 'Since', 'Shot counter', manage ? 'Mount' : null].filter(Boolean).map((text) => el('th', { scope: 'col', text })))),
        machineRows)),
    el('div', { class: 'tooling-layout' },
      el('section', { class: 'tooling-section', 'aria-labelledby': 'tooling-tree-title' }, el('h3', { id: 'tooling-tree-title', text: 'Molds, sub-molds and inserts' }), tree),
      detail));

  let selectedId = null;
  let byId = new Map();
  let lastTree = '';
  let lastMachines = '';
  let lastWarnings = '';

  async function select(asset) {
    selectedId = asset.id;
    for (const button of tree.querySelectorAll('.tooling-node-button')) {
      if (button.dataset.assetId === asset.id) button.setAttribute('aria-current', 'true');
      else button.removeAttribute('aria-current');
    }
    await showAssetDetail(detail, asset, { byId, manage, me, onChanged: () => refresh({ reopen: true }) });
  }

  function renderWarnings(list) {
    if (list.length === 0) {
      warnings.replaceChildren(el('li', { class: 'hint', text: 'No asset is near or over its life.' }));
      return;
    }
    warnings.replaceChildren(...list.map((w) => {
      const label = LIFE_STATES[w.state] ?? { symbol: '!', text: w.state };
      const open = el('button', { type: 'button', class: 'link-button', text: 'details' });
      open.addEventListener('click', () => { const asset = byId.get(w.assetId); if (asset) select(asset); });
      const best = w.recommendation?.candidates?.[0];
      return el('li', { class: 'tooling-warning', dataset: { assetId: w.assetId, state: w.state } },
        el('span', { class: `quality ${w.state === 'over_life' ? 'q-bad' : 'q-uncertain'}`, text: `${label.symbol} ${label.text}` }),
        el('span', { class: 'tooling-warning-message', text: ` ${w.message}` }),
        best ? el('span', { class: 'tooling-warning-spare', text: ` · recommended spare: ${best.serial}${best.location ? ` (${best.location})` : ''}` })
          : el('span', { class: 'tooling-warning-spare', text: ' · no matching spare' }),
        ' ', open);
    }));
  }

  /** Reloads everything; re-renders only what changed. `reopen`: reload the open details too (after a change made here). */
  async function refresh({ reopen = false } = {}) {
    const [assets, machines, warned] = await Promise.all(['/api/tooling/assets', '/api/tooling/machines', '/api/tooling/warnings'].map(async (url) => apiOutcome(await api('GET', url))));
    const failed = [assets, machines, warned].find((o) => !o.ok);
    if (failed) {
      setText(status, `Cannot load the tooling: ${failed.message}`);
      return;
    }
    const nodes = assets.body.assets;
    byId = new Map(flatten(nodes).map((a) => [a.id, a]));
    const treeKey = JSON.stringify(nodes);
    if (treeKey !== lastTree) {
      lastTree = treeKey;
      renderToolingTree(tree, nodes, { selectedId, onSelect: select });
    }
    const machineKey = JSON.stringify([machines.body.machines, [...byId.values()].filter((a) => a.kind === 'mold').map((a) => a.id)]);
    if (machineKey !== lastMachines) {
      lastMachines = machineKey;
      const molds = [...byId.values()].filter((a) => a.kind === 'mold' && a.status !== 'scrapped');
      renderMachines(machineRows, machines.body.machines, { manage, molds, status, onChanged: () => refresh({ reopen: true }) });
    }
    const warningKey = JSON.stringify(warned.body.warnings);
    if (warningKey !== lastWarnings) {
      lastWarnings = warningKey;
      renderWarnings(warned.body.warnings);
    }
    if (reopen && selectedId && byId.has(selectedId)) await showAssetDetail(detail, byId.get(selectedId), { byId, manage, me, onChanged: () => refresh({ reopen: true }) });
  }

  await refresh();
  const tick = async () => {
    try {
      await refresh();
    } finally {
      setTimeout(tick, REFRESH_MS);
    }
  };
  setTimeout(tick, REFRESH_MS);
}
