// A small uPlot line chart of named series over a shared x (weeks, epochs or backtest steps),
// with an optional horizontal threshold line: the MAPE monitor (weekly MAPE against 15%) and the
// live loss / WAPE plot of a running job use it. Redrawn from scratch when the set of series
// changes, else updated in place so polling does not flicker.
import { el, setText } from './dom.js';
import { AXIS_STYLE, DAY_AXIS_VALUES, utcDate } from './forecast-format.js';

// epochs and steps are whole numbers: ticks at 1, 2, 5, 10, ... apart, never between them
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
// time charts here are weekly (the monitor): ticks a whole number of weeks apart
const WEEK_STEPS = [1, 2, 4, 8, 13, 26, 52].map((weeks) => weeks * 7 * 86_400_000);
const COLOURS = ['#2563eb', '#b45309', '#16a34a', '#9333ea', '#dc2626', '#0891b2', '#475569'];

/**
 * Points [{ x, y, label? }] -> uPlot's aligned data: one series per label (in first-seen order),
 * x the sorted union, null where a series has no point.
 */
export function alignPoints(points, defaultLabel) {
  const labels = [];
  for (const p of points) {
    const label = p.label ?? defaultLabel;
    if (!labels.includes(label)) labels.push(label);
  }
  const xs = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const ys = labels.map(() => xs.map(() => null));
  for (const p of points) ys[labels.indexOf(p.label ?? defaultLabel)][at.get(p.x)] = p.y;
  return { labels, data: [xs, ...ys] };
}

export class LineChart {
  /**
   * @param {HTMLElement} container
   * @param {{ id: string, label: string, xLabel: string, yLabel: string, time?: boolean,
   *   formatY: (v: number) => string, formatX: (x: number) => string, threshold?: { value: number, label: string }, height?: number }} what
   */
  constructor(container, what) {
    this.what = what;
    this.height = what.height ?? 200;
    this.plot = null;
    this.shape = '';
    this.chart = el('div', { class: 'chart', id: what.id, role: 'img', 'aria-label': what.label });
    this.note = el('p', { class: 'chart-note', hidden: true });
    this.element = el('div', { class: 'chart-frame forecast-line-chart' }, this.chart, this.note);
    container.append(this.element);
    this.resizeObserver = new ResizeObserver(() => this.fit());
    this.resizeObserver.observe(this.chart);
  }

  /** @param {Array<{ x: number, y: number | null, label?: string }>} points @param {string} empty words when there are none */
  update(points, empty) {
    this.note.hidden = points.length > 0;
    setText(this.note, points.length > 0 ? '' : empty);
    this.chart.dataset.points = String(points.length);
    if (points.length === 0) {
      this.plot?.destroy();
      this.plot = null;
      this.shape = '';
      return;
    }
    const { labels, data } = alignPoints(points, this.what.yLabel);
    const { threshold } = this.what;
    if (threshold) data.push(data[0].map(() => threshold.value));
    const shape = JSON.stringify(labels);
    if (this.plot && shape === this.shape) {
      this.plot.setData(data);
      return;
    }
    this.plot?.destroy();
    this.shape = shape;
    this.plot = new globalThis.uPlot(this.options(labels), data, this.chart);
  }

  options(labels) {
    const { formatX, formatY, threshold, time, xLabel, yLabel } = this.what;
    const value = (_u, v) => (v == null ? '—' : formatY(v));
    return {
      width: Math.max(320, Math.floor(this.chart.clientWidth)),
      height: this.height,
      ms: 1,
      ...(time ? { tzDate: utcDate } : {}),
      cursor: { drag: { x: false, y: false } },
      legend: { show: true },
      // a threshold chart starts at 0 and shows its line; a loss curve gets uPlot's own range, so its fall shows
      scales: { x: { time: Boolean(time) }, ...(threshold ? { y: { range: (_u, _min, max) => [0, Math.max(max ?? 0, threshold.value) * 1.15] } } : {}) },
      series: [
        { label: xLabel, value: (_u, x) => (x == null ? '—' : formatX(x)) },
        ...labels.map((label, i) => ({ label, stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: true, points: { size: 5, fill: COLOURS[i % COLOURS.length] }, value })),
        ...(threshold ? [{ label: threshold.label, stroke: '#991b1b', width: 1, dash: [6, 4], points: { show: false }, value }] : []),
      ],
      axes: [
        { ...AXIS_STYLE, ...(time ? { incrs: WEEK_STEPS, values: DAY_AXIS_VALUES } : { incrs: WHOLE_STEPS, values: (_u, ticks) => ticks.map(formatX) }) },
        { ...AXIS_STYLE, label: yLabel, labelSize: 24, size: 60, values: (_u, ticks) => ticks.map(formatY) },
      ],
    };
  }

  fit() {
    if (!this.plot) return;
    const width = Math.floor(this.chart.clientWidth);
    if (width > 0 && width !== this.plot.width) this.plot.setSize({ width, height: this.height });
  }
}
