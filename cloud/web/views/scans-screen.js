// The scans screen (inventory.read): the live feed of scans with the gateways' verdicts, polled
// every second with GET /api/scans?after=<lastSeq> (newest on top, the last 500 kept), filtered
// by verdict, device and location on the server; the prompt the operator saw in English or
// Chinese; and the reconciliation alerts (scans a gateway allowed, offline, of a lot the cloud
// had quarantined meanwhile).
import { api, apiOutcome } from './api.js';
import { el, setAttr, setText } from './dom.js';
import { formatTime } from './format.js';
import { itemLabel, loadItemNames, verdictBadge } from './inventory-format.js';

const POLL_MS = 1000;
const ALERTS_EVERY_POLLS = 5;
export const SCANS_KEPT = 500;

const OFFLINE_TITLE = 'The gateway decided this while its link to the cloud was down; it arrived when the link came back.';

export async function startScans() {
  const root = document.getElementById('scans-root');
  const status = el('p', { class: 'hint', id: 'scans-status', role: 'status', 'aria-live': 'polite' });
  const rows = el('tbody', { id: 'scan-rows' });
  const alertList = el('ul', { class: 'scan-alerts', id: 'scan-alerts' });
  const devices = el('datalist', { id: 'scan-devices' });
  const locations = el('datalist', { id: 'scan-locations' });
  const filter = el('form', { class: 'audit-filter scan-filter', id: 'scan-filter' },
    el('label', {}, 'Verdict', el('select', { name: 'verdict' },
      el('option', { value: '', text: 'any' }), ...['allow', 'warn', 'block'].map((v) => el('option', { value: v, text: v })))),
    el('label', {}, 'Device', el('input', { name: 'device', list: 'scan-devices', maxlength: 64, placeholder: 'e.g. pda-01', autocomplete: 'off', spellcheck: 'false' })),
    el('label', {}, 'Location', el('input', { name: 'location', list: 'scan-locations', maxlength: 64, placeholder: 'e.g. B12', autocomplete: 'off', spellcheck: 'false' })),
    el('button', { type: 'submit', class: 'primary', text: 'Filter' }),
    devices, locations);
  const langButtons = el('div', { class: 'ranges', role: 'group', 'aria-label': 'Prompt language' },
    el('button', { type: 'button', class: 'range', dataset: { lang: 'en' }, text: 'EN' }),
    el('button', { type: 'button', class: 'range', dataset: { lang: 'zh' }, text: '中文' }));
  const table = el('table', { class: 'readings scan-feed', dataset: { lang: 'en' } },
    el('thead', {}, el('tr', {},
      ...['Time', 'Verdict', 'Operator', 'Device', 'Op', 'Location', 'Item / batch', 'Reasons', 'Prompt'].map((text) => el('th', { scope: 'col', text })))),
    rows);
  root.replaceChildren(
    el('div', { class: 'scans-layout' },
      el('div', { class: 'scans-main' },
        el('div', { class: 'chart-head' }, filter, langButtons),
        status,
        table),
      el('aside', { class: 'side-panel scan-alerts-panel', 'aria-labelledby': 'scan-alerts-title' },
        el('h3', { id: 'scan-alerts-title', text: 'Reconciliation alerts' }),
        el('p', { class: 'hint', text: 'Scans a gateway allowed while it was offline, of a lot the cloud had quarantined meanwhile.' }),
        alertList)));

  const items = await loadItemNames();
  const seenDevices = new Set();
  const seenLocations = new Set();
  let query = {};
  let lastSeq = null;
  let generation = 0;
  let polls = 0;

  function setLang(lang) {
    table.dataset.lang = lang;
    for (const button of langButtons.children) setAttr(button, 'aria-pressed', String(button.dataset.lang === lang));
  }
  for (const button of langButtons.children) button.addEventListener('click', () => setLang(button.dataset.lang));
  setLang('en');

  function scanRow(scan) {
    const item = scan.gtin ? itemLabel(items, scan.gtin) : scan.code;
    const lot = [scan.batch && `batch ${scan.batch}`, scan.serial && `serial ${scan.serial}`, scan.qty !== null && `qty ${scan.qty}`].filter(Boolean).join(' · ');
    return el('tr', { dataset: { scanId: scan.id, verdict: scan.verdict, seq: String(scan.seq) } },
      el('td', { class: 'num', text: formatTime(scan.at), title: `scanned ${new Date(scan.at).toISOString()}, reached the cloud ${new Date(scan.receivedAt).toISOString()}` }),
      el('td', {}, verdictBadge(scan.verdict),
        scan.offline ? el('span', { class: 'offline-mark', title: OFFLINE_TITLE, text: 'offline' }) : null),
      el('td', { text: scan.operator }),
      el('td', { text: scan.device, title: `${scan.group}/${scan.edge}` }),
      el('td', { text: scan.op }),
      el('td', { text: scan.location ?? '—' }),
      el('td', {}, el('span', { class: 'scan-item', text: item, title: scan.code }), lot ? el('span', { class: 'scan-lot', text: lot }) : null),
      el('td', {}, el('ul', { class: 'scan-reasons' }, ...scan.reasons.map((reason) =>
        el('li', {}, el('code', { text: reason.code }), ` ${reason.message}`)))),
      el('td', { class: 'scan-prompt' },
        el('span', { lang: 'en', text: scan.prompt.en }),
        el('span', { lang: 'zh', text: scan.prompt.zh })));
  }

  function remember(scans) {
    for (const scan of scans) {
      if (!seenDevices.has(scan.device)) { seenDevices.add(scan.device); devices.append(el('option', { value: scan.device })); }
      if (scan.location && !seenLocations.has(scan.location)) { seenLocations.add(scan.location); locations.append(el('option', { value: scan.location })); }
    }
  }

  /** `newestFirst` scans on top of those shown; only the newest SCANS_KEPT stay. */
  function prepend(newestFirst) {
    remember(newestFirst);
    rows.querySelector('tr.empty-row')?.remove();
    rows.prepend(...newestFirst.map(scanRow));
    while (rows.children.length > SCANS_KEPT) rows.lastElementChild.remove();
    if (rows.children.length === 0) {
      rows.append(el('tr', { class: 'empty-row' }, el('td', {
        class: 'empty', colspan: 9,
        text: Object.keys(query).length ? 'No scans match this filter yet.' : 'No scans yet. They appear here as gateways decide them.',
      })));
    }
  }

  const url = (extra) => `/api/scans?${new URLSearchParams({ ...query, ...extra })}`;

  async function reload() {
    const mine = ++generation;
    lastSeq = null;
    const outcome = apiOutcome(await api('GET', url({ limit: String(SCANS_KEPT) })));
    if (mine !== generation) return;
    rows.replaceChildren();
    if (!outcome.ok) {
      setText(status, `Cannot load the scans: ${outcome.message}`);
      return;
    }
    lastSeq = outcome.body.lastSeq;
    prepend(outcome.body.scans);
    setText(status, `live · ${formatTime(Date.now())}`);
  }

  async function pollFeed() {
    if (lastSeq === null) return reload();
    const mine = generation;
    const outcome = apiOutcome(await api('GET', url({ after: String(lastSeq), limit: String(SCANS_KEPT) })));
    if (mine !== generation) return; // the filter changed meanwhile
    if (!outcome.ok) {
      setText(status, `connection lost · retrying (${outcome.message})`);
      return;
    }
    lastSeq = outcome.body.lastSeq;
    prepend([...outcome.body.scans].reverse()); // the feed comes oldest first
    setText(status, `live · ${formatTime(Date.now())}`);
  }

  async function refreshAlerts() {
    const outcome = apiOutcome(await api('GET', '/api/scans/alerts'));
    if (!outcome.ok) {
      alertList.replaceChildren(el('li', { class: 'form-error', text: `Cannot load the alerts: ${outcome.message}` }));
      return;
    }
    const { alerts } = outcome.body;
    if (alerts.length === 0) {
      alertList.replaceChildren(el('li', { class: 'empty', text: 'No alerts.' }));
      return;
    }
    alertList.replaceChildren(...alerts.map((alert) => el('li', { class: 'scan-alert', dataset: { alertId: String(alert.id), kind: alert.kind } },
      el('p', { class: 'scan-alert-message', text: alert.message }),
      el('p', { class: 'scan-alert-meta', text: `${itemLabel(items, alert.gtin)} batch ${alert.batch} · ${alert.scans.length} scan${alert.scans.length === 1 ? '' : 's'} · raised ${formatTime(alert.createdAt)}${alert.updatedAt !== alert.createdAt ? `, last ${formatTime(alert.updatedAt)}` : ''}` }),
      el('p', { class: 'scan-alert-scans', text: alert.scans.join(', ') }))));
  }

  async function poll() {
    try {
      await pollFeed();
      if (polls++ % ALERTS_EVERY_POLLS === 0) await refreshAlerts();
    } catch (error) {
      setText(status, `connection lost · retrying (${error.message})`);
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    const form = new FormData(filter);
    query = Object.fromEntries([...form].map(([key, value]) => [key, String(value).trim()]).filter(([, value]) => value !== ''));
    reload().catch((error) => setText(status, `Cannot load the scans: ${error.message}`));
  });

  await poll();
}
