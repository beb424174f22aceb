// One series' forecast as a planner reads it (uPlot, after range-chart.js): the actual sales
// before the forecast, the forecast line, its 80% interval as a shaded band, and the factor
// overlay: a marker on every day a factor applies, on its own axis (the product of the factors,
// 1 = no effect), whose legend entry names each factor and its value on the day under the
// cursor. Stock-out days (censored demand) show in the actual line's legend, since the sales
// there understate demand.
import { el, setText } from './dom.js';
import { AXIS_STYLE, DAY_AXIS_VALUES, dayMs, dayOf, formatFactor, formatQty, utcDate } from './forecast-format.js';

const ACTUAL = '#334155';
const FORECAST = '#2563eb';
const BAND = 'rgba(37, 99, 235, 0.14)';
const FACTOR = '#b45309';

/**
 * uPlot's aligned data from a SeriesForecast: x, actual, forecast, lower, upper, factor product;
 * plus per index the factors and the censored flag for the legend.
 */
export function forecastPlotData(forecast) {
  const history = forecast.history ?? [];
  const xs = [];
  const actual = [];
  const line = [];
  const lower = [];
  const upper = [];
  const product = [];
  const factorsAt = [];
  const censoredAt = [];
  for (const day of history) {
    xs.push(dayMs(day.day));
    actual.push(day.qty);
    line.push(null);
    lower.push(null);
    upper.push(null);
    product.push(null);
    factorsAt.push([]);
    censoredAt.push(Boolean(day.censored));
  }
  // the forecast line starts at the last actual day, so the two lines meet
  if (history.length > 0 && forecast.days.length > 0) line[line.length - 1] = history[history.length - 1].qty;
  for (const day of forecast.days) {
    xs.push(dayMs(day.day));
    actual.push(null);
    line.push(day.forecast);
    lower.push(day.lower);
    upper.push(day.upper);
    product.push(day.factors.length > 0 ? day.factors.reduce((p, f) => p * f.value, 1) : null);
    factorsAt.push(day.factors);
    censoredAt.push(false);
  }
  return { data: [xs, actual, line, lower, upper, product], factorsAt, censoredAt };
}

export class ForecastPlot {
  /** @param {HTMLElement} container */
  constructor(container) {
    this.height = 280;
    this.plot = null;
    this.chart = el('div', { class: 'chart', id: 'forecast-chart', role: 'img', 'aria-label': 'Actual sales, the forecast with its 80% interval, and the days factors apply' });
    this.note = el('p', { class: 'chart-note', hidden: true });
    this.element = el('div', { class: 'chart-frame forecast-plot' }, this.chart, this.note);
    container.append(this.element);
    this.resizeObserver = new ResizeObserver(() => this.fit());
    this.resizeObserver.observe(this.chart);
  }

  /** @param {object | null} forecast a SeriesForecast, or null: nothing to plot (`why` says why). */
  update(forecast, why = 'No forecast for this series yet: run a forecast.') {
    this.plot?.destroy();
    this.plot = null;
    this.note.hidden = forecast !== null;
    setText(this.note, forecast === null ? why : '');
    if (forecast === null) return;
    const { data, factorsAt, censoredAt } = forecastPlotData(forecast);
    this.chart.dataset.firstDay = forecast.history[0]?.day ?? forecast.from;
    this.chart.dataset.lastDay = forecast.days.at(-1)?.day ?? forecast.from;
    this.chart.dataset.factorDays = String(data[5].filter((v) => v !== null).length);
    this.plot = new globalThis.uPlot(this.options(factorsAt, censoredAt), data, this.chart);
  }

  options(factorsAt, censoredAt) {
    const qty = (_u, v) => formatQty(v);
    return {
      width: Math.max(360, Math.floor(this.chart.clientWidth)),
      height: this.height,
      ms: 1,
      tzDate: utcDate,
      cursor: { drag: { x: false, y: false } },
      legend: { show: true },
      scales: { x: { time: true }, factor: { range: (_u, min, max) => [Math.min(0.5, min ?? 1), Math.max(1.5, max ?? 1)] } },
      series: [
        { label: 'day', value: (_u, ts) => (ts == null ? '—' : dayOf(ts)) },
        { label: 'actual', stroke: ACTUAL, width: 1.5, points: { size: 3, fill: ACTUAL },
          value: (_u, v, _s, i) => (v == null ? '—' : `${formatQty(v)}${censoredAt[i] ? ' (stock-out: demand censored)' : ''}`) },
        { label: 'forecast', stroke: FORECAST, width: 2, points: { size: 4, fill: FORECAST }, value: qty },
        { label: '80% low', stroke: FORECAST, width: 1, dash: [4, 4], points: { show: false }, value: qty },
        { label: '80% high', stroke: FORECAST, width: 1, dash: [4, 4], points: { show: false }, value: qty },
        {
          label: 'factors', scale: 'factor', stroke: FACTOR, fill: FACTOR, width: 0, paths: () => null,
          points: { show: true, size: 9, stroke: FACTOR, fill: FACTOR },
          value: (_u, _v, _s, i) => {
            const applied = i == null ? [] : factorsAt[i] ?? [];
            return applied.length === 0 ? 'none' : applied.map((f) => `${f.name} ${formatFactor(f.value)}`).join(' · ');
          },
        },
      ],
      bands: [{ series: [4, 3], fill: BAND }],
      axes: [
        { ...AXIS_STYLE, values: DAY_AXIS_VALUES },
        { ...AXIS_STYLE, label: 'units per day', labelSize: 24, size: 56 },
        { ...AXIS_STYLE, scale: 'factor', side: 1, grid: { show: false }, label: 'factor (x)', labelSize: 24, size: 48, values: (_u, ticks) => ticks.map((t) => formatFactor(t)) },
      ],
    };
  }

  fit() {
    if (!this.plot) return;
    const width = Math.floor(this.chart.clientWidth);
    if (width > 0 && width !== this.plot.width) this.plot.setSize({ width, height: this.height });
  }
}
