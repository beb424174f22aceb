// The gateway's OPC UA certificate store: servers it trusts, and servers whose certificate it
// rejected (CERTIFICATE_UNTRUSTED). Trusting one moves it to the trusted folder on the gateway;
// the OPC UA connector's next reconnect then succeeds.
import { el, setText } from './dom.js';
import { listCertificates, trustCertificate } from './gateway-client.js';

const day = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const validity = (cert) => {
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  if (!Number.isFinite(from) || !Number.isFinite(to)) return `${cert.validFrom} to ${cert.validTo}`;
  return `${day.format(from)} to ${day.format(to)}${to < Date.now() ? ' (expired)' : ''}`;
};

/**
 * Fills `container` with the gateway's certificates.
 * @param {HTMLElement} container
 * @param {{ gateway: object }} options
 */
export async function showCertificates(container, { gateway }) {
  const status = el('p', { class: 'hint', role: 'status', text: 'Asking the gateway…' });
  container.replaceChildren(el('h3', { text: 'OPC UA server certificates' }), status);
  const answer = await listCertificates(gateway);
  if (!answer.ok) return setText(status, `Cannot list the certificates: ${answer.message}`);
  const { trusted = [], rejected = [] } = answer.body;
  setText(status, rejected.length
    ? `${rejected.length} server certificate${rejected.length === 1 ? ' was' : 's were'} rejected. Compare the thumbprint with the one the server shows (its own configuration page) before trusting it.`
    : 'No rejected server certificates.');

  const table = (certs, trustable) => el('table', { class: 'readings certificates', dataset: { list: trustable ? 'rejected' : 'trusted' } },
    el('thead', {}, el('tr', {}, el('th', { text: 'Subject' }), el('th', { text: 'Thumbprint (SHA-1)' }), el('th', { text: 'Valid' }), el('th', { text: '' }))),
    el('tbody', {}, ...(certs.length ? certs.map((cert) => row(cert, trustable)) : [el('tr', {}, el('td', { class: 'empty', colspan: '4', text: 'none' }))])));

  const row = (cert, trustable) => {
    const cell = el('td');
    if (trustable) {
      const trust = el('button', { type: 'button', class: 'small primary', text: 'Trust', dataset: { action: 'trust' } });
      trust.addEventListener('click', async () => {
        trust.disabled = true;
        setText(status, `Trusting ${cert.subject}…`);
        const result = await trustCertificate(gateway, cert.thumbprint);
        if (!result.ok) {
          trust.disabled = false;
          return setText(status, `Not trusted: ${result.message}`);
        }
        await showCertificates(container, { gateway });
        setText(container.querySelector('[role=status]'), `Trusted ${cert.subject}; the connector uses it at its next reconnect.`);
      });
      cell.append(trust);
    }
    return el('tr', { dataset: { thumbprint: cert.thumbprint } },
      el('td', { text: cert.subject }), el('td', {}, el('code', { text: cert.thumbprint })), el('td', { text: validity(cert) }), cell);
  };

  container.append(el('h4', { text: 'Rejected' }), table(rejected, true), el('h4', { text: 'Trusted' }), table(trusted, false));
}
