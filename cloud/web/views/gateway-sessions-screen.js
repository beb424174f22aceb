// The Gateways screen (telemetry.read): each gateway's Sparkplug session as the cloud follows it
// (online or offline, bdSeq, last birth), how much its outbox holds and still has to replay, what
// the byte budget dropped, seq gaps, and its devices. Polls GET /api/gateways/sessions every 2 s;
// rows are updated in place, so an unchanged gateway does not touch the DOM.
import { api } from './api.js';
import { el, setAttr, setClass, setText } from './dom.js';
import { formatAge, formatTime } from './format.js';

const POLL_MS = 2000;

const rows = document.getElementById('gateway-session-rows');
const status = document.getElementById('gateway-sessions-status');
const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const bytesFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** 1536 -> "1.5 KiB". */
function formatBytes(bytes) {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${bytesFormat.format(value)} ${units[unit]}`;
}

const figure = (value) => (value === null ? '—' : numberFormat.format(value));

/** One table row per gateway, keyed by "group/edge"; its cells are kept and rewritten. */
function createRow(id) {
  const cell = (field, cls) => el('td', { class: cls, dataset: { field } });
  const badge = el('span', { class: 'session-badge' });
  const fill = el('span', { class: 'fill' });
  const bar = el('span', { class: 'fill-bar', role: 'meter', 'aria-valuemin': 0 }, fill);
  const outboxText = el('span', { class: 'fill-text' });
  const row = el('tr', { dataset: { gateway: id } },
    cell('gateway', 'gateway-name'),
    el('td', { dataset: { field: 'session' } }, badge),
    cell('bdSeq', 'num'),
    cell('lastBirth'),
    cell('backlog', 'num'),
    el('td', { class: 'outbox', dataset: { field: 'outbox' } }, bar, outboxText),
    cell('dropped', 'num'),
    cell('seqGaps', 'num'),
    el('td', { class: 'devices', dataset: { field: 'devices' } }));
  return { row, badge, bar, fill, outboxText };
}

function updateRow(parts, gateway, now) {
  const { row, badge, bar, fill, outboxText } = parts;
  const field = (name) => row.querySelector(`[data-field="${name}"]`);
  setText(field('gateway'), `${gateway.group} / ${gateway.edge}`);
  setAttr(row, 'data-online', String(gateway.online));
  setText(badge, gateway.online ? '● online' : '○ offline');
  setClass(badge, 'is-online', gateway.online);
  setClass(badge, 'is-offline', !gateway.online);
  setAttr(badge, 'title', gateway.online || gateway.lastDeathAt === null ? '' : `offline since ${formatTime(gateway.lastDeathAt, now)}`);
  setText(field('bdSeq'), gateway.bdSeq === null ? '—' : String(gateway.bdSeq));
  const lastBirth = field('lastBirth');
  setText(lastBirth, gateway.lastBirthAt === null ? 'never' : formatAge(Math.max(0, now - gateway.lastBirthAt)));
  setAttr(lastBirth, 'title', gateway.lastBirthAt === null ? '' : formatTime(gateway.lastBirthAt, now));
  setText(field('backlog'), figure(gateway.backlogRows));

  const { outboxBytes: bytes, outboxMaxBytes: max } = gateway;
  const known = bytes !== null && max !== null && max > 0;
  const percent = known ? Math.min(100, Math.round((bytes / max) * 100)) : 0;
  // CSSOM, not a style attribute: the content security policy allows no inline styles.
  if (fill.style.width !== `${percent}%`) fill.style.width = `${percent}%`;
  setAttr(bar, 'aria-valuemax', known ? String(max) : '0');
  setAttr(bar, 'aria-valuenow', known ? String(bytes) : '0');
  setClass(bar, 'is-high', percent >= 80);
  setText(outboxText, known ? `${formatBytes(bytes)} of ${formatBytes(max)} (${percent} %)` : '—');
  bar.hidden = !known;

  const dropped = field('dropped');
  setText(dropped, figure(gateway.droppedRows));
  setClass(dropped, 'is-alarm', (gateway.droppedRows ?? 0) > 0);
  setAttr(dropped, 'title', (gateway.droppedRows ?? 0) > 0 ? 'Rows the outbox dropped because its byte budget was full: data lost at the gateway.' : '');
  const gaps = field('seqGaps');
  setText(gaps, numberFormat.format(gateway.seqGaps));
  setClass(gaps, 'is-warn', gateway.seqGaps > 0);

  const devicesText = gateway.devices.map((d) => `${d.name}:${d.online}`).join(',');
  const devices = field('devices');
  if (devices.dataset.text !== devicesText) {
    devices.dataset.text = devicesText;
    devices.replaceChildren(...(gateway.devices.length === 0
      ? [el('span', { class: 'muted', text: 'none' })]
      : gateway.devices.map((d) => el('span', {
        class: `device-chip ${d.online ? 'is-online' : 'is-offline'}`,
        dataset: { device: d.name, online: String(d.online) },
        text: `${d.online ? '●' : '○'} ${d.name}`,
        title: d.online ? 'online' : 'offline',
      }))));
  }
}

const known = new Map();

function render(gateways, now) {
  if (gateways.length === 0) {
    known.clear();
    rows.replaceChildren(el('tr', {}, el('td', {
      class: 'empty', colspan: 9,
      text: 'No gateway has started a Sparkplug session with this cloud yet. One appears here once it has published its birth (NBIRTH).',
    })));
    return;
  }
  const ordered = gateways.map((gateway) => {
    const id = `${gateway.group}/${gateway.edge}`;
    let parts = known.get(id);
    if (!parts) known.set(id, parts = createRow(id));
    updateRow(parts, gateway, now);
    return parts.row;
  });
  const ids = new Set(gateways.map((g) => `${g.group}/${g.edge}`));
  for (const id of known.keys()) if (!ids.has(id)) known.delete(id);
  const same = ordered.length === rows.children.length && ordered.every((row, i) => rows.children[i] === row);
  if (!same) rows.replaceChildren(...ordered);
}

async function poll() {
  try {
    const { status: code, body } = await api('GET', '/api/gateways/sessions');
    if (code !== 200) throw new Error(body?.message ?? `HTTP ${code} from /api/gateways/sessions`);
    render(body.gateways, body.now);
    const online = body.gateways.filter((g) => g.online).length;
    setText(status, `${online} of ${body.gateways.length} gateway${body.gateways.length === 1 ? '' : 's'} online · updated ${formatTime(body.now)}`);
    setAttr(status, 'data-state', 'live');
  } catch (error) {
    setText(status, `Cannot reach the cloud: ${error.message ?? error}; retrying`);
    setAttr(status, 'data-state', 'lost');
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

export function startGatewaySessions() {
  poll();
}
