// The right pane: one tag's current value, a uPlot chart of its history over a chosen range
// (appended live) and a table of its latest readings.
import { el, setAttr, setClass, setText } from './dom.js';
import { explainError } from './error-codes.js';
import { QUALITY_LABELS, formatAge, formatTime, formatValue } from './format.js';

export const RANGES = {
  '15m': { label: '15 m', ms: 15 * 60_000 },
  '1h': { label: '1 h', ms: 60 * 60_000 },
  '24h': { label: '24 h', ms: 24 * 60 * 60_000 },
};
export const DEFAULT_RANGE = '15m';
const READINGS_SHOWN = 8;
const CHART_HEIGHT = 300;
// Enough for 24 h at one reading a second; the newest are kept if a tag reports faster.
const HISTORY_LIMIT = 100_000;

export class TagDetail {
  /**
   * @param {HTMLElement} container
   * @param {{ getJson: (url: string) => Promise<any>, onRangeChange: (range: string) => void }} deps
   */
  constructor(container, { getJson, onRangeChange }) {
    this.container = container;
    this.getJson = getJson;
    this.onRangeChange = onRangeChange;
    this.row = null;
    this.range = DEFAULT_RANGE;
    this.points = [];
    this.loaded = false;
    this.generation = 0;
    this.chart = null;
    this.resizeObserver = new ResizeObserver(() => this.fitChart());
    this.showPlaceholder();
  }

  showPlaceholder() {
    this.container.replaceChildren(el('div', { class: 'placeholder' },
      el('p', { class: 'placeholder-title', text: 'Select a tag' }),
      el('p', { text: 'Pick a tag in the tree to see its history, or filter the tree by name.' })));
  }

  /** Opens `row`'s tag (a /latest row) over `range`. */
  async show(row, range, nowMs) {
    this.destroyChart();
    this.row = row;
    this.range = RANGES[range] ? range : DEFAULT_RANGE;
    this.points = [];
    this.loaded = false;
    const generation = ++this.generation;
    this.build();
    this.renderHeader(nowMs);
    await this.load(generation, nowMs);
  }

  build() {
    const row = this.row;
    this.parts = {
      crumbs: el('p', { class: 'crumbs' },
        el('span', { text: row.group, title: 'Site (Sparkplug group)' }), el('span', { class: 'sep', text: '›', 'aria-hidden': 'true' }),
        el('span', { text: row.edge, title: 'Gateway (edge node)' }), el('span', { class: 'sep', text: '›', 'aria-hidden': 'true' }),
        el('span', { text: row.device, title: 'Device' }),
        row.protocol ? el('span', { class: 'protocol', text: row.protocol }) : null),
      title: el('h2', { class: 'detail-title', text: row.tag }),
      value: el('span', { class: 'current-value', dataset: { field: 'value' } }),
      unit: el('span', { class: 'current-unit', dataset: { field: 'unit' } }),
      quality: el('span', { class: 'quality', dataset: { field: 'quality' } }),
      age: el('span', { class: 'current-age', dataset: { field: 'age' } }),
      rangeButtons: el('div', { class: 'ranges', role: 'group', 'aria-label': 'Time range' }),
      chart: el('div', { class: 'chart', 'aria-label': `History of ${row.tag}`, role: 'img' }),
      chartNote: el('p', { class: 'chart-note', hidden: true }),
      readings: el('tbody'),
    };
    for (const [key, { label }] of Object.entries(RANGES)) {
      const button = el('button', { type: 'button', class: 'range', dataset: { range: key }, text: label });
      button.addEventListener('click', () => {
        this.onRangeChange(key);
      });
      this.parts.rangeButtons.append(button);
    }
    const p = this.parts;
    this.container.replaceChildren(
      el('header', { class: 'detail-head' },
        el('div', { class: 'detail-id' }, p.crumbs, p.title),
        el('div', { class: 'current' }, el('span', { class: 'current-reading' }, p.value, p.unit), p.quality, p.age)),
      el('div', { class: 'chart-head' },
        el('h3', { text: 'History' }), p.rangeButtons),
      el('div', { class: 'chart-frame' }, p.chart, p.chartNote),
      el('h3', { text: 'Latest readings' }),
      el('table', { class: 'readings' },
        el('thead', {}, el('tr', {},
          el('th', { scope: 'col', text: 'Time' }), el('th', { scope: 'col', class: 'num', text: 'Value' }),
          el('th', { scope: 'col', text: 'Quality' }))),
        p.readings));
    this.resizeObserver.disconnect();
    this.resizeObserver.observe(p.chart);
  }

  /** The newest /latest row of the open tag; keeps the header current between history fetches. */
  updateLatest(row, nowMs) {
    if (!this.row) return;
    this.row = row;
    this.renderHeader(nowMs);
  }

  refreshAges(nowMs) {
    if (this.row) setText(this.parts.age, `updated ${formatAge(nowMs - this.row.ts)}`);
  }

  renderHeader(nowMs) {
    const { row, parts } = this;
    const value = formatValue(row.value, row.quality, row.error);
    setText(parts.value, value);
    setAttr(parts.value, 'title', explainError(row.error));
    setClass(parts.value, 'is-long', value.length > 14); // scanned codes, status texts, error codes
    setText(parts.unit, row.quality === 'bad' ? '' : row.unit ?? '');
    const label = QUALITY_LABELS[row.quality];
    setText(parts.quality, `${label.symbol} ${label.text}`);
    setAttr(parts.quality, 'class', `quality q-${row.quality}`);
    this.refreshAges(nowMs);
    for (const button of parts.rangeButtons.children) {
      setAttr(button, 'aria-pressed', String(button.dataset.range === this.range));
    }
  }

  windowStart(nowMs) {
    return nowMs - RANGES[this.range].ms;
  }

  async load(generation, nowMs) {
    const from = Math.floor(this.windowStart(nowMs));
    const body = await this.getJson(this.historyUrl(from));
    if (generation !== this.generation) return; // another tag or range was opened meanwhile
    this.points = body.points;
    this.loaded = true;
    this.render(nowMs);
  }

  /** Fetches readings newer than the last one shown and appends them. */
  async tick(nowMs) {
    if (!this.row || !this.loaded) return;
    const generation = this.generation;
    const last = this.points.at(-1);
    const from = last ? last.ts + 1 : Math.floor(this.windowStart(nowMs));
    const body = await this.getJson(this.historyUrl(from));
    if (generation !== this.generation) return;
    const lastTs = this.points.at(-1)?.ts ?? -Infinity;
    const fresh = body.points.filter((p) => p.ts > lastTs);
    const start = this.windowStart(nowMs);
    const firstKept = this.points.findIndex((p) => p.ts >= start);
    if (fresh.length === 0 && firstKept === 0) {
      this.renderChart(nowMs); // slide the window
      return;
    }
    this.points = [...(firstKept === -1 ? [] : this.points.slice(firstKept)), ...fresh];
    this.render(nowMs);
  }

  historyUrl(from) {
    const { group, edge, device, tag } = this.row;
    const query = new URLSearchParams({ group, edge, device, tag, from: String(from), limit: String(HISTORY_LIMIT) });
    return `/api/telemetry/history?${query}`;
  }

  render(nowMs) {
    this.renderChart(nowMs);
    this.renderReadings(nowMs);
  }

  renderReadings(nowMs) {
    const unit = this.row.unit ?? '';
    const rows = this.points.slice(-READINGS_SHOWN).reverse().map((p) => {
      const label = QUALITY_LABELS[p.quality];
      const value = formatValue(p.value, p.quality, p.error);
      return el('tr', { 'data-quality': p.quality },
        el('td', { text: formatTime(p.ts, nowMs), title: new Date(p.ts).toISOString() }),
        el('td', { class: 'num', text: p.quality === 'bad' || !unit ? value : `${value} ${unit}`, title: explainError(p.error) || null }),
        el('td', {}, el('span', { class: `quality q-${p.quality}`, text: `${label.symbol} ${label.text}` })));
    });
    if (rows.length === 0) {
      rows.push(el('tr', {}, el('td', { colspan: '3', class: 'empty', text: `No readings in the last ${RANGES[this.range].label}.` })));
    }
    this.parts.readings.replaceChildren(...rows);
  }

  renderChart(nowMs) {
    const kind = plotKind(this.points, this.row);
    const note = this.parts.chartNote;
    if (kind === 'text') {
      this.destroyChart();
      note.hidden = false;
      setText(note, 'This tag reports text; its readings are listed below.');
      return;
    }
    const xs = this.points.map((p) => p.ts);
    const ys = this.points.map((p) => plotValue(p, kind));
    const noReadings = this.points.length === 0;
    note.hidden = !noReadings;
    if (noReadings) setText(note, `No readings in the last ${RANGES[this.range].label}.`);
    this.window = [this.windowStart(nowMs), nowMs];
    if (this.chart && this.chart.kind === kind) {
      this.chart.plot.setData([xs, ys]);
      return;
    }
    this.destroyChart();
    const plot = new globalThis.uPlot(chartOptions(this, kind), [xs, ys], this.parts.chart);
    this.chart = { plot, kind };
  }

  fitChart() {
    if (!this.chart) return;
    const width = Math.floor(this.parts.chart.clientWidth);
    if (width > 0 && width !== this.chart.plot.width) this.chart.plot.setSize({ width, height: CHART_HEIGHT });
  }

  destroyChart() {
    this.chart?.plot.destroy();
    this.chart = null;
  }
}

/** number, boolean (plotted as a 0/1 step) or text (not plotted). */
function plotKind(points, row) {
  const sample = points.find((p) => p.value !== null && p.quality !== 'bad')?.value ?? row.value;
  if (typeof sample === 'boolean') return 'boolean';
  if (typeof sample === 'number' || sample === null) return 'number';
  return 'text';
}

function plotValue(point, kind) {
  if (point.quality === 'bad') return null; // a gap, not a zero
  if (kind === 'boolean') return typeof point.value === 'boolean' ? Number(point.value) : null;
  return typeof point.value === 'number' ? point.value : null;
}

// uPlot's time-axis table with a 24-hour clock, as plants read time: [tick step, tick format,
// then the formats used when the year, month, day, hour, minute or second rolls over, mode].
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_AXIS_VALUES = [
  [DAY, '{D} {MMM}', '\n{YYYY}', null, null, null, null, null, 1],
  [HOUR, '{HH}:{mm}', '\n{D} {MMM} {YYYY}', null, '\n{D} {MMM}', null, null, null, 1],
  [MINUTE, '{HH}:{mm}', '\n{D} {MMM} {YYYY}', null, '\n{D} {MMM}', null, null, null, 1],
  [SECOND, '{HH}:{mm}:{ss}', '\n{D} {MMM} {YYYY}', null, '\n{D} {MMM}', null, null, null, 1],
];

function chartOptions(detail, kind) {
  const { uPlot } = globalThis;
  const unit = detail.row.unit ?? '';
  const isBoolean = kind === 'boolean';
  const axisStyle = { stroke: '#475569', grid: { stroke: '#e8edf3', width: 1 }, ticks: { stroke: '#cbd5e1', width: 1 } };
  return {
    width: Math.max(320, Math.floor(detail.parts.chart.clientWidth)),
    height: CHART_HEIGHT,
    ms: 1,
    cursor: { drag: { x: false, y: false } },
    legend: { show: true },
    scales: {
      x: { time: true, range: () => detail.window },
      y: isBoolean ? { range: [-0.15, 1.15] } : {},
    },
    series: [
      { value: (_u, ts) => (ts == null ? '—' : formatTime(ts)) },
      {
        label: unit ? `${detail.row.tag} (${unit})` : detail.row.tag,
        stroke: '#2563eb',
        width: 2,
        fill: 'rgba(37, 99, 235, 0.08)',
        spanGaps: false,
        points: { size: 5, fill: '#2563eb' },
        value: (_u, v) => (v == null ? '—' : isBoolean ? (v ? 'on' : 'off') : formatValue(v, 'good')),
        ...(isBoolean ? { paths: uPlot.paths.stepped({ align: 1 }) } : {}),
      },
    ],
    axes: [
      { ...axisStyle, values: TIME_AXIS_VALUES },
      {
        ...axisStyle,
        label: unit || (isBoolean ? 'state' : 'value'),
        labelSize: 24,
        size: 64,
        ...(isBoolean ? { splits: () => [0, 1], values: (_u, splits) => splits.map((v) => (v ? 'on' : 'off')) } : {}),
      },
    ],
  };
}
