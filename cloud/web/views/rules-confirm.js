// The confirm step of a release: what will happen in words, and for shadow and grey the gateways
// it goes to. A modal <dialog>, so nothing is released by a stray click.
import { el, setText } from './dom.js';

const gatewayKey = (g) => `${g.group}/${g.edge}`;

/**
 * Asks to confirm a release step. Resolves to `{ gateways }` (undefined: every known gateway) or
 * null when cancelled.
 * @param {{ title: string, text: string, confirmLabel: string,
 *   gateways?: { known: Array<{ group: string, edge: string }>, required: boolean, preselected?: string[] } }} options
 *   `gateways`: show the gateway picker; `required`: at least one must be ticked (grey is a subset).
 */
export function confirmRelease({ title, text, confirmLabel, gateways }) {
  return new Promise((resolve) => {
    const problem = el('p', { class: 'form-error', id: 'release-problem', hidden: true, role: 'alert' });
    const confirm = el('button', { type: 'button', class: 'primary', id: 'release-confirm', text: confirmLabel });
    const cancel = el('button', { type: 'button', id: 'release-cancel', text: 'Cancel' });
    const boxes = (gateways?.known ?? []).map((g) => ({
      gateway: g,
      box: el('input', { type: 'checkbox', checked: gateways.preselected ? gateways.preselected.includes(gatewayKey(g)) : !gateways.required, dataset: { gateway: gatewayKey(g) } }),
    }));
    let picker = null;
    if (gateways) {
      picker = boxes.length === 0
        ? el('p', { class: 'hint', text: gateways.required
          ? 'No gateway has reported to the cloud yet, so there is none to choose.'
          : 'No gateway has reported yet: the version is recorded and goes to each gateway when it first reports.' })
        : el('fieldset', { class: 'gateway-picker', id: 'release-gateways' },
          el('legend', { text: gateways.required ? 'Gateways (at least one)' : 'Gateways (none ticked: every known gateway)' }),
          ...boxes.map(({ gateway, box }) => el('label', { class: 'gateway-choice' }, box, ` ${gateway.group} / ${gateway.edge}`)));
    }
    const dialog = el('dialog', { class: 'dialog release-dialog', id: 'release-dialog', 'aria-label': title },
      el('h3', { text: title }), el('p', { class: 'release-text', text }), picker, problem,
      el('p', { class: 'actions' }, confirm, cancel));

    const finish = (value) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    confirm.addEventListener('click', () => {
      const chosen = boxes.filter((b) => b.box.checked).map((b) => b.gateway);
      if (gateways?.required && chosen.length === 0) {
        setText(problem, 'Tick at least one gateway: grey runs the version on a chosen few before production.');
        problem.hidden = false;
        return;
      }
      finish({ gateways: gateways && chosen.length > 0 ? chosen : undefined });
    });
    cancel.addEventListener('click', () => finish(null));
    dialog.addEventListener('cancel', (event) => { event.preventDefault(); finish(null); });
    document.body.append(dialog);
    dialog.showModal();
    confirm.focus();
  });
}
