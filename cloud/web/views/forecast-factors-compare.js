// What a sandbox edit would have done to the error, as the factor comparison route answers it
// (POST /api/forecasting/factors/sandboxes/:id/compare): production beside sandbox, WAPE and MAPE,
// over every scored day and over only the days the edit changes, and a small per-day plot of what
// sold against both forecasts, so a planner sees where the edit moves the forecast before
// publishing it.
import { el, setText } from './dom.js';
import { dayMs, dayOf, formatPct, formatQty } from './forecast-format.js';
import { LineChart } from './forecast-line-chart.js';

/** "-4.1 pt (better)": a change in a share, in percentage points, with its direction in words. */
export function formatChange(change) {
  if (change === null || change === undefined || !Number.isFinite(change)) return '—';
  const points = change * 100;
  if (Math.abs(points) < 0.05) return '0.0 pt (same)';
  return `${points > 0 ? '+' : '−'}${Math.abs(points).toFixed(1)} pt (${points < 0 ? 'better' : 'worse'})`;
}

const figureRow = (id, label, part) => el('tr', { dataset: { row: id } },
  el('th', { scope: 'row', text: label }),
  el('td', { class: 'num', text: String(part.days) }),
  el('td', { class: 'num', dataset: { field: 'production-wape' }, text: formatPct(part.production.wape) }),
  el('td', { class: 'num', dataset: { field: 'sandbox-wape' }, text: formatPct(part.sandbox.wape) }),
  el('td', { class: 'num', dataset: { field: 'change-wape', direction: direction(part.change.wape) }, text: formatChange(part.change.wape) }),
  el('td', { class: 'num', dataset: { field: 'production-mape' }, text: formatPct(part.production.mape) }),
  el('td', { class: 'num', dataset: { field: 'sandbox-mape' }, text: formatPct(part.sandbox.mape) }),
  el('td', { class: 'num', dataset: { field: 'change-mape', direction: direction(part.change.mape) }, text: formatChange(part.change.mape) }));

function direction(change) {
  if (change === null || change === undefined || Math.abs(change) < 0.0005) return 'same';
  return change < 0 ? 'better' : 'worse';
}

export class FactorComparison {
  /** @param {HTMLElement} container */
  constructor(container) {
    this.verdict = el('p', { class: 'factor-verdict', id: 'factor-verdict', role: 'status' });
    this.scope = el('p', { class: 'hint', id: 'factor-comparison-scope' });
    this.body = el('tbody', { id: 'factor-comparison-rows' });
    this.skipped = el('p', { class: 'hint', id: 'factor-comparison-skipped', hidden: true });
    this.chartHost = el('div', { class: 'factor-comparison-chart' });
    this.element = el('div', { class: 'factor-comparison', id: 'factor-comparison', hidden: true },
      el('h4', { text: 'Backtest: production against the sandbox' }),
      this.verdict, this.scope,
      el('table', { class: 'readings factor-comparison-table' },
        el('thead', {}, el('tr', {},
          el('th', { text: 'Days scored' }), el('th', { class: 'num', text: 'Series-days' }),
          el('th', { class: 'num', text: 'WAPE production' }), el('th', { class: 'num', text: 'WAPE sandbox' }), el('th', { class: 'num', text: 'WAPE change' }),
          el('th', { class: 'num', text: 'MAPE production' }), el('th', { class: 'num', text: 'MAPE sandbox' }), el('th', { class: 'num', text: 'MAPE change' }))),
        this.body),
      this.skipped,
      this.chartHost);
    container.append(this.element);
    this.chart = null;
  }

  clear() {
    this.element.hidden = true;
    this.body.replaceChildren();
  }

  /** Shows one comparison answer. */
  show(result) {
    this.element.hidden = false;
    this.element.dataset.better = String(result.sandboxIsBetter);
    const { overall, changed } = result;
    setText(this.verdict, result.sandboxIsBetter
      ? `The sandbox would have erred less: WAPE ${formatPct(overall.production.wape)} → ${formatPct(overall.sandbox.wape)} (${formatChange(overall.change.wape)}).`
      : `The sandbox would not have erred less: WAPE ${formatPct(overall.production.wape)} → ${formatPct(overall.sandbox.wape)} (${formatChange(overall.change.wape)}).`);
    setText(this.scope, `${result.model} baseline forecast again from rolling origins every ${result.horizonDays} day(s) over ${result.weeks} week(s), ${result.from} to ${result.to}, `
      + `${result.series.length} series, against production ${result.productionVersion === null ? '(no version: no factors)' : `version ${result.productionVersion}`}`
      + `${result.censoredDaysSkipped > 0 ? `; ${result.censoredDaysSkipped} stock-out day(s) not scored` : ''}.`);
    this.body.replaceChildren(figureRow('overall', 'All days', overall), figureRow('changed', 'Days the edit changes', changed));
    this.skipped.hidden = result.skipped.length === 0;
    setText(this.skipped, result.skipped.length === 0 ? '' : `Not compared: ${result.skipped.map((s) => `${s.sku} at ${s.location} (${s.reason})`).join('; ')}.`);
    this.chart ??= new LineChart(this.chartHost, {
      id: 'factor-comparison-chart', label: 'Units sold per day against the production and the sandbox forecast', xLabel: 'day', yLabel: 'units', time: true,
      formatY: formatQty, formatX: (x) => dayOf(x), height: 200,
    });
    const points = [];
    for (const day of result.days) {
      const x = dayMs(day.day);
      points.push({ x, y: day.actual, label: 'sold' }, { x, y: day.production, label: 'production forecast' }, { x, y: day.sandbox, label: 'sandbox forecast' });
    }
    this.chart.update(points, 'No day was scored.');
    this.chartHost.dataset.changedDays = String(result.days.filter((day) => day.changed).length);
  }
}
