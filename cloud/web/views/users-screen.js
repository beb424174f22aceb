// The users screen: every account with its role and whether it is locked. Roles holding
// users.manage also create accounts, change roles, lock and unlock, and reset passwords (a new
// one-time password is shown once, here); roles with only users.read see the list. The server
// checks every change on its own (and keeps the last admin); this screen only offers them.
import { api } from './api.js';
import { el, setText } from './dom.js';
import { formatTime } from './format.js';
import { hideSecret, showSecretOnce } from './secret-once.js';

const rows = document.getElementById('users-rows');
const note = document.getElementById('users-note');
const status = document.getElementById('users-status');
const secretBox = document.getElementById('users-secret');
const createForm = document.getElementById('user-create');
const actionsHead = document.getElementById('users-actions-head');

const roleLabel = (role) => role.replaceAll('_', ' ');

/** What the Status column says: why logins are refused, or that the account is usable. */
function describeState(account) {
  const parts = [];
  if (account.lock?.by === 'admin') parts.push(`Locked by an admin since ${formatTime(account.lock.since)}`);
  else if (account.lock?.by === 'failed_logins') parts.push(`Locked after failed logins until ${formatTime(account.lock.until)}`);
  else parts.push('Active');
  if (account.mustChangePassword) parts.push('must choose a new password at the next login');
  return parts.join('; ');
}

export async function startUsers(me) {
  const manage = me.permissions.includes('users.manage');
  let roles = [];

  function roleSelect(current, label) {
    return el('select', { 'aria-label': label, dataset: { field: 'role' } },
      ...roles.map((role) => el('option', { value: role.id, title: role.description, selected: role.id === current, text: roleLabel(role.id) })));
  }

  /** Sends one change; on success says so and reloads the list, else shows the server's reason. */
  async function act(method, url, body, done) {
    setText(status, 'Saving…');
    const { status: code, body: answer } = await api(method, url, body);
    if (code < 200 || code > 299) return setText(status, `Not done: ${answer?.message ?? `HTTP ${code}`}`);
    setText(status, done(answer));
    await refresh();
    return answer;
  }

  function controls(account) {
    const url = `/api/users/${encodeURIComponent(account.username)}`;
    const own = account.username === me.username;
    const select = roleSelect(account.role, `Role of ${account.username}`);
    const change = el('button', { type: 'button', class: 'secondary', dataset: { action: 'role' }, text: 'Change role', disabled: true });
    select.addEventListener('change', () => { change.disabled = select.value === account.role; });
    change.addEventListener('click', () => act('PATCH', url, { role: select.value },
      (answer) => `${account.username} is now ${roleLabel(answer.role)}; their sessions and tokens have the new role's permissions from their next request.`));

    const buttons = [];
    if (account.lock) {
      const unlock = el('button', { type: 'button', class: 'secondary', dataset: { action: 'unlock' }, text: 'Unlock' });
      unlock.addEventListener('click', () => act('PATCH', url, { locked: false }, () => `Unlocked ${account.username}: they can log in again.`));
      buttons.push(unlock);
    } else if (!own) {
      const lock = el('button', { type: 'button', class: 'secondary', dataset: { action: 'lock' }, text: 'Lock' });
      lock.addEventListener('click', () => {
        if (!confirm(`Lock ${account.username}? Their sessions end now and their API tokens stop working until an admin unlocks the account.`)) return;
        act('PATCH', url, { locked: true }, () => `Locked ${account.username}.`);
      });
      buttons.push(lock);
    }
    if (!own) {
      const reset = el('button', { type: 'button', class: 'secondary', dataset: { action: 'reset' }, text: 'Reset password' });
      reset.addEventListener('click', async () => {
        if (!confirm(`Reset the password of ${account.username}? Their current password stops working and their sessions end; you get a one-time password to give them.`)) return;
        const answer = await act('POST', `${url}/password-reset`, undefined, () => `Reset the password of ${account.username}; here is the one-time password.`);
        if (answer) {
          showSecretOnce(secretBox, {
            title: `One-time password for ${account.username}`,
            secret: answer.oneTimePassword,
            hint: `Give it to ${account.username} in person or over another safe channel; they must choose their own password at the next login.`,
          });
        }
      });
      buttons.push(reset);
    }
    return { role: el('td', {}, select, ' ', change), actions: el('td', { class: 'row-actions' }, ...buttons) };
  }

  function render(accounts) {
    rows.replaceChildren(...accounts.map((account) => {
      const editable = manage ? controls(account) : undefined;
      return el('tr', { dataset: { username: account.username, role: account.role, locked: account.lock ? account.lock.by : 'no' } },
        el('td', { text: account.username }),
        editable?.role ?? el('td', { text: roleLabel(account.role) }),
        el('td', { class: 'state', text: describeState(account) }),
        el('td', { class: 'num', text: formatTime(account.createdAt) }),
        editable?.actions);
    }));
  }

  async function refresh() {
    const { status: code, body } = await api('GET', '/api/users');
    if (code !== 200) return setText(status, body?.message ?? `Cannot load the accounts (HTTP ${code}).`);
    render(body);
  }

  if (manage) {
    const { status: code, body } = await api('GET', '/api/permissions');
    if (code === 200) roles = body.roles;
    // no preselected role: an account gets admin only when someone picks it
    createForm.elements.namedItem('role').replaceChildren(el('option', { value: '', text: 'choose a role' }),
      ...roles.map((role) => el('option', { value: role.id, title: role.description, text: roleLabel(role.id) })));
    createForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      hideSecret(secretBox);
      const username = createForm.elements.namedItem('username').value.trim();
      const role = createForm.elements.namedItem('role').value;
      const answer = await act('POST', '/api/users', { username, role }, () => `Created ${username}; here is the one-time password.`);
      if (!answer) return;
      createForm.reset();
      showSecretOnce(secretBox, {
        title: `One-time password for ${username}`,
        secret: answer.oneTimePassword,
        hint: `Give it to ${username} in person or over another safe channel; they must choose their own password at the first login.`,
      });
    });
  }
  createForm.hidden = !manage;
  actionsHead.hidden = !manage;
  setText(note, manage
    ? 'Create accounts, change roles, lock, unlock and reset passwords. Every change is recorded in the audit log with the state before and after.'
    : 'Read-only: your role cannot change accounts. Ask an admin for changes.');
  await refresh();
}
