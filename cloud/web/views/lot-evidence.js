// A lot's cold-chain evidence (GET /api/lots/:gtin/:batch/history), for the lots screen: each
// stay at a location with its temperature chart against that location's range, the lowest and
// highest reading and how many were out of range; then the scans of the lot.
import { api, apiOutcome } from './api.js';
import { el } from './dom.js';
import { formatTime, formatValue } from './format.js';
import { formatRange, lotPath, verdictBadge } from './inventory-format.js';
import { RangeChart } from './range-chart.js';

/**
 * Fills `container` with the evidence of lot `gtin/batch`; returns a function that removes it
 * (and its charts).
 * @param {HTMLElement} container
 * @param {{ gtin: string, batch: string, title: string, locations: Map<string, any> }} lot
 */
export async function showLotEvidence(container, { gtin, batch, title, locations }) {
  const charts = [];
  const dispose = () => {
    for (const chart of charts) chart.destroy();
    container.replaceChildren();
  };
  container.replaceChildren(el('p', { class: 'hint', text: `Loading the evidence of ${title}…` }));
  const outcome = apiOutcome(await api('GET', `${lotPath(gtin, batch)}/history`));
  if (!outcome.ok) {
    container.replaceChildren(el('p', { class: 'form-error', text: `Cannot load the evidence: ${outcome.message}` }));
    return dispose;
  }
  const { stays, scans } = outcome.body;
  const staysBox = el('div', { class: 'lot-stays' });
  container.replaceChildren(
    el('h3', { text: `Cold-chain evidence: ${title}` }),
    stays.length === 0 ? el('p', { class: 'hint', text: 'No stay at a shelf recorded for this lot yet.' }) : staysBox,
    el('h3', { text: 'Scans of this lot' }),
    scanTable(scans));
  for (const stay of stays) {
    const range = locations.get(stay.location)?.temperatureC ?? null;
    const box = el('section', { class: 'lot-stay', dataset: { location: stay.location } },
      el('p', { class: 'lot-stay-head' },
        el('strong', { text: stay.location }),
        ` · ${formatTime(stay.from)} – ${stay.to === null ? 'now' : formatTime(stay.to)}`,
        ` · min ${stay.min === null ? '—' : `${formatValue(stay.min, 'good')} °C`}, max ${stay.max === null ? '—' : `${formatValue(stay.max, 'good')} °C`}`,
        ` · range ${formatRange(range, '°C')} · `,
        el('span', { class: stay.excursions > 0 ? 'quality q-bad' : 'quality q-good', text: stay.excursions > 0 ? `✕ ${stay.excursions} excursion${stay.excursions === 1 ? '' : 's'}` : '✓ no excursion' })));
    staysBox.append(box);
    const chart = new RangeChart(box, { label: 'Temperature', unit: '°C', height: 180 });
    chart.update(stay.temperature, range, [stay.from, stay.to ?? Date.now()]);
    charts.push(chart);
  }
  return dispose;
}

function scanTable(scans) {
  if (scans.length === 0) return el('p', { class: 'hint', text: 'No scans of this lot.' });
  return el('table', { class: 'readings lot-scans' },
    el('thead', {}, el('tr', {}, ...['Time', 'Verdict', 'Op', 'Location', 'Device', 'Operator', 'Qty'].map((text) => el('th', { scope: 'col', text })))),
    el('tbody', {}, ...scans.map((scan) => el('tr', { dataset: { scanId: scan.id } },
      el('td', { text: formatTime(scan.at) }),
      el('td', {}, verdictBadge(scan.verdict)),
      el('td', { text: scan.op }),
      el('td', { text: scan.location ?? '—' }),
      el('td', { text: scan.device }),
      el('td', { text: scan.operator }),
      el('td', { class: 'num', text: scan.qty === null ? '—' : String(scan.qty) })))));
}
