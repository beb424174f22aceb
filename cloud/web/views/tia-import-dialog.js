// "Import TIA DB": paste a data block source export and its number, preview the members with the
// absolute S7 addresses the server computes (POST /api/tia-import), tick the ones to read and
// add them as tags to the S7 connector being edited.
import { el, setText } from './dom.js';
import { importTiaDb } from './gateway-client.js';

/**
 * Opens the import as a modal dialog.
 * @param {{ onAdd: (tags: Array<{ name: string, address: string }>) => void }} options
 */
export function openTiaImport({ onAdd }) {
  const source = el('textarea', {
    name: 'source', rows: '12', spellcheck: 'false', 'aria-label': 'DB source',
    placeholder: 'DATA_BLOCK "IMM_Data"\n{ S7_Optimized_Access := \'FALSE\' }\n   STRUCT\n      ShotCounter : DInt;\n   END_STRUCT;\nBEGIN\nEND_DATA_BLOCK',
  });
  const dbNumber = el('input', { name: 'dbNumber', type: 'text', inputmode: 'numeric', class: 'num', 'aria-label': 'DB number', placeholder: 'e.g. 1' });
  const sourceProblem = el('span', { class: 'field-problem', hidden: true });
  const numberProblem = el('span', { class: 'field-problem', hidden: true });
  const status = el('p', { class: 'hint', role: 'status' });
  const preview = el('div', { class: 'tia-preview' });
  const add = el('button', { type: 'button', class: 'primary', text: 'Add chosen tags', hidden: true, dataset: { action: 'add-chosen' } });
  const previewButton = el('button', { type: 'button', text: 'Preview', dataset: { action: 'preview' } });
  const cancel = el('button', { type: 'button', text: 'Cancel', dataset: { action: 'close' } });
  const dialog = el('dialog', { class: 'dialog tia-dialog', 'aria-label': 'Import a TIA Portal data block' },
    el('header', { class: 'editor-head' }, el('h3', { text: 'Import tags from a TIA Portal DB' }), cancel),
    el('p', { class: 'hint', text: 'In TIA Portal: right-click the data block > "Generate source from blocks", open the .db file and paste it here. The block must have "Optimized block access" off.' }),
    el('label', { class: 'field' }, el('span', { class: 'field-name', text: 'DB source' }), source, sourceProblem),
    el('label', { class: 'field field-short' }, el('span', { class: 'field-name', text: 'DB number' }), dbNumber,
      el('span', { class: 'field-hint', text: "from the block's properties; not needed when the source says DATA_BLOCK DB<n>" }), numberProblem),
    el('p', { class: 'actions' }, previewButton, add),
    status, preview);
  let boxes = [];

  const say = (node, text) => { node.textContent = text; node.hidden = !text; };

  previewButton.addEventListener('click', async () => {
    say(sourceProblem, ''); say(numberProblem, '');
    preview.replaceChildren();
    add.hidden = true;
    const text = dbNumber.value.trim();
    if (!source.value.trim()) return say(sourceProblem, 'Paste the DB source first.');
    if (text && !/^\d+$/.test(text)) return say(numberProblem, `"${text}" is not a DB number; enter a whole number from 1 to 65535.`);
    setText(status, 'Reading the source…');
    const answer = await importTiaDb(source.value, text ? Number(text) : undefined);
    if (!answer.ok) {
      setText(status, '');
      return say(answer.body?.field === 'dbNumber' ? numberProblem : sourceProblem, answer.body?.message ?? answer.message);
    }
    render(answer.body);
  });

  function render({ blockName, dbNumber: number, sizeBytes, tags, skipped }) {
    setText(status, `${blockName} (DB${number}, ${sizeBytes} bytes): ${tags.length} readable member${tags.length === 1 ? '' : 's'}${skipped.length ? `, ${skipped.length} skipped` : ''}. Untick the ones not to read.`);
    boxes = tags.map((tag) => ({ tag, box: el('input', { type: 'checkbox', checked: true, 'aria-label': `Import ${tag.name}` }) }));
    const all = el('input', { type: 'checkbox', checked: true, 'aria-label': 'Import all' });
    all.addEventListener('change', () => { for (const { box } of boxes) box.checked = all.checked; });
    preview.replaceChildren(
      el('table', { class: 'readings tia-table' },
        el('thead', {}, el('tr', {}, el('th', {}, all), el('th', { text: 'Member' }), el('th', { text: 'Address' }), el('th', { text: 'Declared type' }))),
        el('tbody', {}, ...boxes.map(({ tag, box }) => el('tr', { dataset: { member: tag.name } },
          el('td', {}, box), el('td', { text: tag.name }), el('td', {}, el('code', { text: tag.address })), el('td', { text: tag.declaredType }))))),
      skipped.length ? el('div', { class: 'skipped' }, el('h4', { text: 'Skipped (no S7 tag type yet)' }),
        el('ul', {}, ...skipped.map((member) => el('li', { text: `${member.name} (${member.declaredType}): ${member.reason}` })))) : null);
    add.hidden = tags.length === 0;
  }

  add.addEventListener('click', () => {
    const chosen = boxes.filter(({ box }) => box.checked).map(({ tag }) => tag);
    if (!chosen.length) return setText(status, 'Tick at least one member to add.');
    onAdd(chosen);
    dialog.close();
  });
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  source.focus();
  return dialog;
}
