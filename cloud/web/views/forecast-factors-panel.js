// The factor sandbox editor inside the forecasting screen (issue 8, items 4 and 9): the production
// factor set with its version and the history of who published what, when and why; planners
// (forecasting.manage) open a sandbox (a copy of production), edit its factors, compare it with
// production by backtest, and only then publish it with a reason, or discard it. Production
// changes only on publish (docs/forecasting-api.md "Factors"). Readers see everything read-only.
import { api, apiOutcome } from './api.js';
import { el, setText } from './dom.js';
import { FactorComparison } from './forecast-factors-compare.js';
import { describeFactor, FactorEditor, FACTOR_KINDS } from './forecast-factors-editor.js';
import { formatWhen } from './stock-format.js';

const SCOPE = 'default';
const BASE = '/api/forecasting/factors';

const NEXT_STEPS = {
  CONFLICT: 'Discard this sandbox, open a new one and redo the edit there.',
  NOT_FOUND: 'Reload: the sandbox was published or discarded meanwhile.',
};

/** Production's factors as a read-only table. */
function factorTable(id, factors) {
  if (factors.length === 0) return el('p', { class: 'hint', id, text: 'No factors: forecasts are the model\'s baseline alone.' });
  return el('table', { class: 'readings factor-table', id },
    el('thead', {}, el('tr', {}, el('th', { text: 'Factor' }), el('th', { text: 'Kind' }), el('th', { text: 'Settings' }))),
    el('tbody', {}, ...factors.map((factor) => el('tr', { dataset: { factor: factor.name, kind: factor.kind } },
      el('td', { text: factor.name }),
      el('td', { text: FACTOR_KINDS[factor.kind]?.label ?? factor.kind }),
      el('td', { text: describeFactor(factor) })))));
}

const versionLine = (version) => `Version ${version.version}, published by ${version.publishedBy} on ${formatWhen(version.publishedAt)}: ${version.reason}`;

/**
 * Draws the factor panel into `root` (the forecasting screen's `<section id="forecast-factors">`).
 * @param {HTMLElement} root
 * @param {{ permissions: string[], username: string }} me
 */
export async function renderFactorPanel(root, me) {
  const manage = me.permissions.includes('forecasting.manage');
  const status = el('p', { class: 'hint', id: 'factor-status', role: 'status', 'aria-live': 'polite' });
  const production = el('div', { id: 'factor-production' });
  const history = el('ol', { class: 'factor-history', id: 'factor-history' });
  const sandboxes = el('div', { id: 'factor-sandboxes' });
  const workspace = el('div', { class: 'factor-sandbox', id: 'factor-sandbox', hidden: true });
  root.replaceChildren(
    el('h3', { id: 'forecast-factors-title', text: 'Factors' }),
    el('p', { class: 'hint', text: manage
      ? 'Forecast = baseline x these factors. Change them in a sandbox, compare the sandbox with production on past sales, and publish it with a reason; production changes only then.'
      : 'Forecast = baseline x these factors. Changing them needs forecasting.manage; this is the read-only view.' }),
    status,
    el('h4', { text: 'Production' }), production,
    el('details', { class: 'factor-history-frame' }, el('summary', { text: 'Version history (who, when, why)' }), history),
    el('h4', { text: 'Sandboxes' }), sandboxes,
    workspace);

  // The sandbox being edited, and whether the form holds edits not yet saved.
  const state = { sandbox: null, dirty: false };

  const note = el('p', { class: 'hint', id: 'factor-sandbox-note' });
  const stale = el('p', { class: 'form-error', id: 'factor-stale', hidden: true });
  const comparisonHost = el('div');
  const comparison = new FactorComparison(comparisonHost);
  const editorHost = el('div');
  const editor = new FactorEditor(editorHost, { onChange: () => { state.dirty = true; comparison.clear(); } });
  const saveButton = el('button', { type: 'button', class: 'secondary', id: 'factor-save', text: 'Save sandbox' });
  const compareButton = el('button', { type: 'button', class: 'primary', id: 'factor-compare', text: 'Compare with production' });
  const discardButton = el('button', { type: 'button', class: 'danger', id: 'factor-discard', text: 'Discard sandbox' });
  const reason = el('input', { id: 'factor-reason', name: 'reason', maxlength: 1000, autocomplete: 'off', placeholder: 'why: e.g. logistics stop earlier this year; WAPE 9.1% → 6.3%' });
  const reasonProblem = el('span', { class: 'field-problem', id: 'factor-reason-problem', role: 'alert' });
  const publishButton = el('button', { type: 'submit', class: 'primary', id: 'factor-publish', text: 'Publish to production' });
  const publishForm = el('form', { class: 'inline-form factor-publish', id: 'factor-publish-form', novalidate: true },
    el('label', { class: 'factor-reason' }, 'Reason for the version history', reason, reasonProblem), publishButton);
  workspace.append(
    el('h4', { id: 'factor-sandbox-title', text: 'Sandbox' }), note, stale, editorHost,
    el('p', { class: 'factor-actions' }, saveButton, ' ', compareButton, ' ', discardButton),
    comparisonHost, publishForm);

  async function load() {
    const outcome = apiOutcome(await api('GET', `${BASE}?scope=${encodeURIComponent(SCOPE)}`));
    if (!outcome.ok) {
      setText(status, `Cannot load the factors: ${outcome.message}`);
      return null;
    }
    const { production: current, history: versions, sandboxes: open } = outcome.body;
    production.replaceChildren(
      el('p', { class: 'factor-version', id: 'factor-version', dataset: { version: String(current?.version ?? 0) },
        text: current ? versionLine(current) : 'No factor set published yet.' }),
      factorTable('factor-production-table', current?.factors.factors ?? []));
    history.replaceChildren(...(versions.length === 0
      ? [el('li', { class: 'hint', text: 'Nothing published yet.' })]
      : versions.map((version) => el('li', { dataset: { version: String(version.version) } },
        el('strong', { text: `v${version.version}` }),
        ` ${version.publishedBy} · ${formatWhen(version.publishedAt)} · ${version.factors.factors.length} factor(s): `,
        el('q', { text: version.reason })))));
    drawSandboxes(open);
    return outcome.body;
  }

  function drawSandboxes(open) {
    const items = open.map((sandbox) => el('li', { dataset: { sandbox: sandbox.id } },
      `Opened by ${sandbox.createdBy} on ${formatWhen(sandbox.createdAt)}, copy of ${sandbox.basedOnVersion === null ? 'no version' : `version ${sandbox.basedOnVersion}`}`,
      sandbox.stale ? el('span', { class: 'quality q-bad', text: ' ✕ production moved since' }) : null,
      `: ${sandbox.factors.factors.map((f) => `${f.name} (${describeFactor(f)})`).join('; ') || 'no factors'}`,
      manage && state.sandbox?.id !== sandbox.id
        ? el('button', { type: 'button', class: 'small secondary', dataset: { action: 'continue' }, text: 'Continue', on: { click: () => edit(sandbox) } })
        : null));
    sandboxes.replaceChildren(
      items.length === 0 ? el('p', { class: 'hint', text: 'No sandbox is open.' }) : el('ul', { class: 'factor-sandbox-list' }, ...items),
      manage ? el('button', { type: 'button', class: 'secondary', id: 'factor-open', text: 'Open sandbox', on: { click: openSandbox } }) : null);
  }

  function edit(sandbox) {
    state.sandbox = sandbox;
    state.dirty = false;
    workspace.hidden = false;
    workspace.dataset.sandbox = sandbox.id;
    setText(note, `Sandbox opened by ${sandbox.createdBy} on ${formatWhen(sandbox.createdAt)}, a copy of ${sandbox.basedOnVersion === null ? 'no published version' : `version ${sandbox.basedOnVersion}`}; last saved by ${sandbox.updatedBy} on ${formatWhen(sandbox.updatedAt)}. Production is not touched until you publish.`);
    stale.hidden = !sandbox.stale;
    setText(stale, sandbox.stale ? 'Production has been published since this sandbox was opened: publishing it will be refused. Discard it and open a new one.' : '');
    editor.clearProblems();
    editor.load(sandbox.factors.factors);
    comparison.clear();
    setText(reasonProblem, '');
    reason.value = '';
    for (const button of sandboxes.querySelectorAll('[data-action="continue"]')) button.hidden = button.closest('li').dataset.sandbox === sandbox.id;
  }

  function closeWorkspace() {
    state.sandbox = null;
    state.dirty = false;
    workspace.hidden = true;
    delete workspace.dataset.sandbox;
    comparison.clear();
  }

  async function openSandbox() {
    setText(status, 'Opening a sandbox…');
    const outcome = apiOutcome(await api('POST', `${BASE}/sandboxes`, { scope: SCOPE }), NEXT_STEPS);
    if (!outcome.ok) {
      setText(status, `Not opened: ${outcome.message}`);
      return;
    }
    await load();
    edit(outcome.body);
    setText(status, 'Sandbox opened: a copy of production. Edit the factors, then compare.');
  }

  /** Saves the form into the sandbox; false (and the API's words by the field) when refused. */
  async function save() {
    editor.clearProblems();
    const outcome = apiOutcome(await api('PUT', `${BASE}/sandboxes/${encodeURIComponent(state.sandbox.id)}`, editor.value()), NEXT_STEPS);
    if (!outcome.ok) {
      const problems = outcome.body?.problems ?? [{ path: outcome.body?.field ?? '', message: outcome.message }];
      const placed = problems.map((problem) => editor.showProblem(problem.path, problem.message.replace(/^[\w.]+: /, '')));
      setText(status, `Not saved: ${placed.every(Boolean) ? `see ${problems.map((p) => p.path).join(', ')}` : outcome.message}. The sandbox keeps its last saved factors.`);
      return false;
    }
    state.sandbox = outcome.body;
    state.dirty = false;
    await load();
    return true;
  }

  saveButton.addEventListener('click', async () => {
    setText(status, 'Saving…');
    if (await save()) setText(status, `Sandbox saved: ${state.sandbox.factors.factors.length} factor(s). Production is unchanged.`);
  });

  compareButton.addEventListener('click', async () => {
    setText(status, 'Saving and comparing with production on past sales…');
    if (state.dirty && !(await save())) return;
    compareButton.disabled = true;
    try {
      const outcome = apiOutcome(await api('POST', `${BASE}/sandboxes/${encodeURIComponent(state.sandbox.id)}/compare`, {}), NEXT_STEPS);
      if (!outcome.ok) {
        comparison.clear();
        setText(status, `Cannot compare: ${outcome.message}`);
        return;
      }
      comparison.show(outcome.body);
      setText(status, `Compared over ${outcome.body.overall.days} series-days.`);
    } finally {
      compareButton.disabled = false;
    }
  });

  discardButton.addEventListener('click', async () => {
    if (!confirm('Discard this sandbox? Its edits are lost; production stays as it is.')) return;
    const outcome = apiOutcome(await api('DELETE', `${BASE}/sandboxes/${encodeURIComponent(state.sandbox.id)}`), NEXT_STEPS);
    if (!outcome.ok) {
      setText(status, `Not discarded: ${outcome.message}`);
      return;
    }
    closeWorkspace();
    await load();
    setText(status, 'Sandbox discarded; production is unchanged.');
  });

  publishForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    setText(reasonProblem, '');
    reason.removeAttribute('aria-invalid');
    if (state.dirty && !(await save())) return;
    const outcome = apiOutcome(await api('POST', `${BASE}/sandboxes/${encodeURIComponent(state.sandbox.id)}/publish`, { reason: reason.value.trim() }), NEXT_STEPS);
    if (!outcome.ok) {
      if (outcome.body?.field === 'reason') {
        setText(reasonProblem, outcome.message);
        reason.setAttribute('aria-invalid', 'true');
        reason.focus();
        setText(status, 'Not published: give the reason.');
      } else {
        setText(status, `Not published: ${outcome.message}`);
      }
      return;
    }
    closeWorkspace();
    await load();
    setText(status, `Published version ${outcome.body.version}: production forecasts use it from the next forecast run.`);
  });

  if (await load() !== null) setText(status, '');
}
