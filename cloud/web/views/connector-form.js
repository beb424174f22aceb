// The editor of one connector: its settings drawn from the protocol's JSON Schema, and its tags as
// a table, each row with "Test read" (a one-off read through the gateway), "Write" for a writable
// tag already running on the gateway, and a link to the tag's live value. OPC UA connectors add
// tags by browsing the server, S7 connectors from a TIA Portal DB export.
import { el, setText } from './dom.js';
import { explainError } from './error-codes.js';
import { QUALITY_LABELS, formatTime, formatValue } from './format.js';
import { testRead, writeTag } from './gateway-client.js';
import { openOpcuaBrowser } from './opcua-browser.js';
import { childPath, controlFor, fieldFor, sameValue, showProblems, validate } from './schema-form.js';
import { openTiaImport } from './tia-import-dialog.js';

/** Address syntax per protocol, said once above the tag table. */
const ADDRESS_HINTS = {
  modbus: 'address: <area>:<offset>[:<type>[:<order>]] with areas co, di, ir, hr, 0-based, e.g. "ir:0", "hr:4:float32:CDAB"',
  s7: 'address: DB<n>,<type><byte>[.<bit>|.<length>] e.g. "DB1,REAL4", "DB1,X2.1", "DB1,S4.16" (non-optimized blocks, PUT/GET allowed)',
  opcua: 'nodeId: "ns=<index>;s=<name>" or "ns=<index>;i=<number>"; Browse picks them from the server',
};

/** Which tags a cloud write can reach (Modbus: holding registers and coils only). */
const WRITABLE = {
  modbus: (tag) => /^(hr|co):/i.test(tag.address ?? ''),
  s7: () => true,
  opcua: () => true,
};

/**
 * An OPC UA connector config needs a tag; browsing a new connector has none yet, so it carries the
 * server's CurrentTime variable (ns=0;i=2258, present on every server) just to be valid.
 */
const BROWSE_PLACEHOLDER_TAG = { name: 'browse-placeholder', nodeId: 'i=2258' };

const withoutTags = ({ tags: _tags, ...settings }) => settings;

/** A tag name from a browse name or TIA member path: the characters the schema allows. */
export function tagNameFrom(text) {
  return text.replace(/[^A-Za-z0-9._\-/[\]]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'tag';
}

/** How a reading reads: "4.2 °C · ✓ good" or "✕ bad · TIMEOUT: explanation". */
export function describeReading({ value, quality, error, unit, ts }) {
  const label = QUALITY_LABELS[quality] ?? { symbol: '', text: quality };
  const head = `${label.symbol} ${label.text}`;
  if (quality === 'bad') return `${head} · ${explainError(error) || 'no error code'}`;
  const shownValue = `${formatValue(value, quality, error)}${unit ? ` ${unit}` : ''}`;
  return `${shownValue} · ${head}${error ? ` · ${explainError(error)}` : ''}${ts ? ` · read at ${formatTime(ts)}` : ''}`;
}

class TagRow {
  constructor(form, tag, index, { stored }) {
    this.form = form;
    /** The tag as the gateway runs it (write and live link), or null for a new or changed one. */
    this.stored = stored;
    const columns = Object.entries(form.tagSchema.properties);
    this.controls = columns.map(([key, schema]) => ({
      key,
      control: controlFor(schema, tag[key], childPath(`tags[${index}]`, key), {
        disabled: !form.canManage, required: form.tagSchema.required?.includes(key), name: key,
      }),
    }));
    this.feedback = el('td', { class: 'tag-feedback-text', colspan: String(columns.length + 1), 'aria-live': 'polite' });
    this.feedbackRow = el('tr', { class: 'tag-feedback', hidden: true }, this.feedback);
    const actions = el('td', { class: 'tag-actions' });
    if (form.canManage) actions.append(el('button', { type: 'button', class: 'small', text: 'Test read', dataset: { action: 'test-read' }, on: { click: () => this.testRead() } }));
    if (stored && form.canWrite && WRITABLE[form.protocol]?.(stored)) {
      actions.append(el('button', { type: 'button', class: 'small', text: 'Write…', dataset: { action: 'write' }, on: { click: () => this.openWrite() } }));
    }
    if (stored) actions.append(el('a', { class: 'small-link', href: form.liveHref(stored.name), text: 'Live', dataset: { action: 'live' } }));
    if (form.canManage) actions.append(el('button', { type: 'button', class: 'small danger', text: 'Remove', 'aria-label': 'Remove tag', dataset: { action: 'remove' }, on: { click: () => form.removeRow(this) } }));
    this.row = el('tr', { class: 'tag-edit-row', dataset: { tag: tag.name ?? '' } },
      ...this.controls.map(({ key, control }) => el('td', { dataset: { column: key } }, control.node, el('span', { class: 'field-problem', hidden: true }))),
      actions);
  }

  read() {
    const tag = {};
    for (const { key, control } of this.controls) { const value = control.read(); if (value !== undefined) tag[key] = value; }
    return tag;
  }

  renumber(index) {
    for (const input of this.row.querySelectorAll('[data-path]')) input.dataset.path = input.dataset.path.replace(/^tags\[\d+\]/, `tags[${index}]`);
  }

  say(text, state) {
    this.feedbackRow.hidden = false;
    this.feedback.dataset.state = state;
    this.feedback.replaceChildren(el('span', { text }));
  }

  async testRead() {
    const index = this.form.rows.indexOf(this);
    const tag = this.read();
    const problems = validate(this.form.tagSchema, tag, `tags[${index}]`);
    if (problems.length) {
      showProblems(this.row, problems);
      return this.say(`Cannot test read: ${problems.map((p) => `${p.path.replace(/^tags\[\d+\]\./, '')} ${p.message}`).join('; ')}`, 'bad');
    }
    showProblems(this.row, []);
    this.say('Reading through the gateway…', 'busy');
    const answer = await testRead(this.form.gateway, this.form.connectorForRequest([tag]), tag);
    if (!answer.ok) {
      // The gateway checks the one-tag connector it builds: `connector.tags[0].address` is this row's address.
      const rowProblems = (answer.body?.problems ?? [])
        .map((p) => ({ ...p, path: p.path.replace(/^(?:args\.)?connector\.tags\[0\]/, `tags[${index}]`) }))
        .filter((p) => p.path.startsWith(`tags[${index}].`));
      showProblems(this.row, rowProblems);
      return this.say(`Test read failed: ${answer.message}`, 'bad');
    }
    this.say(`Test read: ${describeReading(answer.body)}`, answer.body.quality);
  }

  openWrite() {
    const input = el('input', { type: 'text', class: 'num', 'aria-label': `Value to write to ${this.stored.name}`, placeholder: 'e.g. 4.5 or on' });
    const result = el('span', { class: 'write-result', 'aria-live': 'polite' });
    const send = el('button', { type: 'button', class: 'small primary', text: 'Send', dataset: { action: 'send-write' } });
    send.addEventListener('click', async () => {
      if (!sameValue(this.read(), this.stored)) {
        return setText(result, `This tag has changes not pushed yet; push or discard them first: a write goes to the tag as the gateway runs it (${this.stored.address ?? this.stored.nodeId}).`);
      }
      const value = parseWriteValue(input.value);
      if (value === undefined) return setText(result, 'Enter a number (engineering units), or on/off for a bit.');
      setText(result, 'Writing…');
      const answer = await writeTag(this.form.gateway, this.form.storedName, this.stored.name, value);
      if (!answer.ok) return setText(result, `Not written: ${answer.message}`);
      const ack = answer.body.result ?? {};
      setText(result, `Acknowledged: ${this.stored.name} = ${formatValue(ack.value ?? value, 'good')}${ack.writtenAt ? ` at ${formatTime(ack.writtenAt)}` : ''}${ack.latencyMs !== undefined ? ` (${ack.latencyMs} ms)` : ''}`);
    });
    this.feedbackRow.hidden = false;
    this.feedback.dataset.state = 'write';
    this.feedback.replaceChildren(el('span', { class: 'write-form' }, el('span', { text: `Write ${this.stored.name}:` }), input, send, result));
    input.focus();
  }
}

/** "on"/"true" -> true, "off"/"false" -> false, a number -> that number, else undefined. */
export function parseWriteValue(text) {
  const word = text.trim().toLowerCase();
  if (['on', 'true'].includes(word)) return true;
  if (['off', 'false'].includes(word)) return false;
  if (word === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(word)) return undefined;
  return Number(word);
}

export class ConnectorForm {
  /**
   * @param {object} options
   * @param {object} options.variant the JSON Schema of this protocol's connector
   * @param {object} options.connector the connector being edited (a copy is taken)
   * @param {object | null} options.stored the same connector as the gateway runs it, or null
   * @param {{ group: string, edge: string }} options.gateway
   * @param {boolean} options.canManage connectors.manage: edit, test read, browse, import
   * @param {boolean} options.canWrite tags.write
   * @param {(connector: object) => void} options.onKeep
   * @param {() => void} options.onClose
   * @param {() => void} options.onShowCertificates opens the gateway's certificate list
   */
  constructor({ variant, connector, stored, gateway, canManage, canWrite, onKeep, onClose, onShowCertificates }) {
    Object.assign(this, { variant, stored, gateway, canManage, canWrite, onKeep, onClose, onShowCertificates });
    this.protocol = connector.protocol;
    this.storedName = stored?.name;
    this.tagSchema = variant.properties.tags.items;
    const settingsKeys = Object.keys(variant.properties).filter((key) => key !== 'tags');
    this.settings = settingsKeys.map((key) => fieldFor(key, variant.properties[key], connector[key], key, {
      disabled: !canManage, required: variant.required?.includes(key),
    }));
    this.rows = [];
    this.body = el('tbody');
    this.problemList = el('ul', { class: 'form-problems', hidden: true, role: 'alert' });
    this.tagCount = el('span', { class: 'count' });
    const tools = el('p', { class: 'tag-tools' },
      canManage && el('button', { type: 'button', text: 'Add tag', dataset: { action: 'add-tag' }, on: { click: () => this.addTag({}, true) } }),
      canManage && this.protocol === 'opcua' && el('button', { type: 'button', text: 'Browse server…', dataset: { action: 'browse' }, on: { click: () => this.browse() } }),
      canManage && this.protocol === 's7' && el('button', { type: 'button', text: 'Import TIA DB…', dataset: { action: 'tia-import' }, on: { click: () => this.importTia() } }),
      el('span', { class: 'hint', text: ADDRESS_HINTS[this.protocol] ?? '' }));
    const head = el('tr', {}, ...Object.keys(this.tagSchema.properties).map((key) => el('th', { scope: 'col', text: key })), el('th', { scope: 'col', text: '' }));
    this.node = el('section', { class: 'connector-editor', dataset: { connector: connector.name ?? '', protocol: this.protocol }, 'aria-label': 'Connector editor' },
      el('header', { class: 'editor-head' },
        el('h3', { text: `${stored ? (canManage ? 'Edit' : 'View') : 'New'} ${this.protocol} connector${connector.name ? ` ${connector.name}` : ''}` }),
        el('span', { class: 'editor-buttons' },
          canManage && el('button', { type: 'button', class: 'primary', text: 'Keep changes', dataset: { action: 'keep' }, on: { click: () => this.keep() } }),
          el('button', { type: 'button', text: canManage ? 'Discard' : 'Close', dataset: { action: 'close' }, on: { click: () => onClose() } }))),
      this.problemList,
      el('div', { class: 'settings-grid' }, ...this.settings.map((field) => field.node)),
      el('h4', {}, el('span', { text: 'Tags ' }), this.tagCount),
      tools,
      el('div', { class: 'tags-frame' }, el('table', { class: 'tag-table' }, el('thead', {}, head), this.body)));
    const storedTags = new Map((stored?.tags ?? []).map((tag) => [tag.name, tag]));
    for (const tag of connector.tags ?? []) {
      const live = storedTags.get(tag.name);
      this.addTag(tag, false, live && sameValue(live, tag) ? live : null);
    }
    this.countTags();
  }

  liveHref(tagName) {
    return `/#${new URLSearchParams({ tag: `${this.gateway.group}/${this.gateway.edge}/${this.storedName}/${tagName}` })}`;
  }

  addTag(tag, focus, stored = null) {
    const row = new TagRow(this, tag, this.rows.length, { stored });
    this.rows.push(row);
    this.body.append(row.row, row.feedbackRow);
    this.countTags();
    if (focus) row.row.querySelector('input')?.focus();
    return row;
  }

  removeRow(row) {
    this.rows.splice(this.rows.indexOf(row), 1);
    row.row.remove();
    row.feedbackRow.remove();
    this.rows.forEach((each, i) => each.renumber(i));
    this.countTags();
  }

  countTags() {
    setText(this.tagCount, `(${this.rows.length})`);
  }

  readSettings() {
    const settings = { protocol: this.protocol };
    for (const field of this.settings) { const value = field.read(); if (value !== undefined) settings[field.key] = value; }
    return settings;
  }

  /** The connector as typed, in schema order with tags last. */
  read() {
    return { ...this.readSettings(), tags: this.rows.map((row) => row.read()) };
  }

  /**
   * What to name in a test read or browse: the running connector by name while its settings are
   * unchanged (the gateway then uses its own link and stored secrets), else the whole config.
   */
  connectorForRequest(tags) {
    const settings = this.readSettings();
    if (this.stored && sameValue(settings, withoutTags(this.stored))) return this.stored.name;
    return { ...settings, tags };
  }

  /** Schema problems plus duplicate tag names, all at once. */
  check(connector = this.read()) {
    const problems = validate(this.variant, connector);
    const firstIndex = new Map();
    connector.tags.forEach((tag, i) => {
      if (!tag.name) return;
      if (firstIndex.has(tag.name)) problems.push({ path: `tags[${i}].name`, message: `"${tag.name}" is already the name of tags[${firstIndex.get(tag.name)}]; tag names must be unique in a connector` });
      else firstIndex.set(tag.name, i);
    });
    return problems;
  }

  /** Shows problems next to their fields (paths relative to this connector); the rest above the form. */
  showProblems(problems) {
    const unplaced = showProblems(this.node, problems);
    this.problemList.hidden = problems.length === 0;
    this.problemList.replaceChildren(
      el('li', { class: 'summary-line', text: `${problems.length} problem${problems.length === 1 ? '' : 's'} to fix${unplaced.length < problems.length ? ' (marked at their fields)' : ''}:` }),
      ...problems.map((p) => el('li', { text: `${p.path || 'connector'}: ${p.message}` })));
  }

  /** Checks and hands the connector to the screen; false (problems shown) when it does not pass. */
  keep() {
    const connector = this.read();
    const problems = this.check(connector);
    this.showProblems(problems);
    if (problems.length) return false;
    this.onKeep(connector);
    return true;
  }

  browse() {
    const current = this.rows.map((row) => row.read());
    const connector = this.connectorForRequest(current.length ? current : [BROWSE_PLACEHOLDER_TAG]);
    const dataTypes = this.tagSchema.properties.dataType?.enum ?? [];
    openOpcuaBrowser({
      gateway: this.gateway,
      connector,
      onShowCertificates: this.onShowCertificates,
      onPick: (node) => {
        const tag = { name: tagNameFrom(node.displayName || node.browseName), nodeId: node.nodeId };
        if (node.dataType && dataTypes.includes(node.dataType)) tag.dataType = node.dataType;
        this.addTag(tag, false);
      },
    });
  }

  importTia() {
    openTiaImport({ onAdd: (tags) => { for (const tag of tags) this.addTag({ name: tagNameFrom(tag.name), address: tag.address }, false); } });
  }
}
