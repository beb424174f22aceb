// The devices screen (devices.manage): the registry of scanners and shelf sensors that log in to
// the gateways' device brokers, with when each was last seen and by which operator; adding one
// shows its password once (with a mosquitto_pub line to try it), rotating asks first; enabling
// and disabling. Below, how far each gateway's master data is behind the cloud's.
import { api, apiOutcome } from './api.js';
import { el, setText } from './dom.js';
import { formatAge, formatTime } from './format.js';
import { hideSecret, showSecretOnce } from './secret-once.js';

/** Where the gateway's device broker listens unless its site config says otherwise. */
const DEVICE_BROKER_PORT = 1884;
const REFRESH_MS = 5000;

const SYNC_LABELS = {
  'in-sync': { cls: 'q-good', text: '✓ in sync' },
  behind: { cls: 'q-uncertain', text: '? behind' },
  unknown: { cls: 'q-stale', text: 'unknown' },
};

/** Shell-quotes for a POSIX shell: the password may hold any character. */
const quote = (text) => `'${text.replaceAll("'", "'\\''")}'`;

/** The commands that try a new device's login against a gateway's device broker. */
export function tryItCommands(device, password) {
  const login = `-h <gateway host> -p ${DEVICE_BROKER_PORT} -u ${quote(device.id)} -P ${quote(password)}`;
  if (device.kind === 'shelf-sensor') {
    return [`mosquitto_pub ${login} -t ${quote(`devices/${device.id}/reading`)} -m '{"values":{"temperature":5.1,"humidity":60}}'`];
  }
  return [
    `mosquitto_sub ${login} -t ${quote(`devices/${device.id}/decision`)} -C 1 &`,
    `mosquitto_pub ${login} -t ${quote(`devices/${device.id}/scan`)} -m '{"scanId":"try-1","operator":"<operator id>","op":"count","code":"(01)<gtin>(10)<batch>","location":"<shelf>"}'`,
  ];
}

export async function startDevices() {
  const root = document.getElementById('devices-root');
  const status = el('p', { class: 'hint', id: 'devices-status', role: 'status', 'aria-live': 'polite' });
  const secretBox = el('div', { class: 'secret-once', id: 'device-secret', hidden: true });
  const rows = el('tbody', { id: 'device-rows' });
  const syncRows = el('tbody', { id: 'master-data-gateways' });
  const syncSummary = el('p', { class: 'hint', id: 'master-data-summary' });
  const addForm = el('form', { class: 'inline-form', id: 'device-add' },
    el('label', {}, 'Device id ', el('input', {
      name: 'id', required: true, maxlength: 64, pattern: '[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}', autocomplete: 'off', spellcheck: 'false', placeholder: 'e.g. pda-07',
      title: '1 to 64 letters, digits and . _ - (starting with a letter or digit); it is also the MQTT username',
    })),
    el('label', {}, 'Kind ', el('select', { name: 'kind' }, el('option', { value: 'pda', text: 'PDA (scanner)' }), el('option', { value: 'shelf-sensor', text: 'shelf sensor' }))),
    el('label', {}, 'Note ', el('input', { name: 'note', maxlength: 200, placeholder: 'where it is used', autocomplete: 'off' })),
    el('button', { type: 'submit', class: 'primary', text: 'Add device' }));
  root.replaceChildren(
    el('p', { class: 'hint', text: 'Each scanner and shelf sensor logs in to its gateway\'s device broker with its own id and password, and may publish only devices/<id>/scan or reading and read only devices/<id>/decision. Changes reach the gateways with the master data.' }),
    addForm, status, secretBox,
    el('table', { class: 'readings devices' },
      el('thead', {}, el('tr', {}, ...['Device', 'Kind', 'State', 'Note', 'Added', 'Last seen', 'Last operator', 'Actions'].map((text) => el('th', { scope: 'col', text })))),
      rows),
    el('h3', { class: 'section-title', text: 'Master data on the gateways' }),
    syncSummary,
    el('table', { class: 'readings master-data-sync' },
      el('thead', {}, el('tr', {}, ...['Site', 'Gateway', 'Online', 'Held version', 'Status', 'Last error'].map((text) => el('th', { scope: 'col', text })))),
      syncRows));

  /** Sends one change; on success says so and reloads, else shows the API's reason. */
  async function act(method, url, body, done) {
    setText(status, 'Saving…');
    const outcome = apiOutcome(await api(method, url, body));
    if (!outcome.ok) {
      setText(status, `Not done: ${outcome.message}`);
      return null;
    }
    setText(status, done(outcome.body));
    await refresh();
    return outcome.body;
  }

  function showPassword(device, password, title) {
    showSecretOnce(secretBox, {
      title,
      secret: password,
      hint: `Enter it on ${device.id} with the id ${device.id} as its MQTT username.`,
    });
    // the commands hold the password too: inside the box, so "Done" takes them away with it
    secretBox.lastElementChild.before(
      el('p', { class: 'hint', text: 'To try it against a gateway\'s device broker (use the gateway\'s host; its site config may set another port):' }),
      el('pre', { class: 'try-it' }, el('code', { text: tryItCommands(device, password).join('\n') })));
  }

  function deviceRow(device) {
    const url = `/api/devices/${encodeURIComponent(device.id)}`;
    const rotate = el('button', { type: 'button', class: 'secondary', dataset: { action: 'rotate' }, text: 'Rotate password' });
    rotate.addEventListener('click', async () => {
      if (!confirm(`Rotate the password of ${device.id}? Its current password stops working once the gateways have the change; the device must be given the new one.`)) return;
      hideSecret(secretBox);
      const answer = await act('POST', `${url}/rotate`, undefined, () => `Rotated the password of ${device.id}; its old password no longer logs in.`);
      if (answer) showPassword(device, answer.password, `New password for ${device.id}`);
    });
    const toggle = el('button', { type: 'button', class: 'secondary', dataset: { action: device.enabled ? 'disable' : 'enable' }, text: device.enabled ? 'Disable' : 'Enable' });
    toggle.addEventListener('click', () => {
      if (device.enabled && !confirm(`Disable ${device.id}? Its gateway drops it and refuses its logins until it is enabled again.`)) return;
      act('PATCH', url, { enabled: !device.enabled }, (answer) => `${answer.id} is ${answer.enabled ? 'enabled' : 'disabled'}.`);
    });
    const now = Date.now();
    return el('tr', { dataset: { deviceId: device.id, enabled: String(device.enabled) } },
      el('td', { class: 'device-id', text: device.id }),
      el('td', { text: device.kind }),
      el('td', {}, el('span', { class: `quality ${device.enabled ? 'q-good' : 'q-stale'}`, text: device.enabled ? '✓ enabled' : 'disabled' })),
      el('td', { text: device.note ?? '' }),
      el('td', { text: formatTime(device.createdAt) }),
      el('td', { class: 'last-seen', text: device.lastSeenAt === null ? 'never' : formatAge(now - device.lastSeenAt), title: device.lastSeenAt === null ? null : new Date(device.lastSeenAt).toISOString() }),
      el('td', { text: device.lastOperator ?? '—' }),
      el('td', { class: 'row-actions' }, rotate, toggle));
  }

  async function refreshDevices() {
    const outcome = apiOutcome(await api('GET', '/api/devices'));
    if (!outcome.ok) {
      rows.replaceChildren(el('tr', {}, el('td', { class: 'empty', colspan: 8, text: `Cannot load the devices: ${outcome.message}` })));
      return;
    }
    const { devices } = outcome.body;
    rows.replaceChildren(...(devices.length ? devices.map(deviceRow)
      : [el('tr', {}, el('td', { class: 'empty', colspan: 8, text: 'No devices yet. Add a scanner or shelf sensor above.' }))]));
  }

  async function refreshSync() {
    const outcome = apiOutcome(await api('GET', '/api/master-data'));
    if (!outcome.ok) {
      setText(syncSummary, `Cannot load the master data status: ${outcome.message}`);
      syncRows.replaceChildren();
      return;
    }
    const { version, counts, gateways } = outcome.body;
    setText(syncSummary, `The cloud's master data is at version ${version}: ${Object.entries(counts).map(([kind, n]) => `${n} ${kind}`).join(', ') || 'no records'}.`);
    syncRows.replaceChildren(...(gateways.length ? gateways.map((gateway) => {
      const label = SYNC_LABELS[gateway.status] ?? SYNC_LABELS.unknown;
      return el('tr', { dataset: { edge: gateway.edge, status: gateway.status } },
        el('td', { text: gateway.group }),
        el('td', { text: gateway.edge }),
        el('td', { text: gateway.online ? 'online' : 'offline' }),
        el('td', { class: 'num', text: gateway.heldVersion === null || gateway.heldVersion === undefined ? '—' : String(gateway.heldVersion) }),
        el('td', {}, el('span', { class: `quality ${label.cls}`, text: label.text })),
        el('td', { class: 'deployment-error', text: gateway.lastError ?? '' }));
    }) : [el('tr', {}, el('td', { class: 'empty', colspan: 6, text: 'No gateway has connected yet.' }))]));
  }

  async function refresh() {
    await Promise.all([refreshDevices(), refreshSync()]);
  }

  addForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    hideSecret(secretBox);
    const form = new FormData(addForm);
    const device = { id: String(form.get('id')).trim(), kind: String(form.get('kind')) };
    const note = String(form.get('note') ?? '').trim();
    const answer = await act('POST', '/api/devices', note ? { ...device, note } : device,
      (added) => `Added ${added.id}; here is its password.`);
    if (!answer) return;
    addForm.reset();
    showPassword(device, answer.password, `Password for ${answer.id}`);
  });

  await refresh();
  // keeps "last seen" and the gateways' versions current; the password box is left alone
  setInterval(() => refresh().catch((error) => setText(status, `connection lost · retrying (${error.message})`)), REFRESH_MS);
}
