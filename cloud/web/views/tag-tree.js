// The left tree: sites (Sparkplug groups) -> gateways (edge nodes) -> devices -> tags. Nodes are
// created once and updated in place each refresh, so open branches, focus and scroll survive.
import { byName, el, setAttr, setClass, setText } from './dom.js';
import { explainError } from './error-codes.js';
import { QUALITY_LABELS, formatAge, formatValue } from './format.js';

const LEVELS = [
  { kind: 'site', label: 'Site', childNoun: ['gateway', 'gateways'], openByDefault: true },
  { kind: 'gateway', label: 'Gateway', childNoun: ['device', 'devices'], openByDefault: true },
  { kind: 'device', label: 'Device', childNoun: null, openByDefault: false },
];

const OPEN_STATE_KEY = 'edgestock.tree.open';

/** The path the tests and the URL use: group/edge/device/tag. */
export function tagPath(row) {
  return `${row.group}/${row.edge}/${row.device}/${row.tag}`;
}

function plural(count, [one, many]) {
  return `${count} ${count === 1 ? one : many}`;
}

export class TagTree {
  /**
   * @param {HTMLElement} container
   * @param {{ onSelect: (row: object) => void }} handlers
   */
  constructor(container, { onSelect }) {
    this.onSelect = onSelect;
    this.root = el('ul', { class: 'tree-list level-site' });
    container.append(this.root);
    /** branch key -> { details, summary parts, list, level, parent } */
    this.branches = new Map();
    /** tag path -> { li, button, parts, row } */
    this.tags = new Map();
    this.filterText = '';
    this.selectedPath = null;
    this.openState = loadOpenState();
  }

  /** Applies a fresh /api/telemetry/latest answer. */
  update(rows, nowMs) {
    const seen = new Set();
    const newParents = new Set();
    for (const row of rows) {
      const names = [row.group, row.edge, row.device];
      let parentList = this.root;
      let parentKey = '';
      names.forEach((name, depth) => {
        const key = `${parentKey}\u0000${name}`;
        seen.add(key);
        if (!this.branches.has(key)) {
          const branch = this.createBranch(key, name, depth);
          this.branches.set(key, branch);
          parentList.append(branch.li);
          newParents.add(parentList);
        }
        parentList = this.branches.get(key).list;
        parentKey = key;
      });
      const path = tagPath(row);
      seen.add(path);
      if (!this.tags.has(path)) {
        const entry = this.createTag(path, row);
        this.tags.set(path, entry);
        parentList.append(entry.li);
        newParents.add(parentList);
      }
      const entry = this.tags.get(path);
      entry.parentList = parentList;
      entry.branchKey = parentKey;
      entry.row = row;
      this.renderTag(entry, nowMs);
    }
    for (const [path, entry] of this.tags) if (!seen.has(path)) { entry.li.remove(); this.tags.delete(path); }
    for (const [key, branch] of this.branches) if (!seen.has(key)) { branch.li.remove(); this.branches.delete(key); }
    for (const list of newParents) sortChildren(list);
    this.renderBranchSummaries();
    this.applyFilter();
  }

  /** Re-reads ages only (used while the server cannot be reached: the data gets older). */
  refreshAges(nowMs) {
    for (const entry of this.tags.values()) setText(entry.parts.age, formatAge(nowMs - entry.row.ts));
  }

  /** Shows only tags whose site/gateway/device/tag path contains `text`; returns counts. */
  setFilter(text) {
    this.filterText = text.trim().toLowerCase();
    this.applyFilter();
    return this.filterCounts();
  }

  filterCounts() {
    let shown = 0;
    for (const entry of this.tags.values()) if (!entry.li.hidden) shown++;
    return { shown, total: this.tags.size };
  }

  /** Marks a tag as the selected one and opens the branches above it. */
  select(path) {
    this.selectedPath = path;
    for (const [entryPath, entry] of this.tags) {
      const selected = entryPath === path;
      setClass(entry.li, 'selected', selected);
      if (selected) entry.button.setAttribute('aria-current', 'true');
      else entry.button.removeAttribute('aria-current');
    }
    const entry = this.tags.get(path);
    if (!entry) return undefined;
    let key = entry.branchKey;
    while (key) {
      const branch = this.branches.get(key);
      if (!branch) break;
      branch.details.open = true;
      key = branch.parentKey;
    }
    return entry.row;
  }

  row(path) {
    return this.tags.get(path)?.row;
  }

  createBranch(key, name, depth) {
    const level = LEVELS[depth];
    const parentKey = key.slice(0, key.lastIndexOf('\u0000'));
    const parts = {
      name: el('span', { class: 'branch-name', text: name, title: name }),
      protocol: el('span', { class: 'protocol', hidden: true }),
      meta: el('span', { class: 'branch-meta' }),
      health: el('span', { class: 'branch-health' }),
    };
    const summary = el('summary', {},
      el('span', { class: `kind kind-${level.kind}`, text: level.label }),
      parts.name, parts.protocol, parts.meta, parts.health);
    const list = el('ul', { class: `tree-list level-${LEVELS[depth + 1]?.kind ?? 'tag'}` });
    const details = el('details', {}, summary, list);
    details.open = this.openState[key] ?? level.openByDefault;
    details.addEventListener('toggle', () => {
      if (this.filterText) return; // the filter opens branches for the moment; remember only the engineer's choice
      this.openState[key] = details.open;
      saveOpenState(this.openState);
    });
    const li = el('li', { class: `branch branch-${level.kind}`, dataset: { name } }, details);
    return { key, parentKey, name, level, li, details, list, parts };
  }

  createTag(path, row) {
    const parts = {
      name: el('span', { class: 'tag-name', text: row.tag, title: row.tag }),
      value: el('span', { class: 'tag-value', dataset: { field: 'value' } }),
      unit: el('span', { class: 'tag-unit', dataset: { field: 'unit' } }),
      quality: el('span', { class: 'quality', dataset: { field: 'quality' } }),
      age: el('span', { class: 'tag-age', dataset: { field: 'age' } }),
    };
    const button = el('button', { type: 'button', class: 'tag-button' },
      parts.name, parts.value, parts.unit, parts.quality, parts.age);
    const li = el('li', { class: 'tag-row', dataset: { tag: path, name: row.tag } }, button);
    button.addEventListener('click', () => this.onSelect(this.tags.get(path).row));
    return { path, li, button, parts, row };
  }

  renderTag(entry, nowMs) {
    const { row, parts } = entry;
    const value = formatValue(row.value, row.quality, row.error);
    setText(parts.value, value);
    // the column may cut long text; an error code also says what to do about it
    setAttr(parts.value, 'title', row.error ? explainError(row.error) : value);
    setText(parts.unit, row.quality === 'bad' ? '' : row.unit ?? '');
    renderQuality(parts.quality, row.quality, row.stale);
    setText(parts.age, formatAge(nowMs - row.ts));
    setAttr(parts.age, 'title', new Date(row.ts).toLocaleString());
    setAttr(entry.li, 'data-quality', row.quality);
    setAttr(entry.li, 'data-stale', row.stale ? 'true' : 'false');
    setClass(parts.value, 'is-bool', typeof row.value === 'boolean');
  }

  renderBranchSummaries() {
    const stats = new Map();
    const childCounts = new Map();
    for (const entry of this.tags.values()) {
      let key = entry.branchKey;
      while (key) {
        const s = stats.get(key) ?? { tags: 0, good: 0, uncertain: 0, bad: 0, protocols: new Set() };
        s.tags++;
        s[entry.row.quality]++;
        if (entry.row.protocol) s.protocols.add(entry.row.protocol);
        stats.set(key, s);
        key = this.branches.get(key)?.parentKey;
      }
    }
    for (const branch of this.branches.values()) {
      if (branch.parentKey) childCounts.set(branch.parentKey, (childCounts.get(branch.parentKey) ?? 0) + 1);
    }
    for (const [key, branch] of this.branches) {
      const s = stats.get(key);
      if (!s) continue;
      const noun = branch.level.childNoun;
      const meta = noun ? `${plural(childCounts.get(key) ?? 0, noun)} · ${plural(s.tags, ['tag', 'tags'])}` : plural(s.tags, ['tag', 'tags']);
      setText(branch.parts.meta, meta);
      if (branch.level.kind === 'device') {
        const protocols = [...s.protocols].sort().join(', ');
        setText(branch.parts.protocol, protocols);
        branch.parts.protocol.hidden = !protocols;
      }
      renderHealth(branch.parts.health, s);
    }
  }

  applyFilter() {
    const text = this.filterText;
    const visibleBranches = new Set();
    for (const entry of this.tags.values()) {
      const visible = !text || entry.path.toLowerCase().includes(text);
      entry.li.hidden = !visible;
      if (!visible) continue;
      let key = entry.branchKey;
      while (key && !visibleBranches.has(key)) {
        visibleBranches.add(key);
        key = this.branches.get(key)?.parentKey;
      }
    }
    for (const [key, branch] of this.branches) {
      branch.li.hidden = !visibleBranches.has(key);
      if (text && visibleBranches.has(key)) branch.details.open = true;
    }
    if (!text && this.wasFiltering) {
      for (const [key, branch] of this.branches) {
        branch.details.open = this.openState[key] ?? branch.level.openByDefault;
      }
    }
    this.wasFiltering = Boolean(text);
  }
}

/**
 * A stale value is the last one heard from a gateway or device that is now offline (its DDEATH or
 * NDEATH arrived, or the cloud lost the broker): shown as such whatever its own quality was.
 */
function renderQuality(node, quality, stale) {
  if (stale) {
    setText(node, '◌ stale');
    setAttr(node, 'class', 'quality q-stale');
    setAttr(node, 'title', 'The device or its gateway is offline: this is the last value it reported.');
    return;
  }
  const label = QUALITY_LABELS[quality] ?? { symbol: '?', text: String(quality) };
  setText(node, `${label.symbol} ${label.text}`);
  setAttr(node, 'class', `quality q-${quality}`);
  setAttr(node, 'title', '');
}

function renderHealth(node, s) {
  const parts = [];
  if (s.bad) parts.push(['q-bad', `✕ ${s.bad} bad`]);
  if (s.uncertain) parts.push(['q-uncertain', `? ${s.uncertain} uncertain`]);
  if (!parts.length) parts.push(['q-good', '✓ all good']);
  const text = parts.map(([, t]) => t).join(' ');
  if (node.dataset.text === text) return;
  node.dataset.text = text;
  node.replaceChildren(...parts.map(([cls, t]) => el('span', { class: `quality ${cls}`, text: t })));
}

function sortChildren(list) {
  const children = [...list.children].sort((a, b) => byName(a.dataset.name ?? '', b.dataset.name ?? ''));
  if (children.some((child, index) => list.children[index] !== child)) list.append(...children);
}

function loadOpenState() {
  try {
    return JSON.parse(localStorage.getItem(OPEN_STATE_KEY) ?? '{}') ?? {};
  } catch {
    return {};
  }
}

function saveOpenState(state) {
  try {
    localStorage.setItem(OPEN_STATE_KEY, JSON.stringify(state));
  } catch {
    // private mode or full storage: the tree still works, it just forgets
  }
}
