// The fusion screen (inventory.read): per SKU the bucket cells the sources' reports set (with the
// arbitration rule that chose each), the derived figures, and the figures channels report as they
// reported them, checked against their definition. A figure opens its lineage: the formula with
// the numbers filled in and, for every input, the report, raw message, source, trust, rule and
// dictionary version. Reports held for confirmation can be confirmed or rejected with
// inventory.manage. Sources are listed with their trust. The figures refresh every 5 s.
import { api, apiOutcome } from './api.js';
import { el, setText } from './dom.js';

const REFRESH_MS = 5000;
const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 });
const fmt = (value) => (value === null || value === undefined ? '—' : number.format(value));
const time = (ms) => new Date(ms).toLocaleString(undefined, { hour12: false });
const refName = (bucket, channel) => (channel ? `${bucket}[${channel}]` : bucket);

const table = (id, headers, body) => el('table', { class: 'readings fusion-table', id },
  el('thead', {}, el('tr', {}, ...headers.map((text) => el('th', { scope: 'col', text })))), body);
const emptyRow = (columns, text) => el('tr', {}, el('td', { class: 'empty', colspan: columns, text }));

export async function startFusion(me) {
  const manage = me.permissions.includes('inventory.manage');
  const root = document.getElementById('fusion-root');
  const status = el('p', { class: 'hint', id: 'fusion-status', role: 'status', 'aria-live': 'polite' });
  const skuSelect = el('select', { id: 'fusion-sku', 'aria-label': 'SKU' });
  const bucketRows = el('tbody', { id: 'fusion-buckets' });
  const figureRows = el('tbody', { id: 'fusion-figures' });
  const observedRows = el('tbody', { id: 'fusion-observed' });
  const pendingRows = el('tbody', { id: 'fusion-pending' });
  const sourceRows = el('tbody', { id: 'fusion-sources' });
  const lineage = el('section', { class: 'fusion-lineage', id: 'fusion-lineage', 'aria-live': 'polite', hidden: true });
  const dictionaryNote = el('p', { class: 'hint', id: 'fusion-dictionary' });

  root.replaceChildren(
    el('p', { class: 'hint', text: 'Each source reports figures with its own meaning; the semantic dictionary turns them into bucket values and derives the target figures. Select a figure for its lineage.' }),
    el('div', { class: 'inline-form fusion-picker' }, el('label', {}, 'SKU ', skuSelect)),
    status, dictionaryNote,
    el('div', { class: 'fusion-layout' },
      el('div', {},
        el('h3', { text: 'Derived figures' }), table('fusion-figures-table', ['Figure', 'Value', 'Formula'], figureRows),
        el('h3', { text: 'Figures as the sources report them' }), table('fusion-observed-table', ['Figure', 'Reported', 'Definition gives', 'Difference'], observedRows),
        el('h3', { text: 'Buckets' }), table('fusion-buckets-table', ['Bucket', 'Value', 'Source', 'Rule'], bucketRows),
        el('h3', { text: 'Waiting for confirmation' }), table('fusion-pending-table', ['Report', 'Source', 'Figure', 'Value', 'Expected', 'Why held', manage ? 'Actions' : null].filter(Boolean), pendingRows)),
      lineage),
    el('h3', { text: 'Sources' }),
    table('fusion-sources-table', ['Source', 'Kind', 'Channel', 'Trust', 'Tolerance'], sourceRows));

  let sources = new Map();
  let selected = null; // { kind: 'figure' | 'observed', name }
  let latest = null;

  const sourceLabel = (id) => {
    const s = sources.get(id);
    return s ? `${s.name} (${s.id}, trust ${s.trust})` : id;
  };

  /** One input cell's report, as the lineage shows it. */
  function cellBlock(cell) {
    return el('li', { class: 'fusion-cell', dataset: { source: cell.source } },
      el('div', {},
        el('strong', { text: `${refName(cell.bucket, cell.channel)} = ${fmt(cell.value)}` }),
        ` from ${sourceLabel(cell.source)}`),
      el('dl', { class: 'fusion-facts' },
        el('dt', { text: 'Report' }), el('dd', { text: cell.reportId === null ? 'the inventory core\'s own figure' : `#${cell.reportId}, message ${cell.messageId}` }),
        el('dt', { text: 'Received' }), el('dd', { text: time(cell.receivedAt) }),
        el('dt', { text: 'Rule' }), el('dd', { class: 'fusion-rule', text: `${cell.rule.id}: ${cell.rule.why}` }),
        el('dt', { text: 'Mapping' }), el('dd', { text: cell.mappingVersion === null ? '—' : `dictionary version ${cell.mappingVersion}` }),
        cell.outranked.length > 0 ? el('dt', { text: 'Outranked' }) : null,
        cell.outranked.length > 0 ? el('dd', { text: cell.outranked.map((o) => `${o.source} ${fmt(o.value)}${o.reportId === null ? '' : ` (#${o.reportId})`}`).join(', ') }) : null),
      el('pre', { class: 'fusion-raw', text: cell.raw }));
  }

  function inputsBlock(inputs) {
    return el('ul', { class: 'fusion-inputs' }, ...inputs.map((input) => el('li', { class: 'fusion-input' },
      el('div', { class: 'fusion-input-head', text: `${input.ref} = ${fmt(input.value)}${input.how === 'sum-of-channels' ? ' (sum of the channels)' : input.how === 'missing' ? ' (no source has reported it)' : ''}` }),
      el('ul', { class: 'fusion-cells' }, ...input.cells.map(cellBlock)))));
  }

  function showLineage() {
    if (!latest || !selected) { lineage.hidden = true; return; }
    if (selected.kind === 'figure') {
      const figure = latest.figures.find((f) => f.figure === selected.name);
      if (!figure) { lineage.hidden = true; return; }
      lineage.replaceChildren(
        el('h3', { text: `Lineage of ${figure.figure} for ${figure.sku}` }),
        el('p', { class: 'fusion-equation', id: 'fusion-equation', text: `${figure.formula} = ${figure.filled} = ${fmt(figure.value)}` }),
        el('p', { class: 'hint', text: `Dictionary version ${figure.dictionaryVersion}, computed ${time(figure.computedAt)}.${figure.problem ? ` ${figure.problem}.` : ''}` }),
        inputsBlock(figure.inputs));
    } else {
      const observed = latest.observed.find((o) => o.figure === selected.name);
      if (!observed) { lineage.hidden = true; return; }
      const { report, check } = observed;
      lineage.replaceChildren(
        el('h3', { text: `${observed.figure} for ${observed.sku}, as reported` }),
        el('p', { class: 'fusion-equation', text: `${fmt(report.value)} reported by ${sourceLabel(report.source)}, report #${report.id}, message ${report.messageId}, ${time(report.receivedAt)} (dictionary version ${report.dictionaryVersion})` }),
        el('pre', { class: 'fusion-raw', text: report.raw }),
        el('p', { class: 'fusion-equation', text: `Its definition: ${check.formula} = ${check.filled} = ${fmt(check.expected)}${check.difference === null ? '' : `; the report differs by ${fmt(check.difference)}`}` }),
        inputsBlock(check.inputs));
    }
    lineage.hidden = false;
  }

  function select(kind, name) {
    selected = { kind, name };
    for (const tr of root.querySelectorAll('tr[aria-selected]')) tr.setAttribute('aria-selected', String(tr.dataset.key === `${kind}:${name}`));
    showLineage();
  }

  const selectableRow = (kind, name, ...cells) => {
    const tr = el('tr', { tabindex: 0, class: 'fusion-row', 'aria-selected': String(selected?.kind === kind && selected?.name === name), dataset: { key: `${kind}:${name}` } }, ...cells);
    tr.addEventListener('click', () => select(kind, name));
    tr.addEventListener('keydown', (event) => { if (event.key === 'Enter') select(kind, name); });
    return tr;
  };

  async function decide(report, action) {
    const body = action === 'reject' ? { reason: prompt(`Why reject report #${report.id}?`) || null } : {};
    const outcome = apiOutcome(await api('POST', `/api/fusion/reports/${report.id}/${action}`, body));
    if (!outcome.ok) return setText(status, `Not done: ${outcome.message}`);
    const changed = action === 'confirm' ? outcome.body.changed.map((c) => `${c.figure} ${fmt(c.previous)} → ${fmt(c.value)}`) : [];
    // Reload first, so the message appears together with the tables it describes.
    await refresh();
    setText(status, action === 'confirm'
      ? `Confirmed report #${report.id}${changed.length > 0 ? `; changed ${changed.join(', ')}` : '; no derived figure changed'}.`
      : `Rejected report #${report.id}; it is never used.`);
  }

  function render(data) {
    latest = data;
    figureRows.replaceChildren(...(data.figures.length === 0 ? [emptyRow(3, 'The dictionary defines no target figures yet.')]
      : data.figures.map((f) => selectableRow('figure', f.figure,
        el('td', { text: f.figure }), el('td', { class: 'num', text: fmt(f.value) }), el('td', { class: 'fusion-formula', text: `${f.formula} = ${f.filled}` })))));
    observedRows.replaceChildren(...(data.observed.length === 0 ? [emptyRow(4, 'No composite figure reported for this SKU.')]
      : data.observed.map((o) => selectableRow('observed', o.figure,
        el('td', { text: o.figure }), el('td', { class: 'num', text: fmt(o.value) }), el('td', { class: 'num', text: fmt(o.check.expected) }),
        el('td', { class: `num${o.check.difference ? ' is-alarm' : ''}`, text: fmt(o.check.difference) })))));
    bucketRows.replaceChildren(...(data.buckets.length === 0 ? [emptyRow(4, 'No source has reported a bucket for this SKU.')]
      : data.buckets.map((b) => el('tr', {}, el('td', { text: refName(b.bucket, b.channel) }), el('td', { class: 'num', text: fmt(b.value) }),
        el('td', { text: b.reportId === null ? b.source : `${b.source} (#${b.reportId})` }), el('td', { text: b.rule })))));
    const columns = manage ? 7 : 6;
    pendingRows.replaceChildren(...(data.pending.length === 0 ? [emptyRow(columns, 'Nothing waits for confirmation.')]
      : data.pending.map((r) => {
        const tr = el('tr', { dataset: { report: r.id } }, el('td', { text: `#${r.id}` }), el('td', { text: sourceLabel(r.source) }), el('td', { text: r.figure }),
          el('td', { class: 'num', text: fmt(r.value) }), el('td', { class: 'num', text: fmt(r.expected) }), el('td', { text: r.statusReason ?? '' }));
        if (manage) {
          const confirmButton = el('button', { type: 'button', class: 'primary', dataset: { action: 'confirm' }, text: 'Confirm' });
          const rejectButton = el('button', { type: 'button', class: 'secondary', dataset: { action: 'reject' }, text: 'Reject' });
          confirmButton.addEventListener('click', () => decide(r, 'confirm'));
          rejectButton.addEventListener('click', () => decide(r, 'reject'));
          tr.append(el('td', { class: 'row-actions' }, confirmButton, rejectButton));
        }
        return tr;
      })));
    showLineage();
  }

  async function refresh() {
    if (!skuSelect.value) return;
    const outcome = apiOutcome(await api('GET', `/api/fusion/figures/${encodeURIComponent(skuSelect.value)}`));
    if (!outcome.ok) return setText(status, `Cannot load the figures: ${outcome.message}`);
    render(outcome.body);
  }

  const [sourcesAnswer, skusAnswer, dictionaryAnswer] = await Promise.all([
    api('GET', '/api/fusion/sources'), api('GET', '/api/fusion/skus'), api('GET', '/api/fusion/dictionary'),
  ].map((p) => p.then((a) => apiOutcome(a))));
  if (sourcesAnswer.ok) {
    sources = new Map(sourcesAnswer.body.sources.map((s) => [s.id, s]));
    sourceRows.replaceChildren(...(sources.size === 0 ? [emptyRow(5, 'No sources yet.')] : [...sources.values()].map((s) => el('tr', {},
      el('td', { text: `${s.name} (${s.id})` }), el('td', { text: s.kind }), el('td', { text: s.channel ?? '—' }),
      el('td', { class: 'num' }, el('meter', { min: 0, max: 1, value: s.trust, 'aria-label': `trust of ${s.id}` }), ` ${s.trust}`),
      el('td', { text: s.kind === 'core' ? '—' : `${s.tolerancePct}% / ${s.toleranceAbs} units` })))));
  }
  const dictionary = dictionaryAnswer.ok ? dictionaryAnswer.body.dictionary : null;
  setText(dictionaryNote, dictionary
    ? `Semantic dictionary version ${dictionary.version}, by ${dictionary.author} on ${time(dictionary.createdAt)}: ${dictionary.why}`
    : 'No semantic dictionary yet: PUT /api/fusion/dictionary defines the source and target figures.');
  if (!skusAnswer.ok) return setText(status, `Cannot load the SKUs: ${skusAnswer.message}`);
  skuSelect.replaceChildren(...skusAnswer.body.skus.map((sku) => el('option', { value: sku, text: sku })));
  if (skusAnswer.body.skus.length === 0) return setText(status, 'No SKUs yet.');
  skuSelect.addEventListener('change', () => { selected = null; refresh(); });
  await refresh();
  setInterval(refresh, REFRESH_MS);
}
