// The live telemetry screen: polls /api/telemetry/latest every second, keeps the tree and the
// open tag current, and says plainly when the server cannot be reached.
import { toLogin } from './api.js';
import { el, setAttr, setText } from './dom.js';
import { formatTime } from './format.js';
import { DEFAULT_RANGE, RANGES, TagDetail } from './tag-detail.js';
import { TagTree, tagPath } from './tag-tree.js';

const POLL_MS = 1000;
const REQUEST_TIMEOUT_MS = 4000;

const connection = document.getElementById('connection');
const summary = document.getElementById('summary');
const filterInput = document.getElementById('filter');
const filterCount = document.getElementById('filter-count');
const empty = document.getElementById('empty');

// Ages and chart windows are measured on the server's clock (from the Date header), so a
// browser whose clock is off does not show readings from "the future" or hours old.
let serverOffsetMs = 0;
const serverNow = () => Date.now() + serverOffsetMs;

async function getJson(url) {
  const response = await fetch(url, { cache: 'no-store', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const dateHeader = Date.parse(response.headers.get('date') ?? '');
  // The header has 1 s resolution: correct only offsets it can actually see.
  if (Number.isFinite(dateHeader)) {
    const offset = dateHeader - Date.now();
    serverOffsetMs = Math.abs(offset) > 2000 ? offset : 0;
  }
  if (response.status === 401) toLogin(); // the session ended (logged out elsewhere, idle, expired)
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.message ?? `HTTP ${response.status} from ${url}`);
  return body;
}

const tree = new TagTree(document.getElementById('tree'), { onSelect: (row) => openTag(tagPath(row), readHash().range) });
const detail = new TagDetail(document.getElementById('detail'), {
  getJson,
  onRangeChange: (range) => openTag(tree.selectedPath, range),
});

// The open tag and range live in the URL hash, so a reload or a shared link shows the same view.
function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  return { path: params.get('tag'), range: RANGES[params.get('range')] ? params.get('range') : DEFAULT_RANGE };
}

function writeHash(path, range) {
  const params = new URLSearchParams({ tag: path });
  if (range !== DEFAULT_RANGE) params.set('range', range);
  history.replaceState(null, '', `#${params}`);
}

function openTag(path, range) {
  const row = tree.select(path);
  if (!row) return;
  writeHash(path, range);
  detail.show(row, range, serverNow()).catch(showDetailError);
}

function showDetailError(error) {
  setConnection('lost', error);
}

function setConnection(state, error) {
  setAttr(connection, 'data-state', state);
  const text = {
    connecting: 'connecting…',
    live: `live · ${formatTime(Date.now())}`,
    lost: 'connection lost · retrying',
  }[state];
  setText(connection.querySelector('.text'), text);
  setAttr(connection, 'title', error ? String(error.message ?? error) : '');
  document.body.classList.toggle('offline', state === 'lost');
}

function renderSummary(rows) {
  const count = (pick) => new Set(rows.map(pick)).size;
  const bad = rows.filter((r) => r.quality === 'bad').length;
  const uncertain = rows.filter((r) => r.quality === 'uncertain').length;
  const plural = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  const parts = [
    ['', plural(count((r) => r.group), 'site')],
    ['', plural(count((r) => `${r.group}/${r.edge}`), 'gateway')],
    ['', plural(count((r) => `${r.group}/${r.edge}/${r.device}`), 'device')],
    ['', plural(rows.length, 'tag')],
  ];
  if (bad) parts.push(['q-bad', `✕ ${bad} bad`]);
  if (uncertain) parts.push(['q-uncertain', `? ${uncertain} uncertain`]);
  const text = parts.map(([, t]) => t).join(' · ');
  if (summary.dataset.text === text) return;
  summary.dataset.text = text;
  summary.replaceChildren(...parts.map(([cls, t]) => el('span', { class: cls ? `quality ${cls}` : 'count', text: t })));
}

function renderFilterCount() {
  const { shown, total } = tree.filterCounts();
  setText(filterCount, tree.filterText ? `${shown} of ${total}` : '');
}

let restoredFromHash = false;

async function poll() {
  try {
    const rows = await getJson('/api/telemetry/latest');
    const now = serverNow();
    tree.update(rows, now);
    renderSummary(rows);
    renderFilterCount();
    empty.hidden = rows.length > 0;
    setConnection('live');
    if (!restoredFromHash) {
      restoredFromHash = true;
      const { path, range } = readHash();
      if (path && tree.row(path)) openTag(path, range);
    }
    const open = tree.selectedPath && tree.row(tree.selectedPath);
    if (open && detail.row) {
      detail.updateLatest(open, now);
      await detail.tick(now);
    }
  } catch (error) {
    setConnection('lost', error);
    tree.refreshAges(serverNow());
    detail.refreshAges(serverNow());
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

filterInput.addEventListener('input', () => {
  tree.setFilter(filterInput.value);
  renderFilterCount();
});
filterInput.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') {
    filterInput.value = '';
    tree.setFilter('');
    renderFilterCount();
  }
});

/** Shows the screen's indicators and starts polling. */
export function startTelemetry() {
  summary.hidden = false;
  connection.hidden = false;
  setConnection('connecting');
  poll();
}
