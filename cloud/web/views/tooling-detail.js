// One asset of the tooling tree in detail: its certificates, heat treatment and thermal expansion
// against its mother mold's, its last three inspection reports with their attachments, and for
// an insert the replacement recommendation and the proposed maintenance window on a timeline
// against the machine's production orders. Writers (tooling.manage) record an inspection here.
import { api, apiOutcome } from './api.js';
import { el } from './dom.js';
import { formatTime } from './format.js';
import { showInspectionForm } from './tooling-inspection-form.js';
import { lifeText } from './tooling-life-bar.js';
import { showWindowTimeline } from './tooling-timeline.js';
import { KIND_WORDS } from './tooling-tree.js';

const assetPath = (id) => `/api/tooling/assets/${encodeURIComponent(id)}`;
const number = (value, unit) => (value === null || value === undefined ? '—' : `${value}${unit ? ` ${unit}` : ''}`);

function facts(pairs) {
  return el('dl', { class: 'tooling-facts' }, ...pairs.flatMap(([term, value]) => [el('dt', { text: term }), el('dd', { text: value })]));
}

function attachmentLinks(attachments) {
  if (!attachments?.length) return null;
  return el('ul', { class: 'tooling-attachments' }, ...attachments.map((a) => el('li', {},
    el('a', { href: `/api/tooling/attachments/${a.id}`, download: a.filename, dataset: { attachmentId: a.id }, text: a.filename }),
    ` (${a.contentType}, ${Math.ceil(a.sizeBytes / 1024)} KiB)`)));
}

function certificates(asset) {
  if (asset.certificates.length === 0) return el('p', { class: 'hint', text: 'No material certificate recorded.' });
  return el('ul', { class: 'tooling-certificates' }, ...asset.certificates.map((c) => el('li', { dataset: { certificate: c.number } },
    `${c.number} · ${c.materialGrade} · ${c.supplier} · issued ${c.issued}`,
    c.attachmentIds.length ? el('span', {}, ' · ', ...c.attachmentIds.map((id, i) => el('a', { href: `/api/tooling/attachments/${id}`, text: `scan ${i + 1}` }))) : null)));
}

function cteWords(asset, mother) {
  if (asset.cteUmPerMK === null) return 'not recorded';
  const own = `${asset.cteUmPerMK} µm/(m·K)`;
  if (!mother || mother.id === asset.id) return own;
  if (mother.cteUmPerMK === null) return `${own}; mother mold ${mother.id}: not recorded`;
  const delta = Math.abs(asset.cteUmPerMK - mother.cteUmPerMK);
  return `${own}; mother mold ${mother.id}: ${mother.cteUmPerMK} µm/(m·K) (Δ ${Number(delta.toFixed(3))})`;
}

export function inspectionList(inspections) {
  if (inspections.length === 0) return el('p', { class: 'hint', text: 'No inspection reports yet.' });
  return el('ol', { class: 'tooling-inspections' }, ...inspections.map((i) => el('li', { dataset: { inspectionId: i.id, result: i.result } },
    el('strong', { text: `${i.date} · ${i.result}` }),
    ` · ${i.inspector} · at ${i.shotsAtInspection.toLocaleString('en-US')} shots`,
    i.measurements.length ? ` · ${i.measurements.map((m) => `${m.name} ${m.value}${m.unit ? ` ${m.unit}` : ''}`).join(', ')}` : '',
    i.notes ? el('p', { class: 'tooling-inspection-notes', text: i.notes }) : null,
    attachmentLinks(i.attachments))));
}

function recommendationView(rec) {
  const table = rec.candidates.length === 0 ? null : el('table', { class: 'readings tooling-candidates' },
    el('thead', {}, el('tr', {}, ...['Spare', 'Location', 'CTE µm/(m·K)', 'Δ CTE', 'Remaining shots'].map((text) => el('th', { scope: 'col', text })))),
    el('tbody', {}, ...rec.candidates.map((c, i) => el('tr', { dataset: { candidate: c.id }, class: i === 0 ? 'is-recommended' : null },
      el('th', { scope: 'row', text: `${i === 0 ? '★ ' : ''}${c.serial} · ${c.name}` }),
      el('td', { text: c.location ?? '—' }),
      el('td', { class: 'num', text: String(c.cteUmPerMK) }),
      el('td', { class: 'num', text: String(Number(c.deltaCteUmPerMK.toFixed(3))) }),
      el('td', { class: 'num', text: c.remainingShots === null ? 'no life limit' : c.remainingShots.toLocaleString('en-US') })))));
  return el('div', { class: 'tooling-recommendation', id: 'tooling-recommendation' },
    el('p', { class: 'tooling-advice', text: rec.advice }),
    table,
    rec.excluded.length ? el('details', {}, el('summary', { text: `${rec.excluded.length} spare${rec.excluded.length === 1 ? '' : 's'} left out` }),
      el('ul', {}, ...rec.excluded.map((x) => el('li', { text: `${x.id}: ${x.reason}` })))) : null);
}

/**
 * Shows `asset` in `container`.
 * @param {HTMLElement} container
 * @param {any} asset ToolingAssetNode
 * @param {{ byId: Map<string, any>, manage: boolean, me: any, onChanged: () => Promise<void> }} options
 */
export async function showAssetDetail(container, asset, { byId, manage, me, onChanged }) {
  const title = `${KIND_WORDS[asset.kind] ?? asset.kind} ${asset.serial}`;
  container.replaceChildren(el('p', { class: 'hint', text: `Loading ${title}…` }));
  const isInsert = asset.kind === 'insert';
  const [inspections, recommendation, plan] = await Promise.all([
    api('GET', `${assetPath(asset.id)}/inspections?limit=3`).then((r) => apiOutcome(r)),
    isInsert ? api('GET', `${assetPath(asset.id)}/recommendation`).then((r) => apiOutcome(r)) : null,
    isInsert ? api('GET', `${assetPath(asset.id)}/maintenance-window`).then((r) => apiOutcome(r)) : null,
  ]);
  const mother = asset.motherMold ? byId.get(asset.motherMold) : null;
  const ht = asset.heatTreatment;
  const inspectionsBox = el('div', { id: 'tooling-inspections' },
    inspections.ok ? inspectionList(inspections.body.inspections) : el('p', { class: 'form-error', text: `Cannot load the inspections: ${inspections.message}` }));
  const windowBox = el('div', { class: 'tooling-window', id: 'tooling-window' });
  container.replaceChildren(
    el('h3', { text: `${title} · ${asset.name}` }),
    facts([
      ['Life', asset.lifeShots === null ? `${asset.shots.toLocaleString('en-US')} shots, no life limit` : `${lifeText(asset.shots, asset.lifeShots)}${asset.warnAtShots === null ? '' : `, warn at ${asset.warnAtShots.toLocaleString('en-US')}`}`],
      ['Status', `${asset.status.replace('_', ' ')}${asset.location ? ` · ${asset.location}` : ''}`],
      ['Where', [asset.parent ? `in ${asset.parent}` : null, asset.position, asset.machine ? `machine ${asset.machine}` : null].filter(Boolean).join(' · ') || '—'],
      ['Part number', asset.partNumber ?? '—'],
      ['Heat treatment', ht ? `${number(ht.hardnessHrc, 'HRC')}, tempered at ${number(ht.temperingTemperatureC, '°C')}${ht.temperingCycles === null ? '' : ` × ${ht.temperingCycles}`}${ht.temperingHours === null ? '' : ` (${ht.temperingHours} h each)`}` : 'not recorded'],
      ['Thermal expansion', cteWords(asset, mother)],
    ]),
    el('h4', { text: 'Material certificates' }), certificates(asset),
    el('h4', { text: 'Last three inspections' }), inspectionsBox,
    manage ? el('div', { id: 'tooling-inspection-form-box' }) : null,
    isInsert ? el('h4', { text: 'Replacement' }) : null,
    isInsert ? (recommendation.ok ? recommendationView(recommendation.body) : el('p', { class: 'form-error', text: `Cannot load the recommendation: ${recommendation.message}` })) : null,
    isInsert ? el('h4', { text: 'Maintenance window' }) : null,
    isInsert ? windowBox : null);
  if (isInsert) {
    if (plan.ok) showWindowTimeline(windowBox, plan.body);
    else windowBox.replaceChildren(el('p', { class: 'form-error', text: `Cannot plan a window: ${plan.message}` }));
  }
  if (manage) showInspectionForm(container.querySelector('#tooling-inspection-form-box'), asset, { inspector: me.username, onRecorded: onChanged });
}
