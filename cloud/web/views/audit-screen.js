// The audit log screen: filter by actor, action and time, read the newest entries, export CSV.
import { api } from './api.js';
import { el, setText } from './dom.js';
import { formatTime } from './format.js';

/** The server's audit actions (cloud/auth/audit-log.ts); a test keeps the two equal. */
export const AUDIT_ACTIONS = [
  'session.login', 'session.logout', 'session.password_change', 'token.create', 'token.revoke',
  'permissions.update', 'user.create', 'user.bootstrap', 'user.update', 'user.password_reset', 'gateway.credential.rotate',
  'gateway.config.push', 'gateway.config.rollback', 'gateway.certificate.trust', 'tag.write',
  'rules.pack.create', 'rules.pack.shadow', 'rules.pack.promote', 'rules.pack.rollback',
  'masterdata.seed', 'masterdata.put', 'masterdata.delete', 'lot.quarantine', 'lot.release', 'device.create', 'device.rotate', 'device.update',
];

const form = document.getElementById('audit-filter');
const body = document.getElementById('audit-rows');
const status = document.getElementById('audit-status');
const exportLink = document.getElementById('audit-export');

function query() {
  const params = new URLSearchParams();
  const value = (name) => form.elements.namedItem(name).value.trim();
  if (value('actor')) params.set('actor', value('actor'));
  if (value('action')) params.set('action', value('action'));
  // datetime-local has no zone: read it as the browser's local time and send an explicit instant
  for (const bound of ['from', 'to']) if (value(bound)) params.set(bound, new Date(value(bound)).toISOString());
  return params;
}

const details = (entry) => [entry.before === null ? '' : `before ${JSON.stringify(entry.before)}`, entry.after === null ? '' : `after ${JSON.stringify(entry.after)}`]
  .filter(Boolean).join(' · ');

async function refresh() {
  const params = query();
  exportLink.href = `/api/audit/export.csv${params.size ? `?${params}` : ''}`;
  const { status: code, body: entries } = await api('GET', `/api/audit${params.size ? `?${params}` : ''}`);
  if (code !== 200) return setText(status, entries?.message ?? `Cannot load the audit log (HTTP ${code}).`);
  setText(status, `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, newest first`);
  body.replaceChildren(...entries.map((entry) => el('tr', { dataset: { action: entry.action, outcome: entry.outcome } },
    el('td', { class: 'num', text: formatTime(entry.at) }),
    el('td', { text: entry.actor ?? '—' }),
    el('td', { text: entry.action }),
    el('td', { text: entry.outcome }),
    el('td', { text: entry.target ?? '' }),
    el('td', { text: entry.ip ?? '' }),
    el('td', { class: 'details', text: details(entry) }))));
}

export async function startAudit() {
  const select = form.elements.namedItem('action');
  select.append(...AUDIT_ACTIONS.map((action) => el('option', { value: action, text: action })));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    refresh();
  });
  await refresh();
}
