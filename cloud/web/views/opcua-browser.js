// Browsing an OPC UA server through the gateway: a tree that asks for a node's children only when
// it is opened (POST .../browse), so a server with thousands of nodes costs one request per click.
// Picking a Variable adds a tag with its NodeId to the connector being edited.
import { el, setText } from './dom.js';
import { browse, listCertificates } from './gateway-client.js';

/** Where the tree starts: the Objects folder (OPC 10000-5 8.2.4), which the gateway browses without a nodeId. */
const ROOT = undefined;

/**
 * Opens the browser as a modal dialog.
 * @param {{ gateway: object, connector: string | object, onPick: (node: object) => void, onShowCertificates: () => void }} options
 */
export function openOpcuaBrowser({ gateway, connector, onPick, onShowCertificates }) {
  const status = el('p', { class: 'hint', role: 'status' });
  const added = el('p', { class: 'picked', 'aria-live': 'polite' });
  const tree = el('ul', { class: 'browse-tree', role: 'tree', 'aria-label': 'OPC UA address space' });
  const close = el('button', { type: 'button', text: 'Done', dataset: { action: 'close' } });
  const title = typeof connector === 'string' ? connector : connector.endpoint ?? connector.name;
  const dialog = el('dialog', { class: 'dialog browse-dialog', 'aria-label': 'Browse the OPC UA server' },
    el('header', { class: 'editor-head' }, el('h3', { text: `Browse ${title}` }), close),
    el('p', { class: 'hint', text: 'Open a folder or object to see what it holds; "Add as tag" takes a Variable with its NodeId and data type.' }),
    status, tree, added);
  const picked = [];

  async function expand(nodeId, list, toggle) {
    toggle?.setAttribute('aria-busy', 'true');
    setText(status, 'Browsing…');
    const answer = await browse(gateway, connector, nodeId);
    toggle?.removeAttribute('aria-busy');
    if (!answer.ok) {
      setText(status, `Cannot browse${nodeId ? ` ${nodeId}` : ''}: ${answer.message}`);
      await pointAtRejectedCertificates();
      return false;
    }
    setText(status, '');
    const nodes = answer.body.nodes ?? [];
    list.replaceChildren(...(nodes.length ? nodes.map(item) : [el('li', { class: 'hint', text: '(nothing below this node)' })]));
    return true;
  }

  function item(node) {
    const children = el('ul', { role: 'group', hidden: true });
    const toggle = node.hasChildren
      ? el('button', { type: 'button', class: 'twisty', 'aria-expanded': 'false', 'aria-label': `Open ${node.displayName}` })
      : el('span', { class: 'twisty-space' });
    let loaded = false;
    if (node.hasChildren) toggle.addEventListener('click', async () => {
      const open = toggle.getAttribute('aria-expanded') !== 'true';
      if (open && !loaded) loaded = await expand(node.nodeId, children, toggle);
      if (open && !loaded) return;
      toggle.setAttribute('aria-expanded', String(open));
      children.hidden = !open;
    });
    const pick = node.nodeClass === 'Variable'
      ? el('button', { type: 'button', class: 'small', text: 'Add as tag', dataset: { action: 'pick' } })
      : null;
    pick?.addEventListener('click', () => {
      onPick(node);
      pick.disabled = true;
      pick.textContent = 'Added';
      picked.push(node.displayName);
      setText(added, `Added ${picked.length} tag${picked.length === 1 ? '' : 's'}: ${picked.join(', ')}. Push to gateway to start reading them.`);
    });
    return el('li', { role: 'treeitem', dataset: { nodeId: node.nodeId, nodeClass: node.nodeClass } },
      el('div', { class: 'browse-row' },
        toggle,
        el('span', { class: 'browse-name', text: node.displayName || node.browseName }),
        el('span', { class: 'protocol', text: node.nodeClass }),
        node.dataType ? el('span', { class: 'browse-type', text: node.dataType }) : null,
        el('code', { class: 'browse-id', text: node.nodeId }),
        pick),
      children);
  }

  /**
   * A server whose certificate the gateway has not trusted cannot be reached with Sign or
   * SignAndEncrypt, and the failure may read only as a link that is down: say so when the
   * gateway holds rejected certificates.
   */
  async function pointAtRejectedCertificates() {
    dialog.querySelector('.cert-hint')?.remove();
    const certificates = await listCertificates(gateway);
    const rejected = certificates.ok ? certificates.body.rejected ?? [] : [];
    if (!rejected.length) return;
    const show = el('button', { type: 'button', class: 'small', text: 'Show certificates', dataset: { action: 'show-certificates' } });
    show.addEventListener('click', () => { dialog.close(); onShowCertificates(); });
    status.after(el('p', { class: 'form-problems cert-hint' },
      el('span', { text: `The gateway has rejected ${rejected.length} server certificate${rejected.length === 1 ? '' : 's'} (${rejected.map((c) => c.subject).join('; ')}). If one is this server's, trust it, then browse again.` }),
      show));
  }

  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  expand(ROOT, tree, null);
  return dialog;
}
