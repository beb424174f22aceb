// The forecasting screen (inventory.read): the forecast series (SKU x location) with their class,
// model, last week's MAPE and review flag; for the selected one its forecast plot (actual sales,
// forecast, 80% interval, factor overlay) and the per-day decomposition (baseline x factors =
// forecast); the latest backtest with every model beside seasonal naive; the MAPE monitor with
// its open reviews; and the jobs (train, backtest, forecast run) with their progress. Writers
// (forecasting.manage) start jobs and close reviews. The factor sandbox editor is another
// module's (forecast-factors-panel.js), shown in its own section when it is there.
import { api, apiOutcome } from './api.js';
import { el, setText } from './dom.js';
import { renderBacktest } from './forecast-backtest-table.js';
import { renderDecomposition } from './forecast-decomposition.js';
import { formatInstant } from './forecast-format.js';
import { JobsPanel } from './forecast-jobs.js';
import { MonitorPanel } from './forecast-monitor.js';
import { ForecastPlot } from './forecast-plot.js';
import { renderSeriesList, seriesKey, seriesListHead } from './forecast-series-list.js';

const section = (id, title, ...children) => el('section', { class: 'forecast-section', id, 'aria-labelledby': `${id}-title` }, el('h3', { id: `${id}-title`, text: title }), ...children);

/** `model: trained …` and `last run: …` in words. */
function statusText(status) {
  const model = status.model
    ? `Model #${status.model.id}: LSTM, ${status.model.hiddenSize} hidden units, ${status.model.epochs} epochs over ${status.model.series} series, validation loss ${Number(status.model.validationLoss).toPrecision(3)}, trained ${formatInstant(status.model.trainedAt)}.`
    : 'No LSTM trained yet: the baselines forecast until one is.';
  const run = status.lastRun
    ? `Last forecast run ${formatInstant(status.lastRun.madeAt)} from ${status.lastRun.from}, ${status.lastRun.series} series.`
    : 'No forecast run yet.';
  return `${model} ${run}`;
}

export async function startForecasting(me) {
  const manage = me.permissions.includes('forecasting.manage');
  const root = document.getElementById('forecasting-root');
  const status = el('p', { class: 'hint', id: 'forecast-status', role: 'status', 'aria-live': 'polite' });
  const summary = el('p', { class: 'hint', id: 'forecast-summary' });
  const seriesRows = el('tbody', { id: 'forecast-series-rows' });
  const selectedTitle = el('h3', { id: 'forecast-selected' });
  const plotHost = el('div', { id: 'forecast-plot' });
  const decomposition = el('div', { id: 'forecast-days' });
  const backtest = el('div', { id: 'forecast-backtest' });
  const monitorRoot = el('div', { id: 'forecast-monitor' });
  const jobsRoot = el('div', { id: 'forecast-jobs' });
  const factors = el('section', { class: 'forecast-section', id: 'forecast-factors', 'aria-label': 'Factors' });
  root.replaceChildren(
    el('p', { class: 'hint', text: 'Forecast = the model\'s baseline x named factors, 14 days ahead per SKU at its warehouse. Baselines (seasonal naive, ETS, Croston, TSB) always stand beside the LSTM; each demand class uses the champion of the latest backtest.' }),
    summary, status,
    section('forecast-jobs-section', 'Jobs', jobsRoot),
    el('div', { class: 'forecast-layout' },
      section('forecast-series', 'Series', el('div', { class: 'forecast-table-frame' }, el('table', { class: 'readings forecast-series-table' }, seriesListHead(), seriesRows))),
      el('section', { class: 'forecast-section forecast-detail', 'aria-labelledby': 'forecast-selected' }, selectedTitle, plotHost, decomposition)),
    factors,
    section('forecast-backtest-section', 'Backtest: every model on the same folds', backtest),
    section('forecast-monitor-section', 'MAPE monitor', monitorRoot));

  const state = { series: [], selected: null, threshold: 0.15 };
  const plot = new ForecastPlot(plotHost);
  const monitor = new MonitorPanel(monitorRoot, { manage, onChanged: () => refresh() });
  const jobs = new JobsPanel(jobsRoot, { manage, onFinished: () => refresh() });

  async function showSeries(series) {
    state.selected = series ? seriesKey(series) : null;
    renderSeriesList(seriesRows, { series: state.series, selected: state.selected, threshold: state.threshold, onPick: (s) => showSeries(s) });
    setText(selectedTitle, series ? `${series.sku} at ${series.location}` : 'No series selected');
    if (!series) {
      plot.update(null, 'No series to plot yet.');
      renderDecomposition(decomposition, null);
      await monitor.load(null);
      return;
    }
    const outcome = apiOutcome(await api('GET', `/api/forecasting/forecasts/${encodeURIComponent(series.sku)}/${encodeURIComponent(series.location)}`));
    if (state.selected !== seriesKey(series)) return; // another series was picked meanwhile
    if (outcome.ok) {
      plot.update(outcome.body);
      renderDecomposition(decomposition, outcome.body);
    } else {
      plot.update(null, outcome.status === 404 ? 'No forecast for this series yet: run a forecast.' : `Cannot load the forecast: ${outcome.message}`);
      renderDecomposition(decomposition, null);
    }
    await monitor.load(series);
  }

  async function refresh() {
    setText(status, 'Loading…');
    const [statusOutcome, seriesOutcome, backtestOutcome] = await Promise.all(
      ['/api/forecasting/status', '/api/forecasting/series', '/api/forecasting/backtest'].map(async (url) => apiOutcome(await api('GET', url))));
    const failed = [statusOutcome, seriesOutcome].find((o) => !o.ok);
    if (failed) {
      setText(status, `Cannot load forecasting: ${failed.message}`);
      return;
    }
    setText(summary, statusText(statusOutcome.body));
    jobs.showJobs(statusOutcome.body.jobs);
    state.series = seriesOutcome.body.series;
    if (backtestOutcome.ok) renderBacktest(backtest, backtestOutcome.body);
    else if (backtestOutcome.status === 404) renderBacktest(backtest, null);
    else backtest.replaceChildren(el('p', { class: 'form-error', text: `Cannot load the backtest: ${backtestOutcome.message}` }));
    const selected = state.series.find((s) => seriesKey(s) === state.selected) ?? state.series[0] ?? null;
    await showSeries(selected);
    setText(status, `${state.series.length} series · updated ${formatInstant(Date.now())}`);
  }

  // The factor editor belongs to another module; the screen works without it.
  import('./forecast-factors-panel.js').then(
    (module) => Promise.resolve(module.renderFactorPanel(factors, me)).catch((error) => {
      factors.replaceChildren(el('p', { class: 'form-error', text: `Cannot show the factors: ${error.message}` }));
    }),
    () => { factors.hidden = true; });

  await refresh();
}
