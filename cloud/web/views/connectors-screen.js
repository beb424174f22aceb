// The connectors screen: pick a gateway, see its connectors with their link state, edit them
// (connector-form.js), push the result as a new configuration version and see whether the gateway
// applied it; the version history with roll back, and the gateway's OPC UA certificates.
// Everyone with telemetry.read reads it; editing needs connectors.manage, writes tags.write.
import { el, setText } from './dom.js';
import { ConnectorForm } from './connector-form.js';
import { showCertificates } from './certificates-panel.js';
import { showHistory } from './config-history.js';
import { formatAge, formatTime } from './format.js';
import { connectorSchema, latestOf, listGateways, pushConfig, readConfig } from './gateway-client.js';
import { sameValue, validate, variantNames, variantOf } from './schema-form.js';

const LINK_POLL_MS = 3000;

/** Where each protocol connects to, for the list. */
const ENDPOINTS = {
  modbus: (c) => (c.connection?.transport === 'rtu' ? `${c.connection.path} (RTU)` : `${c.connection?.host}:${c.connection?.port ?? 502}`),
  s7: (c) => `${c.connection?.host}:${c.connection?.port ?? 102} rack ${c.connection?.rack ?? 0} slot ${c.connection?.slot ?? 1}`,
  opcua: (c) => c.endpoint,
};

/** A new connector's starting point: enough for the form to show every field. */
const BLANKS = {
  modbus: { connection: { transport: 'tcp', host: '', port: 502 }, unitId: 1 },
  s7: { connection: { host: '', port: 102, rack: 0, slot: 1 } },
  opcua: { endpoint: 'opc.tcp://' },
};

const PUSH_OUTCOMES = {
  applied: (v) => `Pushed as v${v}: the gateway applied it.`,
  pending: (v) => `Pushed as v${v}: pending. The gateway has not acknowledged it; it gets v${v} again when it next reports.`,
  failed: (v) => `Pushed as v${v}, but the gateway could not apply it; it keeps running its previous version.`,
};

const outcomeText = (version, outcome, timedOut) => (PUSH_OUTCOMES[outcome]?.(version) ?? `Pushed as v${version}: ${outcome}.`)
  + (outcome === 'pending' && timedOut ? ' (It did not answer in time.)' : '');

const STATUS_TEXT = { 'in-sync': 'in sync', pending: 'pending', failed: 'failed', unknown: 'unknown' };

const clone = (value) => structuredClone(value);
const gatewayKey = (g) => `${g.group}/${g.edge}`;
/** An API time, epoch ms or ISO 8601, as epoch ms. */
const toMs = (time) => (typeof time === 'number' ? time : Date.parse(time));
const describeError = (error) => (typeof error === 'string' ? error : error ? `${error.code ?? 'ERROR'}: ${error.message ?? ''}` : '');

export async function startConnectors(me) {
  const root = document.getElementById('connectors-root');
  const canManage = me.permissions.includes('connectors.manage');
  const canWrite = me.permissions.includes('tags.write');
  const state = { gateways: [], gateway: null, loaded: null, draft: [], problems: [], links: new Map(), editor: null };

  const status = el('p', { class: 'hint', id: 'connectors-status', role: 'status' });
  const picker = el('select', { id: 'gateway-select', 'aria-label': 'Gateway' });
  const gatewayState = el('span', { class: 'gateway-state', id: 'gateway-state' });
  const list = el('tbody', { id: 'connector-rows' });
  const problemList = el('ul', { class: 'form-problems', id: 'push-problems', hidden: true, role: 'alert' });
  const pushResult = el('div', { class: 'push-result', id: 'push-result', role: 'status', 'aria-live': 'polite' });
  const editorSlot = el('div', { id: 'connector-editor' });
  const panel = el('section', { class: 'side-panel', id: 'connectors-panel', hidden: true });
  const comment = el('input', { type: 'text', id: 'push-comment', maxlength: '500', placeholder: 'What changed and why (optional)', 'aria-label': 'Comment for this version' });
  const protocolChoice = el('select', { id: 'new-protocol', 'aria-label': 'Protocol of the new connector' });
  const push = el('button', { type: 'button', class: 'primary', id: 'push', text: 'Push to gateway' });
  const draftState = el('span', { class: 'draft-state', id: 'draft-state' });

  root.replaceChildren(
    el('div', { class: 'gateway-bar' }, el('label', { class: 'field inline' }, el('span', { class: 'field-name', text: 'Gateway' }), picker), gatewayState,
      el('span', { class: 'bar-buttons' },
        el('button', { type: 'button', id: 'show-history', text: 'History', on: { click: () => togglePanel('history') } }),
        canManage && el('button', { type: 'button', id: 'show-certificates', text: 'Certificates', on: { click: () => togglePanel('certificates') } }))),
    status,
    el('div', { class: 'connectors-layout' },
      el('div', { class: 'connectors-main' },
        el('table', { class: 'readings connector-list' },
          el('thead', {}, el('tr', {}, ...['Name', 'Protocol', 'Connects to', 'Tags', 'Link', 'Changes', ''].map((text) => el('th', { scope: 'col', text })))),
          list),
        canManage && el('div', { class: 'push-bar' },
          el('span', { class: 'add-connector' }, protocolChoice, el('button', { type: 'button', id: 'add-connector', text: 'Add connector', on: { click: () => addConnector() } })),
          comment, push,
          el('button', { type: 'button', id: 'discard-all', text: 'Discard all changes', on: { click: () => { state.draft = draftOf(state.loaded); closeEditor(); setProblems([]); renderList(); } } }),
          draftState),
        problemList, pushResult, editorSlot),
      panel));

  const schemaAnswer = await connectorSchema();
  if (!schemaAnswer.ok) return setText(status, `Cannot load the connector schema: ${schemaAnswer.message}`);
  const schema = schemaAnswer.body;
  protocolChoice.append(...variantNames(schema).map((name) => el('option', { value: name, text: name })));

  // -- gateways ---------------------------------------------------------------------------------

  async function loadGateways() {
    const answer = await listGateways();
    if (!answer.ok) { setText(status, `Cannot list the gateways: ${answer.message}`); return false; }
    state.gateways = answer.body.gateways ?? [];
    const chosen = state.gateway ? gatewayKey(state.gateway) : new URLSearchParams(location.hash.slice(1)).get('gateway');
    picker.replaceChildren(...state.gateways.map((g) => el('option', { value: gatewayKey(g), text: `${g.group} / ${g.edge}${g.online ? '' : ' (offline)'}` })));
    const found = state.gateways.find((g) => gatewayKey(g) === chosen) ?? state.gateways[0];
    if (found) picker.value = gatewayKey(found);
    state.gateway = found ?? null;
    renderGatewayState();
    return true;
  }

  function renderGatewayState() {
    const g = state.gateways.find((each) => state.gateway && gatewayKey(each) === gatewayKey(state.gateway));
    if (!g) return setText(gatewayState, '');
    const seen = g.lastSeenAt ? `last seen ${formatAge(Date.now() - toMs(g.lastSeenAt))}` : 'never seen';
    const text = [g.online ? 'online' : `offline, ${seen}`, `desired v${g.desiredVersion ?? '–'}`, `applied v${g.appliedVersion ?? '–'}`, STATUS_TEXT[g.status] ?? g.status]
      .join(' · ') + (g.status === 'failed' && g.lastError ? `: ${describeError(g.lastError)}` : '');
    gatewayState.dataset.status = g.status ?? '';
    setText(gatewayState, text);
  }

  picker.addEventListener('change', async () => {
    if (dirty() && !window.confirm('Your unpushed changes to this gateway will be lost. Switch anyway?')) {
      picker.value = gatewayKey(state.gateway);
      return;
    }
    state.gateway = state.gateways.find((g) => gatewayKey(g) === picker.value);
    history.replaceState(null, '', `#${new URLSearchParams({ gateway: picker.value })}`);
    pushResult.replaceChildren();
    await loadConfig();
  });

  // -- configuration ----------------------------------------------------------------------------

  const draftOf = (loaded) => (loaded?.connectors ?? []).map((connector) => ({ connector: clone(connector), origin: connector.name }));
  const loadedByName = (name) => state.loaded?.connectors.find((c) => c.name === name) ?? null;
  const dirty = () => state.loaded && !sameValue(state.draft.map((d) => d.connector), state.loaded.connectors);

  async function loadConfig() {
    closeEditor();
    panel.hidden = true;
    setProblems([]);
    if (!state.gateway) {
      list.replaceChildren(el('tr', {}, el('td', { colspan: '7', class: 'empty', text: 'No gateway has reported to this cloud yet. A gateway appears here once it has connected to the broker.' })));
      return;
    }
    setText(status, 'Loading the configuration…');
    if (!(await refreshLoaded())) return;
    state.draft = draftOf(state.loaded);
    renderList();
    await refreshLinks();
  }

  /** Re-reads the latest version without touching the draft. */
  async function refreshLoaded() {
    const answer = await readConfig(state.gateway);
    if (!answer.ok) { setText(status, `Cannot load the configuration: ${answer.message}`); return false; }
    state.loaded = answer.body;
    const { version, appliedVersion } = state.loaded;
    setText(status, `Version v${version}${appliedVersion === version ? ', running on the gateway' : `; the gateway runs v${appliedVersion ?? '–'}`}${state.loaded.status === 'failed' ? '; the gateway refused this version' : ''}.`);
    return true;
  }

  function changeOf(entry) {
    if (!entry.origin) return 'new';
    return sameValue(entry.connector, loadedByName(entry.origin)) ? '' : 'changed';
  }

  function renderList() {
    const rows = state.draft.map((entry, index) => {
      const c = entry.connector;
      const problems = state.problems.filter((p) => p.index === index).length;
      const change = changeOf(entry);
      return el('tr', { dataset: { connector: c.name, change } },
        el('td', { class: 'connector-name', text: c.name }),
        el('td', {}, el('span', { class: 'protocol', text: c.protocol })),
        el('td', { text: ENDPOINTS[c.protocol]?.(c) ?? '' }),
        el('td', { class: 'num', text: String(c.tags?.length ?? 0) }),
        el('td', { class: 'link-state', dataset: { field: 'link' } }),
        el('td', {}, change ? el('span', { class: 'status-badge', text: change }) : null,
          problems ? el('span', { class: 'quality q-bad', text: `✕ ${problems} problem${problems === 1 ? '' : 's'}` }) : null),
        el('td', { class: 'row-actions' },
          el('button', { type: 'button', class: 'small', text: canManage ? 'Edit' : 'View', dataset: { action: 'edit' }, on: { click: () => openEditor(index) } }),
          canManage && el('button', { type: 'button', class: 'small danger', text: 'Remove', dataset: { action: 'remove' }, on: { click: () => removeConnector(index) } })));
    });
    const removed = (state.loaded?.connectors ?? []).filter((c) => !state.draft.some((entry) => entry.origin === c.name));
    rows.push(...removed.map((c) => el('tr', { class: 'removed', dataset: { connector: c.name, change: 'removed' } },
      el('td', { class: 'connector-name', text: c.name }), el('td', {}, el('span', { class: 'protocol', text: c.protocol })),
      el('td', { text: ENDPOINTS[c.protocol]?.(c) ?? '' }), el('td', { class: 'num', text: String(c.tags.length) }), el('td'),
      el('td', {}, el('span', { class: 'status-badge', text: 'removed' })),
      el('td', {}, el('button', { type: 'button', class: 'small', text: 'Undo', on: { click: () => undoRemove(c) } })))));
    if (!rows.length) rows.push(el('tr', {}, el('td', { colspan: '7', class: 'empty', text: canManage ? 'No connectors yet: add one below.' : 'No connectors.' })));
    list.replaceChildren(...rows);
    const changed = state.draft.filter((entry) => changeOf(entry)).map((entry) => `${entry.connector.name} (${changeOf(entry)})`)
      .concat(removed.map((c) => `${c.name} (removed)`));
    setText(draftState, changed.length ? `Not pushed yet: ${changed.join(', ')}` : '');
    renderLinks();
  }

  /** Puts a removed connector back where it was, so the list pushes in its old order. */
  function undoRemove(connector) {
    const at = state.loaded.connectors.indexOf(connector);
    state.draft.splice(Math.min(at, state.draft.length), 0, { connector: clone(connector), origin: connector.name });
    renderList();
  }

  // -- link state from telemetry ----------------------------------------------------------------

  async function refreshLinks() {
    if (!state.gateway) return;
    const answer = await latestOf(state.gateway);
    if (!answer.ok) return;
    const byDevice = new Map();
    for (const row of answer.body) byDevice.set(row.device, [...(byDevice.get(row.device) ?? []), row]);
    state.links = new Map([...byDevice].map(([device, rows]) => [device, linkOf(rows)]));
    renderLinks();
  }

  function linkOf(rows) {
    const newest = Math.max(...rows.map((r) => r.ts));
    const bad = rows.filter((r) => r.quality === 'bad');
    const age = formatAge(Date.now() - newest);
    if (bad.length === rows.length) {
      const code = bad.find((r) => r.error)?.error ?? 'bad';
      return { state: 'bad', text: `✕ ${code === 'LINK_DOWN' ? 'down' : code} · ${age}` };
    }
    if (bad.length) return { state: 'uncertain', text: `? up, ${bad.length} of ${rows.length} tags bad · ${age}` };
    return { state: 'good', text: `✓ up · ${age}` };
  }

  function renderLinks() {
    for (const row of list.querySelectorAll('tr[data-connector]')) {
      const cell = row.querySelector('[data-field=link]');
      if (!cell) continue;
      const link = state.links.get(row.dataset.connector);
      cell.dataset.state = link?.state ?? 'none';
      setText(cell, link?.text ?? (row.dataset.change === 'new' ? '' : 'no data yet'));
    }
  }

  // -- editing ----------------------------------------------------------------------------------

  function openEditor(index, entry = state.draft[index]) {
    closeEditor();
    const connector = entry.connector;
    const variant = variantOf(schema, connector.protocol);
    if (!variant) return setText(status, `This page has no form for protocol "${connector.protocol}"; known: ${variantNames(schema).join(', ')}.`);
    const stored = entry.origin && state.loaded.appliedVersion === state.loaded.version ? loadedByName(entry.origin) : null;
    const form = new ConnectorForm({
      variant, connector, stored, gateway: state.gateway, canManage, canWrite,
      onKeep: (kept) => {
        if (index === state.draft.length) state.draft.push(entry);
        entry.connector = kept;
        setProblems(state.problems.filter((p) => p.index !== index));
        closeEditor();
        renderList();
      },
      onClose: () => closeEditor(),
      onShowCertificates: () => showPanel('certificates'),
    });
    state.editor = { index, form };
    editorSlot.replaceChildren(form.node);
    const problems = state.problems.filter((p) => p.index === index).map((p) => ({ path: p.rest, message: p.message }));
    if (problems.length) form.showProblems(problems);
    form.node.scrollIntoView({ block: 'start' });
  }

  function closeEditor() {
    state.editor = null;
    editorSlot.replaceChildren();
  }

  function addConnector() {
    const protocol = protocolChoice.value;
    const taken = new Set(state.draft.map((entry) => entry.connector.name));
    let n = 1;
    while (taken.has(`${protocol}-${n}`)) n++;
    const entry = { connector: { name: `${protocol}-${n}`, protocol, ...clone(BLANKS[protocol] ?? {}), tags: [] }, origin: null };
    openEditor(state.draft.length, entry);
  }

  function removeConnector(index) {
    state.draft.splice(index, 1);
    setProblems([]);
    closeEditor();
    renderList();
  }

  // -- push -------------------------------------------------------------------------------------

  /** Problems as `{ index, rest, message, path }`, from paths like `connectors[2].tags[0].address`. */
  function setProblems(problems) {
    state.problems = problems.map((p) => {
      const match = /^connectors\[(\d+)\]\.?(.*)$/.exec(p.path ?? '');
      return match ? { ...p, index: Number(match[1]), rest: match[2] } : { ...p, index: -1, rest: p.path ?? '' };
    });
    problemList.hidden = state.problems.length === 0;
    problemList.replaceChildren(
      el('li', { class: 'summary-line', text: `Not pushed: ${state.problems.length} problem${state.problems.length === 1 ? '' : 's'} to fix first.` }),
      ...state.problems.map((p) => {
        const name = state.draft[p.index]?.connector.name;
        return el('li', {},
          el('span', { text: `${name ? `${name} › ${p.rest || '(connector)'}` : p.path || 'configuration'}: ${p.message}` }),
          name ? el('button', { type: 'button', class: 'small', text: 'Show', on: { click: () => openEditor(p.index) } }) : null);
      }));
  }

  function checkDraft() {
    const problems = [];
    const firstIndex = new Map();
    state.draft.forEach(({ connector }, i) => {
      problems.push(...validate(schema, connector, `connectors[${i}]`));
      if (firstIndex.has(connector.name)) problems.push({ path: `connectors[${i}].name`, message: `"${connector.name}" is already the name of another connector; names are Sparkplug device ids and must be unique` });
      else firstIndex.set(connector.name, i);
    });
    return problems;
  }

  push.addEventListener('click', async () => {
    if (state.editor && !state.editor.form.keep()) {
      return setText(pushResult, 'Not pushed: the open connector has problems (marked at their fields).');
    }
    if (!dirty() && state.loaded.appliedVersion === state.loaded.version) {
      return setText(pushResult, `Nothing to push: no changes since v${state.loaded.version}, which the gateway runs.`);
    }
    const problems = checkDraft();
    setProblems(problems);
    if (problems.length) return setText(pushResult, '');
    const before = state.loaded;
    const connectors = state.draft.map((entry) => entry.connector);
    setText(pushResult, 'Pushing…');
    push.disabled = true;
    const answer = await pushConfig(state.gateway, before.version, connectors, comment.value.trim() || undefined);
    push.disabled = false;
    if (!answer.ok) {
      // A refusal by the gateway is recorded as a failed version: edit on from that version.
      if (answer.body?.error === 'GATEWAY_REFUSED') await refreshLoaded();
      setProblems(answer.body?.problems ?? []);
      pushResult.replaceChildren(el('span', { class: 'push-outcome', dataset: { outcome: 'refused' }, text: `Not pushed: ${answer.message}` }),
        answer.body?.error === 'CONFLICT' ? el('button', { type: 'button', class: 'small', text: 'Reload the latest version', on: { click: () => loadConfig() } }) : null);
      return;
    }
    const { version, status: outcome, ack, timedOut } = answer.body;
    const added = addedTags(before.connectors, connectors);
    comment.value = '';
    await loadGateways();
    await loadConfig();
    pushResult.replaceChildren(
      el('span', { class: 'push-outcome', dataset: { outcome }, text: `${outcomeText(version, outcome, timedOut)}${ack?.ok ? ` ${appliedText(ack.result)}` : ''}` }),
      outcome === 'applied' && added.length ? el('span', { class: 'live-links' }, el('span', { text: 'See it live:' }),
        ...added.map(({ device, tag }) => el('a', { href: `/#${new URLSearchParams({ tag: `${state.gateway.group}/${state.gateway.edge}/${device}/${tag}` })}`, text: `${device}/${tag}` }))) : null);
  });

  /** What the gateway did with an applied version: "Restarted shelves; added press." */
  function appliedText(result) {
    const parts = [['restarted', 'Restarted'], ['added', 'Started'], ['removed', 'Stopped']]
      .filter(([key]) => result?.[key]?.length).map(([key, verb]) => `${verb} ${result[key].join(', ')}`);
    return parts.length ? `${parts.join('; ')}; the other connectors kept running.` : '';
  }

  /** Tags in `after` that `before` did not have, as { device, tag }. */
  function addedTags(before, after) {
    const had = new Set(before.flatMap((c) => c.tags.map((t) => `${c.name}\u0000${t.name}`)));
    return after.flatMap((c) => c.tags.filter((t) => !had.has(`${c.name}\u0000${t.name}`)).map((t) => ({ device: c.name, tag: t.name })));
  }

  // -- history and certificates -----------------------------------------------------------------

  async function togglePanel(which) {
    if (!panel.hidden && panel.dataset.panel === which) { panel.hidden = true; return; }
    return showPanel(which);
  }

  async function showPanel(which) {
    if (!state.gateway) return;
    panel.hidden = false;
    panel.dataset.panel = which;
    if (which === 'certificates') return showCertificates(panel, { gateway: state.gateway });
    return showHistory(panel, {
      gateway: state.gateway, currentVersion: state.loaded?.version, canManage,
      onRolledBack: async ({ version, status: outcome, timedOut }) => {
        await loadGateways();
        await loadConfig();
        setText(pushResult, `Rolled back: ${outcomeText(version, outcome, timedOut)}`);
      },
    });
  }

  if (await loadGateways()) await loadConfig();
  const poll = async () => {
    try {
      await refreshLinks();
      const before = state.gateway && state.gateways.find((g) => gatewayKey(g) === gatewayKey(state.gateway));
      const answer = await listGateways();
      if (answer.ok) {
        state.gateways = answer.body.gateways ?? [];
        renderGatewayState();
        const now = state.gateways.find((g) => state.gateway && gatewayKey(g) === gatewayKey(state.gateway));
        if (before && now && before.appliedVersion !== now.appliedVersion) setText(status, `The gateway now runs v${now.appliedVersion} (${formatTime(Date.now())}).`);
      }
    } finally {
      setTimeout(poll, LINK_POLL_MS);
    }
  };
  setTimeout(poll, LINK_POLL_MS);
}
