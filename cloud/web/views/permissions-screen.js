// The permissions screen: the role x permission matrix. Roles holding permissions.manage can
// toggle and save (PUT /api/permissions, recorded in the audit log); everyone else reads it.
import { api } from './api.js';
import { el, setText } from './dom.js';

const table = document.getElementById('matrix');
const note = document.getElementById('permissions-note');
const save = document.getElementById('matrix-save');
const status = document.getElementById('matrix-status');

function render(doc) {
  const head = el('tr', {}, el('th', { scope: 'col', text: 'Permission' }),
    ...doc.roles.map((role) => el('th', { scope: 'col', title: role.description, dataset: { role: role.id }, text: role.id.replaceAll('_', ' ') })));
  const rows = doc.permissions.map((permission) => el('tr', { dataset: { permission: permission.id } },
    el('th', { scope: 'row' }, el('code', { text: permission.id }), el('span', { class: 'description', text: permission.description })),
    ...doc.roles.map((role) => el('td', {}, el('input', {
      type: 'checkbox',
      checked: doc.matrix[role.id].includes(permission.id),
      disabled: !doc.editable,
      'aria-label': `${role.id} holds ${permission.id}`,
      dataset: { role: role.id, permission: permission.id },
    })))));
  table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
}

function currentMatrix(doc) {
  const matrix = Object.fromEntries(doc.roles.map((role) => [role.id, []]));
  for (const box of table.querySelectorAll('input[type=checkbox]:checked')) matrix[box.dataset.role].push(box.dataset.permission);
  return matrix;
}

export async function startPermissions() {
  const { status: code, body: doc } = await api('GET', '/api/permissions');
  if (code !== 200) return setText(status, doc?.message ?? `Cannot load the matrix (HTTP ${code}).`);
  render(doc);
  setText(note, doc.editable
    ? 'Tick what each role may do, then save. Every change is recorded in the audit log with the matrix before and after.'
    : 'Read-only: your role cannot change permissions. Ask an admin for changes.');
  save.hidden = !doc.editable;
  save.addEventListener('click', async () => {
    setText(status, 'Saving…');
    const { status: saved, body } = await api('PUT', '/api/permissions', { matrix: currentMatrix(doc) });
    if (saved !== 200) return setText(status, `Not saved: ${body?.message ?? `HTTP ${saved}`}`);
    render(body);
    setText(status, 'Saved.');
  });
}
