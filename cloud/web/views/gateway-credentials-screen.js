// The gateway credentials screen (devices.manage): each gateway's broker login with when its
// password was last rotated, and a Rotate button. A rotation asks first (the gateway is dropped
// and stays out until its config has the new password), then shows the new password once.
import { api } from './api.js';
import { el, setText } from './dom.js';
import { formatTime } from './format.js';
import { hideSecret, showSecretOnce } from './secret-once.js';

const rows = document.getElementById('gateway-credential-rows');
const status = document.getElementById('gateway-credentials-status');
const secretBox = document.getElementById('gateway-secret');

async function rotate(gateway) {
  if (!confirm(`Rotate the broker password of ${gateway.username} (${gateway.group}/${gateway.edge})? `
    + 'Its connection is dropped now and it cannot log in again until its config has the new password.')) return;
  hideSecret(secretBox);
  setText(status, `Rotating ${gateway.username}…`);
  const { status: code, body } = await api('POST', `/api/gateways/credentials/${encodeURIComponent(gateway.username)}/rotate`);
  if (code !== 200) return setText(status, `Not rotated: ${body?.message ?? `HTTP ${code}`}`);
  setText(status, `Rotated ${gateway.username}; its old password no longer logs in.`);
  showSecretOnce(secretBox, {
    title: `New broker password for ${gateway.username}`,
    secret: body.password,
    hint: "Put it in the gateway's site config as north.password (or in the file its ${file:...} names) and restart the gateway.",
  });
  await refresh();
}

function render(gateways) {
  if (gateways.length === 0) {
    rows.replaceChildren(el('tr', {}, el('td', {
      class: 'empty', colspan: 5,
      text: 'No gateway credentials are kept here. With an external broker (broker.mode: external) they live on that broker: rotate them there.',
    })));
    return;
  }
  rows.replaceChildren(...gateways.map((gateway) => {
    const button = el('button', { type: 'button', class: 'secondary', dataset: { action: 'rotate' }, text: 'Rotate password' });
    button.addEventListener('click', () => rotate(gateway));
    return el('tr', { dataset: { username: gateway.username } },
      el('td', { text: gateway.username }),
      el('td', { text: gateway.group }),
      el('td', { text: gateway.edge }),
      el('td', { class: 'rotated', text: gateway.rotatedAt === null ? 'from the cloud config' : `rotated ${formatTime(gateway.rotatedAt)}` }),
      el('td', { class: 'row-actions' }, button));
  }));
}

async function refresh() {
  const { status: code, body } = await api('GET', '/api/gateways/credentials');
  if (code !== 200) return setText(status, body?.message ?? `Cannot load the gateway credentials (HTTP ${code}).`);
  render(body);
}

export async function startGatewayCredentials() {
  await refresh();
}
