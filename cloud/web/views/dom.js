// Small DOM helpers. Text goes in through textContent only: tag, device and gateway names come
// from devices in the field and must never be parsed as HTML.

/**
 * Creates an element. `props`: `class`, `text`, `dataset` (object), `on` (event -> handler);
 * any other key is set as an attribute.
 * @param {string} tag
 * @param {Record<string, any>} [props]
 * @param {...(Node | null | undefined | false)} children
 * @returns {HTMLElement}
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = String(value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'on') for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

/** Sets text only when it changed, so a 1 s refresh does not touch an unchanged DOM. */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** Sets or removes a class only when that changes anything. */
export function setClass(node, name, on) {
  if (node.classList.contains(name) !== on) node.classList.toggle(name, on);
}

/** Sets an attribute only when it changed. */
export function setAttr(node, name, value) {
  if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

/** Natural order: "line 2" before "line 10". */
export const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' }).compare;
