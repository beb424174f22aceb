// Shows a secret the server hands out only once (a one-time password, a rotated gateway
// password): the value, a copy button and what to do with it. "Done" removes it from the page;
// nothing keeps it anywhere else (no storage, no URL), so a reload cannot bring it back.
import { el } from './dom.js';

/**
 * @param {HTMLElement} box the (hidden) container to fill
 * @param {{ title: string, secret: string, hint: string }} what
 */
export function showSecretOnce(box, { title, secret, hint }) {
  const status = el('span', { class: 'copy-status', role: 'status' });
  const copy = el('button', { type: 'button', class: 'secondary', text: 'Copy' });
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(secret);
      status.textContent = 'Copied.';
    } catch {
      // no clipboard access (an insecure origin, or the browser refused): select it for Ctrl+C
      getSelection()?.selectAllChildren(value);
      status.textContent = 'Selected: press Ctrl+C (Cmd+C) to copy.';
    }
  });
  const value = el('code', { class: 'secret', text: secret });
  const done = el('button', { type: 'button', class: 'secondary', text: 'Done: hide it' });
  done.addEventListener('click', () => hideSecret(box));
  box.replaceChildren(
    el('p', { class: 'secret-title', text: title }),
    el('p', { class: 'secret-line' }, value, copy, status),
    el('p', { class: 'hint', text: `${hint} It is shown only now: copy it before you leave or reload this page.` }),
    done,
  );
  box.hidden = false;
  copy.focus();
}

/** Empties and hides the box, so the secret is gone from the page. */
export function hideSecret(box) {
  box.replaceChildren();
  box.hidden = true;
}
