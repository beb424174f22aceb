// Recording an inspection report (POST /api/tooling/assets/:id/inspections, tooling.manage): date,
// inspector, result, notes and an optional file (PDF or image), sent as base64 in JSON. The API
// checks every field and the file's type against its bytes; its refusal is shown in its words.
import { api, apiOutcome } from './api.js';
import { el, setText } from './dom.js';

const RESULTS = ['ok', 'wear', 'crack', 'other'];
const ACCEPT = 'application/pdf,image/png,image/jpeg,image/webp';

async function base64Of(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * A collapsed form under the inspections of `asset`.
 * @param {HTMLElement} container
 * @param {any} asset
 * @param {{ inspector: string, onRecorded: () => Promise<void> }} options
 */
export function showInspectionForm(container, asset, { inspector, onRecorded }) {
  const date = el('input', { type: 'date', name: 'date', required: true, value: new Date().toISOString().slice(0, 10) });
  const who = el('input', { name: 'inspector', required: true, maxlength: 100, value: inspector, autocomplete: 'off' });
  const result = el('select', { name: 'result' }, ...RESULTS.map((r) => el('option', { value: r, text: r })));
  const notes = el('textarea', { name: 'notes', rows: 2, maxlength: 2000, placeholder: 'what was seen, e.g. light wear on the gate edge' });
  const file = el('input', { type: 'file', name: 'attachment', accept: ACCEPT });
  const status = el('p', { class: 'hint', role: 'status', 'aria-live': 'polite', id: 'tooling-inspection-status' });
  const form = el('form', { class: 'tooling-inspection-form', id: 'tooling-inspection-form' },
    el('label', {}, 'Date ', date), el('label', {}, 'Inspector ', who), el('label', {}, 'Result ', result),
    el('label', { class: 'wide' }, 'Notes ', notes), el('label', { class: 'wide' }, 'Report file (PDF or image) ', file),
    el('button', { type: 'submit', class: 'primary', text: 'Record inspection' }), status);
  container.replaceChildren(el('details', { class: 'tooling-inspection-details' }, el('summary', { text: `Record an inspection of ${asset.serial}` }), form));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    setText(status, 'Recording…');
    const body = { date: date.value, inspector: who.value.trim(), result: result.value };
    if (notes.value.trim()) body.notes = notes.value.trim();
    const chosen = file.files?.[0];
    if (chosen) body.attachments = [{ filename: chosen.name, contentType: chosen.type || 'application/octet-stream', dataBase64: await base64Of(chosen) }];
    const outcome = apiOutcome(await api('POST', `/api/tooling/assets/${encodeURIComponent(asset.id)}/inspections`, body));
    if (!outcome.ok) return setText(status, `Not recorded: ${outcome.message}`);
    setText(status, `Recorded inspection ${outcome.body.id} (${outcome.body.result}).`);
    await onRecorded();
  });
}
