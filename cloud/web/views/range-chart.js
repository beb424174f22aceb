// A uPlot chart of readings against their allowed range: the range a shaded band between dashed
// min and max lines, so an excursion stands out at a glance. The shelves screen (a shelf's last
// 24 h) and the lots screen (each stay of a lot) use it; uPlot is loaded by admin.html.
import { el, setText } from './dom.js';
import { formatTime, formatValue } from './format.js';

const RANGE_STROKE = '#b45309';
const RANGE_FILL = 'rgba(34, 197, 94, 0.10)';

// uPlot's time-axis table with a 24-hour clock, as plants read time (as tag-detail.js).
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_AXIS_VALUES = [
  [DAY, '{D} {MMM}', '\n{YYYY}', null, null, null, null, null, 1],
  [HOUR, '{HH}:{mm}', '\n{D} {MMM} {YYYY}', null, '\n{D} {MMM}', null, null, null, 1],
  [MINUTE, '{HH}:{mm}', '\n{D} {MMM} {YYYY}', null, '\n{D} {MMM}', null, null, null, 1],
  [1000, '{HH}:{mm}:{ss}', '\n{D} {MMM} {YYYY}', null, '\n{D} {MMM}', null, null, null, 1],
];
const AXIS_STYLE = { stroke: '#475569', grid: { stroke: '#e8edf3', width: 1 }, ticks: { stroke: '#cbd5e1', width: 1 } };

export class RangeChart {
  /**
   * @param {HTMLElement} container
   * @param {{ label: string, unit: string, height?: number }} what
   */
  constructor(container, { label, unit, height = 220 }) {
    this.label = label;
    this.unit = unit;
    this.height = height;
    this.plot = null;
    this.hasRange = null;
    this.chart = el('div', { class: 'chart', role: 'img', 'aria-label': `${label} with its allowed range` });
    this.note = el('p', { class: 'chart-note', hidden: true });
    this.element = el('div', { class: 'chart-frame range-chart' }, this.chart, this.note);
    container.append(this.element);
    this.resizeObserver = new ResizeObserver(() => this.fit());
    this.resizeObserver.observe(this.chart);
  }

  /**
   * @param {Array<[number, number]>} points [ts, value], oldest first
   * @param {{ min: number, max: number } | null} range
   * @param {[number, number]} window [from, to] in ms
   */
  update(points, range, window) {
    this.window = window;
    this.note.hidden = points.length > 0;
    setText(this.note, points.length > 0 ? '' : `No ${this.label.toLowerCase()} readings in this time.`);
    // the window's ends carry no reading but make the range lines span the whole chart
    const xs = [window[0], ...points.map(([ts]) => ts), window[1]];
    const data = [xs, [null, ...points.map(([, value]) => value), null]];
    if (range) data.push(xs.map(() => range.min), xs.map(() => range.max));
    if (this.plot && this.hasRange === Boolean(range)) {
      this.plot.setData(data);
      return;
    }
    this.plot?.destroy();
    this.hasRange = Boolean(range);
    this.plot = new globalThis.uPlot(this.options(Boolean(range)), data, this.chart);
  }

  options(withRange) {
    const value = (_u, v) => (v == null ? '—' : `${formatValue(v, 'good')} ${this.unit}`);
    const rangeLine = (label) => ({ label, stroke: RANGE_STROKE, width: 1, dash: [6, 4], points: { show: false }, value });
    return {
      width: Math.max(320, Math.floor(this.chart.clientWidth)),
      height: this.height,
      ms: 1,
      cursor: { drag: { x: false, y: false } },
      legend: { show: true },
      scales: { x: { time: true, range: () => this.window } },
      series: [
        { value: (_u, ts) => (ts == null ? '—' : formatTime(ts)) },
        { label: `${this.label} (${this.unit})`, stroke: '#2563eb', width: 2, spanGaps: false, points: { size: 4, fill: '#2563eb' }, value },
        ...(withRange ? [rangeLine('min'), rangeLine('max')] : []),
      ],
      bands: withRange ? [{ series: [3, 2], fill: RANGE_FILL }] : [],
      axes: [
        { ...AXIS_STYLE, values: TIME_AXIS_VALUES },
        { ...AXIS_STYLE, label: this.unit, labelSize: 24, size: 56 },
      ],
    };
  }

  fit() {
    if (!this.plot) return;
    const width = Math.floor(this.chart.clientWidth);
    if (width > 0 && width !== this.plot.width) this.plot.setSize({ width, height: this.height });
  }

  destroy() {
    this.resizeObserver.disconnect();
    this.plot?.destroy();
    this.plot = null;
    this.element.remove();
  }
}
