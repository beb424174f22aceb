// The molding machines (GET /api/tooling/machines): the mold mounted on each, since when, and its
// shot counter as the edge last reported it. Roles with tooling.manage mount a mold on a machine
// (or unmount it) with POST /api/tooling/machines/:id/mount; the API's refusal is shown in its words.
import { api, apiOutcome } from './api.js';
import { el, setText } from './dom.js';
import { formatAge, formatTime } from './format.js';

const count = new Intl.NumberFormat('en-US');

/**
 * Fills `tbody` with the machines.
 * @param {HTMLElement} tbody
 * @param {any[]} machines
 * @param {{ manage: boolean, molds: any[], status: HTMLElement, onChanged: () => Promise<void> }} options
 */
export function renderMachines(tbody, machines, { manage, molds, status, onChanged }) {
  const columns = manage ? 5 : 4;
  if (machines.length === 0) {
    tbody.replaceChildren(el('tr', {}, el('td', { class: 'empty', colspan: columns, text: 'No machines registered yet (PUT /api/tooling/machines/:id).' })));
    return;
  }
  const now = Date.now();
  tbody.replaceChildren(...machines.map((machine) => {
    const counter = machine.lastCounter;
    const tr = el('tr', { dataset: { machine: machine.id } },
      el('th', { scope: 'row', text: machine.name ? `${machine.id} · ${machine.name}` : machine.id }),
      el('td', { class: 'machine-mold', text: machine.mold ?? '— none' }),
      el('td', { text: machine.mountedAt === null ? '—' : formatTime(machine.mountedAt) }),
      el('td', { class: 'num machine-shots', title: counter ? formatTime(counter.ts) : 'no counter sample yet' },
        counter ? `${count.format(counter.value)} ` : 'no sample yet',
        counter ? el('span', { class: 'machine-shots-age', text: `(${formatAge(now - counter.ts)})` }) : null));
    if (manage) tr.append(el('td', { class: 'row-actions' }, mountForm(machine, molds, status, onChanged)));
    return tr;
  }));
}

function mountForm(machine, molds, status, onChanged) {
  const select = el('select', { name: 'mold', 'aria-label': `Mold to mount on ${machine.id}` },
    el('option', { value: '', text: '— unmount' }),
    ...molds.map((mold) => el('option', { value: mold.id, text: `${mold.id} · ${mold.name}`, selected: mold.id === machine.mold })));
  const form = el('form', { class: 'inline-form machine-mount' }, select, el('button', { type: 'submit', class: 'secondary', text: 'Mount' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const mold = select.value === '' ? null : select.value;
    setText(status, mold ? `Mounting ${mold} on ${machine.id}…` : `Unmounting ${machine.mold ?? 'the mold'} from ${machine.id}…`);
    const outcome = apiOutcome(await api('POST', `/api/tooling/machines/${encodeURIComponent(machine.id)}/mount`, { mold }));
    if (!outcome.ok) return setText(status, `Not done: ${outcome.message}`);
    setText(status, mold ? `Mounted ${mold} on ${machine.id}: its shots now count on ${mold} and everything in it.` : `Unmounted the mold from ${machine.id}.`);
    await onChanged();
  });
  return form;
}
