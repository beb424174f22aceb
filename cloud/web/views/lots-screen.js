// The lots screen (inventory.read): every lot of master data with its item, expiry, days left and
// status. Roles with masterdata.manage quarantine a lot (with a reason, which the operator's
// scanner shows) or release it; the change reaches the gateways with masterdata.sync. A lot opens
// its cold-chain evidence (lot-evidence.js).
import { api, apiOutcome } from './api.js';
import { el, setText } from './dom.js';
import { daysLeft, formatDaysLeft, itemLabel, loadItemNames, loadMasterData, lotPath } from './inventory-format.js';
import { showLotEvidence } from './lot-evidence.js';

const REASON_MAX = 200;

export async function startLots(me) {
  const manage = me.permissions.includes('masterdata.manage');
  const root = document.getElementById('lots-root');
  const status = el('p', { class: 'hint', id: 'lots-status', role: 'status', 'aria-live': 'polite' });
  const rows = el('tbody', { id: 'lot-rows' });
  const evidence = el('section', { class: 'lot-evidence', id: 'lot-evidence', 'aria-live': 'polite' });
  root.replaceChildren(
    el('p', { class: 'hint', text: manage
      ? 'Quarantine a lot to block it at every scanner (a gateway offline gets it when it reconnects; scans it allowed meanwhile raise an alert). Select a lot for its cold-chain evidence.'
      : 'Read-only: quarantining and releasing lots needs masterdata.manage. Select a lot for its cold-chain evidence.' }),
    status,
    el('table', { class: 'readings lots' },
      el('thead', {}, el('tr', {}, ...['Item', 'Batch', 'Expiry', 'Days left', 'Status', manage ? 'Actions' : null]
        .filter(Boolean).map((text) => el('th', { scope: 'col', text })))),
      rows),
    evidence);

  let items = new Map();
  let locations = new Map();
  let disposeEvidence = () => {};
  const columns = manage ? 6 : 5;

  /** Sends a quarantine or release; says what happened, or the API's reason. */
  async function change(lot, action, body) {
    setText(status, `${action === 'quarantine' ? 'Quarantining' : 'Releasing'} ${lot.gtin}/${lot.batch}…`);
    const outcome = apiOutcome(await api('POST', `${lotPath(lot.gtin, lot.batch)}/${action}`, body));
    if (!outcome.ok) return setText(status, `Not done: ${outcome.message}`);
    setText(status, action === 'quarantine'
      ? `Quarantined ${lot.gtin}/${lot.batch} (master data version ${outcome.body.version}); scanners block it once their gateway has this version.`
      : `Released ${lot.gtin}/${lot.batch} (master data version ${outcome.body.version}).`);
    await refresh();
  }

  /** The row under a lot asking why it is quarantined. */
  function reasonRow(lot) {
    const input = el('input', { name: 'reason', maxlength: REASON_MAX, placeholder: 'why, e.g. supplier recall 2024-117', 'aria-label': `Reason to quarantine ${lot.batch}`, autocomplete: 'off' });
    const cancel = el('button', { type: 'button', class: 'secondary', text: 'Cancel' });
    const form = el('form', { class: 'inline-form lot-reason' },
      el('label', {}, 'Reason ', input),
      el('button', { type: 'submit', class: 'primary', text: 'Quarantine' }), cancel);
    const row = el('tr', { class: 'lot-reason-row' }, el('td', { colspan: columns }, form));
    cancel.addEventListener('click', () => row.remove());
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      // the API checks the reason (and names the problem): the screen sends what was typed
      change(lot, 'quarantine', { reason: input.value.trim() });
    });
    return { row, input };
  }

  function actions(lot, tr) {
    if (lot.status === 'quarantined') {
      const release = el('button', { type: 'button', class: 'secondary', dataset: { action: 'release' }, text: 'Release' });
      release.addEventListener('click', (event) => {
        event.stopPropagation();
        if (confirm(`Release ${lot.gtin}/${lot.batch}? Scanners stop blocking it once their gateway has the change.`)) change(lot, 'release');
      });
      return el('td', { class: 'row-actions' }, release);
    }
    const quarantine = el('button', { type: 'button', class: 'secondary', dataset: { action: 'quarantine' }, text: 'Quarantine…' });
    quarantine.addEventListener('click', (event) => {
      event.stopPropagation();
      if (tr.nextElementSibling?.classList.contains('lot-reason-row')) return;
      const { row, input } = reasonRow(lot);
      tr.after(row);
      input.focus();
    });
    return el('td', { class: 'row-actions' }, quarantine);
  }

  async function openEvidence(lot) {
    disposeEvidence();
    for (const tr of rows.querySelectorAll('tr[aria-selected="true"]')) tr.setAttribute('aria-selected', 'false');
    rows.querySelector(`tr[data-key="${CSS.escape(`${lot.gtin}/${lot.batch}`)}"]`)?.setAttribute('aria-selected', 'true');
    disposeEvidence = await showLotEvidence(evidence, { gtin: lot.gtin, batch: lot.batch, title: `${itemLabel(items, lot.gtin)} batch ${lot.batch}`, locations });
    evidence.scrollIntoView({ block: 'nearest' });
  }

  function render(lots) {
    const now = Date.now();
    const sorted = [...lots].sort((a, b) => a.expiry.localeCompare(b.expiry) || a.batch.localeCompare(b.batch));
    if (sorted.length === 0) {
      rows.replaceChildren(el('tr', {}, el('td', { class: 'empty', colspan: columns, text: 'No lots in master data.' })));
      return;
    }
    rows.replaceChildren(...sorted.map((lot) => {
      const days = daysLeft(lot.expiry, now);
      const tr = el('tr', { class: 'lot-row', tabindex: 0, 'aria-selected': 'false', dataset: { key: `${lot.gtin}/${lot.batch}`, status: lot.status } },
        el('td', { text: itemLabel(items, lot.gtin) }),
        el('td', { text: lot.batch }),
        el('td', { text: lot.expiry }),
        el('td', { class: `num${days < 0 ? ' is-alarm' : ''}`, text: formatDaysLeft(days) }),
        el('td', { class: 'lot-status' },
          el('span', { class: `quality ${lot.status === 'quarantined' ? 'q-bad' : 'q-good'}`, text: lot.status === 'quarantined' ? '✕ quarantined' : '✓ released' }),
          lot.status === 'quarantined' && lot.reason ? el('span', { class: 'lot-reason-text', text: ` ${lot.reason}` }) : null));
      if (manage) tr.append(actions(lot, tr));
      tr.addEventListener('click', () => openEvidence(lot));
      tr.addEventListener('keydown', (event) => { if (event.key === 'Enter' && event.target === tr) openEvidence(lot); });
      return tr;
    }));
  }

  async function refresh() {
    const outcome = apiOutcome(await api('GET', '/api/master-data/lot'));
    if (!outcome.ok) {
      rows.replaceChildren(el('tr', {}, el('td', { class: 'empty', colspan: columns, text: `Cannot load the lots: ${outcome.message}` })));
      return;
    }
    render(outcome.body.records.map((record) => record.value));
  }

  [items, locations] = await Promise.all([loadItemNames(), loadMasterData('location')]);
  await refresh();
}
