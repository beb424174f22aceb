// The lot trace's stays: every location the lot sat on, from when to when and how much, as a
// timeline (a bar per stay over the lot's whole life) and, for a monitored location, the
// temperature record of the stay: its range, lowest and highest reading, and each excursion with
// its worst value and minutes. When the answer carries the readings themselves (`points`), the
// stay also gets a small chart of them against the range (range-chart.js).
import { el } from './dom.js';
import { formatValue } from './format.js';
import { formatRange } from './inventory-format.js';
import { RangeChart } from './range-chart.js';
import { formatQty, formatWhen } from './stock-format.js';

const temperatureOfStay = (excursions, stay) => excursions.find((record) => record.location === stay.location && record.from === stay.from);

function temperatureBlock(record, charts) {
  const { unit, range } = record;
  const head = el('p', { class: 'trace-temperature' },
    `Temperature ${formatRange(range, unit)}: `,
    record.samples === 0 ? 'no readings while the lot was there'
      : `${record.samples} readings, ${formatValue(record.min, 'good')} to ${formatValue(record.max, 'good')} ${unit}`);
  const list = record.excursions.length === 0 ? null
    : el('ul', { class: 'trace-excursions' }, ...record.excursions.map((excursion) => el('li', { dataset: { start: String(excursion.start) } },
      `${formatWhen(excursion.start)}: ${formatValue(excursion.minutes, 'good')} min outside, worst ${formatValue(excursion.worst, 'good')} ${unit}`
      + ` (${excursion.samples} reading${excursion.samples === 1 ? '' : 's'}${excursion.ongoing ? ', still outside at the last reading' : ''})`)));
  const block = el('div', { class: 'trace-stay-temperature' }, head, list);
  if (Array.isArray(record.points)) {
    const chart = new RangeChart(block, { label: 'Temperature', unit, height: 160 });
    chart.update(record.points, range, [record.from, record.to ?? Date.now()]);
    charts.push(chart);
  }
  return block;
}

/** The stay's bar on the lot's life; set through CSSOM, as the CSP allows no style attributes. */
function bar(leftPct, widthPct) {
  const node = el('span', { class: 'trace-stay-bar' });
  node.style.left = `${leftPct.toFixed(2)}%`;
  node.style.width = `${widthPct.toFixed(2)}%`;
  return node;
}

/**
 * Draws the stays into `container`; returns a function that frees their charts.
 * @param {HTMLElement} container
 * @param {{ stays: any[], excursions: any[], temperatureEvidence: boolean, unit: string, now: number }} trace
 */
export function renderStays(container, { stays, excursions, temperatureEvidence, unit, now }) {
  const charts = [];
  if (stays.length === 0) {
    container.replaceChildren(el('p', { class: 'hint', text: 'The lot never sat on a storage, transit or inspection location.' }));
    return () => {};
  }
  const start = Math.min(...stays.map((stay) => stay.from));
  const end = Math.max(now, ...stays.map((stay) => stay.to ?? now));
  const span = Math.max(1, end - start);
  container.replaceChildren(...[
    temperatureEvidence ? null : el('p', { class: 'hint', text: 'No temperature records are connected to the trace, so excursions cannot be shown.' }),
    el('ol', { class: 'trace-stays' }, ...stays.map((stay) => {
      const record = temperatureOfStay(excursions, stay);
      // a stay of a moment still gets a visible sliver at the end of the track
      const left = Math.min(99.5, ((stay.from - start) / span) * 100);
      const width = Math.max(0.5, (((stay.to ?? now) - stay.from) / span) * 100);
      return el('li', { class: `trace-stay${record?.excursions.length ? ' is-alarm' : ''}`, dataset: { location: stay.location, from: String(stay.from) } },
        el('div', { class: 'trace-stay-head' },
          el('strong', { text: stay.location }),
          el('span', { class: 'trace-node-meta', text: stay.locationKind }),
          el('span', { text: `${formatWhen(stay.from)} → ${stay.to === null ? 'still there' : formatWhen(stay.to)}` }),
          el('span', { class: 'trace-node-qty', text: `up to ${formatQty(stay.qty)} ${unit} held, ${formatQty(stay.qtyIn)} ${unit} moved in` })),
        el('div', { class: 'trace-stay-track', 'aria-hidden': 'true' }, bar(left, Math.min(100 - left, width))),
        record ? temperatureBlock(record, charts) : null);
    })),
  ].filter(Boolean));
  return () => { for (const chart of charts) chart.destroy(); };
}
